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

package notify

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/fluxalert"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

const managerAccount = "system:serviceaccount:roadmap-operator-system:roadmap-controller-manager"

// fluxAlertCRD is the copy of Flux's Alert CRD under testdata, as Flux ships it: without the roadmap kinds.
func fluxAlertCRD(t *testing.T) *unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "flux", "alerts-crd.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(data, &u.Object); err != nil {
		t.Fatal(err)
	}
	return u
}

// applyAsFlux applies Flux's Alert CRD as Flux's kustomize-controller does at install and at every upgrade:
// server-side, forcing its own field values.
func applyAsFlux(g Gomega, k client.Client, crd *unstructured.Unstructured) {
	g.Expect(k.Apply(context.Background(), client.ApplyConfigurationFromUnstructured(crd.DeepCopy()),
		client.FieldOwner("kustomize-controller"), client.ForceOwnership)).To(Succeed())
}

// alertKinds is the enum of the kinds the Alert CRD's v1beta3 accepts in eventSources.
func alertKinds(g Gomega, k client.Client) []string {
	crd := &apiextensionsv1.CustomResourceDefinition{}
	g.Expect(k.Get(context.Background(), client.ObjectKey{Name: fluxalert.CRDName}, crd)).To(Succeed())
	enum := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["eventSources"].Items.Schema.Properties["kind"].Enum
	var kinds []string
	for _, e := range enum {
		kinds = append(kinds, string(e.Raw))
	}
	return kinds
}

func quoted(kinds ...string) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = fmt.Sprintf("%q", k)
	}
	return out
}

// installRBAC creates the ServiceAccount, roles and bindings of kustomize build config/<dir>.
func installRBAC(t *testing.T, g Gomega, k client.Client, dir string) {
	t.Helper()
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), filepath.Join(testenv.Root(t), "config", dir))
	g.Expect(err).NotTo(HaveOccurred())
	for _, kinds := range [][]string{{"Namespace"}, {"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}} {
		for _, r := range resources.Resources() {
			if !slices.Contains(kinds, r.GetKind()) {
				continue
			}
			m, err := r.Map()
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(k.Create(context.Background(), &unstructured.Unstructured{Object: m})).To(Succeed(), "creating %s %s", r.GetKind(), r.GetName())
		}
	}
}

// impersonating is the control plane's configuration acting as user, in groups and system:authenticated.
func impersonating(cfg *rest.Config, user string, groups ...string) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: append(groups, "system:authenticated")}
	return c
}

// startFluxAlertKindsAlone runs the flux-alert-kinds controller, and nothing else, as the identity of cfg.
func startFluxAlertKindsAlone(g Gomega, cfg *rest.Config) (stop func() error) {
	mgrOpts := controllers.ManagerOptions()
	mgrOpts.Metrics = metricsserver.Options{BindAddress: "0"}
	mgrOpts.Controller = config.Controller{SkipNameValidation: ptr.To(true)}
	mgr, err := ctrl.NewManager(cfg, mgrOpts)
	g.Expect(err).NotTo(HaveOccurred())
	crds, err := controllers.NewFluxAlertCRDCache(mgr)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect((&controllers.FluxAlertKindsReconciler{Client: mgr.GetClient(), CRDs: crds}).SetupWithManager(mgr)).To(Succeed())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	return func() error { cancel(); return <-done }
}

// eventSourceAlert is a Flux Alert in default that routes the events of one kind in team-checkout to a Slack
// Provider: the Alert CRD accepts it only for a kind its enum lists.
func eventSourceAlert(name, kind string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("notification.toolkit.fluxcd.io/v1beta3")
	u.SetKind("Alert")
	u.SetNamespace("default")
	u.SetName(name)
	u.Object["spec"] = map[string]any{
		"providerRef":  map[string]any{"name": "slack-team-checkout"},
		"eventSources": []any{map[string]any{"kind": kind, "name": "*", "namespace": "team-checkout"}},
	}
	return u
}

