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

package roadmap

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/ptr"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/conditions"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in roadmapv1.Date
		ok bool
	}{{"2027-03-31", true}, {"2028-02-29", true}, {"", false}, {"2027-02-30", false}, {"31/03/2027", false}} {
		if _, ok := ParseDate(tc.in); ok != tc.ok {
			t.Errorf("ParseDate(%q) ok = %v, want %v", tc.in, ok, tc.ok)
		}
	}
}

func TestAlignment(t *testing.T) {
	existing := map[string]bool{"grow": true, "save": true}
	exists := func(g string) bool { return existing[g] }
	cases := []struct {
		name          string
		goals         []string
		want          conditions.Outcome
		wantTraceable bool
	}{
		{"no goal: shadow IT", nil, conditions.Outcome{Reason: "NoGoal", Message: "not traceable to any goal: spec.goals is empty"}, false},
		{"all exist", []string{"grow", "save"}, conditions.Outcome{True: true, Reason: "Aligned", Message: "serves grow, save"}, true},
		{"one missing, one found: still traceable", []string{"grow", "typo"},
			conditions.Outcome{Reason: "GoalNotFound", Message: "goal typo: not found"}, true},
		{"all missing", []string{"typo", "gone"},
			conditions.Outcome{Reason: "GoalNotFound", Message: "goal typo, gone: not found; not traceable to any goal"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, traceable := Alignment(tc.goals, exists)
			if d := cmp.Diff(tc.want, got); d != "" || traceable != tc.wantTraceable {
				t.Errorf("Alignment: traceable=%v (want %v), diff (-want +got):\n%s", traceable, tc.wantTraceable, d)
			}
		})
	}
}

