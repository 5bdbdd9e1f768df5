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
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// Config is one scenario's run.
type Config struct {
	// Scenario is "fanout" (one capability, Initiatives dependents) or "mixed" (a layered graph).
	Scenario                         string
	Capabilities, Initiatives, Goals int
	Namespaces                       int
	// Rounds is how many times the capability flips to Available (and, between rounds, back to Planned).
	Rounds int
	// Options are the manager's tunables.
	Options controllers.Options
	// FloorWriters are the numbers of parallel writers the floor is measured with; the floor is the best.
	FloorWriters []int
	// FanoutGoals is how many goals the fanout scenario's initiatives serve (round robin).
	FanoutGoals        int
	StripManagedFields bool
	// CreateQPS and CreateWorkers drive the bench's own client while it creates the graph.
	CreateQPS     float32
	CreateWorkers int
	Seed          int64
	// Timeout bounds every wait for a condition.
	Timeout time.Duration
	// CPUProfile, when set, receives a CPU profile of this process (manager and bench) during the first
	// round's propagation; MemProfile a heap profile taken with the graph loaded.
	CPUProfile, MemProfile string
	// APIServerProfile, when set, receives a CPU profile of the kube-apiserver over the first APIServerProfileFor
	// of the first round's propagation.
	APIServerProfile    string
	APIServerProfileFor time.Duration
	// DropEvents is an experiment, never the headline: the manager's event writes are answered by the bench's
	// transport instead of the apiserver, to measure what recording events costs the propagation.
	DropEvents bool
	// Workloads is the number of labelled workloads of the workloads scenario.
	Workloads int
	// SinkFault, when set, points both notification sinks of the manager at a sink that is down, slow or
	// answers 500 (sinkFaults), to show that delivery never slows the operator down.
	SinkFault string
	// Log receives progress lines.
	Log io.Writer
}

// Round is one flip of the capability to Available.
type Round struct {
	// FlipMs is from the return of the spec patch to the watch seeing the capability Ready (the capability
	// controller's own reaction).
	FlipMs float64
	// FirstMs is from the capability Ready to the first dependent Ready; P50Ms and P99Ms are percentiles over
	// the dependents; AllReadyS is from the capability Ready to the last dependent Ready. All from the watch.
	FirstMs, P50Ms, P99Ms, AllReadyS float64
	Dependents                       int
	// DependentWrites are the writes to dependents, from the flip until the operator is idle again.
	DependentWrites int
	// Writes per kind over the same window: to the capabilities and goals that had to change (the bench's own
	// spec patch excluded), and to everything else (collateral).
	CapabilityWrites, GoalWrites, CollateralWrites int
	// Requests are the manager's requests to the apiserver over the same window, by verb and resource.
	Requests map[string]int
	// PatchBytes is the mean body size of the manager's initiative status patches.
	PatchBytes float64
	// CPU is the CPU time of the apiserver, etcd and this process from the flip to the last dependent Ready.
	CPU cpu
	// FloorS is this round's floor, measured right after it with the manager stopped: a plain client with no
	// client-side rate limit writes one status patch to every dependent, timed from the first request until the
	// watch has seen every write; the best of FloorWriters parallel writers (FloorByWriters). The passes
	// alternate: back to the Blocked status the operator wrote before the first flip, then the Ready status
	// the operator wrote, and so on, ending Blocked. FloorCPU is the CPU of the best pass.
	FloorS         float64
	FloorByWriters map[int]float64
	FloorCPU       cpu
	// ResyncWrites are the writes of the manager started after the floor, once the capability is Planned again
	// (the capability's own status, and whatever else follows from it; 0 initiative writes expected).
	ResyncWrites int
}