// TestFluxAlertKinds: the flux-alert-kinds controller, running as a user with nothing but the ClusterRole of
// config/flux-alert-kinds (rights on that one CRD), waits for Flux's Alert CRD, adds the roadmap kinds when it
// appears (so an Alert on initiatives is accepted), adds them again when a Flux upgrade applies the CRD without
// them, and then leaves the CRD alone: no patching back and forth. The manager started with --flux-alert-kinds
// as its service account, with the roles config/default and config/flux-alert-kinds ship, does the same.
func TestFluxAlertKinds(t *testing.T) {
	env := testenv.New(t)
	g := testenv.NewG(t, 2*time.Minute)
	ctx := context.Background()
	k := env.Client
	installRBAC(t, g, k, "default")
	installRBAC(t, g, k, "flux-alert-kinds")
	const onlyUser = "flux-alert-kinds-only"
	g.Expect(k.Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: onlyUser},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "roadmap-flux-alert-kinds"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: onlyUser}}})).To(Succeed())
	only := impersonating(env.Config, onlyUser)

	// Flux is not installed yet: the controller starts all the same and waits.
	stop := startFluxAlertKindsAlone(g, only)
	stopped := false
	defer func() {
		if !stopped {
			g.Expect(stop()).To(Succeed())
		}
	}()

	g.Eventually(func(g Gomega) int { return reconciles(g, "flux-alert-kinds") }).Should(BeNumerically(">=", 1),
		"the controller has looked for the CRD, and found none")
	g.Expect(k.Get(ctx, client.ObjectKey{Name: fluxalert.CRDName}, &apiextensionsv1.CustomResourceDefinition{})).
		To(Satisfy(apierrors.IsNotFound))

	// Flux is installed: its CRD gains the three kinds, after Flux's own.
	original := fluxAlertCRD(t)
	applyAsFlux(g, k, original)
	fluxKinds := quoted("Bucket", "GitRepository", "Kustomization", "HelmRelease", "HelmChart", "HelmRepository",
		"ImageRepository", "ImagePolicy", "ImageUpdateAutomation", "OCIRepository")
	withRoadmap := append(slices.Clone(fluxKinds), quoted(fluxalert.Kinds...)...)
	g.Eventually(func(g Gomega) { g.Expect(alertKinds(g, k)).To(Equal(withRoadmap)) }).Should(Succeed())
	g.Eventually(func() error { return k.Create(ctx, eventSourceAlert("team-checkout-initiatives", "Initiative")) }).
		Should(Succeed(), "an Alert on initiatives")
	g.Expect(k.Create(ctx, eventSourceAlert("pods", "Pod"))).To(MatchError(ContainSubstring("Unsupported value")),
		"the enum still refuses other kinds")

	// A Flux upgrade applies its CRD again, without the roadmap kinds: they come back.
	applyAsFlux(g, k, original)
	g.Eventually(func(g Gomega) { g.Expect(alertKinds(g, k)).To(Equal(withRoadmap)) }).Should(Succeed())
	g.Eventually(func() error { return k.Create(ctx, eventSourceAlert("team-checkout-goals", "Goal")) }).Should(Succeed())

	// Settled, the CRD is left alone: the kinds are there, so nothing is patched.
	crd := &apiextensionsv1.CustomResourceDefinition{}
	g.Expect(k.Get(ctx, client.ObjectKey{Name: fluxalert.CRDName}, crd)).To(Succeed())
	settled := crd.ResourceVersion
	g.Consistently(func(g Gomega) {
		g.Expect(k.Get(ctx, client.ObjectKey{Name: fluxalert.CRDName}, crd)).To(Succeed())
		g.Expect(crd.ResourceVersion).To(Equal(settled))
	}).WithTimeout(5 * time.Second).Should(Succeed())

	// Those rights are on that one CRD: no other CRD may be patched, and CRDs may not be listed without the
	// field selector naming it.
	onlyClient, err := client.New(only, client.Options{Scheme: scheme.Scheme})
	g.Expect(err).NotTo(HaveOccurred())
	initiatives := &apiextensionsv1.CustomResourceDefinition{ObjectMeta: metav1.ObjectMeta{Name: "initiatives.roadmap.dev"}}
	err = onlyClient.Patch(ctx, initiatives,
		client.RawPatch(types.JSONPatchType, []byte(`[{"op":"test","path":"/metadata/name","value":"initiatives.roadmap.dev"}]`)))
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "patching another CRD: %v", err)
	err = onlyClient.List(ctx, &apiextensionsv1.CustomResourceDefinitionList{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "listing every CRD: %v", err)
	g.Expect(stop()).To(Succeed())
	stopped = true

	// The manager, as cmd/manager wires it with --flux-alert-kinds, as its own service account.
	opts := controllers.DefaultOptions()
	opts.FluxAlertKinds = true
	mgr, err := operatortest.StartManagerAs(impersonating(env.Config, managerAccount,
		"system:serviceaccounts", "system:serviceaccounts:roadmap-operator-system"), opts)
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { g.Expect(mgr.Stop()).To(Succeed()) }()
	applyAsFlux(g, k, original)
	g.Eventually(func(g Gomega) { g.Expect(alertKinds(g, k)).To(Equal(withRoadmap)) }).Should(Succeed())
}
