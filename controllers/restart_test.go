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
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// TestRestartWritesNothing: after everything settles, a new manager reconciles every object again (its informers
// replay them all as creations) and writes no status at all: every resourceVersion stays as it was.
func TestRestartWritesNothing(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "restart")
	dependsOnReady := initiative(ns, "follow-up", "restart-k8s")
	dependsOnReady.Spec.DependsOn = []roadmapv1.InitiativeReference{{Name: "rollout"}}
	// Started early on a Retired capability: StartedEarly on the initiative, InUse on the capability.
	startedEarly := initiative(ns, "eager", "restart-legacy")
	startedEarly.Spec.State = roadmapv1.StateActive
	rollout := initiative(ns, "rollout", "restart-k8s")
	rollout.Spec.Goals = []roadmapv1.ResourceName{"restart-goal"}
	orphan := &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: "restart-orphan"},
		Spec: roadmapv1.GoalSpec{Title: "orphan", Parent: "restart-gone"}}
	create(t, g,
		capability("restart-k8s", roadmapv1.LifecycleAvailable),
		capability("restart-bus", roadmapv1.LifecyclePlanned, "restart-k8s"),
		capability("restart-loop-a", roadmapv1.LifecycleAvailable, "restart-loop-b"),
		capability("restart-loop-b", roadmapv1.LifecycleAvailable, "restart-loop-a"),
		capability("restart-legacy", roadmapv1.LifecycleRetired),
		startedEarly,
		rollout,
		initiative(ns, "streaming", "restart-bus", "restart-gone"),
		dependsOnReady,
		&roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: "restart-goal"}, Spec: roadmapv1.GoalSpec{Title: "goal"}},
		orphan)
	expectInitiative(g, ns, "rollout", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
	expectInitiative(g, ns, "streaming", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound)
	expectInitiative(g, ns, "follow-up", roadmapv1.PhaseBlocked, roadmapv1.ReasonInitiativeNotDone)
	expectCapability(g, "restart-loop-b", metav1.ConditionFalse, roadmapv1.ReasonDependencyCycle)
	g.Eventually(func(g Gomega) string { return getCapability(g, "restart-bus").Status.Summary }).Should(Equal("Planned"))
	g.Eventually(func(g Gomega) int32 { return getCapability(g, "restart-k8s").Status.Dependents }).Should(BeEquivalentTo(3))
	g.Eventually(func(g Gomega) metav1.ConditionStatus {
		return condition(getInitiative(g, ns, "eager").Status.Conditions, roadmapv1.ConditionStartedEarly).Status
	}).Should(Equal(metav1.ConditionTrue))
	g.Eventually(func(g Gomega) metav1.ConditionStatus {
		return condition(getCapability(g, "restart-legacy").Status.Conditions, roadmapv1.ConditionInUse).Status
	}).Should(Equal(metav1.ConditionTrue))
	g.Eventually(func(g Gomega) int32 { return getGoal(g, "restart-goal").Status.Initiatives.Total }).Should(BeEquivalentTo(1))
	g.Eventually(func(g Gomega) string { return readyCondition(getGoal(g, "restart-orphan").Status.Conditions).Reason }).
		Should(Equal(roadmapv1.GoalReasonParentNotFound))

	// Settled: the whole cluster (this test's objects and every earlier test's) holds still.
	before := resourceVersionsOf(g)
	g.Consistently(resourceVersionsOf).Should(Equal(before))

	initiativeRuns, capabilityRuns, goalRuns := reconciles(g, "initiative"), reconciles(g, "capability"), reconciles(g, "goal")
	g.Expect(mgr.Stop()).To(Succeed())
	var err error
	mgr, err = operatortest.StartManager(env, controllers.DefaultOptions())
	g.Expect(err).NotTo(HaveOccurred())

	// Wait until the new manager has reconciled every object at least once and its queues are drained.
	initiatives, capabilities, goals := len(before.Initiatives), len(before.Capabilities), len(before.Goals)
	g.Expect(goals).To(BeNumerically(">=", 2))
	g.Eventually(func(g Gomega) {
		g.Expect(reconciles(g, "initiative") - initiativeRuns).To(BeNumerically(">=", initiatives))
		g.Expect(reconciles(g, "capability") - capabilityRuns).To(BeNumerically(">=", capabilities))
		g.Expect(reconciles(g, "goal") - goalRuns).To(BeNumerically(">=", goals))
		for _, c := range []string{"initiative", "capability", "goal"} {
			g.Expect(gauge(g, "workqueue_depth", c)).To(BeZero())
			g.Expect(gauge(g, "controller_runtime_active_workers", c)).To(BeZero())
		}
	}).Should(Succeed())
	g.Expect(resourceVersionsOf(g)).To(Equal(before), "a restart over a settled cluster must write nothing")
}

// resourceVersionsOf is the resourceVersion of every roadmap object in the cluster.
func resourceVersionsOf(g Gomega) testenv.Versions { return testenv.ResourceVersions(g, k) }

// reconciles is the number of reconciles a controller has completed, from controller-runtime's metrics.
func reconciles(g Gomega, controller string) int {
	return int(testenv.ControllerValue(metricFamily(g, "controller_runtime_reconcile_total"), controller))
}

func gauge(g Gomega, name, controller string) float64 {
	return testenv.ControllerValue(metricFamily(g, name), controller)
}

// metricFamily is the samples of a metric the manager of the suite has used by now.
var metricFamily = testenv.RegisteredMetric

var label = testenv.Label
