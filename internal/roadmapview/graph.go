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
	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
)

// View is the part of a snapshot a graph or a plan shows.
type View struct {
	Goals        []*roadmapv1.Goal
	Capabilities []*roadmapv1.Capability
	Initiatives  []*roadmapv1.Initiative
	// exists tells the capabilities of the snapshot, shown or not.
	exists map[string]bool
}

// Focus selects what to show: everything when namespace is empty; otherwise the initiatives of the namespace,
// the capabilities they require and provide (and what those require, transitively), the initiatives they wait
// for (dependsOn, and the providers of those capabilities), and the goals all of these serve with their
// ancestors. The result is in snapshot order.
func Focus(s *Snapshot, namespace string) View {
	exists := map[string]bool{}
	for _, c := range s.Capabilities {
		exists[c.Name] = true
	}
	if namespace == "" {
		v := View{exists: exists}
		for i := range s.Goals {
			v.Goals = append(v.Goals, &s.Goals[i])
		}
		for i := range s.Capabilities {
			v.Capabilities = append(v.Capabilities, &s.Capabilities[i])
		}
		for i := range s.Initiatives {
			v.Initiatives = append(v.Initiatives, &s.Initiatives[i])
		}
		return v
	}
	caps := map[string]bool{}
	inis := map[readiness.InitiativeKey]bool{}
	goals := map[string]bool{}
	var addCap func(name string)
	addCap = func(name string) {
		if caps[name] {
			return
		}
		caps[name] = true
		if c := s.Capability(name); c != nil {
			for _, r := range c.Spec.Requires {
				addCap(string(r))
			}
		}
	}
	for i := range s.Initiatives {
		ini := &s.Initiatives[i]
		if ini.Namespace != namespace {
			continue
		}
		inis[KeyOf(ini)] = true
		for _, r := range ini.Spec.Requires {
			addCap(string(r))
		}
		for _, p := range ini.Spec.Provides {
			addCap(string(p))
		}
		for _, d := range readiness.DependsOnKeys(ini) {
			inis[d] = true
		}
	}
	for name := range caps {
		if c := s.Capability(name); c != nil {
			for _, p := range c.Status.Providers {
				inis[readiness.InitiativeKey{Namespace: p.Namespace, Name: p.Name}] = true
			}
		}
	}
	v := View{exists: exists}
	for i := range s.Initiatives {
		if inis[KeyOf(&s.Initiatives[i])] {
			v.Initiatives = append(v.Initiatives, &s.Initiatives[i])
			for _, g := range s.Initiatives[i].Spec.Goals {
				for name, hops := string(g), 0; name != "" && !goals[name] && hops < len(s.Goals)+1; hops++ {
					goals[name] = true
					if goal := s.Goal(name); goal != nil {
						name = string(goal.Spec.Parent)
					} else {
						name = ""
					}
				}
			}
		}
	}
	for i := range s.Capabilities {
		if caps[s.Capabilities[i].Name] {
			v.Capabilities = append(v.Capabilities, &s.Capabilities[i])
		}
	}
	for i := range s.Goals {
		if goals[s.Goals[i].Name] {
			v.Goals = append(v.Goals, &s.Goals[i])
		}
	}
	return v
}

// GraphNode is a goal, capability or initiative of a view's graph, or a capability that is required but does not
// exist (Status NotFound, broken), so the dangling reference is visible.
type GraphNode struct {
	// Key is goal/NAME, capability/NAME or initiative/NAMESPACE/NAME.
	Key       string
	Kind      string
	Name      string
	Namespace string
	// Status is the phase of an initiative or capability, or the status of a goal (GoalStatus).
	Status string
	Health Health
}

// GraphEdge is a relation of the graph: From and To are node keys; Label is requires, depends on, provides,
// serves or part of.
type GraphEdge struct {
	From, To, Label string
	// Dashed marks provides and serves, which are not prerequisites.
	Dashed bool
}

// BuildGraph is the format-neutral graph of a view, the one `kubectl roadmap graph` draws and the board lays out:
// its nodes in view order (goals, capabilities, initiatives, then missing capabilities) and its edges between
// nodes of the view.
func BuildGraph(v View) ([]GraphNode, []GraphEdge) {
	var nodes []GraphNode
	present := map[string]bool{}
	for _, g := range v.Goals {
		status, h, _ := GoalStatus(g)
		nodes = append(nodes, GraphNode{Key: "goal/" + g.Name, Kind: "Goal", Name: g.Name, Status: status, Health: h})
	}
	for _, c := range v.Capabilities {
		nodes = append(nodes, GraphNode{Key: "capability/" + c.Name, Kind: "Capability", Name: c.Name,
			Status: CapabilityPhase(c), Health: HealthOfCapability(c)})
	}
	for _, ini := range v.Initiatives {
		nodes = append(nodes, GraphNode{Key: "initiative/" + KeyOf(ini).String(), Kind: "Initiative", Name: ini.Name,
			Namespace: ini.Namespace, Status: InitiativePhase(ini), Health: HealthOfInitiative(ini)})
	}
	for _, n := range nodes {
		present[n.Key] = true
	}
	// A required capability that does not exist is shown, broken, so the dangling reference is visible.
	missing := func(name string) {
		key := "capability/" + name
		if !present[key] && !v.exists[name] {
			present[key] = true
			nodes = append(nodes, GraphNode{Key: key, Kind: "Capability", Name: name, Status: StatusNotFound, Health: HealthBroken})
		}
	}
	for _, c := range v.Capabilities {
		for _, r := range c.Spec.Requires {
			missing(string(r))
		}
	}
	for _, ini := range v.Initiatives {
		for _, r := range ini.Spec.Requires {
			missing(string(r))
		}
	}
	var edges []GraphEdge
	add := func(from, to, label string, dashed bool) {
		if present[from] && present[to] {
			edges = append(edges, GraphEdge{From: from, To: to, Label: label, Dashed: dashed})
		}
	}
	for _, g := range v.Goals {
		if g.Spec.Parent != "" {
			add("goal/"+g.Name, "goal/"+string(g.Spec.Parent), "part of", false)
		}
	}
	for _, c := range v.Capabilities {
		for _, r := range c.Spec.Requires {
			add("capability/"+c.Name, "capability/"+string(r), "requires", false)
		}
	}
	for _, ini := range v.Initiatives {
		from := "initiative/" + KeyOf(ini).String()
		for _, r := range ini.Spec.Requires {
			add(from, "capability/"+string(r), "requires", false)
		}
		for _, d := range readiness.DependsOnKeys(ini) {
			add(from, "initiative/"+d.String(), "depends on", false)
		}
		for _, p := range ini.Spec.Provides {
			add(from, "capability/"+string(p), "provides", true)
		}
		for _, g := range ini.Spec.Goals {
			add(from, "goal/"+string(g), "serves", true)
		}
	}
	return nodes, edges
}

// GraphEdges returns the edges of a view's graph and the capabilities required but missing (which the graph
// shows as broken nodes).
func GraphEdges(v View) (edges []GraphEdge, missing []string) {
	nodes, edges := BuildGraph(v)
	for _, n := range nodes {
		if n.Status == StatusNotFound {
			missing = append(missing, n.Name)
		}
	}
	return edges, missing
}
