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

// Package board is the roadmap board: `kubectl roadmap serve`, a read-only web view of goals, the timeline and
// the dependency graph, live from the cluster, and `kubectl roadmap export`, the same view as one file. It
// renders the read model of internal/roadmapview (why, plan, standup, goal status, health), the one the terminal
// commands render, so the terminal and the board never disagree.
package board

import (
	"sort"
	"strings"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// ChangesWindow is how far back the model carries what changed; the page narrows it to the window chosen.
const ChangesWindow = 30 * 24 * time.Hour

// Model is everything the page shows, computed on the server from one snapshot: the page only draws it.
type Model struct {
	// Generated is when the model was computed, Today the date the timeline's "today" line marks.
	Generated metav1.Time `json:"generated"`
	Today     string      `json:"today"`
	// Namespace is the only namespace initiatives are shown from; empty for all.
	Namespace string `json:"namespace,omitempty"`
	// Limited says what the user cannot see (RBAC), or is empty.
	Limited    string     `json:"limited,omitempty"`
	Nodes      []Node     `json:"nodes"`
	Edges      []Edge     `json:"edges"`
	Graph      GraphView  `json:"graph"`
	Timeline   Timeline   `json:"timeline"`
	Changes    []Change   `json:"changes"`
	Namespaces []string   `json:"namespaces"`
	Owners     []string   `json:"owners"`
	Critical   []string   `json:"criticalPath,omitempty"`
	Counts     PhaseCount `json:"counts"`
	// Untraced is, per namespace that opts in with roadmap.dev/workloads, the workloads no initiative explains
	// (untraced, dangling) and those let past the gate with break glass: from Snapshot.Untraced, when loaded.
	Untraced []workloads.Report `json:"untraced,omitempty"`
	// UntracedNote says what the untraced report leaves out (what the reader may not list), or is empty.
	UntracedNote string `json:"untracedNote,omitempty"`
	// Complete marks a model whose nodes carry their conditions and why chains (an export, which cannot ask).
	// The live model leaves both out: at a thousand initiatives they would be most of it, and every change
	// sends the whole model to every page. The page asks for one node's (/api/detail) when it is selected.
	Complete bool `json:"complete,omitempty"`
}

// PhaseCount counts initiatives by phase, for the page's header.
type PhaseCount map[string]int

// Node is a goal, capability or initiative with its status and, when it is not ready, its why chain.
type Node struct {
	// ID is goal/NAME, capability/NAME or initiative/NAMESPACE/NAME.
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Title     string `json:"title,omitempty"`
	Owner     string `json:"owner,omitempty"`
	// Track is Innovation or Operations, for initiatives.
	Track string `json:"track,omitempty"`
	// Status is the phase (initiatives, capabilities) or the goal status (OnTrack, AtRisk, ...).
	Status string `json:"status"`
	// Health is ok, waiting, blocked, broken, inactive or unknown; Glyph its mark, never colour alone.
	Health     string             `json:"health"`
	Glyph      string             `json:"glyph"`
	Message    string             `json:"message,omitempty"`
	State      string             `json:"state,omitempty"`
	Lifecycle  string             `json:"lifecycle,omitempty"`
	TargetDate string             `json:"targetDate,omitempty"`
	Priority   string             `json:"priority,omitempty"`
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Workloads summarises an initiative's workloads (status.workloads).
	Workloads *roadmapv1.WorkloadsSummary `json:"workloads,omitempty"`
	// HasWhy marks an initiative or capability that is not Ready: Why explains it, down to who must act. Why
	// and Conditions are in a complete model only (see Model.Complete); the live board serves them per node.
	HasWhy bool                   `json:"hasWhy,omitempty"`
	Why    *roadmapview.WhyResult `json:"why,omitempty"`
	// Goals only: the parent goal, progress in percent and the initiative counts.
	Parent   string                      `json:"parent,omitempty"`
	Progress *int32                      `json:"progress,omitempty"`
	Counts   *roadmapv1.InitiativeCounts `json:"counts,omitempty"`
	AtRisk   string                      `json:"atRisk,omitempty"`
}

// Edge is a relation between two nodes: requires, depends on, provides, serves or part of.
type Edge struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Label string `json:"label"`
}

// Change is an item of the standup: a Ready condition that flipped, or open work past its target date.
type Change struct {
	Node string `json:"node"`
	// What is "became Ready", "became Blocked" or "past target date".
	What     string       `json:"what"`
	Owner    string       `json:"owner"`
	Changed  *metav1.Time `json:"changed,omitempty"`
	DaysLate int          `json:"daysLate,omitempty"`
	Message  string       `json:"message,omitempty"`
}

