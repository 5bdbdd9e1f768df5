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
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

// TestTree: each object is expanded once (later appearances say "see above"), and a cycle ends where it closes.
func TestTree(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	// A dependsOn cycle ends where it closes instead of recursing forever.
	cycle, err := roadmapview.Tree(s, roadmapview.Ref{Kind: "Initiative", Namespace: "team-search", Name: "search-v2"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cycle.Children[0].Children[0]; got.Label != "depends on Initiative/team-search/search-v2" || got.Note != "cycle" ||
		got.Children != nil {
		t.Errorf("cycle closing node = %+v", got)
	}

	// A goal shows its sub-goals, then the initiatives serving it directly; each object is expanded once.
	goal, err := roadmapview.Tree(s, roadmapview.Ref{Kind: "Goal", Name: "personalisation"})
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, c := range goal.Children {
		labels = append(labels, c.Label+" "+c.Note)
	}
	want := []string{"Goal/recommendations ", "Initiative/ops/cluster-upgrade ", "Initiative/ops/kafka-cluster see above",
		"Initiative/ops/network-refresh see above", "Initiative/team-personalisation/legacy-sunset "}
	if d := cmp.Diff(want, labels); d != "" {
		t.Errorf("goal children (-want +got):\n%s", d)
	}

	if _, err := roadmapview.Tree(s, roadmapview.Ref{Kind: "Goal", Name: "nope"}); err == nil || err.Error() != "goal nope not found" {
		t.Errorf("missing goal: err = %v", err)
	}
}
