/*
Copyright 2026 The roadmap-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	watchtools "k8s.io/client-go/tools/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// Kinds the bench watches.
const (
	kindCapability = "Capability"
	kindInitiative = "Initiative"
	kindGoal       = "Goal"
)

// objState is what the bench remembers of one object, from its own watch events only.
type objState struct {
	kind string
	rv   string
	// ready is the status of the object's Ready condition in the latest event.
	ready bool
	// writes counts MODIFIED events: each is one new resourceVersion, i.e. one write that reached etcd.
	writes int
	// readyAt and blockedAt are when the watch last saw the Ready condition become True, and stop being True.
	readyAt, blockedAt time.Time
	// dependent marks the objects whose propagation a round measures.
	dependent bool
}

// tracker records, from watches opened by the bench's own client, every change to the roadmap objects. All
// timestamps in the results are taken here, when an event arrives, never from the operator.
type tracker struct {
	mu   sync.Mutex
	objs map[string]*objState
	// markers are the barrier objects, one per kind (see barrier); their events are not counted.
	markers map[string]string
	// writes counts MODIFIED events of non-marker objects, per kind.
	writes map[string]int
	// lastWrite is when the latest counted write was seen.
	lastWrite time.Time
	// dependentsReady counts the dependents whose Ready condition is True.
	dependentsReady int
	// changed is closed and replaced after every event, to wake waiters.
	changed chan struct{}
	err     error
}

func newTracker() *tracker {
	return &tracker{objs: map[string]*objState{}, markers: map[string]string{}, writes: map[string]int{},
		changed: make(chan struct{})}
}

func objKey(kind, namespace, name string) string {
	if namespace == "" {
		return kind + "/" + name
	}
	return kind + "/" + namespace + "/" + name
}

// listerWatcher adapts a controller-runtime client to client-go's RetryWatcher, which resumes a watch from the
// last resourceVersion it delivered when the apiserver closes it.
type listerWatcher struct {
	c    client.WithWatch
	list client.ObjectList
}

func (lw listerWatcher) WatchWithContext(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	return lw.c.Watch(ctx, lw.list.DeepCopyObject().(client.ObjectList), &client.ListOptions{Raw: &opts})
}

// start opens a watch on a kind from resourceVersion rv and records its events until ctx ends.
func (t *tracker) start(ctx context.Context, c client.WithWatch, list client.ObjectList, rv string) error {
	w, err := watchtools.NewRetryWatcherWithContext(ctx, rv, listerWatcher{c: c, list: list})
	if err != nil {
		return fmt.Errorf("opening watch: %w", err)
	}
	go func() {
		defer w.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.ResultChan():
				if !ok {
					t.fail(fmt.Errorf("watch on %T closed", list))
					return
				}
				t.handle(ev, time.Now())
			}
		}
	}()
	return nil
}

func (t *tracker) fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err == nil {
		t.err = err
	}
	close(t.changed)
	t.changed = make(chan struct{})
}

func (t *tracker) handle(ev watch.Event, now time.Time) {
	var kind string
	var conditions []metav1.Condition
	switch o := ev.Object.(type) {
	case *roadmapv1.Capability:
		kind, conditions = kindCapability, o.Status.Conditions
	case *roadmapv1.Initiative:
		kind, conditions = kindInitiative, o.Status.Conditions
	case *roadmapv1.Goal:
		kind, conditions = kindGoal, o.Status.Conditions
	case *metav1.Status:
		t.fail(fmt.Errorf("watch error: %s", o.Message))
		return
	default:
		return // bookmarks
	}
	if ev.Type != watch.Added && ev.Type != watch.Modified {
		return
	}
	obj := ev.Object.(client.Object)
	key := objKey(kind, obj.GetNamespace(), obj.GetName())
	ready := false
	for _, c := range conditions {
		if c.Type == roadmapv1.ConditionReady {
			ready = c.Status == metav1.ConditionTrue
		}
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.objs[key]
	if s == nil {
		s = &objState{kind: kind}
		t.objs[key] = s
	}
	s.rv = obj.GetResourceVersion()
	if ev.Type == watch.Modified {
		s.writes++
		if t.markers[kind] != key {
			t.writes[kind]++
			t.lastWrite = now
		}
	}
	switch {
	case ready && !s.ready:
		s.readyAt = now
		if s.dependent {
			t.dependentsReady++
		}
	case !ready && s.ready:
		s.blockedAt = now
		if s.dependent {
			t.dependentsReady--
		}
	}
	s.ready = ready
	close(t.changed)
	t.changed = make(chan struct{})
}

// wait blocks until cond (called with the lock held) holds, the tracker fails, or the timeout passes.
func (t *tracker) wait(ctx context.Context, timeout time.Duration, what string, cond func() bool) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		ok, err, ch := cond(), t.err, t.changed
		t.mu.Unlock()
		switch {
		case err != nil:
			return err
		case ok:
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("timed out after %s waiting for %s", timeout, what)
		}
	}
}

// setDependents marks the objects a round measures, and returns how many of them exist in the watch.
func (t *tracker) setDependents(keys []string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range t.objs {
		s.dependent = false
	}
	t.dependentsReady = 0
	n := 0
	for _, k := range keys {
		if s := t.objs[k]; s != nil {
			s.dependent = true
			n++
			if s.ready {
				t.dependentsReady++
			}
		}
	}
	return n
}

// snapshot copies the per-object write counts, for differences over a window.
func (t *tracker) snapshot() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]int, len(t.objs))
	for k, s := range t.objs {
		out[k] = s.writes
	}
	return out
}

// totalWrites is the number of writes (MODIFIED events) of non-marker objects seen so far.
func (t *tracker) totalWrites() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, w := range t.writes {
		n += w
	}
	return n
}

// state returns a copy of an object's state.
func (t *tracker) state(key string) (objState, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.objs[key]
	if !ok {
		return objState{}, false
	}
	return *s, true
}

// count returns the number of objects of a kind seen, markers excluded.
func (t *tracker) count(kind string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for k, s := range t.objs {
		if s.kind == kind && t.markers[kind] != k {
			n++
		}
	}
	return n
}
