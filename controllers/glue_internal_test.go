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

package controllers

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/conditions"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmap"
)

// The controllers' glue, tested in package as Cluster API does: what each predicate lets through and what it
// filters, the map functions, the transition events and the status setters. The reconcilers themselves are
// tested against a real apiserver (suite_test.go).

func ready(status metav1.ConditionStatus, reason string) []metav1.Condition {
	return []metav1.Condition{{Type: roadmapv1.ConditionReady, Status: status, Reason: reason}}
}

func testCapability(mutate func(*roadmapv1.Capability)) *roadmapv1.Capability {
	c := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "event-bus", ResourceVersion: "1"},
		Spec:   roadmapv1.CapabilitySpec{Title: "Event bus", Lifecycle: roadmapv1.LifecycleAvailable, Requires: []roadmapv1.ResourceName{"k8s"}},
		Status: roadmapv1.CapabilityStatus{Phase: roadmapv1.CapabilityPhaseReady, Conditions: ready(metav1.ConditionTrue, "Ready")}}
	if mutate != nil {
		mutate(c)
	}
	return c
}

func testInitiative(mutate func(*roadmapv1.Initiative)) *roadmapv1.Initiative {
	i := &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "recs", ResourceVersion: "1"},
		Spec: roadmapv1.InitiativeSpec{Title: "Recs", Track: roadmapv1.TrackInnovation, Goals: []roadmapv1.ResourceName{"growth"},
			Requires: []roadmapv1.ResourceName{"event-bus"}, Provides: []roadmapv1.ResourceName{"recs-api"},
			DependsOn: []roadmapv1.InitiativeReference{{Name: "search"}}, TargetDate: "2030-01-31", State: roadmapv1.StateActive},
		Status: roadmapv1.InitiativeStatus{Conditions: ready(metav1.ConditionFalse, roadmapv1.ReasonCapabilityNotReady)}}
	if mutate != nil {
		mutate(i)
	}
	return i
}

func testGoal(mutate func(*roadmapv1.Goal)) *roadmapv1.Goal {
	g := &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: "growth", ResourceVersion: "1"},
		Spec: roadmapv1.GoalSpec{Title: "Growth", Parent: "company"}}
	if mutate != nil {
		mutate(g)
	}
	return g
}

// predicateCase is one event offered to a predicate. An update offers old and obj; the others obj alone.
type predicateCase struct {
	name   string
	kind   string // create, update, delete, generic
	old    client.Object
	obj    client.Object
	passes bool
}

func offer(p predicate.Predicate, tc predicateCase) bool {
	switch tc.kind {
	case "create":
		return p.Create(event.CreateEvent{Object: tc.obj})
	case "delete":
		return p.Delete(event.DeleteEvent{Object: tc.obj})
	case "generic":
		return p.Generic(event.GenericEvent{Object: tc.obj})
	default:
		return p.Update(event.UpdateEvent{ObjectOld: tc.old, ObjectNew: tc.obj})
	}
}

