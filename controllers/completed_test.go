package controllers_test

import (
	"testing"

	. "github.com/onsi/gomega"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// TestCompletedAt: the operator records when an initiative becomes Done or Cancelled, keeps that time while it
// stays so, and clears it when the work is reopened; standups read it.
func TestCompletedAt(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "completed")
	create(t, g, initiative(ns, "finish-me", "completed-missing-capability"))
	ini := expectInitiative(g, ns, "finish-me", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound)
	g.Expect(ini.Status.CompletedAt).To(BeNil())

	// Blocked -> Done: finished, even though it never was Ready.
	update(g, ini, func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateDone })
	ini = expectInitiative(g, ns, "finish-me", roadmapv1.PhaseDone, roadmapv1.InitiativeReasonDone)
	g.Expect(ini.Status.CompletedAt).NotTo(BeNil())
	done := *ini.Status.CompletedAt

	// Staying Done keeps the time (a spec change that is not the state re-evaluates it).
	update(g, ini, func(i *roadmapv1.Initiative) { i.Spec.Title = "finished, retitled" })
	g.Eventually(func(g Gomega) {
		got := getInitiative(g, ns, "finish-me")
		g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
		g.Expect(got.Status.CompletedAt).NotTo(BeNil())
		g.Expect(got.Status.CompletedAt.Equal(&done)).To(BeTrue())
	}).Should(Succeed())

	// Reopened: no completion time.
	update(g, getInitiative(g, ns, "finish-me"), func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateActive })
	ini = expectInitiative(g, ns, "finish-me", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound)
	g.Expect(ini.Status.CompletedAt).To(BeNil())

	// Cancelled: recorded again.
	update(g, ini, func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateCancelled })
	ini = expectInitiative(g, ns, "finish-me", roadmapv1.PhaseCancelled, roadmapv1.InitiativeReasonCancelled)
	g.Expect(ini.Status.CompletedAt).NotTo(BeNil())
}
