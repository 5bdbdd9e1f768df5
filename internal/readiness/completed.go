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
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// CompletedAt computes an initiative's status.completedAt when its phase goes from previous to phase: the time
// it became Done or Cancelled, kept while it stays so, and nil while it is open. recorded is the completedAt
// already in status. An initiative already in that final phase without a recorded time (written by a release
// that did not record it) is given the time its Ready condition last changed, readySince, which is never later
// than the real finish, so an upgrade does not report old work as just finished.
func CompletedAt(previous, phase roadmapv1.InitiativePhase, recorded *metav1.Time, readySince *metav1.Time,
	now time.Time) *metav1.Time {
	if phase != roadmapv1.PhaseDone && phase != roadmapv1.PhaseCancelled {
		return nil
	}
	switch {
	case previous != phase:
		t := metav1.NewTime(now)
		return &t
	case recorded != nil:
		return recorded
	case readySince != nil && !readySince.IsZero():
		t := *readySince
		return &t
	}
	t := metav1.NewTime(now)
	return &t
}
