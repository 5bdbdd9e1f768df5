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
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// TestInitiativeIndex: the operator keeps the workload gate's InitiativeIndex in a namespace that opts in, and
// only there: created with the opt-in, rewritten as initiatives come, change phase and go, written again when
// anyone else changes or deletes it, deleted with the opt-out.
func TestInitiativeIndex(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "idx-team")
	key := client.ObjectKey{Namespace: ns, Name: roadmapv1.InitiativeIndexName}
	index := func(g Gomega) *roadmapv1.InitiativeIndex {
		idx := &roadmapv1.InitiativeIndex{}
		g.Expect(k.Get(ctx(), key, idx)).To(Succeed())
		return idx
	}
	provider := initiative(namespace(t, "idx-platform"), "build-idx-bus")
	provider.Spec.Track, provider.Spec.Provides = roadmapv1.TrackOperations, testenv.Names("idx-bus")
	create(t, g, testenv.Capability("idx-bus", roadmapv1.LifecyclePlanned), provider, initiative(ns, "idx-orders", "idx-bus"))
	expectInitiative(g, ns, "idx-orders", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady)
	g.Consistently(func() error { return k.Get(ctx(), key, &roadmapv1.InitiativeIndex{}) }).
		Should(Satisfy(apierrors.IsNotFound), "a namespace that does not opt in has no index")

	update(g, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, func(n *corev1.Namespace) {
		n.Labels[roadmapv1.LabelWorkloads] = roadmapv1.WorkloadsModeEnforce
	})
	blocked := roadmapv1.InitiativeIndexEntry{Phase: roadmapv1.PhaseBlocked, Evaluated: true,
		BlockedBy: "capability idx-bus (Planned)", Until: "idx-bus is Ready"}
	g.Eventually(func(g Gomega) roadmapv1.InitiativeIndexStatus { return index(g).Status }).Should(Equal(
		roadmapv1.InitiativeIndexStatus{Total: ptr.To[int32](1), Initiatives: map[string]roadmapv1.InitiativeIndexEntry{"idx-orders": blocked}}))

	// A new initiative joins the index; the capability turns Available and the entry follows the phase.
	create(t, g, initiative(ns, "idx-search"))
	update(g, &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "idx-bus"}}, func(c *roadmapv1.Capability) {
		c.Spec.Lifecycle = roadmapv1.LifecycleAvailable
	})
	ready := roadmapv1.InitiativeIndexEntry{Phase: roadmapv1.PhaseReady, Evaluated: true}
	g.Eventually(func(g Gomega) roadmapv1.InitiativeIndexStatus { return index(g).Status }).Should(Equal(
		roadmapv1.InitiativeIndexStatus{Total: ptr.To[int32](2), Initiatives: map[string]roadmapv1.InitiativeIndexEntry{
			"idx-orders": ready, "idx-search": ready}}))

	// Forged: an entry the operator did not write is written over.
	forged := index(g)
	forged.Status.Initiatives["idx-ghost"] = ready
	g.Expect(k.Status().Update(ctx(), forged)).To(Succeed())
	g.Eventually(func(g Gomega) map[string]roadmapv1.InitiativeIndexEntry { return index(g).Status.Initiatives }).
		ShouldNot(HaveKey("idx-ghost"))

	// Deleted initiative: out of the index.
	g.Expect(k.Delete(ctx(), initiative(ns, "idx-search"))).To(Succeed())
	g.Eventually(func(g Gomega) roadmapv1.InitiativeIndexStatus { return index(g).Status }).Should(Equal(
		roadmapv1.InitiativeIndexStatus{Total: ptr.To[int32](1), Initiatives: map[string]roadmapv1.InitiativeIndexEntry{"idx-orders": ready}}))

	// Deleted index: written again.
	before := index(g)
	g.Expect(k.Delete(ctx(), before)).To(Succeed())
	g.Eventually(func(g Gomega) *roadmapv1.InitiativeIndex { return index(g) }).Should(And(
		WithTransform(func(i *roadmapv1.InitiativeIndex) bool { return i.UID != before.UID }, BeTrue()),
		WithTransform(func(i *roadmapv1.InitiativeIndex) roadmapv1.InitiativeIndexStatus { return i.Status },
			Equal(roadmapv1.InitiativeIndexStatus{Total: ptr.To[int32](1), Initiatives: map[string]roadmapv1.InitiativeIndexEntry{"idx-orders": ready}}))))

	// Opt-out: the index goes.
	update(g, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, func(n *corev1.Namespace) {
		delete(n.Labels, roadmapv1.LabelWorkloads)
	})
	g.Eventually(func() error { return k.Get(ctx(), key, &roadmapv1.InitiativeIndex{}) }).Should(Satisfy(apierrors.IsNotFound))
}
