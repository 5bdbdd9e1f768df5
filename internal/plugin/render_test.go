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
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func render(t *testing.T, f func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := f(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func expectText(t *testing.T, got, want string) {
	t.Helper()
	want = strings.TrimPrefix(want, "\n")
	if d := cmp.Diff(strings.Split(want, "\n"), strings.Split(got, "\n")); d != "" {
		t.Errorf("output (-want +got):\n%s\ngot:\n%s", d, got)
	}
}

func TestRenderTree(t *testing.T) {
	root := &roadmapview.TreeNode{Label: "Goal/g", Status: "AtRisk", Health: roadmapview.HealthBlocked, Owner: "cpo", Due: "2035-12-31",
		Message: "at risk", Children: []*roadmapview.TreeNode{
			{Label: "Initiative/ns/a", Status: "Blocked", Health: roadmapview.HealthBlocked, Owner: "team-a", Children: []*roadmapview.TreeNode{
				{Label: "Capability/c", Status: "Planned", Health: roadmapview.HealthWaiting, Due: "2035-06-30"},
				{Label: "Capability/d", Status: "Ready", Health: roadmapview.HealthOK},
			}},
			{Label: "Initiative/ns/b", Status: "Done", Health: roadmapview.HealthOK, Owner: "team-b", Children: []*roadmapview.TreeNode{
				{Label: "depends on Initiative/ns/a", Status: "Blocked", Health: roadmapview.HealthBlocked, Note: "see above"},
			}},
			{Label: "Initiative/ns/x", Status: "Cancelled", Health: roadmapview.HealthInactive},
		}}
	plain := render(t, func(b *bytes.Buffer) error { return RenderTree(b, root, Style{}) })
	expectText(t, plain, `
NAME                            STATUS       OWNER   DUE         MESSAGE
Goal/g                          ✖ AtRisk     cpo     2035-12-31  at risk
├─Initiative/ns/a               ✖ Blocked    team-a
│ ├─Capability/c                ◷ Planned            2035-06-30
│ └─Capability/d                ✔ Ready
├─Initiative/ns/b               ✔ Done       team-b
│ └─depends on Initiative/ns/a  ✖ Blocked                        (see above)
└─Initiative/ns/x               – Cancelled
`)

	colored := render(t, func(b *bytes.Buffer) error { return RenderTree(b, root, Style{Color: true}) })
	if colored == plain {
		t.Fatal("colours on changed nothing")
	}
	if got := ansi.ReplaceAllString(colored, ""); got != plain {
		t.Errorf("colours must not change the layout: without escapes\n%s\nwant\n%s", got, plain)
	}
	for _, want := range []string{
		"\x1b[31m✖ AtRisk\x1b[0m   ", "\x1b[33m◷ Planned\x1b[0m  ", "\x1b[32m✔ Ready\x1b[0m", "\x1b[2m– Cancelled\x1b[0m",
	} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured output lacks %q:\n%s", want, colored)
		}
	}
}

func TestRenderTreeFromSnapshot(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	capTree, err := roadmapview.Tree(s, roadmapview.Ref{Kind: "Capability", Name: "event-bus"})
	if err != nil {
		t.Fatal(err)
	}
	expectText(t, render(t, func(b *bytes.Buffer) error { return RenderTree(b, capTree, Style{}) }), `
NAME                                              STATUS                            OWNER          DUE         MESSAGE
Capability/event-bus                              ◷ Planned                         team-data      2035-06-30  capability is Planned, not yet Available
├─Capability/kubernetes-platform                  ✖ Blocked (PrerequisiteNotReady)  team-platform              capability networking: Planned; check Deployment platform/ingress: InProgress
│ ├─Capability/networking                         ◷ Planned                         team-network   2035-02-28  capability is Planned, not yet Available
│ │ └─provided by Initiative/ops/network-refresh  ✔ Ready                           team-network   2035-02-28
│ ├─check Deployment/platform/ingress             ◷ InProgress                                                 Deployment is available. Replicas: 1 of 3
│ └─check Deployment/platform/dns                 ✔ Current
└─provided by Initiative/ops/kafka-cluster        ✖ Blocked                         team-data      2035-06-30  capability kubernetes-platform: PrerequisiteNotReady
  └─Capability/kubernetes-platform                ✖ Blocked (PrerequisiteNotReady)  team-platform              (see above) capability networking: Planned; check Deployment platform/ingress: InProgress
`)
}

