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

package controllers_test

import (
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// TestCompletedAt: the operator records when an initiative becomes Done or Cancelled, keeps that time while it
// stays so, and clears it when cancelled work is revived (Done is final: the apiserver refuses to reopen it);
// standups read it.
func TestCompletedAt(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "completed")
	create(t, g, initiative(ns, "finish-me", "completed-missing-capability"))
	ini := expectInitiative(g, ns, "finish-me", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound)
	g.Expect(ini.Status.CompletedAt).To(BeNil())

	// Blocked -> Cancelled: dropped, recorded.
	update(g, ini, func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateCancelled })
	ini = expectInitiative(g, ns, "finish-me", roadmapv1.PhaseCancelled, roadmapv1.InitiativeReasonCancelled)
	g.Expect(ini.Status.CompletedAt).NotTo(BeNil())
	cancelled := *ini.Status.CompletedAt

	// Staying Cancelled keeps the time (a spec change that is not the state re-evaluates it).
	update(g, ini, func(i *roadmapv1.Initiative) { i.Spec.Title = "cancelled, retitled" })
	g.Eventually(func(g Gomega) {
		got := getInitiative(g, ns, "finish-me")
		g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
		g.Expect(got.Status.CompletedAt).NotTo(BeNil())
		g.Expect(got.Status.CompletedAt.Equal(&cancelled)).To(BeTrue())
	}).Should(Succeed())

	// Revived: no completion time.
	update(g, getInitiative(g, ns, "finish-me"), func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateActive })
	ini = expectInitiative(g, ns, "finish-me", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound)
	g.Expect(ini.Status.CompletedAt).To(BeNil())

	// Blocked -> Done: finished, even though it never was Ready; recorded again, and kept through a retitle.
	update(g, ini, func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateDone })
	ini = expectInitiative(g, ns, "finish-me", roadmapv1.PhaseDone, roadmapv1.InitiativeReasonDone)
	g.Expect(ini.Status.CompletedAt).NotTo(BeNil())
	done := *ini.Status.CompletedAt
	update(g, ini, func(i *roadmapv1.Initiative) { i.Spec.Title = "finished, retitled" })
	g.Eventually(func(g Gomega) {
		got := getInitiative(g, ns, "finish-me")
		g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
		g.Expect(got.Status.CompletedAt).NotTo(BeNil())
		g.Expect(got.Status.CompletedAt.Equal(&done)).To(BeTrue())
	}).Should(Succeed())
}

// TestCapabilityNotFoundGrace: with the default grace period, an initiative applied before the capability it
// requires exists (and that no initiative provides) waits (Reconciling, not Stalled) rather than reading broken,
// and becomes Ready when the capability is declared.
func TestCapabilityNotFoundGrace(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "grace")
	create(t, g, initiative(ns, "early", "grace-late-capability"))
	ini := expectInitiative(g, ns, "early", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound)
	g.Expect(conditionStatus(ini.Status.Conditions, roadmapv1.ConditionReconciling)).To(Equal(metav1.ConditionTrue))
	g.Expect(conditionStatus(ini.Status.Conditions, roadmapv1.ConditionStalled)).To(BeEmpty())
	g.Expect(ini.Status.Summary).To(Equal("capability grace-late-capability: not found"))

	create(t, g, capability("grace-late-capability", roadmapv1.LifecycleAvailable))
	expectInitiative(g, ns, "early", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
}