// Result is one scenario's measurements.
type Result struct {
	Scenario                                     string
	Capabilities, Initiatives, Goals, Dependents int
	ChangedCapabilities, ChangedGoals            int
	CreateS, SettleS                             float64
	SettleWrites                                 map[string]int
	HeapBaselineBytes, HeapLoadedBytes           uint64
	// HeapRestartedBytes is the heap with the restarted manager loaded (its recorder holds no recent events),
	// less what the bench itself holds by then.
	HeapRestartedBytes uint64
	CachedObjects      int
	Rounds             []Round
	RestartWrites      int
	RestartS           float64
	// FloorPatchBytes and FloorReversePatchBytes are the mean bodies of the floor's patches to Ready (the
	// operator's own change) and back to Blocked.
	FloorPatchBytes, FloorReversePatchBytes float64
	ReconcileErrors                         int
	Options                                 controllers.Options
	StripManagedFields, DropEvents          bool
	// Workloads holds the workloads scenario's measurements (that scenario has no rounds).
	Workloads *WorkloadsResult `json:",omitempty"`
	// Sink is what the faulty notification sink saw and what the manager dropped, with --sink-fault.
	Sink *SinkResult `json:",omitempty"`
}

// HeapKiBPerObject is the manager's heap after GC with the graph loaded, per cached roadmap object.
func (r *Result) HeapKiBPerObject() float64 {
	if r.CachedObjects == 0 || r.HeapLoadedBytes < r.HeapBaselineBytes {
		return 0
	}
	return float64(r.HeapLoadedBytes-r.HeapBaselineBytes) / 1024 / float64(r.CachedObjects)
}

// HeapKiBPerObjectRestarted is the same for the restarted manager, whose event recorder holds no recent events.
func (r *Result) HeapKiBPerObjectRestarted() float64 {
	if r.CachedObjects == 0 || r.HeapRestartedBytes < r.HeapBaselineBytes {
		return 0
	}
	return float64(r.HeapRestartedBytes-r.HeapBaselineBytes) / 1024 / float64(r.CachedObjects)
}

// barrierLabel is the label the bench patches on its marker objects: once the watch shows the new value, every
// earlier event of that kind has been delivered to the bench.
const barrierLabel = "bench.roadmap.dev/barrier"

const markerName = "zz-bench-marker"

type scenario struct {
	cfg      Config
	env      *testenv.Env
	c        client.WithWatch // the bench's own client, fast
	t        *tracker
	requests *requestCounter
	mgr      *manager
	g        *graph
	res      *Result
	barriers int
	markers  map[string]client.Object
	// blocked holds each dependent's status before the first flip, for the floor; blockedBytes is its heap.
	blocked      map[string]roadmapv1.InitiativeStatus
	blockedBytes uint64
	procs        procs
}

func (s *scenario) logf(format string, args ...any) {
	if s.cfg.Log != nil {
		fmt.Fprintf(s.cfg.Log, "bench: "+format+"\n", args...)
	}
}

// Run starts a control plane, runs one scenario against the real manager, and stops everything.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	env, err := testenv.Start()
	if err != nil {
		return nil, err
	}
	defer func() { _ = env.Stop() }()
	var sink *faultySink
	if cfg.SinkFault != "" {
		if sink, err = startFaultySink(cfg.SinkFault); err != nil {
			return nil, err
		}
		defer sink.close()
		cfg.Options.Notify.EventsAddr, cfg.Options.Notify.CloudEventsSink = sink.URL, sink.URL
	}
	s := &scenario{cfg: cfg, env: env, t: newTracker(), requests: newRequestCounter(cfg.DropEvents), procs: findProcs(env),
		res: &Result{Scenario: cfg.Scenario, Options: cfg.Options, StripManagedFields: cfg.StripManagedFields,
			DropEvents: cfg.DropEvents}}
	defer func() {
		if s.mgr != nil {
			_ = s.mgr.stop()
		}
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := s.run(ctx)
	if sink != nil {
		// Stopped first, so that what was still queued counts as dropped (cause shutdown).
		if s.mgr != nil {
			_ = s.mgr.stop()
			s.mgr = nil
		}
		if s.res.Sink, err = sink.result(cfg.SinkFault); err != nil && runErr == nil {
			runErr = err
		}
	}
	return s.res, runErr
}

