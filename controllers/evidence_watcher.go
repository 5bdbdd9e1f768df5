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
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/evidence"
)

// EvidenceWatcher watches the kinds that capabilities name in spec.checks. It starts a dynamic informer for a
// kind the first time a capability references it, stops it when no capability references it any more, and turns
// every health change of a referenced object into an event for exactly the capabilities that name it. There is
// no polling: a capability learns that its Deployment became available from the Deployment's own watch event.
//
// It is a manager Runnable: informers live as long as the manager, not as long as one reconcile.
type EvidenceWatcher struct {
	mapper  meta.RESTMapper
	dynamic dynamic.Interface
	// capabilities reads capabilities through the manager's cache indexes.
	capabilities client.Reader
	// Events carries the capabilities to reconcile; the capability controller consumes it as a channel source.
	Events chan event.GenericEvent
	log    logr.Logger

	started chan struct{}
	ctx     context.Context

	mu    sync.Mutex
	kinds map[schema.GroupVersionKind]*kindWatch
}

// syncTimeout bounds how long a reconcile waits for a new watch's first list; a slower list is reported as
// Unknown and re-evaluated when it completes.
const syncTimeout = 10 * time.Second

type kindWatch struct {
	resource string // e.g. deployments.apps, for messages
	informer toolscache.SharedIndexInformer
	cancel   context.CancelFunc
	// denied is set when listing or watching the kind was forbidden, and cleared when it lists again.
	denied atomic.Bool
}

// NewEvidenceWatcher creates a watcher; add it to the manager with mgr.Add.
func NewEvidenceWatcher(mapper meta.RESTMapper, dyn dynamic.Interface, capabilities client.Reader, log logr.Logger) *EvidenceWatcher {
	return &EvidenceWatcher{
		mapper: mapper, dynamic: dyn, capabilities: capabilities, log: log,
		Events:  make(chan event.GenericEvent, 1024),
		started: make(chan struct{}),
		kinds:   map[schema.GroupVersionKind]*kindWatch{},
	}
}

// Start records the manager's context for the informers and blocks until it ends.
func (w *EvidenceWatcher) Start(ctx context.Context) error {
	w.ctx = ctx
	close(w.started)
	<-ctx.Done()
	w.mu.Lock()
	defer w.mu.Unlock()
	for gvk := range w.kinds {
		evidenceWatches.DeleteLabelValues(gvk.String())
	}
	return nil
}

// Observe returns what is known about a check's object, starting the watch on its kind if needed.
func (w *EvidenceWatcher) Observe(ctx context.Context, ref roadmapv1.CheckReference) (evidence.Observation, error) {
	select {
	case <-w.started:
	case <-ctx.Done():
		return evidence.Observation{}, ctx.Err()
	}
	gvk := schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind)
	kw, err := w.ensure(gvk)
	switch {
	case meta.IsNoMatchError(err):
		// Discovery lags a CRD's Established condition a little: if a CRD serving the kind is already there, this
		// is not KindNotFound but a moment to wait, so fail the reconcile and let it retry.
		if crd, ok, crdErr := w.establishedCRD(ctx, gvk); crdErr != nil {
			return evidence.Observation{}, crdErr
		} else if ok {
			return evidence.Observation{}, fmt.Errorf("CRD %s serves %s but discovery does not list it yet", crd, gvk)
		}
		return evidence.Observation{KindMissing: true}, nil
	case err != nil:
		return evidence.Observation{}, err
	}
	// A new watch lists its kind first. Waiting (briefly) for that list makes the first evaluation the right one,
	// so a restarted manager writes no transient "waiting" status over a settled cluster.
	_ = wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, syncTimeout, true, func(context.Context) (bool, error) {
		return kw.informer.HasSynced() || kw.denied.Load(), nil
	})
	obs := evidence.Observation{Resource: kw.resource, AccessDenied: kw.denied.Load(), Synced: kw.informer.HasSynced()}
	if !obs.Synced || obs.AccessDenied {
		return obs, nil
	}
	key := string(ref.Name)
	if ref.Namespace != "" {
		key = ref.Namespace + "/" + key
	}
	item, exists, err := kw.informer.GetIndexer().GetByKey(key)
	if err != nil {
		return obs, fmt.Errorf("reading %s %s from the watch: %w", ref.Kind, key, err)
	}
	if exists {
		obs.Object = item.(*unstructured.Unstructured)
	}
	return obs, nil
}

// establishedCRD finds an Established CRD that serves a kind, from the manager's cache.
func (w *EvidenceWatcher) establishedCRD(ctx context.Context, gvk schema.GroupVersionKind) (string, bool, error) {
	crds := &apiextensionsv1.CustomResourceDefinitionList{}
	if err := w.capabilities.List(ctx, crds); err != nil {
		return "", false, fmt.Errorf("listing CustomResourceDefinitions: %w", err)
	}
	for _, crd := range crds.Items {
		if crd.Spec.Group != gvk.Group || crd.Spec.Names.Kind != gvk.Kind {
			continue
		}
		for _, c := range crd.Status.Conditions {
			if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
				return crd.Name, true, nil
			}
		}
	}
	return "", false, nil
}

