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

	"k8s.io/client-go/tools/cache"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// RenderGraph writes the roadmap as a Graphviz (dot) or Mermaid flowchart: goals, capabilities and initiatives,
// coloured by status, with requires, depends-on, provides, serves and part-of edges.
func RenderGraph(w io.Writer, v roadmapview.View, format string) error {
	nodes, edges := roadmapview.BuildGraph(v)
	switch format {
	case "dot":
		return renderDot(w, nodes, edges)
	case "mermaid":
		return renderMermaidGraph(w, nodes, edges)
	}
	return fmt.Errorf("unknown graph format %q: use dot or mermaid", format)
}

// Fill colours by health, shared by both formats.
var fills = map[roadmapview.Health]struct{ fill, stroke string }{
	roadmapview.HealthOK:       {"#d4edda", "#28a745"},
	roadmapview.HealthWaiting:  {"#fff3cd", "#d39e00"},
	roadmapview.HealthBlocked:  {"#f8d7da", "#dc3545"},
	roadmapview.HealthBroken:   {"#f5c6cb", "#a71d2a"},
	roadmapview.HealthInactive: {"#e2e3e5", "#6c757d"},
	roadmapview.HealthUnknown:  {"#ffffff", "#6c757d"},
}

// graphNodeLabel is a node's label: its kind and name, then its status on a second line.
func graphNodeLabel(n roadmapview.GraphNode) string {
	name := cache.NewObjectName(n.Namespace, n.Name).String()
	return strings.ToLower(n.Kind) + " " + name + `\n` + n.Status
}

func renderDot(w io.Writer, nodes []roadmapview.GraphNode, edges []roadmapview.GraphEdge) error {
	ew := &errWriter{w: w}
	ew.println("digraph roadmap {")
	ew.println("  rankdir=LR;")
	ew.println(`  node [style="rounded,filled", fontname="Helvetica", fontsize=11];`)
	ew.println(`  edge [fontname="Helvetica", fontsize=9];`)
	shapes := map[string]string{"Goal": "ellipse", "Capability": "hexagon", "Initiative": "box"}
	for _, n := range nodes {
		f := fills[n.Health]
		ew.printf("  %q [label=\"%s\", shape=%s, fillcolor=%q, color=%q];\n", n.Key, graphNodeLabel(n), shapes[n.Kind], f.fill, f.stroke)
	}
	for _, e := range edges {
		style := ""
		if e.Dashed {
			style = ", style=dashed"
		}
		ew.printf("  %q -> %q [label=%q%s];\n", e.From, e.To, e.Label, style)
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

func renderMermaidGraph(w io.Writer, nodes []roadmapview.GraphNode, edges []roadmapview.GraphEdge) error {
	ew := &errWriter{w: w}
	keys := make([]string, len(nodes))
	for i, n := range nodes {
		keys[i] = n.Key
	}
	ids := mermaidIDs(keys)
	ew.println("flowchart LR")
	classes := map[string][]string{}
	for _, n := range nodes {
		label := strings.ReplaceAll(graphNodeLabel(n), `\n`, "<br/>")
		var shape string
		switch n.Kind {
		case "Goal":
			shape = `(["` + label + `"])`
		case "Capability":
			shape = `{{"` + label + `"}}`
		default:
			shape = `("` + label + `")`
		}
		ew.printf("  %s%s\n", ids[n.Key], shape)
		class := n.Health.Class()
		classes[class] = append(classes[class], ids[n.Key])
	}
	for _, e := range edges {
		arrow := "-->"
		if e.Dashed {
			arrow = "-.->"
		}
		ew.printf("  %s %s|%s| %s\n", ids[e.From], arrow, e.Label, ids[e.To])
	}
	var names []string
	for h := range fills {
		if class := h.Class(); len(classes[class]) > 0 {
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
