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

package gitops_test

import (
	"fmt"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/argocdhealth"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// argoApplication is one Argo CD Application whose manifests are in sync waves, synced by the rule of Argo CD's
// sync engine (gitops-engine pkg/sync, syncContext.Sync): the resources of the lowest pending wave are applied
// together; in a sync of more than one wave each applied resource is running until its health, by the health
// checks Argo CD is configured with, is Healthy (done) or Degraded (the sync fails); the next wave is applied
// only when none is running. Progressing, Suspended, Missing and Unknown all keep it running.
type argoApplication struct {
	waves   [][]client.Object
	applied int // waves applied so far
}

// sync is one pass of the sync loop: it returns what the sync is waiting for, "" once every wave is applied and
// healthy, and fails the test on a Degraded resource (Argo CD would fail the sync).
func (a *argoApplication) sync(g Gomega) string {
	for {
		if a.applied > 0 {
			for _, obj := range a.waves[a.applied-1] {
				live := obj.DeepCopyObject().(client.Object)
				g.Expect(k.Get(ctx(), client.ObjectKeyFromObject(obj), live)).To(Succeed())
				health, message := argoHealth(g, live)
				g.Expect(health).NotTo(Equal(argocdhealth.StatusDegraded), "the sync fails on %s: %s", client.ObjectKeyFromObject(obj), message)
				if health != argocdhealth.StatusHealthy {
					return fmt.Sprintf("waiting for healthy state of %T %s (%s: %s)", obj, obj.GetName(), health, message)
				}
			}
		}
		if a.applied == len(a.waves) {
			return ""
		}
		for _, obj := range a.waves[a.applied] {
			err := k.Create(ctx(), obj.DeepCopyObject().(client.Object))
			g.Expect(err == nil || apierrors.IsAlreadyExists(err)).To(BeTrue(), "applying %s: %v", client.ObjectKeyFromObject(obj), err)
		}
		a.applied++
	}
}

// argoHealth is the health Argo CD gives a live object: the shipped Lua for the roadmap kinds; for the last
// wave's Deployment, Healthy once it exists is enough here (envtest runs no Deployment controller, and the test
// is about what holds the wave before it).
func argoHealth(g Gomega, live client.Object) (string, string) {
	if _, ok := live.(*appsv1.Deployment); ok {
		return argocdhealth.StatusHealthy, ""
	}
	health, message, err := argocdhealth.Evaluate(argocdCM(), toUnstructured(g, live))
	g.Expect(err).NotTo(HaveOccurred())
	return health, message
}

// fluxKustomization is a Flux Kustomization by the rule of kustomize-controller: it applies its objects once
// every Kustomization it dependsOn is Ready, and is Ready itself once the objects of its healthChecks are
// Current by kstatus (as kustomize-controller's health checks compute them).
type fluxKustomization struct {
	objects      []client.Object
	healthChecks []client.Object
	dependsOn    []*fluxKustomization
	applied      bool
}

// reconcile is one reconciliation; it returns whether the Kustomization is Ready and, if not, why.
func (f *fluxKustomization) reconcile(g Gomega) (bool, string) {
	for _, d := range f.dependsOn {
		if ready, why := d.reconcile(g); !ready {
			return false, "dependency not ready: " + why
		}
	}
	if !f.applied {
		for _, obj := range f.objects {
			err := k.Create(ctx(), obj.DeepCopyObject().(client.Object))
			g.Expect(err == nil || apierrors.IsAlreadyExists(err)).To(BeTrue(), "applying %s: %v", client.ObjectKeyFromObject(obj), err)
		}
		f.applied = true
	}
	for _, obj := range f.healthChecks {
		live := obj.DeepCopyObject().(client.Object)
		g.Expect(k.Get(ctx(), client.ObjectKeyFromObject(obj), live)).To(Succeed())
		if res := kstatus(g, toUnstructured(g, live)); res.Status != status.CurrentStatus {
			return false, fmt.Sprintf("health check failed for %s: %s: %s", obj.GetName(), res.Status, res.Message)
		}
	}
	return true, ""
}

// TestWorkloadsWaitForTheirInitiative ships an innovation initiative and the Deployment that carries it, as a
// team would through GitOps, while the event bus it requires is still Planned: with Argo CD, the initiative in
// wave 0 and the Deployment in wave 1 of one Application; with Flux, the initiative in a Kustomization with a
// health check on it and the Deployment in a Kustomization that dependsOn it. Both hold the Deployment back
// while the initiative is Blocked, and apply it once the platform team declares the event bus Available; the
// operator then traces it to its initiative.
func TestWorkloadsWaitForTheirInitiative(t *testing.T) {
	g := newG(t)
	const argoNS, fluxNS = "team-checkout-argo", "team-checkout-flux"
	namespace(t, argoNS)
	namespace(t, fluxNS)
	eventBus := capability("workloads-event-bus", "Event bus", roadmapv1.LifecyclePlanned)
	create(t, g, eventBus)

	argoInitiative := initiative(argoNS, "order-events", "Publish order events", roadmapv1.TrackInnovation,
		requires(roadmapv1.ResourceName(eventBus.Name)),
		annotations("argocd.argoproj.io/sync-wave", "0", "roadmap.dev/gate-sync-waves", "true"))
	argoDeployment := testenv.Deployment(argoNS, "order-events", "order-events")
	argoDeployment.Annotations = map[string]string{"argocd.argoproj.io/sync-wave": "1"}
	app := &argoApplication{waves: [][]client.Object{{argoInitiative}, {argoDeployment}}}

	fluxInitiative := initiative(fluxNS, "order-events", "Publish order events", roadmapv1.TrackInnovation,
		requires(roadmapv1.ResourceName(eventBus.Name)))
	initiatives := &fluxKustomization{objects: []client.Object{fluxInitiative}, healthChecks: []client.Object{fluxInitiative}}
	workloads := &fluxKustomization{objects: []client.Object{testenv.Deployment(fluxNS, "order-events", "order-events")}, dependsOn: []*fluxKustomization{initiatives}}

	t.Run("blocked holds the workloads", func(t *testing.T) {
		g := newG(t)
		g.Expect(app.sync(g)).To(HavePrefix("waiting for healthy state of *v1alpha1.Initiative order-events"))
		ready, why := workloads.reconcile(g)
		g.Expect(ready).To(BeFalse())
		g.Expect(why).To(HavePrefix("dependency not ready: health check failed for order-events"))
		// Once the operator has written its verdict, the next passes still hold: the verdict is Blocked.
		for _, ini := range []*roadmapv1.Initiative{argoInitiative, fluxInitiative} {
			g.Eventually(func(g Gomega) {
				live := &roadmapv1.Initiative{}
				g.Expect(k.Get(ctx(), client.ObjectKeyFromObject(ini), live)).To(Succeed())
				g.Expect(live.Status.ObservedGeneration).To(Equal(live.Generation))
				g.Expect(live.Status.Phase).To(Equal(roadmapv1.PhaseBlocked))
			}).Should(Succeed())
		}
		g.Expect(app.sync(g)).To(HavePrefix("waiting for healthy state of *v1alpha1.Initiative order-events (Progressing: "))
		ready, why = workloads.reconcile(g)
		g.Expect(ready).To(BeFalse())
		g.Expect(why).To(ContainSubstring(string(status.InProgressStatus)))
		for _, ns := range []string{argoNS, fluxNS} {
			err := k.Get(ctx(), client.ObjectKey{Namespace: ns, Name: "order-events"}, &appsv1.Deployment{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "the Deployment in %s must wait for its initiative: %v", ns, err)
		}
	})

	update(g, eventBus, func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleAvailable })

	t.Run("ready lets them through, traced", func(t *testing.T) {
		g := newG(t)
		g.Eventually(func(g Gomega) { g.Expect(app.sync(g)).To(BeEmpty()) }).Should(Succeed())
		g.Eventually(func(g Gomega) {
			ready, why := workloads.reconcile(g)
			g.Expect(ready).To(BeTrue(), why)
		}).Should(Succeed())
		for _, ns := range []string{argoNS, fluxNS} {
			g.Expect(k.Get(ctx(), client.ObjectKey{Namespace: ns, Name: "order-events"}, &appsv1.Deployment{})).To(Succeed())
			g.Eventually(func(g Gomega) {
				live := &roadmapv1.Initiative{}
				g.Expect(k.Get(ctx(), client.ObjectKey{Namespace: ns, Name: "order-events"}, live)).To(Succeed())
				g.Expect(live.Status.Phase).To(Equal(roadmapv1.PhaseReady))
				g.Expect(live.Status.Workloads).NotTo(BeNil())
				g.Expect(live.Status.Workloads.Total).To(Equal(int32(1)))
				g.Expect(apimeta.IsStatusConditionTrue(live.Status.Conditions, roadmapv1.ConditionStartedEarly)).To(BeFalse(),
					"a workload applied after its initiative became Ready did not start early")
			}).Should(Succeed())
		}
	})
}
