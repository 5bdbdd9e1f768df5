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

package board

import (
	"context"
	"errors"
	"fmt"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	authorizationclient "k8s.io/client-go/kubernetes/typed/authorization/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// untracedKinds are what the untraced report reads, metadata only: namespaces and the workload kinds.
func untracedKinds() []schema.GroupVersionKind {
	return append([]schema.GroupVersionKind{workloads.NamespaceGVK}, workloads.DefaultKinds...)
}

// watchableKinds returns which of the untraced report's kinds the board's credentials may list and watch (in
// namespace, or in all namespaces when it is empty; namespaces themselves at the cluster scope), asked with
// SelfSubjectAccessReviews. An informer on a kind RBAC forbids would retry forever rather than fail: the board
// watches only what it may, and the report says what it leaves out, as `kubectl roadmap untraced` does.
func watchableKinds(ctx context.Context, cfg *rest.Config, mapper apimeta.RESTMapper, namespace string) (
	map[schema.GroupVersionKind]bool, error) {
	reviews, err := authorizationclient.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating a client for access reviews: %w", err)
	}
	out := map[schema.GroupVersionKind]bool{}
	for _, gvk := range untracedKinds() {
		mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if apimeta.IsNoMatchError(err) {
			continue // not served by this cluster
		}
		if err != nil {
			return nil, fmt.Errorf("finding the resource of %s: %w", gvk, err)
		}
		ns := namespace
		if gvk == workloads.NamespaceGVK {
			ns = ""
		}
		allowed := true
		for _, verb := range []string{"list", "watch"} {
			res, err := reviews.SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
				Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
					Verb: verb, Group: gvk.Group, Resource: mapping.Resource.Resource, Namespace: ns}}}, metav1.CreateOptions{})
			if err != nil {
				return nil, fmt.Errorf("asking whether the board may %s %s: %w", verb, mapping.Resource.Resource, err)
			}
			allowed = allowed && res.Status.Allowed
		}
		out[gvk] = allowed
	}
	return out, nil
}

// untracedReader is what the untraced report reads through: the board's informers for the kinds it watches;
// a kind it may not watch is forbidden, as the apiserver would answer, so the report notes what it leaves out.
// A namespace the board may not watch is read directly (kubectl roadmap serve -n NAMESPACE, for a user who may
// read their namespace but not list all of them).
type untracedReader struct {
	cache   client.Reader
	direct  client.Reader
	watched map[schema.GroupVersionKind]bool
}

var errNotWatched = errors.New("the board's credentials may not list and watch them")

func (r untracedReader) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if m, ok := obj.(*metav1.PartialObjectMetadata); ok && !r.watched[m.GroupVersionKind()] {
		return r.direct.Get(ctx, key, obj, opts...)
	}
	return r.cache.Get(ctx, key, obj, opts...)
}

func (r untracedReader) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	if m, ok := list.(*metav1.PartialObjectMetadataList); ok {
		gvk := m.GroupVersionKind()
		gvk.Kind = gvk.Kind[:len(gvk.Kind)-len("List")]
		watched, served := r.watched[gvk]
		if !served {
			return &apimeta.NoKindMatchError{GroupKind: gvk.GroupKind(), SearchedVersions: []string{gvk.Version}}
		}
		if !watched {
			return apierrors.NewForbidden(schema.GroupResource{Group: gvk.Group, Resource: gvk.Kind}, "", errNotWatched)
		}
	}
	return r.cache.List(ctx, list, opts...)
}
