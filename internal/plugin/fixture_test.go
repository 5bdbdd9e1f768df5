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

package plugin

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// The fixture is a roadmap with statuses written by hand as the operator would write them: the renderers only
// read status, so no operator is needed to test them.

var (
	clock   = time.Date(2035, 1, 15, 9, 0, 0, 0, time.UTC)
	recent  = metav1.NewTime(clock.Add(-2 * time.Hour))
	longAgo = metav1.NewTime(clock.Add(-72 * time.Hour))
)

func cond(t string, status metav1.ConditionStatus, reason, message string, at metav1.Time) metav1.Condition {
	return metav1.Condition{Type: t, Status: status, Reason: reason, Message: message, LastTransitionTime: at}
}

func names(ns ...string) []roadmapv1.ResourceName {
	out := make([]roadmapv1.ResourceName, len(ns))
	for i, n := range ns {
		out[i] = roadmapv1.ResourceName(n)
	}
	return out
}

func fixtureCapability(name, owner string, lifecycle roadmapv1.CapabilityLifecycle, phase roadmapv1.CapabilityPhase,
	ready metav1.ConditionStatus, reason, message string, requires ...string) roadmapv1.Capability {
	return roadmapv1.Capability{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       roadmapv1.CapabilitySpec{Title: name, Owner: owner, Lifecycle: lifecycle, Requires: names(requires...)},
		Status: roadmapv1.CapabilityStatus{Phase: phase, Summary: summaryOf(ready, message),
			Conditions: []metav1.Condition{cond("Ready", ready, reason, message, recent)}},
	}
}

func summaryOf(ready metav1.ConditionStatus, message string) string {
	if ready == metav1.ConditionTrue {
		return ""
	}
	return message
}

type iniOpt func(*roadmapv1.Initiative)

func fixtureInitiative(ns, name, owner string, phase roadmapv1.InitiativePhase, reason string, opts ...iniOpt) roadmapv1.Initiative {
	ready := metav1.ConditionFalse
	if phase == roadmapv1.PhaseReady || phase == roadmapv1.PhaseDone {
		ready = metav1.ConditionTrue
	}
	ini := roadmapv1.Initiative{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       roadmapv1.InitiativeSpec{Title: name, Track: roadmapv1.TrackInnovation, Owner: owner},
		Status: roadmapv1.InitiativeStatus{Phase: phase,
			Conditions: []metav1.Condition{cond("Ready", ready, reason, "", recent)}},
	}
	for _, o := range opts {
		o(&ini)
	}
	// As the operator does: the initiative is Stalled exactly when one of its blockedBy entries is.
	for _, e := range ini.Status.BlockedBy {
		if e.Stalled {
			ini.Status.Conditions = append(ini.Status.Conditions, cond("Stalled", metav1.ConditionTrue, reason, "", recent))
			break
		}
	}
	return ini
}

// stalledReasons are the blockedBy reasons the operator marks stalled: waiting will not clear them.
var stalledReasons = map[string]bool{"CapabilityNotFound": true, "InitiativeNotFound": true, "DependencyCycle": true}