// Build computes the model of a snapshot at a time.
func Build(s *roadmapview.Snapshot, now time.Time) *Model {
	m := &Model{Generated: metav1.NewTime(now.UTC().Truncate(time.Second)), Namespace: s.Namespace, Limited: s.Limited,
		Nodes: []Node{}, Edges: []Edge{}, Changes: []Change{}, Namespaces: []string{}, Owners: []string{},
		Counts: PhaseCount{}, Untraced: s.Untraced, UntracedNote: s.UntracedNote}
	m.Today = roadmapview.Today(now).Format(time.DateOnly)
	owners := map[string]bool{}
	namespaces := map[string]bool{}

	for i := range s.Goals {
		g := &s.Goals[i]
		status, h, msg := roadmapview.GoalStatus(g)
		n := Node{ID: "goal/" + g.Name, Kind: "Goal", Name: g.Name, Title: g.Spec.Title, Owner: g.Spec.Owner,
			Status: status, Health: h.Class(), Glyph: h.Glyph(), Message: msg, TargetDate: string(g.Spec.TargetDate),
			Parent: string(g.Spec.Parent)}
		progress, counts := g.Status.Progress, g.Status.Initiatives
		n.Progress, n.Counts = &progress, &counts
		if c := apimeta.FindStatusCondition(g.Status.Conditions, roadmapv1.ConditionAtRisk); c != nil && c.Status == metav1.ConditionTrue {
			n.AtRisk = c.Message
		}
		m.Nodes = append(m.Nodes, n)
	}
	for i := range s.Capabilities {
		c := &s.Capabilities[i]
		phase := roadmapview.CapabilityPhase(c)
		h := roadmapview.HealthOfCapability(c)
		n := Node{ID: "capability/" + c.Name, Kind: "Capability", Name: c.Name, Title: c.Spec.Title, Owner: c.Spec.Owner,
			Status: phase, Health: h.Class(), Glyph: h.Glyph(), Message: c.Status.Summary,
			Lifecycle: string(c.Spec.Lifecycle), TargetDate: string(c.Status.ETA)}
		n.HasWhy = capabilityHasWhy(c)
		if c.Spec.Owner != "" {
			owners[c.Spec.Owner] = true
		}
		m.Nodes = append(m.Nodes, n)
	}
	for i := range s.Initiatives {
		ini := &s.Initiatives[i]
		phase := roadmapview.InitiativePhase(ini)
		h := roadmapview.HealthOfInitiative(ini)
		n := Node{ID: initiativeID(ini.Namespace, ini.Name), Kind: "Initiative", Namespace: ini.Namespace,
			Name: ini.Name, Title: ini.Spec.Title, Owner: ini.Spec.Owner, Track: string(ini.Spec.Track), Status: phase,
			Health: h.Class(), Glyph: h.Glyph(), Message: ini.Status.Summary, State: string(roadmapview.StateOf(ini)),
			TargetDate: string(ini.Spec.TargetDate), Priority: ini.Status.PriorityScore, Workloads: ini.Status.Workloads}
		n.HasWhy = initiativeHasWhy(ini)
		m.Counts[phase]++
		owners[roadmapview.OwnerOrNone(ini.Spec.Owner)] = true
		namespaces[ini.Namespace] = true
		m.Nodes = append(m.Nodes, n)
	}
	view := roadmapview.Focus(s, "")
	graphEdges, missing := roadmapview.GraphEdges(view)
	m.Nodes = append(m.Nodes, missingCapabilities(missing, s.CapabilitiesHidden)...)
	m.Edges = edges(graphEdges)
	m.Graph = LayoutGraph(m.Nodes, m.Edges)

	plan := roadmapview.Plan(s, view, "", now)
	m.Critical = plan.CriticalPath
	m.Timeline = LayoutTimeline(plan, cancelled(s), now)
	m.Timeline.setTracks(m.Nodes)

	standup := roadmapview.Standup(s, now, ChangesWindow)
	for _, t := range standup.Teams {
		add := func(what string, items []roadmapview.StandupItem) {
			for _, it := range items {
				id := "capability/" + it.Name
				if it.Kind == "Initiative" {
					id = initiativeID(it.Namespace, it.Name)
				}
				m.Changes = append(m.Changes, Change{Node: id, What: what, Owner: t.Owner, Changed: it.Changed,
					DaysLate: it.DaysLate, Message: it.Message})
			}
		}
		add("became Ready", t.BecameReady)
		add("became Blocked", t.BecameBlocked)
		add("past target date", t.PastTargetDate)
	}
	m.Namespaces = sortedKeys(namespaces)
	m.Owners = sortedKeys(owners)
	return m
}

// BuildWithWhy is Build with the conditions of every node and the why chain of every node that is not Ready: a
// complete model, for an export, which cannot ask.
func BuildWithWhy(s *roadmapview.Snapshot, now time.Time) *Model {
	m := Build(s, now)
	m.Complete = true
	for i := range m.Nodes {
		d := DetailOf(s, m.Nodes[i].ID)
		m.Nodes[i].Conditions, m.Nodes[i].Why = d.Conditions, d.Why
	}
	return m
}

// Detail is what the page shows of a selected node beyond the model: its conditions, and why it is not Ready.
// For an id the snapshot does not hold, Missing says why instead: NotVisible when the user may not see objects
// of its kind or namespace (whether it exists is not theirs to learn), NotFound when it does not exist.
type Detail struct {
	Conditions []metav1.Condition     `json:"conditions,omitempty"`
	Why        *roadmapview.WhyResult `json:"why,omitempty"`
	Missing    string                 `json:"missing,omitempty"`
	Message    string                 `json:"message,omitempty"`
}

