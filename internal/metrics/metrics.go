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

// Package metrics defines the operator's Prometheus metrics beyond controller-runtime's, and the collector that
// computes the state gauges from a manager's cache at scrape time.
package metrics

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// Metrics beyond controller-runtime's, all prefixed roadmap_ and served on the manager's metrics endpoint.
// config/prometheus (alerts, dashboard) and its test depend on these names.
var (
	// EvidenceWatches counts the objects the evidence watcher watches (one watch each), by cluster and kind: it
	// shows that watches follow the checks capabilities declare, in every cluster, and stop when no capability
	// checks an object any more. A series exists only while a watch stands behind it (it is deleted with the
	// last one), and only for kinds a cluster serves, so there are never more series than watches
	// (--max-evidence-watches).
	EvidenceWatches = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "roadmap_evidence_watches",
		Help: "Objects watched for capability evidence checks, by cluster (kubeconfig Secret name, or local) and " +
			"group/version/kind.",
	}, []string{"cluster", "kind"})

	// EvidenceWatchRefusals counts the watches not started because --max-evidence-watches was reached: each is a
	// check reporting WatchLimitReached.
	EvidenceWatchRefusals = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "roadmap_evidence_watch_refusals_total",
		Help: "Evidence watches refused because --max-evidence-watches was reached (the check reports WatchLimitReached).",
	})

	BlockedSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "roadmap_initiative_blocked_seconds",
		Help: "How long an initiative was Blocked before it became Ready, observed when it unblocks.",
		// A minute to about half a year.
		Buckets: prometheus.ExponentialBuckets(60, 4, 10),
	})

	PropagationSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "roadmap_propagation_seconds",
		Help: "From the Ready transition of the last required capability to the dependent initiative's Ready " +
			"transition (condition timestamps have one-second resolution).",
		Buckets: []float64{0.5, 1, 2, 5, 10, 30, 60, 300},
	})

	// EventsDropped counts the events the controllers told that never reached a sink, by sink (kubernetes: the
	// Events in the apiserver; flux and cloudevents: the notifications of internal/notify) and cause: queue_full
	// (a burst beyond --event-queue-size, or a notification sink down or slow), write_failed (refused by the
	// apiserver, or failing after retries), send_failed (a notification sink refused it, or did not take it
	// within the retries) and shutdown (still queued when the manager stopped).
	EventsDropped = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "roadmap_events_dropped_total",
		Help: "Events told by the controllers and never delivered, by sink (kubernetes, flux, cloudevents) and cause " +
			"(queue_full, write_failed, send_failed, shutdown).",
	}, []string{"sink", "cause"})

	// GoalRollupsPending is the goals whose initiatives changed and whose rollup waits for them to be quiet.
	GoalRollupsPending = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "roadmap_goal_rollups_pending",
		Help: "Goals whose rollup is waiting for a burst of initiative changes to end (--goal-rollup-window).",
	})

	EventsQueued = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "roadmap_events_queued",
		Help: "Events waiting to be written: after a mass transition, events trail the status writes.",
	})

	// WorkloadsUntraced, WorkloadsDangling and WorkloadsBreakGlass count, per namespace that opts in with the label
	// roadmap.dev/workloads, the workloads the roadmap does not explain (docs/workloads.md).
	WorkloadsUntraced = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "roadmap_workloads_untraced",
		Help: "Workloads without the label roadmap.dev/initiative, in namespaces labelled roadmap.dev/workloads.",
	}, []string{"namespace"})
	WorkloadsDangling = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "roadmap_workloads_dangling",
		Help: "Workloads whose label roadmap.dev/initiative names no initiative, an invalid name, or a Done or " +
			"Cancelled initiative, in namespaces labelled roadmap.dev/workloads.",
	}, []string{"namespace"})
	WorkloadsBreakGlass = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "roadmap_workloads_break_glass",
		Help: "Workloads carrying the annotation roadmap.dev/break-glass, in namespaces labelled roadmap.dev/workloads.",
	}, []string{"namespace"})

	state = &stateCollector{
		initiatives: prometheus.NewDesc("roadmap_initiatives",
			"Initiatives by namespace, phase and track.", []string{"namespace", "phase", "track"}, nil),
		capabilities: prometheus.NewDesc("roadmap_capabilities",
			"Capabilities by readiness.", []string{"ready"}, nil),
		cycles: prometheus.NewDesc("roadmap_dependency_cycles",
			"Objects currently reporting DependencyCycle, by kind.", []string{"kind"}, nil),
		goalsAtRisk: prometheus.NewDesc("roadmap_goals_at_risk",
			"Goals whose AtRisk condition is True.", nil, nil),
		blockedSince: prometheus.NewDesc("roadmap_initiative_blocked_since_timestamp_seconds",
			"Unix time at which a currently Blocked initiative became Blocked.", []string{"namespace", "name"}, nil),
		startedEarly: prometheus.NewDesc("roadmap_initiatives_started_early",
			"Innovation initiatives declared Active while a capability they require is not Ready (StartedEarly=True).",
			nil, nil),
	}
)

func init() {
	ctrlmetrics.Registry.MustRegister(EvidenceWatches, EvidenceWatchRefusals, BlockedSeconds, PropagationSeconds, EventsDropped,
		EventsQueued, GoalRollupsPending, WorkloadsUntraced, WorkloadsDangling, WorkloadsBreakGlass, state)
}

