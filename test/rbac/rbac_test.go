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

// Package rbac tests the RBAC the operator ships with, against a real apiserver: the install manifests are
// built from config/default with kustomize, the manager runs as its own service account (impersonated), and
// people act through the team roles.
package rbac

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

const (
	operatorNamespace = "roadmap-operator-system"
	managerAccount    = "roadmap-controller-manager"
)

var (
	env *testenv.Env
	k   client.Client
)

func TestMain(m *testing.M) { os.Exit(testenv.Suite{Setup: setup}.Run(m)) }

// setup installs the operator's RBAC and starts the manager as its service account.
func setup(e *testenv.Env) (func() error, error) {
	env, k = e, e.Client
	if err := installRBAC(); err != nil {
		return nil, err
	}
	mgr, err := operatortest.StartManagerAs(impersonate(env.Config, "system:serviceaccount:"+operatorNamespace+":"+managerAccount,
		"system:serviceaccounts", "system:serviceaccounts:"+operatorNamespace, "system:authenticated"), controllers.DefaultOptions())
	if err != nil {
		return nil, err
	}
	return mgr.Stop, nil
}

// installRBAC applies the namespace, service account, roles and bindings of `kustomize build config/default`.
func installRBAC() error {
	root, err := testenv.RepoRoot()
	if err != nil {
		return err
	}
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), filepath.Join(root, "config", "default"))
	if err != nil {
		return fmt.Errorf("kustomize build config/default: %w", err)
	}
	// Namespaces first, then what lives in them.
	for _, kinds := range [][]string{{"Namespace"}, {"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}} {
		if err := create(resources.Resources(), kinds); err != nil {
			return err
		}
	}
	return nil
}

func create(resources []*resource.Resource, kinds []string) error {
	for _, r := range resources {
		if !slices.Contains(kinds, r.GetKind()) {
			continue
		}
		obj, err := r.Map()
		if err != nil {
			return err
		}
		if err := k.Create(context.Background(), &unstructured.Unstructured{Object: obj}); err != nil {
			return fmt.Errorf("creating %s %s: %w", r.GetKind(), r.GetName(), err)
		}
	}
	return nil
}

func impersonate(cfg *rest.Config, user string, groups ...string) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: groups}
	return c
}

func clientAs(t *testing.T, user string, groups ...string) client.Client {
	t.Helper()
	c, err := client.New(impersonate(env.Config, user, groups...), client.Options{Scheme: scheme.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newG(t *testing.T) *WithT { return testenv.NewG(t, 90*time.Second) }

func namespace(t *testing.T, name string) { testenv.EnsureNamespace(t, k, name) }

var capability = func(name string, lifecycle roadmapv1.CapabilityLifecycle) *roadmapv1.Capability {
	c := testenv.Capability(name, lifecycle)
	c.Spec.Owner = ""
	return c
}

func initiative(ns, name string, requires ...roadmapv1.ResourceName) *roadmapv1.Initiative {
	ini := testenv.Initiative(ns, name)
	ini.Spec.Owner, ini.Spec.Requires = "", requires
	return ini
}

func bind(g *WithT, role string, subject rbacv1.Subject, namespace string) {
	ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role}
	name := fmt.Sprintf("%s-%s", role, subject.Name)
	if namespace == "" {
		g.Expect(k.Create(context.Background(), &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef: ref, Subjects: []rbacv1.Subject{subject}})).To(Succeed())
		return
	}
	g.Expect(k.Create(context.Background(), &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		RoleRef: ref, Subjects: []rbacv1.Subject{subject}})).To(Succeed())
}

func readyReason(conds []metav1.Condition) string { return testenv.ReadyCondition(conds).Reason }

