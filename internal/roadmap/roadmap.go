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

// Package roadmap holds the planning rules of the roadmap as pure functions: alignment of work to goals, WSJF
// priority, sequencing of capabilities before the work that needs them, and goal rollups. Controllers and the
// kubectl plugin gather the facts; nothing here talks to a cluster or reads the clock.
package roadmap

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/conditions"
)

// ParseDate parses a YYYY-MM-DD date; ok is false when the date is empty or malformed.
func ParseDate(d roadmapv1.Date) (t time.Time, ok bool) {
	if d == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, string(d))
	return t, err == nil
}

// Alignment decides the Aligned condition of an initiative from the goals it names and which of them exist.
// Traceable is true when at least one named goal exists: such work scores on priority; untraceable work scores 0.
func Alignment(goals []string, exists func(goal string) bool) (out conditions.Outcome, traceable bool) {
	if len(goals) == 0 {
		return conditions.Outcome{Reason: roadmapv1.AlignedReasonNoGoal, Message: "not traceable to any goal: spec.goals is empty"}, false
	}
	var missing, found []string
	for _, g := range goals {
		if exists(g) {
			found = append(found, g)
		} else {
			missing = append(missing, g)
		}
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("goal %s: not found", strings.Join(missing, ", "))
		if len(found) == 0 {
			msg += "; not traceable to any goal"
		}
		return conditions.Outcome{Reason: roadmapv1.AlignedReasonGoalNotFound, Message: msg}, len(found) > 0
	}
	return conditions.Outcome{True: true, Reason: roadmapv1.AlignedReasonAligned, Message: "serves " + strings.Join(found, ", ")}, true
}

// Priority computes Weighted Shortest Job First: cost of delay (value + urgency + riskReduction) divided by job
// size (effort), as a decimal with two places. A missing estimate yields no score ("") rather than a guess;
// untraceable work scores "0.00" and the message says what it would score.
func Priority(spec roadmapv1.InitiativeSpec, traceable bool) (score string, out conditions.Outcome) {
	var missing []string
	for _, in := range []struct {
		name string
		v    *int32
	}{{"value", spec.Value}, {"urgency", spec.Urgency}, {"riskReduction", spec.RiskReduction}, {"effort", spec.Effort}} {
		if in.v == nil {
			missing = append(missing, in.name)
		}
	}
	if len(missing) > 0 {
		return "", conditions.Outcome{Reason: roadmapv1.PriorityReasonMissingEstimates,
			Message: fmt.Sprintf("no WSJF score: %s not estimated (each 1-10)", strings.Join(missing, ", "))}
	}
	costOfDelay := *spec.Value + *spec.Urgency + *spec.RiskReduction
	wsjf := fmt.Sprintf("%.2f", math.Round(float64(costOfDelay)/float64(*spec.Effort)*100)/100)
	formula := fmt.Sprintf("WSJF = (%d + %d + %d) / %d = %s", *spec.Value, *spec.Urgency, *spec.RiskReduction, *spec.Effort, wsjf)
	if !traceable {
		return "0.00", conditions.Outcome{Reason: roadmapv1.PriorityReasonUnaligned,
			Message: "scored 0: not traceable to any goal; aligned, it would score " + formula}
	}
	return wsjf, conditions.Outcome{True: true, Reason: roadmapv1.PriorityReasonScored, Message: formula}
}

// Provider is an initiative that provides a capability.
type Provider struct {
	Namespace, Name string
	TargetDate      roadmapv1.Date
	State           roadmapv1.InitiativeState
}

// Key renders the provider as namespace/name.
func (p Provider) Key() string {
	return types.NamespacedName{Namespace: p.Namespace, Name: p.Name}.String()
}

// Planned reports whether the provider still counts as a plan to build the capability: Cancelled work does not.
func (p Provider) Planned() bool { return p.State != roadmapv1.StateCancelled }

// ETA is the latest target date among the providers still under way (neither Done nor Cancelled): the
// capability is there when all of its open plans are done. Empty when no open provider has a date.
func ETA(providers []Provider) (eta roadmapv1.Date, by string) {
	var latest time.Time
	for _, p := range providers {
		if p.State == roadmapv1.StateDone || p.State == roadmapv1.StateCancelled {
			continue
		}
		if t, ok := ParseDate(p.TargetDate); ok && t.After(latest) {
			latest, eta, by = t, p.TargetDate, p.Key()
		}
	}
	return eta, by
}

// SortProviders orders providers by namespace and name, so statuses do not churn with cache order.
func SortProviders(providers []Provider) {
	sort.Slice(providers, func(i, j int) bool { return providers[i].Key() < providers[j].Key() })
}

// ScheduleConflict decides the ScheduleConflict condition: True when a required capability that is not Ready
// yet is planned (ETA) to arrive after the initiative's own target date. ready and providers are keyed by
// capability name.
func ScheduleConflict(target roadmapv1.Date, requires []string, ready map[string]bool,
	providers map[string][]Provider) conditions.Outcome {
	targetTime, ok := ParseDate(target)
	if !ok {
		return conditions.Outcome{Reason: roadmapv1.ScheduleReasonNoTargetDate, Message: "no targetDate to check the plan against"}
	}
	var conflicts []string
	for _, c := range requires {
		if ready[c] {
			continue
		}
		eta, by := ETA(providers[c])
		if etaTime, ok := ParseDate(eta); ok && etaTime.After(targetTime) {
			conflicts = append(conflicts, fmt.Sprintf("capability %s arrives %s (%s), after this initiative's target %s",
				c, eta, by, target))
		}
	}
	if len(conflicts) == 0 {
		return conditions.Outcome{Reason: roadmapv1.ScheduleReasonNoConflict, Message: "every required capability is Ready or planned by " + string(target)}
	}
	return conditions.Outcome{True: true, Reason: roadmapv1.ScheduleReasonProviderLate, Message: strings.Join(conflicts, "; ")}
}