func (s *scenario) run(ctx context.Context) error {
	cfg := rest.CopyConfig(s.env.Config)
	cfg.QPS, cfg.Burst = s.cfg.CreateQPS, int(2*s.cfg.CreateQPS)
	var err error
	if s.c, err = client.NewWithWatch(cfg, client.Options{Scheme: scheme.Scheme}); err != nil {
		return err
	}
	switch s.cfg.Scenario {
	case "workloads":
		return s.runWorkloads(ctx)
	case "fanout":
		s.g = fanOutGraph(s.cfg.Initiatives, s.cfg.FanoutGoals, s.cfg.Namespaces, s.cfg.Seed)
	case "mixed":
		s.g = mixedGraph(s.cfg.Capabilities, s.cfg.Initiatives, s.cfg.Goals, s.cfg.Namespaces, s.cfg.Seed)
	default:
		return fmt.Errorf("unknown scenario %q", s.cfg.Scenario)
	}
	s.res.Capabilities, s.res.Initiatives, s.res.Goals = len(s.g.capabilities), len(s.g.initiatives), len(s.g.goals)
	s.res.Dependents, s.res.ChangedCapabilities, s.res.ChangedGoals =
		len(s.g.dependents), len(s.g.changedCapabilities), len(s.g.changedGoals)

	if err := s.watch(ctx); err != nil {
		return err
	}
	if err := s.create(ctx); err != nil {
		return err
	}
	if err := s.settle(ctx); err != nil {
		return err
	}
	if err := s.captureBlocked(ctx); err != nil {
		return err
	}
	for i := range s.cfg.Rounds {
		r, err := s.round(ctx, i)
		if err != nil {
			return fmt.Errorf("round %d: %w", i+1, err)
		}
		s.res.Rounds = append(s.res.Rounds, r)
	}
	if err := s.restart(ctx); err != nil {
		return err
	}
	g, err := gatherMetrics()
	if err != nil {
		return err
	}
	s.res.ReconcileErrors = g.reconcileErrors()
	return s.floor(ctx)
}

// watch opens the bench's watches on the three kinds, from before anything exists.
func (s *scenario) watch(ctx context.Context) error {
	for _, list := range []client.ObjectList{&roadmapv1.CapabilityList{}, &roadmapv1.InitiativeList{}, &roadmapv1.GoalList{}} {
		if err := s.c.List(ctx, list, client.Limit(1)); err != nil {
			return err
		}
		rv := list.(metav1.ListInterface).GetResourceVersion()
		if err := s.t.start(ctx, s.c, list, rv); err != nil {
			return err
		}
	}
	return nil
}

// create creates the graph and the marker objects with many parallel requests, and waits until the watch has
// seen every object.
func (s *scenario) create(ctx context.Context) error {
	start := time.Now()
	ns := s.g.namespaces[0].Name
	s.markers = map[string]client.Object{
		kindCapability: newCapability(markerName, roadmapv1.LifecycleAvailable),
		kindInitiative: &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: markerName},
			Spec: roadmapv1.InitiativeSpec{Title: "bench barrier marker", Track: roadmapv1.TrackOperations}},
		kindGoal: &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: markerName},
			Spec: roadmapv1.GoalSpec{Title: "bench barrier marker", Owner: "bench"}},
	}
	s.t.mu.Lock()
	for kind, o := range s.markers {
		s.t.markers[kind] = objKey(kind, o.GetNamespace(), o.GetName())
	}
	s.t.mu.Unlock()

	objs := s.g.objects()
	// Namespaces first, then the rest in parallel.
	var nss, rest []client.Object
	for _, o := range objs {
		if _, ok := o.(*corev1.Namespace); ok {
			nss = append(nss, o)
		} else {
			rest = append(rest, o)
		}
	}
	for _, o := range s.markers {
		rest = append(rest, o)
	}
	if err := s.createAll(ctx, nss); err != nil {
		return err
	}
	if err := s.createAll(ctx, rest); err != nil {
		return err
	}
	want := map[string]int{kindCapability: len(s.g.capabilities) + 1, kindInitiative: len(s.g.initiatives) + 1,
		kindGoal: len(s.g.goals) + 1}
	if err := s.t.wait(ctx, s.cfg.Timeout, "the watch to see every object created", func() bool {
		counts := map[string]int{}
		for _, o := range s.t.objs {
			counts[o.kind]++
		}
		return counts[kindCapability] == want[kindCapability] && counts[kindInitiative] == want[kindInitiative] &&
			counts[kindGoal] == want[kindGoal]
	}); err != nil {
		return err
	}
	s.res.CreateS = time.Since(start).Seconds()
	s.logf("created %d capabilities, %d initiatives, %d goals in %.1fs", len(s.g.capabilities),
		len(s.g.initiatives), len(s.g.goals), s.res.CreateS)
	return nil
}

