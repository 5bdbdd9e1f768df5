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

package board

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// largeSnapshot is the shape of the board's scale measurement (test/board TestBoardScale) with the statuses the
// operator writes: goals in cascades of five; capabilities in chains of four, a quarter Available; initiatives
// across namespaces, each serving a goal and requiring two capabilities (Blocked unless both are Available), one
// in five providing one.
func largeSnapshot(goals, capabilities, initiatives, namespaces int) *roadmapview.Snapshot {
	s := &roadmapview.Snapshot{}
	for i := range goals {
		g := roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("goal-%02d", i)},
			Spec:   roadmapv1.GoalSpec{Title: fmt.Sprintf("Goal %d", i), Owner: "leadership", TargetDate: "2028-12-31"},
			Status: roadmapv1.GoalStatus{Progress: 20, Conditions: ready(metav1.ConditionTrue, "OnTrack", "on track", now)}}
		if i%5 != 0 {
			g.Spec.Parent = roadmapv1.ResourceName(fmt.Sprintf("goal-%02d", i-i%5))
		}
		s.Goals = append(s.Goals, g)
	}
	available := func(i int) bool { return i%4 == 0 }
	for i := range capabilities {
		c := roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("capability-%03d", i)},
			Spec: roadmapv1.CapabilitySpec{Title: fmt.Sprintf("Capability %d", i), Owner: fmt.Sprintf("platform-%d", i%5),
				Lifecycle: roadmapv1.LifecyclePlanned},
			Status: roadmapv1.CapabilityStatus{Phase: roadmapv1.CapabilityPhasePlanned,
				Conditions: ready(metav1.ConditionFalse, "Planned", "not declared Available", now)}}
		if i%4 != 0 {
			c.Spec.Requires = []roadmapv1.ResourceName{roadmapv1.ResourceName(fmt.Sprintf("capability-%03d", i-1))}
		}
		if available(i) {
			c.Spec.Lifecycle, c.Status.Phase = roadmapv1.LifecycleAvailable, roadmapv1.CapabilityPhaseReady
			c.Status.Conditions = ready(metav1.ConditionTrue, "Ready", "available", now)
		}
		s.Capabilities = append(s.Capabilities, c)
	}
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range initiatives {
		ns := fmt.Sprintf("team-%02d", i%namespaces)
		a, b := i%capabilities, (i*7)%capabilities
		ini := roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("initiative-%04d", i)},
			Spec: roadmapv1.InitiativeSpec{Title: fmt.Sprintf("Initiative %d", i), Owner: ns, Track: roadmapv1.TrackInnovation,
				TargetDate: roadmapv1.Date(start.AddDate(0, 0, (i*7)%730).Format(time.DateOnly)),
				Goals:      []roadmapv1.ResourceName{roadmapv1.ResourceName(fmt.Sprintf("goal-%02d", i%goals))},
				Requires: []roadmapv1.ResourceName{roadmapv1.ResourceName(fmt.Sprintf("capability-%03d", a)),
					roadmapv1.ResourceName(fmt.Sprintf("capability-%03d", b))}},
			Status: roadmapv1.InitiativeStatus{Phase: roadmapv1.PhaseReady, Conditions: ready(metav1.ConditionTrue, "Ready", "", now)}}
		if i%5 == 0 {
			ini.Spec.Track, ini.Spec.Requires = roadmapv1.TrackOperations, nil
			ini.Spec.Provides = []roadmapv1.ResourceName{roadmapv1.ResourceName(fmt.Sprintf("capability-%03d", (i/5)%capabilities))}
		} else {
			for _, c := range []int{a, b} {
				if !available(c) {
					ini.Status.Phase = roadmapv1.PhaseBlocked
					ini.Status.Summary = fmt.Sprintf("waiting for capability-%03d", c)
					ini.Status.BlockedBy = append(ini.Status.BlockedBy, roadmapv1.BlockedByEntry{Kind: "Capability",
						Name: fmt.Sprintf("capability-%03d", c), Reason: roadmapv1.ReasonCapabilityNotReady})
					ini.Status.Conditions = ready(metav1.ConditionFalse, roadmapv1.ReasonCapabilityNotReady, ini.Status.Summary, now)
				}
			}
		}
		s.Initiatives = append(s.Initiatives, ini)
	}
	return s.Index()
}

// BenchmarkBuildLive is the server's work for one change on the board's scale roadmap (1,000 initiatives, 200
// capabilities, 50 goals): building the live model and encoding it.
//
//	go test ./internal/board -run '^$' -bench BuildLive -benchmem
func BenchmarkBuildLive(b *testing.B) {
	s := largeSnapshot(50, 200, 1000, 20)
	b.ReportAllocs()
	for b.Loop() {
		data, err := json.Marshal(Build(s, now))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(data))/1024, "KiB/model")
	}
}