func TestPredicates(t *testing.T) {
	capability, initiative, goal := testCapability(nil), testInitiative(nil), testGoal(nil)
	resynced := func(o client.Object) client.Object { // the same object, as a periodic resync or a status-only write
		c := o.DeepCopyObject().(client.Object)
		c.SetResourceVersion("2")
		return c
	}
	cases := map[string]struct {
		predicate predicate.Predicate
		cases     []predicateCase
	}{
		"capabilityViewChanged": {capabilityViewChanged, []predicateCase{
			{"creation", "create", nil, capability, true},
			{"deletion", "delete", nil, capability, true},
			{"generic", "generic", nil, capability, false},
			{"resync", "update", capability, resynced(capability), false},
			{"title", "update", capability, testCapability(func(c *roadmapv1.Capability) { c.Spec.Title = "Bus" }), false},
			{"dependents count", "update", capability, testCapability(func(c *roadmapv1.Capability) { c.Status.Dependents = 3 }), false},
			{"lifecycle", "update", capability, testCapability(func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleRetired }), true},
			{"Ready flips", "update", capability, testCapability(func(c *roadmapv1.Capability) {
				c.Status.Conditions = ready(metav1.ConditionFalse, "ChecksFailing")
			}), true},
			{"Ready reason", "update", testCapability(func(c *roadmapv1.Capability) {
				c.Status.Conditions = ready(metav1.ConditionFalse, "ChecksFailing")
			}), testCapability(func(c *roadmapv1.Capability) {
				c.Status.Conditions = ready(metav1.ConditionFalse, "PrerequisiteNotFound")
			}), true},
			{"another kind passes", "update", initiative, resynced(initiative), true},
		}},
		"requiresChanged": {requiresChanged, []predicateCase{
			{"creation", "create", nil, capability, true},
			{"deletion", "delete", nil, initiative, true},
			{"generic", "generic", nil, initiative, false},
			{"capability resync", "update", capability, resynced(capability), false},
			{"capability requires", "update", capability, testCapability(func(c *roadmapv1.Capability) { c.Spec.Requires = nil }), true},
			{"initiative resync", "update", initiative, resynced(initiative), false},
			{"initiative requires", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) {
				i.Spec.Requires = append(i.Spec.Requires, "k8s")
			}), true},
		}},
		"providerViewChanged": {providerViewChanged, []predicateCase{
			{"creation", "create", nil, initiative, true},
			{"deletion", "delete", nil, initiative, true},
			{"generic", "generic", nil, initiative, false},
			{"resync", "update", initiative, resynced(initiative), false},
			{"requires", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) { i.Spec.Requires = nil }), false},
			{"provides", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) { i.Spec.Provides = nil }), true},
			{"target date", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) { i.Spec.TargetDate = "2031-01-31" }), true},
			{"state", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateDone }), true},
		}},
		"dependencyViewChanged": {dependencyViewChanged, []predicateCase{
			{"creation", "create", nil, initiative, true},
			{"deletion", "delete", nil, initiative, true},
			{"generic", "generic", nil, initiative, false},
			{"resync", "update", initiative, resynced(initiative), false},
			{"target date", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) { i.Spec.TargetDate = "2031-01-31" }), false},
			{"state", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateDone }), true},
			{"dependsOn", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) { i.Spec.DependsOn = nil }), true},
			{"dependsOn spelled with its own namespace", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) {
				i.Spec.DependsOn[0].Namespace = "shop"
			}), false},
			{"Ready reason", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) {
				i.Status.Conditions = ready(metav1.ConditionFalse, roadmapv1.ReasonDependencyCycle)
			}), true},
		}},
		"createdOrDeleted": {createdOrDeleted, []predicateCase{
			{"creation", "create", nil, goal, true},
			{"deletion", "delete", nil, goal, true},
			{"generic", "generic", nil, goal, false},
			{"any update", "update", goal, testGoal(func(g *roadmapv1.Goal) { g.Spec.Parent = "" }), false},
		}},
		"contributionChanged": {contributionChanged, []predicateCase{
			{"creation", "create", nil, initiative, true},
			{"deletion", "delete", nil, initiative, true},
			{"generic", "generic", nil, initiative, false},
			{"resync", "update", initiative, resynced(initiative), false},
			{"requires", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) { i.Spec.Requires = nil }), false},
			{"goals", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) { i.Spec.Goals = nil }), true},
			{"declared state, before the phase follows", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) {
				i.Spec.State = roadmapv1.StateDone
			}), false},
			{"phase", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) { i.Status.Phase = roadmapv1.PhaseDone }), true},
			{"value", "update", initiative, testInitiative(func(i *roadmapv1.Initiative) { i.Spec.Value = new(int32(8)) }), true},
		}},
		"parentChanged": {parentChanged, []predicateCase{
			{"creation", "create", nil, goal, true},
			{"deletion", "delete", nil, goal, true},
			{"generic", "generic", nil, goal, false},
			{"title", "update", goal, testGoal(func(g *roadmapv1.Goal) { g.Spec.Title = "More growth" }), false},
			{"parent", "update", goal, testGoal(func(g *roadmapv1.Goal) { g.Spec.Parent = "" }), true},
		}},
	}
	for name, p := range cases {
		for _, tc := range p.cases {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				if got := offer(p.predicate, tc); got != tc.passes {
					t.Errorf("%s %s passes = %v, want %v", tc.kind, tc.name, got, tc.passes)
				}
			})
		}
	}
}

