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

// Package roadmapviewtest builds roadmaps for tests of the read model and of its renderers: statuses written by
// hand as the operator would write them, since the read model only reads status, no operator is needed.
package roadmapviewtest

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// The times of the fixture: Clock is "now"; Recent changes fall within a day of it, LongAgo ones do not.
var (
	Clock   = time.Date(2035, 1, 15, 9, 0, 0, 0, time.UTC)
	Recent  = metav1.NewTime(Clock.Add(-2 * time.Hour))
	LongAgo = metav1.NewTime(Clock.Add(-72 * time.Hour))
)

// Condition is a status condition that last changed at the time given.
func Condition(t string, status metav1.ConditionStatus, reason, message string, at metav1.Time) metav1.Condition {
	return metav1.Condition{Type: t, Status: status, Reason: reason, Message: message, LastTransitionTime: at}
}

// Names converts names to the API's resource names.
func Names(ns ...string) []roadmapv1.ResourceName {
	out := make([]roadmapv1.ResourceName, len(ns))
	for i, n := range ns {
		out[i] = roadmapv1.ResourceName(n)
	}
	return out
}

// Capability is a capability as the operator would have written its status: the phase and a Ready condition
// with the reason and message given (the summary is the message unless Ready), requiring the capabilities named.
func Capability(name, owner string, lifecycle roadmapv1.CapabilityLifecycle, phase roadmapv1.CapabilityPhase,
	ready metav1.ConditionStatus, reason, message string, Requires ...string) roadmapv1.Capability {
	return roadmapv1.Capability{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       roadmapv1.CapabilitySpec{Title: name, Owner: owner, Lifecycle: lifecycle, Requires: Names(Requires...)},
		Status: roadmapv1.CapabilityStatus{Phase: phase, Summary: summaryOf(ready, message),
			Conditions: []metav1.Condition{Condition("Ready", ready, reason, message, Recent)}},
	}
}

func summaryOf(ready metav1.ConditionStatus, message string) string {
	if ready == metav1.ConditionTrue {
		return ""
	}
	return message
}

// InitiativeOption sets a field of a fixture initiative.
type InitiativeOption func(*roadmapv1.Initiative)

// Initiative is an initiative in a phase with a Ready condition of the reason given, changed Recently, and
// Stalled=True when one of its blockedBy entries is stalled, as the operator writes it.
func Initiative(ns, name, owner string, phase roadmapv1.InitiativePhase, reason string, opts ...InitiativeOption) roadmapv1.Initiative {
	ready := metav1.ConditionFalse
	if phase == roadmapv1.PhaseReady || phase == roadmapv1.PhaseDone {
		ready = metav1.ConditionTrue
	}
	ini := roadmapv1.Initiative{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       roadmapv1.InitiativeSpec{Title: name, Track: roadmapv1.TrackInnovation, Owner: owner},
		Status: roadmapv1.InitiativeStatus{Phase: phase,
			Conditions: []metav1.Condition{Condition("Ready", ready, reason, "", Recent)}},
	}
	for _, o := range opts {
		o(&ini)
	}
	// As the operator does: the initiative is Stalled exactly when one of its BlockedBy entries is.
	for _, e := range ini.Status.BlockedBy {
		if e.Stalled {
			ini.Status.Conditions = append(ini.Status.Conditions, Condition("Stalled", metav1.ConditionTrue, reason, "", Recent))
			break
		}
	}
	return ini
}

// stalledReasons are the BlockedBy reasons the operator marks stalled: waiting will not clear them.
var stalledReasons = map[string]bool{"CapabilityNotFound": true, "InitiativeNotFound": true, "DependencyCycle": true}

// BlockedBy adds a blockedBy entry (stalled for the reasons the operator marks so) and its message to the summary.
func BlockedBy(kind, ns, name, reason, message string) InitiativeOption {
	return func(i *roadmapv1.Initiative) {
		i.Status.BlockedBy = append(i.Status.BlockedBy, roadmapv1.BlockedByEntry{Kind: kind, Namespace: ns, Name: name,
			Reason: reason, Message: message, Stalled: stalledReasons[reason]})
		if i.Status.Summary == "" {
			i.Status.Summary = message
		} else {
			i.Status.Summary += ", " + message
		}
	}
}

// Target sets spec.targetDate.
func Target(d string) InitiativeOption {
	return func(i *roadmapv1.Initiative) { i.Spec.TargetDate = roadmapv1.Date(d) }
}

// Priority sets status.priorityScore.
func Priority(p string) InitiativeOption {
	return func(i *roadmapv1.Initiative) { i.Status.PriorityScore = p }
}

