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
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

func deployment(ns, name string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "broker", Image: "kafka:3"}}},
			},
		},
	}
}

// setDeploymentStatus writes the status a deployment controller would (envtest runs none): available of
// replicas ready and available.
func setDeploymentStatus(g *WithT, d *appsv1.Deployment, available int32) {
	setDeploymentStatusWith(g, k, d, available)
}

// setDeploymentStatusWith is setDeploymentStatus in the cluster c talks to.
func setDeploymentStatusWith(g *WithT, c client.Client, d *appsv1.Deployment, available int32) {
	update := func(d *appsv1.Deployment) {
		replicas := *d.Spec.Replicas
		availableStatus := corev1.ConditionFalse
		if available == replicas {
			availableStatus = corev1.ConditionTrue
		}
		d.Status = appsv1.DeploymentStatus{
			ObservedGeneration: d.Generation, Replicas: replicas, UpdatedReplicas: replicas,
			ReadyReplicas: available, AvailableReplicas: available, UnavailableReplicas: replicas - available,
			Conditions: []appsv1.DeploymentCondition{
				{Type: appsv1.DeploymentAvailable, Status: availableStatus, Reason: "MinimumReplicas"},
				{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "NewReplicaSetAvailable"},
			},
		}
	}
	g.Eventually(func() error {
		if err := c.Get(ctx(), client.ObjectKeyFromObject(d), d); err != nil {
			return err
		}
		update(d)
		return c.Status().Update(ctx(), d)
	}).Should(Succeed())
}

func checkOf(apiVersion, kind, ns, name string) roadmapv1.CheckReference {
	return roadmapv1.CheckReference{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: roadmapv1.ResourceName(name)}
}

// TestDeploymentEvidence: a capability is Ready only while the Deployment it names is available, and its
// dependents follow, all by watch events.
func TestDeploymentEvidence(t *testing.T) {
	g := newG(t)
	kafka, shop := namespace(t, "ev-kafka"), namespace(t, "ev-shop")
	broker := deployment(kafka, "broker", 3)
	create(t, g, broker)
	setDeploymentStatus(g, broker, 1)

	bus := capability("ev-event-bus", roadmapv1.LifecycleAvailable)
	bus.Spec.Checks = []roadmapv1.CheckReference{checkOf("apps/v1", "Deployment", kafka, "broker")}
	create(t, g, bus, initiative(shop, "streaming", "ev-event-bus"))

	expectCapability(g, "ev-event-bus", metav1.ConditionFalse, roadmapv1.CapabilityReasonChecksFailing)
	// The first evaluation may come before the watch on Deployments has listed them ("Unknown").
	g.Eventually(func(g Gomega) string { return getCapability(g, "ev-event-bus").Status.Checks[0].Reason }).Should(Equal("InProgress"))
	c := getCapability(g, "ev-event-bus")
	g.Expect(c.Status.Checks).To(HaveLen(1))
	g.Expect(c.Status.Checks[0].Passing).To(BeFalse())
	g.Expect(readyCondition(c.Status.Conditions).Message).To(HavePrefix("check Deployment ev-kafka/broker: InProgress: "))
	g.Expect(readyCondition(c.Status.Conditions).Message).To(ContainSubstring("1/3"), "kstatus's message is carried")
	g.Expect(conditionStatus(c.Status.Conditions, roadmapv1.ConditionReconciling)).To(Equal(metav1.ConditionTrue))
	expectInitiative(g, shop, "streaming", roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider)

	setDeploymentStatus(g, broker, 3)
	c = expectCapability(g, "ev-event-bus", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	g.Expect(c.Status.Checks[0].Reason).To(Equal("Current"))
	g.Expect(c.Status.Checks[0].Passing).To(BeTrue())
	expectInitiative(g, shop, "streaming", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)

	// Deleting the evidence re-blocks the dependents.
	g.Expect(k.Delete(ctx(), broker)).To(Succeed())
	c = expectCapability(g, "ev-event-bus", metav1.ConditionFalse, roadmapv1.CapabilityReasonChecksFailing)
	g.Expect(c.Status.Checks[0].Reason).To(Equal("NotFound"))
	expectInitiative(g, shop, "streaming", roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider)

	// Retired overrides healthy evidence; Planned still needs the declaration.
	create(t, g, deployment(kafka, "broker", 1))
	setDeploymentStatus(g, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: kafka, Name: "broker"}}, 1)
	expectCapability(g, "ev-event-bus", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	update(g, getCapability(g, "ev-event-bus"), func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleRetired })
	expectCapability(g, "ev-event-bus", metav1.ConditionFalse, roadmapv1.CapabilityReasonNotAvailable)
}

