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
	"regexp"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

func goal(name, parent string, target roadmapv1.Date) *roadmapv1.Goal {
	return &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: roadmapv1.GoalSpec{Title: name, Parent: roadmapv1.ResourceName(parent), TargetDate: target}}
}

func getGoal(g Gomega, name string) *roadmapv1.Goal {
	goal := &roadmapv1.Goal{}
	g.Expect(k.Get(ctx(), client.ObjectKey{Name: name}, goal)).To(Succeed())
	return goal
}

func condition(conds []metav1.Condition, conditionType string) metav1.Condition {
	if c := apimeta.FindStatusCondition(conds, conditionType); c != nil {
		return *c
	}
	return metav1.Condition{}
}

func wsjf(ini *roadmapv1.Initiative, value, urgency, risk, effort int32) {
	ini.Spec.Value, ini.Spec.Urgency, ini.Spec.RiskReduction, ini.Spec.Effort = &value, &urgency, &risk, &effort
}

// TestRoadmapSequencing is the seed scenario: a goal with a child goal, an Operations initiative providing the
// event bus by 2027-06-30, and an Innovation initiative requiring it by 2027-03-31 that is therefore in schedule
// conflict and puts both goals at risk; moving the innovation's date clears it.
func TestRoadmapSequencing(t *testing.T) {
	g := newG(t)
	ops, shop := namespace(t, "seq-ops"), namespace(t, "seq-shop")
	kafka := initiative(ops, "kafka-cluster")
	kafka.Spec.Track, kafka.Spec.State = roadmapv1.TrackOperations, roadmapv1.StateActive
	kafka.Spec.Provides = toNames([]string{"seq-event-bus"})
	kafka.Spec.Goals = toNames([]string{"seq-personalisation"})
	kafka.Spec.TargetDate = "2027-06-30"
	wsjf(kafka, 5, 5, 8, 8)
	recs := initiative(shop, "recommendations", "seq-event-bus")
	recs.Spec.Goals = toNames([]string{"seq-recommendations"})
	recs.Spec.TargetDate = "2027-03-31"
	wsjf(recs, 8, 5, 3, 5)
	create(t, g,
		goal("seq-personalisation", "", "2027-12-31"),
		goal("seq-recommendations", "seq-personalisation", ""),
		capability("seq-event-bus", roadmapv1.LifecyclePlanned),
		kafka, recs)

	// The innovation waits for a capability that has a plan: blocked, but not NoProvider; in conflict.
	ini := expectInitiative(g, shop, "recommendations", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady)
	g.Eventually(func(g Gomega) {
		ini := getInitiative(g, shop, "recommendations")
		sc := condition(ini.Status.Conditions, roadmapv1.ConditionScheduleConflict)
		g.Expect(sc.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(sc.Reason).To(Equal(roadmapv1.ScheduleReasonProviderLate))
		g.Expect(sc.Message).To(Equal("capability seq-event-bus arrives 2027-06-30 (seq-ops/kafka-cluster), after this initiative's target 2027-03-31"))
	}).Should(Succeed())
	g.Expect(ini.Status.PriorityScore).To(Equal("3.20"))
	g.Expect(condition(ini.Status.Conditions, roadmapv1.ConditionPrioritized).Message).To(Equal("WSJF = (8 + 5 + 3) / 5 = 3.20"))
	g.Expect(condition(ini.Status.Conditions, roadmapv1.ConditionAligned).Status).To(Equal(metav1.ConditionTrue))

	// The capability names its plan and ETA.
	g.Eventually(func(g Gomega) {
		c := getCapability(g, "seq-event-bus")
		g.Expect(c.Status.Providers).To(Equal([]roadmapv1.ProviderStatus{{Namespace: ops, Name: "kafka-cluster",
			TargetDate: "2027-06-30", State: roadmapv1.StateActive}}))
		g.Expect(c.Status.ETA).To(BeEquivalentTo("2027-06-30"))
	}).Should(Succeed())

	// Both goals roll up the innovation (the parent through its child) and are at risk.
	g.Eventually(func(g Gomega) {
		child := getGoal(g, "seq-recommendations")
		g.Expect(child.Status.Initiatives).To(Equal(roadmapv1.InitiativeCounts{Total: 1, Blocked: 1, Innovation: 1}))
		g.Expect(condition(child.Status.Conditions, roadmapv1.ConditionAtRisk).Message).To(Equal("seq-shop/recommendations: in schedule conflict"))
		parent := getGoal(g, "seq-personalisation")
		g.Expect(parent.Status.Initiatives).To(Equal(roadmapv1.InitiativeCounts{Total: 2, Ready: 1, Blocked: 1, Innovation: 1, Operations: 1}))
		atRisk := condition(parent.Status.Conditions, roadmapv1.ConditionAtRisk)
		g.Expect(atRisk.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(atRisk.Reason).To(Equal(roadmapv1.GoalReasonInitiativesAtRisk))
		g.Expect(condition(parent.Status.Conditions, roadmapv1.ConditionReady).Message).To(Equal("2 initiatives: 1 ready, 1 blocked"))
	}).Should(Succeed())

	// Move the innovation after the provider: the conflict clears and both goals are on track.
	update(g, getInitiative(g, shop, "recommendations"), func(i *roadmapv1.Initiative) { i.Spec.TargetDate = "2027-09-30" })
	g.Eventually(func(g Gomega) {
		ini := getInitiative(g, shop, "recommendations")
		g.Expect(condition(ini.Status.Conditions, roadmapv1.ConditionScheduleConflict).Status).To(Equal(metav1.ConditionFalse))
		for _, name := range []string{"seq-recommendations", "seq-personalisation"} {
			atRisk := condition(getGoal(g, name).Status.Conditions, roadmapv1.ConditionAtRisk)
			g.Expect(atRisk.Status).To(Equal(metav1.ConditionFalse), name)
			g.Expect(atRisk.Reason).To(Equal(roadmapv1.GoalReasonOnTrack), name)
		}
	}).Should(Succeed())

	// Operations delivers: the capability goes Available, the provider Done; progress is value-weighted:
	// kafka (value 5) done of 5 + 8.
	update(g, getCapability(g, "seq-event-bus"), func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleAvailable })
	update(g, getInitiative(g, ops, "kafka-cluster"), func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateDone })
	expectInitiative(g, shop, "recommendations", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
	g.Eventually(func(g Gomega) {
		parent := getGoal(g, "seq-personalisation")
		g.Expect(parent.Status.Initiatives).To(Equal(roadmapv1.InitiativeCounts{Total: 2, Ready: 1, Done: 1, Innovation: 1, Operations: 1}))
		g.Expect(parent.Status.Progress).To(BeEquivalentTo(38))
	}).Should(Succeed())

	// Work blocked past its own date puts its goal at risk.
	overdue := initiative(shop, "overdue", "seq-nobody-builds-this")
	overdue.Spec.Goals, overdue.Spec.TargetDate = toNames([]string{"seq-recommendations"}), "2020-01-31"
	create(t, g, overdue)
	expectInitiative(g, shop, "overdue", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound)
	g.Eventually(func(g Gomega) {
		atRisk := condition(getGoal(g, "seq-personalisation").Status.Conditions, roadmapv1.ConditionAtRisk)
		g.Expect(atRisk.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(atRisk.Message).To(Equal("seq-shop/overdue: blocked past its target date 2020-01-31"))
	}).Should(Succeed())
}

// TestAlignmentAndPriority: shadow IT is flagged and sinks to the bottom; missing estimates are reported; a
// goal that appears aligns the work naming it; kubectl sorts by priority numerically.
func TestAlignmentAndPriority(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "align")
	create(t, g, goal("align-growth", "", "2027-12-31"))
	shadow := initiative(ns, "shadow-chatbot")
	wsjf(shadow, 9, 9, 9, 1)
	typo := initiative(ns, "typo")
	typo.Spec.Goals = toNames([]string{"align-grwoth"})
	wsjf(typo, 4, 4, 4, 4)
	small := initiative(ns, "small-win")
	small.Spec.Goals = toNames([]string{"align-growth"})
	wsjf(small, 10, 10, 1, 2)
	big := initiative(ns, "big-bet")
	big.Spec.Goals = toNames([]string{"align-growth"})
	wsjf(big, 9, 9, 3, 10)
	unestimated := initiative(ns, "unestimated")
	unestimated.Spec.Goals = toNames([]string{"align-growth"})
	unestimated.Spec.Value = ptr.To[int32](7)
	create(t, g, shadow, typo, small, big, unestimated)

	g.Eventually(func(g Gomega) {
		ini := getInitiative(g, ns, "shadow-chatbot")
		aligned := condition(ini.Status.Conditions, roadmapv1.ConditionAligned)
		g.Expect(aligned.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(aligned.Reason).To(Equal(roadmapv1.AlignedReasonNoGoal))
		g.Expect(ini.Status.PriorityScore).To(Equal("0.00"))
		prio := condition(ini.Status.Conditions, roadmapv1.ConditionPrioritized)
		g.Expect(prio.Reason).To(Equal(roadmapv1.PriorityReasonUnaligned))
		g.Expect(prio.Message).To(ContainSubstring("it would score WSJF = (9 + 9 + 9) / 1 = 27.00"))
	}).Should(Succeed())
	g.Eventually(func(g Gomega) {
		ini := getInitiative(g, ns, "unestimated")
		g.Expect(ini.Status.PriorityScore).To(BeEmpty())
		prio := condition(ini.Status.Conditions, roadmapv1.ConditionPrioritized)
		g.Expect(prio.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(prio.Reason).To(Equal(roadmapv1.PriorityReasonMissingEstimates))
	}).Should(Succeed())
	g.Eventually(func(g Gomega) string {
		return condition(getInitiative(g, ns, "typo").Status.Conditions, roadmapv1.ConditionAligned).Reason
	}).Should(Equal(roadmapv1.AlignedReasonGoalNotFound))
	g.Eventually(func(g Gomega) []string { return eventReasonsList(g, ns, "shadow-chatbot") }).Should(ContainElement("Unaligned"))

	// Creating the misspelt goal aligns the work that names it, through the goal watch.
	create(t, g, goal("align-grwoth", "", ""))
	g.Eventually(func(g Gomega) string { return getInitiative(g, ns, "typo").Status.PriorityScore }).Should(Equal("3.00"))

	// Standups sort by priority with kubectl: numerically, highest last.
	g.Eventually(func(g Gomega) string { return getInitiative(g, ns, "big-bet").Status.PriorityScore }).Should(Equal("2.10"))
	g.Eventually(func(g Gomega) string { return getInitiative(g, ns, "small-win").Status.PriorityScore }).Should(Equal("10.50"))
	out, err := env.Kubectl("get", "initiatives", "-n", ns, "--sort-by=.status.priorityScore", "-o", "custom-columns=NAME:.metadata.name", "--no-headers")
	g.Expect(err).NotTo(HaveOccurred())
	order := strings.Fields(out)
	g.Expect(indexOf(order, "shadow-chatbot")).To(BeNumerically("<", indexOf(order, "big-bet")))
	g.Expect(indexOf(order, "big-bet")).To(BeNumerically("<", indexOf(order, "typo")))
	g.Expect(indexOf(order, "typo")).To(BeNumerically("<", indexOf(order, "small-win")), "10.50 sorts after 3.00 only numerically")
	g.Expect(indexOf(order, "unestimated")).To(BeZero(), "work without a score sorts first")

	// The standup view shows unaligned work in its own column.
	out, err = env.Kubectl("get", "initiatives", "-n", ns)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(MatchRegexp(`(?m)^shadow-chatbot\s+Innovation\s+Ready\s+0\.00\s+False\s`))
	g.Expect(out).To(MatchRegexp(`(?m)^small-win\s+Innovation\s+Ready\s+10\.50\s+True\s`))
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func eventReasonsList(g Gomega, ns, name string) []string {
	var out []string
	for reason := range eventReasons(g, ns, name) {
		out = append(out, reason)
	}
	return out
}

// TestGoalCascading: parents that do not exist, parent cycles, and a provider that appears for a capability
// nobody planned.
func TestGoalCascading(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "cascade")
	create(t, g, goal("cas-child", "cas-parent", ""))
	g.Eventually(func(g Gomega) {
		child := getGoal(g, "cas-child")
		ready := condition(child.Status.Conditions, roadmapv1.ConditionReady)
		g.Expect(ready.Reason).To(Equal(roadmapv1.GoalReasonParentNotFound))
		g.Expect(ready.Message).To(Equal("parent goal cas-parent: not found"))
		g.Expect(condition(child.Status.Conditions, roadmapv1.ConditionStalled).Status).To(Equal(metav1.ConditionTrue))
	}).Should(Succeed())
	create(t, g, goal("cas-parent", "", ""))
	g.Eventually(func(g Gomega) string {
		return condition(getGoal(g, "cas-child").Status.Conditions, roadmapv1.ConditionReady).Reason
	}).Should(Equal(roadmapv1.GoalReasonNoInitiatives))

	// A parent loop: both members report the whole cycle, and rollups still terminate.
	update(g, getGoal(g, "cas-parent"), func(goal *roadmapv1.Goal) { goal.Spec.Parent = "cas-child" })
	for _, cycle := range []string{"cas-child -> cas-parent -> cas-child", "cas-parent -> cas-child -> cas-parent"} {
		name := strings.Fields(cycle)[0]
		g.Eventually(func(g Gomega) string {
			return condition(getGoal(g, name).Status.Conditions, roadmapv1.ConditionReady).Message
		}).Should(Equal("dependency cycle: " + cycle))
	}
	work := initiative(ns, "work", "cas-unplanned")
	work.Spec.Goals = toNames([]string{"cas-child"})
	create(t, g, work)
	g.Eventually(func(g Gomega) int32 { return getGoal(g, "cas-parent").Status.Initiatives.Total }).Should(BeEquivalentTo(1))
	update(g, getGoal(g, "cas-parent"), func(goal *roadmapv1.Goal) { goal.Spec.Parent = "" })
	g.Eventually(func(g Gomega) string {
		return condition(getGoal(g, "cas-child").Status.Conditions, roadmapv1.ConditionReady).Reason
	}).Should(Equal(roadmapv1.GoalReasonRollup))

	// Nobody plans the capability: NoProvider; an Operations initiative that provides it turns that into a plan.
	create(t, g, capability("cas-unplanned", roadmapv1.LifecyclePlanned))
	ini := expectInitiative(g, ns, "work", roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider)
	g.Expect(ini.Status.BlockedBy[0].Message).To(Equal("capability cas-unplanned: Planned (no provider)"))
	plan := initiative(ns, "plan")
	plan.Spec.Track, plan.Spec.Provides = roadmapv1.TrackOperations, toNames([]string{"cas-unplanned"})
	create(t, g, plan)
	expectInitiative(g, ns, "work", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady)

	// Key results are reported on the goal.
	update(g, getGoal(g, "cas-parent"), func(goal *roadmapv1.Goal) {
		goal.Spec.KeyResults = []roadmapv1.KeyResult{
			{Description: "incident minutes", Target: "600", Baseline: ptr.To("1200"), Current: ptr.To("900")},
			{Description: "NPS", Target: "50"}}
	})
	g.Eventually(func(g Gomega) {
		parent := getGoal(g, "cas-parent")
		g.Expect(parent.Status.KeyResults).To(HaveLen(2))
		g.Expect(parent.Status.KeyResults[0].Attainment).To(Equal(ptr.To[int32](50)))
		g.Expect(parent.Status.KeyResults[1].Message).To(Equal("not yet measured"))
		g.Expect(parent.Status.KeyResultAttainment).To(Equal(ptr.To[int32](50)))
	}).Should(Succeed())

	out, err := env.Kubectl("get", "goals", "cas-parent", "cas-child")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(regexp.MustCompile(`(?m)^cas-parent\s+1\s+1\s+0\s+0\s+False\s`).MatchString(out)).To(BeTrue(), out)
}
