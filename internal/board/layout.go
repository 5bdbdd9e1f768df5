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

package board

import (
	"sort"
	"time"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmap"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// Timeline geometry, in SVG user units.
const (
	TimelinePlotWidth = 1000.0
	TimelineGutter    = 180.0
	TimelineRow       = 22.0
	TimelineLaneHead  = 20.0
	TimelineAxis      = 24.0
	// TimelineLabelRoom is the room right of the plot for the labels of the bars that end last.
	TimelineLabelRoom = 380.0
)

// Timeline is the plan laid out: one swimlane per owner, a row per initiative, bars from start to target.
type Timeline struct {
	Start string  `json:"start"`
	End   string  `json:"end"`
	Width float64 `json:"width"`
	// Height includes the axis.
	Height float64 `json:"height"`
	// TodayX is where the "today" line is drawn.
	TodayX float64 `json:"todayX"`
	Lanes  []Lane  `json:"lanes"`
	Bars   []Bar   `json:"bars"`
	Ticks  []Tick  `json:"ticks"`
	// Unscheduled are open initiatives without a target date, which cannot be placed.
	Unscheduled []string `json:"unscheduled,omitempty"`
}

// Lane is an owner's swimlane.
type Lane struct {
	Owner  string  `json:"owner"`
	Y      float64 `json:"y"`
	Height float64 `json:"height"`
}

// Bar is one initiative on the timeline.
type Bar struct {
	Node  string  `json:"node"`
	Label string  `json:"label"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	W     float64 `json:"w"`
	Start string  `json:"start"`
	End   string  `json:"end"`
	Phase string  `json:"phase"`
	// Health and Glyph as on nodes; Track is Innovation or Operations.
	Health string `json:"health"`
	Glyph  string `json:"glyph"`
	Track  string `json:"track,omitempty"`
	// Critical marks the critical path; Conflict is the message of the operator's ScheduleConflict condition;
	// PastDue marks open work whose target date has passed; Milestone a bar of no length.
	Critical  bool     `json:"critical,omitempty"`
	Conflict  string   `json:"conflict,omitempty"`
	PastDue   bool     `json:"pastDue,omitempty"`
	Milestone bool     `json:"milestone,omitempty"`
	OnCycle   bool     `json:"onCycle,omitempty"`
	After     []string `json:"after,omitempty"`
}

// Tick is a month boundary on the axis.
type Tick struct {
	X     float64 `json:"x"`
	Label string  `json:"label"`
}

// LayoutTimeline places the tasks of a plan, and the Cancelled initiatives the plan leaves out, on a time axis
// from a week before the earliest start (or today) to two weeks after the latest target (or today).
func LayoutTimeline(p *roadmapview.PlanResult, cancelled []roadmapview.PlanTask, now time.Time) Timeline {
	day := dateOnly(now)
	tasks := append(append([]roadmapview.PlanTask{}, p.Tasks...), cancelled...)
	first, last := day, day
	for _, t := range tasks {
		if s, ok := parse(t.Start); ok && s.Before(first) {
			first = s
		}
		if e, ok := parse(t.TargetDate); ok && e.After(last) {
			last = e
		}
	}
	first, last = first.AddDate(0, 0, -7), last.AddDate(0, 0, 14)
	days := last.Sub(first).Hours() / 24
	scale := TimelinePlotWidth / days
	x := func(t time.Time) float64 { return TimelineGutter + t.Sub(first).Hours()/24*scale }

	tl := Timeline{Start: first.Format(time.DateOnly), End: last.Format(time.DateOnly),
		Width: TimelineGutter + TimelinePlotWidth + TimelineLabelRoom, TodayX: x(day), Lanes: []Lane{}, Bars: []Bar{}, Ticks: []Tick{},
		Unscheduled: p.Unscheduled}
	for m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0); m.Before(last); m = m.AddDate(0, 1, 0) {
		tl.Ticks = append(tl.Ticks, Tick{X: x(m), Label: m.Format("2006-01")})
	}

	critical := map[string]bool{}
	for _, k := range p.CriticalPath {
		critical[k] = true
	}
	byOwner := map[string][]roadmapview.PlanTask{}
	for _, t := range tasks {
		byOwner[roadmapview.OwnerOrNone(t.Owner)] = append(byOwner[roadmapview.OwnerOrNone(t.Owner)], t)
	}
	owners := make([]string, 0, len(byOwner))
	for o := range byOwner {
		owners = append(owners, o)
	}
	sort.Slice(owners, func(i, j int) bool {
		if (owners[i] == "(no owner)") != (owners[j] == "(no owner)") {
			return owners[j] == "(no owner)"
		}
		return owners[i] < owners[j]
	})
	y := TimelineAxis
	for _, o := range owners {
		lane := Lane{Owner: o, Y: y}
		y += TimelineLaneHead
		ts := byOwner[o]
		sort.SliceStable(ts, func(i, j int) bool {
			if ts[i].Start != ts[j].Start {
				return ts[i].Start < ts[j].Start
			}
			return ts[i].Key() < ts[j].Key()
		})
		for _, t := range ts {
			start, _ := parse(t.Start)
			end, _ := parse(t.TargetDate)
			h := roadmapview.HealthOfInitiativePhase(t.Phase)
			b := Bar{Node: initiativeID(t.Namespace, t.Name), Label: t.Key(), X: x(start), Y: y, W: x(end) - x(start),
				Start: t.Start, End: t.TargetDate, Phase: t.Phase, Health: h.Class(), Glyph: h.Glyph(),
				Critical: critical[t.Key()], Conflict: t.Conflict, OnCycle: t.OnCycle, After: t.After,
				PastDue: end.Before(day) && t.Phase != string(roadmapv1.PhaseDone) && t.Phase != string(roadmapv1.PhaseCancelled)}
			if t.Title != "" {
				b.Label = t.Title
			}
			if b.W <= 0 {
				b.W, b.Milestone = 0, true
			}
			tl.Bars = append(tl.Bars, b)
			y += TimelineRow
		}
		lane.Height = y - lane.Y
		tl.Lanes = append(tl.Lanes, lane)
	}
	tl.Height = y + 4
	return tl
}

// Tracks are filled in by the model, which knows each initiative's spec.
func (tl *Timeline) setTracks(nodes []Node) {
	track := map[string]string{}
	for _, n := range nodes {
		track[n.ID] = n.Track
	}
	for i := range tl.Bars {
		tl.Bars[i].Track = track[tl.Bars[i].Node]
	}
}

func parse(date string) (time.Time, bool) { return roadmap.ParseDate(roadmapv1.Date(date)) }

func dateOnly(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Graph geometry.
const (
	GraphColumn = 240.0
	GraphRow    = 44.0
	GraphNodeW  = 200.0
	GraphNodeH  = 32.0
)

// GraphView places the nodes of the dependency graph in columns, prerequisites to the left of what needs them:
// a capability left of the initiatives requiring it and right of the initiatives providing it, goals right of the
// initiatives serving them, parent goals right of their children.
type GraphView struct {
	Width  float64             `json:"width"`
	Height float64             `json:"height"`
	Places map[string]GraphPos `json:"places"`
}

// GraphPos is the top-left corner of a node's box.
type GraphPos struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// LayoutGraph layers the graph by longest path (nodes on a cycle are placed after the rest), then orders each
// column by the mean row of each node's neighbours in the column before, which keeps most edges short.
func LayoutGraph(nodes []Node, edges []Edge) GraphView {
	index := map[string]int{}
	for i, n := range nodes {
		index[n.ID] = i
	}
	succ := make([][]int, len(nodes))
	pred := make([][]int, len(nodes))
	indeg := make([]int, len(nodes))
	for _, e := range edges {
		a, okA := index[e.From]
		b, okB := index[e.To]
		if !okA || !okB || a == b {
			continue
		}
		// before -> after: the prerequisite, the provider, the serving initiative, the child goal come first.
		before, after := b, a
		switch e.Label {
		case "provides", "serves", "part of":
			before, after = a, b
		}
		succ[before] = append(succ[before], after)
		pred[after] = append(pred[after], before)
		indeg[after]++
	}
	rank := make([]int, len(nodes))
	done := make([]bool, len(nodes))
	queue := []int{}
	for i := range nodes {
		if indeg[i] == 0 {
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		done[i] = true
		for _, j := range succ[i] {
			rank[j] = max(rank[j], rank[i]+1)
			if indeg[j]--; indeg[j] == 0 {
				queue = append(queue, j)
			}
		}
	}
	maxRank := 0
	for i := range nodes {
		if done[i] {
			maxRank = max(maxRank, rank[i])
		}
	}
	for i := range nodes { // on a cycle: after everything that is not
		if !done[i] {
			rank[i] = maxRank + 1
		}
	}
	columns := map[int][]int{}
	ranks := []int{}
	for i := range nodes {
		if columns[rank[i]] == nil {
			ranks = append(ranks, rank[i])
		}
		columns[rank[i]] = append(columns[rank[i]], i)
	}
	sort.Ints(ranks)
	row := make([]float64, len(nodes))
	gv := GraphView{Places: map[string]GraphPos{}}
	tallest := 0
	for ci, r := range ranks {
		col := columns[r]
		bary := make(map[int]float64, len(col))
		for _, i := range col {
			sum, n := 0.0, 0
			for _, p := range pred[i] {
				if rank[p] < r {
					sum += row[p]
					n++
				}
			}
			if n > 0 {
				bary[i] = sum / float64(n)
			} else {
				bary[i] = -1
			}
		}
		sort.SliceStable(col, func(a, b int) bool {
			if bary[col[a]] != bary[col[b]] {
				return bary[col[a]] < bary[col[b]]
			}
			return nodes[col[a]].ID < nodes[col[b]].ID
		})
		for k, i := range col {
			row[i] = float64(k)
			gv.Places[nodes[i].ID] = GraphPos{X: float64(ci)*GraphColumn + 8, Y: float64(k)*GraphRow + 8}
		}
		tallest = max(tallest, len(col))
	}
	gv.Width = float64(len(ranks))*GraphColumn + 16
	gv.Height = float64(tallest)*GraphRow + 16
	return gv
}
