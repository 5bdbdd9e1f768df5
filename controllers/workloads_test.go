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
	"strconv"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// TestWorkloadsLinkAndStartedEarly: a Deployment labelled for a Blocked Innovation initiative shows in its status
// summary and makes it StartedEarly (reason and event naming the workload and the capability), with no declared
// Active; relabelling it moves it to the other initiative; the capability turning Ready clears the flag.
func TestWorkloadsLinkAndStartedEarly(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "wl-link")
	orders := initiative(ns, "wl-orders", "wl-bus")
	other := initiative(ns, "wl-other")
	create(t, g, capability("wl-bus", roadmapv1.LifecyclePlanned), orders, other)
	expectInitiative(g, ns, "wl-orders", roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider)

	api := testenv.Deployment(ns, "orders-api", "wl-orders")
	create(t, g, api)
	g.Eventually(func(g Gomega) {
		ini := getInitiative(g, ns, "wl-orders")
		g.Expect(ini.Status.Workloads).To(Equal(&roadmapv1.WorkloadsSummary{Total: 1, Kinds: []roadmapv1.WorkloadKindCount{
			{Kind: "Deployment", Count: 1, Names: []string{"orders-api"}}}}))
		c := condition(ini.Status.Conditions, roadmapv1.ConditionStartedEarly)
		g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(c.Reason).To(Equal(roadmapv1.StartedEarlyReasonWorkloadsDeployed))
		g.Expect(c.Message).To(Equal("workload Deployment orders-api deployed while a required capability is not Ready: " +
			"capability wl-bus: Planned (no provider)"))
	}).Should(Succeed())
	g.Eventually(func(g Gomega) map[string]int { return eventReasons(g, ns, "wl-orders") }).
		Should(HaveKeyWithValue(roadmapv1.ConditionStartedEarly, 1))

	// The summary is bounded: five more Deployments and a CronJob keep three names per kind and count them all.
	for _, name := range []string{"orders-b", "orders-c", "orders-d", "orders-e", "orders-f"} {
		create(t, g, testenv.Deployment(ns, name, "wl-orders"))
	}
	create(t, g, cronJob(ns, "orders-replay", "wl-orders"))
	g.Eventually(func(g Gomega) *roadmapv1.WorkloadsSummary { return getInitiative(g, ns, "wl-orders").Status.Workloads }).
		Should(Equal(&roadmapv1.WorkloadsSummary{Total: 7, Kinds: []roadmapv1.WorkloadKindCount{
			{Kind: "CronJob", Count: 1, Names: []string{"orders-replay"}},
			{Kind: "Deployment", Count: 6, Names: []string{"orders-api", "orders-b", "orders-c"}}}}))

	// Scaling a workload is not a change the initiative reads: its status is not written again.
	rv := getInitiative(g, ns, "wl-orders").ResourceVersion
	update(g, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "orders-b"}}, func(d *appsv1.Deployment) {
		d.Spec.Replicas = new(int32(3))
	})
	g.Consistently(func(g Gomega) string { return getInitiative(g, ns, "wl-orders").ResourceVersion }).Should(Equal(rv))

	// Every workload but one moves away: the label changes, both initiatives follow.
	for _, name := range []string{"orders-b", "orders-c", "orders-d", "orders-e", "orders-f"} {
		g.Expect(k.Delete(ctx(), &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}})).To(Succeed())
	}
	g.Expect(k.Delete(ctx(), cronJob(ns, "orders-replay", ""))).To(Succeed())
	update(g, api, func(d *appsv1.Deployment) { d.Labels[roadmapv1.LabelInitiative] = "wl-other" })
	g.Eventually(func(g Gomega) {
		g.Expect(getInitiative(g, ns, "wl-orders").Status.Workloads).To(BeNil())
		g.Expect(getInitiative(g, ns, "wl-orders").Status.Conditions).NotTo(
			ContainElement(HaveField("Type", roadmapv1.ConditionStartedEarly)))
		g.Expect(getInitiative(g, ns, "wl-other").Status.Workloads).To(HaveField("Total", BeEquivalentTo(1)))
	}).Should(Succeed())

	// Back, and the capability becomes Available: no longer early.
	update(g, api, func(d *appsv1.Deployment) { d.Labels[roadmapv1.LabelInitiative] = "wl-orders" })
	g.Eventually(func(g Gomega) metav1.ConditionStatus {
		return condition(getInitiative(g, ns, "wl-orders").Status.Conditions, roadmapv1.ConditionStartedEarly).Status
	}).Should(Equal(metav1.ConditionTrue))
	update(g, &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "wl-bus"}}, func(c *roadmapv1.Capability) {
		c.Spec.Lifecycle = roadmapv1.LifecycleAvailable
	})
	expectInitiative(g, ns, "wl-orders", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
	g.Eventually(func(g Gomega) []metav1.Condition { return getInitiative(g, ns, "wl-orders").Status.Conditions }).
		ShouldNot(ContainElement(HaveField("Type", roadmapv1.ConditionStartedEarly)))
	g.Expect(getInitiative(g, ns, "wl-orders").Status.Workloads).To(HaveField("Total", BeEquivalentTo(1)))
}