// TestManagerRoleSuffices: running as its own service account with only the shipped ClusterRole, the manager
// evaluates capabilities, initiatives and goals, records events, and reads Deployment evidence.
func TestManagerRoleSuffices(t *testing.T) {
	g := newG(t)
	ctx := context.Background()
	namespace(t, "rbac-shop")
	c := capability("rbac-bus", roadmapv1.LifecyclePlanned)
	c.Spec.Checks = []roadmapv1.CheckReference{{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "rbac-shop", Name: "broker"}}
	ini := initiative("rbac-shop", "feature", "rbac-bus")
	ini.Spec.Goals = []roadmapv1.ResourceName{"rbac-goal"}
	g.Expect(k.Create(ctx, c)).To(Succeed())
	g.Expect(k.Create(ctx, ini)).To(Succeed())
	g.Expect(k.Create(ctx, &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: "rbac-goal"}, Spec: roadmapv1.GoalSpec{Title: "g"}})).To(Succeed())

	g.Eventually(func(g Gomega) {
		got := &roadmapv1.Capability{}
		g.Expect(k.Get(ctx, client.ObjectKey{Name: "rbac-bus"}, got)).To(Succeed())
		g.Expect(got.Status.Checks).To(HaveLen(1))
		g.Expect(got.Status.Checks[0].Reason).To(Equal("NotFound"), "the manager may list Deployments")
	}).Should(Succeed())
	g.Eventually(func(g Gomega) string {
		got := &roadmapv1.Initiative{}
		g.Expect(k.Get(ctx, client.ObjectKeyFromObject(ini), got)).To(Succeed())
		return readyReason(got.Status.Conditions)
	}).Should(Equal(roadmapv1.ReasonNoProvider))
	g.Eventually(func(g Gomega) int32 {
		got := &roadmapv1.Goal{}
		g.Expect(k.Get(ctx, client.ObjectKey{Name: "rbac-goal"}, got)).To(Succeed())
		return got.Status.Initiatives.Total
	}).Should(BeEquivalentTo(1))
}

// TestEvidenceAccessDenied: a check on a kind the manager may not read says so, naming the permission, and
// recovers once the permission is granted.
func TestEvidenceAccessDenied(t *testing.T) {
	g := newG(t)
	ctx := context.Background()
	c := capability("rbac-pdb", roadmapv1.LifecycleAvailable)
	c.Spec.Checks = []roadmapv1.CheckReference{{APIVersion: "policy/v1", Kind: "PodDisruptionBudget", Namespace: "default", Name: "kafka"}}
	g.Expect(k.Create(ctx, c)).To(Succeed())
	g.Eventually(func(g Gomega) {
		got := &roadmapv1.Capability{}
		g.Expect(k.Get(ctx, client.ObjectKey{Name: "rbac-pdb"}, got)).To(Succeed())
		g.Expect(got.Status.Checks).To(HaveLen(1))
		g.Expect(got.Status.Checks[0].Reason).To(Equal(roadmapv1.CheckReasonAccessDenied))
		g.Expect(got.Status.Checks[0].Message).To(ContainSubstring("may not list poddisruptionbudgets.policy"))
		g.Expect(apimeta.IsStatusConditionTrue(got.Status.Conditions, roadmapv1.ConditionStalled)).To(BeTrue())
	}).Should(Succeed())

	// Grant it the documented way: an extra ClusterRole bound to the manager's service account.
	g.Expect(k.Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "roadmap-evidence-pdb"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"policy"}, Resources: []string{"poddisruptionbudgets"},
			Verbs: []string{"get", "list", "watch"}}}})).To(Succeed())
	bind(g, "roadmap-evidence-pdb", rbacv1.Subject{Kind: "ServiceAccount", Name: managerAccount, Namespace: operatorNamespace}, "")
	g.Eventually(func(g Gomega) string {
		got := &roadmapv1.Capability{}
		g.Expect(k.Get(ctx, client.ObjectKey{Name: "rbac-pdb"}, got)).To(Succeed())
		return got.Status.Checks[0].Reason
	}).Should(Equal("NotFound"))
}