func TestRenderWhy(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	res, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "team-personalisation", Name: "recs"})
	if err != nil {
		t.Fatal(err)
	}
	expectText(t, render(t, func(b *bytes.Buffer) error { return RenderWhy(b, res, Style{}) }), `
✖ initiative team-personalisation/recs: Blocked (state Proposed) · owner team-personalisation · due 2035-05-31 · priority 3.20
├─◷ capability event-bus: Planned · owner team-data · eta 2035-06-30 → team-data: declare it Available once ops/kafka-cluster delivers
│ ├─✖ provided by initiative ops/kafka-cluster: Blocked (state Active) · owner team-data · due 2035-06-30
│ │ └─✖ capability kubernetes-platform: Blocked (PrerequisiteNotReady) · owner team-platform
│ │   ├─◷ capability networking: Planned · owner team-network · eta 2035-02-28 → team-network: declare it Available once ops/network-refresh delivers
│ │   │ └─✔ provided by initiative ops/network-refresh: Ready (state Active) · owner team-network · due 2035-02-28 → team-network: deliver it (due 2035-02-28)
│ │   └─◷ check Deployment platform/ingress: InProgress · Deployment is available. Replicas: 1 of 3 → team-platform: make it healthy
│ └─✖ capability kubernetes-platform: Blocked (PrerequisiteNotReady) · owner team-platform (explained above)
└─✖ depends on initiative ops/kafka-cluster: Blocked (state Active) · owner team-data · due 2035-06-30 (explained above)

Who must act:
  team-data      capability event-bus: declare it Available once ops/kafka-cluster delivers
  team-network   capability networking: declare it Available once ops/network-refresh delivers
                 initiative ops/network-refresh: deliver it (due 2035-02-28)
  team-platform  check Deployment platform/ingress: make it healthy
`)

	// A cycle is printed and the chain stops there.
	res, err = roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "team-search", Name: "search-v2"})
	if err != nil {
		t.Fatal(err)
	}
	expectText(t, render(t, func(b *bytes.Buffer) error { return RenderWhy(b, res, Style{}) }), `
⚠ initiative team-search/search-v2: DependencyCycle · owner team-search · due 2035-05-31
└─⚠ depends on initiative team-search/search-index: DependencyCycle · owner team-search · due 2035-04-30 → team-search: break the cycle in spec.dependsOn (team-search/search-v2 -> team-search/search-index -> team-search/search-v2)

Who must act:
  team-search  initiative team-search/search-v2: break the cycle in spec.dependsOn (team-search/search-v2 -> team-search/search-index -> team-search/search-v2)
`)

	// Nothing blocks a Ready initiative.
	res, err = roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "ops", Name: "network-refresh"})
	if err != nil {
		t.Fatal(err)
	}
	res.Target.Message = "initiative can start and has no prerequisites"
	expectText(t, render(t, func(b *bytes.Buffer) error { return RenderWhy(b, res, Style{}) }), `
✔ initiative ops/network-refresh: Ready (state Active) · owner team-network · due 2035-02-28 · priority 3.00
  initiative can start and has no prerequisites
`)
}

// TestRenderStandup: the standup is told by team, each item with its mark, phase, priority and when it changed
// or how late it is; an empty one says so, and hints at -A when one namespace was looked at.
func TestRenderStandup(t *testing.T) {
	res := roadmapview.Standup(roadmapviewtest.Roadmap(), roadmapviewtest.Clock, 24*time.Hour)
	text := render(t, func(b *bytes.Buffer) error { return RenderStandup(b, res, Style{}) })
	for _, want := range []string{
		"Standup for all namespaces: changes in the last 24h (since 2035-01-14 09:00 UTC), work past its target date on 2035-01-15\n",
		"\nteam-network\n  became Ready:\n    ✔ initiative ops/network-refresh ",
		"priority 3.00  2h ago",
		"  past target date:\n    ✖ initiative team-personalisation/legacy-sunset  Blocked  priority -     due 2034-12-31, 15 days late  initiative recs: Proposed\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("standup text lacks %q:\n%s", want, text)
		}
	}
	empty := roadmapview.Standup((&roadmapview.Snapshot{}).Index(), roadmapviewtest.Clock, time.Hour)
	if text := render(t, func(b *bytes.Buffer) error { return RenderStandup(b, empty, Style{}) }); !strings.Contains(text,
		"Nothing became Ready, Blocked, Done or Cancelled, and nothing is past its target date.") ||
		strings.Contains(text, "-A") {
		t.Errorf("empty standup:\n%s", text)
	}
	emptyTeam := roadmapview.Standup((&roadmapview.Snapshot{Namespace: "team-checkout"}).Index(), roadmapviewtest.Clock, time.Hour)
	if text := render(t, func(b *bytes.Buffer) error { return RenderStandup(b, emptyTeam, Style{}) }); !strings.Contains(text,
		"Only namespace team-checkout was looked at: kubectl roadmap standup -A covers every team.") {
		t.Errorf("empty standup of one namespace does not hint -A:\n%s", text)
	}
}

