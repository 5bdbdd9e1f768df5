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

package roadmapview_test

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

func startedEarly(message string, at metav1.Time) roadmapviewtest.InitiativeOption {
	return func(i *roadmapv1.Initiative) {
		i.Status.Conditions = append(i.Status.Conditions,
			roadmapviewtest.Condition(roadmapv1.ConditionStartedEarly, metav1.ConditionTrue, roadmapv1.StartedEarlyReasonPrerequisitesNotReady, message, at))
	}
}

// TestStandupStartedEarly: work declared Active before its platform is ready is told at every standup, however
// long ago it started, until it clears.
func TestStandupStartedEarly(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	msg := "declared Active while a required capability is not Ready: capability event-bus: Planned"
	s.Initiatives = append(s.Initiatives, roadmapviewtest.Initiative("team-personalisation", "eager", "team-personalisation",
		roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady, roadmapviewtest.State(roadmapv1.StateActive), roadmapviewtest.Requires("event-bus"),
		roadmapviewtest.Priority("4.00"), roadmapviewtest.ChangedAt(roadmapviewtest.LongAgo), startedEarly(msg, roadmapviewtest.LongAgo),
		roadmapviewtest.BlockedBy("Capability", "", "event-bus", "CapabilityNotReady", "capability event-bus: Planned")))
	s.Index()
	res := roadmapview.Standup(s, roadmapviewtest.Clock, 24*time.Hour)
	var found []roadmapview.StandupItem
	for _, team := range res.Teams {
		if team.Owner == "team-personalisation" {
			found = team.StartedEarly
		}
		for _, it := range team.BecameBlocked {
			if it.Name == "eager" {
				t.Errorf("eager became Blocked three days ago, outside the window: %+v", it)
			}
		}
	}
	if len(found) != 1 || found[0].Name != "eager" || found[0].Message != msg {
		t.Fatalf("started early = %+v", found)
	}
}

// TestWhyRetiredListsEveryDependent: the InUse condition names the first few dependents; `why capability/NAME`
// lists every open one (Done and Cancelled work left out).
func TestWhyRetiredListsEveryDependent(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	old := roadmapviewtest.Capability("old-bus", "team-data", roadmapv1.LifecycleRetired, roadmapv1.CapabilityPhaseRetired,
		metav1.ConditionFalse, "NotAvailable", "capability is Retired")
	old.Status.Conditions = append(old.Status.Conditions, roadmapviewtest.Condition(roadmapv1.ConditionInUse, metav1.ConditionTrue,
		roadmapv1.InUseReasonRequiredByOpenWork, "Retired but still required by 5 open initiatives: a/one, a/two, b/four (+2 more)", roadmapviewtest.Recent))
	s.Capabilities = append(s.Capabilities, old)
	s.Initiatives = append(s.Initiatives,
		roadmapviewtest.Initiative("b", "four", "team-b", roadmapv1.PhaseBlocked, "CapabilityNotReady", roadmapviewtest.Requires("old-bus")),
		roadmapviewtest.Initiative("a", "two", "team-a", roadmapv1.PhaseBlocked, "CapabilityNotReady", roadmapviewtest.Requires("old-bus"), roadmapviewtest.State(roadmapv1.StateActive)),
		roadmapviewtest.Initiative("a", "one", "team-a", roadmapv1.PhaseBlocked, "CapabilityNotReady", roadmapviewtest.Requires("old-bus", "observability")),
		roadmapviewtest.Initiative("c", "five", "team-c", roadmapv1.PhaseBlocked, "CapabilityNotReady", roadmapviewtest.Requires("old-bus")),
		roadmapviewtest.Initiative("c", "six", "", roadmapv1.PhaseBlocked, "CapabilityNotReady", roadmapviewtest.Requires("old-bus")),
		roadmapviewtest.Initiative("d", "finished", "team-d", roadmapv1.PhaseDone, "Done", roadmapviewtest.Requires("old-bus"), roadmapviewtest.State(roadmapv1.StateDone)),
		roadmapviewtest.Initiative("d", "dropped", "team-d", roadmapv1.PhaseCancelled, "Cancelled", roadmapviewtest.Requires("old-bus"), roadmapviewtest.State(roadmapv1.StateCancelled)),
		roadmapviewtest.Initiative("d", "other", "team-d", roadmapv1.PhaseReady, "PrerequisitesMet", roadmapviewtest.Requires("observability")),
	)
	s.Index()
	res, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Capability", Name: "old-bus"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range res.RequiredBy {
		got = append(got, n.Namespace+"/"+n.Name)
	}
	if want := []string{"a/one", "a/two", "b/four", "c/five", "c/six"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("required by %v, want %v", got, want)
	}

	// An Available capability has no such list, however many require it.
	res, err = roadmapview.Why(s, roadmapview.Ref{Kind: "Capability", Name: "observability"})
	if err != nil {
		t.Fatal(err)
	}
	if res.RequiredBy != nil {
		t.Errorf("required by of an Available capability = %+v", res.RequiredBy)
	}
}