func (s *scenario) createAll(ctx context.Context, objs []client.Object) error {
	work := make(chan client.Object)
	errs := make(chan error, s.cfg.CreateWorkers)
	var wg sync.WaitGroup
	for range s.cfg.CreateWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				if err := s.c.Create(ctx, o); err != nil && !apierrors.IsAlreadyExists(err) {
					select {
					case errs <- fmt.Errorf("creating %T %s: %w", o, client.ObjectKeyFromObject(o), err):
					default:
					}
				}
			}
		}()
	}
	for _, o := range objs {
		select {
		case work <- o:
		case err := <-errs:
			close(work)
			wg.Wait()
			return err
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// heapInUse is the live heap after two full collections.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// settle measures the heap before the manager exists, starts it, waits until it has reconciled every object
// and gone idle, and measures the heap again.
func (s *scenario) settle(ctx context.Context) error {
	s.res.HeapBaselineBytes = heapInUse()
	before := s.t.snapshot()
	start := time.Now()
	if err := s.startManager(ctx); err != nil {
		return err
	}
	s.res.SettleS = time.Since(start).Seconds()
	s.res.SettleWrites = s.writesByKind(before, s.t.snapshot())
	s.res.HeapLoadedBytes = heapInUse()
	s.res.CachedObjects = s.t.count(kindCapability) + s.t.count(kindInitiative) + s.t.count(kindGoal) + len(s.markers)
	if s.cfg.MemProfile != "" {
		if err := writeHeapProfile(s.cfg.MemProfile); err != nil {
			return err
		}
	}
	if n := s.t.setDependents(s.g.dependents); n != len(s.g.dependents) {
		return fmt.Errorf("the watch saw %d of %d dependents", n, len(s.g.dependents))
	}
	s.t.mu.Lock()
	ready := s.t.dependentsReady
	s.t.mu.Unlock()
	if ready != 0 {
		return fmt.Errorf("%d dependents are Ready before the flip", ready)
	}
	s.logf("settled in %.1fs: writes %v; heap %.1f MiB over the baseline for %d cached objects",
		s.res.SettleS, s.res.SettleWrites, float64(s.res.HeapLoadedBytes-min(s.res.HeapBaselineBytes, s.res.HeapLoadedBytes))/(1<<20),
		s.res.CachedObjects)
	return nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// startManager starts a manager and waits until its reconcile counters cover every object and it is idle.
func (s *scenario) startManager(ctx context.Context) error {
	g, err := gatherMetrics()
	if err != nil {
		return err
	}
	before := g.reconciles()
	if s.mgr, err = startManager(s.env, s.cfg.Options, s.cfg.StripManagedFields, s.requests); err != nil {
		return err
	}
	want := map[string]int{
		"capability": s.t.count(kindCapability) + 1,
		"initiative": s.t.count(kindInitiative) + 1,
		"goal":       s.t.count(kindGoal) + 1,
	}
	if err := s.poll(ctx, "the manager to reconcile every object", func(g gathered) bool {
		after := g.reconciles()
		for c, n := range want {
			if after[c]-before[c] < n {
				return false
			}
		}
		return true
	}); err != nil {
		return err
	}
	return s.quiesce(ctx)
}

// poll reads the manager's metrics until cond holds. Polling an in-process registry every few milliseconds is
// the only way to observe a queue draining; it waits for a condition, never for a fixed time.
func (s *scenario) poll(ctx context.Context, what string, cond func(gathered) bool) error {
	deadline := time.Now().Add(s.cfg.Timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		g, err := gatherMetrics()
		if err != nil {
			return err
		}
		if cond(g) {
			return nil
		}
		if time.Now().After(deadline) {
			if busy := g.busy(); busy != "" {
				return fmt.Errorf("timed out after %s waiting for %s (%s)", s.cfg.Timeout, what, busy)
			}
			return fmt.Errorf("timed out after %s waiting for %s", s.cfg.Timeout, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// barrier patches a label on each marker object and waits until the watch shows it: every write that reached
// the apiserver before the barrier has then been seen by the bench.
func (s *scenario) barrier(ctx context.Context) error {
	s.barriers++
	patch := []byte(fmt.Sprintf(`{"metadata":{"labels":{%q:%q}}}`, barrierLabel, strconv.Itoa(s.barriers)))
	for kind, o := range s.markers {
		if err := s.c.Patch(ctx, o, client.RawPatch(types.MergePatchType, patch)); err != nil {
			return fmt.Errorf("patching the %s marker: %w", kind, err)
		}
		key, rv := objKey(kind, o.GetNamespace(), o.GetName()), o.GetResourceVersion()
		if err := s.t.wait(ctx, s.cfg.Timeout, "the barrier on "+key, func() bool {
			st := s.t.objs[key]
			return st != nil && st.rv == rv
		}); err != nil {
			return err
		}
	}
	return nil
}

// quiesce returns once the manager is idle and the watch has seen no new write over two further barriers:
// nothing the manager wrote is still on its way to the bench, and nothing more is coming.
func (s *scenario) quiesce(ctx context.Context) error {
	last, stable := -1, 0
	for stable < 2 {
		if err := s.poll(ctx, "the manager to be idle", gathered.idle); err != nil {
			return err
		}
		if err := s.barrier(ctx); err != nil {
			return err
		}
		g, err := gatherMetrics()
		if err != nil {
			return err
		}
		w := s.t.totalWrites()
		if g.idle() && w == last {
			stable++
		} else {
			stable = 0
		}
		last = w
	}
	return nil
}

// writesByKind is the writes per kind between two snapshots, markers excluded.
func (s *scenario) writesByKind(before, after map[string]int) map[string]int {
	out := map[string]int{}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	for key, n := range after {
		st := s.t.objs[key]
		if st == nil || s.t.markers[st.kind] == key {
			continue
		}
		out[st.kind] += n - before[key]
	}
	return out
}

// captureBlocked keeps each dependent's Blocked status: the floor writes it back. What that costs the heap is
// measured, and subtracted from the heap measured after the restart.
func (s *scenario) captureBlocked(ctx context.Context) error {
	before := heapInUse()
	blocked, err := s.statuses(ctx)
	if err != nil {
		return err
	}
	s.blocked = blocked
	if after := heapInUse(); after > before {
		s.blockedBytes = after - before
	}
	return nil
}

func (s *scenario) statuses(ctx context.Context) (map[string]roadmapv1.InitiativeStatus, error) {
	list := &roadmapv1.InitiativeList{}
	if err := s.c.List(ctx, list); err != nil {
		return nil, err
	}
	dependent := map[string]bool{}
	for _, k := range s.g.dependents {
		dependent[k] = true
	}
	out := map[string]roadmapv1.InitiativeStatus{}
	for _, i := range list.Items {
		if key := objKey(kindInitiative, i.Namespace, i.Name); dependent[key] {
			out[key] = *i.Status.DeepCopy()
		}
	}
	return out, nil
}

func (s *scenario) setLifecycle(ctx context.Context, lifecycle roadmapv1.CapabilityLifecycle) error {
	c := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: s.g.flipped}}
	patch := []byte(fmt.Sprintf(`{"spec":{"lifecycle":%q}}`, lifecycle))
	return s.c.Patch(ctx, c, client.RawPatch(types.MergePatchType, patch))
}

// round flips the capability to Available, measures the propagation from the watch, waits until the manager
// is idle to count every write it caused, and (except on the last round) flips it back and waits until every
// dependent is Blocked again.
func (s *scenario) round(ctx context.Context, i int) (Round, error) {
	var r Round
	capKey := objKey(kindCapability, "", s.g.flipped)
	writesBefore := s.t.snapshot()
	reqBefore, bytesBefore := s.requests.snapshot()
	if i == 0 && s.cfg.CPUProfile != "" {
		f, err := os.Create(s.cfg.CPUProfile)
		if err != nil {
			return r, err
		}
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return r, err
		}
	}
	var profiled chan error
	if i == 0 && s.cfg.APIServerProfile != "" {
		profiled = make(chan error, 1)
		go func() {
			profiled <- apiserverProfile(ctx, s.env.Config, s.cfg.APIServerProfileFor, s.cfg.APIServerProfile)
		}()
	}
	cpuBefore := s.procs.read()
	flipStart := time.Now()
	if err := s.setLifecycle(ctx, roadmapv1.LifecycleAvailable); err != nil {
		return r, err
	}
	flipped := time.Now()
	n := len(s.g.dependents)
	if err := s.t.wait(ctx, s.cfg.Timeout, "every dependent Ready", func() bool {
		c := s.t.objs[capKey]
		return c.ready && c.readyAt.After(flipStart) && s.t.dependentsReady == n
	}); err != nil {
		return r, err
	}
	r.CPU = s.procs.read().sub(cpuBefore)
	if i == 0 && s.cfg.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	capState, _ := s.t.state(capKey)
	t0 := capState.readyAt
	r.FlipMs = ms(t0.Sub(flipped))
	lat := make([]float64, 0, n)
	for _, key := range s.g.dependents {
		st, _ := s.t.state(key)
		if !st.readyAt.After(flipStart) {
			return r, fmt.Errorf("dependent %s was Ready before the flip", key)
		}
		lat = append(lat, ms(st.readyAt.Sub(t0)))
	}
	slices.Sort(lat)
	r.Dependents = n
	if n > 0 {
		r.FirstMs, r.P50Ms, r.P99Ms, r.AllReadyS = lat[0], percentile(lat, 50), percentile(lat, 99), lat[n-1]/1000
	}
	if err := s.quiesce(ctx); err != nil {
		return r, err
	}
	s.countRoundWrites(&r, writesBefore, s.t.snapshot())

	reqAfter, bytesAfter := s.requests.snapshot()
	r.Requests = map[string]int{}
	for k, v := range reqAfter {
		if d := v - reqBefore[k]; d > 0 {
			r.Requests[k] = d
		}
	}
	if p := r.Requests["PATCH initiatives/status"]; p > 0 {
		r.PatchBytes = float64(bytesAfter["PATCH initiatives/status"]-bytesBefore["PATCH initiatives/status"]) / float64(p)
	}
	if profiled != nil {
		if err := <-profiled; err != nil {
			return r, fmt.Errorf("profiling the apiserver: %w", err)
		}
	}
	s.logf("round %d: capability Ready %.0fms after the flip; dependents first %.0fms, p50 %.0fms, p99 %.0fms, all %.2fs; %d writes to %d dependents",
		i+1, r.FlipMs, r.FirstMs, r.P50Ms, r.P99Ms, r.AllReadyS, r.DependentWrites, n)

	if i == s.cfg.Rounds-1 {
		return r, nil // the last round's floor is measured after the restart check, by floor
	}
	// This round's floor, then back to the start: the capability Planned, every dependent Blocked, and a new
	// manager over it.
	if err := s.mgr.stop(); err != nil {
		return r, fmt.Errorf("stopping the manager: %w", err)
	}
	s.mgr = nil
	if err := s.floorPasses(ctx, &r); err != nil {
		return r, err
	}
	if err := s.barrier(ctx); err != nil {
		return r, err
	}
	if err := s.setLifecycle(ctx, roadmapv1.LifecyclePlanned); err != nil {
		return r, err
	}
	if err := s.barrier(ctx); err != nil { // the spec patch seen, not counted below
		return r, err
	}
	before := s.t.totalWrites()
	if err := s.startManager(ctx); err != nil {
		return r, fmt.Errorf("restarting the manager after the floor: %w", err)
	}
	r.ResyncWrites = s.t.totalWrites() - before
	s.t.mu.Lock()
	ready := s.t.dependentsReady
	s.t.mu.Unlock()
	if ready != 0 {
		return r, fmt.Errorf("%d dependents are still Ready with the capability Planned", ready)
	}
	s.logf("round %d floor: %d status patches by a plain client in %.2fs (by writers: %v); the manager restarted over it wrote %d times",
		i+1, len(s.g.dependents), r.FloorS, r.FloorByWriters, r.ResyncWrites)
	return r, nil
}

// countRoundWrites splits the writes of a round into dependents, capabilities and goals that had to change,
// and everything else.
func (s *scenario) countRoundWrites(r *Round, before, after map[string]int) {
	expected := map[string]string{}
	for _, key := range s.g.dependents {
		expected[key] = "dependent"
	}
	for _, c := range s.g.changedCapabilities {
		expected[objKey(kindCapability, "", c)] = "capability"
	}
	for _, g := range s.g.changedGoals {
		expected[objKey(kindGoal, "", g)] = "goal"
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	for key, n := range after {
		d := n - before[key]
		st := s.t.objs[key]
		if d == 0 || st == nil || s.t.markers[st.kind] == key {
			continue
		}
		switch expected[key] {
		case "dependent":
			r.DependentWrites += d
		case "capability":
			if key == objKey(kindCapability, "", s.g.flipped) {
				d-- // the bench's own spec patch
			}
			r.CapabilityWrites += d
		case "goal":
			r.GoalWrites += d
		default:
			r.CollateralWrites += d
		}
	}
}

// restart stops the manager over the settled cluster, starts a new one, waits until it has reconciled every
// object and is idle, and counts the writes the watch saw meanwhile: there should be none.
func (s *scenario) restart(ctx context.Context) error {
	if err := s.quiesce(ctx); err != nil {
		return err
	}
	before := s.t.totalWrites()
	start := time.Now()
	if err := s.mgr.stop(); err != nil {
		return fmt.Errorf("stopping the manager: %w", err)
	}
	s.mgr = nil
	if err := s.startManager(ctx); err != nil {
		return fmt.Errorf("restarting the manager: %w", err)
	}
	s.res.RestartS = time.Since(start).Seconds()
	s.res.RestartWrites = s.t.totalWrites() - before
	if h := heapInUse(); h > s.blockedBytes {
		s.res.HeapRestartedBytes = h - s.blockedBytes
	}
	s.logf("restart: %d writes; the new manager reconciled everything and went idle in %.1fs", s.res.RestartWrites, s.res.RestartS)
	return nil
}

// floor stops the manager and measures the last round's floor, as round does for the others.
func (s *scenario) floor(ctx context.Context) error {
	if err := s.mgr.stop(); err != nil {
		return fmt.Errorf("stopping the manager: %w", err)
	}
	s.mgr = nil
	last := &s.res.Rounds[len(s.res.Rounds)-1]
	if err := s.floorPasses(ctx, last); err != nil {
		return err
	}
	s.logf("floor: %d status patches by a plain client in %.2fs (by writers: %v)", len(s.g.dependents), last.FloorS,
		last.FloorByWriters)
	return nil
}

// floorPasses measures a round's floor with the manager stopped and every dependent Ready: one pass of status
// patches per number of writers, alternately back to Blocked and forward to Ready, ending Blocked. The floor is
// the best pass: what the apiserver itself can take, whatever the client's parallelism.
func (s *scenario) floorPasses(ctx context.Context, r *Round) error {
	reverse, forward, err := s.floorJobs(ctx)
	if err != nil {
		return err
	}
	if len(reverse) == 0 {
		return nil
	}
	if s.res.FloorPatchBytes == 0 {
		var fwd, rev int
		for i := range forward {
			fwd += len(forward[i].patch)
			rev += len(reverse[i].patch)
		}
		s.res.FloorPatchBytes = float64(fwd) / float64(len(forward))
		s.res.FloorReversePatchBytes = float64(rev) / float64(len(reverse))
	}
	writers := s.cfg.FloorWriters
	if len(writers) == 0 {
		writers = []int{16}
	}
	r.FloorByWriters = map[int]float64{}
	for i, w := range writers {
		jobs := reverse
		if i%2 == 1 {
			jobs = forward
		}
		d, c, err := s.timedFloor(ctx, jobs, w)
		if err != nil {
			return err
		}
		r.FloorByWriters[w] = d
		if r.FloorS == 0 || d < r.FloorS {
			r.FloorS, r.FloorCPU = d, c
		}
		if err := s.barrier(ctx); err != nil {
			return err
		}
	}
	if len(writers)%2 == 0 { // an even number of passes ends Ready: one more, untimed, back to Blocked
		if _, _, err := s.timedFloor(ctx, reverse, writers[0]); err != nil {
			return err
		}
	}
	return nil
}

// floorJobs lists the dependents (Ready, after a round) and returns, for each, the merge patch that writes its
// Blocked status back, and the one that writes its current Ready status over that Blocked object: the patch
// the operator sent.
func (s *scenario) floorJobs(ctx context.Context) (reverse, forward []patchJob, err error) {
	list := &roadmapv1.InitiativeList{}
	if err := s.c.List(ctx, list); err != nil {
		return nil, nil, err
	}
	dependent := map[string]bool{}
	for _, k := range s.g.dependents {
		dependent[k] = true
	}
	for i := range list.Items {
		ready := &list.Items[i]
		key := objKey(kindInitiative, ready.Namespace, ready.Name)
		if !dependent[key] {
			continue
		}
		blocked := ready.DeepCopy()
		blocked.Status = s.blocked[key]
		back, err := client.MergeFrom(ready).Data(blocked)
		if err != nil {
			return nil, nil, err
		}
		again, err := client.MergeFrom(blocked).Data(ready)
		if err != nil {
			return nil, nil, err
		}
		reverse = append(reverse, patchJob{obj: blocked, patch: back})
		forward = append(forward, patchJob{obj: ready, patch: again})
	}
	return reverse, forward, nil
}

// timedFloor writes the patches with a new plain client with no client-side rate limit and the given number
// of writers, and returns the time and the CPU it took.
func (s *scenario) timedFloor(ctx context.Context, jobs []patchJob, writers int) (float64, cpu, error) {
	cfg := rest.CopyConfig(s.env.Config)
	cfg.QPS, cfg.Burst = -1, 0
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		return 0, cpu{}, err
	}
	before := s.procs.read()
	d, err := s.timedPatches(ctx, c, jobs, writers)
	return d, s.procs.read().sub(before), err
}

type patchJob struct {
	obj   client.Object
	patch []byte
}

// timedPatches sends the status patches with the given number of parallel writers, and returns the time from
// the first request to the watch seeing the last write.
func (s *scenario) timedPatches(ctx context.Context, c client.Client, jobs []patchJob, writers int) (float64, error) {
	before := s.t.totalWrites()
	work := make(chan patchJob)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	start := time.Now()
	for range max(writers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				if err := c.Status().Patch(ctx, j.obj, client.RawPatch(types.MergePatchType, j.patch)); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return 0, fmt.Errorf("floor patch: %w", err)
	default:
	}
	var last time.Time
	if err := s.t.wait(ctx, s.cfg.Timeout, "the floor's writes", func() bool {
		n := 0
		for _, w := range s.t.writes {
			n += w
		}
		last = s.t.lastWrite
		return n-before >= len(jobs)
	}); err != nil {
		return 0, err
	}
	return last.Sub(start).Seconds(), nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

var errTargets = errors.New("correctness check failed")
