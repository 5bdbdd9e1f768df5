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

func TestPlan(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	s.Initiatives = append(s.Initiatives,
		roadmapviewtest.Initiative("ops", "someday", "team-data", "Ready", "PrerequisitesMet"),
		roadmapviewtest.Initiative("ops", "dropped", "team-data", "Cancelled", "Cancelled", roadmapviewtest.State("Cancelled"), roadmapviewtest.Target("2036-01-01")))
	s.Index()
	p := roadmapview.Plan(s, roadmapview.Focus(s, ""), "", roadmapviewtest.Clock)
	if d := cmp.Diff([]string{"ops/network-refresh", "ops/kafka-cluster", "team-personalisation/recs",
		"team-personalisation/legacy-sunset"}, p.CriticalPath); d != "" {
		t.Errorf("critical path (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"ops/someday"}, p.Unscheduled); d != "" {
		t.Errorf("unscheduled (-want +got):\n%s", d)
	}
	byKey := map[string]roadmapview.PlanTask{}
	for _, task := range p.Tasks {
		byKey[task.Key()] = task
	}
	if _, ok := byKey["ops/dropped"]; ok {
		t.Error("a cancelled initiative is on the plan")
	}
	// kafka-cluster waits for the provider of networking, which kubernetes-platform (which it requires) requires.
	if k := byKey["ops/kafka-cluster"]; k.Start != "2035-02-28" || !cmp.Equal(k.After, []string{"ops/network-refresh"}) {
		t.Errorf("kafka-cluster = %+v", k)
	}
	// The conflict is the operator's ScheduleConflict condition; legacy-sunset, which dependsOn recs (due after
	// its own target date), starts late but is in no conflict the operator reports.
	if r := byKey["team-personalisation/recs"]; r.Conflict != "capability event-bus arrives 2035-06-30 (ops/kafka-cluster), after this initiative's target 2035-05-31" {
		t.Errorf("recs conflict = %q", r.Conflict)
	}
	if l := byKey["team-personalisation/legacy-sunset"]; l.Conflict != "" || l.Start != "2035-05-31" {
		t.Errorf("legacy-sunset = %+v", l)
	}
	if !byKey["team-search/search-v2"].OnCycle || !byKey["team-search/search-index"].OnCycle {
		t.Error("the search cycle is not marked")
	}
	if a := byKey["team-personalisation/ab-testing"]; a.Start != "2035-01-15" || a.Critical {
		t.Errorf("ab-testing = %+v", a)
	}
	if c := byKey["ops/cluster-upgrade"]; c.Critical || c.Phase != "Done" {
		t.Errorf("cluster-upgrade = %+v", c)
	}
}