// State sets spec.state.
func State(s roadmapv1.InitiativeState) InitiativeOption {
	return func(i *roadmapv1.Initiative) { i.Spec.State = s }
}

// Requires sets spec.requires.
func Requires(c ...string) InitiativeOption {
	return func(i *roadmapv1.Initiative) { i.Spec.Requires = Names(c...) }
}

// Provides sets spec.provides.
func Provides(c ...string) InitiativeOption {
	return func(i *roadmapv1.Initiative) { i.Spec.Provides = Names(c...) }
}

// Goals sets spec.goals.
func Goals(g ...string) InitiativeOption {
	return func(i *roadmapv1.Initiative) { i.Spec.Goals = Names(g...) }
}

// DependsOn adds an entry to spec.dependsOn; an empty namespace is the initiative's own.
func DependsOn(ns, name string) InitiativeOption {
	return func(i *roadmapv1.Initiative) {
		i.Spec.DependsOn = append(i.Spec.DependsOn, roadmapv1.InitiativeReference{Namespace: ns, Name: roadmapv1.ResourceName(name)})
	}
}

// ScheduleConflict adds the ScheduleConflict condition, True with the operator's message.
func ScheduleConflict(message string) InitiativeOption {
	return func(i *roadmapv1.Initiative) {
		i.Status.Conditions = append(i.Status.Conditions, Condition(roadmapv1.ConditionScheduleConflict,
			metav1.ConditionTrue, roadmapv1.ScheduleReasonProviderLate, message, Recent))
	}
}

// ChangedAt sets when the Ready condition last changed.
func ChangedAt(t metav1.Time) InitiativeOption {
	return func(i *roadmapv1.Initiative) { i.Status.Conditions[0].LastTransitionTime = t }
}

// CompletedAt sets status.completedAt.
func CompletedAt(t metav1.Time) InitiativeOption {
	return func(i *roadmapv1.Initiative) { i.Status.CompletedAt = &t }
}

