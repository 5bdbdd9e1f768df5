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
	"fmt"
	"io"
	"sort"
	"strings"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// RenderPlan writes a plan as a table (text) or as a Mermaid Gantt chart (mermaid), critical path marked.
func RenderPlan(w io.Writer, p *roadmapview.PlanResult, format string, st Style) error {
	switch format {
	case "text":
		return renderPlanText(w, p, st)
	case "mermaid":
		return renderPlanMermaid(w, p)
	}
	return fmt.Errorf("unknown plan format %q: use text or mermaid", format)
}

func renderPlanText(w io.Writer, p *roadmapview.PlanResult, st Style) error {
	ew := &errWriter{w: w}
	scope := "all namespaces"
	if p.Namespace != "" {
		scope = "namespace " + p.Namespace
	}
	ew.printf("Plan for %s as of %s (* critical path)\n\n", scope, p.Today)
	if len(p.Tasks) == 0 {
		ew.println("No initiative has a target date.")
	}
	header := []string{"", "INITIATIVE", "OWNER", "PHASE", "START", "TARGET", "AFTER"}
	rows := [][]string{header}
	healths := []roadmapview.Health{roadmapview.HealthUnknown}
	for _, t := range p.Tasks {
		mark := ""
		if t.Critical {
			mark = "*"
		}
		after := strings.Join(t.After, ", ")
		if t.Conflict != "" {
			after = joinNonEmpty(" ", after, "(conflict: "+t.Conflict+")")
		}
		if t.OnCycle {
			after = joinNonEmpty(" ", after, "(dependency cycle)")
		}
		rows = append(rows, []string{mark, t.Key(), t.Owner, t.Phase, t.Start, t.TargetDate, after})
		healths = append(healths, roadmapview.HealthOfInitiativePhase(t.Phase))
	}
	if len(p.Tasks) > 0 {
		widths := make([]int, len(header))
		for _, r := range rows {
			for i, c := range r {
				widths[i] = max(widths[i], width(c))
			}
		}
		for ri, r := range rows {
			var b strings.Builder
			for i, c := range r {
				cell := pad(c, widths[i])
				switch {
				case ri > 0 && i == 3:
					cell = st.Paint(healths[ri], c) + strings.Repeat(" ", widths[i]-width(c))
				case ri > 0 && i == 0 && c != "":
					cell = st.Bold(cell)
				}
				if i > 0 {
					b.WriteString("  ")
				}
				b.WriteString(cell)
			}
			ew.println(strings.TrimRight(b.String(), " "))
		}
	}
	if len(p.CriticalPath) > 0 {
		steps := make([]string, len(p.CriticalPath))
		for i, k := range p.CriticalPath {
			steps[i] = k + " (" + targetOf(p, k) + ")"
		}
		ew.println("")
		ew.println(st.Bold("Critical path: ") + strings.Join(steps, " → "))
	}
	if len(p.Unscheduled) > 0 {
		ew.println("")
		ew.println("Unscheduled (no targetDate): " + strings.Join(p.Unscheduled, ", "))
	}
	if p.Note != "" {
		ew.println("")
		ew.println("Note: " + p.Note)
	}
	return ew.err
}

func targetOf(p *roadmapview.PlanResult, key string) string {
	for _, t := range p.Tasks {
		if t.Key() == key {
			return t.TargetDate
		}
	}
	return ""
}

// renderPlanMermaid writes a Gantt chart: one section per owner, a bar per initiative from its earliest start
// (`after` its prerequisites) to its target date; critical tasks are tagged crit, Done ones done, Active ones
// active; a task that cannot start before its target date is a milestone, marked as a conflict when the
// operator's ScheduleConflict condition says so.
func renderPlanMermaid(w io.Writer, p *roadmapview.PlanResult) error {
	ew := &errWriter{w: w}
	keys := make([]string, len(p.Tasks))
	for i, t := range p.Tasks {
		keys[i] = t.Key()
	}
	ids := mermaidIDs(keys)
	ew.println("gantt")
	ew.printf("  title Roadmap plan as of %s (critical path: crit)\n", p.Today)
	ew.println("  dateFormat YYYY-MM-DD")
	ew.println("  axisFormat %Y-%m")
	owners := map[string][]roadmapview.PlanTask{}
	var names []string
	for _, t := range p.Tasks {
		o := roadmapview.OwnerOrNone(t.Owner)
		if owners[o] == nil {
			names = append(names, o)
		}
		owners[o] = append(owners[o], t)
	}
	sort.Slice(names, func(i, j int) bool { return roadmapview.OwnerLess(names[i], names[j]) })
	for _, o := range names {
		ew.printf("  section %s\n", mermaidText(o))
		for _, t := range owners[o] {
			var tags []string
			if t.Critical {
				tags = append(tags, "crit")
			}
			switch {
			case t.Phase == string(roadmapv1.PhaseDone):
				tags = append(tags, "done")
			case t.State == string(roadmapv1.StateActive):
				tags = append(tags, "active")
			}
			name := t.Key()
			var when string
			switch {
			case t.Conflict != "":
				name += " ⚠ conflict"
				tags = append(tags, "milestone")
				when = t.TargetDate + ", 0d"
			case t.Start >= t.TargetDate:
				tags = append(tags, "milestone")
				when = t.TargetDate + ", 0d"
			case len(t.After) > 0:
				var after []string
				for _, a := range t.After {
					after = append(after, ids[a])
				}
				when = "after " + strings.Join(after, " ") + ", " + t.TargetDate
			default:
				when = t.Start + ", " + t.TargetDate
			}
			tags = append(tags, ids[t.Key()])
			ew.printf("    %s :%s, %s\n", mermaidText(name), strings.Join(tags, ", "), when)
		}
	}
	if len(p.CriticalPath) > 0 {
		ew.printf("  %%%% critical path: %s\n", strings.Join(p.CriticalPath, " -> "))
	}
	for _, t := range p.Tasks {
		if t.Conflict != "" {
			ew.printf("  %%%% conflict: %s: %s\n", t.Key(), t.Conflict)
		}
	}
	if len(p.Unscheduled) > 0 {
		ew.printf("  %%%% unscheduled (no targetDate): %s\n", strings.Join(p.Unscheduled, ", "))
	}
	return ew.err
}

// mermaidText removes the characters that end a Mermaid Gantt name (':' starts the task data, '#' and ';'
// are comment and statement separators).
func mermaidText(s string) string {
	return strings.NewReplacer(":", " ", "#", " ", ";", " ").Replace(s)
}
