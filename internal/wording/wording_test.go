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

package wording_test

import (
	"testing"

	"github.com/roadmap-operator/roadmap-operator/internal/wording"
)

func TestAbbreviate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		items []string
		shown int
		want  string
	}{
		{"none", nil, 2, ""},
		{"fewer than shown", []string{"a"}, 2, "a"},
		{"exactly shown", []string{"a", "b"}, 2, "a, b"},
		{"more than shown", []string{"a", "b", "c", "d", "e"}, 2, "a, b (+3 more)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := wording.Abbreviate(tc.items, tc.shown, ", "); got != tc.want {
				t.Errorf("Abbreviate(%q, %d) = %q, want %q", tc.items, tc.shown, got, tc.want)
			}
		})
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "days", 1: "day", 2: "days"} {
		if got := wording.Plural(n, "day", "days"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}
