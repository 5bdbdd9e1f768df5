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
	"sort"
	"strconv"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// StandupItem is one initiative or capability worth telling a standup about.
type StandupItem struct {
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	Title      string `json:"title,omitempty"`
	Phase      string `json:"phase"`
	Priority   string `json:"priority,omitempty"`
	TargetDate string `json:"targetDate,omitempty"`
	// Changed is when the Ready condition last flipped, for items that became Ready or Blocked, and the
	// initiative's status.completedAt for those that became Done or Cancelled.
	Changed *metav1.Time `json:"changed,omitempty"`
	// DaysLate is how many days the target date has passed, for items past it.
	DaysLate int    `json:"daysLate,omitempty"`
	Message  string `json:"message,omitempty"`
}

// StandupTeam is what a standup tells one owner.
type StandupTeam struct {
	Owner         string        `json:"owner"`
	BecameReady   []StandupItem `json:"becameReady,omitempty"`
	BecameBlocked []StandupItem `json:"becameBlocked,omitempty"`
	// BecameDone and BecameCancelled are initiatives whose status.completedAt is within the window.
	BecameDone      []StandupItem `json:"becameDone,omitempty"`
	BecameCancelled []StandupItem `json:"becameCancelled,omitempty"`
	PastTargetDate  []StandupItem `json:"pastTargetDate,omitempty"`
	// StartedEarly lists work declared Active before its platform is ready (condition StartedEarly), whenever
	// it started: it is a state to resolve, not a change.
	StartedEarly []StandupItem `json:"startedEarly,omitempty"`
}

// StandupResult is the standup: per team, what became Ready, what became Blocked and what is past its target
// date, each sorted by priority.
type StandupResult struct {
	Now   metav1.Time `json:"now"`
	Since metav1.Time `json:"since"`
	// Namespace the initiatives are from; empty for all namespaces.
	Namespace string        `json:"namespace,omitempty"`
	Teams     []StandupTeam `json:"teams"`
	Note      string        `json:"note,omitempty"`
	// Untraced is, per namespace that opts in with roadmap.dev/workloads, the work no initiative explains.
	Untraced []workloads.Report `json:"untraced,omitempty"`
}

