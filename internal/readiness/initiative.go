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

	"k8s.io/apimachinery/pkg/types"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/graph"
)

// InitiativeKey identifies an initiative across namespaces.
type InitiativeKey struct {
	Namespace string
	Name      string
}

// String renders the key as namespace/name, the form used in indexes and cycle messages.
func (k InitiativeKey) String() string {
	return types.NamespacedName{Namespace: k.Namespace, Name: k.Name}.String()
}

// DependsOnKeys resolves an initiative's dependsOn references, defaulting the namespace to its own.
func DependsOnKeys(ini *roadmapv1.Initiative) []InitiativeKey {
	keys := make([]InitiativeKey, 0, len(ini.Spec.DependsOn))
	for _, ref := range ini.Spec.DependsOn {
		ns := ref.Namespace
		if ns == "" {
			ns = ini.Namespace
		}
		keys = append(keys, InitiativeKey{Namespace: ns, Name: string(ref.Name)})
	}
	return keys
}

// InitiativeFacts is the snapshot an initiative's readiness is computed from.
type InitiativeFacts struct {
	Key      InitiativeKey
	State    roadmapv1.InitiativeState
	Requires []string
	// Capabilities holds the required capabilities that exist.
	Capabilities map[string]CapabilityView
	// Providers counts, per required capability, the initiatives that provide it and are not Cancelled.
	// A capability that is not Ready and has none is reported as NoProvider: nobody plans to build it. A
	// capability that does not exist yet but has one is expected: CapabilityNotFound, waiting rather than broken.
	Providers map[string]int
	DependsOn []InitiativeKey
	// Initiatives holds the states of the dependsOn initiatives that exist.
	Initiatives map[InitiativeKey]roadmapv1.InitiativeState
	// Cycle is the dependsOn cycle through this initiative as namespace/name keys, [self, ..., self], or nil.
	Cycle []string
	// InNotFoundGrace is true while a required capability that does not exist, and that no initiative
	// provides, may still be on its way (the grace period after the initiative was created or stopped being
	// Ready): it is reported as waiting (Reconciling) rather than broken (Stalled) until the grace is over.
	InNotFoundGrace bool
}

// EvaluateInitiative computes an initiative's phase and Ready condition. Done and Cancelled are the team's word
// and final; otherwise the initiative is Ready when every required capability is Ready and every initiative it
// depends on is Done, and Blocked with every unmet prerequisite listed when not.
func EvaluateInitiative(f InitiativeFacts) (roadmapv1.InitiativePhase, Result) {
	switch f.State {
	case roadmapv1.StateDone:
		return roadmapv1.PhaseDone, Result{Ready: true, Reason: roadmapv1.InitiativeReasonDone, Message: "initiative is Done"}
	case roadmapv1.StateCancelled:
		return roadmapv1.PhaseCancelled, Result{Reason: roadmapv1.InitiativeReasonCancelled, Message: "initiative is Cancelled"}
	}

	var unmet []Unmet
	for _, name := range f.Requires {
		c, ok := f.Capabilities[name]
		switch {
		case !ok && f.Providers[name] > 0:
			unmet = append(unmet, Unmet{Kind: "Capability", Name: name, Reason: roadmapv1.ReasonCapabilityNotFound,
				Message: "capability " + name + ": not declared yet (an initiative provides it)"})
		case !ok:
			// Broken (Stalled) only once the grace period is over: applying a team's initiatives a few minutes
			// before the platform team's capability must not fail the team's GitOps sync.
			unmet = append(unmet, Unmet{Kind: "Capability", Name: name, Stalled: !f.InNotFoundGrace,
				Reason: roadmapv1.ReasonCapabilityNotFound, Message: "capability " + name + ": not found"})
		case !c.Ready && f.Providers[name] == 0:
			unmet = append(unmet, Unmet{Kind: "Capability", Name: name,
				Reason: roadmapv1.ReasonNoProvider, Message: "capability " + name + ": " + c.Describe() + " (no provider)"})
		case !c.Ready:
			unmet = append(unmet, Unmet{Kind: "Capability", Name: name,
				Reason: roadmapv1.ReasonCapabilityNotReady, Message: "capability " + name + ": " + c.Describe()})
		}
	}
	var cycleNext string
	if len(f.Cycle) > 1 {
		cycleNext = f.Cycle[1]
	}
	for _, dep := range f.DependsOn {
		label := "initiative " + dep.Name
		if dep.Namespace != f.Key.Namespace {
			label = "initiative " + dep.String()
		}
		state, ok := f.Initiatives[dep]
		switch {
		case dep.String() == cycleNext:
			unmet = append(unmet, Unmet{Kind: "Initiative", Namespace: dep.Namespace, Name: dep.Name, Stalled: true,
				Reason: roadmapv1.ReasonDependencyCycle, Message: "dependency cycle: " + graph.FormatCycle(f.Cycle)})
		case !ok:
			unmet = append(unmet, Unmet{Kind: "Initiative", Namespace: dep.Namespace, Name: dep.Name, Stalled: true,
				Reason: roadmapv1.ReasonInitiativeNotFound, Message: label + ": not found"})
		case state != roadmapv1.StateDone:
			unmet = append(unmet, Unmet{Kind: "Initiative", Namespace: dep.Namespace, Name: dep.Name,
				Reason: roadmapv1.ReasonInitiativeNotDone, Message: fmt.Sprintf("%s: %s", label, stateOrProposed(state))})
		}
	}
	if len(unmet) == 0 {
		return roadmapv1.PhaseReady, Result{
			Ready: true, Reason: roadmapv1.InitiativeReasonReady,
			Message: readyMessage("initiative can start", len(f.Requires)+len(f.DependsOn)),
		}
	}
	// Broken (Stalled) only when a person must fix the spec: a cycle, an initiative that does not exist, or a
	// capability that does not exist, that no initiative provides, once the grace period is over. A capability
	// some initiative provides is planned, only not declared yet: waiting on it must not fail a team's GitOps
	// sync. Each unmet entry carries its own verdict (Stalled), which tools read instead of re-deriving it.
	broken := anyStalled(unmet)
	res := Result{Unmet: unmet, Summary: Summarize(unmet), Message: joinMessages(unmet), Reason: worstReason(unmet),
		Broken: broken, Waiting: !broken}
	return roadmapv1.PhaseBlocked, res
}

// worstReason picks the reason of the Ready condition when several prerequisites are unmet: configuration that
// is broken (a cycle, then a dangling reference) before mere waiting, so the condition leads with what a person
// must fix.
func worstReason(unmet []Unmet) string {
	for _, r := range []string{
		roadmapv1.ReasonDependencyCycle,
		roadmapv1.ReasonCapabilityNotFound,
		roadmapv1.ReasonInitiativeNotFound,
		roadmapv1.ReasonNoProvider,
		roadmapv1.ReasonCapabilityNotReady,
	} {
		if hasReason(unmet, r) {
			return r
		}
	}
	return roadmapv1.ReasonInitiativeNotDone
}

func stateOrProposed(s roadmapv1.InitiativeState) roadmapv1.InitiativeState {
	if s == "" {
		return roadmapv1.StateProposed
	}
	return s
}
