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
	"time"

	"k8s.io/apimachinery/pkg/types"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/graph"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmap"
)

// PlanTask is one initiative on the plan.
type PlanTask struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Title     string `json:"title,omitempty"`
	Owner     string `json:"owner,omitempty"`
	Phase     string `json:"phase"`
	State     string `json:"state"`
	// Start is the earliest day the work can start: when its last prerequisite is due, or today.
	Start      string `json:"start"`
	TargetDate string `json:"targetDate"`
	// After lists the prerequisites on the plan (dependsOn, and providers of required capabilities).
	After []string `json:"after,omitempty"`
	// Critical marks the tasks on the critical path.
	Critical bool `json:"critical,omitempty"`
	// Conflict is the message of the initiative's ScheduleConflict condition while it is True: the operator's
	// verdict (a required capability that is not Ready arrives after this target date), never the plan's own.
	Conflict string `json:"conflict,omitempty"`
	// OnCycle marks tasks whose prerequisites form a cycle (the operator reports DependencyCycle).
	OnCycle bool `json:"onCycle,omitempty"`
}

// Key is namespace/name.
func (t PlanTask) Key() string {
	return types.NamespacedName{Namespace: t.Namespace, Name: t.Name}.String()
}

// PlanResult is a plan of initiatives by target date.
type PlanResult struct {
	Today     string     `json:"today"`
	Namespace string     `json:"namespace,omitempty"`
	Tasks     []PlanTask `json:"tasks"`
	// CriticalPath is the chain of open initiatives that determines when the plan ends, first to last.
	CriticalPath []string `json:"criticalPath,omitempty"`
	// Unscheduled are open initiatives without a target date, which cannot be placed.
	Unscheduled []string `json:"unscheduled,omitempty"`
	Note        string   `json:"note,omitempty"`
}

// Plan lays the initiatives of a view out by target date. Edges are dependsOn and provider -> requirer (an
// initiative waits for the initiatives providing the capabilities it requires). Cancelled initiatives are left
// out; Done ones are shown but cannot be critical. A task's start may fall after its target date when a
// prerequisite is due later; that is a conflict only when the operator says so (ScheduleConflict).
func Plan(s *Snapshot, v View, namespace string, now time.Time) *PlanResult {
	day := Today(now)
	res := &PlanResult{Today: day.Format(time.DateOnly), Namespace: namespace, Tasks: []PlanTask{}, Note: s.Limited}
	dates := map[string]time.Time{}
	index := map[string]int{}
	for _, ini := range v.Initiatives {
		if ini.Status.Phase == roadmapv1.PhaseCancelled || ini.Spec.State == roadmapv1.StateCancelled {
			continue
		}
		target, ok := roadmap.ParseDate(ini.Spec.TargetDate)
		if !ok {
			if Open(ini) {
				res.Unscheduled = append(res.Unscheduled, KeyOf(ini).String())
			}
			continue
		}
		t := PlanTask{Namespace: ini.Namespace, Name: ini.Name, Title: ini.Spec.Title, Owner: ini.Spec.Owner,
			Phase: InitiativePhase(ini), State: string(StateOf(ini)), TargetDate: string(ini.Spec.TargetDate),
			Conflict: ScheduleConflictOf(ini)}
		dates[t.Key()] = target
		index[t.Key()] = len(res.Tasks)
		res.Tasks = append(res.Tasks, t)
	}
	var openKeys []string
	for _, ini := range v.Initiatives {
		i, ok := index[KeyOf(ini).String()]
		if !ok {
			continue
		}
		t := &res.Tasks[i]
		start := day
		if target := dates[t.Key()]; target.Before(start) {
			start = target
		}
		var latest time.Time
		for _, p := range s.Prerequisites(ini) {
			d, ok := dates[p.String()]
			if !ok {
				continue
			}
			t.After = append(t.After, p.String())
			if d.After(latest) {
				latest = d
			}
		}
		if len(t.After) > 0 {
			start = latest
		}
		t.Start = start.Format(time.DateOnly)
		if Open(ini) {
			openKeys = append(openKeys, t.Key())
		}
	}

	after := map[string][]string{}
	for _, t := range res.Tasks {
		after[t.Key()] = t.After
	}
	path, cyclic := graph.CriticalPath(openKeys, graph.MapEdges(after), func(k string) int64 {
		return dates[k].Unix() / 86400
	})
	res.CriticalPath = path
	for _, k := range path {
		res.Tasks[index[k]].Critical = true
	}
	for _, k := range cyclic {
		res.Tasks[index[k]].OnCycle = true
	}
	sort.SliceStable(res.Tasks, func(i, j int) bool {
		a, b := res.Tasks[i], res.Tasks[j]
		if a.TargetDate != b.TargetDate {
			return a.TargetDate < b.TargetDate
		}
		return a.Key() < b.Key()
	})
	return res
}
