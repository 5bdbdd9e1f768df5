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

// Package readiness decides whether capabilities and initiatives are Ready, from a snapshot of the objects they
// reference. It makes no client calls: controllers gather the facts from the informer cache, and the kubectl
// plugin from a list, and both get the same answer.
package readiness

import (
	"fmt"
	"strings"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/evidence"
	"github.com/roadmap-operator/roadmap-operator/internal/graph"
	"github.com/roadmap-operator/roadmap-operator/internal/wording"
)

// CapabilityView is what a dependent may read of a capability it references: exactly the fields whose change
// must re-evaluate dependents, so a watch predicate can compare views instead of whole objects.
type CapabilityView struct {
	Name      string
	Lifecycle roadmapv1.CapabilityLifecycle
	// Ready is the status of the capability's Ready condition.
	Ready bool
	// Reason is the reason of the capability's Ready condition ("" before the controller has seen it).
	Reason string
}

// ViewOfCapability extracts the CapabilityView of a capability object.
func ViewOfCapability(c *roadmapv1.Capability) CapabilityView {
	v := CapabilityView{Name: c.Name, Lifecycle: c.Spec.Lifecycle}
	for _, cond := range c.Status.Conditions {
		if cond.Type == roadmapv1.ConditionReady {
			v.Ready = cond.Status == "True"
			v.Reason = cond.Reason
		}
	}
	return v
}

// Describe says in one or two words why a not-ready capability is not ready: its lifecycle when it is not
// Available (what a person acts on), otherwise the reason of its Ready condition.
func (v CapabilityView) Describe() string {
	switch {
	case v.Lifecycle != "" && v.Lifecycle != roadmapv1.LifecycleAvailable:
		return string(v.Lifecycle)
	case v.Ready:
		return "Ready"
	case v.Reason == "":
		return "not yet evaluated"
	default:
		return v.Reason
	}
}

// CapabilityFacts is the snapshot a capability's readiness is computed from.
type CapabilityFacts struct {
	Lifecycle roadmapv1.CapabilityLifecycle
	Requires  []string
	// Prerequisites holds the capabilities named in Requires that exist.
	Prerequisites map[string]CapabilityView
	// Cycle is the requires cycle through this capability, [self, ..., self], or nil.
	Cycle []string
	// Checks are the results of the capability's evidence checks.
	Checks []roadmapv1.CheckStatus
}

// Unmet is one prerequisite that is not satisfied.
type Unmet struct {
	// APIVersion is set for the object of a failing check only.
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
	Reason     string
	Message    string
	// Stalled is the verdict: waiting will not clear this prerequisite, a person must fix something. A result is
	// Broken exactly when one of its unmet prerequisites is Stalled.
	Stalled bool
}

// BlockedBy renders unmet prerequisites as the status.blockedBy entries of an initiative or a capability.
func BlockedBy(unmet []Unmet) []roadmapv1.BlockedByEntry {
	if len(unmet) == 0 {
		return nil
	}
	out := make([]roadmapv1.BlockedByEntry, len(unmet))
	for i, u := range unmet {
		out[i] = roadmapv1.BlockedByEntry{APIVersion: u.APIVersion, Kind: u.Kind, Namespace: u.Namespace, Name: u.Name,
			Reason: u.Reason, Message: u.Message, Stalled: u.Stalled}
	}
	return out
}

// Result is the outcome of an evaluation, ready to be written into a status.
type Result struct {
	// Ready is the status of the Ready condition.
	Ready bool
	// Reason and Message of the Ready condition.
	Reason  string
	Message string
	// Summary is the one-line printer-column text; empty when nothing blocks.
	Summary string
	// Unmet lists every unmet prerequisite, in spec order.
	Unmet []Unmet
	// Waiting is true when the object waits for other objects to change (kstatus Reconciling);
	// Broken is true when its own spec is wrong and waiting will not help (kstatus Stalled).
	Waiting bool
	Broken  bool
}