func TestMapFunctions(t *testing.T) {
	req := func(namespace, name string) reconcile.Request {
		return reconcile.Request{NamespacedName: client.ObjectKey{Namespace: namespace, Name: name}}
	}
	ctx := context.Background()
	cases := []struct {
		name string
		got  []reconcile.Request
		want []reconcile.Request
	}{
		{"capability to the capabilities it requires", requiredCapabilities(ctx, testCapability(nil)), []reconcile.Request{req("", "k8s")}},
		{"initiative to the capabilities it requires", requiredCapabilities(ctx, testInitiative(nil)), []reconcile.Request{req("", "event-bus")}},
		{"a goal requires nothing", requiredCapabilities(ctx, testGoal(nil)), nil},
		{"initiative to the capabilities it provides", providedCapabilities(ctx, testInitiative(nil)), []reconcile.Request{req("", "recs-api")}},
		{"a capability provides nothing", providedCapabilities(ctx, testCapability(nil)), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, tc.got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("requests (-want +got):\n%s", d)
			}
		})
	}
}

func TestTransitions(t *testing.T) {
	blocked := readiness.Result{Reason: roadmapv1.ReasonCapabilityNotReady, Message: "capability event-bus: Planned"}
	unblocked := readiness.Result{Ready: true, Reason: roadmapv1.InitiativeReasonReady, Message: "initiative can start"}
	settled := planning{
		aligned:  conditions.Outcome{True: true, Reason: roadmapv1.AlignedReasonAligned},
		schedule: conditions.Outcome{Reason: roadmapv1.ScheduleReasonNoConflict},
	}
	withConditions := func(conds ...metav1.Condition) *roadmapv1.Initiative {
		return testInitiative(func(i *roadmapv1.Initiative) { i.Status.Conditions = conds })
	}
	aligned := metav1.Condition{Type: roadmapv1.ConditionAligned, Status: metav1.ConditionTrue, Reason: roadmapv1.AlignedReasonAligned}
	noConflict := metav1.Condition{Type: roadmapv1.ConditionScheduleConflict, Status: metav1.ConditionFalse,
		Reason: roadmapv1.ScheduleReasonNoConflict}
	blockedCond := ready(metav1.ConditionFalse, roadmapv1.ReasonCapabilityNotReady)[0]
	cases := []struct {
		name string
		ini  *roadmapv1.Initiative
		res  readiness.Result
		p    planning
		want []string
	}{
		{"nothing changes", withConditions(blockedCond, aligned, noConflict), blocked, settled, nil},
		{"unblocks", withConditions(blockedCond, aligned, noConflict), unblocked, settled, []string{"Normal/Unblocked"}},
		{"first evaluation tells where it stands", withConditions(), blocked, settled, []string{"Warning/Blocked"}},
		{"loses its goal", withConditions(blockedCond, aligned, noConflict), blocked,
			planning{aligned: conditions.Outcome{Reason: roadmapv1.AlignedReasonGoalNotFound}, schedule: settled.schedule},
			[]string{"Warning/Unaligned"}},
		{"runs into a schedule conflict", withConditions(blockedCond, aligned, noConflict), blocked,
			planning{aligned: settled.aligned, schedule: conditions.Outcome{True: true, Reason: roadmapv1.ScheduleReasonProviderLate}},
			[]string{"Warning/ScheduleConflict"}},
	}
	for _, tc := range cases {
		t.Run("Initiative/"+tc.name, func(t *testing.T) {
			var got []string
			for _, ev := range initiativeTransitions(tc.ini, tc.res, tc.p) {
				got = append(got, ev.Type+"/"+ev.Reason)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
		})
	}

	notReady := readiness.Result{Reason: roadmapv1.CapabilityReasonChecksFailing, Message: "check failing"}
	for _, tc := range []struct {
		name string
		c    *roadmapv1.Capability
		res  readiness.Result
		want []string
	}{
		{"stays Ready", testCapability(nil), readiness.Result{Ready: true, Reason: "Ready"}, nil},
		{"becomes NotReady", testCapability(nil), notReady, []string{"Warning/NotReady"}},
		{"becomes part of a cycle", testCapability(nil), readiness.Result{Reason: roadmapv1.ReasonDependencyCycle},
			[]string{"Warning/DependencyCycle"}},
	} {
		t.Run("Capability/"+tc.name, func(t *testing.T) {
			var got []string
			for _, ev := range capabilityTransitions(tc.c, tc.res) {
				got = append(got, ev.Type+"/"+ev.Reason)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
		})
	}
}

func TestStatusSetters(t *testing.T) {
	t.Run("capability", func(t *testing.T) {
		c := testCapability(func(c *roadmapv1.Capability) { c.Generation = 4 })
		phase, res := readiness.EvaluateCapability(readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Requires: []string{"gone"}})
		setCapabilityStatus(c, phase, res, 2, []roadmap.Provider{
			{Namespace: "ops", Name: "kafka", TargetDate: "2030-06-30", State: roadmapv1.StateActive},
			{Namespace: "ops", Name: "old", TargetDate: "2031-01-31", State: roadmapv1.StateCancelled}})
		want := roadmapv1.CapabilityStatus{ObservedGeneration: 4, Phase: roadmapv1.CapabilityPhaseBlocked,
			Summary: "capability gone: not found", Dependents: 2, ETA: "2030-06-30",
			BlockedBy: []roadmapv1.BlockedByEntry{{Kind: "Capability", Name: "gone", Reason: roadmapv1.ReasonCapabilityNotFound,
				Message: "capability gone: not found", Stalled: true}},
			Providers: []roadmapv1.ProviderStatus{
				{Namespace: "ops", Name: "kafka", TargetDate: "2030-06-30", State: roadmapv1.StateActive},
				{Namespace: "ops", Name: "old", TargetDate: "2031-01-31", State: roadmapv1.StateCancelled}}}
		if d := cmp.Diff(want, c.Status, cmpopts.IgnoreFields(roadmapv1.CapabilityStatus{}, "Conditions")); d != "" {
			t.Errorf("status (-want +got):\n%s", d)
		}
		for _, typ := range []string{roadmapv1.ConditionReady, roadmapv1.ConditionStalled} {
			if cond := apimeta.FindStatusCondition(c.Status.Conditions, typ); cond == nil || cond.ObservedGeneration != 4 ||
				cond.Reason != roadmapv1.CapabilityReasonPrerequisiteNotFound {
				t.Errorf("%s condition = %+v", typ, cond)
			}
		}
		if apimeta.FindStatusCondition(c.Status.Conditions, roadmapv1.ConditionReconciling) != nil {
			t.Error("a Stalled capability is not Reconciling")
		}
	})
	t.Run("initiative", func(t *testing.T) {
		ini := testInitiative(func(i *roadmapv1.Initiative) {
			i.Generation = 7
			i.Status.BlockedBy = []roadmapv1.BlockedByEntry{{Kind: "Capability", Name: "stale"}}
		})
		phase, res := readiness.EvaluateInitiative(readiness.InitiativeFacts{State: roadmapv1.StateActive})
		setInitiativeStatus(ini, phase, res, planning{score: "3.20",
			aligned:     conditions.Outcome{True: true, Reason: roadmapv1.AlignedReasonAligned, Message: "serves growth"},
			prioritized: conditions.Outcome{True: true, Reason: roadmapv1.PriorityReasonScored},
			schedule:    conditions.Outcome{Reason: roadmapv1.ScheduleReasonNoConflict}})
		if ini.Status.Phase != roadmapv1.PhaseReady || ini.Status.ObservedGeneration != 7 || ini.Status.BlockedBy != nil ||
			ini.Status.Summary != "" || ini.Status.PriorityScore != "3.20" {
			t.Errorf("status = %+v", ini.Status)
		}
		for typ, want := range map[string]metav1.ConditionStatus{roadmapv1.ConditionReady: metav1.ConditionTrue,
			roadmapv1.ConditionAligned: metav1.ConditionTrue, roadmapv1.ConditionPrioritized: metav1.ConditionTrue,
			roadmapv1.ConditionScheduleConflict: metav1.ConditionFalse} {
			if cond := apimeta.FindStatusCondition(ini.Status.Conditions, typ); cond == nil || cond.Status != want ||
				cond.ObservedGeneration != 7 {
				t.Errorf("%s condition = %+v, want %s", typ, cond, want)
			}
		}
	})
}

func TestChecksPassing(t *testing.T) {
	for _, tc := range []struct {
		checks []roadmapv1.CheckStatus
		want   string
	}{
		{nil, ""},
		{[]roadmapv1.CheckStatus{{Passing: true}}, "1/1"},
		{[]roadmapv1.CheckStatus{{Cluster: "a", Passing: true}, {Cluster: "b"}, {Cluster: "c", Passing: true}}, "2/3"},
	} {
		if got := checksPassing(tc.checks); got != tc.want {
			t.Errorf("checksPassing(%v) = %q, want %q", tc.checks, got, tc.want)
		}
	}
}
