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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

func TestCapabilityViewChanged(t *testing.T) {
	capability := func(generation, observed int64, lifecycle roadmapv1.CapabilityLifecycle, ready metav1.ConditionStatus, reason string) *roadmapv1.Capability {
		c := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "event-bus", Generation: generation}}
		c.Spec.Lifecycle = lifecycle
		c.Status.ObservedGeneration = observed
		c.Status.Conditions = []metav1.Condition{{Type: roadmapv1.ConditionReady, Status: ready, Reason: reason}}
		return c
	}
	planned := capability(1, 1, roadmapv1.LifecyclePlanned, metav1.ConditionFalse, "NotAvailable")
	specPatched := capability(2, 1, roadmapv1.LifecycleAvailable, metav1.ConditionFalse, "NotAvailable")
	evaluated := capability(2, 2, roadmapv1.LifecycleAvailable, metav1.ConditionTrue, "Ready")
	retiredPatched := capability(2, 1, roadmapv1.LifecycleRetired, metav1.ConditionFalse, "NotAvailable")
	retiredEvaluated := capability(2, 2, roadmapv1.LifecycleRetired, metav1.ConditionFalse, "NotAvailable")
	relabelled := evaluated.DeepCopy()
	relabelled.Labels = map[string]string{"team": "platform"}

	for _, tc := range []struct {
		name     string
		old, new *roadmapv1.Capability
		want     bool
	}{
		{"a spec patch not yet evaluated wakes nobody", planned, specPatched, false},
		{"the status that evaluates it wakes the dependents", specPatched, evaluated, true},
		{"an evaluation that changes only the lifecycle still wakes them", retiredPatched, retiredEvaluated, true},
		{"between evaluated views, a change of Ready wakes them", planned, evaluated, true},
		{"metadata only wakes nobody", evaluated, relabelled, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := capabilityViewChanged.Update(event.UpdateEvent{ObjectOld: tc.old, ObjectNew: tc.new}); got != tc.want {
				t.Errorf("Update = %v, want %v", got, tc.want)
			}
		})
	}
	if !capabilityViewChanged.Create(event.CreateEvent{Object: planned}) || !capabilityViewChanged.Delete(event.DeleteEvent{Object: planned}) {
		t.Error("creations and deletions must pass")
	}
}
