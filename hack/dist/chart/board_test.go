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
	"slices"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/kube"
	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/roadmap-operator/roadmap-operator/hack/dist/chart"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// The board's ServiceAccount, as the apiserver authenticates its token.
const boardAccount = "system:serviceaccount:" + chart.Namespace + ":roadmap-board"

var boardGroups = []string{"system:serviceaccounts", "system:serviceaccounts:" + chart.Namespace, "system:authenticated"}

// expectBoardInstalled checks that the board's objects are in the cluster as config/board makes them (the
// Deployment runs as the board's ServiceAccount, the Service and the NetworkPolicy select its pods), and that
// its ServiceAccount may exactly read the roadmap, watch namespaces and workloads (the board's untraced work),
// and ask what users may see.
func expectBoardInstalled(t *testing.T, env *testenv.Env) {
	t.Helper()
	g := NewWithT(t)
	ctx := context.Background()
	k := env.Client
	in := func(name string) client.ObjectKey { return client.ObjectKey{Namespace: chart.Namespace, Name: name} }

	g.Expect(k.Get(ctx, in("roadmap-board"), &corev1.ServiceAccount{})).To(Succeed())
	g.Expect(k.Get(ctx, in("roadmap-board"), &corev1.ConfigMap{})).To(Succeed())
	deployment := &appsv1.Deployment{}
	g.Expect(k.Get(ctx, in("roadmap-board"), deployment)).To(Succeed())
	g.Expect(deployment.Spec.Template.Spec.ServiceAccountName).To(Equal("roadmap-board"))
	pods := deployment.Spec.Template.Labels
	service := &corev1.Service{}
	g.Expect(k.Get(ctx, in("roadmap-board"), service)).To(Succeed())
	g.Expect(service.Spec.Selector).NotTo(BeEmpty())
	for key, value := range service.Spec.Selector {
		g.Expect(pods).To(HaveKeyWithValue(key, value), "the Service selects the board's pods")
	}
	policy := &networkingv1.NetworkPolicy{}
	g.Expect(k.Get(ctx, in("roadmap-board"), policy)).To(Succeed())
	g.Expect(policy.Spec.PolicyTypes).To(ConsistOf(networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress))
	for key, value := range policy.Spec.PodSelector.MatchLabels {
		g.Expect(pods).To(HaveKeyWithValue(key, value), "the NetworkPolicy selects the board's pods")
	}
	binding := &rbacv1.ClusterRoleBinding{}
	g.Expect(k.Get(ctx, client.ObjectKey{Name: "roadmap-board"}, binding)).To(Succeed())
	g.Expect(binding.Subjects).To(ConsistOf(rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "roadmap-board", Namespace: chart.Namespace}))

	// What the apiserver answers for the board's ServiceAccount.
	for _, q := range []struct {
		verb, group, resource, namespace string
		allowed                          bool
	}{
		{"list", "roadmap.dev", "initiatives", "", true},
		{"watch", "roadmap.dev", "initiatives", "team-checkout", true},
		{"get", "roadmap.dev", "capabilities", "", true},
		{"list", "roadmap.dev", "goals", "", true},
		{"create", "authorization.k8s.io", "subjectaccessreviews", "", true},
		{"update", "roadmap.dev", "initiatives", "team-checkout", false},
		{"patch", "roadmap.dev", "capabilities", "", false},
		{"create", "roadmap.dev", "goals", "", false},
		{"delete", "roadmap.dev", "initiatives", "team-checkout", false},
		{"get", "", "secrets", chart.Namespace, false},
		{"create", "authentication.k8s.io", "tokenreviews", "", false},
		{"list", "", "pods", chart.Namespace, false},
		{"watch", "apps", "deployments", "team-checkout", true},
		{"list", "", "namespaces", "", true},
		{"get", "apps", "deployments", "team-checkout", false},
		{"update", "apps", "deployments", "team-checkout", false},
		{"patch", "", "namespaces", "", false},
	} {
		review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User: boardAccount, Groups: boardGroups,
			ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: q.verb, Group: q.group, Resource: q.resource, Namespace: q.namespace},
		}}
		g.Expect(k.Create(ctx, review)).To(Succeed())
		g.Expect(review.Status.Allowed).To(Equal(q.allowed), "may the board %s %s.%s in %q", q.verb, q.resource, q.group, q.namespace)
	}

	// And all it may do with resources, as it would ask itself, beyond what every service account may (the
	// self-reviews of system:basic-user, say): read the roadmap, list and watch namespaces and workloads (as
	// metadata: the board asks for nothing else of them), and ask what users may see.
	baseline := resourceRules(t, env, "system:serviceaccount:"+chart.Namespace+":unbound")
	var got []authorizationv1.ResourceRule
	for _, r := range resourceRules(t, env, boardAccount) {
		if !slices.ContainsFunc(baseline, func(b authorizationv1.ResourceRule) bool { return equality.Semantic.DeepEqual(b, r) }) {
			got = append(got, r)
		}
	}
	g.Expect(got).To(ConsistOf(
		authorizationv1.ResourceRule{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{"roadmap.dev"},
			Resources: []string{"capabilities", "goals", "initiatives"}},
		authorizationv1.ResourceRule{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{""},
			Resources: []string{"namespaces"}},
		authorizationv1.ResourceRule{Verbs: []string{"list", "watch"}, APIGroups: []string{"apps"},
			Resources: []string{"deployments", "statefulsets", "daemonsets"}},
		authorizationv1.ResourceRule{Verbs: []string{"list", "watch"}, APIGroups: []string{"batch"},
			Resources: []string{"jobs", "cronjobs"}},
		authorizationv1.ResourceRule{Verbs: []string{"create"}, APIGroups: []string{"authorization.k8s.io"},
			Resources: []string{"subjectaccessreviews"}},
	), "the board's ServiceAccount may read the roadmap, watch namespaces and workloads, and review access, nothing more")
}

