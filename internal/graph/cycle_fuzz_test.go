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

import (
	"slices"
	"testing"
)

// fuzzNodes are the node names a fuzzed graph is built over. The last one never has an entry of its own, so
// edges into it are dangling references (a node that does not exist has no edges), and names that differ only
// in case or normalisation check that nodes are compared as exact strings.
var fuzzNodes = []string{"a", "b", "c", "d", "e", "événement", "É", "missing"}

// decodeGraph turns fuzz bytes into an adjacency map: each pair of bytes is one edge from → to over fuzzNodes.
// Duplicate edges, self-loops and edge order all survive, since FindCycle's answer depends on edge order.
func decodeGraph(data []byte) map[string][]string {
	g := map[string][]string{}
	for i := 0; i+1 < len(data); i += 2 {
		from := fuzzNodes[int(data[i])%(len(fuzzNodes)-1)] // never "missing": it has no edges of its own
		to := fuzzNodes[int(data[i+1])%len(fuzzNodes)]
		g[from] = append(g[from], to)
	}
	return g
}

// reachable is the oracle: is target reachable from any successor of start (by a path of one or more edges)?
func reachable(g map[string][]string, start, target string) bool {
	seen := map[string]bool{}
	queue := slices.Clone(g[start])
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n == target {
			return true
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		queue = append(queue, g[n]...)
	}
	return false
}

// recursiveFindCycle is a second, recursive implementation of the documented search: depth-first in edge
// order, each node entered at most once. FindCycle must return exactly what it returns ("the one found first
// in edge order").
func recursiveFindCycle(start string, g map[string][]string) []string {
	visited := map[string]bool{start: true}
	var path []string
	var dfs func(n string) []string
	dfs = func(n string) []string {
		path = append(path, n)
		for _, next := range g[n] {
			if next == start {
				return append(slices.Clone(path), start)
			}
			if visited[next] {
				continue
			}
			visited[next] = true
			if found := dfs(next); found != nil {
				return found
			}
		}
		path = path[:len(path)-1]
		return nil
	}
	return dfs(start)
}

func hasEdge(g map[string][]string, from, to string) bool {
	return slices.Contains(g[from], to)
}

// FuzzFindCycle checks FindCycle on arbitrary small graphs: it terminates having asked for each node's edges at
// most once; a returned path is a genuine simple cycle through start; nil is returned exactly when start cannot
// be reached back from any of its successors; and the answer is the first cycle in edge order.
// The seeds below and in testdata/fuzz/FuzzFindCycle run with plain `go test`.
func FuzzFindCycle(f *testing.F) {
	f.Add(uint8(0), []byte{})                                   // no edges
	f.Add(uint8(0), []byte{0, 0})                               // self loop
	f.Add(uint8(0), []byte{0, 1, 1, 0})                         // two-cycle
	f.Add(uint8(1), []byte{0, 1, 1, 2, 2, 0})                   // three-cycle from the middle
	f.Add(uint8(3), []byte{3, 0, 0, 1, 1, 0})                   // leads into a cycle it is not on
	f.Add(uint8(0), []byte{0, 7, 0, 1, 1, 2, 2, 0})             // cycle behind a dangling reference
	f.Add(uint8(0), []byte{0, 1, 0, 2, 1, 3, 2, 3, 3, 0})       // diamond closing back to start
	f.Add(uint8(5), []byte{5, 6, 6, 5, 5, 5, 0, 5})             // unicode names, self loop after a longer cycle
	f.Add(uint8(2), []byte{0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6}) // long chain, no cycle
	f.Fuzz(func(t *testing.T, startByte uint8, data []byte) {
		g := decodeGraph(data)
		start := fuzzNodes[int(startByte)%len(fuzzNodes)]

		calls := map[string]int{}
		edges := func(n string) []string {
			calls[n]++
			return g[n]
		}
		got := FindCycle(start, edges)

		for n, c := range calls {
			if c > 1 {
				t.Errorf("edges(%q) asked %d times; every node must be expanded at most once", n, c)
			}
		}
		if again := FindCycle(start, MapEdges(g)); !slices.Equal(got, again) {
			t.Errorf("not stable: %v, then %v", got, again)
		}

		onCycle := reachable(g, start, start)
		if got == nil {
			if onCycle {
				t.Fatalf("FindCycle(%q) = nil on %v, but %q is reachable from its successors", start, g, start)
			}
			return
		}
		if !onCycle {
			t.Fatalf("FindCycle(%q) = %v on %v, but %q is not on any cycle", start, got, g, start)
		}
		if len(got) < 2 || got[0] != start || got[len(got)-1] != start {
			t.Fatalf("FindCycle(%q) = %v: want a path from %q back to %q", start, got, start, start)
		}
		seen := map[string]bool{}
		for i, n := range got[:len(got)-1] {
			if seen[n] {
				t.Fatalf("FindCycle(%q) = %v: %q repeats", start, got, n)
			}
			seen[n] = true
			if !hasEdge(g, n, got[i+1]) {
				t.Fatalf("FindCycle(%q) = %v: %q -> %q is not an edge of %v", start, got, n, got[i+1], g)
			}
		}
		if want := recursiveFindCycle(start, g); !slices.Equal(got, want) {
			t.Fatalf("FindCycle(%q) = %v on %v, want the first cycle in edge order %v", start, got, g, want)
		}
	})
}
