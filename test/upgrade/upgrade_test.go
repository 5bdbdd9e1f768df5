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

// Package upgrade tests day two against a real apiserver: uninstalling and reinstalling the operator keeps the
// roadmap, and this release reads and re-evaluates objects stored by the previous one.
package upgrade

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

func newG(t *testing.T) *WithT { return testenv.NewG(t, 90*time.Second) }

// build renders a kustomization of the repository, as `kustomize build` (and kubectl -k) does.
func build(t *testing.T, dir string) resmap.ResMap {
	t.Helper()
	res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), filepath.Join(testenv.Root(t), dir))
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	return res
}

func objects(t *testing.T, res resmap.ResMap) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, r := range res.Resources() {
		data, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(data); err != nil { // JSON numbers, so DeepCopy works
			t.Fatal(err)
		}
		out = append(out, u)
	}
	return out
}

// snapshot is what must survive: every roadmap object's spec, generation and phase, by kind/namespace/name.
type snapshot map[string]state

type state struct {
	Spec       any
	Generation int64
	Phase      string
}

func takeSnapshot(g *WithT, c client.Client) snapshot {
	s := snapshot{}
	for _, kind := range []string{"GoalList", "CapabilityList", "InitiativeList"} {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(roadmapv1.GroupVersion.WithKind(kind))
		g.Expect(c.List(context.Background(), list)).To(Succeed())
		for _, o := range list.Items {
			phase, _, _ := unstructured.NestedString(o.Object, "status", "phase")
			s[o.GetKind()+"/"+o.GetNamespace()+"/"+o.GetName()] = state{Spec: o.Object["spec"], Generation: o.GetGeneration(), Phase: phase}
		}
	}
	return s
}

// evaluated reports whether the operator has evaluated every roadmap object's current spec.
func evaluated(c client.Client) error {
	for _, kind := range []string{"GoalList", "CapabilityList", "InitiativeList"} {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(roadmapv1.GroupVersion.WithKind(kind))
		if err := c.List(context.Background(), list); err != nil {
			return err
		}
		for _, o := range list.Items {
			observed, _, _ := unstructured.NestedInt64(o.Object, "status", "observedGeneration")
			conditions, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
			if observed != o.GetGeneration() || len(conditions) == 0 {
				return fmt.Errorf("%s %s/%s not evaluated yet", o.GetKind(), o.GetNamespace(), o.GetName())
			}
		}
	}
	return nil
}