// DetailOf returns the detail of the node of an id (goal/NAME, capability/NAME or initiative/NAMESPACE/NAME).
func DetailOf(s *roadmapview.Snapshot, id string) Detail {
	var d Detail
	kind, ns, name := "", "", ""
	switch k, rest, _ := strings.Cut(id, "/"); k {
	case "goal":
		kind, name = "Goal", rest
		if g := s.Goal(rest); g != nil {
			d.Conditions = g.Status.Conditions
		}
	case "capability":
		kind, name = "Capability", rest
		if c := s.Capability(rest); c != nil {
			d.Conditions = c.Status.Conditions
			if capabilityHasWhy(c) {
				d.Why = explain(s, roadmapview.Ref{Kind: "Capability", Name: rest})
			}
		}
	case "initiative":
		kind = "Initiative"
		ns, name, _ = strings.Cut(rest, "/")
		if ini := s.Initiative(ns, name); ini != nil {
			d.Conditions = ini.Status.Conditions
			if initiativeHasWhy(ini) {
				d.Why = explain(s, roadmapview.Ref{Kind: "Initiative", Namespace: ns, Name: name})
			}
		}
	default:
		return d
	}
	if d.Missing = s.Missing(kind, ns, name); d.Missing != "" {
		d.Message = strings.ToLower(kind) + " " + strings.TrimPrefix(ns+"/"+name, "/") + " " + roadmapview.MissingText(d.Missing)
	}
	return d
}

// capabilityHasWhy and initiativeHasWhy say which nodes the board explains: a capability that is not Ready, an
// initiative that is Blocked.
func capabilityHasWhy(c *roadmapv1.Capability) bool { return !roadmapview.IsReady(c) }

func initiativeHasWhy(ini *roadmapv1.Initiative) bool {
	return ini.Status.Phase == roadmapv1.PhaseBlocked
}

// Why explains the node of an id (capability/NAME or initiative/NAMESPACE/NAME), or returns nil.
func Why(s *roadmapview.Snapshot, id string) *roadmapview.WhyResult {
	switch kind, rest, _ := strings.Cut(id, "/"); kind {
	case "capability":
		return explain(s, roadmapview.Ref{Kind: "Capability", Name: rest})
	case "initiative":
		if ns, name, ok := strings.Cut(rest, "/"); ok {
			return explain(s, roadmapview.Ref{Kind: "Initiative", Namespace: ns, Name: name})
		}
	}
	return nil
}

// explain is the why chain of ref, or nil when the snapshot does not hold it.
func explain(s *roadmapview.Snapshot, ref roadmapview.Ref) *roadmapview.WhyResult {
	res, err := roadmapview.Why(s, ref)
	if err != nil {
		return nil
	}
	return res
}

// cancelled lists the Cancelled initiatives with a target date: the plan leaves them out, the timeline shows
// them, struck through, where they would have ended.
func cancelled(s *roadmapview.Snapshot) []roadmapview.PlanTask {
	var out []roadmapview.PlanTask
	for i := range s.Initiatives {
		ini := &s.Initiatives[i]
		if ini.Spec.TargetDate == "" ||
			(ini.Status.Phase != roadmapv1.PhaseCancelled && ini.Spec.State != roadmapv1.StateCancelled) {
			continue
		}
		out = append(out, roadmapview.PlanTask{Namespace: ini.Namespace, Name: ini.Name, Title: ini.Spec.Title,
			Owner: ini.Spec.Owner, Phase: string(roadmapv1.PhaseCancelled), State: string(roadmapv1.StateCancelled),
			Start: string(ini.Spec.TargetDate), TargetDate: string(ini.Spec.TargetDate)})
	}
	return out
}

// edges are the relations of the graph the plugin draws (requires, depends on, provides, serves, part of),
// between nodes of the snapshot, as the page reads them.
func edges(es []roadmapview.GraphEdge) []Edge {
	out := make([]Edge, 0, len(es))
	for _, e := range es {
		out = append(out, Edge{From: e.From, To: e.To, Label: e.Label})
	}
	return out
}

// missingCapabilities are the nodes of capabilities that are required but do not exist: shown broken, so the
// dangling reference is visible. When the reader may not see capabilities (hidden), they are not visible
// instead: the board cannot tell, and must not say, whether they exist.
func missingCapabilities(missing []string, hidden bool) []Node {
	var out []Node
	status, message := roadmapview.StatusNotFound, "no capability of this name exists, but it is required"
	if hidden {
		status, message = roadmapview.StatusNotVisible, "required, but you may not list capabilities"
	}
	h := roadmapview.HealthOfWhyNode(roadmapview.WhyNode{Status: status})
	for _, name := range missing {
		out = append(out, Node{ID: "capability/" + name, Kind: "Capability", Name: name, Status: status,
			Health: h.Class(), Glyph: h.Glyph(), Message: message})
	}
	return out
}

func initiativeID(namespace, name string) string { return "initiative/" + namespace + "/" + name }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
