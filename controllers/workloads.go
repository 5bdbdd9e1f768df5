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
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// Workloads traced to the roadmap (docs/workloads.md): the operator watches the workload kinds as metadata only
// (no spec, no status in the cache) and reads the label roadmap.dev/initiative.

// +kubebuilder:rbac:groups=apps,resources=deployments;statefulsets;daemonsets,verbs=get;list;watch
// +kubebuilder:rbac:groups=batch,resources=jobs;cronjobs,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch

// IndexWorkloadInitiative indexes workloads (metadata) by the value of their label roadmap.dev/initiative.
const IndexWorkloadInitiative = "metadata.labels.initiative"

// DefaultWorkloadKinds are the kinds traced without --workload-kinds.
var DefaultWorkloadKinds = workloads.DefaultKinds

// ParseWorkloadKinds reads the value of --workload-kinds: a comma-separated list of Kind.version.group (as in
// Rollout.v1alpha1.argoproj.io), added to DefaultWorkloadKinds.
func ParseWorkloadKinds(value string) ([]schema.GroupVersionKind, error) {
	kinds := append([]schema.GroupVersionKind(nil), DefaultWorkloadKinds...)
	for _, arg := range strings.Split(value, ",") {
		arg = strings.TrimSpace(arg)
		if arg == "" {
			continue
		}
		gvk, _ := schema.ParseKindArg(arg)
		if gvk == nil || gvk.Kind == "" || gvk.Version == "" {
			return nil, fmt.Errorf("--workload-kinds: %q is not Kind.version.group (e.g. Rollout.v1alpha1.argoproj.io)", arg)
		}
		if !containsGVK(kinds, *gvk) {
			kinds = append(kinds, *gvk)
		}
	}
	return kinds, nil
}

func containsGVK(kinds []schema.GroupVersionKind, gvk schema.GroupVersionKind) bool {
	for _, k := range kinds {
		if k == gvk {
			return true
		}
	}
	return false
}

// workloadKindName names a workload kind in statuses and reports.
func workloadKindName(gvk schema.GroupVersionKind) string { return workloads.KindName(gvk) }

// servedWorkloadKinds keeps the kinds the apiserver serves; the others are logged and left out, so that a kind
// named by --workload-kinds whose CRD is not installed does not stop the manager.
func servedWorkloadKinds(mgr ctrl.Manager, kinds []schema.GroupVersionKind) []schema.GroupVersionKind {
	var served []schema.GroupVersionKind
	for _, gvk := range kinds {
		if _, err := mgr.GetRESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
			mgr.GetLogger().Error(err, "workload kind not served: not traced", "kind", gvk.String())
			continue
		}
		served = append(served, gvk)
	}
	return served
}

// setupWorkloadIndexes indexes each workload kind by its initiative label, so an initiative finds its own
// workloads with one indexed lookup however many workloads its namespace holds.
func setupWorkloadIndexes(ctx context.Context, indexer client.FieldIndexer, kinds []schema.GroupVersionKind) error {
	for _, gvk := range kinds {
		if err := indexer.IndexField(ctx, workloads.Metadata(gvk), IndexWorkloadInitiative, func(o client.Object) []string {
			if v, ok := o.GetLabels()[roadmapv1.LabelInitiative]; ok {
				return []string{v}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("indexing %s by label %s: %w", gvk, roadmapv1.LabelInitiative, err)
		}
	}
	return nil
}

// workloadOf reads a workload's metadata into what the roadmap knows of it.
func workloadOf(kind string, o client.Object) workloads.Workload {
	value, labelled := o.GetLabels()[roadmapv1.LabelInitiative]
	return workloads.Workload{Kind: kind, Namespace: o.GetNamespace(), Name: o.GetName(), Initiative: value,
		Labelled: labelled, BreakGlass: o.GetAnnotations()[roadmapv1.AnnotationBreakGlass],
		Controlled: metav1.GetControllerOfNoCopy(o) != nil}
}

// workloadsOf lists, from the cache, the workloads labelled for an initiative, of every traced kind.
func workloadsOf(ctx context.Context, c client.Reader, kinds []schema.GroupVersionKind, namespace, name string) (
	[]workloads.Workload, error) {
	var out []workloads.Workload
	for _, gvk := range kinds {
		list := workloads.MetadataList(gvk)
		if err := c.List(ctx, list, client.InNamespace(namespace), client.MatchingFields{IndexWorkloadInitiative: name},
			client.UnsafeDisableDeepCopy); err != nil {
			return nil, fmt.Errorf("listing %s workloads of initiative %s/%s: %w", gvk.Kind, namespace, name, err)
		}
		for i := range list.Items {
			out = append(out, workloadOf(workloadKindName(gvk), &list.Items[i]))
		}
	}
	return out, nil
}

// initiativeOfWorkload maps a workload to the initiative its label names, in its namespace: exactly one request,
// or none for an unlabelled workload or a label that is not a name (reported as dangling instead). An update
// that changes the label is mapped from the old and the new object, so both initiatives are reconciled.
func initiativeOfWorkload(_ context.Context, o client.Object) []reconcile.Request {
	name, ok := o.GetLabels()[roadmapv1.LabelInitiative]
	if !ok || workloads.InitiativeName(name) != nil {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: o.GetNamespace(), Name: name}}}
}

// workloadLinkChanged passes creations, deletions and the updates that change what an initiative reads of a
// workload: its label. Scale, rollouts and status changes of a workload cost nothing.
var workloadLinkChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		return e.ObjectOld.GetLabels()[roadmapv1.LabelInitiative] != e.ObjectNew.GetLabels()[roadmapv1.LabelInitiative]
	},
	GenericFunc: func(event.GenericEvent) bool { return false },
}

// watchWorkloads adds the metadata-only watches of the workload kinds to an initiative controller.
func watchWorkloads(b *builder.Builder, kinds []schema.GroupVersionKind) *builder.Builder {
	for _, gvk := range kinds {
		b = b.Watches(workloads.Metadata(gvk), handler.EnqueueRequestsFromMapFunc(initiativeOfWorkload),
			builder.WithPredicates(workloadLinkChanged), builder.OnlyMetadata)
	}
	return b
}
