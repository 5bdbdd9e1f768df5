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

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// +kubebuilder:rbac:groups=roadmap.dev,resources=initiativeindexes,verbs=get;list;watch;create;delete
// +kubebuilder:rbac:groups=roadmap.dev,resources=initiativeindexes/status,verbs=get;update;patch

// InitiativeIndexReconciler keeps, in each namespace labelled roadmap.dev/workloads, the InitiativeIndex the
// workload gate reads (docs/workloads.md): the namespace's initiatives as this operator last saw them. It
// creates the index when a namespace opts in, rewrites it when an initiative is created, deleted or
// re-evaluated, repairs it when anyone else changes or deletes it, and deletes it when the namespace opts out.
// A request is a namespace.
type InitiativeIndexReconciler struct {
	client.Client
	MaxConcurrentReconciles int
}

// Reconcile writes the namespace's index from the initiatives in the cache.
func (r *InitiativeIndexReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ns := workloads.Metadata(workloads.NamespaceGVK)
	if err := r.Get(ctx, client.ObjectKey{Name: req.Name}, ns); err != nil {
		// A namespace that is gone takes its index with it.
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	index := &roadmapv1.InitiativeIndex{}
	key := client.ObjectKey{Namespace: req.Name, Name: roadmapv1.InitiativeIndexName}
	err := r.Get(ctx, key, index)
	if err != nil && !apierrors.IsNotFound(err) {
		return ctrl.Result{}, fmt.Errorf("reading initiative index %s: %w", key, err)
	}
	exists := err == nil
	if _, optedIn := ns.Labels[roadmapv1.LabelWorkloads]; !optedIn {
		if exists {
			if err := r.Delete(ctx, index); client.IgnoreNotFound(err) != nil {
				return ctrl.Result{}, fmt.Errorf("deleting initiative index %s of a namespace that no longer opts in: %w", key, err)
			}
		}
		return ctrl.Result{}, nil
	}
	if !ns.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil // nothing may be created in a namespace being deleted
	}
	inis := &roadmapv1.InitiativeList{}
	if err := r.List(ctx, inis, client.InNamespace(req.Name), client.UnsafeDisableDeepCopy); err != nil {
		return ctrl.Result{}, fmt.Errorf("listing initiatives in namespace %s: %w", req.Name, err)
	}
	status, omitted := workloads.GateIndex(inis.Items)
	if omitted > 0 {
		ctrl.LoggerFrom(ctx).Error(nil, "namespace holds more initiatives than the index lists: the gate refuses the workloads of those left out",
			"namespace", req.Name, "initiatives", len(inis.Items), "indexed", roadmapv1.InitiativeIndexMaxEntries)
	}
	if !exists {
		// The status subresource ignores the status of a create: the index is created empty (the gate refuses
		// everything) and written just after.
		index = &roadmapv1.InitiativeIndex{ObjectMeta: metav1.ObjectMeta{Namespace: req.Name, Name: roadmapv1.InitiativeIndexName}}
		if err := r.Create(ctx, index); err != nil {
			if apierrors.IsAlreadyExists(err) {
				return ctrl.Result{}, nil // its watch event is on its way to the cache, and reconciles this again
			}
			return ctrl.Result{}, fmt.Errorf("creating initiative index %s: %w", key, err)
		}
	} else if equality.Semantic.DeepEqual(index.Status, status) {
		return ctrl.Result{}, nil
	}
	updated := index.DeepCopy()
	updated.Status = status
	return ctrl.Result{}, patchStatus(ctx, r.Client, nil, index, updated, nil)
}

// gateEntryChanged passes the initiative events that change what the gate reads of an initiative: its creation,
// its deletion, a new spec (not evaluated any more) and a new phase, evaluation or blockers.
var gateEntryChanged = forKind(predicate.TypedFuncs[*roadmapv1.Initiative]{
	UpdateFunc: func(e event.TypedUpdateEvent[*roadmapv1.Initiative]) bool {
		o, n := e.ObjectOld, e.ObjectNew
		return o.Generation != n.Generation || o.Status.ObservedGeneration != n.Status.ObservedGeneration ||
			o.Status.Phase != n.Status.Phase || !equality.Semantic.DeepEqual(o.Status.BlockedBy, n.Status.BlockedBy)
	},
})

// SetupWithManager watches namespaces (their label roadmap.dev/workloads), the initiatives and the indexes
// themselves (so that an index changed or deleted by anyone else is written again), all mapped to their
// namespace.
func (r *InitiativeIndexReconciler) SetupWithManager(mgr ctrl.Manager) error {
	toNamespace := handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: o.GetNamespace()}}}
	})
	return ctrl.NewControllerManagedBy(mgr).
		Named("initiative-index").
		WithOptions(controller.Options{MaxConcurrentReconciles: r.MaxConcurrentReconciles}).
		For(workloads.Metadata(workloads.NamespaceGVK), builder.OnlyMetadata, builder.WithPredicates(predicate.Funcs{
			UpdateFunc: func(e event.UpdateEvent) bool {
				return e.ObjectOld.GetLabels()[roadmapv1.LabelWorkloads] != e.ObjectNew.GetLabels()[roadmapv1.LabelWorkloads]
			},
			DeleteFunc: func(event.DeleteEvent) bool { return false },
		})).
		Watches(&roadmapv1.Initiative{}, toNamespace, builder.WithPredicates(gateEntryChanged)).
		Watches(&roadmapv1.InitiativeIndex{}, toNamespace).
		Complete(r)
}
