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

package controllers

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// TestNotFoundGraceLeft: the grace for a missing capability runs from the initiative's creation or from when it
// stopped being Ready, whichever is later; a Ready initiative whose capability just disappeared starts it now.
func TestNotFoundGraceLeft(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	r := &InitiativeReconciler{CapabilityNotFoundGrace: 10 * time.Minute}
	ini := func(created time.Duration, ready *metav1.Condition) *roadmapv1.Initiative {
		i := &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{CreationTimestamp: metav1.NewTime(now.Add(-created))}}
		if ready != nil {
			i.Status.Conditions = []metav1.Condition{*ready}
		}
		return i
	}
	cond := func(status metav1.ConditionStatus, ago time.Duration) *metav1.Condition {
		return &metav1.Condition{Type: roadmapv1.ConditionReady, Status: status, LastTransitionTime: metav1.NewTime(now.Add(-ago))}
	}
	for _, tc := range []struct {
		name string
		ini  *roadmapv1.Initiative
		want time.Duration
	}{
		{"just created, not evaluated", ini(time.Minute, nil), 9 * time.Minute},
		{"created long ago, blocked long ago: over", ini(48*time.Hour, cond(metav1.ConditionFalse, 24*time.Hour)), -24*time.Hour + 10*time.Minute},
		{"blocked three minutes ago", ini(48*time.Hour, cond(metav1.ConditionFalse, 3*time.Minute)), 7 * time.Minute},
		{"Ready until now", ini(48*time.Hour, cond(metav1.ConditionTrue, 24*time.Hour)), 10 * time.Minute},
	} {
		if got := r.notFoundGraceLeft(tc.ini, now); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := (&InitiativeReconciler{}).notFoundGraceLeft(ini(time.Second, nil), now); got > 0 {
		t.Errorf("no grace configured: %v left", got)
	}
}
