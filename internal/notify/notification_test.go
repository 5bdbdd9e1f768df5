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

package notify

import (
	"strings"
	"testing"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short enough", "capability event-bus: Planned", 1024, "capability event-bus: Planned"},
		{"exactly the limit", "abcd", 4, "abcd"},
		{"ASCII cut", "abcdefgh", 6, "abc…"}, // "…" is 3 bytes
		{"empty", "", 0, ""},
		{"limit below the ellipsis", "abcdef", 2, "ab"},
		// "é" is 2 bytes: a cut at 5 would split the second one.
		{"two-byte runes", "ééééé", 8, "éé…"},
		// "日" is 3 bytes: 10-3 = 7 bytes leaves two whole runes and one byte of the third.
		{"three-byte runes", "日本語の文章", 10, "日本…"},
		// "🚀" is 4 bytes.
		{"four-byte runes", "🚀🚀🚀🚀", 12, "🚀🚀…"},
		{"mixed, the room ends right after a rune", "ab日本cd", 8, "ab日…"},
		{"mixed, room for the rune", "ab日本cdef", 11, "ab日本…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Truncate(tc.in, tc.max)
			if got != tc.want {
				t.Fatalf("Truncate(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
			if len(got) > tc.max && len(tc.in) > tc.max {
				t.Fatalf("Truncate(%q, %d) is %d bytes", tc.in, tc.max, len(got))
			}
			if utf8.ValidString(tc.in) && !utf8.ValidString(got) {
				t.Fatalf("Truncate(%q, %d) = %q split a rune", tc.in, tc.max, got)
			}
		})
	}
}

// TestTruncateEveryLimit: whatever the limit, a long message of multi-byte runes is cut within it and stays
// valid UTF-8.
func TestTruncateEveryLimit(t *testing.T) {
	s := strings.Repeat("a€🚀é", 300) // 1, 3, 4 and 2 bytes
	for limit := 0; limit <= len(s); limit++ {
		got := Truncate(s, limit)
		if len(got) > limit || !utf8.ValidString(got) {
			t.Fatalf("Truncate at %d: %d bytes, valid %v", limit, len(got), utf8.ValidString(got))
		}
		if limit >= 4 && limit < len(s) && len(got) < limit-3-3 {
			t.Fatalf("Truncate at %d kept only %d bytes", limit, len(got))
		}
	}
}

func TestSeverity(t *testing.T) {
	for _, tc := range []struct{ eventType, want string }{
		{corev1.EventTypeWarning, SeverityError}, // Blocked, NotReady, StartedEarly, DependencyCycle, AtRisk
		{corev1.EventTypeNormal, SeverityInfo},   // Unblocked, Ready, Done, Cancelled, OnTrack
		{"", SeverityInfo},
	} {
		if got := Severity(tc.eventType); got != tc.want {
			t.Errorf("Severity(%q) = %q, want %q", tc.eventType, got, tc.want)
		}
	}
}

func TestEventTypeAndSource(t *testing.T) {
	for _, tc := range []struct {
		ref          corev1.ObjectReference
		reason       string
		wantType     string
		wantSourceOf string
	}{
		{corev1.ObjectReference{APIVersion: "roadmap.dev/v1alpha1", Kind: "Initiative", Namespace: "team-checkout", Name: "order-events"},
			"Unblocked", "dev.roadmap.initiative.unblocked.v1",
			"/apis/roadmap.dev/v1alpha1/namespaces/team-checkout/initiatives/order-events"},
		{corev1.ObjectReference{APIVersion: "roadmap.dev/v1alpha1", Kind: "Capability", Name: "event-bus"},
			"NotReady", "dev.roadmap.capability.notready.v1", "/apis/roadmap.dev/v1alpha1/capabilities/event-bus"},
		{corev1.ObjectReference{APIVersion: "roadmap.dev/v1alpha1", Kind: "Goal", Name: "reduce-incidents"},
			"AtRisk", "dev.roadmap.goal.atrisk.v1", "/apis/roadmap.dev/v1alpha1/goals/reduce-incidents"},
	} {
		if got := EventType(tc.ref.Kind, tc.reason); got != tc.wantType {
			t.Errorf("EventType = %q, want %q", got, tc.wantType)
		}
		if got := Source(tc.ref); got != tc.wantSourceOf {
			t.Errorf("Source = %q, want %q", got, tc.wantSourceOf)
		}
	}
}

func TestMetadataOf(t *testing.T) {
	ini := &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: "team-personalisation", Name: "recs"}}
	ini.Spec.Owner = "team-personalisation"
	ini.Spec.Goals = []roadmapv1.ResourceName{"realtime-personalisation", "more-revenue"}
	ini.Status.BlockedBy = []roadmapv1.BlockedByEntry{
		{Kind: "Capability", Name: "event-bus"}, {Kind: "Initiative", Namespace: "team-platform", Name: "kafka"},
		{Kind: "Capability", Name: "feature-flags"},
	}
	got := MetadataOf(ini, "https://roadmap.example.com/")
	want := map[string]string{
		"roadmap.dev/owner":      "team-personalisation",
		"roadmap.dev/blocked-by": "event-bus,feature-flags",
		"roadmap.dev/goals":      "realtime-personalisation,more-revenue",
		"roadmap.dev/board":      "https://roadmap.example.com/#sel=initiative%2Fteam-personalisation%2Frecs",
	}
	if len(got) != len(want) {
		t.Fatalf("MetadataOf = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("MetadataOf[%s] = %q, want %q", k, got[k], v)
		}
	}

	// A Ready capability without an owner, and no board: nothing to say but nothing empty either.
	if got := MetadataOf(&roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "k8s"}}, ""); len(got) != 0 {
		t.Errorf("MetadataOf(bare capability) = %v, want no keys", got)
	}
	g := &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: "child"}, Spec: roadmapv1.GoalSpec{Owner: "cto", Parent: "parent"}}
	if got := MetadataOf(g, "http://board:8080"); got[MetaGoals] != "parent" || got[MetaOwner] != "cto" ||
		got[MetaBoard] != "http://board:8080/#sel=goal%2Fchild" {
		t.Errorf("MetadataOf(goal) = %v", got)
	}
	if got := MetadataOf(&corev1.Pod{}, "http://board"); got != nil {
		t.Errorf("MetadataOf(pod) = %v, want nil", got)
	}
}