func TestPriority(t *testing.T) {
	full := roadmapv1.InitiativeSpec{Value: ptr.To[int32](8), Urgency: ptr.To[int32](5), RiskReduction: ptr.To[int32](3), Effort: ptr.To[int32](5)}
	cases := []struct {
		name      string
		spec      roadmapv1.InitiativeSpec
		traceable bool
		wantScore string
		want      conditions.Outcome
	}{
		// The worked example of docs: (8 + 5 + 3) / 5 = 3.2.
		{"worked example", full, true, "3.20", conditions.Outcome{True: true, Reason: "Scored", Message: "WSJF = (8 + 5 + 3) / 5 = 3.20"}},
		{"rounds to two decimals", roadmapv1.InitiativeSpec{Value: ptr.To[int32](10), Urgency: ptr.To[int32](10),
			RiskReduction: ptr.To[int32](10), Effort: ptr.To[int32](7)}, true, "4.29",
			conditions.Outcome{True: true, Reason: "Scored", Message: "WSJF = (10 + 10 + 10) / 7 = 4.29"}},
		{"bounds: smallest job, highest value", roadmapv1.InitiativeSpec{Value: ptr.To[int32](10), Urgency: ptr.To[int32](10),
			RiskReduction: ptr.To[int32](10), Effort: ptr.To[int32](1)}, true, "30.00",
			conditions.Outcome{True: true, Reason: "Scored", Message: "WSJF = (10 + 10 + 10) / 1 = 30.00"}},
		{"missing estimates are reported, not guessed", roadmapv1.InitiativeSpec{Value: ptr.To[int32](8)}, true, "",
			conditions.Outcome{Reason: "MissingEstimates", Message: "no WSJF score: urgency, riskReduction, effort not estimated (each 1-10)"}},
		{"unaligned scores 0 and says what it would score", full, false, "0.00",
			conditions.Outcome{Reason: "Unaligned", Message: "scored 0: not traceable to any goal; aligned, it would score WSJF = (8 + 5 + 3) / 5 = 3.20"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			score, got := Priority(tc.spec, tc.traceable)
			if d := cmp.Diff(tc.wantScore, score); d != "" {
				t.Errorf("score (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("outcome (-want +got):\n%s", d)
			}
		})
	}
}

func TestETA(t *testing.T) {
	providers := []Provider{
		{Namespace: "ops", Name: "a", TargetDate: "2027-06-30", State: roadmapv1.StateActive},
		{Namespace: "ops", Name: "b", TargetDate: "2027-09-30", State: roadmapv1.StateProposed},
		{Namespace: "ops", Name: "c", TargetDate: "2028-01-01", State: roadmapv1.StateCancelled},
		{Namespace: "ops", Name: "d", TargetDate: "2029-01-01", State: roadmapv1.StateDone},
		{Namespace: "ops", Name: "e", State: roadmapv1.StateActive},
	}
	if eta, by := ETA(providers); eta != "2027-09-30" || by != "ops/b" {
		t.Fatalf("ETA = %s by %s, want 2027-09-30 by ops/b (cancelled and done providers do not count)", eta, by)
	}
	if eta, by := ETA(nil); eta != "" || by != "" {
		t.Fatalf("ETA of no providers = %q %q", eta, by)
	}
}

func TestScheduleConflict(t *testing.T) {
	kafka := map[string][]Provider{"event-bus": {{Namespace: "ops", Name: "kafka", TargetDate: "2027-06-30", State: roadmapv1.StateActive}}}
	cases := []struct {
		name   string
		target roadmapv1.Date
		ready  map[string]bool
		want   conditions.Outcome
	}{
		{"provider after the target", "2027-03-31", nil, conditions.Outcome{True: true, Reason: "ProviderLate",
			Message: "capability event-bus arrives 2027-06-30 (ops/kafka), after this initiative's target 2027-03-31"}},
		{"provider on the target day is in time", "2027-06-30", nil, conditions.Outcome{Reason: "NoConflict",
			Message: "every required capability is Ready or planned by 2027-06-30"}},
		{"provider a day late", "2027-06-29", nil, conditions.Outcome{True: true, Reason: "ProviderLate",
			Message: "capability event-bus arrives 2027-06-30 (ops/kafka), after this initiative's target 2027-06-29"}},
		{"ready capability is no conflict", "2027-03-31", map[string]bool{"event-bus": true}, conditions.Outcome{Reason: "NoConflict",
			Message: "every required capability is Ready or planned by 2027-03-31"}},
		{"no target date", "", nil, conditions.Outcome{Reason: "NoTargetDate", Message: "no targetDate to check the plan against"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ScheduleConflict(tc.target, []string{"event-bus", "no-provider"}, tc.ready, kafka)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestProgressAndCount(t *testing.T) {
	cs := []Contribution{
		{Name: "a", Track: roadmapv1.TrackInnovation, Phase: roadmapv1.PhaseDone, Value: ptr.To[int32](8)},
		{Name: "b", Track: roadmapv1.TrackInnovation, Phase: roadmapv1.PhaseBlocked, Value: ptr.To[int32](2), StartedEarly: true},
		{Name: "c", Track: roadmapv1.TrackOperations, Phase: roadmapv1.PhaseReady}, // no value: weighs 1
		{Name: "d", Track: roadmapv1.TrackOperations, Phase: roadmapv1.PhaseCancelled, Value: ptr.To[int32](10)},
	}
	// Done 8 of 8+2+1 = 11 (cancelled left out): 72.7% rounds down to 72.
	if got := Progress(cs); got != 72 {
		t.Errorf("Progress = %d, want 72", got)
	}
	want := roadmapv1.InitiativeCounts{Total: 4, Ready: 1, Blocked: 1, Done: 1, Cancelled: 1, Innovation: 2, Operations: 2,
		StartedEarly: 1}
	if d := cmp.Diff(want, Count(cs)); d != "" {
		t.Errorf("Count (-want +got):\n%s", d)
	}
	if got := Progress(nil); got != 0 {
		t.Errorf("Progress(nil) = %d", got)
	}
	if got := Progress([]Contribution{{Phase: roadmapv1.PhaseCancelled}}); got != 0 {
		t.Errorf("Progress(all cancelled) = %d", got)
	}
	if got := Progress([]Contribution{{Phase: roadmapv1.PhaseDone}, {Phase: roadmapv1.PhaseCancelled}}); got != 100 {
		t.Errorf("Progress(done + cancelled) = %d, want 100", got)
	}
}

func TestAtRisk(t *testing.T) {
	now := time.Date(2027, 4, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name     string
		cs       []Contribution
		want     conditions.Outcome
		wantNext time.Time
	}{
		{"nothing open", []Contribution{{Namespace: "a", Name: "done", Phase: roadmapv1.PhaseDone, TargetDate: "2020-01-01"}},
			conditions.Outcome{Reason: "OnTrack", Message: "no contributing initiative is late, blocked past its date or in schedule conflict"}, time.Time{}},
		{"blocked, target date is today: not yet past; re-check at midnight",
			[]Contribution{{Namespace: "a", Name: "x", Phase: roadmapv1.PhaseBlocked, TargetDate: "2027-04-01"}},
			conditions.Outcome{Reason: "OnTrack", Message: "no contributing initiative is late, blocked past its date or in schedule conflict"},
			time.Date(2027, 4, 2, 0, 0, 0, 0, time.UTC)},
		{"blocked past yesterday's target",
			[]Contribution{{Namespace: "a", Name: "x", Phase: roadmapv1.PhaseBlocked, TargetDate: "2027-03-31"}},
			conditions.Outcome{True: true, Reason: "InitiativesAtRisk", Message: "a/x: blocked past its target date 2027-03-31"}, time.Time{}},
		{"ready past its target is not at risk (it can go)",
			[]Contribution{{Namespace: "a", Name: "x", Phase: roadmapv1.PhaseReady, TargetDate: "2027-03-31"}},
			conditions.Outcome{Reason: "OnTrack", Message: "no contributing initiative is late, blocked past its date or in schedule conflict"}, time.Time{}},
		{"target after the goal's",
			[]Contribution{{Namespace: "a", Name: "late", Phase: roadmapv1.PhaseReady, TargetDate: "2028-01-15"}},
			conditions.Outcome{True: true, Reason: "InitiativesAtRisk", Message: "a/late: targets 2028-01-15, after the goal's 2027-12-31"}, time.Time{}},
		{"started before its platform is ready",
			[]Contribution{{Namespace: "a", Name: "eager", Phase: roadmapv1.PhaseBlocked, TargetDate: "2027-06-30", StartedEarly: true}},
			conditions.Outcome{True: true, Reason: "InitiativesAtRisk", Message: "a/eager: started before its platform is ready"},
			time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"blocked past its date is worse than started early", []Contribution{
			{Namespace: "a", Name: "eager", Phase: roadmapv1.PhaseBlocked, StartedEarly: true},
			{Namespace: "a", Name: "overdue", Phase: roadmapv1.PhaseBlocked, TargetDate: "2027-01-31"},
		}, conditions.Outcome{True: true, Reason: "InitiativesAtRisk",
			Message: "a/overdue: blocked past its target date 2027-01-31; a/eager: started before its platform is ready"}, time.Time{}},
		{"worst first, then by how late, top three and a count", []Contribution{
			{Namespace: "a", Name: "late-a-little", Phase: roadmapv1.PhaseReady, TargetDate: "2028-01-02"},
			{Namespace: "a", Name: "late-a-lot", Phase: roadmapv1.PhaseReady, TargetDate: "2029-01-01"},
			{Namespace: "a", Name: "conflict", Phase: roadmapv1.PhaseReady, ScheduleConflict: true},
			{Namespace: "a", Name: "overdue", Phase: roadmapv1.PhaseBlocked, TargetDate: "2027-01-31", ScheduleConflict: true},
			{Namespace: "a", Name: "cancelled", Phase: roadmapv1.PhaseCancelled, ScheduleConflict: true},
		}, conditions.Outcome{True: true, Reason: "InitiativesAtRisk", Message: "a/overdue: blocked past its target date 2027-01-31; " +
			"a/conflict: in schedule conflict; a/late-a-lot: targets 2029-01-01, after the goal's 2027-12-31 (+1 more)"}, time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, next := AtRisk("2027-12-31", tc.cs, now)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if !next.Equal(tc.wantNext) {
				t.Errorf("next = %v, want %v", next, tc.wantNext)
			}
		})
	}
}

func TestKeyResults(t *testing.T) {
	krs := []roadmapv1.KeyResult{
		{Description: "share personalised", Target: "60", Current: ptr.To("30")},
		{Description: "incident minutes", Target: "600", Baseline: ptr.To("1200"), Current: ptr.To("900")},
		{Description: "overachieved", Target: "10%", Current: ptr.To("25%")},
		{Description: "not measured", Target: "5"},
		{Description: "words", Target: "GA in 3 regions", Current: ptr.To("2")},
	}
	got, overall := KeyResults(krs)
	want := []roadmapv1.KeyResultStatus{
		{Description: "share personalised", Measured: true, Attainment: ptr.To[int32](50), Message: "30 of 60 (from 0): 50%"},
		{Description: "incident minutes", Measured: true, Attainment: ptr.To[int32](50), Message: "900 of 600 (from 1200): 50%"},
		{Description: "overachieved", Measured: true, Attainment: ptr.To[int32](100), Message: "25 of 10 (from 0): 100%"},
		{Description: "not measured", Message: "not yet measured"},
		{Description: "words", Message: `target "GA in 3 regions" is not a number; attainment is not computed`},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if overall == nil || *overall != 66 {
		t.Errorf("overall = %v, want 66 (mean of 50, 50, 100)", overall)
	}
	if _, overall := KeyResults([]roadmapv1.KeyResult{{Description: "x", Target: "1"}}); overall != nil {
		t.Errorf("overall with nothing measured = %v, want nil", *overall)
	}
}

func TestEvaluateGoal(t *testing.T) {
	now := time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
	one := []Contribution{{Namespace: "a", Name: "x", Phase: roadmapv1.PhaseReady}}
	cases := []struct {
		name       string
		facts      GoalFacts
		wantReady  conditions.Outcome
		wantBroken bool
	}{
		{"no initiatives", GoalFacts{Now: now}, conditions.Outcome{True: true, Reason: "NoInitiatives", Message: "no initiative serves this goal or its sub-goals"}, false},
		{"rollup", GoalFacts{Now: now, Contributions: one}, conditions.Outcome{True: true, Reason: "Rollup", Message: "1 initiative: 1 ready"}, false},
		{"parent missing", GoalFacts{Now: now, MissingParent: "company", Contributions: one},
			conditions.Outcome{Reason: "ParentNotFound", Message: "parent goal company: not found"}, true},
		{"cycle beats parent missing", GoalFacts{Now: now, MissingParent: "x", Cycle: []string{"a", "b", "a"}},
			conditions.Outcome{Reason: "DependencyCycle", Message: "dependency cycle: a -> b -> a"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := EvaluateGoal(tc.facts)
			if d := cmp.Diff(tc.wantReady, got.Ready); d != "" || got.Broken != tc.wantBroken {
				t.Errorf("broken=%v (want %v), Ready (-want +got):\n%s", got.Broken, tc.wantBroken, d)
			}
		})
	}
	res := EvaluateGoal(GoalFacts{Now: now, Contributions: []Contribution{
		{Namespace: "a", Name: "x", Phase: roadmapv1.PhaseBlocked}, {Namespace: "a", Name: "y", Phase: roadmapv1.PhaseDone},
		{Namespace: "a", Name: "z", Phase: roadmapv1.PhaseDone}, {Namespace: "a", Name: "w", Phase: roadmapv1.PhaseCancelled}}})
	if res.Ready.Message != "4 initiatives: 1 blocked, 2 done, 1 cancelled" || res.Progress != 66 {
		t.Errorf("rollup = %q, progress %d", res.Ready.Message, res.Progress)
	}
	res = EvaluateGoal(GoalFacts{Now: now, Contributions: []Contribution{
		{Namespace: "a", Name: "x", Phase: roadmapv1.PhaseBlocked, StartedEarly: true}, {Namespace: "a", Name: "y", Phase: roadmapv1.PhaseReady}}})
	if res.Ready.Message != "2 initiatives: 1 ready, 1 blocked, 1 started early" || res.Counts.StartedEarly != 1 || !res.AtRisk.True {
		t.Errorf("rollup with work started early = %q, counts %+v, at risk %+v", res.Ready.Message, res.Counts, res.AtRisk)
	}
}
