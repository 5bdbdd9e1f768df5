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
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/metrics"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// WorkloadAuditReconciler reports, per namespace that opts in with the label roadmap.dev/workloads, the
// workloads the roadmap does not explain (untraced and dangling) as metrics, and records an event for each
// workload let past the admission gate with the break-glass annotation. A request is a namespace.
type WorkloadAuditReconciler struct {
	client.Client
	Recorder      events.EventRecorder
	WorkloadKinds []schema.GroupVersionKind

	mu sync.Mutex
	// breakGlassSeen holds the workloads whose break-glass annotation has had its event, by UID and value.
	breakGlassSeen map[types.UID]string
}

// Reconcile classifies the namespace's workloads and sets its gauges.
func (r *WorkloadAuditReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ns := workloads.Metadata(workloads.NamespaceGVK)
	err := r.Get(ctx, client.ObjectKey{Name: req.Name}, ns)
	if apierrors.IsNotFound(err) {
		r.forget(req.Name)
		return ctrl.Result{}, nil
	}
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reading namespace %s: %w", req.Name, err)
	}
	value, labelled := ns.Labels[roadmapv1.LabelWorkloads]
	if !labelled {
		r.forget(req.Name)
		return ctrl.Result{}, nil
	}
	mode, modeErr := workloads.ParseMode(value, labelled)
	if modeErr != nil {
		ctrl.LoggerFrom(ctx).Info("namespace label has an unknown mode", "namespace", req.Name, "problem", modeErr.Error())
	}
	var ws []workloads.Workload
	for _, gvk := range r.WorkloadKinds {
		list := workloads.MetadataList(gvk)
		if err := r.List(ctx, list, client.InNamespace(req.Name)); err != nil {
			return ctrl.Result{}, fmt.Errorf("listing %s in namespace %s: %w", gvk.Kind, req.Name, err)
		}
		for i := range list.Items {
			item := &list.Items[i]
			w := workloadOf(workloadKindName(gvk), item)
			ws = append(ws, w)
			if w.BreakGlass != "" && !w.Controlled {
				item.SetGroupVersionKind(gvk)
				r.recordBreakGlass(item, w)
			}
		}
	}
	inis := &roadmapv1.InitiativeList{}
	if err := r.List(ctx, inis, client.InNamespace(req.Name)); err != nil {
		return ctrl.Result{}, fmt.Errorf("listing initiatives in namespace %s: %w", req.Name, err)
	}
	states := make(map[string]roadmapv1.InitiativeState, len(inis.Items))
	for _, ini := range inis.Items {
		states[ini.Name] = ini.Spec.State
	}
	report := workloads.Classify(req.Name, mode, modeErr, ws, states)
	metrics.WorkloadsUntraced.WithLabelValues(req.Name).Set(float64(len(report.Untraced)))
	metrics.WorkloadsDangling.WithLabelValues(req.Name).Set(float64(len(report.Dangling)))
	metrics.WorkloadsBreakGlass.WithLabelValues(req.Name).Set(float64(len(report.BreakGlass)))
	return ctrl.Result{}, nil
}

// forget drops the gauges of a namespace that no longer opts in.
func (r *WorkloadAuditReconciler) forget(namespace string) {
	metrics.WorkloadsUntraced.DeleteLabelValues(namespace)
	metrics.WorkloadsDangling.DeleteLabelValues(namespace)
	metrics.WorkloadsBreakGlass.DeleteLabelValues(namespace)
}

// recordBreakGlass records one Warning event on a workload the first time this manager sees its break-glass
// annotation (or a new value of it): the incident is on record next to the apiserver's audit annotation.
func (r *WorkloadAuditReconciler) recordBreakGlass(o *metav1.PartialObjectMetadata, w workloads.Workload) {
	r.mu.Lock()
	if r.breakGlassSeen == nil {
		r.breakGlassSeen = map[types.UID]string{}
	}
	seen := r.breakGlassSeen[o.UID] == w.BreakGlass
	r.breakGlassSeen[o.UID] = w.BreakGlass
	r.mu.Unlock()
	if seen || r.Recorder == nil {
		return
	}
	r.Recorder.Eventf(o, nil, "Warning", "BreakGlass", "Admit",
		"%s admitted past the roadmap gate with %s: %s", w.Kind+" "+w.Name, roadmapv1.AnnotationBreakGlass, w.BreakGlass)
}

// SetupWithManager watches namespaces (their label roadmap.dev/workloads), the workloads in them and the
// initiatives, all mapped to their namespace.
func (r *WorkloadAuditReconciler) SetupWithManager(mgr ctrl.Manager) error {
	toNamespace := handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: o.GetNamespace()}}}
	})
	b := ctrl.NewControllerManagedBy(mgr).
		Named("workload-audit").
		For(workloads.Metadata(workloads.NamespaceGVK), builder.OnlyMetadata, builder.WithPredicates(predicate.Funcs{
			UpdateFunc: func(e event.UpdateEvent) bool {
				return e.ObjectOld.GetLabels()[roadmapv1.LabelWorkloads] != e.ObjectNew.GetLabels()[roadmapv1.LabelWorkloads]
			},
		})).
		Watches(&roadmapv1.Initiative{}, toNamespace, builder.WithPredicates(forKind(predicate.TypedFuncs[*roadmapv1.Initiative]{
			UpdateFunc: func(e event.TypedUpdateEvent[*roadmapv1.Initiative]) bool {
				return e.ObjectOld.Spec.State != e.ObjectNew.Spec.State
			},
		})))
	for _, gvk := range r.WorkloadKinds {
		b = b.Watches(workloads.Metadata(gvk), toNamespace, builder.OnlyMetadata, builder.WithPredicates(predicate.Funcs{
			UpdateFunc: func(e event.UpdateEvent) bool {
				o, n := e.ObjectOld, e.ObjectNew
				return o.GetLabels()[roadmapv1.LabelInitiative] != n.GetLabels()[roadmapv1.LabelInitiative] ||
					o.GetAnnotations()[roadmapv1.AnnotationBreakGlass] != n.GetAnnotations()[roadmapv1.AnnotationBreakGlass]
			},
		}))
	}
	return b.Complete(r)
}
