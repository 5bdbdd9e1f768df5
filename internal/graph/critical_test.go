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
	"fmt"
	"slices"
	"testing"
)

func finishes(days map[string]int64) func(string) int64 {
	return func(n string) int64 { return days[n] }
}

func TestCriticalPath(t *testing.T) {
	cases := []struct {
		name       string
		nodes      []string
		prereqs    map[string][]string
		finish     map[string]int64
		wantPath   []string
		wantCyclic []string
	}{
		{name: "empty"},
		{name: "single", nodes: []string{"a"}, finish: map[string]int64{"a": 5}, wantPath: []string{"a"}},
		{name: "chain", nodes: []string{"c", "b", "a"},
			prereqs: map[string][]string{"c": {"b"}, "b": {"a"}},
			finish:  map[string]int64{"a": 1, "b": 2, "c": 3}, wantPath: []string{"a", "b", "c"}},
		{name: "binding prerequisite is the one that finishes last", nodes: []string{"a", "b", "x", "end"},
			prereqs: map[string][]string{"end": {"a", "x"}, "a": {"b"}},
			finish:  map[string]int64{"b": 1, "a": 4, "x": 6, "end": 9}, wantPath: []string{"x", "end"}},
		{name: "tie on finish goes to the longer chain", nodes: []string{"a", "b", "x", "end"},
			prereqs: map[string][]string{"end": {"a", "x"}, "a": {"b"}},
			finish:  map[string]int64{"b": 1, "a": 6, "x": 6, "end": 9}, wantPath: []string{"b", "a", "end"}},
		{name: "the plan ends at the latest node, even alone", nodes: []string{"a", "b", "solo"},
			prereqs: map[string][]string{"b": {"a"}},
			finish:  map[string]int64{"a": 1, "b": 2, "solo": 3}, wantPath: []string{"solo"}},
		{name: "late prerequisite (schedule conflict) still binds", nodes: []string{"provider", "innovation"},
			prereqs: map[string][]string{"innovation": {"provider"}},
			finish:  map[string]int64{"provider": 10, "innovation": 5}, wantPath: []string{"provider", "innovation"}},
		{name: "edges to nodes outside the plan are ignored", nodes: []string{"a", "b"},
			prereqs: map[string][]string{"b": {"a", "gone", "b"}},
			finish:  map[string]int64{"a": 1, "b": 2, "gone": 99}, wantPath: []string{"a", "b"}},
		{name: "equal everything: smaller name", nodes: []string{"b", "a"},
			finish: map[string]int64{"a": 1, "b": 1}, wantPath: []string{"a"}},
		{name: "cycle does not hang and is reported", nodes: []string{"a", "b", "c", "d"},
			prereqs:    map[string][]string{"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"c"}},
			finish:     map[string]int64{"a": 1, "b": 2, "c": 3, "d": 4},
			wantPath:   []string{"c", "d"},
			wantCyclic: []string{"a", "b", "c"}},
		{name: "self loop through two nodes", nodes: []string{"x", "y"},
			prereqs:    map[string][]string{"x": {"y"}, "y": {"x"}},
			finish:     map[string]int64{"x": 1, "y": 1},
			wantPath:   []string{"y", "x"},
			wantCyclic: []string{"x", "y"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, cyclic := CriticalPath(tc.nodes, MapEdges(tc.prereqs), finishes(tc.finish))
			if !slices.Equal(path, tc.wantPath) {
				t.Errorf("path = %v, want %v", path, tc.wantPath)
			}
			if !slices.Equal(cyclic, tc.wantCyclic) {
				t.Errorf("cyclic = %v, want %v", cyclic, tc.wantCyclic)
			}
		})
	}
}

// TestCriticalPathLongChain makes sure a long chain neither recurses deeply nor is slow.
func TestCriticalPathLongChain(t *testing.T) {
	const n = 100000
	nodes := make([]string, n)
	prereqs := map[string][]string{}
	finish := map[string]int64{}
	for i := range nodes {
		nodes[i] = fmt.Sprintf("n%06d", i)
		finish[nodes[i]] = int64(i)
		if i > 0 {
			prereqs[nodes[i]] = []string{nodes[i-1]}
		}
	}
	path, cyclic := CriticalPath(nodes, MapEdges(prereqs), finishes(finish))
	if len(path) != n || path[0] != nodes[0] || path[n-1] != nodes[n-1] || cyclic != nil {
		t.Fatalf("len(path) = %d, first %s, last %s, cyclic %v", len(path), path[0], path[len(path)-1], cyclic)
	}
}