// Roadmap is the fixture roadmap: two goals (one cascading), five capabilities (Planned with and without
// providers, Blocked on a prerequisite and an evidence check, Ready) and eight initiatives (Ready, Blocked on
// capabilities and on other initiatives, Done, past its target date, a dependsOn cycle, a missing capability),
// indexed. Tests change it freely: every call builds a new one.
func Roadmap() *roadmapview.Snapshot {
	networking := Capability("networking", "team-network", roadmapv1.LifecyclePlanned,
		roadmapv1.CapabilityPhasePlanned, metav1.ConditionFalse, "NotAvailable", "capability is Planned, not yet Available")
	networking.Status.Providers = []roadmapv1.ProviderStatus{{Namespace: "ops", Name: "network-refresh",
		TargetDate: "2035-02-28", State: roadmapv1.StateActive}}
	networking.Status.ETA = "2035-02-28"
	platform := Capability("kubernetes-platform", "team-platform", roadmapv1.LifecycleAvailable,
		roadmapv1.CapabilityPhaseBlocked, metav1.ConditionFalse, "PrerequisiteNotReady",
		"capability networking: Planned; check Deployment platform/ingress: InProgress", "networking")
	eventBus := Capability("event-bus", "team-data", roadmapv1.LifecyclePlanned,
		roadmapv1.CapabilityPhasePlanned, metav1.ConditionFalse, "NotAvailable", "capability is Planned, not yet Available",
		"kubernetes-platform")
	eventBus.Status.Providers = []roadmapv1.ProviderStatus{{Namespace: "ops", Name: "kafka-cluster",
		TargetDate: "2035-06-30", State: roadmapv1.StateActive}}
	eventBus.Status.ETA = "2035-06-30"
	flags := Capability("feature-flags", "", roadmapv1.LifecyclePlanned,
		roadmapv1.CapabilityPhasePlanned, metav1.ConditionFalse, "NotAvailable", "capability is Planned, not yet Available")
	obs := Capability("observability", "team-sre", roadmapv1.LifecycleAvailable,
		roadmapv1.CapabilityPhaseReady, metav1.ConditionTrue, "Ready", "capability is Available and has no prerequisites")
	obs.Status.Conditions[0].LastTransitionTime = LongAgo

	platform.Status.Checks = []roadmapv1.CheckStatus{
		{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "platform", Name: "ingress", Reason: "InProgress",
			Message: "Deployment is available. Replicas: 1 of 3"},
		{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "platform", Name: "dns", Passing: true, Reason: "Current"},
	}
	platform.Status.BlockedBy = []roadmapv1.BlockedByEntry{
		{Kind: "Capability", Name: "networking", Reason: "CapabilityNotReady", Message: "capability networking: Planned"},
		{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "platform", Name: "ingress", Reason: "InProgress",
			Message: "check Deployment platform/ingress: InProgress: Deployment is available. Replicas: 1 of 3"},
	}

	s := &roadmapview.Snapshot{
		Capabilities: []roadmapv1.Capability{networking, platform, eventBus, flags, obs},
		Goals: []roadmapv1.Goal{
			{ObjectMeta: metav1.ObjectMeta{Name: "personalisation"},
				Spec: roadmapv1.GoalSpec{Title: "Personalisation", Owner: "cpo", TargetDate: "2035-12-31"},
				Status: roadmapv1.GoalStatus{Progress: 20, Conditions: []metav1.Condition{
					Condition("Ready", metav1.ConditionTrue, "Rollup", "5 initiatives: 1 ready, 3 blocked, 1 done", Recent),
					Condition("AtRisk", metav1.ConditionTrue, "InitiativesAtRisk", "team-personalisation/recs: in schedule conflict", Recent)}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "recommendations"},
				Spec: roadmapv1.GoalSpec{Title: "Recommendations", Parent: "personalisation"},
				Status: roadmapv1.GoalStatus{Conditions: []metav1.Condition{
					Condition("Ready", metav1.ConditionTrue, "Rollup", "1 initiative: 1 blocked", Recent),
					Condition("AtRisk", metav1.ConditionFalse, "OnTrack", "", Recent)}}},
		},
		Initiatives: []roadmapv1.Initiative{
			Initiative("ops", "network-refresh", "team-network", roadmapv1.PhaseReady, "PrerequisitesMet",
				State(roadmapv1.StateActive), Provides("networking"), Target("2035-02-28"), Priority("3.00"),
				Goals("personalisation")),
			Initiative("ops", "kafka-cluster", "team-data", roadmapv1.PhaseBlocked, "CapabilityNotReady",
				State(roadmapv1.StateActive), Provides("event-bus"), Requires("kubernetes-platform"), Target("2035-06-30"),
				Priority("2.25"), Goals("personalisation"),
				BlockedBy("Capability", "", "kubernetes-platform", "CapabilityNotReady", "capability kubernetes-platform: PrerequisiteNotReady")),
			Initiative("ops", "cluster-upgrade", "team-platform", roadmapv1.PhaseDone, "Done",
				State(roadmapv1.StateDone), Target("2034-11-30"), Priority("3.00"), Goals("personalisation"), ChangedAt(LongAgo), CompletedAt(LongAgo)),
			Initiative("team-personalisation", "recs", "team-personalisation", roadmapv1.PhaseBlocked, "CapabilityNotReady",
				Requires("event-bus", "observability"), DependsOn("ops", "kafka-cluster"), Target("2035-05-31"), Priority("3.20"),
				Goals("recommendations"),
				ScheduleConflict("capability event-bus arrives 2035-06-30 (ops/kafka-cluster), after this initiative's target 2035-05-31"),
				BlockedBy("Capability", "", "event-bus", "CapabilityNotReady", "capability event-bus: Planned"),
				BlockedBy("Initiative", "ops", "kafka-cluster", "InitiativeNotDone", "initiative ops/kafka-cluster: Active")),
			Initiative("team-personalisation", "ab-testing", "team-personalisation", roadmapv1.PhaseBlocked, "NoProvider",
				Requires("feature-flags", "gone"), Target("2035-03-31"), Priority("3.00"),
				BlockedBy("Capability", "", "feature-flags", "NoProvider", "capability feature-flags: Planned (no provider)"),
				BlockedBy("Capability", "", "gone", "CapabilityNotFound", "capability gone: not found")),
			Initiative("team-personalisation", "legacy-sunset", "team-personalisation", roadmapv1.PhaseBlocked,
				"InitiativeNotDone", DependsOn("", "recs"), Target("2034-12-31"), Goals("personalisation"),
				BlockedBy("Initiative", "team-personalisation", "recs", "InitiativeNotDone", "initiative recs: Proposed")),
			Initiative("team-search", "search-v2", "team-search", roadmapv1.PhaseBlocked, "DependencyCycle",
				DependsOn("", "search-index"), Target("2035-05-31"),
				BlockedBy("Initiative", "team-search", "search-index", "DependencyCycle",
					"dependency cycle: team-search/search-v2 -> team-search/search-index -> team-search/search-v2")),
			Initiative("team-search", "search-index", "team-search", roadmapv1.PhaseBlocked, "DependencyCycle",
				DependsOn("", "search-v2"), Target("2035-04-30"), ChangedAt(LongAgo),
				BlockedBy("Initiative", "team-search", "search-v2", "DependencyCycle",
					"dependency cycle: team-search/search-index -> team-search/search-v2 -> team-search/search-index")),
		},
	}
	return s.Index()
}
