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
	"fmt"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// TestCapabilityGatesInitiative walks the central story: a Planned capability blocks an innovation initiative;
// declaring it Available unblocks it; deleting it re-blocks with CapabilityNotFound; recreating it unblocks again.
func TestCapabilityGatesInitiative(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "gates")
	provider := initiative(ns, "build-event-bus")
	provider.Spec.Track, provider.Spec.Provides = roadmapv1.TrackOperations, toNames([]string{"gate-event-bus"})
	create(t, g, capability("gate-event-bus", roadmapv1.LifecyclePlanned), provider, initiative(ns, "recommendations", "gate-event-bus"))

	ini := expectInitiative(g, ns, "recommendations", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady)
	g.Expect(ini.Status.BlockedBy).To(Equal([]roadmapv1.BlockedByEntry{{Kind: "Capability", Name: "gate-event-bus",
		Reason: roadmapv1.ReasonCapabilityNotReady, Message: "capability gate-event-bus: Planned"}}))
	g.Expect(ini.Status.Summary).To(Equal("capability gate-event-bus: Planned"))
	g.Expect(readyCondition(ini.Status.Conditions).Message).To(Equal("capability gate-event-bus: Planned"))

	c := getCapability(g, "gate-event-bus")
	update(g, c, func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleAvailable })
	expectCapability(g, "gate-event-bus", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	ini = expectInitiative(g, ns, "recommendations", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
	g.Expect(ini.Status.BlockedBy).To(BeEmpty())
	g.Expect(ini.Status.Summary).To(BeEmpty())

	g.Expect(k.Delete(ctx(), c)).To(Succeed())
	ini = expectInitiative(g, ns, "recommendations", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound)
	// build-event-bus still provides it: expected, so waiting (Reconciling), not broken (Stalled).
	g.Expect(ini.Status.Summary).To(Equal("capability gate-event-bus: not declared yet (an initiative provides it)"))
	g.Expect(conditionStatus(ini.Status.Conditions, roadmapv1.ConditionReconciling)).To(Equal(metav1.ConditionTrue))
	g.Expect(conditionStatus(ini.Status.Conditions, roadmapv1.ConditionStalled)).To(BeEmpty())

	create(t, g, capability("gate-event-bus", roadmapv1.LifecycleAvailable))
	expectInitiative(g, ns, "recommendations", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)

	// Retiring a capability re-blocks its dependents too.
	update(g, getCapability(g, "gate-event-bus"), func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleRetired })
	ini = expectInitiative(g, ns, "recommendations", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady)
	g.Expect(ini.Status.Summary).To(Equal("capability gate-event-bus: Retired"))

	// Every transition was told as an event on the initiative: two unblockings, and at least the three
	// blockings (a new blocking reason, such as a recreated capability not yet evaluated, is told too).
	g.Eventually(func(g Gomega) {
		reasons := eventReasons(g, ns, "recommendations")
		g.Expect(reasons).To(HaveKeyWithValue("Unblocked", 2))
		g.Expect(reasons).To(HaveKeyWithValue("Blocked", BeNumerically(">=", 3)))
	}).Should(Succeed())
}

// eventReasons counts the events recorded about an object by reason, folding event series.
func eventReasons(g Gomega, ns, name string) map[string]int {
	list := &eventsv1.EventList{}
	g.Expect(k.List(ctx(), list, client.InNamespace(ns))).To(Succeed())
	counts := map[string]int{}
	for _, e := range list.Items {
		if e.Regarding.Name != name {
			continue
		}
		n := 1
		if e.Series != nil {
			n = int(e.Series.Count)
		}
		counts[e.Reason] += n
	}
	return counts
}

