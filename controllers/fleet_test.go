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
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// clusterSecretsNamespace is where the test manager looks for kubeconfig Secrets (its default).
const clusterSecretsNamespace = "roadmap-operator-system"

// workload is a workload cluster of the fleet tests: its own control plane, and kubeconfigs for the identities
// the operator may be given there.
type workload struct {
	env *testenv.Env
	// reader is bound to the shipped roadmap-evidence-reader ClusterRole; nobody has no rights at all.
	reader, nobody []byte
}

func startWorkload(t *testing.T, g *WithT, restartable bool) *workload {
	t.Helper()
	var (
		w   *testenv.Env
		err error
	)
	if restartable {
		w, err = testenv.StartRestartable(t.TempDir())
	} else {
		w, err = testenv.Start()
	}
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = w.Stop() })

	root, err := testenv.RepoRoot()
	g.Expect(err).NotTo(HaveOccurred())
	data, err := os.ReadFile(filepath.Join(root, "config", "remote", "evidence_reader_role.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	role := &rbacv1.ClusterRole{}
	g.Expect(yaml.Unmarshal(data, role)).To(Succeed())
	g.Expect(w.Client.Create(ctx(), role)).To(Succeed())
	g.Expect(w.Client.Create(ctx(), &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "fleet-reader"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "fleet-reader"}},
	})).To(Succeed())
	return &workload{env: w, reader: userKubeconfig(g, w, "fleet-reader"), nobody: userKubeconfig(g, w, "fleet-nobody")}
}

func userKubeconfig(g *WithT, w *testenv.Env, name string) []byte {
	kubeconfig, err := w.Kubeconfig(envtest.User{Name: name})
	g.Expect(err).NotTo(HaveOccurred())
	return kubeconfig
}

// prometheus creates monitoring/prometheus in a workload cluster, available with the given replicas.
func (w *workload) prometheus(g *WithT, available int32) {
	wc := w.env.Client
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "monitoring"}}
	g.Expect(client.IgnoreAlreadyExists(wc.Create(ctx(), ns))).To(Succeed())
	d := deployment("monitoring", "prometheus", 2)
	g.Expect(client.IgnoreAlreadyExists(wc.Create(ctx(), d))).To(Succeed())
	w.setAvailable(g, available)
}

func (w *workload) setAvailable(g *WithT, available int32) {
	setDeploymentStatusWith(g, w.env.Client, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "monitoring",
		Name: "prometheus"}}, available)
}

func clusterSecret(name string, kubeconfig []byte, labels map[string]string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: clusterSecretsNamespace, Name: name, Labels: labels},
		Data: map[string][]byte{"value": kubeconfig}}
}

// registered is the label that makes a Secret a cluster checks may name.
var registered = map[string]string{roadmapv1.ClusterLabel: "true"}

func prometheusCheck() roadmapv1.CheckReference {
	return checkOf("apps/v1", "Deployment", "monitoring", "prometheus")
}

