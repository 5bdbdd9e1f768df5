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

package readiness

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

func TestCompletedAt(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	earlier := metav1.NewTime(now.Add(-48 * time.Hour))
	readySince := metav1.NewTime(now.Add(-72 * time.Hour))
	for _, tc := range []struct {
		name            string
		previous, phase roadmapv1.InitiativePhase
		recorded, since *metav1.Time
		want            *metav1.Time
	}{
		{name: "open work has none", previous: roadmapv1.PhaseBlocked, phase: roadmapv1.PhaseReady, recorded: &earlier},
		{name: "reopened work loses it", previous: roadmapv1.PhaseDone, phase: roadmapv1.PhaseBlocked, recorded: &earlier},
		{name: "Ready to Done records now", previous: roadmapv1.PhaseReady, phase: roadmapv1.PhaseDone, since: &readySince,
			want: &metav1.Time{Time: now}},
		{name: "Blocked to Cancelled records now", previous: roadmapv1.PhaseBlocked, phase: roadmapv1.PhaseCancelled,
			want: &metav1.Time{Time: now}},
		{name: "Done to Cancelled records now", previous: roadmapv1.PhaseDone, phase: roadmapv1.PhaseCancelled,
			recorded: &earlier, want: &metav1.Time{Time: now}},
		{name: "staying Done keeps the recorded time", previous: roadmapv1.PhaseDone, phase: roadmapv1.PhaseDone,
			recorded: &earlier, since: &readySince, want: &earlier},
		{name: "Done from an older release takes the Ready transition", previous: roadmapv1.PhaseDone,
			phase: roadmapv1.PhaseDone, since: &readySince, want: &readySince},
		{name: "created Done is completed now", previous: "", phase: roadmapv1.PhaseDone, want: &metav1.Time{Time: now}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CompletedAt(tc.previous, tc.phase, tc.recorded, tc.since, now)
			switch {
			case tc.want == nil && got != nil:
				t.Fatalf("got %v, want none", got)
			case tc.want != nil && (got == nil || !got.Equal(tc.want)):
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}