// TestRenderPlan: the plan as a table with the critical path, and as a Mermaid Gantt chart (critical, done and
// active tasks tagged, a conflict as a milestone, the unscheduled work in a comment).
func TestRenderPlan(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	s.Initiatives = append(s.Initiatives,
		roadmapviewtest.Initiative("ops", "someday", "team-data", "Ready", "PrerequisitesMet"))
	s.Index()
	p := roadmapview.Plan(s, roadmapview.Focus(s, ""), "", roadmapviewtest.Clock)
	mermaid := render(t, func(b *bytes.Buffer) error { return RenderPlan(b, p, "mermaid", Style{}) })
	for _, want := range []string{
		"gantt\n  title Roadmap plan as of 2035-01-15 (critical path: crit)\n  dateFormat YYYY-MM-DD\n",
		"  section team-data\n    ops/kafka-cluster :crit, active, ops__kafka_cluster, after ops__network_refresh, 2035-06-30\n",
		"    team-personalisation/recs ⚠ conflict :crit, milestone, team_personalisation__recs, 2035-05-31, 0d\n",
		"    ops/cluster-upgrade :done, milestone, ops__cluster_upgrade, 2034-11-30, 0d\n",
		"  %% unscheduled (no targetDate): ops/someday\n",
	} {
		if !strings.Contains(mermaid, want) {
			t.Errorf("mermaid lacks %q:\n%s", want, mermaid)
		}
	}
	text := render(t, func(b *bytes.Buffer) error { return RenderPlan(b, p, "text", Style{}) })
	if !strings.Contains(text, "Critical path: ops/network-refresh (2035-02-28) → ops/kafka-cluster (2035-06-30) → "+
		"team-personalisation/recs (2035-05-31) → team-personalisation/legacy-sunset (2034-12-31)\n") {
		t.Errorf("plan text:\n%s", text)
	}
}

func TestRenderGraph(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	dot := render(t, func(b *bytes.Buffer) error { return RenderGraph(b, roadmapview.Focus(s, "team-search"), "dot") })
	expectText(t, dot, `
digraph roadmap {
  rankdir=LR;
  node [style="rounded,filled", fontname="Helvetica", fontsize=11];
  edge [fontname="Helvetica", fontsize=9];
  "initiative/team-search/search-index" [label="initiative team-search/search-index\nBlocked", shape=box, fillcolor="#f5c6cb", color="#a71d2a"];
  "initiative/team-search/search-v2" [label="initiative team-search/search-v2\nBlocked", shape=box, fillcolor="#f5c6cb", color="#a71d2a"];
  "initiative/team-search/search-index" -> "initiative/team-search/search-v2" [label="depends on"];
  "initiative/team-search/search-v2" -> "initiative/team-search/search-index" [label="depends on"];
}
`)
	if err := RenderGraph(&bytes.Buffer{}, roadmapview.Focus(s, ""), "png"); err == nil {
		t.Error("an unknown format is accepted")
	}
	if d := cmp.Diff(map[string]string{"a-b": "a_b", "a.b": "a_b_2", "ns/x": "ns__x"},
		mermaidIDs([]string{"a-b", "a.b", "ns/x"})); d != "" {
		t.Errorf("mermaid ids (-want +got):\n%s", d)
	}
}

// TestFleetChecksNameTheirCluster: a check whose object lives in other clusters shows one line per cluster, in
// why and in tree, naming the cluster.
func TestFleetChecksNameTheirCluster(t *testing.T) {
	obs := roadmapviewtest.Capability("observability", "team-sre", roadmapv1.LifecycleAvailable, roadmapv1.CapabilityPhaseBlocked,
		metav1.ConditionFalse, "ChecksFailing", "check Deployment monitoring/prometheus not Current in 1 of 2 clusters: prod-us (ClusterUnreachable)")
	obs.Status.Checks = []roadmapv1.CheckStatus{
		{Cluster: "prod-eu", APIVersion: "apps/v1", Kind: "Deployment", Namespace: "monitoring", Name: "prometheus",
			Passing: true, Reason: "Current"},
		{Cluster: "prod-us", APIVersion: "apps/v1", Kind: "Deployment", Namespace: "monitoring", Name: "prometheus",
			Reason: "ClusterUnreachable", Message: "cluster prod-us unreachable since 2035-01-01T10:00:00Z"},
	}
	s := (&roadmapview.Snapshot{Capabilities: []roadmapv1.Capability{obs}}).Index()
	res, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Capability", Name: "observability"})
	if err != nil {
		t.Fatal(err)
	}
	why := render(t, func(b *bytes.Buffer) error { return RenderWhy(b, res, Style{}) })
	if !strings.Contains(why, "check Deployment monitoring/prometheus in cluster prod-us: ClusterUnreachable") ||
		strings.Contains(why, "in cluster prod-eu") {
		t.Errorf("why should name the failing cluster only:\n%s", why)
	}
	root, err := roadmapview.Tree(s, roadmapview.Ref{Kind: "Capability", Name: "observability"})
	if err != nil {
		t.Fatal(err)
	}
	tree := render(t, func(b *bytes.Buffer) error { return RenderTree(b, root, Style{}) })
	for _, want := range []string{"check Deployment/monitoring/prometheus in cluster prod-eu",
		"check Deployment/monitoring/prometheus in cluster prod-us"} {
		if !strings.Contains(tree, want) {
			t.Errorf("tree lacks %q:\n%s", want, tree)
		}
	}
	// A cluster out of reach is waited for (its last results stand for a grace period), not a broken check.
	for _, n := range root.Children {
		if strings.HasSuffix(n.Label, "in cluster prod-us") && n.Health != roadmapview.HealthWaiting {
			t.Errorf("tree: %s reads %s, want waiting", n.Label, n.Health.Glyph())
		}
	}
}
