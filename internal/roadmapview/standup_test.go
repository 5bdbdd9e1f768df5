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

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

func TestStandup(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	res := roadmapview.Standup(s, roadmapviewtest.Clock, 24*time.Hour)
	type entry struct{ owner, section, item string }
	var got []entry
	for _, team := range res.Teams {
		for _, it := range team.BecameReady {
			got = append(got, entry{team.Owner, "ready", it.Namespace + "/" + it.Name})
		}
		for _, it := range team.BecameBlocked {
			got = append(got, entry{team.Owner, "blocked", it.Namespace + "/" + it.Name})
		}
		for _, it := range team.PastTargetDate {
			got = append(got, entry{team.Owner, "late", it.Namespace + "/" + it.Name})
		}
	}
	// Sorted by owner; within a section by priority, unscored last. Changes older than the window (observability,
	// cluster-upgrade, search-index) and Planned capabilities (not Blocked) are left out.
	want := []entry{
		{"team-data", "blocked", "ops/kafka-cluster"},
		{"team-network", "ready", "ops/network-refresh"},
		{"team-personalisation", "blocked", "team-personalisation/recs"},
		{"team-personalisation", "blocked", "team-personalisation/ab-testing"},
		{"team-personalisation", "blocked", "team-personalisation/legacy-sunset"},
		{"team-personalisation", "late", "team-personalisation/legacy-sunset"},
		{"team-platform", "blocked", "/kubernetes-platform"},
		{"team-search", "blocked", "team-search/search-v2"},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(entry{})); d != "" {
		t.Errorf("standup (-want +got):\n%s", d)
	}
	if late := res.Teams[2].PastTargetDate[0]; late.DaysLate != 15 {
		t.Errorf("days late = %d, want 15", late.DaysLate)
	}

	// A wider window takes older changes in; an item without owner goes to "(no owner)", last.
	s.Initiatives = append(s.Initiatives, roadmapviewtest.Initiative("x", "orphan", "", "Ready", "PrerequisitesMet", roadmapviewtest.Priority("9.00")))
	s.Index()
	wide := roadmapview.Standup(s, roadmapviewtest.Clock, 7*24*time.Hour)
	last := wide.Teams[len(wide.Teams)-1]
	if last.Owner != "(no owner)" || len(last.BecameReady) != 1 {
		t.Errorf("last team = %+v", last)
	}
	var platform roadmapview.StandupTeam
	for _, team := range wide.Teams {
		if team.Owner == "team-platform" {
			platform = team
		}
	}
	if len(platform.BecameReady) != 0 || len(platform.BecameDone) != 1 || platform.BecameDone[0].Name != "cluster-upgrade" {
		t.Errorf("team-platform in a week = %+v", platform)
	}
}

// TestStandupFinishedWork: work that became Done or Cancelled within the window is told as such, from
// status.completedAt, and never as "became Ready" even when its Ready condition flipped (Blocked -> Done); work
// finished before the window, or Done without a recorded completedAt, is not told at all.
func TestStandupFinishedWork(t *testing.T) {
	s := &roadmapview.Snapshot{Initiatives: []roadmapv1.Initiative{
		// Blocked -> Done: Ready flipped to True two hours ago.
		roadmapviewtest.Initiative("shop", "checkout-v2", "team-shop", roadmapv1.PhaseDone, "Done", roadmapviewtest.State(roadmapv1.StateDone),
			roadmapviewtest.Priority("4.00"), roadmapviewtest.CompletedAt(roadmapviewtest.Recent)),
		// Ready -> Done: Ready=True since long ago, completed recently.
		roadmapviewtest.Initiative("shop", "search-v1", "team-shop", roadmapv1.PhaseDone, "Done", roadmapviewtest.State(roadmapv1.StateDone),
			roadmapviewtest.ChangedAt(roadmapviewtest.LongAgo), roadmapviewtest.CompletedAt(roadmapviewtest.Recent)),
		roadmapviewtest.Initiative("shop", "chatbot", "team-shop", roadmapv1.PhaseCancelled, "Cancelled",
			roadmapviewtest.State(roadmapv1.StateCancelled), roadmapviewtest.CompletedAt(roadmapviewtest.Recent)),
		roadmapviewtest.Initiative("shop", "old-work", "team-shop", roadmapv1.PhaseDone, "Done", roadmapviewtest.State(roadmapv1.StateDone),
			roadmapviewtest.ChangedAt(roadmapviewtest.LongAgo), roadmapviewtest.CompletedAt(roadmapviewtest.LongAgo)),
		roadmapviewtest.Initiative("shop", "unrecorded", "team-shop", roadmapv1.PhaseDone, "Done", roadmapviewtest.State(roadmapv1.StateDone)),
	}}
	s.Index()
	res := roadmapview.Standup(s, roadmapviewtest.Clock, 24*time.Hour)
	if len(res.Teams) != 1 {
		t.Fatalf("teams = %+v", res.Teams)
	}
	shop := res.Teams[0]
	var done, cancelled []string
	for _, it := range shop.BecameDone {
		done = append(done, it.Name)
	}
	for _, it := range shop.BecameCancelled {
		cancelled = append(cancelled, it.Name)
	}
	if d := cmp.Diff([]string{"checkout-v2", "search-v1"}, done); d != "" {
		t.Errorf("became Done (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"chatbot"}, cancelled); d != "" {
		t.Errorf("became Cancelled (-want +got):\n%s", d)
	}
	if len(shop.BecameReady) != 0 || len(shop.BecameBlocked) != 0 {
		t.Errorf("finished work told as Ready or Blocked: %+v", shop)
	}

	out, err := yaml.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"becameDone:", "becameCancelled:", "name: checkout-v2", "name: chatbot"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("-o yaml lacks %q:\n%s", want, out)
		}
	}
}