// resourceRules are the resource rules that apply to the service account user in the namespace of the chart,
// as a SelfSubjectRulesReview made as that user answers.
func resourceRules(t *testing.T, env *testenv.Env, user string) []authorizationv1.ResourceRule {
	t.Helper()
	g := NewWithT(t)
	cfg := rest.CopyConfig(env.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: boardGroups}
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	g.Expect(err).NotTo(HaveOccurred())
	review := &authorizationv1.SelfSubjectRulesReview{Spec: authorizationv1.SelfSubjectRulesReviewSpec{Namespace: chart.Namespace}}
	g.Expect(c.Create(context.Background(), review)).To(Succeed())
	g.Expect(review.Status.Incomplete).To(BeFalse(), review.Status.EvaluationError)
	return review.Status.ResourceRules
}

// TestBoardInstallsFromTheChart installs the chart with board.enabled=true with Helm 4's install action into a
// real apiserver: the apiserver accepts the board's objects, and its ServiceAccount may only read.
func TestBoardInstallsFromTheChart(t *testing.T) {
	env := controlPlaneWithoutCRDs(t)
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	ch, err := loader.Load(chartDir(t))
	g.Expect(err).NotTo(HaveOccurred())
	install := action.NewInstall(helmConfiguration(t, env))
	install.ReleaseName, install.Namespace = "roadmap", "default"
	install.WaitStrategy = kube.HookOnlyStrategy
	install.Timeout = time.Minute
	_, err = install.RunWithContext(ctx, ch, map[string]any{"board": map[string]any{"enabled": true}})
	g.Expect(err).NotTo(HaveOccurred())
	expectBoardInstalled(t, env)
}

// TestBoardInstallsFromKustomize applies kustomize build config/board server-side, as kubectl apply -k
// --server-side does after the operator: the same objects, the same rights.
func TestBoardInstallsFromKustomize(t *testing.T) {
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	g := NewWithT(t)
	ctx := context.Background()
	testenv.EnsureNamespace(t, env.Client, chart.Namespace)
	objs := kustomize(t, "board")
	g.Expect(objs).NotTo(BeEmpty())
	for _, u := range objs {
		g.Expect(env.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner("kubectl"))).
			To(Succeed(), "the apiserver refuses %s", key(u))
	}
	expectBoardInstalled(t, env)
}
