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
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// The workloads scenario (docs/workloads.md, docs/performance.md) measures what traced workloads cost the
// manager: its heap per labelled workload, which it watches as metadata only, and how soon an Innovation
// initiative that is Blocked reports StartedEarly once a workload labelled for it appears.
const (
	workloadsPerInitiative = 20
	// startedEarlyProbes are the Blocked initiatives a workload is created for, one after the other.
	startedEarlyProbes = 20
)

// WorkloadsResult is the workloads scenario's measurements.
type WorkloadsResult struct {
	Workloads, Initiatives, Namespaces int
	// CreateS is the bench client's time to create the workloads; SummarisedS from the first create until
	// every initiative's status counts all of its workloads.
	CreateS, SummarisedS float64
	// HeapBeforeBytes is the manager's heap (this process, after GC) with the initiatives settled and no
	// workload; HeapAfterBytes the same once every workload is summarised.
	HeapBeforeBytes, HeapAfterBytes uint64
	// StartedEarlyMs are, per probe, from the return of the workload's create to the bench's watch seeing the
	// initiative's StartedEarly condition True.
	StartedEarlyMs []float64
}

// HeapKiBPerWorkload is the growth of the manager's heap per workload.
func (w *WorkloadsResult) HeapKiBPerWorkload() float64 {
	if w.Workloads == 0 || w.HeapAfterBytes < w.HeapBeforeBytes {
		return 0
	}
	return float64(w.HeapAfterBytes-w.HeapBeforeBytes) / 1024 / float64(w.Workloads)
}

// runWorkloads creates Initiatives-many Ready initiatives in namespaces that opt in (audit mode), starts the
// manager, labels Workloads-many Deployments for them round robin, then creates one workload for each of the
// probes, initiatives Blocked by a Planned capability.
func (s *scenario) runWorkloads(ctx context.Context) error {
	total := max(s.cfg.Workloads, workloadsPerInitiative)
	initiatives := max(total/workloadsPerInitiative, 1)
	names := namespaceNames(s.cfg.Namespaces)
	w := &WorkloadsResult{Workloads: initiatives * workloadsPerInitiative, Initiatives: initiatives, Namespaces: len(names)}
	s.res.Workloads = w

	var objs []client.Object
	for _, ns := range newNamespaces(names) {
		ns.Labels = map[string]string{roadmapv1.LabelWorkloads: "audit"}
		objs = append(objs, ns)
	}
	objs = append(objs, newCapability("bench-platform", roadmapv1.LifecycleAvailable),
		newCapability("bench-event-bus", roadmapv1.LifecyclePlanned))
	ready := make([]*roadmapv1.Initiative, initiatives)
	traced := map[string]bool{}
	for i := range ready {
		ready[i] = workloadInitiative(names[i%len(names)], fmt.Sprintf("traced-%05d", i), "bench-platform")
		traced[ready[i].Name] = true
		objs = append(objs, ready[i])
	}
	probes := make([]*roadmapv1.Initiative, startedEarlyProbes)
	for i := range probes {
		probes[i] = workloadInitiative(names[0], fmt.Sprintf("ahead-%02d", i), "bench-event-bus")
		objs = append(objs, probes[i])
	}
	if err := s.createAll(ctx, objs); err != nil {
		return err
	}
	var err error
	if s.mgr, err = startManager(s.env, s.cfg.Options, s.cfg.StripManagedFields, s.requests); err != nil {
		return err
	}
	if err := s.waitInitiatives(ctx, "every initiative evaluated", func(ini *roadmapv1.Initiative) bool {
		return ini.Status.ObservedGeneration == ini.Generation && ini.Status.Phase != ""
	}); err != nil {
		return err
	}
	w.HeapBeforeBytes = heapInUse()

	start := time.Now()
	deployments := make([]client.Object, 0, w.Workloads)
	for i := range w.Workloads {
		ini := ready[i%initiatives]
		deployments = append(deployments, testenv.Deployment(ini.Namespace, fmt.Sprintf("%s-%02d", ini.Name, i/initiatives), ini.Name))
	}
	if err := s.createAll(ctx, deployments); err != nil {
		return err
	}
	w.CreateS = time.Since(start).Seconds()
	s.logf("workloads: created %d Deployments in %.1fs", w.Workloads, w.CreateS)
	if err := s.waitInitiatives(ctx, "every workload summarised", func(ini *roadmapv1.Initiative) bool {
		if !traced[ini.Name] {
			return ini.Status.Workloads == nil
		}
		return ini.Status.Workloads != nil && ini.Status.Workloads.Total == workloadsPerInitiative
	}); err != nil {
		return err
	}
	w.SummarisedS = time.Since(start).Seconds()
	w.HeapAfterBytes = heapInUse()
	s.logf("workloads: summarised in %.1fs; heap %.2f KiB per workload", w.SummarisedS, w.HeapKiBPerWorkload())
	if err := s.startedEarly(ctx, w, probes); err != nil {
		return err
	}
	// Stopped only once idle, as the other scenarios stop it: the controllers' queue metrics are the process's,
	// and a manager stopped with work queued would leave its depth to the next one run in the same process.
	return s.poll(ctx, "the manager to be idle", gathered.idle)
}