// ensure returns the watch on a kind, starting it if this is the first reference.
func (w *EvidenceWatcher) ensure(gvk schema.GroupVersionKind) (*kindWatch, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if kw, ok := w.kinds[gvk]; ok {
		return kw, nil
	}
	mapping, err := w.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, err
	}
	informer := dynamicinformer.NewFilteredDynamicInformer(w.dynamic, mapping.Resource, metav1.NamespaceAll, 0,
		toolscache.Indexers{}, nil).Informer()
	kw := &kindWatch{resource: mapping.Resource.GroupResource().String(), informer: informer}
	if err := informer.SetTransform(stripManagedFields); err != nil {
		return nil, fmt.Errorf("configuring the watch on %s: %w", gvk, err)
	}
	if err := informer.SetWatchErrorHandlerWithContext(func(ctx context.Context, r *toolscache.Reflector, err error) {
		if apierrors.IsForbidden(err) {
			if !kw.denied.Swap(true) {
				w.log.Info("access to an evidence kind is denied", "kind", gvk.String(), "error", err.Error())
				w.enqueueKind(gvk)
			}
			return
		}
		toolscache.DefaultWatchErrorHandler(ctx, r, err)
	}); err != nil {
		return nil, fmt.Errorf("configuring the watch on %s: %w", gvk, err)
	}
	if _, err := informer.AddEventHandler(w.handler(gvk, kw)); err != nil {
		return nil, fmt.Errorf("configuring the watch on %s: %w", gvk, err)
	}
	ctx, cancel := context.WithCancel(w.ctx)
	kw.cancel = cancel
	go informer.RunWithContext(ctx)
	// Capabilities evaluated before the first list saw "waiting to sync"; tell them when it is done, including
	// those whose object does not exist and so gets no event of its own.
	go func() {
		if toolscache.WaitForCacheSync(ctx.Done(), informer.HasSynced) {
			kw.denied.Store(false)
			w.enqueueKind(gvk)
		}
	}()
	w.kinds[gvk] = kw
	evidenceWatches.WithLabelValues(gvk.String()).Set(1)
	w.log.V(1).Info("watching evidence kind", "kind", gvk.String())
	return kw, nil
}

// Prune stops the watches on kinds no capability references any more.
func (w *EvidenceWatcher) Prune(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for gvk, kw := range w.kinds {
		list := &roadmapv1.CapabilityList{}
		if err := w.capabilities.List(ctx, list, client.MatchingFields{IndexCapabilityCheckKind: gvk.String()}); err != nil {
			return fmt.Errorf("listing capabilities that check %s: %w", gvk, err)
		}
		if len(list.Items) == 0 {
			kw.cancel()
			delete(w.kinds, gvk)
			evidenceWatches.DeleteLabelValues(gvk.String())
			w.log.V(1).Info("stopped watching evidence kind", "kind", gvk.String())
		}
	}
	return nil
}

// Watching reports whether the watcher runs an informer for a kind (for tests and metrics).
func (w *EvidenceWatcher) Watching(gvk schema.GroupVersionKind) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := w.kinds[gvk]
	return ok
}

// handler maps events on objects of a kind to the capabilities that check them. Updates count only when the
// object's kstatus result changes: a Deployment's status heartbeat does not wake anybody.
func (w *EvidenceWatcher) handler(gvk schema.GroupVersionKind, kw *kindWatch) toolscache.ResourceEventHandler {
	enqueue := func(obj interface{}) {
		if tombstone, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
			obj = tombstone.Obj
		}
		u, ok := obj.(*unstructured.Unstructured)
		if !ok {
			return
		}
		kw.denied.Store(false)
		w.enqueue(IndexCapabilityCheck, CheckKey(gvk, u.GetNamespace(), u.GetName()))
	}
	return toolscache.ResourceEventHandlerFuncs{
		AddFunc: enqueue,
		UpdateFunc: func(oldObj, newObj interface{}) {
			o, okOld := oldObj.(*unstructured.Unstructured)
			n, okNew := newObj.(*unstructured.Unstructured)
			if okOld && okNew && sameHealth(o, n) {
				return
			}
			enqueue(newObj)
		},
		DeleteFunc: enqueue,
	}
}

func sameHealth(a, b *unstructured.Unstructured) bool {
	ra, errA := status.Compute(a)
	rb, errB := status.Compute(b)
	return errA == nil && errB == nil && ra.Status == rb.Status && ra.Message == rb.Message
}

func (w *EvidenceWatcher) enqueueKind(gvk schema.GroupVersionKind) {
	w.enqueue(IndexCapabilityCheckKind, gvk.String())
}

func (w *EvidenceWatcher) enqueue(index, value string) {
	list := &roadmapv1.CapabilityList{}
	if err := w.capabilities.List(context.Background(), list, client.MatchingFields{index: value}); err != nil {
		w.log.Error(err, "listing capabilities for an evidence event", "index", index, "value", value)
		return
	}
	for i := range list.Items {
		w.Events <- event.GenericEvent{Object: &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: list.Items[i].Name}}}
	}
}

// CheckKey identifies a check's object across kinds: group/version/kind/namespace/name.
func CheckKey(gvk schema.GroupVersionKind, namespace, name string) string {
	return gvk.String() + "/" + namespace + "/" + name
}

// checkGVK is the kind a check names.
func checkGVK(ref roadmapv1.CheckReference) schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind)
}

func stripManagedFields(obj interface{}) (interface{}, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		u.SetManagedFields(nil)
	}
	return obj, nil
}