// TestUninstallKeepsRoadmap: `make undeploy` deletes config/operator, which holds no CRD, and the CRDs tell
// Argo CD and Helm to keep them. Deleting the operator's objects and stopping the manager leaves every Goal,
// Capability and Initiative in place; reinstalled, the operator recomputes every status (wiped here while it was
// away) and changes no spec. The samples then clean up by their label, leaving the team namespaces.
func TestUninstallKeepsRoadmap(t *testing.T) {
	g := newG(t)
	ctx := context.Background()

	operator := objects(t, build(t, "config/operator"))
	g.Expect(operator).NotTo(BeEmpty())
	for _, o := range operator {
		g.Expect(o.GetKind()).NotTo(Equal("CustomResourceDefinition"), "make undeploy (config/operator) would delete %s", o.GetName())
	}
	installer := build(t, "config/default") // what make build-installer writes to dist/install.yaml
	crds := 0
	for _, o := range objects(t, installer) {
		if o.GetKind() != "CustomResourceDefinition" {
			continue
		}
		crds++
		g.Expect(o.GetAnnotations()).To(HaveKeyWithValue("argocd.argoproj.io/sync-options", "Delete=false,Prune=false"), o.GetName())
		g.Expect(o.GetAnnotations()).To(HaveKeyWithValue("helm.sh/resource-policy", "keep"), o.GetName())
		g.Expect(o.GetLabels()).To(HaveKeyWithValue("app.kubernetes.io/component", "crd"), o.GetName())
	}
	// The three kinds of the roadmap, and the workload gate's InitiativeIndex, which the gate of config/policy
	// keeps reading (the last written state) while the operator is away.
	g.Expect(crds).To(Equal(4), "config/default (dist/install.yaml) holds the four CRDs")

	env := testenv.New(t)
	k := env.Client

	install := func() {
		// Namespaces first, then what lives in them.
		sort.SliceStable(operator, func(i, j int) bool {
			return operator[i].GetKind() == "Namespace" && operator[j].GetKind() != "Namespace"
		})
		for _, o := range operator {
			err := k.Create(ctx, o.DeepCopy())
			if !apierrors.IsAlreadyExists(err) {
				g.Expect(err).NotTo(HaveOccurred(), "creating %s %s", o.GetKind(), o.GetName())
			}
		}
	}
	install()
	for _, o := range objects(t, build(t, "config/samples")) {
		g.Expect(k.Create(ctx, o)).To(Succeed(), "creating sample %s %s", o.GetKind(), o.GetName())
	}
	mgr, err := operatortest.StartManager(env, controllers.DefaultOptions())
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() error { return evaluated(k) }).Should(Succeed())
	before := takeSnapshot(g, k)
	g.Expect(before).To(HaveLen(3 + 4 + 9))

	// Uninstall as docs/install.md says for dist/install.yaml: stop the manager, and delete the installer's
	// objects except the CRDs, with kubectl's label selector.
	g.Expect(mgr.Stop()).To(Succeed())
	installYAML, err := installer.AsYaml()
	g.Expect(err).NotTo(HaveOccurred())
	installFile := filepath.Join(t.TempDir(), "install.yaml")
	g.Expect(os.WriteFile(installFile, installYAML, 0o600)).To(Succeed())
	out, err := env.Kubectl("delete", "--wait=false", "-f", installFile, "-l", "app.kubernetes.io/component!=crd")
	g.Expect(err).NotTo(HaveOccurred(), out)
	for _, o := range operator {
		got := o.DeepCopy()
		err := k.Get(ctx, client.ObjectKeyFromObject(o), got)
		if o.GetKind() == "Namespace" {
			// envtest runs no namespace controller to finish deleting it: it stays Terminating.
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got.GetDeletionTimestamp()).NotTo(BeNil(), "namespace %s not deleted", o.GetName())
			continue
		}
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%s %s still there: %v", o.GetKind(), o.GetName(), err)
	}
	for _, name := range []string{"capabilities.roadmap.dev", "initiatives.roadmap.dev", "goals.roadmap.dev", "initiativeindexes.roadmap.dev"} {
		g.Expect(k.Get(ctx, client.ObjectKey{Name: name}, &apiextensionsv1.CustomResourceDefinition{})).To(Succeed())
	}
	g.Expect(takeSnapshot(g, k)).To(Equal(before), "the roadmap changed while the operator was uninstalled")

	// While the operator is away, forget every status, so that reinstalling must recompute them.
	wipeStatuses(g, k)
	g.Expect(evaluated(k)).NotTo(Succeed())

	// Reinstall: the cluster-scoped RBAC again (the namespaced objects would need the Terminating namespace to be
	// gone), and the manager.
	for _, o := range operator {
		if o.GetNamespace() == "" && o.GetKind() != "Namespace" {
			g.Expect(k.Create(ctx, o.DeepCopy())).To(Succeed(), "recreating %s %s", o.GetKind(), o.GetName())
		}
	}
	operatortest.RunManager(t, env, controllers.DefaultOptions())
	g.Eventually(func() error { return evaluated(k) }).Should(Succeed())
	g.Eventually(func() snapshot { return takeSnapshot(g, k) }).Should(Equal(before),
		"after reinstalling, every object is there with the same spec and generation, and its phase recomputed")

	// The samples' cleanup, as docs/install.md gives it: by label, which leaves the team namespaces alone.
	out, err = env.Kubectl("delete", "initiatives,capabilities,goals", "-A", "-l", "roadmap.dev/sample=true")
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Eventually(func() snapshot { return takeSnapshot(g, k) }).Should(BeEmpty())
	for _, o := range objects(t, build(t, "config/samples")) {
		if o.GetKind() == "Namespace" {
			ns := &corev1.Namespace{}
			g.Expect(k.Get(ctx, client.ObjectKey{Name: o.GetName()}, ns)).To(Succeed())
			g.Expect(ns.DeletionTimestamp).To(BeNil(), "namespace %s deleted by the samples' cleanup", o.GetName())
		}
	}
}

func wipeStatuses(g *WithT, k client.Client) {
	ctx := context.Background()
	for _, kind := range []string{"GoalList", "CapabilityList", "InitiativeList"} {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(roadmapv1.GroupVersion.WithKind(kind))
		g.Expect(k.List(ctx, list)).To(Succeed())
		for i := range list.Items {
			o := &list.Items[i]
			o.Object["status"] = map[string]any{}
			g.Expect(k.Status().Update(ctx, o)).To(Succeed())
		}
	}
}

