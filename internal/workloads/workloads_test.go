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

package workloads

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

func TestSummarize(t *testing.T) {
	w := func(kind, name string) Workload { return Workload{Kind: kind, Namespace: "ns", Name: name} }
	cases := []struct {
		name string
		in   []Workload
		want *roadmapv1.WorkloadsSummary
	}{
		{"none", nil, nil},
		{"one", []Workload{w("Deployment", "api")}, &roadmapv1.WorkloadsSummary{Total: 1,
			Kinds: []roadmapv1.WorkloadKindCount{{Kind: "Deployment", Count: 1, Names: []string{"api"}}}}},
		{"sorted by kind and name, three names per kind, every one counted",
			[]Workload{w("Deployment", "e"), w("Job", "j"), w("Deployment", "b"), w("Deployment", "d"),
				w("Deployment", "a"), w("Rollout.argoproj.io", "r")},
			&roadmapv1.WorkloadsSummary{Total: 6, Kinds: []roadmapv1.WorkloadKindCount{
				{Kind: "Deployment", Count: 4, Names: []string{"a", "b", "d"}},
				{Kind: "Job", Count: 1, Names: []string{"j"}},
				{Kind: "Rollout.argoproj.io", Count: 1, Names: []string{"r"}}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Summarize(tc.in)); diff != "" {
				t.Errorf("Summarize (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMode(t *testing.T) {
	cases := []struct {
		value    string
		labelled bool
		want     Mode
		wantErr  bool
	}{
		{"", false, "", false},
		{"enforce", true, "enforce", false},
		{"warn", true, "warn", false},
		{"audit", true, "audit", false},
		{"enforcing", true, "enforce", true}, // a typo never turns the gate off
		{"", true, "enforce", true},
		{"Enforce", true, "enforce", true},
	}
	for _, tc := range cases {
		got, err := ParseMode(tc.value, tc.labelled)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("ParseMode(%q, %v) = %q, %v; want %q, error %v", tc.value, tc.labelled, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestClassify(t *testing.T) {
	states := map[string]roadmapv1.InitiativeState{"live": roadmapv1.StateActive, "proposed": "",
		"finished": roadmapv1.StateDone, "dropped": roadmapv1.StateCancelled}
	ws := []Workload{
		{Kind: "Deployment", Namespace: "ns", Name: "traced", Initiative: "live", Labelled: true},
		{Kind: "Deployment", Namespace: "ns", Name: "proposed", Initiative: "proposed", Labelled: true},
		{Kind: "Deployment", Namespace: "ns", Name: "shadow"},
		{Kind: "Job", Namespace: "ns", Name: "replay-123", Controlled: true}, // its CronJob is the one traced
		{Kind: "Deployment", Namespace: "ns", Name: "ghost", Initiative: "renamed", Labelled: true},
		{Kind: "Deployment", Namespace: "ns", Name: "bad", Initiative: "Not_A_Name", Labelled: true},
		{Kind: "Deployment", Namespace: "ns", Name: "empty", Initiative: "", Labelled: true},
		{Kind: "Deployment", Namespace: "ns", Name: "old", Initiative: "finished", Labelled: true},
		{Kind: "CronJob", Namespace: "ns", Name: "gone", Initiative: "dropped", Labelled: true},
		{Kind: "Deployment", Namespace: "ns", Name: "hotfix", BreakGlass: "INC-1"},
	}
	got := Classify("ns", "warn", nil, ws, states)
	want := Report{Namespace: "ns", Mode: "warn",
		Untraced: []Workload{ws[2], ws[9]},
		Dangling: []Dangling{
			{ws[4], "initiative ns/renamed does not exist"},
			{ws[5], `label roadmap.dev/initiative="Not_A_Name" is not an initiative name: a lowercase RFC 1123 subdomain ` +
				`must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric ` +
				`character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
			{ws[6], "label roadmap.dev/initiative is empty: it must name an initiative in the workload's namespace"},
			{ws[7], "initiative ns/finished is Done"},
			{ws[8], "initiative ns/dropped is Cancelled"},
		},
		BreakGlass: []Workload{ws[9]},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Classify (-want +got):\n%s", diff)
	}
	if got.Empty() {
		t.Error("a report with untraced work is not empty")
	}
	if r := Classify("ns", "enforce", nil, ws[:2], states); !r.Empty() {
		t.Errorf("every workload traced: want an empty report, got %+v", r)
	}
}

func TestGateEntry(t *testing.T) {
	ini := func(phase roadmapv1.InitiativePhase, generation, observed int64, blockedBy ...roadmapv1.BlockedByEntry) *roadmapv1.Initiative {
		i := &roadmapv1.Initiative{}
		i.Generation, i.Status.ObservedGeneration, i.Status.Phase, i.Status.BlockedBy = generation, observed, phase, blockedBy
		return i
	}
	capability := func(name, message string) roadmapv1.BlockedByEntry {
		return roadmapv1.BlockedByEntry{Kind: "Capability", Name: name, Reason: "CapabilityNotReady", Message: message}
	}
	cases := []struct {
		name string
		ini  *roadmapv1.Initiative
		want roadmapv1.InitiativeIndexEntry
	}{
		{"ready and evaluated", ini(roadmapv1.PhaseReady, 2, 2), roadmapv1.InitiativeIndexEntry{Phase: roadmapv1.PhaseReady, Evaluated: true}},
		{"changed since its evaluation", ini(roadmapv1.PhaseReady, 3, 2), roadmapv1.InitiativeIndexEntry{Phase: roadmapv1.PhaseReady}},
		{"never evaluated", ini("", 1, -1), roadmapv1.InitiativeIndexEntry{}},
		{"done", ini(roadmapv1.PhaseDone, 1, 1), roadmapv1.InitiativeIndexEntry{Phase: roadmapv1.PhaseDone, Evaluated: true}},
		{"blocked by a capability, state from the message", ini(roadmapv1.PhaseBlocked, 1, 1, capability("event-bus", "capability event-bus: Planned")),
			roadmapv1.InitiativeIndexEntry{Phase: roadmapv1.PhaseBlocked, Evaluated: true,
				BlockedBy: "capability event-bus (Planned)", Until: "event-bus is Ready"}},
		{"blocked by an initiative, state from the reason", ini(roadmapv1.PhaseBlocked, 1, 1,
			roadmapv1.BlockedByEntry{Kind: "Initiative", Name: "search", Reason: "InitiativeNotDone"}),
			roadmapv1.InitiativeIndexEntry{Phase: roadmapv1.PhaseBlocked, Evaluated: true,
				BlockedBy: "initiative search (InitiativeNotDone)", Until: "search is Done"}},
		{"many blockers are abbreviated", ini(roadmapv1.PhaseBlocked, 1, 1, capability("a", "capability a: Planned"),
			capability("b", "capability b: Planned"), capability("c", "capability c: Planned"), capability("d", "capability d: Planned")),
			roadmapv1.InitiativeIndexEntry{Phase: roadmapv1.PhaseBlocked, Evaluated: true,
				BlockedBy: "capability a (Planned), capability b (Planned), capability c (Planned) (+1 more)",
				Until:     "a is Ready and b is Ready and c is Ready (+1 more)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, GateEntry(tc.ini)); diff != "" {
				t.Errorf("GateEntry (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGateIndex(t *testing.T) {
	if status, omitted := GateIndex(nil); status.Total == nil || *status.Total != 0 || status.Initiatives != nil || omitted != 0 {
		t.Errorf("GateIndex(nil) = %+v, %d; want an empty index with its total written", status, omitted)
	}
	inis := make([]roadmapv1.Initiative, roadmapv1.InitiativeIndexMaxEntries+2)
	for i := range inis {
		// Reverse order: the index keeps the first names, not the first listed.
		inis[i].Name = fmt.Sprintf("i-%05d", len(inis)-1-i)
	}
	status, omitted := GateIndex(inis)
	if *status.Total != int32(len(inis)) || omitted != 2 || len(status.Initiatives) != roadmapv1.InitiativeIndexMaxEntries {
		t.Fatalf("GateIndex of %d initiatives: total %d, %d entries, %d omitted; want %d, %d, 2", len(inis), *status.Total,
			len(status.Initiatives), omitted, len(inis), roadmapv1.InitiativeIndexMaxEntries)
	}
	if _, ok := status.Initiatives["i-00000"]; !ok {
		t.Error("the first name is missing from the index")
	}
	if _, ok := status.Initiatives[fmt.Sprintf("i-%05d", len(inis)-1)]; ok {
		t.Error("the last name is in the index, past its bound")
	}
}