// TestTeamRoles: platform teams manage capabilities, product teams manage initiatives in their namespace and
// read the rest, viewers read; nobody but the operator writes status.
func TestTeamRoles(t *testing.T) {
	g := newG(t)
	ctx := context.Background()
	namespace(t, "team-a")
	namespace(t, "team-b")
	bind(g, "roadmap-platform-editor", rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "platform-team"}, "")
	bind(g, "roadmap-product-editor", rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "bob"}, "team-a")
	bind(g, "roadmap-viewer", rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "system:authenticated"}, "")

	alice := clientAs(t, "alice", "platform-team", "system:authenticated")
	bob := clientAs(t, "bob", "system:authenticated")
	carol := clientAs(t, "carol", "system:authenticated")
	forbidden := func(err error) { g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err) }

	// Platform team: capabilities yes, their status no, initiatives no.
	g.Expect(alice.Create(ctx, capability("rbac-flags", roadmapv1.LifecyclePlanned))).To(Succeed())
	flags := &roadmapv1.Capability{}
	g.Expect(alice.Get(ctx, client.ObjectKey{Name: "rbac-flags"}, flags)).To(Succeed())
	before := flags.DeepCopy()
	flags.Spec.Lifecycle = roadmapv1.LifecycleAvailable
	g.Expect(alice.Patch(ctx, flags, client.MergeFrom(before))).To(Succeed())
	flags.Status.Phase = roadmapv1.CapabilityPhaseReady
	forbidden(alice.Status().Update(ctx, flags))
	forbidden(alice.Create(ctx, initiative("team-a", "from-alice")))

	// Product team: initiatives in its namespace only; capabilities and goals read-only; no status.
	g.Expect(bob.Create(ctx, initiative("team-a", "checkout", "rbac-flags"))).To(Succeed())
	forbidden(bob.Create(ctx, initiative("team-b", "elsewhere")))
	forbidden(bob.Create(ctx, capability("rbac-bobs-capability", roadmapv1.LifecycleAvailable)))
	bobsView := &roadmapv1.Capability{}
	g.Expect(bob.Get(ctx, client.ObjectKey{Name: "rbac-flags"}, bobsView)).To(Succeed())
	bobsView.Spec.Lifecycle = roadmapv1.LifecycleRetired
	forbidden(bob.Update(ctx, bobsView))
	g.Expect(bob.List(ctx, &roadmapv1.GoalList{})).To(Succeed())
	checkout := &roadmapv1.Initiative{}
	g.Expect(bob.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "checkout"}, checkout)).To(Succeed())
	checkout.Status.Phase = roadmapv1.PhaseReady
	forbidden(bob.Status().Update(ctx, checkout))
	forbidden(bob.Create(ctx, &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: "bobs-goal"}, Spec: roadmapv1.GoalSpec{Title: "g"}}))

	// Everyone else: read the roadmap, change nothing.
	g.Expect(carol.List(ctx, &roadmapv1.InitiativeList{})).To(Succeed())
	g.Expect(carol.List(ctx, &roadmapv1.CapabilityList{})).To(Succeed())
	forbidden(carol.Create(ctx, initiative("team-a", "from-carol")))
	forbidden(carol.Delete(ctx, checkout))

	// The operator, and only the operator, writes the status: bob's initiative is evaluated (alice made the
	// capability it requires Available).
	g.Eventually(func(g Gomega) roadmapv1.InitiativePhase {
		got := &roadmapv1.Initiative{}
		g.Expect(k.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "checkout"}, got)).To(Succeed())
		return got.Status.Phase
	}).Should(Equal(roadmapv1.PhaseReady))
}

