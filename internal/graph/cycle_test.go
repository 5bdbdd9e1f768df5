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
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestFindCycle(t *testing.T) {
	cases := []struct {
		name  string
		graph map[string][]string
		start string
		want  []string
	}{
		{"no edges", map[string][]string{}, "a", nil},
		{"chain", map[string][]string{"a": {"b"}, "b": {"c"}}, "a", nil},
		{"self loop", map[string][]string{"a": {"a"}}, "a", []string{"a", "a"}},
		{"two-cycle", map[string][]string{"a": {"b"}, "b": {"a"}}, "a", []string{"a", "b", "a"}},
		{"three-cycle from the middle", map[string][]string{"a": {"b"}, "b": {"c"}, "c": {"a"}}, "b",
			[]string{"b", "c", "a", "b"}},
		{"leads into a cycle it is not on", map[string][]string{"x": {"a"}, "a": {"b"}, "b": {"a"}}, "x", nil},
		{"diamond without cycle", map[string][]string{"a": {"b", "c"}, "b": {"d"}, "c": {"d"}}, "a", nil},
		{"cycle behind a dead end", map[string][]string{"a": {"dead", "b"}, "b": {"c"}, "c": {"a"}}, "a",
			[]string{"a", "b", "c", "a"}},
		{"first cycle in edge order", map[string][]string{"a": {"b", "c"}, "b": {"a"}, "c": {"a"}}, "a",
			[]string{"a", "b", "a"}},
		{"shared node visited once", map[string][]string{"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": {"a"}}, "a",
			[]string{"a", "b", "d", "a"}},
		{"dangling reference", map[string][]string{"a": {"missing"}}, "a", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := FindCycle(tc.start, MapEdges(tc.graph))
			if !slices.Equal(got, tc.want) {
				t.Fatalf("FindCycle(%q) = %v, want %v", tc.start, got, tc.want)
			}
		})
	}
}

func TestFindCycleEveryMemberReportsIt(t *testing.T) {
	g := map[string][]string{"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
	for _, member := range []string{"a", "b", "c"} {
		got := FindCycle(member, MapEdges(g))
		if len(got) != 4 || got[0] != member || got[3] != member {
			t.Errorf("FindCycle(%q) = %v, want a 3-cycle from and back to %q", member, got, member)
		}
	}
	if got := FindCycle("d", MapEdges(g)); got != nil {
		t.Errorf("FindCycle(d) = %v, want nil: d requires the cycle but is not on it", got)
	}
}

// TestFindCycleLongChain: a chain far deeper than a recursive search could take stays iterative and finite.
func TestFindCycleLongChain(t *testing.T) {
	const n = 200000
	g := make(map[string][]string, n)
	for i := 0; i < n-1; i++ {
		g[fmt.Sprint(i)] = []string{fmt.Sprint(i + 1)}
	}
	if got := FindCycle("0", MapEdges(g)); got != nil {
		t.Fatalf("chain reported a cycle of length %d", len(got))
	}
	g[fmt.Sprint(n-1)] = []string{"0"}
	if got := FindCycle("0", MapEdges(g)); len(got) != n+1 {
		t.Fatalf("ring of %d: got a cycle of length %d", n, len(got))
	}
}

func TestFormatCycle(t *testing.T) {
	if got := FormatCycle([]string{"a", "b", "c", "a"}); got != "a -> b -> c -> a" {
		t.Fatalf("FormatCycle = %q", got)
	}
}

func TestReadCycle(t *testing.T) {
	boom := errors.New("cache not synced")
	adjacency := map[string][]string{"a": {"b"}, "b": {"a", "c"}, "c": {"broken"}}
	reader := func(failOn string) EdgeReader {
		return func(node string) ([]string, error) {
			if node == failOn {
				return nil, boom
			}
			return adjacency[node], nil
		}
	}
	cases := []struct {
		name, start, failOn string
		want                []string
		wantErr             string
	}{
		{name: "cycle found before the broken node is read", start: "a", failOn: "broken", want: []string{"a", "b", "a"}},
		{name: "no cycle through a node leading into one", start: "c", failOn: "nobody", want: nil},
		{name: "error reading the start", start: "a", failOn: "a", wantErr: "reading the edges of a: cache not synced"},
		{name: "error reading a node on the way", start: "c", failOn: "broken", wantErr: "reading the edges of broken: cache not synced"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadCycle(tc.start, reader(tc.failOn))
			switch {
			case tc.wantErr != "":
				if err == nil || err.Error() != tc.wantErr || !errors.Is(err, boom) {
					t.Fatalf("err = %v, want %q wrapping the read error", err, tc.wantErr)
				}
				if got != nil {
					t.Errorf("a failed walk returned a cycle %v", got)
				}
			case err != nil:
				t.Fatal(err)
			case !slices.Equal(got, tc.want):
				t.Errorf("cycle = %v, want %v", got, tc.want)
			}
		})
	}
}
