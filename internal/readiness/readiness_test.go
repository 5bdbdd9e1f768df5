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

package readiness

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

var (
	readyCap   = CapabilityView{Name: "k8s", Lifecycle: roadmapv1.LifecycleAvailable, Ready: true, Reason: "Ready"}
	plannedCap = CapabilityView{Name: "event-bus", Lifecycle: roadmapv1.LifecyclePlanned, Reason: "NotAvailable"}
	blockedCap = CapabilityView{Name: "obs", Lifecycle: roadmapv1.LifecycleAvailable, Reason: "PrerequisiteNotReady"}
)

func TestEvaluateCapability(t *testing.T) {
	cases := []struct {
		name      string
		facts     CapabilityFacts
		wantPhase roadmapv1.CapabilityPhase
		want      Result
	}{
		{"available without prerequisites",
			CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable},
			roadmapv1.CapabilityPhaseReady,
			Result{Ready: true, Reason: "Ready", Message: "capability is Available and has no prerequisites"}},
		{"planned", CapabilityFacts{Lifecycle: roadmapv1.LifecyclePlanned, Requires: []string{"k8s"},
			Prerequisites: map[string]CapabilityView{"k8s": readyCap}},
			roadmapv1.CapabilityPhasePlanned,
			Result{Reason: "NotAvailable", Message: "capability is Planned, not yet Available", Summary: "Planned", Waiting: true}},
		{"retired overrides ready prerequisites", CapabilityFacts{Lifecycle: roadmapv1.LifecycleRetired},
			roadmapv1.CapabilityPhaseRetired,
			Result{Reason: "NotAvailable", Message: "capability is Retired", Summary: "Retired"}},
		{"one prerequisite ready", CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable, Requires: []string{"k8s"},
			Prerequisites: map[string]CapabilityView{"k8s": readyCap}},
			roadmapv1.CapabilityPhaseReady,
			Result{Ready: true, Reason: "Ready", Message: "capability is Available and its prerequisite is met"}},
		{"prerequisite planned", CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Requires: []string{"k8s", "event-bus"}, Prerequisites: map[string]CapabilityView{"k8s": readyCap, "event-bus": plannedCap}},
			roadmapv1.CapabilityPhaseBlocked,
			Result{Reason: "PrerequisiteNotReady", Message: "capability event-bus: Planned",
				Summary: "capability event-bus: Planned", Waiting: true,
				Unmet: []Unmet{{Kind: "Capability", Name: "event-bus", Reason: "CapabilityNotReady", Message: "capability event-bus: Planned"}}}},
		{"prerequisite missing beats prerequisite not ready", CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Requires: []string{"obs", "gone"}, Prerequisites: map[string]CapabilityView{"obs": blockedCap}},
			roadmapv1.CapabilityPhaseBlocked,
			Result{Reason: "PrerequisiteNotFound", Message: "capability obs: PrerequisiteNotReady; capability gone: not found",
				Summary: "capability obs: PrerequisiteNotReady, capability gone: not found", Broken: true,
				Unmet: []Unmet{
					{Kind: "Capability", Name: "obs", Reason: "CapabilityNotReady", Message: "capability obs: PrerequisiteNotReady"},
					{Kind: "Capability", Name: "gone", Reason: "CapabilityNotFound", Message: "capability gone: not found", Stalled: true}}}},
		{"cycle beats everything, even Planned", CapabilityFacts{Lifecycle: roadmapv1.LifecyclePlanned,
			Requires: []string{"b"}, Cycle: []string{"a", "b", "a"}},
			roadmapv1.CapabilityPhaseBlocked,
			Result{Reason: "DependencyCycle", Message: "dependency cycle: a -> b -> a", Summary: "dependency cycle: a -> b -> a",
				Broken: true, Unmet: []Unmet{{Kind: "Capability", Name: "b", Reason: "DependencyCycle", Message: "dependency cycle: a -> b -> a", Stalled: true}}}},
		{"evidence passing", CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{{Kind: "Deployment", Namespace: "kafka", Name: "broker", Passing: true, Reason: "Current"}}},
			roadmapv1.CapabilityPhaseReady,
			Result{Ready: true, Reason: "Ready", Message: "capability is Available, its check passes, and has no prerequisites"}},
		{"evidence in progress: waiting", CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "kafka", Name: "broker", Reason: "InProgress", Message: "Available: 1/3"}}},
			roadmapv1.CapabilityPhaseBlocked,
			Result{Reason: "ChecksFailing", Message: "check Deployment kafka/broker: InProgress: Available: 1/3",
				Summary: "check Deployment kafka/broker: InProgress: Available: 1/3", Waiting: true,
				Unmet: []Unmet{{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "kafka", Name: "broker", Reason: "InProgress",
					Message: "check Deployment kafka/broker: InProgress: Available: 1/3"}}}},
		{"kind not served is broken; prerequisites lead the reason", CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Requires: []string{"event-bus"}, Prerequisites: map[string]CapabilityView{"event-bus": plannedCap},
			Checks: []roadmapv1.CheckStatus{{APIVersion: "example.com/v1", Kind: "Widget", Name: "w", Reason: "KindNotFound"}}},
			roadmapv1.CapabilityPhaseBlocked,
			Result{Reason: "PrerequisiteNotReady", Message: "capability event-bus: Planned; check Widget w: KindNotFound",
				Summary: "capability event-bus: Planned, check Widget w: KindNotFound", Broken: true,
				Unmet: []Unmet{
					{Kind: "Capability", Name: "event-bus", Reason: "CapabilityNotReady", Message: "capability event-bus: Planned"},
					{APIVersion: "example.com/v1", Kind: "Widget", Name: "w", Reason: "KindNotFound", Message: "check Widget w: KindNotFound",
						Stalled: true}}}},
		{"a Failed object is stalled, a missing one is waited for", CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{
				{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "kafka", Name: "broker", Reason: "NotFound", Message: "object not found"},
				{APIVersion: "batch/v1", Kind: "Job", Namespace: "kafka", Name: "migrate", Reason: "Failed", Message: "Job Failed"}}},
			roadmapv1.CapabilityPhaseBlocked,
			Result{Reason: "ChecksFailing", Broken: true,
				Message: "check Deployment kafka/broker: NotFound: object not found; check Job kafka/migrate: Failed: Job Failed",
				Summary: "check Deployment kafka/broker: NotFound: object not found, check Job kafka/migrate: Failed: Job Failed",
				Unmet: []Unmet{
					{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "kafka", Name: "broker", Reason: "NotFound",
						Message: "check Deployment kafka/broker: NotFound: object not found"},
					{APIVersion: "batch/v1", Kind: "Job", Namespace: "kafka", Name: "migrate", Reason: "Failed",
						Message: "check Job kafka/migrate: Failed: Job Failed", Stalled: true}}}},
		{"fleet check names its failing clusters", CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{
				{Cluster: "prod-ap", Kind: "Deployment", Namespace: "monitoring", Name: "prometheus", Reason: "ClusterUnreachable"},
				{Cluster: "prod-eu", Kind: "Deployment", Namespace: "monitoring", Name: "prometheus", Passing: true, Reason: "Current"},
				{Cluster: "prod-us", Kind: "Deployment", Namespace: "monitoring", Name: "prometheus", Reason: "InProgress"}}},
			roadmapv1.CapabilityPhaseBlocked,
			Result{Reason: "ChecksFailing",
				Message: "check Deployment monitoring/prometheus not Current in 2 of 3 clusters: prod-ap (ClusterUnreachable), prod-us (InProgress)",
				Summary: "check Deployment monitoring/prometheus not Current in 2 of 3 clusters: prod-ap (ClusterUnreachable), prod-us (InProgress)",
				Waiting: true, Unmet: []Unmet{{Kind: "Deployment", Namespace: "monitoring", Name: "prometheus", Reason: "ClusterUnreachable",
					Message: "check Deployment monitoring/prometheus not Current in 2 of 3 clusters: prod-ap (ClusterUnreachable), prod-us (InProgress)"}}}},
		{"fleet check passing in every cluster", CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{
				{Cluster: "prod-eu", Kind: "Deployment", Namespace: "monitoring", Name: "prometheus", Passing: true, Reason: "Current"},
				{Cluster: "prod-us", Kind: "Deployment", Namespace: "monitoring", Name: "prometheus", Passing: true, Reason: "Current"}}},
			roadmapv1.CapabilityPhaseReady,
			Result{Ready: true, Reason: "Ready", Message: "capability is Available, its 2 checks pass, and has no prerequisites"}},
		{"one remote cluster: named in the check's line; a bad kubeconfig is broken", CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{{Cluster: "prod-eu", Kind: "Deployment", Namespace: "monitoring", Name: "prometheus",
				Reason: "KubeconfigInvalid", Message: "Secret roadmap-operator-system/prod-eu not found"}}},
			roadmapv1.CapabilityPhaseBlocked,
			Result{Reason: "ChecksFailing",
				Message: "check Deployment monitoring/prometheus in cluster prod-eu: KubeconfigInvalid: Secret roadmap-operator-system/prod-eu not found",
				Summary: "check Deployment monitoring/prometheus in cluster prod-eu: KubeconfigInvalid: Secret roadmap-operator-system/prod-eu not found",
				Broken:  true, Unmet: []Unmet{{Kind: "Deployment", Namespace: "monitoring", Name: "prometheus", Reason: "KubeconfigInvalid",
					Message: "check Deployment monitoring/prometheus in cluster prod-eu: KubeconfigInvalid: Secret roadmap-operator-system/prod-eu not found",
					Stalled: true}}}},
		{"prerequisite not yet evaluated is not ready", CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Requires: []string{"new"}, Prerequisites: map[string]CapabilityView{"new": {Name: "new", Lifecycle: roadmapv1.LifecycleAvailable}}},
			roadmapv1.CapabilityPhaseBlocked,
			Result{Reason: "PrerequisiteNotReady", Message: "capability new: not yet evaluated", Summary: "capability new: not yet evaluated",
				Waiting: true, Unmet: []Unmet{{Kind: "Capability", Name: "new", Reason: "CapabilityNotReady", Message: "capability new: not yet evaluated"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			phase, got := EvaluateCapability(tc.facts)
			if phase != tc.wantPhase {
				t.Errorf("phase = %s, want %s", phase, tc.wantPhase)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("result (-want +got):\n%s", d)
			}
		})
	}
}