// TestPlatformTeamOperationsInitiatives: roadmap-platform-editor alone may not create initiatives; a platform team
// that plans its own work (Operations initiatives that provide its capabilities, as docs/platform-teams.md
// describes) also gets roadmap-product-editor through a RoleBinding in its own namespace, as security.md says,
// and then may create them there and nowhere else.
func TestPlatformTeamOperationsInitiatives(t *testing.T) {
	g := newG(t)
	ctx := context.Background()
	namespace(t, "rbac-platform")
	namespace(t, "rbac-shop")
	platformTeam := rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "rbac-platform-team"}
	bind(g, "roadmap-platform-editor", platformTeam, "")
	dana := clientAs(t, "dana", "rbac-platform-team", "system:authenticated")
	forbidden := func(err error) { g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err) }

	build := func(ns string) *roadmapv1.Initiative {
		ini := initiative(ns, "kafka-cluster", "rbac-k8s")
		ini.Spec.Track = roadmapv1.TrackOperations
		ini.Spec.Provides = []roadmapv1.ResourceName{"rbac-event-bus"}
		return ini
	}
	g.Expect(dana.Create(ctx, capability("rbac-event-bus", roadmapv1.LifecyclePlanned))).To(Succeed())
	forbidden(dana.Create(ctx, build("rbac-platform")))

	bind(g, "roadmap-product-editor", platformTeam, "rbac-platform")
	g.Eventually(func() error { return dana.Create(ctx, build("rbac-platform")) }).Should(Succeed())
	forbidden(dana.Create(ctx, build("rbac-shop")))

	// The operator sees it as the capability's provider.
	g.Eventually(func(g Gomega) {
		c := &roadmapv1.Capability{}
		g.Expect(k.Get(ctx, client.ObjectKey{Name: "rbac-event-bus"}, c)).To(Succeed())
		g.Expect(c.Status.Providers).To(ContainElement(HaveField("Name", "kafka-cluster")))
	}).Should(Succeed())
}

// TestInitiativeIndexWriters: the workload gate's InitiativeIndex is written by the operator alone. The manager,
// with only its shipped role, creates and writes it in a namespace that opts in; a namespace's own people, with
// every roadmap role the built-in edit and admin roles aggregate (viewer, product editor), read it and can
// neither create, change, write the status of, nor delete it.
func TestInitiativeIndexWriters(t *testing.T) {
	g := newG(t)
	ctx := context.Background()
	namespace(t, "rbac-gated")
	g.Expect(k.Create(ctx, initiative("rbac-gated", "gated-work"))).To(Succeed())
	nsObj := &corev1.Namespace{}
	g.Expect(k.Get(ctx, client.ObjectKey{Name: "rbac-gated"}, nsObj)).To(Succeed())
	nsObj.Labels[roadmapv1.LabelWorkloads] = roadmapv1.WorkloadsModeEnforce
	g.Expect(k.Update(ctx, nsObj)).To(Succeed())

	key := client.ObjectKey{Namespace: "rbac-gated", Name: roadmapv1.InitiativeIndexName}
	g.Eventually(func(g Gomega) map[string]roadmapv1.InitiativeIndexEntry {
		idx := &roadmapv1.InitiativeIndex{}
		g.Expect(k.Get(ctx, key, idx)).To(Succeed())
		return idx.Status.Initiatives
	}).Should(HaveKey("gated-work"), "the manager's role lets it create and write the index")

	for _, role := range []string{"roadmap-viewer", "roadmap-product-editor"} {
		bind(g, role, rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "erin"}, "rbac-gated")
	}
	erin := clientAs(t, "erin", "system:authenticated")
	forbidden := func(err error) { g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err) }
	idx := &roadmapv1.InitiativeIndex{}
	g.Expect(erin.Get(ctx, key, idx)).To(Succeed(), "the namespace's people read the index")
	g.Expect(erin.List(ctx, &roadmapv1.InitiativeIndexList{}, client.InNamespace("rbac-gated"))).To(Succeed())
	forged := idx.DeepCopy()
	forged.Status.Initiatives["ghost"] = roadmapv1.InitiativeIndexEntry{Phase: roadmapv1.PhaseReady, Evaluated: true}
	forbidden(erin.Status().Update(ctx, forged))
	forbidden(erin.Update(ctx, forged))
	forbidden(erin.Delete(ctx, idx))
	forbidden(erin.Create(ctx, &roadmapv1.InitiativeIndex{ObjectMeta: metav1.ObjectMeta{Namespace: "rbac-gated", Name: roadmapv1.InitiativeIndexName}}))
}