// Standup computes a standup from the snapshot: Ready conditions that flipped within the window (Ready=True:
// became Ready; Ready=False in phase Blocked: became Blocked), initiatives that finished within it (their
// status.completedAt: became Done or Cancelled, never "became Ready"), and open initiatives whose target date is
// before today. Capabilities are cluster-scoped and always included: a capability that became Ready unblocks others.
func Standup(s *Snapshot, now time.Time, window time.Duration) *StandupResult {
	res := &StandupResult{Now: metav1.NewTime(now), Since: metav1.NewTime(now.Add(-window)), Namespace: s.Namespace,
		Note: s.Limited, Teams: []StandupTeam{}, Untraced: s.Untraced}
	teams := map[string]*StandupTeam{}
	team := func(owner string) *StandupTeam {
		owner = OwnerOrNone(owner)
		if teams[owner] == nil {
			teams[owner] = &StandupTeam{Owner: owner}
		}
		return teams[owner]
	}
	changed := func(cond *metav1.Condition) bool {
		return cond != nil && !cond.LastTransitionTime.Time.Before(res.Since.Time) &&
			!cond.LastTransitionTime.After(now)
	}

	for i := range s.Initiatives {
		ini := &s.Initiatives[i]
		item := StandupItem{Kind: "Initiative", Namespace: ini.Namespace, Name: ini.Name, Title: ini.Spec.Title,
			Phase: InitiativePhase(ini), Priority: ini.Status.PriorityScore, TargetDate: string(ini.Spec.TargetDate)}
		cond := ReadyCondition(ini.Status.Conditions)
		finished := ini.Status.Phase == roadmapv1.PhaseDone || ini.Status.Phase == roadmapv1.PhaseCancelled
		switch {
		case finished && ini.Status.CompletedAt != nil && changed(&metav1.Condition{LastTransitionTime: *ini.Status.CompletedAt}):
			it := item
			it.Changed = ini.Status.CompletedAt
			if ini.Status.Phase == roadmapv1.PhaseDone {
				team(ini.Spec.Owner).BecameDone = append(team(ini.Spec.Owner).BecameDone, it)
			} else {
				team(ini.Spec.Owner).BecameCancelled = append(team(ini.Spec.Owner).BecameCancelled, it)
			}
		case finished:
			// Finished before the window (or by a release that did not record when): nothing to tell.
		case changed(cond) && cond.Status == metav1.ConditionTrue:
			it := item
			it.Changed = &cond.LastTransitionTime
			team(ini.Spec.Owner).BecameReady = append(team(ini.Spec.Owner).BecameReady, it)
		case changed(cond) && ini.Status.Phase == roadmapv1.PhaseBlocked:
			it := item
			it.Changed, it.Message = &cond.LastTransitionTime, ini.Status.Summary
			team(ini.Spec.Owner).BecameBlocked = append(team(ini.Spec.Owner).BecameBlocked, it)
		}
		if early := apimeta.FindStatusCondition(ini.Status.Conditions, roadmapv1.ConditionStartedEarly); early != nil &&
			early.Status == metav1.ConditionTrue {
			it := item
			it.Message = early.Message
			team(ini.Spec.Owner).StartedEarly = append(team(ini.Spec.Owner).StartedEarly, it)
		}
		if days, ok := DaysPast(ini.Spec.TargetDate, now); ok && days > 0 && Open(ini) {
			it := item
			it.DaysLate, it.Message = days, ini.Status.Summary
			team(ini.Spec.Owner).PastTargetDate = append(team(ini.Spec.Owner).PastTargetDate, it)
		}
	}
	for i := range s.Capabilities {
		c := &s.Capabilities[i]
		item := StandupItem{Kind: "Capability", Name: c.Name, Title: c.Spec.Title, Phase: CapabilityPhase(c),
			TargetDate: string(c.Status.ETA)}
		cond := ReadyCondition(c.Status.Conditions)
		switch {
		case changed(cond) && cond.Status == metav1.ConditionTrue:
			item.Changed = &cond.LastTransitionTime
			team(c.Spec.Owner).BecameReady = append(team(c.Spec.Owner).BecameReady, item)
		case changed(cond) && c.Status.Phase == roadmapv1.CapabilityPhaseBlocked:
			item.Changed, item.Message = &cond.LastTransitionTime, c.Status.Summary
			team(c.Spec.Owner).BecameBlocked = append(team(c.Spec.Owner).BecameBlocked, item)
		}
	}

	owners := make([]string, 0, len(teams))
	for o := range teams {
		owners = append(owners, o)
	}
	sort.Slice(owners, func(i, j int) bool { return OwnerLess(owners[i], owners[j]) })
	for _, o := range owners {
		t := teams[o]
		sortByPriority(t.BecameReady)
		sortByPriority(t.BecameBlocked)
		sortByPriority(t.BecameDone)
		sortByPriority(t.BecameCancelled)
		sortByPriority(t.PastTargetDate)
		sortByPriority(t.StartedEarly)
		res.Teams = append(res.Teams, *t)
	}
	return res
}

// priorityValue parses a priority score ("3.20"); ok is false when there is none.
func priorityValue(score string) (float64, bool) {
	if score == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(score, 64)
	return f, err == nil
}

// sortByPriority orders items by priority score, highest first, items without a score last; then by kind,
// namespace and name.
func sortByPriority(items []StandupItem) {
	sort.SliceStable(items, func(i, j int) bool {
		a, okA := priorityValue(items[i].Priority)
		b, okB := priorityValue(items[j].Priority)
		switch {
		case okA != okB:
			return okA
		case okA && a != b:
			return a > b
		}
		ka := items[i].Kind + "/" + types.NamespacedName{Namespace: items[i].Namespace, Name: items[i].Name}.String()
		kb := items[j].Kind + "/" + types.NamespacedName{Namespace: items[j].Namespace, Name: items[j].Name}.String()
		return ka < kb
	})
}
