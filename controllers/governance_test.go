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

// startedEarlyGauge reads roadmap_initiatives_started_early from the registry the manager serves.
func startedEarlyGauge(g Gomega) float64 {
	ms := metricFamily(g, "roadmap_initiatives_started_early")
	g.Expect(ms).To(HaveLen(1))
	return ms[0].GetGauge().GetValue()
}

// TestStartedEarly: an Innovation initiative declared Active while a capability it requires is Planned is
// flagged StartedEarly, with one Warning event per transition; its goal counts it and is AtRisk; the flag clears
// when the capability turns Ready or the state changes, all through watch events.
func TestStartedEarly(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "early")
	baseline := 0.0
	g.Eventually(func(g Gomega) { baseline = startedEarlyGauge(g) }).Should(Succeed())

	eager := initiative(ns, "eager", "early-bus")
	eager.Spec.Goals = toNames([]string{"early-goal"})
	create(t, g, goal("early-goal", "", ""), capability("early-bus", roadmapv1.LifecyclePlanned), eager)
	ini := expectInitiative(g, ns, "eager", roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider)
	g.Expect(ini.Status.Conditions).NotTo(ContainElement(HaveField("Type", roadmapv1.ConditionStartedEarly)),
		"Proposed and Blocked is the plan working, not work started early")

	// The team declares it Active while the event bus is still Planned.
	update(g, ini, func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateActive })
	g.Eventually(func(g Gomega) {
		c := condition(getInitiative(g, ns, "eager").Status.Conditions, roadmapv1.ConditionStartedEarly)
		g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(c.Reason).To(Equal(roadmapv1.StartedEarlyReasonPrerequisitesNotReady))
		g.Expect(c.Message).To(Equal("declared Active while a required capability is not Ready: capability early-bus: Planned (no provider)"))
	}).Should(Succeed())
	g.Eventually(func(g Gomega) {
		goal := getGoal(g, "early-goal")
		g.Expect(goal.Status.Initiatives.StartedEarly).To(BeEquivalentTo(1))
		atRisk := condition(goal.Status.Conditions, roadmapv1.ConditionAtRisk)
		g.Expect(atRisk.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(atRisk.Message).To(Equal("early/eager: started before its platform is ready"))
		g.Expect(condition(goal.Status.Conditions, roadmapv1.ConditionReady).Message).To(Equal("1 initiative: 1 blocked, 1 started early"))
	}).Should(Succeed())
	g.Eventually(startedEarlyGauge).Should(Equal(baseline + 1))
	g.Eventually(func(g Gomega) map[string]int { return eventReasons(g, ns, "eager") }).
		Should(HaveKeyWithValue(roadmapv1.ConditionStartedEarly, 1))

	// Reconciles that change other things while it stays early tell nothing again. A provider appears: the
	// blocker's reason changes (NoProvider → CapabilityNotReady) and the message follows, the event does not.
	provider := initiative(ns, "build-early-bus")
	provider.Spec.Track, provider.Spec.Provides = roadmapv1.TrackOperations, toNames([]string{"early-bus"})
	create(t, g, provider)
	expectInitiative(g, ns, "eager", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady)
	g.Eventually(func(g Gomega) string {
		return condition(getInitiative(g, ns, "eager").Status.Conditions, roadmapv1.ConditionStartedEarly).Message
	}).Should(Equal("declared Active while a required capability is not Ready: capability early-bus: Planned"))
	g.Consistently(func(g Gomega) int { return eventReasons(g, ns, "eager")[roadmapv1.ConditionStartedEarly] }).Should(Equal(1))

	// The platform catches up: the flag clears, and the goal is back on track.
	update(g, getCapability(g, "early-bus"), func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleAvailable })
	ini = expectInitiative(g, ns, "eager", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
	g.Expect(ini.Status.Conditions).NotTo(ContainElement(HaveField("Type", roadmapv1.ConditionStartedEarly)))
	g.Eventually(func(g Gomega) {
		goal := getGoal(g, "early-goal")
		g.Expect(goal.Status.Initiatives.StartedEarly).To(BeZero())
		g.Expect(condition(goal.Status.Conditions, roadmapv1.ConditionAtRisk).Status).To(Equal(metav1.ConditionFalse))
	}).Should(Succeed())
	g.Eventually(startedEarlyGauge).Should(Equal(baseline))

	// Back to Planned: flagged again, a second event; then the team steps back to Proposed: cleared.
	update(g, getCapability(g, "early-bus"), func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecyclePlanned })
	g.Eventually(func(g Gomega) metav1.ConditionStatus {
		return condition(getInitiative(g, ns, "eager").Status.Conditions, roadmapv1.ConditionStartedEarly).Status
	}).Should(Equal(metav1.ConditionTrue))
	g.Eventually(func(g Gomega) map[string]int { return eventReasons(g, ns, "eager") }).
		Should(HaveKeyWithValue(roadmapv1.ConditionStartedEarly, 2))
	update(g, getInitiative(g, ns, "eager"), func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateProposed })
	g.Eventually(func(g Gomega) []metav1.Condition { return getInitiative(g, ns, "eager").Status.Conditions }).
		ShouldNot(ContainElement(HaveField("Type", roadmapv1.ConditionStartedEarly)))
	g.Eventually(func(g Gomega) int32 { return getGoal(g, "early-goal").Status.Initiatives.StartedEarly }).Should(BeZero())
	g.Expect(eventReasons(g, ns, "eager")).To(HaveKeyWithValue(roadmapv1.ConditionStartedEarly, 2))
}

