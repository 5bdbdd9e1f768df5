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
	"regexp"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
)

// goalStatus is the one-word status of a goal, its health and a message.
func goalStatus(g *roadmapv1.Goal) (status string, h Health, message string) {
	ready := condition(g.Status.Conditions, roadmapv1.ConditionReady)
	atRisk := condition(g.Status.Conditions, roadmapv1.ConditionAtRisk)
	switch {
	case ready == nil:
		return "Unknown", HealthUnknown, ""
	case stalled(g.Status.Conditions):
		return ready.Reason, HealthBroken, ready.Message
	case atRisk != nil && atRisk.Status == metav1.ConditionTrue:
		return "AtRisk", HealthBlocked, fmt.Sprintf("%d%% done, %s; at risk: %s", g.Status.Progress, ready.Message, atRisk.Message)
	case ready.Reason == roadmapv1.GoalReasonNoInitiatives:
		return "NoInitiatives", HealthUnknown, ready.Message
	default:
		return "OnTrack", HealthOK, fmt.Sprintf("%d%% done, %s", g.Status.Progress, ready.Message)
	}
}

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
		inis[keyOf(ini)] = true
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
		if inis[keyOf(&s.Initiatives[i])] {
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

// graphNode and graphEdge are the format-neutral graph the renderers write.
type graphNode struct {
	key, kind, name, namespace, status string
	health                             Health
}

type graphEdge struct {
	from, to, label string
	dashed          bool
}

func buildGraph(v View) ([]graphNode, []graphEdge) {
	var nodes []graphNode
	present := map[string]bool{}
	for _, g := range v.Goals {
		status, h, _ := goalStatus(g)
		nodes = append(nodes, graphNode{key: "goal/" + g.Name, kind: "Goal", name: g.Name, status: status, health: h})
	}
	for _, c := range v.Capabilities {
		nodes = append(nodes, graphNode{key: "capability/" + c.Name, kind: "Capability", name: c.Name,
			status: capabilityPhase(c), health: HealthOfCapability(c)})
	}
	for _, ini := range v.Initiatives {
		nodes = append(nodes, graphNode{key: "initiative/" + keyOf(ini).String(), kind: "Initiative", name: ini.Name,
			namespace: ini.Namespace, status: initiativePhase(ini), health: HealthOfInitiative(ini)})
	}
	for _, n := range nodes {
		present[n.key] = true
	}
	// A required capability that does not exist is shown, broken, so the dangling reference is visible.
	missing := func(name string) {
		key := "capability/" + name
		if !present[key] && !v.exists[name] {
			present[key] = true
			nodes = append(nodes, graphNode{key: key, kind: "Capability", name: name, status: StatusNotFound, health: HealthBroken})
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
	var edges []graphEdge
	add := func(from, to, label string, dashed bool) {
		if present[from] && present[to] {
			edges = append(edges, graphEdge{from: from, to: to, label: label, dashed: dashed})
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
		from := "initiative/" + keyOf(ini).String()
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

// RenderGraph writes the roadmap as a Graphviz (dot) or Mermaid flowchart: goals, capabilities and initiatives,
// coloured by status, with requires, depends-on, provides, serves and part-of edges.
func RenderGraph(w io.Writer, v View, format string) error {
	nodes, edges := buildGraph(v)
	switch format {
	case "dot":
		return renderDot(w, nodes, edges)
	case "mermaid":
		return renderMermaidGraph(w, nodes, edges)
	}
	return fmt.Errorf("unknown graph format %q: use dot or mermaid", format)
}

// Fill colours by health, shared by both formats.
var fills = map[Health]struct{ fill, stroke string }{
	HealthOK:       {"#d4edda", "#28a745"},
	HealthWaiting:  {"#fff3cd", "#d39e00"},
	HealthBlocked:  {"#f8d7da", "#dc3545"},
	HealthBroken:   {"#f5c6cb", "#a71d2a"},
	HealthInactive: {"#e2e3e5", "#6c757d"},
	HealthUnknown:  {"#ffffff", "#6c757d"},
}

var healthClass = map[Health]string{HealthOK: "ok", HealthWaiting: "waiting", HealthBlocked: "blocked",
	HealthBroken: "broken", HealthInactive: "inactive", HealthUnknown: "unknown"}

func (n graphNode) label() string {
	name := n.name
	if n.namespace != "" {
		name = n.namespace + "/" + n.name
	}
	return strings.ToLower(n.kind) + " " + name + `\n` + n.status
}

func renderDot(w io.Writer, nodes []graphNode, edges []graphEdge) error {
	ew := &errWriter{w: w}
	ew.println("digraph roadmap {")
	ew.println("  rankdir=LR;")
	ew.println(`  node [style="rounded,filled", fontname="Helvetica", fontsize=11];`)
	ew.println(`  edge [fontname="Helvetica", fontsize=9];`)
	shapes := map[string]string{"Goal": "ellipse", "Capability": "hexagon", "Initiative": "box"}
	for _, n := range nodes {
		f := fills[n.health]
		ew.printf("  %q [label=\"%s\", shape=%s, fillcolor=%q, color=%q];\n", n.key, n.label(), shapes[n.kind], f.fill, f.stroke)
	}
	for _, e := range edges {
		style := ""
		if e.dashed {
			style = ", style=dashed"
		}
		ew.printf("  %q -> %q [label=%q%s];\n", e.from, e.to, e.label, style)
	}
	ew.println("}")
	return ew.err
}

var notMermaidID = regexp.MustCompile(`[^A-Za-z0-9_]`)

// mermaidIDs gives every key a Mermaid-safe id derived from it, unique even when two keys sanitise alike.
func mermaidIDs(keys []string) map[string]string {
	ids := map[string]string{}
	used := map[string]bool{}
	for _, k := range keys {
		base := notMermaidID.ReplaceAllString(strings.ReplaceAll(k, "/", "__"), "_")
		id := base
		for i := 2; used[id]; i++ {
			id = fmt.Sprintf("%s_%d", base, i)
		}
		used[id], ids[k] = true, id
	}
	return ids
}

func renderMermaidGraph(w io.Writer, nodes []graphNode, edges []graphEdge) error {
	ew := &errWriter{w: w}
	keys := make([]string, len(nodes))
	for i, n := range nodes {
		keys[i] = n.key
	}
	ids := mermaidIDs(keys)
	ew.println("flowchart LR")
	classes := map[string][]string{}
	for _, n := range nodes {
		label := strings.ReplaceAll(n.label(), `\n`, "<br/>")
		var shape string
		switch n.kind {
		case "Goal":
			shape = `(["` + label + `"])`
		case "Capability":
			shape = `{{"` + label + `"}}`
		default:
			shape = `("` + label + `")`
		}
		ew.printf("  %s%s\n", ids[n.key], shape)
		class := healthClass[n.health]
		classes[class] = append(classes[class], ids[n.key])
	}
	for _, e := range edges {
		arrow := "-->"
		if e.dashed {
			arrow = "-.->"
		}
		ew.printf("  %s %s|%s| %s\n", ids[e.from], arrow, e.label, ids[e.to])
	}
	var names []string
	for h, class := range healthClass {
		if len(classes[class]) > 0 {
			f := fills[h]
			names = append(names, fmt.Sprintf("  classDef %s fill:%s,stroke:%s", class, f.fill, f.stroke))
		}
	}
	sort.Strings(names)
	for _, line := range names {
		ew.println(line)
	}
	var used []string
	for class := range classes {
		used = append(used, class)
	}
	sort.Strings(used)
	for _, class := range used {
		ew.printf("  class %s %s\n", strings.Join(classes[class], ","), class)
	}
	return ew.err
}
