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

package reliability_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
)

// TestDeleteCapabilityReblocks: deleting a capability that many initiatives require blocks every one of them
// again, saying the capability is not found.
func TestDeleteCapabilityReblocks(t *testing.T) { deleteCapability(t, 200) }

func TestDeleteCapabilityReblocksLong(t *testing.T) {
	needLong(t)
	deleteCapability(t, 1000)
}

func deleteCapability(t *testing.T, n int) {
	g, ns, bus := busFixture(t, "delete-capability", n)

	idle := queueDepths(g)
	opts := controllers.DefaultOptions()
	opts.CapabilityNotFoundGrace = 0 // the deleted capability is broken configuration at once
	startManager(t, g, opts, nil)
	tr := track(t, g, ns)
	g.Expect(k.Create(ctx(), capability(bus, roadmapv1.LifecycleAvailable))).To(Succeed())
	// Once the capability is Ready, the manager's cache has it: no dependent is Blocked (not found) first.
	g.Eventually(func(g Gomega) string { return readyCondition(getCapability(g, bus).Status.Conditions).Reason }).
		Should(Equal(roadmapv1.CapabilityReasonReady))
	createAll(g, dependents(ns, n, bus))
	g.Eventually(func() int { return tr.count(ns, isReady) }).Should(Equal(n))
	g.Eventually(func(g Gomega) int32 { return getCapability(g, bus).Status.Dependents }).Should(BeEquivalentTo(n))
	expectOneEventEach(g, ns, "Unblocked", nil, n)

	blockedBefore := eventCounts(g, ns, "Blocked")
	g.Expect(k.Delete(ctx(), capability(bus, ""))).To(Succeed())
	deleted := time.Now()
	notFound := func(ini *roadmapv1.Initiative) bool {
		return isBlocked(ini) && readyCondition(ini.Status.Conditions).Reason == roadmapv1.ReasonCapabilityNotFound
	}
	g.Eventually(func() int { return tr.count(ns, notFound) }).Should(Equal(n))
	t.Logf("%d dependents blocked again %v after the capability was deleted", n, time.Since(deleted).Round(time.Millisecond))

	g.Eventually(func(g Gomega) {
		items := listInitiatives(g, ns)
		g.Expect(items).To(HaveLen(n))
		for _, ini := range items {
			g.Expect(isBlocked(&ini)).To(BeTrue(), "initiative %s/%s", ns, ini.Name)
			g.Expect(ini.Status.BlockedBy).To(Equal([]roadmapv1.BlockedByEntry{{Kind: "Capability", Name: bus,
				Reason: roadmapv1.ReasonCapabilityNotFound, Message: "capability " + bus + ": not found", Stalled: true}}),
				"initiative %s/%s", ns, ini.Name)
			ready := readyCondition(ini.Status.Conditions)
			g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(ready.Reason).To(Equal(roadmapv1.ReasonCapabilityNotFound))
			// A dangling reference is broken configuration: kstatus Stalled, not Reconciling.
			g.Expect(apimeta.IsStatusConditionTrue(ini.Status.Conditions, roadmapv1.ConditionStalled)).To(BeTrue())
			g.Expect(apimeta.FindStatusCondition(ini.Status.Conditions, roadmapv1.ConditionReconciling)).To(BeNil())
		}
	}).WithPolling(time.Second).Should(Succeed())
	expectIdle(g, idle)
	blocked := expectOneEventEach(g, ns, "Blocked", blockedBefore, n)
	t.Logf("Blocked events of the deletion: %d of %d initiatives got one, none got two (%d had one before)",
		blocked, n, len(blockedBefore))
}

func getCapability(g Gomega, name string) *roadmapv1.Capability {
	c := &roadmapv1.Capability{}
	g.Expect(k.Get(ctx(), client.ObjectKey{Name: name}, c)).To(Succeed())
	return c
}
