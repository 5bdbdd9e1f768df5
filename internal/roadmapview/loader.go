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

package roadmapview

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
)

// ErrCRDsNotInstalled is returned when the cluster does not serve the roadmap.dev API.
var ErrCRDsNotInstalled = errors.New("roadmap.dev CRDs are not installed in this cluster " +
	"(kubectl get crd initiatives.roadmap.dev): install them with `make install`")

// NewClient returns a client for the roadmap.dev kinds. It discovers the API lazily, on the first list.
func NewClient(cfg *rest.Config) (client.Client, error) {
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		return nil, fmt.Errorf("creating a client for %s: %w", cfg.Host, err)
	}
	return c, nil
}

// Scope says which initiatives to list. Capabilities and goals are cluster-scoped and always listed whole.
type Scope struct {
	// Namespace lists the initiatives of one namespace; empty lists all namespaces.
	Namespace string
	// Fallback, when listing all namespaces is forbidden, lists this namespace instead of failing, and records
	// the limitation in Snapshot.Limited: commands that follow references across namespaces still work for a
	// user who may read only their own.
	Fallback string
}

// Load lists the three kinds once and indexes them. The options go with every list (a reader of an informer
// cache may pass client.UnsafeDisableDeepCopy, when nothing writes to the snapshot).
func Load(ctx context.Context, c client.Reader, scope Scope, opts ...client.ListOption) (*Snapshot, error) {
	s := &Snapshot{Namespace: scope.Namespace}

	caps := &roadmapv1.CapabilityList{}
	if err := c.List(ctx, caps, opts...); err != nil {
		return nil, explain(err, "list", "capabilities", "")
	}
	s.Capabilities = caps.Items

	goals := &roadmapv1.GoalList{}
	if err := c.List(ctx, goals, opts...); err != nil {
		return nil, explain(err, "list", "goals", "")
	}
	s.Goals = goals.Items

	initiatives := &roadmapv1.InitiativeList{}
	err := c.List(ctx, initiatives, append([]client.ListOption{client.InNamespace(scope.Namespace)}, opts...)...)
	if err != nil && scope.Namespace == "" && scope.Fallback != "" && apierrors.IsForbidden(err) {
		s.Namespace = scope.Fallback
		s.Limited = fmt.Sprintf("you may not list initiatives in all namespaces, so only those of namespace %s "+
			"are shown; capabilities and goals are complete", scope.Fallback)
		err = c.List(ctx, initiatives, append([]client.ListOption{client.InNamespace(scope.Fallback)}, opts...)...)
	}
	if err != nil {
		return nil, explain(err, "list", "initiatives", s.Namespace)
	}
	s.Initiatives = initiatives.Items
	return s.Index(), nil
}

// explain turns a failed read into an error that says what to do.
func explain(err error, verb, resource, namespace string) error {
	where := "at the cluster scope"
	flag := " -A"
	if namespace != "" {
		where, flag = "in namespace "+namespace, " -n "+namespace
	}
	switch {
	case apimeta.IsNoMatchError(err), apierrors.IsNotFound(err):
		return ErrCRDsNotInstalled
	case apierrors.IsForbidden(err):
		return fmt.Errorf("forbidden: RBAC does not allow you to %s %s.roadmap.dev %s "+
			"(check with: kubectl auth can-i %s %s.roadmap.dev%s); the server said: %s",
			verb, resource, where, verb, resource, flag, apiMessage(err))
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("unauthorized: the cluster did not accept your credentials (%s)", apiMessage(err))
	default:
		return fmt.Errorf("cannot %s %s.roadmap.dev %s: %w", verb, resource, where, err)
	}
}

func apiMessage(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) && status.Status().Message != "" {
		return status.Status().Message
	}
	return err.Error()
}
