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

package chart_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/kube"
	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// helmConfiguration is Helm 4's action configuration for the control plane, as an administrator (the helm CLI
// with a kubeconfig), keeping releases in Secrets.
func helmConfiguration(t *testing.T, env *testenv.Env) *action.Configuration {
	t.Helper()
	g := NewWithT(t)
	path, err := env.WriteKubeconfig(t.TempDir(), envtest.User{Name: "helm", Groups: []string{"system:masters"}})
	g.Expect(err).NotTo(HaveOccurred())
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig = &path
	cfg := action.NewConfiguration()
	g.Expect(cfg.Init(flags, "default", "secret")).To(Succeed())
	return cfg
}

// controlPlaneWithoutCRDs starts a control plane without the project's CRDs: Helm installs them with the rest of
// the chart, and refuses objects it does not own.
func controlPlaneWithoutCRDs(t *testing.T) *testenv.Env {
	t.Helper()
	env, err := testenv.StartWith(func(e *envtest.Environment) { e.CRDDirectoryPaths = nil })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	return env
}

// TestChartHelmInstallAndUninstall installs the chart with Helm 4's own install action into a real apiserver
// (server-side apply, as the helm CLI does), with two replicas and notifications.flux.alertKinds, then
// uninstalls it: the operator goes, the CRDs and so the roadmap stay.
func TestChartHelmInstallAndUninstall(t *testing.T) {
	env := controlPlaneWithoutCRDs(t)
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	cfg := helmConfiguration(t, env)

	ch, err := loader.Load(chartDir(t))
	g.Expect(err).NotTo(HaveOccurred())
	install := action.NewInstall(cfg)
	install.ReleaseName, install.Namespace = "roadmap", "default"
	install.WaitStrategy = kube.HookOnlyStrategy
	install.Timeout = time.Minute
	_, err = install.RunWithContext(ctx, ch, map[string]any{"replicas": 2, "leaderElection": false,
		"notifications": map[string]any{"flux": map[string]any{"alertKinds": true}}})
	g.Expect(err).NotTo(HaveOccurred())

	deployment := &appsv1.Deployment{}
	g.Expect(env.Client.Get(ctx, client.ObjectKey{Namespace: "roadmap-operator-system", Name: "roadmap-controller-manager"}, deployment)).To(Succeed())
	g.Expect(deployment.Spec.Replicas).To(HaveValue(BeEquivalentTo(2)))
	g.Expect(deployment.Spec.Template.Spec.Containers[0].Args).To(ContainElement("--leader-elect"))
	g.Expect(deployment.Annotations).To(HaveKeyWithValue("meta.helm.sh/release-name", "roadmap"))
	// notifications.flux.alertKinds: the flag, and the rights on Flux's Alert CRD alone.
	g.Expect(deployment.Spec.Template.Spec.Containers[0].Args).To(ContainElement("--flux-alert-kinds"))
	alertKinds := &rbacv1.ClusterRole{}
	g.Expect(env.Client.Get(ctx, client.ObjectKey{Name: "roadmap-flux-alert-kinds"}, alertKinds)).To(Succeed())
	g.Expect(alertKinds.Rules).To(ConsistOf(rbacv1.PolicyRule{APIGroups: []string{"apiextensions.k8s.io"},
		Resources: []string{"customresourcedefinitions"}, ResourceNames: []string{"alerts.notification.toolkit.fluxcd.io"},
		Verbs: []string{"get", "list", "watch", "patch"}}))
	binding := &rbacv1.ClusterRoleBinding{}
	g.Expect(env.Client.Get(ctx, client.ObjectKey{Name: "roadmap-flux-alert-kinds"}, binding)).To(Succeed())
	g.Expect(binding.Subjects).To(ConsistOf(rbacv1.Subject{Kind: rbacv1.ServiceAccountKind,
		Name: "roadmap-controller-manager", Namespace: "roadmap-operator-system"}))
	crd := &apiextensionsv1.CustomResourceDefinition{}
	g.Expect(env.Client.Get(ctx, client.ObjectKey{Name: "initiatives.roadmap.dev"}, crd)).To(Succeed())

	uninstall := action.NewUninstall(cfg)
	uninstall.WaitStrategy = kube.HookOnlyStrategy
	_, err = uninstall.Run("roadmap")
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() bool {
		err := env.Client.Get(ctx, client.ObjectKey{Name: "roadmap-manager-role"}, &rbacv1.ClusterRole{})
		return apierrors.IsNotFound(err)
	}).WithTimeout(30*time.Second).Should(BeTrue(), "helm uninstall removes the operator's RBAC")
	for _, name := range []string{"initiatives.roadmap.dev", "capabilities.roadmap.dev", "goals.roadmap.dev"} {
		g.Expect(env.Client.Get(ctx, client.ObjectKey{Name: name}, &apiextensionsv1.CustomResourceDefinition{})).
			To(Succeed(), "helm uninstall keeps CRD %s, and so the roadmap", name)
	}
}
