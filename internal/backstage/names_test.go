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

package backstage

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestEntityName(t *testing.T) {
	long := strings.Repeat("a", 60) + "." + strings.Repeat("b", 100)
	for _, tc := range []struct {
		name  string
		parts []string
		want  string
	}{
		{"a capability name is kept", []string{"event-bus"}, "event-bus"},
		{"dots are kept", []string{"event-bus.v2"}, "event-bus.v2"},
		{"an initiative is NAMESPACE.NAME", []string{"team-checkout", "order-events"}, "team-checkout.order-events"},
		{"63 characters fit", []string{strings.Repeat("x", 63)}, strings.Repeat("x", 63)},
		{"64 do not", []string{strings.Repeat("x", 64)}, strings.Repeat("x", 52) + "_" + hashOf(strings.Repeat("x", 64))},
		{"uppercase is rewritten", []string{"Event-Bus"}, "event-bus_" + hashOf("Event-Bus")},
		{"nothing usable left", []string{"__"}, "x_" + hashOf("__")},
		{"the example of docs/backstage.md", []string{"team-checkout", "realtime-recommendations-for-the-storefront-then-everywhere-else"},
			"team-checkout.realtime-recommendations-for-the-store_3278ec0aeb"},
		{"a long initiative keeps its namespace first", []string{"team-checkout", long},
			"team-checkout." + strings.Repeat("a", 38) + "_" + hashOf("team-checkout/"+long)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := EntityName(tc.parts...)
			if got != tc.want {
				t.Errorf("EntityName(%q) = %q, want %q", tc.parts, got, tc.want)
			}
			if !validName(got) {
				t.Errorf("EntityName(%q) = %q: Backstage refuses it", tc.parts, got)
			}
		})
	}
}

// hashOf is the suffix of a rewritten name: the first hex digits of the SHA-256 of the parts joined by '/'.
func hashOf(joined string) string {
	sum := sha256.Sum256([]byte(joined))
	return hex.EncodeToString(sum[:])[:hashLength]
}

func TestEntityNamesDoNotCollide(t *testing.T) {
	// Pairs a naive mapping would merge: the same text split differently, names equal up to the cut, case.
	prefix := strings.Repeat("n", 70)
	pairs := [][2][]string{
		{{prefix + "-one"}, {prefix + "-two"}},
		{{"ns", prefix + "-one"}, {"ns", prefix + "-two"}},
		{{"Team"}, {"team"}},
	}
	for _, p := range pairs {
		a, b := EntityName(p[0]...), EntityName(p[1]...)
		if strings.EqualFold(a, b) {
			t.Errorf("%q and %q both map to %q", p[0], p[1], a)
		}
	}
}

func TestTag(t *testing.T) {
	for in, want := range map[string]string{
		"Blocked":                     "blocked",
		"Data & Analytics!!":          "data-analytics",
		"observability":               "observability",
		"c++":                         "c++",
		"___":                         "",
		strings.Repeat("ab-", 40):     strings.TrimRight(strings.Repeat("ab-", 21), "-"),
		"Éñ":                          "",
		"team_platform / networking ": "team-platform-networking",
	} {
		if got := Tag(in); got != want {
			t.Errorf("Tag(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOwnerRef(t *testing.T) {
	for in, want := range map[string]string{
		"team-platform":          "group:team-platform",
		"":                       "group:unowned",
		"group:team-a":           "group:team-a",
		"user:default/jane":      "user:default/jane",
		"Team_Platform":          "group:Team_Platform",
		"Team Platform (EMEA)":   "group:team-platform-emea",
		"group:Team A":           "group:group-team-a",
		"ÜÜ":                     "group:unowned",
		"kind:team":              "group:kind-team",
		strings.Repeat("t", 100): "group:" + strings.Repeat("t", 63),
	} {
		if got := OwnerRef(in); got != want {
			t.Errorf("OwnerRef(%q) = %q, want %q", in, got, want)
		}
	}
}
