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

// Package graph holds pure graph algorithms over roadmap references (capability requires, initiative dependsOn,
// goal parents). Nodes are strings; edges come from a function, so callers can read them from any snapshot.
package graph

import (
	"fmt"
	"strings"
)

// Edges returns the outgoing edges of a node. A node that does not exist has no edges.
type Edges func(node string) []string

// FindCycle returns a cycle through start as the path [start, n1, ..., start], or nil when start is not on a
// cycle. Nodes that merely lead into a cycle elsewhere are not on it and get nil: only members report a cycle.
// The search visits every node reachable from start once, so it terminates on any graph, however tangled.
// Among several cycles through start it returns the one found first in edge order, so the answer is stable
// for a given graph.
func FindCycle(start string, edges Edges) []string {
	cycle, _ := ReadCycle(start, func(node string) ([]string, error) { return edges(node), nil })
	return cycle
}

// EdgeReader reads the outgoing edges of a node from somewhere that can fail (an informer cache, an API). A node
// that does not exist has no edges and no error: reading it failed only if the answer is unknown.
type EdgeReader func(node string) ([]string, error)

// ReadCycle is FindCycle over edges read by read: the first read error stops the walk and is returned, wrapped
// with the node being read, so callers never smuggle errors out of an edge function.
func ReadCycle(start string, read EdgeReader) ([]string, error) {
	first, err := read(start)
	if err != nil {
		return nil, fmt.Errorf("reading the edges of %s: %w", start, err)
	}
	visited := map[string]bool{start: true}
	// Depth-first search with an explicit stack, so a long chain cannot exhaust the goroutine stack.
	type frame struct {
		node string
		next []string
	}
	stack := []frame{{node: start, next: first}}
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
			return append(path, start), nil
		}
		if visited[n] {
			continue
		}
		visited[n] = true
		next, err := read(n)
		if err != nil {
			return nil, fmt.Errorf("reading the edges of %s: %w", n, err)
		}
		stack = append(stack, frame{node: n, next: next})
	}
	return nil, nil
}

// FormatCycle renders a cycle path as "a -> b -> a".
func FormatCycle(path []string) string {
	return strings.Join(path, " -> ")
}

// MapEdges adapts an adjacency map to Edges, for tests and callers that hold the whole graph.
func MapEdges(adjacency map[string][]string) Edges {
	return func(node string) []string { return adjacency[node] }
}
