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

package roadmapview_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
)

func fakeClient(funcs interceptor.Funcs, objs ...client.Object) client.Client {
	return interceptor.NewClient(fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).Build(), funcs)
}

func TestLoadErrors(t *testing.T) {
	ctx := context.Background()
	gr := func(resource string) schema.GroupResource {
		return schema.GroupResource{Group: "roadmap.dev", Resource: resource}
	}
	noMatch := interceptor.Funcs{List: func(context.Context, client.WithWatch, client.ObjectList, ...client.ListOption) error {
		return &apimeta.NoKindMatchError{GroupKind: schema.GroupKind{Group: "roadmap.dev", Kind: "Capability"},
			SearchedVersions: []string{"v1alpha1"}}
	}}
	if _, err := roadmapview.Load(ctx, fakeClient(noMatch), roadmapview.Scope{}); !errors.Is(err, roadmapview.ErrCRDsNotInstalled) ||
		err.Error() != "roadmap.dev CRDs are not installed in this cluster (kubectl get crd initiatives.roadmap.dev): "+
			"install them with `make install`" {
		t.Errorf("no CRDs: err = %v", err)
	}

	forbidInitiatives := func(clusterWideOnly bool) interceptor.Funcs {
		return interceptor.Funcs{List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			if _, ok := list.(*roadmapv1.InitiativeList); ok {
				lo := (&client.ListOptions{}).ApplyOptions(opts)
				if !clusterWideOnly || lo.Namespace == "" {
					return apierrors.NewForbidden(gr("initiatives"), "", errors.New(`User "dev" cannot list resource "initiatives"`))
				}
			}
			return c.List(ctx, list, opts...)
		}}
	}
	_, err := roadmapview.Load(ctx, fakeClient(forbidInitiatives(false)), roadmapview.Scope{Namespace: "shop"})
	if err == nil || !strings.HasPrefix(err.Error(), "forbidden: RBAC does not allow you to list initiatives.roadmap.dev in "+
		"namespace shop (check with: kubectl auth can-i list initiatives.roadmap.dev -n shop); the server said: ") {
		t.Errorf("forbidden: err = %v", err)
	}
	_, err = roadmapview.Load(ctx, fakeClient(forbidInitiatives(false)), roadmapview.Scope{})
	if err == nil || !strings.Contains(err.Error(), "list initiatives.roadmap.dev at the cluster scope (check with: kubectl auth can-i list initiatives.roadmap.dev -A)") {
		t.Errorf("forbidden cluster-wide: err = %v", err)
	}

	// Commands that follow references fall back to their namespace when listing all is forbidden.
	ini := &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "recs"}}
	other := &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "kafka"}}
	s, err := roadmapview.Load(ctx, fakeClient(forbidInitiatives(true), ini, other), roadmapview.Scope{Fallback: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Namespace != "shop" || !strings.Contains(s.Limited, "you may not list initiatives in all namespaces") ||
		len(s.Initiatives) != 1 || s.Visible("ops") || !s.Visible("shop") {
		t.Errorf("fallback snapshot: namespace %q, limited %q, %d initiatives", s.Namespace, s.Limited, len(s.Initiatives))
	}
}

// TestLoadReadsChecks: status.checks arrive through Load as the typed API has them (a malformed entry cannot: the
// CRD's schema rejects it, and a capability that does not decode fails Load loudly).
func TestLoadReadsChecks(t *testing.T) {
	c := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "kubernetes-platform"},
		Spec: roadmapv1.CapabilitySpec{Title: "k8s", Lifecycle: roadmapv1.LifecycleAvailable},
		Status: roadmapv1.CapabilityStatus{Phase: roadmapv1.CapabilityPhaseBlocked, Checks: []roadmapv1.CheckStatus{
			{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "platform", Name: "ingress", Reason: "InProgress", Message: "1 of 3"},
		}}}
	plain := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "plain"}}
	s, err := roadmapview.Load(context.Background(), fakeClient(interceptor.Funcs{}, c, plain), roadmapview.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Capability("kubernetes-platform")
	if got == nil || got.Status.Phase != "Blocked" || got.Spec.Title != "k8s" {
		t.Fatalf("capability = %+v", got)
	}
	if d := cmp.Diff(c.Status.Checks, got.Status.Checks); d != "" {
		t.Errorf("checks (-want +got):\n%s", d)
	}
	if p := s.Capability("plain"); p == nil || p.Status.Checks != nil {
		t.Errorf("a capability without checks = %+v", p)
	}
}
