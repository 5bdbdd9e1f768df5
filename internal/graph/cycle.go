// Package graph holds pure graph algorithms over roadmap references (capability requires, initiative dependsOn,
// goal parents). Nodes are strings; edges come from a function, so callers can read them from any snapshot.
package graph

import "strings"

// Edges returns the outgoing edges of a node. A node that does not exist has no edges.
type Edges func(node string) []string

// FindCycle returns a cycle through start as the path [start, n1, ..., start], or nil when start is not on a
// cycle. Nodes that merely lead into a cycle elsewhere are not on it and get nil: only members report a cycle.
// The search visits every node reachable from start once, so it terminates on any graph, however tangled.
// Among several cycles through start it returns the one found first in edge order, so the answer is stable
// for a given graph.
func FindCycle(start string, edges Edges) []string {
	visited := map[string]bool{start: true}
	// Depth-first search with an explicit stack, so a long chain cannot exhaust the goroutine stack.
	type frame struct {
		node string
		next []string
	}
	stack := []frame{{node: start, next: edges(start)}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if len(top.next) == 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		n := top.next[0]
		top.next = top.next[1:]
		if n == start {
			path := make([]string, 0, len(stack)+1)
			for _, f := range stack {
				path = append(path, f.node)
			}
			return append(path, start)
		}
		if visited[n] {
			continue
		}
		visited[n] = true
		stack = append(stack, frame{node: n, next: edges(n)})
	}
	return nil
}

// FormatCycle renders a cycle path as "a -> b -> a".
func FormatCycle(path []string) string {
	return strings.Join(path, " -> ")
}

// MapEdges adapts an adjacency map to Edges, for tests and callers that hold the whole graph.
func MapEdges(adjacency map[string][]string) Edges {
	return func(node string) []string { return adjacency[node] }
}
