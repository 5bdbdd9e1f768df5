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

	"github.com/google/go-cmp/cmp"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/conditions"
)

func TestStartedEarly(t *testing.T) {
	capNotReady := Unmet{Kind: "Capability", Name: "event-bus", Reason: roadmapv1.ReasonCapabilityNotReady,
		Message: "capability event-bus: Planned"}
	capMissing := Unmet{Kind: "Capability", Name: "gpu", Reason: roadmapv1.ReasonCapabilityNotFound,
		Message: "capability gpu: not found"}
	iniNotDone := Unmet{Kind: "Initiative", Namespace: "a", Name: "b", Reason: roadmapv1.ReasonInitiativeNotDone,
		Message: "initiative b: Active"}
	blocked := func(u ...Unmet) Result { return Result{Unmet: u} }
	oneDeployment := &roadmapv1.WorkloadsSummary{Total: 1, Kinds: []roadmapv1.WorkloadKindCount{
		{Kind: "Deployment", Count: 1, Names: []string{"order-events-api"}}}}
	threeWorkloads := &roadmapv1.WorkloadsSummary{Total: 3, Kinds: []roadmapv1.WorkloadKindCount{
		{Kind: "CronJob", Count: 1, Names: []string{"replay"}},
		{Kind: "Deployment", Count: 2, Names: []string{"api", "worker"}}}}
	cases := []struct {
		name     string
		track    roadmapv1.Track
		state    roadmapv1.InitiativeState
		res      Result
		deployed *roadmapv1.WorkloadsSummary
		want     conditions.Outcome
	}{
		{"workloads of a proposed initiative blocked by a capability", roadmapv1.TrackInnovation, roadmapv1.StateProposed,
			blocked(capNotReady), oneDeployment, conditions.Outcome{True: true, Reason: "WorkloadsDeployed",
				Message: "workload Deployment order-events-api deployed while a required capability is not Ready: capability event-bus: Planned"}},
		{"workloads are the evidence, Active or not", roadmapv1.TrackInnovation, roadmapv1.StateActive,
			blocked(capNotReady, iniNotDone, capMissing), threeWorkloads, conditions.Outcome{True: true, Reason: "WorkloadsDeployed",
				Message: "workload CronJob replay (and 2 more workloads) deployed while 2 required capabilities are not Ready: " +
					"capability event-bus: Planned; capability gpu: not found"}},
		{"workloads waiting only on another initiative", roadmapv1.TrackInnovation, "", blocked(iniNotDone), oneDeployment, conditions.Outcome{}},
		{"workloads of a ready initiative", roadmapv1.TrackInnovation, "", Result{Ready: true}, oneDeployment, conditions.Outcome{}},
		{"workloads of operations work", roadmapv1.TrackOperations, "", blocked(capNotReady), oneDeployment, conditions.Outcome{}},
		{"an empty summary is no evidence", roadmapv1.TrackInnovation, "", blocked(capNotReady),
			&roadmapv1.WorkloadsSummary{}, conditions.Outcome{}},
		{"active innovation blocked by a capability", roadmapv1.TrackInnovation, roadmapv1.StateActive, blocked(capNotReady), nil,
			conditions.Outcome{True: true, Reason: "PrerequisitesNotReady",
				Message: "declared Active while a required capability is not Ready: capability event-bus: Planned"}},
		{"names every capability, not the initiatives", roadmapv1.TrackInnovation, roadmapv1.StateActive,
			blocked(capNotReady, iniNotDone, capMissing), nil,
			conditions.Outcome{True: true, Reason: "PrerequisitesNotReady",
				Message: "declared Active while 2 required capabilities are not Ready: capability event-bus: Planned; capability gpu: not found"}},
		{"blocked only by an initiative", roadmapv1.TrackInnovation, roadmapv1.StateActive, blocked(iniNotDone), nil, conditions.Outcome{}},
		{"ready", roadmapv1.TrackInnovation, roadmapv1.StateActive, Result{Ready: true}, nil, conditions.Outcome{}},
		{"proposed and blocked is the plan working", roadmapv1.TrackInnovation, roadmapv1.StateProposed, blocked(capNotReady), nil, conditions.Outcome{}},
		{"unset state is Proposed", roadmapv1.TrackInnovation, "", blocked(capNotReady), nil, conditions.Outcome{}},
		{"operations may build on what it builds", roadmapv1.TrackOperations, roadmapv1.StateActive, blocked(capNotReady), nil, conditions.Outcome{}},
		{"done", roadmapv1.TrackInnovation, roadmapv1.StateDone, Result{Ready: true}, nil, conditions.Outcome{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, StartedEarly(tc.track, tc.state, tc.res, tc.deployed)); diff != "" {
				t.Errorf("StartedEarly (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInUse(t *testing.T) {
	keys := func(s ...string) []InitiativeKey {
		var out []InitiativeKey
		for i := 0; i+1 < len(s); i += 2 {
			out = append(out, InitiativeKey{Namespace: s[i], Name: s[i+1]})
		}
		return out
	}
	cases := []struct {
		name       string
		lifecycle  roadmapv1.CapabilityLifecycle
		dependents []InitiativeKey
		want       conditions.Outcome
	}{
		{"retired and required once", roadmapv1.LifecycleRetired, keys("shop", "checkout"),
			conditions.Outcome{True: true, Reason: "RequiredByOpenWork", Message: "Retired but still required by 1 open initiative: shop/checkout"}},
		{"sorted, first three, and how many more", roadmapv1.LifecycleRetired,
			keys("z", "e", "a", "d", "b", "x", "a", "c", "a", "b"),
			conditions.Outcome{True: true, Reason: "RequiredByOpenWork",
				Message: "Retired but still required by 5 open initiatives: a/b, a/c, a/d (+2 more)"}},
		{"exactly three", roadmapv1.LifecycleRetired, keys("a", "c", "a", "b", "a", "a"),
			conditions.Outcome{True: true, Reason: "RequiredByOpenWork",
				Message: "Retired but still required by 3 open initiatives: a/a, a/b, a/c"}},
		{"retired, nobody requires it", roadmapv1.LifecycleRetired, nil, conditions.Outcome{}},
		{"available and required", roadmapv1.LifecycleAvailable, keys("shop", "checkout"), conditions.Outcome{}},
		{"planned and required", roadmapv1.LifecyclePlanned, keys("shop", "checkout"), conditions.Outcome{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, InUse(tc.lifecycle, tc.dependents)); diff != "" {
				t.Errorf("InUse (-want +got):\n%s", diff)
			}
		})
	}
}
