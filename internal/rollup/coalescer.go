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

// Package rollup coalesces the goal rollups of bursts of initiative changes, so that a burst costs a goal one
// status write rather than one per change.
package rollup

import (
	"context"
	"math"
	"sync"
	"time"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/roadmap-operator/roadmap-operator/internal/metrics"
)

// Coalescer coalesces goal rollups. Every change of an initiative changes the rollup of each goal it
// serves, and of their ancestors; rolled up and written at each change, a burst of N initiative changes (a first
// start, a capability unblocking thousands) costs a goal up to N status writes. Instead a goal is rolled up once
// its initiatives have been quiet for window, or at the latest maxDelay after the first change it has not
// rolled up yet, so that a burst costs it one write, and a rollup is never more than maxDelay stale.
//
// Quiet is not enough during a long burst in which a goal's share is sparse (a goal served by 90 of 10,000
// initiatives sees a change every few seconds while they all settle): every gap would roll it up. So while the
// whole roadmap is busy (more than about ten changes a second over the last seconds: a first start, a mass
// unblock), a goal rolled up less than ten windows before its next change waits for maxDelay since that rollup:
// at most one rollup per maxDelay while the burst lasts, and a window after it ends. People editing a few initiatives never make the
// roadmap busy, so each of their changes reaches its goals' status a window later.
//
// A goal's own status write comes back as a watch event, which reconciles it again at once. With nothing
// pending (every other input of a rollup, initiatives and related goals, is recorded as a change), and the
// time-driven check not due, that echo has nothing to roll up; rolled up anyway during a burst it would see the
// initiatives that changed meanwhile and write again, and its echo again: a write per round trip. So the
// coalescer remembers the resourceVersion its last write produced, and an echo with nothing pending only keeps
// the time-driven requeue. A write refused as stale (see patchStatus) records nothing, and the newer version's
// arrival rolls up as usual.
type Coalescer struct {
	window, maxDelay time.Duration
	mu               sync.Mutex
	pending          map[string]pendingRollup
	written          map[string]writtenRollup
	// rolledUp is when each goal was last rolled up.
	rolledUp map[string]time.Time
	// activity is the number of changes recorded, decaying with busyDecay, as of activityAt.
	activity   float64
	activityAt time.Time
}

// The roadmap is busy while its decaying count of changes exceeds busyActivity: about ten changes a second
// sustained over busyDecay.
const (
	busyDecay    = 5 * time.Second
	busyActivity = 50
)

// recordActivity adds changes at now to the decaying count, and reports whether the roadmap is busy.
func (c *Coalescer) recordActivity(now time.Time, add float64) bool {
	if !c.activityAt.IsZero() && now.After(c.activityAt) {
		c.activity *= math.Exp(-now.Sub(c.activityAt).Seconds() / busyDecay.Seconds())
		c.activityAt = now
	} else if c.activityAt.IsZero() {
		c.activityAt = now
	}
	c.activity += add
	return c.activity > busyActivity
}

// writtenRollup is the resourceVersion a goal's last status write produced and the time-driven check it asked
// for (zero: none).
type writtenRollup struct {
	resourceVersion string
	nextCheck       time.Time
}

// Decision says what a goal's reconcile does: wait (requeue after wait), nothing but keep the
// time-driven check (echo: the goal as this coalescer last wrote it, nothing pending), or roll up now.
type Decision struct {
	Wait      time.Duration
	Echo      bool
	NextCheck time.Time
}

// pendingRollup is when a goal's not yet rolled up changes began and when the last one came; urgent ones (its
// parent or children came or went) roll up at once.
type pendingRollup struct {
	first, last time.Time
	urgent      bool
}

// New returns a coalescer with the given window and max delay (raised to the window if below it); a zero
// window rolls up at every change. Add it to the manager: it forgets everything when the manager stops.
func New(opts Options) *Coalescer {
	window, maxDelay := opts.Window, opts.MaxDelay
	return &Coalescer{window: window, maxDelay: max(maxDelay, window), pending: map[string]pendingRollup{},
		written: map[string]writtenRollup{}, rolledUp: map[string]time.Time{}}
}

// busyWindows is how many windows after a rollup a new change finds its goal busy.
const busyWindows = 10

// rollupWait is how long to wait, at now, before rolling up a goal with pending changes p that was last rolled
// up at rolledUp (zero: never): until they have been quiet for window, or, when the roadmap is busy and the goal
// was rolled up less than ten windows before the first of them, until maxDelay after that rollup; never later
// than maxDelay after the first of them. Zero means now.
func rollupWait(p pendingRollup, rolledUp, now time.Time, busy bool, window, maxDelay time.Duration) time.Duration {
	at := p.last.Add(window)
	if busy && !rolledUp.IsZero() && p.first.Sub(rolledUp) < busyWindows*window {
		if later := rolledUp.Add(maxDelay); later.After(at) {
			at = later
		}
	}
	if deadline := p.first.Add(maxDelay); deadline.Before(at) {
		at = deadline
	}
	return max(at.Sub(now), 0)
}