// TestEvidenceKindInstalledLater: a check on a kind the cluster does not serve says KindNotFound, and is picked
// up without a restart once its CRD is installed. A kind nobody checks any more is no longer watched.
func TestEvidenceKindInstalledLater(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "ev-widgets")
	c := capability("ev-widgets", roadmapv1.LifecycleAvailable)
	c.Spec.Checks = []roadmapv1.CheckReference{checkOf("example.dev/v1", "Widget", ns, "main")}
	create(t, g, c)

	got := expectCapability(g, "ev-widgets", metav1.ConditionFalse, roadmapv1.CapabilityReasonChecksFailing)
	g.Expect(got.Status.Checks[0].Reason).To(Equal(roadmapv1.CheckReasonKindNotFound))
	g.Expect(got.Status.Checks[0].Message).To(ContainSubstring("does not serve example.dev/v1 Widget"))
	g.Expect(conditionStatus(got.Status.Conditions, roadmapv1.ConditionStalled)).To(Equal(metav1.ConditionTrue))

	crd := &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets.example.dev"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "example.dev",
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Singular: "widget", Kind: "Widget", ListKind: "WidgetList"},
			Scope: apiextensionsv1.NamespaceScoped,
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{Name: "v1", Served: true, Storage: true,
				Subresources: &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}},
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object", XPreserveUnknownFields: ptr.To(true)}}}},
		},
	}
	create(t, g, crd)
	g.Eventually(func(g Gomega) string {
		return getCapability(g, "ev-widgets").Status.Checks[0].Reason
	}).Should(Equal("NotFound"), "the CRD appeared: the check now looks for the object")

	widget := &unstructured.Unstructured{}
	widget.SetAPIVersion("example.dev/v1")
	widget.SetKind("Widget")
	widget.SetNamespace(ns)
	widget.SetName("main")
	create(t, g, widget)
	expectCapability(g, "ev-widgets", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	g.Expect(watchedKinds(g)).To(ContainElement("example.dev/v1, Kind=Widget"))

	// Nobody checks widgets any more: the watch goes.
	update(g, getCapability(g, "ev-widgets"), func(c *roadmapv1.Capability) { c.Spec.Checks = nil })
	g.Eventually(watchedKinds).ShouldNot(ContainElement("example.dev/v1, Kind=Widget"))
	expectCapability(g, "ev-widgets", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
}

// watchedKinds lists the kinds of which the evidence watcher watches at least one object in the local cluster.
func watchedKinds(g Gomega) []string {
	var kinds []string
	for _, m := range evidenceSeries(g) {
		if m.GetGauge().GetValue() > 0 && label(m, "cluster") == "local" {
			kinds = append(kinds, strings.TrimSpace(label(m, "kind")))
		}
	}
	return kinds
}

// evidenceSeries is the samples of roadmap_evidence_watches: none at all once no object is watched, since a
// series goes with its last watch.
func evidenceSeries(g Gomega) []*dto.Metric { return testenv.Metric(g, "roadmap_evidence_watches") }

// evidenceWatches is the number of objects watched in a cluster ("local", or a kubeconfig Secret's name).
func evidenceWatches(g Gomega, cluster string) float64 {
	sum := 0.0
	for _, m := range evidenceSeries(g) {
		if label(m, "cluster") == cluster {
			sum += m.GetGauge().GetValue()
		}
	}
	return sum
}

// TestEvidenceWatchStopsWhenCapabilityDeleted: deleting the last capability that checks an object stops the
// watch on it at once, without waiting for some other capability to reconcile; a watch another capability
// still needs stays.
func TestEvidenceWatchStopsWhenCapabilityDeleted(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "ev-delete")
	create(t, g, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "settings"}})
	configMapChecks := func(g Gomega) float64 {
		sum := 0.0
		for _, m := range evidenceSeries(g) {
			if label(m, "cluster") == "local" && label(m, "kind") == "/v1, Kind=ConfigMap" {
				sum += m.GetGauge().GetValue()
			}
		}
		return sum
	}
	before := configMapChecks(g)
	first, second := capability("ev-delete-a", roadmapv1.LifecycleAvailable), capability("ev-delete-b", roadmapv1.LifecycleAvailable)
	first.Spec.Checks = []roadmapv1.CheckReference{checkOf("v1", "ConfigMap", ns, "settings")}
	second.Spec.Checks = first.Spec.Checks
	create(t, g, first, second)
	expectCapability(g, "ev-delete-a", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	expectCapability(g, "ev-delete-b", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	g.Expect(configMapChecks(g)).To(Equal(before+1), "one watch for the object, however many capabilities check it")

	g.Expect(k.Delete(ctx(), first)).To(Succeed())
	g.Consistently(configMapChecks).Should(Equal(before+1), "ev-delete-b still checks it")
	g.Expect(k.Delete(ctx(), second)).To(Succeed())
	g.Eventually(configMapChecks).Should(Equal(before), "nobody checks it any more")
}
