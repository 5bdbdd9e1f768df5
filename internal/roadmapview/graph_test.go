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

func TestFocus(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	v := roadmapview.Focus(s, "team-personalisation")
	var got []string
	for _, g := range v.Goals {
		got = append(got, "goal/"+g.Name)
	}
	for _, c := range v.Capabilities {
		got = append(got, "capability/"+c.Name)
	}
	for _, i := range v.Initiatives {
		got = append(got, "initiative/"+i.Namespace+"/"+i.Name)
	}
	want := []string{
		"goal/personalisation", "goal/recommendations",
		"capability/event-bus", "capability/feature-flags", "capability/kubernetes-platform", "capability/networking",
		"capability/observability",
		"initiative/ops/kafka-cluster", "initiative/ops/network-refresh", "initiative/team-personalisation/ab-testing",
		"initiative/team-personalisation/legacy-sunset", "initiative/team-personalisation/recs",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("focus (-want +got):\n%s", d)
	}
}

// TestGraphEdges: the edges between the objects of a view, provides and serves dashed (they are not
// prerequisites), and a required capability that does not exist reported missing, so the graph shows it broken.
func TestGraphEdges(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	edges, missing := roadmapview.GraphEdges(roadmapview.Focus(s, "team-personalisation"))
	if d := cmp.Diff([]string{"gone"}, missing); d != "" {
		t.Errorf("missing (-want +got):\n%s", d)
	}
	has := map[roadmapview.GraphEdge]bool{}
	for _, e := range edges {
		has[e] = true
	}
	for _, want := range []roadmapview.GraphEdge{
		{From: "goal/recommendations", To: "goal/personalisation", Label: "part of"},
		{From: "capability/event-bus", To: "capability/kubernetes-platform", Label: "requires"},
		{From: "initiative/team-personalisation/ab-testing", To: "capability/gone", Label: "requires"},
		{From: "initiative/team-personalisation/recs", To: "initiative/ops/kafka-cluster", Label: "depends on"},
		{From: "initiative/ops/kafka-cluster", To: "capability/event-bus", Label: "provides", Dashed: true},
		{From: "initiative/team-personalisation/recs", To: "goal/recommendations", Label: "serves", Dashed: true},
	} {
		if !has[want] {
			t.Errorf("no edge %+v in %+v", want, edges)
		}
	}
	// Objects outside the view have no edges: search-v2 depends on search-index, neither of them in view.
	for _, e := range edges {
		if e.From == "initiative/team-search/search-v2" || e.To == "initiative/team-search/search-v2" {
			t.Errorf("edge of an object outside the view: %+v", e)
		}
	}
}
