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

package controllers

import (
	"context"
	"fmt"
	"slices"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/evidencewatch"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmap"
)

// Field indexes over the informer cache. They turn "who references X?" into one indexed lookup, so a change to X
// enqueues exactly its dependents at once. (Flux's kustomize-controller indexes the sources its objects name this
// way, but polls dependsOn: a Kustomization whose dependency is not ready is requeued after an interval.)
const (
	// IndexInitiativeRequires indexes initiatives by the capability names in spec.requires.
	IndexInitiativeRequires = "spec.requires.initiative"
	// IndexCapabilityRequires indexes capabilities by the capability names in spec.requires.
	IndexCapabilityRequires = "spec.requires.capability"
	// IndexInitiativeDependsOn indexes initiatives by the namespace/name of each initiative in spec.dependsOn.
	IndexInitiativeDependsOn = "spec.dependsOn"
	// IndexInitiativeProvides indexes initiatives by the capability names in spec.provides.
	IndexInitiativeProvides = "spec.provides"
	// IndexInitiativeGoals indexes initiatives by the goal names in spec.goals.
	IndexInitiativeGoals = "spec.goals"
	// IndexGoalParent indexes goals by spec.parent.
	IndexGoalParent = "spec.parent"
	// IndexCapabilityCheckCluster indexes capabilities by the kubeconfig Secret each check names, and by
	// ClusterSelectorIndexValue when a check selects clusters by label.
	IndexCapabilityCheckCluster = "spec.checks.cluster"
	// IndexCapabilityCheckGroupKind indexes capabilities by Kind.group of each check, the way a CRD names it.
	IndexCapabilityCheckGroupKind = "spec.checks.groupKind"
)

// ClusterSelectorIndexValue is the IndexCapabilityCheckCluster value of a check that selects clusters by label
// (not a valid Secret name, so it never collides with one).
const ClusterSelectorIndexValue = "*selector"

// SetupIndexes registers the field indexes the reconcilers rely on. It must run before the manager starts.
func SetupIndexes(ctx context.Context, indexer client.FieldIndexer) error {
	indexes := []struct {
		obj     client.Object
		field   string
		extract client.IndexerFunc
	}{
		{&roadmapv1.Initiative{}, IndexInitiativeRequires, func(o client.Object) []string {
			return names(o.(*roadmapv1.Initiative).Spec.Requires)
		}},
		{&roadmapv1.Capability{}, IndexCapabilityRequires, func(o client.Object) []string {
			return names(o.(*roadmapv1.Capability).Spec.Requires)
		}},
		{&roadmapv1.Initiative{}, IndexInitiativeProvides, func(o client.Object) []string {
			return names(o.(*roadmapv1.Initiative).Spec.Provides)
		}},
		{&roadmapv1.Initiative{}, IndexInitiativeGoals, func(o client.Object) []string {
			return names(o.(*roadmapv1.Initiative).Spec.Goals)
		}},
		{&roadmapv1.Capability{}, IndexCapabilityCheckCluster, func(o client.Object) []string {
			keys := checkKeys(o.(*roadmapv1.Capability), func(ref roadmapv1.CheckReference) string {
				switch {
				case ref.Cluster != nil:
					return string(ref.Cluster.SecretRef.Name)
				case ref.Clusters != nil:
					return ClusterSelectorIndexValue
				}
				return ""
			})
			return slices.DeleteFunc(keys, func(k string) bool { return k == "" })
		}},
		{&roadmapv1.Capability{}, IndexCapabilityCheckGroupKind, func(o client.Object) []string {
			return checkKeys(o.(*roadmapv1.Capability), func(ref roadmapv1.CheckReference) string {
				return evidencewatch.CheckGVK(ref).GroupKind().String()
			})
		}},
		{&roadmapv1.Goal{}, IndexGoalParent, func(o client.Object) []string {
			if p := o.(*roadmapv1.Goal).Spec.Parent; p != "" {
				return []string{string(p)}
			}
			return nil
		}},
		{&roadmapv1.Initiative{}, IndexInitiativeDependsOn, func(o client.Object) []string {
			keys := readiness.DependsOnKeys(o.(*roadmapv1.Initiative))
			out := make([]string, len(keys))
			for i, k := range keys {
				out[i] = k.String()
			}
			return out
		}},
	}
	for _, ix := range indexes {
		if err := indexer.IndexField(ctx, ix.obj, ix.field, ix.extract); err != nil {
			return fmt.Errorf("indexing %T by %s: %w", ix.obj, ix.field, err)
		}
	}
	return nil
}

// checkKeys applies key to every check of a capability, each distinct value once.
func checkKeys(c *roadmapv1.Capability, key func(roadmapv1.CheckReference) string) []string {
	var out []string
	for _, ref := range c.Spec.Checks {
		if k := key(ref); !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func names(refs []roadmapv1.ResourceName) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = string(r)
	}
	return out
}

// requestsFor lists the objects whose index field matches value and returns a reconcile request for each.
func requestsFor(ctx context.Context, c client.Reader, list client.ObjectList, field, value string) []reconcile.Request {
	// Only the keys are read, so the cached objects are not deep-copied: at 10,000 dependents the copies were
	// most of the time between a capability's flip and its first dependent's reconcile.
	if err := c.List(ctx, list, client.MatchingFields{field: value}, client.UnsafeDisableDeepCopy); err != nil {
		// The cache is local, so this only fails when the index is missing: a programming error, logged loudly.
		ctrl.LoggerFrom(ctx).Error(err, "listing dependents from the cache", "index", field, "value", value)
		return nil
	}
	var reqs []reconcile.Request
	_ = apimeta.EachListItem(list, func(o runtime.Object) error {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(o.(client.Object))})
		return nil
	})
	return reqs
}

// providersOf lists, from the cache, the initiatives that provide a capability, sorted by namespace and name.
func providersOf(ctx context.Context, c client.Reader, capability string) ([]roadmap.Provider, error) {
	list := &roadmapv1.InitiativeList{}
	if err := c.List(ctx, list, client.MatchingFields{IndexInitiativeProvides: capability}); err != nil {
		return nil, fmt.Errorf("listing initiatives that provide %q: %w", capability, err)
	}
	providers := make([]roadmap.Provider, 0, len(list.Items))
	for _, i := range list.Items {
		providers = append(providers, roadmap.Provider{Namespace: i.Namespace, Name: i.Name,
			TargetDate: i.Spec.TargetDate, State: i.Spec.State})
	}
	roadmap.SortProviders(providers)
	return providers, nil
}

// providedCapabilities maps an initiative to the capabilities it provides.
func providedCapabilities(_ context.Context, o client.Object) []reconcile.Request {
	ini, ok := o.(*roadmapv1.Initiative)
	if !ok {
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(ini.Spec.Provides))
	for _, name := range ini.Spec.Provides {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKey{Name: string(name)}})
	}
	return reqs
}

// providerViewChanged passes creations, deletions, and updates of an initiative that change what it says as a
// provider: what it provides, when, and whether it is still under way.
var providerViewChanged = forKind(predicate.TypedFuncs[*roadmapv1.Initiative]{
	UpdateFunc: func(e event.TypedUpdateEvent[*roadmapv1.Initiative]) bool {
		o, n := e.ObjectOld, e.ObjectNew
		return !slices.Equal(o.Spec.Provides, n.Spec.Provides) || o.Spec.TargetDate != n.Spec.TargetDate ||
			o.Spec.State != n.Spec.State
	},
	GenericFunc: func(event.TypedGenericEvent[*roadmapv1.Initiative]) bool { return false },
})
