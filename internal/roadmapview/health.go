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

package roadmapview

import (
	"fmt"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// The read model never derives a verdict of its own: an object is broken when the operator wrote Stalled=True on
// it (kstatus), an evidence check when the operator marked its blockedBy entry stalled, and otherwise the phase
// the operator wrote says the rest. Argo CD's health checks (config/argocd) read the same fields, and
// TestHealthAgreement holds the three readings and kstatus to one answer.

// Health classifies a status. Its glyph and its class name it for every front end: the terminal colours it, the
// board styles it, and neither shows it by colour alone.
type Health int

const (
	// HealthUnknown: not evaluated yet, or nothing to say.
	HealthUnknown Health = iota
	// HealthOK: Ready, Done, a passing check.
	HealthOK
	// HealthWaiting: Planned or in progress: waiting on someone's work, nothing is wrong.
	HealthWaiting
	// HealthBlocked: Blocked by something that is not ready.
	HealthBlocked
	// HealthBroken: a dangling reference or a cycle: waiting will not help, someone must fix a spec.
	HealthBroken
	// HealthInactive: Cancelled or Retired.
	HealthInactive
)

// Glyph is the one-character status mark of a health.
func (h Health) Glyph() string {
	switch h {
	case HealthOK:
		return "✔"
	case HealthWaiting:
		return "◷"
	case HealthBlocked:
		return "✖"
	case HealthBroken:
		return "⚠"
	case HealthInactive:
		return "–"
	default:
		return "?"
	}
}

// Class is the health's name for style sheets and diagram classes: ok, waiting, blocked, broken, inactive or
// unknown.
func (h Health) Class() string {
	switch h {
	case HealthOK:
		return "ok"
	case HealthWaiting:
		return "waiting"
	case HealthBlocked:
		return "blocked"
	case HealthBroken:
		return "broken"
	case HealthInactive:
		return "inactive"
	default:
		return "unknown"
	}
}

// Stalled reports whether the operator wrote Stalled=True.
func Stalled(conds []metav1.Condition) bool {
	c := apimeta.FindStatusCondition(conds, roadmapv1.ConditionStalled)
	return c != nil && c.Status == metav1.ConditionTrue
}

// HealthOfCapability classifies a capability by the status the operator wrote.
func HealthOfCapability(c *roadmapv1.Capability) Health {
	if !Evaluated(string(c.Status.Phase), c.Status.ObservedGeneration, c.Generation) {
		return HealthUnknown
	}
	if Stalled(c.Status.Conditions) {
		return HealthBroken
	}
	return HealthOfCapabilityPhase(string(c.Status.Phase))
}

// HealthOfInitiative classifies an initiative by the status the operator wrote.
func HealthOfInitiative(ini *roadmapv1.Initiative) Health {
	if !Evaluated(string(ini.Status.Phase), ini.Status.ObservedGeneration, ini.Generation) {
		return HealthUnknown
	}
	if Stalled(ini.Status.Conditions) {
		return HealthBroken
	}
	return HealthOfInitiativePhase(string(ini.Status.Phase))
}

// HealthOfCheck classifies an evidence check: passing, broken when the operator's verdict says a person must act,
// otherwise waiting while kstatus reports progress (or its cluster is out of reach for a while) and blocked when
// the object is missing or terminating.
func HealthOfCheck(passing, stalled bool, reason string) Health {
	switch {
	case passing:
		return HealthOK
	case stalled:
		return HealthBroken
	case reason == "InProgress" || reason == "Unknown" || reason == roadmapv1.CheckReasonClusterUnreachable:
		return HealthWaiting
	default:
		return HealthBlocked
	}
}

// CheckStalled is the operator's verdict on a failing check of a capability: the stalled flag of the check's
// entry in status.blockedBy.
func CheckStalled(c *roadmapv1.Capability, check roadmapv1.CheckStatus) bool {
	for _, e := range c.Status.BlockedBy {
		if e.APIVersion == check.APIVersion && e.Kind == check.Kind && e.Namespace == check.Namespace && e.Name == check.Name {
			return e.Stalled
		}
	}
	return false
}

// HealthOfCapabilityPhase classifies a capability that is not Stalled by its phase.
func HealthOfCapabilityPhase(phase string) Health {
	switch roadmapv1.CapabilityPhase(phase) {
	case roadmapv1.CapabilityPhaseReady:
		return HealthOK
	case roadmapv1.CapabilityPhasePlanned:
		return HealthWaiting
	case roadmapv1.CapabilityPhaseBlocked:
		return HealthBlocked
	case roadmapv1.CapabilityPhaseRetired:
		return HealthInactive
	default:
		return HealthUnknown
	}
}

// HealthOfInitiativePhase classifies an initiative that is not Stalled by its phase: an initiative known only by
// its phase (a bar of the plan's timeline, a standup item); an initiative object is classified by
// HealthOfInitiative, which reads the operator's Stalled verdict too.
func HealthOfInitiativePhase(phase string) Health {
	switch roadmapv1.InitiativePhase(phase) {
	case roadmapv1.PhaseReady, roadmapv1.PhaseDone:
		return HealthOK
	case roadmapv1.PhaseBlocked:
		return HealthBlocked
	case roadmapv1.PhaseCancelled:
		return HealthInactive
	default:
		return HealthUnknown
	}
}

// GoalStatus is the one-word status of a goal (OnTrack, AtRisk, NoInitiatives, a broken reason or Unknown), its
// health and a message: the verdict the tree, the graph and the board show alike.
func GoalStatus(g *roadmapv1.Goal) (status string, h Health, message string) {
	ready := apimeta.FindStatusCondition(g.Status.Conditions, roadmapv1.ConditionReady)
	atRisk := apimeta.FindStatusCondition(g.Status.Conditions, roadmapv1.ConditionAtRisk)
	switch {
	case ready == nil:
		return "Unknown", HealthUnknown, ""
	case Stalled(g.Status.Conditions):
		return ready.Reason, HealthBroken, ready.Message
	case atRisk != nil && atRisk.Status == metav1.ConditionTrue:
		return "AtRisk", HealthBlocked, fmt.Sprintf("%d%% done, %s; at risk: %s", g.Status.Progress, ready.Message, atRisk.Message)
	case ready.Reason == roadmapv1.GoalReasonNoInitiatives:
		return "NoInitiatives", HealthUnknown, ready.Message
	default:
		return "OnTrack", HealthOK, fmt.Sprintf("%d%% done, %s", g.Status.Progress, ready.Message)
	}
}