// TestWorkloadsUntracedAndDangling: in a namespace labelled roadmap.dev/workloads, unlabelled workloads are
// untraced and labels naming no initiative, an invalid name or a Done initiative are dangling, per namespace
// in the metrics; a break-glass annotation is counted and recorded; unlabelling the namespace drops them.
func TestWorkloadsUntracedAndDangling(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "wl-audit")
	done := initiative(ns, "wl-finished")
	done.Spec.State = roadmapv1.StateDone
	create(t, g, initiative(ns, "wl-live"), done,
		testenv.Deployment(ns, "traced", "wl-live"),
		testenv.Deployment(ns, "shadow", ""),
		testenv.Deployment(ns, "ghost", "wl-missing"),
		testenv.Deployment(ns, "bad-label", "Not_A_Name"),
		testenv.Deployment(ns, "leftover", "wl-finished"))
	g.Consistently(func(g Gomega) string { return gaugeOf(g, "roadmap_workloads_untraced", ns) }).Should(Equal("none"),
		"a namespace that does not opt in is not reported")

	update(g, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, func(n *corev1.Namespace) {
		n.Labels[roadmapv1.LabelWorkloads] = roadmapv1.WorkloadsModeAudit
	})
	g.Eventually(func(g Gomega) []string {
		return []string{gaugeOf(g, "roadmap_workloads_untraced", ns), gaugeOf(g, "roadmap_workloads_dangling", ns)}
	}).Should(Equal([]string{"1", "3"}))

	// The initiative appears: one dangling less. A break-glass annotation is counted and recorded.
	create(t, g, initiative(ns, "wl-missing"))
	update(g, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "shadow"}}, func(d *appsv1.Deployment) {
		d.Annotations = map[string]string{roadmapv1.AnnotationBreakGlass: "INC-4711 checkout down"}
	})
	g.Eventually(func(g Gomega) []string {
		return []string{gaugeOf(g, "roadmap_workloads_untraced", ns), gaugeOf(g, "roadmap_workloads_dangling", ns),
			gaugeOf(g, "roadmap_workloads_break_glass", ns)}
	}).Should(Equal([]string{"1", "2", "1"}))
	g.Eventually(func(g Gomega) map[string]int { return eventReasons(g, ns, "shadow") }).
		Should(HaveKeyWithValue("BreakGlass", 1))

	update(g, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, func(n *corev1.Namespace) {
		delete(n.Labels, roadmapv1.LabelWorkloads)
	})
	g.Eventually(func(g Gomega) string { return gaugeOf(g, "roadmap_workloads_untraced", ns) }).Should(Equal("none"))
}

// gaugeOf is the value of a per-namespace gauge as text, or "none" without a sample for the namespace.
func gaugeOf(g Gomega, name, ns string) string {
	for _, m := range testenv.Metric(g, name) {
		if testenv.Label(m, "namespace") == ns {
			return strconv.FormatFloat(m.GetGauge().GetValue(), 'f', -1, 64)
		}
	}
	return "none"
}

// cronJob is a minimal valid CronJob, labelled roadmap.dev/initiative=initiative unless initiative is empty.
func cronJob(ns, name, initiative string) *batchv1.CronJob {
	c := &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
				Containers: []corev1.Container{{Name: "replay", Image: "registry.example/replay:1"}}}}}}},
	}
	if initiative != "" {
		c.Labels = map[string]string{roadmapv1.LabelInitiative: initiative}
	}
	return c
}