// startedEarly creates a workload for each probe in turn and times the StartedEarly condition's arrival on the
// bench's own watch.
func (s *scenario) startedEarly(ctx context.Context, w *WorkloadsResult, probes []*roadmapv1.Initiative) error {
	ns := probes[0].Namespace
	list := &roadmapv1.InitiativeList{}
	if err := s.c.List(ctx, list, client.InNamespace(ns), client.Limit(1)); err != nil {
		return err
	}
	watcher, err := s.c.Watch(ctx, &roadmapv1.InitiativeList{}, client.InNamespace(ns),
		&client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: list.ResourceVersion}})
	if err != nil {
		return err
	}
	defer watcher.Stop()
	var mu sync.Mutex
	seen := map[string]time.Time{}
	arrived := make(chan string, len(probes))
	go func() {
		for ev := range watcher.ResultChan() {
			ini, ok := ev.Object.(*roadmapv1.Initiative)
			if !ok || ev.Type == watch.Deleted || !apimeta.IsStatusConditionTrue(ini.Status.Conditions, roadmapv1.ConditionStartedEarly) {
				continue
			}
			mu.Lock()
			if _, done := seen[ini.Name]; !done {
				seen[ini.Name] = time.Now()
				arrived <- ini.Name
			}
			mu.Unlock()
		}
	}()
	for _, p := range probes {
		if err := s.c.Create(ctx, testenv.Deployment(p.Namespace, p.Name, p.Name)); err != nil {
			return fmt.Errorf("creating the workload of %s/%s: %w", p.Namespace, p.Name, err)
		}
		created := time.Now()
		select {
		case name := <-arrived:
			if name != p.Name {
				return fmt.Errorf("initiative %s/%s became StartedEarly without a workload of its own", ns, name)
			}
		case <-time.After(s.cfg.Timeout):
			return fmt.Errorf("initiative %s/%s never reported StartedEarly after its workload appeared", ns, p.Name)
		case <-ctx.Done():
			return ctx.Err()
		}
		mu.Lock()
		w.StartedEarlyMs = append(w.StartedEarlyMs, ms(seen[p.Name].Sub(created)))
		mu.Unlock()
	}
	return nil
}

// waitInitiatives lists the initiatives until every one satisfies cond. The list is the bench's own reading of
// the apiserver, once a second: it waits for a condition, never for a fixed time.
func (s *scenario) waitInitiatives(ctx context.Context, what string, cond func(*roadmapv1.Initiative) bool) error {
	deadline := time.Now().Add(s.cfg.Timeout)
	for {
		list := &roadmapv1.InitiativeList{}
		if err := s.c.List(ctx, list); err != nil {
			return err
		}
		pending := 0
		for i := range list.Items {
			if !cond(&list.Items[i]) {
				pending++
			}
		}
		if pending == 0 && len(list.Items) > 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s waiting for %s (%d initiatives pending)", s.cfg.Timeout, what, pending)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// workloadInitiative is an Innovation initiative that requires one capability and whose team has not declared
// it Active: StartedEarly can come from its workloads alone.
func workloadInitiative(namespace, name, requires string) *roadmapv1.Initiative {
	return &roadmapv1.Initiative{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: roadmapv1.InitiativeSpec{Title: "Initiative " + name, Track: roadmapv1.TrackInnovation, Owner: namespace,
			Requires: []roadmapv1.ResourceName{roadmapv1.ResourceName(requires)}},
	}
}

// printWorkloads writes the workloads scenario's table.
func printWorkloads(out io.Writer, w *WorkloadsResult) {
	fmt.Fprintf(out, "\n| workloads | |\n| --- | --- |\n")
	fmt.Fprintf(out, "| labelled Deployments / initiatives / namespaces (roadmap.dev/workloads=audit) | %d / %d / %d |\n",
		w.Workloads, w.Initiatives, w.Namespaces)
	fmt.Fprintf(out, "| create (bench client) / until every initiative counts its workloads | %.1f s / %.1f s |\n", w.CreateS, w.SummarisedS)
	fmt.Fprintf(out, "| **manager heap per workload** (target ≤ 1.5 KiB) | %.2f KiB |\n", w.HeapKiBPerWorkload())
	sorted := slices.Sorted(slices.Values(w.StartedEarlyMs))
	if len(sorted) > 0 {
		fmt.Fprintf(out, "| **workload created to StartedEarly**, p50 / p99 / max over %d initiatives (target ≤ 1 s) | %s / %s / %s ms |\n",
			len(sorted), strconv.FormatFloat(percentile(sorted, 50), 'f', 0, 64),
			strconv.FormatFloat(percentile(sorted, 99), 'f', 0, 64), strconv.FormatFloat(sorted[len(sorted)-1], 'f', 0, 64))
	}
}