// EvaluateCapability computes a capability's readiness. A capability is Ready only when it is declared Available,
// is not on a requires cycle, and every capability it requires exists and is Ready.
func EvaluateCapability(f CapabilityFacts) (roadmapv1.CapabilityPhase, Result) {
	if len(f.Cycle) > 1 {
		msg := "dependency cycle: " + graph.FormatCycle(f.Cycle)
		return roadmapv1.CapabilityPhaseBlocked, Result{
			Reason: roadmapv1.CapabilityReasonDependencyCycle, Message: msg, Summary: msg, Broken: true,
			Unmet: []Unmet{{Kind: "Capability", Name: f.Cycle[1], Reason: roadmapv1.ReasonDependencyCycle, Message: msg,
				Stalled: true}},
		}
	}
	switch f.Lifecycle {
	case roadmapv1.LifecycleRetired:
		return roadmapv1.CapabilityPhaseRetired, Result{
			Reason: roadmapv1.CapabilityReasonNotAvailable, Message: "capability is Retired", Summary: "Retired",
		}
	case roadmapv1.LifecycleAvailable:
	default: // Planned, or empty before defaulting
		return roadmapv1.CapabilityPhasePlanned, Result{
			Reason: roadmapv1.CapabilityReasonNotAvailable, Message: "capability is Planned, not yet Available",
			Summary: "Planned", Waiting: true,
		}
	}

	var unmet []Unmet
	for _, name := range f.Requires {
		prereq, ok := f.Prerequisites[name]
		switch {
		case !ok:
			unmet = append(unmet, Unmet{Kind: "Capability", Name: name, Stalled: true,
				Reason: roadmapv1.ReasonCapabilityNotFound, Message: "capability " + name + ": not found"})
		case !prereq.Ready:
			unmet = append(unmet, Unmet{Kind: "Capability", Name: name,
				Reason: roadmapv1.ReasonCapabilityNotReady, Message: "capability " + name + ": " + prereq.Describe()})
		}
	}
	prerequisitesUnmet := len(unmet)
	for _, group := range groupChecks(f.Checks) {
		var failing []roadmapv1.CheckStatus
		stalled := false
		for _, c := range group {
			if !c.Passing {
				failing = append(failing, c)
				stalled = stalled || evidence.Broken(c)
			}
		}
		switch {
		case len(failing) == 0:
		case len(group) == 1:
			c := group[0]
			unmet = append(unmet, Unmet{APIVersion: c.APIVersion, Kind: c.Kind, Namespace: c.Namespace, Name: c.Name,
				Reason: c.Reason, Message: evidence.Describe(c), Stalled: stalled})
		default:
			// A fleet check is one entry naming its failing clusters; it is stalled when any cluster's result is.
			first := failing[0]
			unmet = append(unmet, Unmet{APIVersion: first.APIVersion, Kind: first.Kind, Namespace: first.Namespace,
				Name: first.Name, Reason: first.Reason, Message: evidence.DescribeFleet(group), Stalled: stalled})
		}
	}
	broken := anyStalled(unmet)
	if len(unmet) == 0 {
		prefix := "capability is Available"
		switch len(f.Checks) {
		case 0:
		case 1:
			prefix = "capability is Available, its check passes,"
		default:
			prefix = fmt.Sprintf("capability is Available, its %d checks pass,", len(f.Checks))
		}
		return roadmapv1.CapabilityPhaseReady, Result{
			Ready: true, Reason: roadmapv1.CapabilityReasonReady, Message: readyMessage(prefix, len(f.Requires)),
		}
	}
	res := Result{Unmet: unmet, Summary: Summarize(unmet), Message: joinMessages(unmet), Broken: broken, Waiting: !broken}
	switch {
	case hasReason(unmet, roadmapv1.ReasonCapabilityNotFound):
		res.Reason = roadmapv1.CapabilityReasonPrerequisiteNotFound
	case prerequisitesUnmet > 0:
		res.Reason = roadmapv1.CapabilityReasonPrerequisiteNotReady
	default:
		res.Reason = roadmapv1.CapabilityReasonChecksFailing
	}
	return roadmapv1.CapabilityPhaseBlocked, res
}

func readyMessage(prefix string, prerequisites int) string {
	switch prerequisites {
	case 0:
		return prefix + " and has no prerequisites"
	case 1:
		return prefix + " and its prerequisite is met"
	default:
		return fmt.Sprintf("%s and all %d prerequisites are met", prefix, prerequisites)
	}
}

// Summarize renders unmet prerequisites as one printer-column line: the first one or two messages, then how many
// more there are, e.g. "capability event-bus: Planned, capability observability: Planned (+3 more)".
func Summarize(unmet []Unmet) string {
	messages := make([]string, len(unmet))
	for i, u := range unmet {
		messages[i] = u.Message
	}
	return wording.Abbreviate(messages, 2, ", ")
}

func joinMessages(unmet []Unmet) string {
	msgs := make([]string, len(unmet))
	for i, u := range unmet {
		msgs[i] = u.Message
	}
	return strings.Join(msgs, "; ")
}

func anyStalled(unmet []Unmet) bool {
	for _, u := range unmet {
		if u.Stalled {
			return true
		}
	}
	return false
}

func hasReason(unmet []Unmet, reasons ...string) bool {
	for _, u := range unmet {
		for _, r := range reasons {
			if u.Reason == r {
				return true
			}
		}
	}
	return false
}

// groupChecks groups the results of a check in several clusters (consecutive results on the same object, from
// other clusters), so that a fleet check is one unmet prerequisite naming its failing clusters.
func groupChecks(checks []roadmapv1.CheckStatus) [][]roadmapv1.CheckStatus {
	var groups [][]roadmapv1.CheckStatus
	for i, c := range checks {
		if i > 0 && c.Cluster != "" && checks[i-1].Cluster != "" && sameObject(c, checks[i-1]) {
			groups[len(groups)-1] = append(groups[len(groups)-1], c)
			continue
		}
		groups = append(groups, []roadmapv1.CheckStatus{c})
	}
	return groups
}

func sameObject(a, b roadmapv1.CheckStatus) bool {
	return a.APIVersion == b.APIVersion && a.Kind == b.Kind && a.Namespace == b.Namespace && a.Name == b.Name
}