func blockedBy(kind, ns, name, reason, message string) iniOpt {
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

func target(d string) iniOpt {
	return func(i *roadmapv1.Initiative) { i.Spec.TargetDate = roadmapv1.Date(d) }
}

func priority(p string) iniOpt {
	return func(i *roadmapv1.Initiative) { i.Status.PriorityScore = p }
}

func state(s roadmapv1.InitiativeState) iniOpt {
	return func(i *roadmapv1.Initiative) { i.Spec.State = s }
}

func requires(c ...string) iniOpt {
	return func(i *roadmapv1.Initiative) { i.Spec.Requires = names(c...) }
}

func provides(c ...string) iniOpt {
	return func(i *roadmapv1.Initiative) { i.Spec.Provides = names(c...) }
}

func goals(g ...string) iniOpt {
	return func(i *roadmapv1.Initiative) { i.Spec.Goals = names(g...) }
}

func dependsOn(ns, name string) iniOpt {
	return func(i *roadmapv1.Initiative) {
		i.Spec.DependsOn = append(i.Spec.DependsOn, roadmapv1.InitiativeReference{Namespace: ns, Name: roadmapv1.ResourceName(name)})
	}
}

func changedAt(t metav1.Time) iniOpt {
	return func(i *roadmapv1.Initiative) { i.Status.Conditions[0].LastTransitionTime = t }
}

func completedAt(t metav1.Time) iniOpt {
	return func(i *roadmapv1.Initiative) { i.Status.CompletedAt = &t }
}

func fixture() *Snapshot {
	networking := fixtureCapability("networking", "team-network", roadmapv1.LifecyclePlanned,
		roadmapv1.CapabilityPhasePlanned, metav1.ConditionFalse, "NotAvailable", "capability is Planned, not yet Available")
	networking.Status.Providers = []roadmapv1.ProviderStatus{{Namespace: "ops", Name: "network-refresh",
		TargetDate: "2035-02-28", State: roadmapv1.StateActive}}
	networking.Status.ETA = "2035-02-28"
	platform := fixtureCapability("kubernetes-platform", "team-platform", roadmapv1.LifecycleAvailable,
		roadmapv1.CapabilityPhaseBlocked, metav1.ConditionFalse, "PrerequisiteNotReady",
		"capability networking: Planned; check Deployment platform/ingress: InProgress", "networking")
	eventBus := fixtureCapability("event-bus", "team-data", roadmapv1.LifecyclePlanned,
		roadmapv1.CapabilityPhasePlanned, metav1.ConditionFalse, "NotAvailable", "capability is Planned, not yet Available",
		"kubernetes-platform")
	eventBus.Status.Providers = []roadmapv1.ProviderStatus{{Namespace: "ops", Name: "kafka-cluster",
		TargetDate: "2035-06-30", State: roadmapv1.StateActive}}
	eventBus.Status.ETA = "2035-06-30"
	flags := fixtureCapability("feature-flags", "", roadmapv1.LifecyclePlanned,
		roadmapv1.CapabilityPhasePlanned, metav1.ConditionFalse, "NotAvailable", "capability is Planned, not yet Available")
	obs := fixtureCapability("observability", "team-sre", roadmapv1.LifecycleAvailable,
		roadmapv1.CapabilityPhaseReady, metav1.ConditionTrue, "Ready", "capability is Available and has no prerequisites")
	obs.Status.Conditions[0].LastTransitionTime = longAgo

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

	s := &Snapshot{
		Capabilities: []roadmapv1.Capability{networking, platform, eventBus, flags, obs},
		Goals: []roadmapv1.Goal{
			{ObjectMeta: metav1.ObjectMeta{Name: "personalisation"},
				Spec: roadmapv1.GoalSpec{Title: "Personalisation", Owner: "cpo", TargetDate: "2035-12-31"},
				Status: roadmapv1.GoalStatus{Progress: 20, Conditions: []metav1.Condition{
					cond("Ready", metav1.ConditionTrue, "Rollup", "5 initiatives: 1 ready, 3 blocked, 1 done", recent),
					cond("AtRisk", metav1.ConditionTrue, "InitiativesAtRisk", "team-personalisation/recs: in schedule conflict", recent)}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "recommendations"},
				Spec: roadmapv1.GoalSpec{Title: "Recommendations", Parent: "personalisation"},
				Status: roadmapv1.GoalStatus{Conditions: []metav1.Condition{
					cond("Ready", metav1.ConditionTrue, "Rollup", "1 initiative: 1 blocked", recent),
					cond("AtRisk", metav1.ConditionFalse, "OnTrack", "", recent)}}},
		},
		Initiatives: []roadmapv1.Initiative{
			fixtureInitiative("ops", "network-refresh", "team-network", roadmapv1.PhaseReady, "PrerequisitesMet",
				state(roadmapv1.StateActive), provides("networking"), target("2035-02-28"), priority("3.00"),
				goals("personalisation")),
			fixtureInitiative("ops", "kafka-cluster", "team-data", roadmapv1.PhaseBlocked, "CapabilityNotReady",
				state(roadmapv1.StateActive), provides("event-bus"), requires("kubernetes-platform"), target("2035-06-30"),
				priority("2.25"), goals("personalisation"),
				blockedBy("Capability", "", "kubernetes-platform", "CapabilityNotReady", "capability kubernetes-platform: PrerequisiteNotReady")),
			fixtureInitiative("ops", "cluster-upgrade", "team-platform", roadmapv1.PhaseDone, "Done",
				state(roadmapv1.StateDone), target("2034-11-30"), priority("3.00"), goals("personalisation"), changedAt(longAgo), completedAt(longAgo)),
			fixtureInitiative("team-personalisation", "recs", "team-personalisation", roadmapv1.PhaseBlocked, "CapabilityNotReady",
				requires("event-bus", "observability"), dependsOn("ops", "kafka-cluster"), target("2035-05-31"), priority("3.20"),
				goals("recommendations"),
				blockedBy("Capability", "", "event-bus", "CapabilityNotReady", "capability event-bus: Planned"),
				blockedBy("Initiative", "ops", "kafka-cluster", "InitiativeNotDone", "initiative ops/kafka-cluster: Active")),
			fixtureInitiative("team-personalisation", "ab-testing", "team-personalisation", roadmapv1.PhaseBlocked, "NoProvider",
				requires("feature-flags", "gone"), target("2035-03-31"), priority("3.00"),
				blockedBy("Capability", "", "feature-flags", "NoProvider", "capability feature-flags: Planned (no provider)"),
				blockedBy("Capability", "", "gone", "CapabilityNotFound", "capability gone: not found")),
			fixtureInitiative("team-personalisation", "legacy-sunset", "team-personalisation", roadmapv1.PhaseBlocked,
				"InitiativeNotDone", dependsOn("", "recs"), target("2034-12-31"), goals("personalisation"),
				blockedBy("Initiative", "team-personalisation", "recs", "InitiativeNotDone", "initiative recs: Proposed")),
			fixtureInitiative("team-search", "search-v2", "team-search", roadmapv1.PhaseBlocked, "DependencyCycle",
				dependsOn("", "search-index"), target("2035-05-31"),
				blockedBy("Initiative", "team-search", "search-index", "DependencyCycle",
					"dependency cycle: team-search/search-v2 -> team-search/search-index -> team-search/search-v2")),
			fixtureInitiative("team-search", "search-index", "team-search", roadmapv1.PhaseBlocked, "DependencyCycle",
				dependsOn("", "search-v2"), target("2035-04-30"), changedAt(longAgo),
				blockedBy("Initiative", "team-search", "search-v2", "DependencyCycle",
					"dependency cycle: team-search/search-index -> team-search/search-v2 -> team-search/search-index")),
		},
	}
	return s.Index()
}
