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

package graph

import "sort"

// CriticalPath returns the chain of nodes that determines when a plan ends, from its first node to its last,
// in the sense of the critical path method when only finish dates are known: it ends at the node that finishes
// last, and steps back, at each node, to the prerequisite that finishes last (the one that binds the start),
// so that a delay of any node on it delays the end of the plan. A node cannot finish before its prerequisites,
// so its finish is the later of its own date and theirs: a prerequisite planned after the node that needs it (a
// schedule conflict) is on the path through that node. Ties go to the longer chain of prerequisites, then to the
// smaller name, so the answer is stable.
//
// nodes are the nodes of the plan; prereqs gives the prerequisites of a node (edges to nodes that are not in
// nodes are ignored); finish gives when a node is planned to finish, in any unit that orders (days, seconds).
//
// The graph need not be acyclic: an edge that closes a cycle is ignored, and the nodes on cycles are returned
// in cyclic (sorted), so the caller can mark them. The search visits each node once, without recursion.
func CriticalPath(nodes []string, prereqs Edges, finish func(node string) int64) (path, cyclic []string) {
	if len(nodes) == 0 {
		return nil, nil
	}
	sorted := append([]string(nil), nodes...)
	sort.Strings(sorted)
	inPlan := make(map[string]bool, len(sorted))
	for _, n := range sorted {
		inPlan[n] = true
	}
	edges := func(n string) []string {
		var out []string
		seen := map[string]bool{}
		for _, p := range prereqs(n) {
			if inPlan[p] && p != n && !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
		sort.Strings(out)
		return out
	}

	const (
		unvisited = iota
		onStack
		finished
	)
	state := make(map[string]int, len(sorted))
	depth := make(map[string]int, len(sorted)) // nodes in the chosen chain ending at the node
	best := make(map[string]string, len(sorted))
	onCycle := map[string]bool{}
	finishes := make(map[string]int64, len(sorted))
	for _, n := range sorted {
		finishes[n] = finish(n)
	}
	// later reports whether a is a better prerequisite (or end) than b: later finish, longer chain, smaller name.
	later := func(a, b string) bool {
		if finishes[a] != finishes[b] {
			return finishes[a] > finishes[b]
		}
		if depth[a] != depth[b] {
			return depth[a] > depth[b]
		}
		return a < b
	}

	type frame struct {
		node string
		all  []string
		next []string
	}
	for _, root := range sorted {
		if state[root] != unvisited {
			continue
		}
		state[root] = onStack
		first := edges(root)
		stack := []frame{{node: root, all: first, next: first}}
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if len(top.next) > 0 {
				p := top.next[0]
				top.next = top.next[1:]
				switch state[p] {
				case unvisited:
					state[p] = onStack
					e := edges(p)
					stack = append(stack, frame{node: p, all: e, next: e})
				case onStack: // p is below on the stack: the edge closes a cycle through every frame from p up
					for i := len(stack) - 1; i >= 0; i-- {
						onCycle[stack[i].node] = true
						if stack[i].node == p {
							break
						}
					}
				}
				continue
			}
			// Every prerequisite is finished or on the stack (a cycle, ignored): choose the binding one.
			n := top.node
			depth[n] = 1
			var chosen string
			for _, p := range top.all {
				if state[p] != finished {
					continue
				}
				if chosen == "" || later(p, chosen) {
					chosen = p
				}
			}
			if chosen != "" {
				best[n] = chosen
				depth[n] = depth[chosen] + 1
				// A node cannot finish before its prerequisites do, whatever its own date says.
				finishes[n] = max(finishes[n], finishes[chosen])
			}
			state[n] = finished
			stack = stack[:len(stack)-1]
		}
	}

	end := sorted[0]
	for _, n := range sorted[1:] {
		if later(n, end) {
			end = n
		}
	}
	for n, ok := end, true; ok; n, ok = best[n] {
		path = append(path, n)
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	for n := range onCycle {
		cyclic = append(cyclic, n)
	}
	sort.Strings(cyclic)
	return path, cyclic
}