// TestUpgradeFromPreviousRelease: objects stored through the previous release's CRDs (testdata/previous-release)
// are read by this release's types after its CRDs are applied over the old ones with server-side apply (as
// docs/install.md says to upgrade), and re-evaluated: statuses current, the finished initiative's completedAt
// taken from its recorded Ready transition rather than the time of the upgrade, and no spec changed.
func TestUpgradeFromPreviousRelease(t *testing.T) {
	g := newG(t)
	ctx := context.Background()
	root := testenv.Root(t)
	fixtures := filepath.Join(root, "test", "upgrade", "testdata", "previous-release")

	env := testenv.New(t, func(e *envtest.Environment) {
		e.CRDDirectoryPaths = []string{filepath.Join(fixtures, "crds")}
	})
	k := env.Client

	// The previous release stores the fixture: spec on create, status as its operator wrote it.
	g.Expect(k.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-sre"}})).To(Succeed())
	data, err := os.ReadFile(filepath.Join(fixtures, "roadmap.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	var stored []*unstructured.Unstructured
	decoder := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		o := &unstructured.Unstructured{}
		if err := decoder.Decode(&o.Object); err != nil {
			break
		}
		if len(o.Object) == 0 {
			continue
		}
		status := o.Object["status"]
		g.Expect(k.Create(ctx, o)).To(Succeed(), "the previous release's CRD refuses %s %s", o.GetKind(), o.GetName())
		o.Object["status"] = status
		g.Expect(k.Status().Update(ctx, o)).To(Succeed())
		stored = append(stored, o)
	}
	g.Expect(stored).To(HaveLen(5))
	before := takeSnapshot(g, k)

	// Upgrade the CRDs first, with server-side apply, then start this release's manager.
	out, err := env.Kubectl("apply", "--server-side", "--force-conflicts", "-f", filepath.Join(root, "config", "crd", "bases"))
	g.Expect(err).NotTo(HaveOccurred(), out)
	out, err = env.Kubectl("wait", "--for=condition=Established", "--timeout=60s", "-f", filepath.Join(root, "config", "crd", "bases"))
	g.Expect(err).NotTo(HaveOccurred(), out)

	// Every stored object decodes into this release's types.
	g.Expect(k.List(ctx, &roadmapv1.GoalList{})).To(Succeed())
	g.Expect(k.List(ctx, &roadmapv1.CapabilityList{})).To(Succeed())
	g.Expect(k.List(ctx, &roadmapv1.InitiativeList{})).To(Succeed())

	operatortest.RunManager(t, env, controllers.DefaultOptions())

	done := &roadmapv1.Initiative{}
	g.Eventually(func(g Gomega) {
		g.Expect(k.Get(ctx, client.ObjectKey{Namespace: "team-sre", Name: "log-pipeline-rollout"}, done)).To(Succeed())
		g.Expect(done.Status.CompletedAt).NotTo(BeNil())
	}).Should(Succeed())
	g.Expect(done.Status.CompletedAt.UTC()).To(Equal(time.Date(2026, 9, 28, 16, 30, 0, 0, time.UTC)),
		"completedAt of work finished under the previous release is its recorded Ready transition, not the upgrade")
	g.Expect(done.Status.Phase).To(Equal(roadmapv1.PhaseDone))

	blocked := &roadmapv1.Initiative{}
	g.Eventually(func(g Gomega) {
		g.Expect(k.Get(ctx, client.ObjectKey{Namespace: "team-sre", Name: "trace-checkout"}, blocked)).To(Succeed())
		// Re-evaluated by this release: every condition it writes is there (Prioritized and ScheduleConflict
		// were not in the fixture).
		g.Expect(apimeta.FindStatusCondition(blocked.Status.Conditions, roadmapv1.ConditionPrioritized)).NotTo(BeNil())
		g.Expect(apimeta.FindStatusCondition(blocked.Status.Conditions, roadmapv1.ConditionScheduleConflict)).NotTo(BeNil())
	}).Should(Succeed())
	g.Expect(blocked.Status.Phase).To(Equal(roadmapv1.PhaseBlocked))
	g.Expect(blocked.Status.BlockedBy).To(ConsistOf(HaveField("Name", "tracing")))
	g.Expect(blocked.Status.CompletedAt).To(BeNil())

	g.Eventually(func() error { return evaluated(k) }).Should(Succeed())
	after := takeSnapshot(g, k)
	for key, was := range before {
		g.Expect(after).To(HaveKey(key))
		g.Expect(after[key].Spec).To(Equal(was.Spec), "%s: spec changed by the upgrade", key)
		g.Expect(after[key].Generation).To(Equal(was.Generation), "%s: generation changed by the upgrade", key)
		g.Expect(after[key].Phase).To(Equal(was.Phase), "%s: phase", key)
	}
}
