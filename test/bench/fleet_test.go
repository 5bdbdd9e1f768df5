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

package main

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var (
	fleetClusters   = flag.Int("fleet-clusters", 20, "TestFleetPropagation: clusters a fleet check selects (Secrets spread over two workload apiservers)")
	fleetDependents = flag.Int("fleet-dependents", 50, "TestFleetPropagation: initiatives requiring the fleet capability")
)

// TestFleetPropagation reports, as the local case does, the time from the last cluster turning healthy to every
// dependent Ready, for one capability whose check selects 20 clusters. Two workload control planes stand for
// them: each cluster is a kubeconfig Secret under its own name, so the operator keeps 20 connections and 20
// watches, as it would for 20 clusters. It checks correctness (every dependent unblocks); the time is reported:
//
//	go test ./test/bench -run TestFleetPropagation -v -args -fleet-clusters=20 -fleet-dependents=500
func TestFleetPropagation(t *testing.T) {
	g := testenv.NewG(t, 3*time.Minute)
	g.SetDefaultEventuallyPollingInterval(10 * time.Millisecond) // the propagation time is read to 10ms
	ctx := context.Background()

	mgmt := testenv.New(t)
	k, err := mgmt.ClientWithRate(1000, 2000)
	g.Expect(err).NotTo(HaveOccurred())

	var workloads []client.Client
	var kubeconfigs [][]byte
	for range 2 {
		w := testenv.New(t)
		workloads = append(workloads, w.Client)
		kubeconfig, err := w.Kubeconfig(testenv.Admin)
		g.Expect(err).NotTo(HaveOccurred())
		kubeconfigs = append(kubeconfigs, kubeconfig)
		g.Expect(w.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "monitoring"}})).To(Succeed())
		g.Expect(w.Client.Create(ctx, prometheusDeployment())).To(Succeed())
		setAvailable(g, w.Client, 2)
	}

	const secretsNamespace = "roadmap-operator-system"
	g.Expect(k.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: secretsNamespace}})).To(Succeed())
	for i := range *fleetClusters {
		g.Expect(k.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: secretsNamespace, Name: fmt.Sprintf("cluster-%02d", i),
				Labels: map[string]string{roadmapv1.ClusterLabel: "true"}},
			Data: map[string][]byte{"value": kubeconfigs[i%2]}})).To(Succeed())
	}
	opts := controllers.DefaultOptions()
	opts.Evidence.ClusterSecretsNamespace = secretsNamespace
	operatortest.RunManager(t, mgmt, opts)

	check := roadmapv1.CheckReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "monitoring",
		Name: "prometheus", Clusters: &metav1.LabelSelector{}}
	g.Expect(k.Create(ctx, &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "fleet"},
		Spec: roadmapv1.CapabilitySpec{Title: "fleet", Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckReference{check}}})).To(Succeed())
	g.Expect(k.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fleet-shop"}})).To(Succeed())
	for i := range *fleetDependents {
		g.Expect(k.Create(ctx, &roadmapv1.Initiative{
			ObjectMeta: metav1.ObjectMeta{Namespace: "fleet-shop", Name: fmt.Sprintf("dependent-%04d", i)},
			Spec: roadmapv1.InitiativeSpec{Title: "dependent", Track: roadmapv1.TrackInnovation, Owner: "team",
				Requires: []roadmapv1.ResourceName{"fleet"}}})).To(Succeed())
	}
	readyDependents := func() int {
		list := &roadmapv1.InitiativeList{}
		g.Expect(k.List(ctx, list, client.InNamespace("fleet-shop"))).To(Succeed())
		n := 0
		for _, ini := range list.Items {
			if ini.Status.Phase == roadmapv1.PhaseReady {
				n++
			}
		}
		return n
	}
	capabilityChecks := func() string {
		c := &roadmapv1.Capability{}
		g.Expect(k.Get(ctx, client.ObjectKey{Name: "fleet"}, c)).To(Succeed())
		if !apimeta.IsStatusConditionTrue(c.Status.Conditions, roadmapv1.ConditionReady) {
			return "not ready " + c.Status.ChecksPassing
		}
		return c.Status.ChecksPassing
	}
	want := fmt.Sprintf("%d/%d", *fleetClusters, *fleetClusters)
	g.Eventually(capabilityChecks).Should(Equal(want))
	g.Eventually(readyDependents).Should(Equal(*fleetDependents))

	// One apiserver (half the clusters) degrades: every dependent is Blocked. Then it turns healthy again.
	setAvailable(g, workloads[1], 1)
	g.Eventually(readyDependents).Should(BeZero())
	healthy := time.Now()
	setAvailable(g, workloads[1], 2)
	g.Eventually(capabilityChecks).Should(Equal(want))
	capabilityReady := time.Since(healthy)
	g.Eventually(readyDependents).Should(Equal(*fleetDependents))
	allReady := time.Since(healthy)
	t.Logf("fleet: 1 capability over %d clusters, %d dependents: capability Ready %.3fs and all dependents Ready "+
		"%.3fs after the last cluster turned healthy", *fleetClusters, *fleetDependents,
		capabilityReady.Seconds(), allReady.Seconds())
}

func prometheusDeployment() *appsv1.Deployment {
	labels := map[string]string{"app": "prometheus"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: "monitoring", Name: "prometheus"},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "prometheus", Image: "prometheus"}}}}},
	}
}

// setAvailable writes the status a deployment controller would (envtest runs none).
func setAvailable(g *WithT, c client.Client, available int32) {
	g.Eventually(func() error {
		d := &appsv1.Deployment{}
		if err := c.Get(context.Background(), client.ObjectKey{Namespace: "monitoring", Name: "prometheus"}, d); err != nil {
			return err
		}
		status := corev1.ConditionFalse
		if available == *d.Spec.Replicas {
			status = corev1.ConditionTrue
		}
		d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: *d.Spec.Replicas,
			UpdatedReplicas: *d.Spec.Replicas, ReadyReplicas: available, AvailableReplicas: available,
			UnavailableReplicas: *d.Spec.Replicas - available,
			Conditions: []appsv1.DeploymentCondition{
				{Type: appsv1.DeploymentAvailable, Status: status, Reason: "MinimumReplicas"},
				{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "NewReplicaSetAvailable"}}}
		return c.Status().Update(context.Background(), d)
	}).Should(Succeed())
}