func TestEvaluateInitiative(t *testing.T) {
	self := InitiativeKey{Namespace: "shop", Name: "recs"}
	kafka := InitiativeKey{Namespace: "ops", Name: "kafka"}
	search := InitiativeKey{Namespace: "shop", Name: "search"}
	cases := []struct {
		name      string
		facts     InitiativeFacts
		wantPhase roadmapv1.InitiativePhase
		want      Result
	}{
		{"done is final whatever blocks", InitiativeFacts{Key: self, State: roadmapv1.StateDone, Requires: []string{"gone"}},
			roadmapv1.PhaseDone, Result{Ready: true, Reason: "Done", Message: "initiative is Done"}},
		{"cancelled", InitiativeFacts{Key: self, State: roadmapv1.StateCancelled},
			roadmapv1.PhaseCancelled, Result{Reason: "Cancelled", Message: "initiative is Cancelled"}},
		{"no prerequisites", InitiativeFacts{Key: self, State: roadmapv1.StateActive},
			roadmapv1.PhaseReady, Result{Ready: true, Reason: "PrerequisitesMet", Message: "initiative can start and has no prerequisites"}},
		{"all met", InitiativeFacts{Key: self, Requires: []string{"k8s"}, Capabilities: map[string]CapabilityView{"k8s": readyCap},
			DependsOn: []InitiativeKey{kafka}, Initiatives: map[InitiativeKey]roadmapv1.InitiativeState{kafka: roadmapv1.StateDone}},
			roadmapv1.PhaseReady, Result{Ready: true, Reason: "PrerequisitesMet", Message: "initiative can start and all 2 prerequisites are met"}},
		{"capability planned", InitiativeFacts{Key: self, Requires: []string{"event-bus"},
			Capabilities: map[string]CapabilityView{"event-bus": plannedCap}, Providers: map[string]int{"event-bus": 1}},
			roadmapv1.PhaseBlocked, Result{Reason: "CapabilityNotReady", Message: "capability event-bus: Planned",
				Summary: "capability event-bus: Planned", Waiting: true,
				Unmet: []Unmet{{Kind: "Capability", Name: "event-bus", Reason: "CapabilityNotReady", Message: "capability event-bus: Planned"}}}},
		{"capability planned by nobody", InitiativeFacts{Key: self, Requires: []string{"k8s", "event-bus", "obs"},
			Capabilities: map[string]CapabilityView{"k8s": readyCap, "event-bus": plannedCap, "obs": blockedCap},
			Providers:    map[string]int{"obs": 2}},
			roadmapv1.PhaseBlocked, Result{Reason: "NoProvider", Waiting: true,
				Message: "capability event-bus: Planned (no provider); capability obs: PrerequisiteNotReady",
				Summary: "capability event-bus: Planned (no provider), capability obs: PrerequisiteNotReady",
				Unmet: []Unmet{
					{Kind: "Capability", Name: "event-bus", Reason: "NoProvider", Message: "capability event-bus: Planned (no provider)"},
					{Kind: "Capability", Name: "obs", Reason: "CapabilityNotReady", Message: "capability obs: PrerequisiteNotReady"}}}},
		{"initiative in another namespace not done, and one missing here", InitiativeFacts{Key: self,
			DependsOn:   []InitiativeKey{kafka, search},
			Initiatives: map[InitiativeKey]roadmapv1.InitiativeState{kafka: roadmapv1.StateActive}},
			roadmapv1.PhaseBlocked, Result{Reason: "InitiativeNotFound", Broken: true,
				Message: "initiative ops/kafka: Active; initiative search: not found",
				Summary: "initiative ops/kafka: Active, initiative search: not found",
				Unmet: []Unmet{
					{Kind: "Initiative", Namespace: "ops", Name: "kafka", Reason: "InitiativeNotDone", Message: "initiative ops/kafka: Active"},
					{Kind: "Initiative", Namespace: "shop", Name: "search", Reason: "InitiativeNotFound", Message: "initiative search: not found", Stalled: true}}}},
		{"unset state reads as Proposed", InitiativeFacts{Key: self, DependsOn: []InitiativeKey{search},
			Initiatives: map[InitiativeKey]roadmapv1.InitiativeState{search: ""}},
			roadmapv1.PhaseBlocked, Result{Reason: "InitiativeNotDone", Waiting: true, Message: "initiative search: Proposed",
				Summary: "initiative search: Proposed",
				Unmet:   []Unmet{{Kind: "Initiative", Namespace: "shop", Name: "search", Reason: "InitiativeNotDone", Message: "initiative search: Proposed"}}}},
		{"cycle", InitiativeFacts{Key: self, DependsOn: []InitiativeKey{search},
			Initiatives: map[InitiativeKey]roadmapv1.InitiativeState{search: roadmapv1.StateActive},
			Cycle:       []string{"shop/recs", "shop/search", "shop/recs"}},
			roadmapv1.PhaseBlocked, Result{Reason: "DependencyCycle", Broken: true,
				Message: "dependency cycle: shop/recs -> shop/search -> shop/recs",
				Summary: "dependency cycle: shop/recs -> shop/search -> shop/recs",
				Unmet: []Unmet{{Kind: "Initiative", Namespace: "shop", Name: "search", Reason: "DependencyCycle",
					Message: "dependency cycle: shop/recs -> shop/search -> shop/recs", Stalled: true}}}},
		{"not declared yet but provided: waiting, not broken", InitiativeFacts{Key: self, Requires: []string{"event-bus"},
			Providers: map[string]int{"event-bus": 1}},
			roadmapv1.PhaseBlocked, Result{Reason: "CapabilityNotFound", Waiting: true,
				Message: "capability event-bus: not declared yet (an initiative provides it)",
				Summary: "capability event-bus: not declared yet (an initiative provides it)",
				Unmet: []Unmet{{Kind: "Capability", Name: "event-bus", Reason: "CapabilityNotFound",
					Message: "capability event-bus: not declared yet (an initiative provides it)"}}}},
		{"not found, nobody provides it, within the grace period: waiting", InitiativeFacts{Key: self,
			Requires: []string{"typo"}, InNotFoundGrace: true},
			roadmapv1.PhaseBlocked, Result{Reason: "CapabilityNotFound", Waiting: true,
				Message: "capability typo: not found", Summary: "capability typo: not found",
				Unmet: []Unmet{{Kind: "Capability", Name: "typo", Reason: "CapabilityNotFound", Message: "capability typo: not found"}}}},
		{"not found, nobody provides it, grace over: broken", InitiativeFacts{Key: self, Requires: []string{"typo"}},
			roadmapv1.PhaseBlocked, Result{Reason: "CapabilityNotFound", Broken: true,
				Message: "capability typo: not found", Summary: "capability typo: not found",
				Unmet: []Unmet{{Kind: "Capability", Name: "typo", Reason: "CapabilityNotFound", Message: "capability typo: not found",
					Stalled: true}}}},
		{"a cycle is broken even within the grace period", InitiativeFacts{Key: self, Requires: []string{"typo"},
			InNotFoundGrace: true, DependsOn: []InitiativeKey{search},
			Initiatives: map[InitiativeKey]roadmapv1.InitiativeState{search: roadmapv1.StateActive},
			Cycle:       []string{"shop/recs", "shop/search", "shop/recs"}},
			roadmapv1.PhaseBlocked, Result{Reason: "DependencyCycle", Broken: true,
				Message: "capability typo: not found; dependency cycle: shop/recs -> shop/search -> shop/recs",
				Summary: "capability typo: not found, dependency cycle: shop/recs -> shop/search -> shop/recs",
				Unmet: []Unmet{
					{Kind: "Capability", Name: "typo", Reason: "CapabilityNotFound", Message: "capability typo: not found"},
					{Kind: "Initiative", Namespace: "shop", Name: "search", Reason: "DependencyCycle",
						Message: "dependency cycle: shop/recs -> shop/search -> shop/recs", Stalled: true}}}},
		{"one provided, one dangling: broken", InitiativeFacts{Key: self, Requires: []string{"event-bus", "typo"},
			Providers: map[string]int{"event-bus": 1}},
			roadmapv1.PhaseBlocked, Result{Reason: "CapabilityNotFound", Broken: true,
				Message: "capability event-bus: not declared yet (an initiative provides it); capability typo: not found",
				Summary: "capability event-bus: not declared yet (an initiative provides it), capability typo: not found",
				Unmet: []Unmet{
					{Kind: "Capability", Name: "event-bus", Reason: "CapabilityNotFound",
						Message: "capability event-bus: not declared yet (an initiative provides it)"},
					{Kind: "Capability", Name: "typo", Reason: "CapabilityNotFound", Message: "capability typo: not found",
						Stalled: true}}}},
		{"many blockers summarised", InitiativeFacts{Key: self, Requires: []string{"a", "b", "c", "d"}},
			roadmapv1.PhaseBlocked, Result{Reason: "CapabilityNotFound", Broken: true,
				Message: "capability a: not found; capability b: not found; capability c: not found; capability d: not found",
				Summary: "capability a: not found, capability b: not found (+2 more)",
				Unmet: []Unmet{
					{Kind: "Capability", Name: "a", Reason: "CapabilityNotFound", Message: "capability a: not found", Stalled: true},
					{Kind: "Capability", Name: "b", Reason: "CapabilityNotFound", Message: "capability b: not found", Stalled: true},
					{Kind: "Capability", Name: "c", Reason: "CapabilityNotFound", Message: "capability c: not found", Stalled: true},
					{Kind: "Capability", Name: "d", Reason: "CapabilityNotFound", Message: "capability d: not found", Stalled: true}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			phase, got := EvaluateInitiative(tc.facts)
			if phase != tc.wantPhase {
				t.Errorf("phase = %s, want %s", phase, tc.wantPhase)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("result (-want +got):\n%s", d)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	u := func(msg string) Unmet { return Unmet{Message: msg} }
	cases := []struct {
		unmet []Unmet
		want  string
	}{
		{nil, ""},
		{[]Unmet{u("capability a: Planned")}, "capability a: Planned"},
		{[]Unmet{u("x"), u("y")}, "x, y"},
		{[]Unmet{u("x"), u("y"), u("z")}, "x, y (+1 more)"},
		{[]Unmet{u("x"), u("y"), u("z"), u("w"), u("v")}, "x, y (+3 more)"},
	}
	for _, tc := range cases {
		if got := Summarize(tc.unmet); got != tc.want {
			t.Errorf("Summarize(%v) = %q, want %q", tc.unmet, got, tc.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	cases := []struct {
		view CapabilityView
		want string
	}{
		{plannedCap, "Planned"},
		{CapabilityView{Lifecycle: roadmapv1.LifecycleRetired, Ready: true}, "Retired"},
		{blockedCap, "PrerequisiteNotReady"},
		{readyCap, "Ready"},
		{CapabilityView{Lifecycle: roadmapv1.LifecycleAvailable}, "not yet evaluated"},
	}
	for _, tc := range cases {
		if got := tc.view.Describe(); got != tc.want {
			t.Errorf("%+v.Describe() = %q, want %q", tc.view, got, tc.want)
		}
	}
}

func TestSetConditions(t *testing.T) {
	var conds []metav1.Condition
	SetConditions(&conds, 3, Result{Reason: "CapabilityNotReady", Message: "m", Waiting: true})
	ready := meta.FindStatusCondition(conds, "Ready")
	if ready == nil || ready.Status != metav1.ConditionFalse || ready.ObservedGeneration != 3 {
		t.Fatalf("Ready = %+v", ready)
	}
	if !meta.IsStatusConditionTrue(conds, "Reconciling") || meta.FindStatusCondition(conds, "Stalled") != nil {
		t.Fatalf("waiting must set Reconciling only: %+v", conds)
	}

	// Setting the same result again changes nothing, not even timestamps: no status write follows.
	before := append([]metav1.Condition(nil), conds...)
	before[0].LastTransitionTime = metav1.NewTime(time.Unix(1, 0))
	conds[0].LastTransitionTime = before[0].LastTransitionTime
	SetConditions(&conds, 3, Result{Reason: "CapabilityNotReady", Message: "m", Waiting: true})
	if d := cmp.Diff(before, conds); d != "" {
		t.Fatalf("idempotent SetConditions changed the list (-before +after):\n%s", d)
	}

	// A new reason with the same status keeps lastTransitionTime; broken moves Reconciling to Stalled.
	SetConditions(&conds, 4, Result{Reason: "CapabilityNotFound", Message: "gone", Broken: true})
	ready = meta.FindStatusCondition(conds, "Ready")
	if !ready.LastTransitionTime.Equal(&before[0].LastTransitionTime) || ready.Reason != "CapabilityNotFound" {
		t.Fatalf("Ready after reason change = %+v", ready)
	}
	if meta.FindStatusCondition(conds, "Reconciling") != nil || !meta.IsStatusConditionTrue(conds, "Stalled") {
		t.Fatalf("broken must set Stalled only: %+v", conds)
	}

	// Ready flips the transition time and clears both kstatus conditions.
	SetConditions(&conds, 4, Result{Ready: true, Reason: "PrerequisitesMet", Message: "ok"})
	ready = meta.FindStatusCondition(conds, "Ready")
	if ready.Status != metav1.ConditionTrue || ready.LastTransitionTime.Equal(&before[0].LastTransitionTime) {
		t.Fatalf("Ready after flip = %+v", ready)
	}
	if len(conds) != 1 {
		t.Fatalf("want only Ready when ready, got %+v", conds)
	}
}

func TestTransitionEvent(t *testing.T) {
	blocked := &metav1.Condition{Type: "Ready", Status: metav1.ConditionFalse, Reason: "CapabilityNotReady"}
	ready := &metav1.Condition{Type: "Ready", Status: metav1.ConditionTrue, Reason: "PrerequisitesMet"}
	cases := []struct {
		name     string
		kind     string
		previous *metav1.Condition
		res      Result
		want     Event
		wantOK   bool
	}{
		{"same status and reason: silence", "Initiative", blocked, Result{Reason: "CapabilityNotReady", Message: "other text"}, Event{}, false},
		{"first evaluation, blocked", "Initiative", nil, Result{Reason: "CapabilityNotReady", Message: "m"},
			Event{corev1.EventTypeWarning, "Blocked", "m"}, true},
		{"unblocked", "Initiative", blocked, Result{Ready: true, Reason: "PrerequisitesMet", Message: "m"},
			Event{corev1.EventTypeNormal, "Unblocked", "m"}, true},
		{"re-blocked", "Initiative", ready, Result{Reason: "CapabilityNotFound", Message: "m"},
			Event{corev1.EventTypeWarning, "Blocked", "m"}, true},
		{"cycle", "Initiative", blocked, Result{Reason: "DependencyCycle", Message: "m"},
			Event{corev1.EventTypeWarning, "DependencyCycle", "m"}, true},
		{"done", "Initiative", ready, Result{Ready: true, Reason: "Done", Message: "m"}, Event{corev1.EventTypeNormal, "Done", "m"}, true},
		{"cancelled", "Initiative", blocked, Result{Reason: "Cancelled", Message: "m"}, Event{corev1.EventTypeNormal, "Cancelled", "m"}, true},
		{"capability ready", "Capability", nil, Result{Ready: true, Reason: "Ready", Message: "m"}, Event{corev1.EventTypeNormal, "Ready", "m"}, true},
		{"capability not ready", "Capability", &metav1.Condition{Status: metav1.ConditionTrue, Reason: "Ready"},
			Result{Reason: "NotAvailable", Message: "m"}, Event{corev1.EventTypeWarning, "NotReady", "m"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := TransitionEvent(tc.kind, tc.previous, tc.res)
			if ok != tc.wantOK || got != tc.want {
				t.Fatalf("TransitionEvent = %+v, %v; want %+v, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}
