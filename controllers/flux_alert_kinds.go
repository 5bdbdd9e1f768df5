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
	"sync/atomic"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/roadmap-operator/roadmap-operator/internal/fluxalert"
)

// FluxAlertKindsReconciler keeps Capability, Initiative and Goal in the kinds Flux's Alert CRD accepts
// (--flux-alert-kinds): on start, and whenever the CRD changes, since every Flux upgrade (and every reconcile of
// flux-system that finds the CRD drifted) applies Flux's own enum again and drops them. It adds only the kinds
// that are missing, so a CRD that already has them (the config/flux component did it, or this did) costs
// nothing: the controller and Flux never patch back and forth faster than Flux applies. Its only request is the
// one CRD.
type FluxAlertKindsReconciler struct {
	// Client writes the patch.
	Client client.Client
	// CRDs is the cache of Flux's Alert CRD alone (NewFluxAlertCRDCache): the controller reads and watches it.
	CRDs cache.Cache

	// absentSaid is set once the absence of the CRD has been logged, so a cluster without Flux hears of it once.
	absentSaid atomic.Bool
}

// fluxAlertCRDRequest is the one request of the flux-alert-kinds controller.
var fluxAlertCRDRequest = reconcile.Request{NamespacedName: types.NamespacedName{Name: fluxalert.CRDName}}

// Reconcile adds the kinds the Alert CRD's served versions lack, with one JSON patch guarded by the
// resourceVersion it was computed from.
func (r *FluxAlertKindsReconciler) Reconcile(ctx context.Context, _ ctrl.Request) (ctrl.Result, error) {
	log := ctrl.LoggerFrom(ctx)
	crd := &apiextensionsv1.CustomResourceDefinition{}
	err := r.CRDs.Get(ctx, client.ObjectKey{Name: fluxalert.CRDName}, crd)
	if apierrors.IsNotFound(err) {
		// Flux is not installed (yet): its CRD's creation is a watch event, which brings us back.
		if !r.absentSaid.Swap(true) {
			log.Info("Flux's Alert CRD is not installed; the roadmap kinds are added when it is", "crd", fluxalert.CRDName)
		}
		return ctrl.Result{}, nil
	}
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reading CRD %s: %w", fluxalert.CRDName, err)
	}
	r.absentSaid.Store(false)
	missing, err := fluxalert.MissingKinds(crd, fluxalert.Kinds)
	if err != nil {
		// Only a new version of the CRD can change this: its watch event will.
		return ctrl.Result{}, reconcile.TerminalError(err)
	}
	patch, err := fluxalert.Patch(crd.ResourceVersion, missing)
	if err != nil || patch == nil {
		return ctrl.Result{}, err
	}
	// Refused (422) when the CRD changed since the cache's copy: the retry reads the newer copy.
	if err := r.Client.Patch(ctx, crd, client.RawPatch(types.JSONPatchType, patch)); err != nil {
		return ctrl.Result{}, fmt.Errorf("adding the roadmap kinds to CRD %s: %w", fluxalert.CRDName, err)
	}
	for _, m := range missing {
		log.Info("Added the roadmap kinds to the kinds Flux's Alert accepts", "crd", fluxalert.CRDName,
			"version", m.Version, "kinds", m.Kinds)
	}
	return ctrl.Result{}, nil
}

// NewFluxAlertCRDCache is a cache of Flux's Alert CRD alone: it lists and watches CustomResourceDefinitions with
// the field selector metadata.name, which RBAC allows with a rule limited to that one name (resourceNames), so
// the manager needs no right on any other CRD. It is started with the manager.
func NewFluxAlertCRDCache(mgr ctrl.Manager) (cache.Cache, error) {
	c, err := cache.New(mgr.GetConfig(), cache.Options{
		HTTPClient: mgr.GetHTTPClient(),
		Scheme:     mgr.GetScheme(),
		Mapper:     mgr.GetRESTMapper(),
		ByObject: map[client.Object]cache.ByObject{
			&apiextensionsv1.CustomResourceDefinition{}: {Field: fields.OneTermEqualSelector("metadata.name", fluxalert.CRDName)},
		},
		DefaultTransform: cache.TransformStripManagedFields(),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the cache of CRD %s: %w", fluxalert.CRDName, err)
	}
	if err := mgr.Add(c); err != nil {
		return nil, fmt.Errorf("adding the cache of CRD %s: %w", fluxalert.CRDName, err)
	}
	return c, nil
}

// SetupWithManager watches the CRD in r.CRDs (its creation, deletion and spec changes) and reconciles once on
// start, so that a cluster without Flux is told why nothing happens.
func (r *FluxAlertKindsReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("flux-alert-kinds").
		WatchesRawSource(source.Kind(r.CRDs, &apiextensionsv1.CustomResourceDefinition{},
			handler.TypedEnqueueRequestsFromMapFunc(func(context.Context, *apiextensionsv1.CustomResourceDefinition) []reconcile.Request {
				return []reconcile.Request{fluxAlertCRDRequest}
			}),
			predicate.TypedGenerationChangedPredicate[*apiextensionsv1.CustomResourceDefinition]{})).
		WatchesRawSource(source.Func(func(_ context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
			q.Add(fluxAlertCRDRequest)
			return nil
		})).
		Complete(r)
}