// stateCollector computes the state gauges from the informer cache at scrape time, as kube-state-metrics does:
// nothing to keep in step on every reconcile, and a scrape always agrees with the objects.
//
// controller-runtime serves one registry per process, so the collector is registered once; each manager lends it
// its cache only while it runs (see stateSource). A process runs one manager in production; tests, the
// reliability suite and the benchmark run several, one after another or side by side, and the gauges describe
// the cluster of the longest-running one, never a stopped manager's cache or one that has not synced yet.
type stateCollector struct {
	mu sync.Mutex
	// readers are the caches of the running managers, oldest first.
	readers                                                      []*client.Reader
	initiatives, capabilities, cycles, goalsAtRisk, blockedSince *prometheus.Desc
	startedEarly                                                 *prometheus.Desc
}

// add lends the collector a running manager's cache until remove is called.
func (s *stateCollector) add(r client.Reader) (remove func()) {
	entry := &r
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readers = append(s.readers, entry)
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.readers = slices.DeleteFunc(s.readers, func(e *client.Reader) bool { return e == entry })
	}
}

// current is the cache to read, or nil when no manager runs.
func (s *stateCollector) current() client.Reader {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.readers) == 0 {
		return nil
	}
	return *s.readers[0]
}

// stateSource is the manager runnable that lends its cache to the state collector from the moment the caches
// have synced (when the manager starts runnables that need no leader election) until the manager stops.
type stateSource struct {
	collector *stateCollector
	cache     client.Reader
}

func (s stateSource) Start(ctx context.Context) error {
	remove := s.collector.add(s.cache)
	<-ctx.Done()
	remove()
	return nil
}

// NewStateSource returns the runnable that lends a manager's cache to the state gauges while the manager runs:
// add it to the manager.
func NewStateSource(cache client.Reader) manager.Runnable {
	return stateSource{collector: state, cache: cache}
}

// NeedLeaderElection is false: every replica reports the state it sees (dashboards take the max over replicas).
func (stateSource) NeedLeaderElection() bool { return false }

func (s *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{s.initiatives, s.capabilities, s.cycles, s.goalsAtRisk, s.blockedSince, s.startedEarly} {
		ch <- d
	}
}

func (s *stateCollector) Collect(ch chan<- prometheus.Metric) {
	r := s.current()
	if r == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	inis, caps, goals := &roadmapv1.InitiativeList{}, &roadmapv1.CapabilityList{}, &roadmapv1.GoalList{}
	if r.List(ctx, inis) != nil || r.List(ctx, caps) != nil || r.List(ctx, goals) != nil {
		return // the cache is not ready (manager starting or stopping): report nothing rather than zeros
	}

	type key struct{ namespace, phase, track string }
	byPhase := map[key]float64{}
	cycles := map[string]float64{"Capability": 0, "Initiative": 0, "Goal": 0}
	startedEarly := 0.0
	for _, i := range inis.Items {
		byPhase[key{i.Namespace, string(i.Status.Phase), string(i.Spec.Track)}]++
		if apimeta.IsStatusConditionTrue(i.Status.Conditions, roadmapv1.ConditionStartedEarly) {
			startedEarly++
		}
		ready := apimeta.FindStatusCondition(i.Status.Conditions, roadmapv1.ConditionReady)
		if ready != nil && ready.Reason == roadmapv1.ReasonDependencyCycle {
			cycles["Initiative"]++
		}
		if i.Status.Phase == roadmapv1.PhaseBlocked && ready != nil {
			ch <- prometheus.MustNewConstMetric(s.blockedSince, prometheus.GaugeValue,
				float64(ready.LastTransitionTime.Unix()), i.Namespace, i.Name)
		}
	}
	for k, n := range byPhase {
		ch <- prometheus.MustNewConstMetric(s.initiatives, prometheus.GaugeValue, n, k.namespace, k.phase, k.track)
	}
	ch <- prometheus.MustNewConstMetric(s.startedEarly, prometheus.GaugeValue, startedEarly)
	readiness := map[string]float64{"true": 0, "false": 0}
	for _, c := range caps.Items {
		ready := apimeta.FindStatusCondition(c.Status.Conditions, roadmapv1.ConditionReady)
		if ready != nil && ready.Status == "True" {
			readiness["true"]++
		} else {
			readiness["false"]++
		}
		if ready != nil && ready.Reason == roadmapv1.ReasonDependencyCycle {
			cycles["Capability"]++
		}
	}
	for ready, n := range readiness {
		ch <- prometheus.MustNewConstMetric(s.capabilities, prometheus.GaugeValue, n, ready)
	}
	atRisk := 0.0
	for _, g := range goals.Items {
		if apimeta.IsStatusConditionTrue(g.Status.Conditions, roadmapv1.ConditionAtRisk) {
			atRisk++
		}
		if ready := apimeta.FindStatusCondition(g.Status.Conditions, roadmapv1.ConditionReady); ready != nil &&
			ready.Reason == roadmapv1.ReasonDependencyCycle {
			cycles["Goal"]++
		}
	}
	ch <- prometheus.MustNewConstMetric(s.goalsAtRisk, prometheus.GaugeValue, atRisk)
	for kind, n := range cycles {
		ch <- prometheus.MustNewConstMetric(s.cycles, prometheus.GaugeValue, n, kind)
	}
}
