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
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/conditions"
	"github.com/roadmap-operator/roadmap-operator/internal/graph"
	"github.com/roadmap-operator/roadmap-operator/internal/wording"
)

// Contribution is what a goal reads of an initiative that serves it or one of its descendant goals.
type Contribution struct {
	Namespace, Name  string
	Track            roadmapv1.Track
	Phase            roadmapv1.InitiativePhase
	Value            *int32
	TargetDate       roadmapv1.Date
	ScheduleConflict bool
	// StartedEarly is true while the initiative's StartedEarly condition is True: Active before its platform is
	// ready.
	StartedEarly bool
}

// Key renders the contribution as namespace/name.
func (c Contribution) Key() string {
	return types.NamespacedName{Namespace: c.Namespace, Name: c.Name}.String()
}

// GoalFacts is the snapshot a goal's status is computed from.
type GoalFacts struct {
	Name       string
	TargetDate roadmapv1.Date
	// MissingParent is the name of the parent goal when it does not exist.
	MissingParent string
	// Cycle is the parent cycle through this goal, [self, ..., self], or nil.
	Cycle []string
	// Contributions are the initiatives serving this goal or a descendant, each once.
	Contributions []Contribution
	KeyResults    []roadmapv1.KeyResult
	Now           time.Time
}

// GoalResult is a goal's computed status.
type GoalResult struct {
	Ready    conditions.Outcome
	Broken   bool
	AtRisk   conditions.Outcome
	Counts   roadmapv1.InitiativeCounts
	Progress int32
	// KeyResults and KeyResultAttainment report the key results.
	KeyResults          []roadmapv1.KeyResultStatus
	KeyResultAttainment *int32
	// NextCheck is when AtRisk can change although no object does (a blocked initiative's target date passes):
	// the controller re-evaluates then. Zero when no such moment is ahead.
	NextCheck time.Time
}

// EvaluateGoal rolls up the contributions of a goal, decides whether it is at risk and reports key results.
func EvaluateGoal(f GoalFacts) GoalResult {
	res := GoalResult{Counts: Count(f.Contributions), Progress: Progress(f.Contributions)}
	res.AtRisk, res.NextCheck = AtRisk(f.TargetDate, f.Contributions, f.Now)
	res.KeyResults, res.KeyResultAttainment = KeyResults(f.KeyResults)
	switch {
	case f.Cycle != nil:
		res.Ready = conditions.Outcome{Reason: roadmapv1.GoalReasonDependencyCycle, Message: "dependency cycle: " + graph.FormatCycle(f.Cycle)}
		res.Broken = true
	case f.MissingParent != "":
		res.Ready = conditions.Outcome{Reason: roadmapv1.GoalReasonParentNotFound, Message: "parent goal " + f.MissingParent + ": not found"}
		res.Broken = true
	case res.Counts.Total == 0:
		res.Ready = conditions.Outcome{True: true, Reason: roadmapv1.GoalReasonNoInitiatives, Message: "no initiative serves this goal or its sub-goals"}
	default:
		res.Ready = conditions.Outcome{True: true, Reason: roadmapv1.GoalReasonRollup, Message: describeCounts(res.Counts)}
	}
	return res
}

// Count counts contributions by phase and track.
func Count(cs []Contribution) roadmapv1.InitiativeCounts {
	var n roadmapv1.InitiativeCounts
	for _, c := range cs {
		n.Total++
		switch c.Phase {
		case roadmapv1.PhaseReady:
			n.Ready++
		case roadmapv1.PhaseBlocked:
			n.Blocked++
		case roadmapv1.PhaseDone:
			n.Done++
		case roadmapv1.PhaseCancelled:
			n.Cancelled++
		}
		switch c.Track {
		case roadmapv1.TrackInnovation:
			n.Innovation++
		case roadmapv1.TrackOperations:
			n.Operations++
		}
		if c.StartedEarly {
			n.StartedEarly++
		}
	}
	return n
}