// changed records a change of what goal rolls up.
func (c *Coalescer) changed(goal string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recordActivity(now, 1)
	p, ok := c.pending[goal]
	if !ok {
		p.first = now
		metrics.GoalRollupsPending.Inc()
	}
	p.last = now
	c.pending[goal] = p
}

// urgent records a change of goal to roll up at once: one of its related goals came or went, which is no
// burst to coalesce.
func (c *Coalescer) urgent(goal string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pending[goal]
	if !ok {
		p.first = now
		metrics.GoalRollupsPending.Inc()
	}
	p.last, p.urgent = now, true
	c.pending[goal] = p
}

// PendingSince records a change at now unless the goal has one pending already: unlike changed, it never
// postpones the rollup, so a goal that records it at every reconcile is still rolled up once quiet.
func (c *Coalescer) PendingSince(goal string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.pending[goal]; !ok {
		c.pending[goal] = pendingRollup{first: now, last: now}
		metrics.GoalRollupsPending.Inc()
	}
}

// Take decides, at now, what the reconcile of goal at resourceVersion does. When it rolls up, the goal's pending
// changes are forgotten: the rollup about to be computed from the cache includes them.
func (c *Coalescer) Take(goal, resourceVersion string, now time.Time) Decision {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pending[goal]
	if !ok {
		if w, ok := c.written[goal]; ok && w.resourceVersion == resourceVersion &&
			(w.nextCheck.IsZero() || w.nextCheck.After(now)) {
			return Decision{Echo: true, NextCheck: w.nextCheck}
		}
		return Decision{}
	}
	busy := c.recordActivity(now, 0)
	if wait := rollupWait(p, c.rolledUp[goal], now, busy, c.window, c.maxDelay); wait > 0 && !p.urgent {
		if busy {
			// Held back for the burst: look again soon, and roll up once the burst is over.
			wait = min(wait, busyDecay)
		}
		return Decision{Wait: wait}
	}
	delete(c.pending, goal)
	metrics.GoalRollupsPending.Dec()
	c.rolledUp[goal] = now
	return Decision{}
}

// Wrote records the resourceVersion of the goal's status write and the time-driven check it asked for.
func (c *Coalescer) Wrote(goal, resourceVersion string, nextCheck time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.written[goal] = writtenRollup{resourceVersion: resourceVersion, nextCheck: nextCheck}
}

// Forget drops what the coalescer knows of a goal: deleted, or rolled up at once for a change of its spec.
func (c *Coalescer) Forget(goal string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.pending[goal]; ok {
		delete(c.pending, goal)
		metrics.GoalRollupsPending.Dec()
	}
	delete(c.written, goal)
	delete(c.rolledUp, goal)
}

// Start waits until the manager stops and then forgets everything: a stopped manager rolls nothing up, and its
// pending rollups no longer count in roadmap_goal_rollups_pending (the next leader rolls every goal up anyway).
func (c *Coalescer) Start(ctx context.Context) error {
	<-ctx.Done()
	c.mu.Lock()
	defer c.mu.Unlock()
	metrics.GoalRollupsPending.Sub(float64(len(c.pending)))
	c.pending, c.written, c.rolledUp = map[string]pendingRollup{}, map[string]writtenRollup{}, map[string]time.Time{}
	return nil
}

// EnqueueUrgent is EnqueueRequestsFromMapFunc for changes that roll the goals mapFn returns up at once, marked
// urgent so that neither a burst in progress nor the echo check holds them back.
func EnqueueUrgent(c *Coalescer, mapFn handler.MapFunc) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
		reqs := mapFn(ctx, o)
		now := time.Now()
		for _, req := range reqs {
			c.urgent(req.Name, now)
		}
		return reqs
	})
}

// EnqueueCoalesced is EnqueueRequestsFromMapFunc for goal rollups: it records the change for every goal mapFn
// returns (from the old and the new object of an update) and enqueues each after the window, so that the
// reconcile finds the goal quiet rather than waking at every change.
func EnqueueCoalesced(c *Coalescer, mapFn handler.MapFunc) handler.EventHandler {
	enqueue := func(ctx context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request], objs ...client.Object) {
		now := time.Now()
		seen := map[reconcile.Request]bool{}
		for _, o := range objs {
			for _, req := range mapFn(ctx, o) {
				if seen[req] {
					continue
				}
				seen[req] = true
				c.changed(req.Name, now)
				q.AddAfter(req, c.window)
			}
		}
	}
	return handler.Funcs{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, q, e.Object)
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, q, e.ObjectOld, e.ObjectNew)
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, q, e.Object)
		},
		GenericFunc: func(ctx context.Context, e event.GenericEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, q, e.Object)
		},
	}
}