// TestCapabilityChain: A requires B requires C; readiness flows up the chain in order, and back down.
func TestCapabilityChain(t *testing.T) {
	g := newG(t)
	create(t, g,
		capability("chain-a", roadmapv1.LifecycleAvailable, "chain-b"),
		capability("chain-b", roadmapv1.LifecycleAvailable, "chain-c"),
		capability("chain-c", roadmapv1.LifecyclePlanned))

	a := expectCapability(g, "chain-a", metav1.ConditionFalse, roadmapv1.CapabilityReasonPrerequisiteNotReady)
	g.Expect(a.Status.Phase).To(Equal(roadmapv1.CapabilityPhaseBlocked))
	// chain-b may not have been evaluated yet when chain-a first was; once it is, chain-a says why.
	g.Eventually(func(g Gomega) string { return getCapability(g, "chain-a").Status.Summary }).
		Should(Equal("capability chain-b: PrerequisiteNotReady"))
	b := expectCapability(g, "chain-b", metav1.ConditionFalse, roadmapv1.CapabilityReasonPrerequisiteNotReady)
	g.Expect(b.Status.Summary).To(Equal("capability chain-c: Planned"))
	g.Expect(b.Status.Dependents).To(BeEquivalentTo(1))
	// kstatus: waiting on others is Reconciling, not Stalled.
	g.Expect(conditionStatus(b.Status.Conditions, roadmapv1.ConditionReconciling)).To(Equal(metav1.ConditionTrue))
	g.Expect(conditionStatus(b.Status.Conditions, roadmapv1.ConditionStalled)).To(BeEmpty())

	update(g, getCapability(g, "chain-c"), func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleAvailable })
	a = expectCapability(g, "chain-a", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	b = expectCapability(g, "chain-b", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	c := expectCapability(g, "chain-c", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	// Each link turned Ready no earlier than the one it requires.
	g.Expect(readyCondition(c.Status.Conditions).LastTransitionTime.Time).NotTo(BeTemporally(">", readyCondition(b.Status.Conditions).LastTransitionTime.Time))
	g.Expect(readyCondition(b.Status.Conditions).LastTransitionTime.Time).NotTo(BeTemporally(">", readyCondition(a.Status.Conditions).LastTransitionTime.Time))
	g.Expect(a.Status.Conditions).To(HaveLen(1), "a Ready capability carries no Reconciling or Stalled")

	// Setting the bottom back to Planned re-blocks the whole chain.
	update(g, getCapability(g, "chain-c"), func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecyclePlanned })
	expectCapability(g, "chain-a", metav1.ConditionFalse, roadmapv1.CapabilityReasonPrerequisiteNotReady)

	// A dangling requires is Stalled, and resolves by itself when the capability appears.
	create(t, g, capability("chain-top", roadmapv1.LifecycleAvailable, "chain-missing"))
	top := expectCapability(g, "chain-top", metav1.ConditionFalse, roadmapv1.CapabilityReasonPrerequisiteNotFound)
	g.Expect(top.Status.Summary).To(Equal("capability chain-missing: not found"))
	g.Expect(conditionStatus(top.Status.Conditions, roadmapv1.ConditionStalled)).To(Equal(metav1.ConditionTrue))
	create(t, g, capability("chain-missing", roadmapv1.LifecycleAvailable))
	expectCapability(g, "chain-top", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
}

func conditionStatus(conds []metav1.Condition, conditionType string) metav1.ConditionStatus {
	for _, c := range conds {
		if c.Type == conditionType {
			return c.Status
		}
	}
	return ""
}

// TestCapabilityCycle: every member of a cycle reports the whole cycle, dependents are blocked, nothing spins,
// and breaking the cycle recovers every member.
func TestCapabilityCycle(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "cycles")
	create(t, g,
		capability("cyc-a", roadmapv1.LifecycleAvailable, "cyc-b"),
		capability("cyc-b", roadmapv1.LifecycleAvailable, "cyc-c"),
		capability("cyc-c", roadmapv1.LifecycleAvailable),
		initiative(ns, "on-cycle", "cyc-a"))
	expectInitiative(g, ns, "on-cycle", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)

	// Close the loop c -> a.
	update(g, getCapability(g, "cyc-c"), func(c *roadmapv1.Capability) { c.Spec.Requires = toNames([]string{"cyc-a"}) })
	for _, cycle := range [][]string{{"cyc-a", "cyc-b", "cyc-c", "cyc-a"}, {"cyc-b", "cyc-c", "cyc-a", "cyc-b"}, {"cyc-c", "cyc-a", "cyc-b", "cyc-c"}} {
		c := expectCapability(g, cycle[0], metav1.ConditionFalse, roadmapv1.ReasonDependencyCycle)
		g.Expect(readyCondition(c.Status.Conditions).Message).To(Equal("dependency cycle: " + strings.Join(cycle, " -> ")))
		g.Expect(conditionStatus(c.Status.Conditions, roadmapv1.ConditionStalled)).To(Equal(metav1.ConditionTrue))
	}
	ini := expectInitiative(g, ns, "on-cycle", roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider)
	g.Expect(ini.Status.Summary).To(Equal("capability cyc-a: DependencyCycle (no provider)"))

	// Nothing spins: once settled, no member's status is written again.
	versions := func() []string {
		var rvs []string
		for _, name := range []string{"cyc-a", "cyc-b", "cyc-c"} {
			rvs = append(rvs, getCapability(g, name).ResourceVersion)
		}
		return append(rvs, getInitiative(g, ns, "on-cycle").ResourceVersion)
	}
	settled := versions()
	g.Consistently(versions).Should(Equal(settled))

	// Break the loop: every member recovers, and so does the dependent.
	update(g, getCapability(g, "cyc-c"), func(c *roadmapv1.Capability) { c.Spec.Requires = nil })
	for _, name := range []string{"cyc-a", "cyc-b", "cyc-c"} {
		expectCapability(g, name, metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	}
	expectInitiative(g, ns, "on-cycle", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
}

// TestInitiativeDependsOn: dependsOn across namespaces, dangling references that resolve when created, and a
// dependsOn cycle reported on both members.
func TestInitiativeDependsOn(t *testing.T) {
	g := newG(t)
	ops, product := namespace(t, "dep-ops"), namespace(t, "dep-product")
	feature := initiative(product, "feature")
	feature.Spec.DependsOn = []roadmapv1.InitiativeReference{{Namespace: ops, Name: "kafka-cluster"}, {Name: "design"}}
	create(t, g, feature)
	ini := expectInitiative(g, product, "feature", roadmapv1.PhaseBlocked, roadmapv1.ReasonInitiativeNotFound)
	g.Expect(ini.Status.Summary).To(Equal("initiative dep-ops/kafka-cluster: not found, initiative design: not found"))

	kafka := initiative(ops, "kafka-cluster")
	kafka.Spec.Track, kafka.Spec.State = roadmapv1.TrackOperations, roadmapv1.StateActive
	design := initiative(product, "design")
	design.Spec.State = roadmapv1.StateDone
	create(t, g, kafka, design)
	ini = expectInitiative(g, product, "feature", roadmapv1.PhaseBlocked, roadmapv1.ReasonInitiativeNotDone)
	g.Expect(ini.Status.BlockedBy).To(Equal([]roadmapv1.BlockedByEntry{{Kind: "Initiative", Namespace: ops, Name: "kafka-cluster",
		Reason: roadmapv1.ReasonInitiativeNotDone, Message: "initiative dep-ops/kafka-cluster: Active"}}))
	expectInitiative(g, product, "design", roadmapv1.PhaseDone, roadmapv1.InitiativeReasonDone)

	update(g, kafka, func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateDone })
	expectInitiative(g, product, "feature", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)

	// A cycle: design, re-created as open work (Done is final, so not reopened in place), now depends on feature,
	// which depends on design.
	g.Expect(k.Delete(ctx(), design)).To(Succeed())
	design = initiative(product, "design")
	design.Spec.State = roadmapv1.StateActive
	design.Spec.DependsOn = []roadmapv1.InitiativeReference{{Name: "feature"}}
	g.Eventually(func() error { return k.Create(ctx(), design) }).Should(Succeed())
	ini = expectInitiative(g, product, "feature", roadmapv1.PhaseBlocked, roadmapv1.ReasonDependencyCycle)
	g.Expect(ini.Status.Summary).To(Equal("dependency cycle: dep-product/feature -> dep-product/design -> dep-product/feature"))
	ini = expectInitiative(g, product, "design", roadmapv1.PhaseBlocked, roadmapv1.ReasonDependencyCycle)
	g.Expect(ini.Status.Summary).To(Equal("dependency cycle: dep-product/design -> dep-product/feature -> dep-product/design"))

	update(g, design, func(i *roadmapv1.Initiative) { i.Spec.DependsOn = nil })
	expectInitiative(g, product, "design", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
	expectInitiative(g, product, "feature", roadmapv1.PhaseBlocked, roadmapv1.ReasonInitiativeNotDone)

	// Operations initiatives follow the same rules.
	opsWork := initiative(ops, "ops-upgrade", "dep-missing-capability")
	opsWork.Spec.Track = roadmapv1.TrackOperations
	create(t, g, opsWork)
	expectInitiative(g, ops, "ops-upgrade", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound)
}

// TestFanOut: 200 initiatives wait on one capability, and all flip when it becomes Ready.
func TestFanOut(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "fanout")
	const n = 200
	create(t, g, capability("fan-platform", roadmapv1.LifecyclePlanned))
	for i := 0; i < n; i++ {
		create(t, g, initiative(ns, fmt.Sprintf("work-%03d", i), "fan-platform"))
	}
	countPhase := func(phase roadmapv1.InitiativePhase) func(g Gomega) int {
		return func(g Gomega) int {
			list := &roadmapv1.InitiativeList{}
			g.Expect(k.List(ctx(), list, client.InNamespace(ns))).To(Succeed())
			count := 0
			for _, i := range list.Items {
				if i.Status.Phase == phase {
					count++
				}
			}
			return count
		}
	}
	g.Eventually(countPhase(roadmapv1.PhaseBlocked)).Should(Equal(n))
	g.Eventually(func(g Gomega) int32 { return getCapability(g, "fan-platform").Status.Dependents }).Should(BeEquivalentTo(n))

	update(g, getCapability(g, "fan-platform"), func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleAvailable })
	g.Eventually(countPhase(roadmapv1.PhaseReady)).Should(Equal(n))

	// Dependents follow spec changes of the dependents themselves.
	update(g, getInitiative(g, ns, "work-000"), func(i *roadmapv1.Initiative) { i.Spec.Requires = nil })
	g.Expect(k.Delete(ctx(), getInitiative(g, ns, "work-001"))).To(Succeed())
	g.Eventually(func(g Gomega) int32 { return getCapability(g, "fan-platform").Status.Dependents }).Should(BeEquivalentTo(n - 2))
}

// TestKubectlShowsBlocked: the standup view, with the real kubectl.
func TestKubectlShowsBlocked(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "standup")
	create(t, g, capability("standup-flags", roadmapv1.LifecyclePlanned), initiative(ns, "dark-launch", "standup-flags"))
	expectInitiative(g, ns, "dark-launch", roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider)

	out, err := env.Kubectl("get", "initiatives", "-n", ns)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(MatchRegexp(`(?m)^NAME\s+TRACK\s+PHASE\s+BLOCKED-BY\s+PRIORITY\s+ALIGNED\s+TARGET\s+AGE$`))
	g.Expect(out).To(MatchRegexp(`(?m)^dark-launch\s+Innovation\s+Blocked\s+capability standup-flags: Planned \(no provider\)\s+False\s`))

	out, err = env.Kubectl("get", "capabilities", "standup-flags")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(MatchRegexp(`(?m)^standup-flags\s+Planned\s+False\s+NotAvailable\s+1\s+team-platform\s`))
}