// TestInUse: a Retired capability that open initiatives still require is InUse, with their count and the first
// three; the condition follows initiatives opening, closing and dropping the requirement, through watch events.
func TestInUse(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "inuse")
	objs := []*roadmapv1.Initiative{}
	for _, name := range []string{"a1", "a2", "a3", "a4", "finished"} {
		objs = append(objs, initiative(ns, name, "inuse-legacy-bus"))
	}
	objs[4].Spec.State = roadmapv1.StateDone
	create(t, g, capability("inuse-legacy-bus", roadmapv1.LifecycleAvailable), objs[0], objs[1], objs[2], objs[3], objs[4])
	g.Eventually(func(g Gomega) int32 { return getCapability(g, "inuse-legacy-bus").Status.Dependents }).Should(BeEquivalentTo(5))
	g.Expect(getCapability(g, "inuse-legacy-bus").Status.Conditions).NotTo(ContainElement(HaveField("Type", roadmapv1.ConditionInUse)),
		"an Available capability is not flagged, however many require it")

	inUse := func(g Gomega) metav1.Condition {
		return condition(getCapability(g, "inuse-legacy-bus").Status.Conditions, roadmapv1.ConditionInUse)
	}
	update(g, getCapability(g, "inuse-legacy-bus"), func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleRetired })
	g.Eventually(func(g Gomega) {
		c := inUse(g)
		g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(c.Reason).To(Equal(roadmapv1.InUseReasonRequiredByOpenWork))
		g.Expect(c.Message).To(Equal("Retired but still required by 4 open initiatives: inuse/a1, inuse/a2, inuse/a3 (+1 more)"))
	}).Should(Succeed())
	// Capabilities are cluster-scoped: their events are recorded in the default namespace.
	g.Eventually(func(g Gomega) map[string]int { return eventReasons(g, "default", "inuse-legacy-bus") }).
		Should(HaveKeyWithValue(roadmapv1.ConditionInUse, 1))

	// An initiative closing (Done) and one dropping the requirement: the message follows, no new event.
	update(g, getInitiative(g, ns, "a1"), func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateDone })
	g.Eventually(func(g Gomega) string { return inUse(g).Message }).
		Should(Equal("Retired but still required by 3 open initiatives: inuse/a2, inuse/a3, inuse/a4"))
	update(g, getInitiative(g, ns, "a2"), func(i *roadmapv1.Initiative) { i.Spec.Requires = nil })
	g.Eventually(func(g Gomega) string { return inUse(g).Message }).
		Should(Equal("Retired but still required by 2 open initiatives: inuse/a3, inuse/a4"))

	// The last open dependents go: cancelled and deleted.
	update(g, getInitiative(g, ns, "a3"), func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateCancelled })
	g.Eventually(func(g Gomega) string { return inUse(g).Message }).
		Should(Equal("Retired but still required by 1 open initiative: inuse/a4"))
	g.Expect(k.Delete(ctx(), getInitiative(g, ns, "a4"))).To(Succeed())
	g.Eventually(func(g Gomega) []metav1.Condition { return getCapability(g, "inuse-legacy-bus").Status.Conditions }).
		ShouldNot(ContainElement(HaveField("Type", roadmapv1.ConditionInUse)))
	g.Expect(eventReasons(g, "default", "inuse-legacy-bus")).To(HaveKeyWithValue(roadmapv1.ConditionInUse, 1))

	// Reopened work: in use again, and told again.
	update(g, getInitiative(g, ns, "a3"), func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateActive })
	g.Eventually(func(g Gomega) string { return inUse(g).Message }).
		Should(Equal("Retired but still required by 1 open initiative: inuse/a3"))
	g.Eventually(func(g Gomega) map[string]int { return eventReasons(g, "default", "inuse-legacy-bus") }).
		Should(HaveKeyWithValue(roadmapv1.ConditionInUse, 2))
}