func describeCounts(n roadmapv1.InitiativeCounts) string {
	parts := []string{}
	for _, p := range []struct {
		n    int32
		name string
	}{{n.Ready, "ready"}, {n.Blocked, "blocked"}, {n.Done, "done"}, {n.Cancelled, "cancelled"},
		{n.StartedEarly, "started early"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	noun := "initiatives"
	if n.Total == 1 {
		noun = "initiative"
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d %s", n.Total, noun)
	}
	return fmt.Sprintf("%d %s: %s", n.Total, noun, strings.Join(parts, ", "))
}

// Progress is the value-weighted share of contributions that are Done, in whole percent (rounded down):
// sum(value of Done) / sum(value of all but Cancelled). An initiative without a value weighs 1; cancelled work
// is left out, so cancelling work neither advances nor sets back a goal.
func Progress(cs []Contribution) int32 {
	var done, total int64
	for _, c := range cs {
		if c.Phase == roadmapv1.PhaseCancelled {
			continue
		}
		w := int64(1)
		if c.Value != nil {
			w = int64(*c.Value)
		}
		total += w
		if c.Phase == roadmapv1.PhaseDone {
			done += w
		}
	}
	if total == 0 {
		return 0
	}
	return int32(done * 100 / total)
}

// endOfDay is the first instant after a date (UTC): a target date is met during the whole day.
func endOfDay(t time.Time) time.Time { return t.Add(24 * time.Hour) }

type offence struct {
	key      string
	severity int // higher is worse
	days     int // how far past or late, to rank within a severity
	text     string
}

// AtRisk decides the AtRisk condition of a goal. Open work (not Done or Cancelled) puts a goal at risk when it is
// Blocked past its own target date, started before its platform is ready (StartedEarly), is in schedule conflict,
// or targets a date after the goal's. The message names the worst offenders first. next is when a Blocked initiative's target date will pass, if ever.
func AtRisk(goalTarget roadmapv1.Date, cs []Contribution, now time.Time) (out conditions.Outcome, next time.Time) {
	goalTime, hasGoalTime := ParseDate(goalTarget)
	var offences []offence
	for _, c := range cs {
		if c.Phase == roadmapv1.PhaseDone || c.Phase == roadmapv1.PhaseCancelled {
			continue
		}
		target, hasTarget := ParseDate(c.TargetDate)
		var worst *offence
		consider := func(o offence) {
			if worst == nil || o.severity > worst.severity {
				worst = &o
			}
		}
		if c.Phase == roadmapv1.PhaseBlocked && hasTarget {
			if due := endOfDay(target); !now.Before(due) {
				consider(offence{c.Key(), 3, int(now.Sub(due).Hours() / 24),
					fmt.Sprintf("%s: blocked past its target date %s", c.Key(), c.TargetDate)})
			} else if next.IsZero() || due.Before(next) {
				next = due
			}
		}
		if c.StartedEarly {
			consider(offence{c.Key(), 2, 0, c.Key() + ": started before its platform is ready"})
		}
		if c.ScheduleConflict {
			consider(offence{c.Key(), 2, 0, c.Key() + ": in schedule conflict"})
		}
		if hasTarget && hasGoalTime && target.After(goalTime) {
			consider(offence{c.Key(), 1, int(target.Sub(goalTime).Hours() / 24),
				fmt.Sprintf("%s: targets %s, after the goal's %s", c.Key(), c.TargetDate, goalTarget)})
		}
		if worst != nil {
			offences = append(offences, *worst)
		}
	}
	if len(offences) == 0 {
		return conditions.Outcome{Reason: roadmapv1.GoalReasonOnTrack,
			Message: "no contributing initiative is late, blocked past its date or in schedule conflict"}, next
	}
	sort.SliceStable(offences, func(i, j int) bool {
		a, b := offences[i], offences[j]
		if a.severity != b.severity {
			return a.severity > b.severity
		}
		if a.days != b.days {
			return a.days > b.days
		}
		return a.key < b.key
	})
	texts := make([]string, len(offences))
	for i, o := range offences {
		texts[i] = o.text
	}
	return conditions.Outcome{True: true, Reason: roadmapv1.GoalReasonInitiativesAtRisk, Message: wording.Abbreviate(texts, 3, "; ")}, next
}

// parseNumber reads a key-result value such as "60", "99.9" or "50%".
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

// KeyResults reports each key result's attainment, (current - baseline) / (target - baseline) in percent clamped
// to 0-100 (baseline 0 when unset, so lower-is-better results need a baseline), and the mean over the measured
// ones. A key result without a numeric current value is reported as not yet measured.
func KeyResults(krs []roadmapv1.KeyResult) ([]roadmapv1.KeyResultStatus, *int32) {
	if len(krs) == 0 {
		return nil, nil
	}
	out := make([]roadmapv1.KeyResultStatus, len(krs))
	var sum, measured int64
	for i, kr := range krs {
		st := roadmapv1.KeyResultStatus{Description: kr.Description}
		target, okTarget := parseNumber(kr.Target)
		baseline := 0.0
		okBaseline := true
		if kr.Baseline != nil {
			baseline, okBaseline = parseNumber(*kr.Baseline)
		}
		switch {
		case kr.Current == nil || strings.TrimSpace(*kr.Current) == "":
			st.Message = "not yet measured"
		case !okTarget:
			st.Message = fmt.Sprintf("target %q is not a number; attainment is not computed", kr.Target)
		case !okBaseline:
			st.Message = fmt.Sprintf("baseline %q is not a number; attainment is not computed", *kr.Baseline)
		case target == baseline:
			st.Message = "target equals baseline; attainment is not computed"
		default:
			current, ok := parseNumber(*kr.Current)
			if !ok {
				st.Message = fmt.Sprintf("current %q is not a number; not yet measured", *kr.Current)
				break
			}
			pct := math.Round((current - baseline) / (target - baseline) * 100)
			attainment := int32(math.Max(0, math.Min(100, pct)))
			st.Measured, st.Attainment = true, &attainment
			st.Message = fmt.Sprintf("%s of %s (from %s): %d%%", trimNumber(current), trimNumber(target), trimNumber(baseline), attainment)
			sum += int64(attainment)
			measured++
		}
		out[i] = st
	}
	if measured == 0 {
		return out, nil
	}
	mean := int32(sum / measured)
	return out, &mean
}

func trimNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
