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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// The plugin never derives a verdict of its own: an object is broken when the operator wrote Stalled=True on it
// (kstatus), an evidence check when the operator marked its blockedBy entry stalled, and otherwise the phase the
// operator wrote says the rest. Argo CD's health checks (config/argocd) read the same fields, and
// TestHealthAgreement holds the three readings and kstatus to one answer.

// evaluated reports whether the status describes the current spec (roadmapview.Evaluated).
func evaluated(phase string, observedGeneration, generation int64) bool {
	return roadmapview.Evaluated(phase, observedGeneration, generation)
}

// stalled reports whether the operator wrote Stalled=True.
func stalled(conds []metav1.Condition) bool {
	c := condition(conds, roadmapv1.ConditionStalled)
	return c != nil && c.Status == metav1.ConditionTrue
}

// HealthOfCapability classifies a capability by the status the operator wrote.
func HealthOfCapability(c *roadmapv1.Capability) Health {
	if !evaluated(string(c.Status.Phase), c.Status.ObservedGeneration, c.Generation) {
		return HealthUnknown
	}
	if stalled(c.Status.Conditions) {
		return HealthBroken
	}
	return healthOfCapabilityPhase(string(c.Status.Phase))
}

// HealthOfInitiative classifies an initiative by the status the operator wrote.
func HealthOfInitiative(ini *roadmapv1.Initiative) Health {
	if !evaluated(string(ini.Status.Phase), ini.Status.ObservedGeneration, ini.Generation) {
		return HealthUnknown
	}
	if stalled(ini.Status.Conditions) {
		return HealthBroken
	}
	return healthOfInitiativePhase(string(ini.Status.Phase))
}

// healthOfCheck classifies an evidence check: passing, broken when the operator's verdict says a person must act,
// otherwise waiting while kstatus reports progress (or its cluster is out of reach for a while) and blocked when
// the object is missing or terminating.
func healthOfCheck(passing, stalled bool, reason string) Health {
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

// checkStalled is the operator's verdict on a failing check of a capability: the stalled flag of the check's
// entry in status.blockedBy.
func checkStalled(c *roadmapv1.Capability, check roadmapv1.CheckStatus) bool {
	for _, e := range c.Status.BlockedBy {
		if e.APIVersion == check.APIVersion && e.Kind == check.Kind && e.Namespace == check.Namespace && e.Name == check.Name {
			return e.Stalled
		}
	}
	return false
}

// healthOfCapabilityPhase classifies a capability that is not Stalled by its phase.
func healthOfCapabilityPhase(phase string) Health {
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

// healthOfInitiativePhase classifies an initiative that is not Stalled by its phase.
func healthOfInitiativePhase(phase string) Health {
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
