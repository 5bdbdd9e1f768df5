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
	"fmt"
	"sort"
	"strings"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/conditions"
	"github.com/roadmap-operator/roadmap-operator/internal/wording"
)

// StartedEarly decides the StartedEarly condition of an initiative from its track, the state its team declares,
// its evaluation and the workloads labelled for it: an Innovation initiative has started before its platform is
// ready while a capability it requires is not Ready (not found, not Ready, or with no provider) and either
// workloads of it exist (the evidence: something was deployed) or its team declares it Active (the word).
// Initiatives it depends on do not count: sequencing work between teams is planning, not a missing platform.
// StartedEarly is written conditions.AbnormalTrue: present while True, absent otherwise.
func StartedEarly(track roadmapv1.Track, state roadmapv1.InitiativeState, res Result, deployed *roadmapv1.WorkloadsSummary) conditions.Outcome {
	if track != roadmapv1.TrackInnovation {
		return conditions.Outcome{}
	}
	hasWorkloads := deployed != nil && deployed.Total > 0 && len(deployed.Kinds) > 0 && len(deployed.Kinds[0].Names) > 0
	if state != roadmapv1.StateActive && !hasWorkloads {
		return conditions.Outcome{}
	}
	var capabilities []string
	for _, u := range res.Unmet {
		if u.Kind == "Capability" {
			capabilities = append(capabilities, u.Message)
		}
	}
	if len(capabilities) == 0 {
		return conditions.Outcome{}
	}
	noun := "a required capability is"
	if len(capabilities) > 1 {
		noun = fmt.Sprintf("%d required capabilities are", len(capabilities))
	}
	if hasWorkloads {
		first := deployed.Kinds[0]
		what := "workload " + first.Kind + " " + first.Names[0]
		if more := deployed.Total - 1; more > 0 {
			what += fmt.Sprintf(" (and %d more %s)", more, wording.Plural(int(more), "workload", "workloads"))
		}
		return conditions.Outcome{True: true, Reason: roadmapv1.StartedEarlyReasonWorkloadsDeployed,
			Message: fmt.Sprintf("%s deployed while %s not Ready: %s", what, noun, strings.Join(capabilities, "; "))}
	}
	return conditions.Outcome{True: true, Reason: roadmapv1.StartedEarlyReasonPrerequisitesNotReady,
		Message: fmt.Sprintf("declared Active while %s not Ready: %s", noun, strings.Join(capabilities, "; "))}
}

// InUseShown is how many dependents the InUse message names; `kubectl roadmap why capability/NAME` lists all.
const InUseShown = 3

// InUse decides the InUse condition of a capability: True while it is Retired and open initiatives (neither
// Done nor Cancelled) still require it. dependents are those initiatives as namespace/name, in any order; the
// message is sorted so the same set always yields the same condition, and a restart writes nothing. InUse is
// written conditions.AbnormalTrue, as StartedEarly is.
func InUse(lifecycle roadmapv1.CapabilityLifecycle, dependents []InitiativeKey) conditions.Outcome {
	if lifecycle != roadmapv1.LifecycleRetired || len(dependents) == 0 {
		return conditions.Outcome{}
	}
	keys := make([]string, len(dependents))
	for i, d := range dependents {
		keys[i] = d.String()
	}
	sort.Strings(keys)
	msg := fmt.Sprintf("Retired but still required by %d open %s: %s", len(keys),
		wording.Plural(len(keys), "initiative", "initiatives"), wording.Abbreviate(keys, InUseShown, ", "))
	return conditions.Outcome{True: true, Reason: roadmapv1.InUseReasonRequiredByOpenWork, Message: msg}
}

// Open reports whether an initiative in the given state is still open work: neither Done nor Cancelled.
func Open(state roadmapv1.InitiativeState) bool {
	return state != roadmapv1.StateDone && state != roadmapv1.StateCancelled
}