// TestFleetEvidence runs a management cluster (the test's) and two workload clusters: a capability whose check
// selects both is Ready only when the Deployment is Current in both, names the failing cluster when one degrades
// or stops answering (after the grace period, during which the last result stands), and recovers when it comes
// back. Checks on a bad kubeconfig, or on an identity without list rights, say so; rotating the credentials in
// the Secret reconnects; removing the last reference to a cluster stops its watches.
func TestFleetEvidence(t *testing.T) {
	g := newG(t)
	eu, us := startWorkload(t, g, true), startWorkload(t, g, false)
	eu.prometheus(g, 2)
	us.prometheus(g, 2)

	namespace(t, clusterSecretsNamespace)
	shop := namespace(t, "fleet-shop")
	prod := map[string]string{roadmapv1.ClusterLabel: "true", "env": "prod"}
	create(t, g, clusterSecret("prod-eu", eu.reader, prod), clusterSecret("prod-us", us.reader, prod))

	observability := capability("fleet-observability", roadmapv1.LifecycleAvailable)
	check := prometheusCheck()
	check.Clusters = &metav1.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}
	observability.Spec.Checks = []roadmapv1.CheckReference{check}
	create(t, g, observability, initiative(shop, "dashboards", "fleet-observability"))
	t.Cleanup(func() { _ = k.Delete(ctx(), observability) })

	c := expectCapability(g, "fleet-observability", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	g.Expect(c.Status.Checks).To(HaveLen(2))
	g.Expect([]string{c.Status.Checks[0].Cluster, c.Status.Checks[1].Cluster}).To(Equal([]string{"prod-eu", "prod-us"}))
	g.Expect(c.Status.ChecksPassing).To(Equal("2/2"))
	expectInitiative(g, shop, "dashboards", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
	g.Expect(evidenceWatches(g, "prod-eu")).To(BeEquivalentTo(1))
	g.Expect(evidenceWatches(g, "prod-us")).To(BeEquivalentTo(1))

	// A remote change kstatus does not see (a label) writes nothing.
	g.Eventually(func(g Gomega) int32 { return getCapability(g, "fleet-observability").Status.Dependents }).Should(BeEquivalentTo(1))
	settled := getCapability(g, "fleet-observability").ResourceVersion
	remote := &appsv1.Deployment{}
	g.Expect(us.env.Client.Get(ctx(), client.ObjectKey{Namespace: "monitoring", Name: "prometheus"}, remote)).To(Succeed())
	remote.Labels = map[string]string{"touched": "yes"}
	g.Expect(us.env.Client.Update(ctx(), remote)).To(Succeed())
	g.Consistently(func(g Gomega) string { return getCapability(g, "fleet-observability").ResourceVersion }).
		Should(Equal(settled))

	// One cluster degrades: not Ready, and the messages name it.
	us.setAvailable(g, 1)
	c = expectCapability(g, "fleet-observability", metav1.ConditionFalse, roadmapv1.CapabilityReasonChecksFailing)
	g.Expect(readyCondition(c.Status.Conditions).Message).To(Equal(
		"check Deployment monitoring/prometheus not Current in 1 of 2 clusters: prod-us (InProgress)"))
	g.Expect(c.Status.ChecksPassing).To(Equal("1/2"))
	ini := expectInitiative(g, shop, "dashboards", roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider)
	g.Expect(ini.Status.Summary).To(ContainSubstring("fleet-observability"))
	us.setAvailable(g, 2)
	expectCapability(g, "fleet-observability", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)

	// A workload apiserver stops: the last result stands, marked stale, for the grace period; then the check
	// fails with ClusterUnreachable. Meanwhile other capabilities are reconciled as usual.
	g.Expect(eu.env.StopAPIServer()).To(Succeed())
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			_ = eu.env.StartAPIServer()
		}
	})
	g.Eventually(func(g Gomega) {
		st := getCapability(g, "fleet-observability").Status.Checks[0]
		g.Expect(st.Cluster).To(Equal("prod-eu"))
		g.Expect(st.Message).To(ContainSubstring("(stale since "))
		g.Expect(st.Passing).To(BeTrue())
	}).Should(Succeed(), "within the grace period, the last known result stands")
	expectCapability(g, "fleet-observability", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	create(t, g, capability("fleet-local", roadmapv1.LifecycleAvailable))
	t.Cleanup(func() { _ = k.Delete(ctx(), capability("fleet-local", "")) })
	expectCapability(g, "fleet-local", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)

	c = expectCapability(g, "fleet-observability", metav1.ConditionFalse, roadmapv1.CapabilityReasonChecksFailing)
	g.Expect(c.Status.Checks[0].Reason).To(Equal(roadmapv1.CheckReasonClusterUnreachable))
	g.Expect(readyCondition(c.Status.Conditions).Message).To(ContainSubstring("prod-eu (ClusterUnreachable)"))
	expectInitiative(g, shop, "dashboards", roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider)

	g.Expect(eu.env.StartAPIServer()).To(Succeed())
	restarted = true
	c = expectCapability(g, "fleet-observability", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	g.Expect(c.Status.Checks[0].Message).NotTo(ContainSubstring("stale"))
	expectInitiative(g, shop, "dashboards", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)

	// A Secret that holds no usable kubeconfig; a Secret that does not exist (yet).
	create(t, g, clusterSecret("garbled", []byte("not: [a kubeconfig"), registered))
	garbled := capability("fleet-garbled", roadmapv1.LifecycleAvailable)
	check = prometheusCheck()
	check.Cluster = &roadmapv1.ClusterReference{SecretRef: roadmapv1.SecretReference{Name: "garbled"}}
	garbled.Spec.Checks = []roadmapv1.CheckReference{check}
	create(t, g, garbled)
	t.Cleanup(func() { _ = k.Delete(ctx(), garbled) })
	c = expectCapability(g, "fleet-garbled", metav1.ConditionFalse, roadmapv1.CapabilityReasonChecksFailing)
	g.Expect(c.Status.Checks[0].Reason).To(Equal(roadmapv1.CheckReasonKubeconfigInvalid))
	g.Expect(c.Status.Checks[0].Message).To(ContainSubstring("cannot be parsed"))
	g.Expect(c.Status.Checks[0].Message).NotTo(ContainSubstring("a kubeconfig"), "never the Secret's contents")
	g.Expect(conditionStatus(c.Status.Conditions, roadmapv1.ConditionStalled)).To(Equal(metav1.ConditionTrue))

	// An identity the workload cluster does not know (rejected credentials), then one without list rights,
	// then the reader: each Secret change reconnects, without a restart.
	limited := capability("fleet-limited", roadmapv1.LifecycleAvailable)
	check = prometheusCheck()
	check.Cluster = &roadmapv1.ClusterReference{SecretRef: roadmapv1.SecretReference{Name: "us-limited"}}
	limited.Spec.Checks = []roadmapv1.CheckReference{check}
	create(t, g, limited)
	t.Cleanup(func() { _ = k.Delete(ctx(), limited) })
	c = expectCapability(g, "fleet-limited", metav1.ConditionFalse, roadmapv1.CapabilityReasonChecksFailing)
	g.Expect(c.Status.Checks[0].Reason).To(Equal(roadmapv1.CheckReasonKubeconfigInvalid))
	g.Expect(c.Status.Checks[0].Message).To(Equal("no cluster Secret roadmap-operator-system/us-limited: create it " +
		"with the cluster's kubeconfig under the key value and label it roadmap.dev/cluster=true"))

	stranger := rest.CopyConfig(us.env.Config)
	stranger.CertData, stranger.KeyData, stranger.BearerToken = nil, nil, "not-a-valid-token"
	strangerKubeconfig, err := testenv.KubeconfigOf(stranger)
	g.Expect(err).NotTo(HaveOccurred())
	secret := clusterSecret("us-limited", strangerKubeconfig, registered)
	create(t, g, secret)
	g.Eventually(func(g Gomega) string {
		st := getCapability(g, "fleet-limited").Status.Checks[0]
		g.Expect(st.Reason).To(Equal(roadmapv1.CheckReasonKubeconfigInvalid))
		return st.Message
	}).Should(ContainSubstring("rejected the credentials"))

	update(g, secret, func(s *corev1.Secret) { s.Data["value"] = us.nobody })
	g.Eventually(func(g Gomega) string { return getCapability(g, "fleet-limited").Status.Checks[0].Reason }).
		Should(Equal(roadmapv1.CheckReasonAccessDenied))
	g.Expect(getCapability(g, "fleet-limited").Status.Checks[0].Cluster).To(Equal("us-limited"))

	update(g, secret, func(s *corev1.Secret) {
		s.Data["value"] = us.reader
		s.Annotations = map[string]string{roadmapv1.ClusterNameAnnotation: "prod-us-2"}
	})
	c = expectCapability(g, "fleet-limited", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	g.Expect(c.Status.Checks[0].Cluster).To(Equal("prod-us-2"), "the annotation names the cluster")

	// Removing the last reference to a cluster stops its watches; a cluster still named keeps them.
	g.Expect(k.Delete(ctx(), limited)).To(Succeed())
	g.Eventually(func(g Gomega) float64 { return evidenceWatches(g, "us-limited") }).Should(BeZero())
	g.Expect(k.Delete(ctx(), observability)).To(Succeed())
	g.Eventually(func(g Gomega) float64 { return evidenceWatches(g, "prod-eu") + evidenceWatches(g, "prod-us") }).
		Should(BeZero())
}
