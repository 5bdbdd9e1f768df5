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

// Package evidencewatch watches the objects that capabilities name in spec.checks, in the operator's own cluster
// and in the clusters registered by kubeconfig Secrets, and tells the capability controller which capabilities
// to evaluate again when one of them changes health.
package evidencewatch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/evidence"
	"github.com/roadmap-operator/roadmap-operator/internal/fleet"
	"github.com/roadmap-operator/roadmap-operator/internal/metrics"
)

// Watcher watches exactly the objects that capabilities name in spec.checks, in the operator's own
// cluster and in the clusters registered by kubeconfig Secrets, and turns every health change of one of them into
// an event for exactly the capabilities that name it. There is no polling of objects: a capability learns that
// its Deployment became available from the Deployment's own watch event.
//
// Each named object gets its own informer, a list and watch restricted by a metadata.name field selector: the
// cost is one small object per check, whatever else the cluster holds (20,000 ConfigMaps next to the one checked
// cost nothing). Watches are reference counted by capability: Track records what a capability's checks name,
// starts the watches it is the first to name and stops those nobody names any more; Forget, called when a
// capability is deleted, drops its references. Neither lists anything, so no reconcile waits on another.
//
// Remote clusters are probed (GET /version) every probe interval while a check names them: a cluster that stops
// answering keeps its last known results for the grace period, then its checks fail with ClusterUnreachable; a
// probe that answers again re-evaluates them. Every remote call a reconcile makes has a timeout, so a dead
// cluster delays only the capabilities that check it, and only by that timeout, once.
//
// It is a manager Runnable: informers live as long as the manager (or until nobody names their object), not as
// long as one reconcile; every event send gives up when the manager stops.
type Watcher struct {
	local *clusterConn
	// capabilities reads CRDs (and capabilities) through the manager's cache.
	capabilities client.Reader
	// secrets reads the kubeconfig Secrets of the cluster secrets namespace (and nothing else).
	secrets client.Reader
	opts    Options
	// rateLimits sets the client rate limits on the REST config of a remote cluster.
	rateLimits func(*rest.Config)
	// Events carries the capabilities to reconcile; the capability controller consumes it as a channel source.
	Events chan event.GenericEvent
	log    logr.Logger
	now    func() time.Time

	started chan struct{}
	ctx     context.Context

	mu sync.Mutex
	// remotes are the connections to the clusters checks name, by Secret name.
	remotes map[string]*clusterConn
	watches map[watchKey]*objectWatch
	// refs are the watch keys each capability's checks name; holders the reverse.
	refs    map[string][]watchKey
	holders map[watchKey]map[string]struct{}
	// maxWatches bounds len(watches) (--max-evidence-watches); refused are the keys a watch was refused for,
	// whose checks are re-evaluated when a watch stops.
	maxWatches int
	refused    map[watchKey]struct{}
	// series counts the watches behind each (cluster, kind) series of roadmap_evidence_watches, so that a series
	// is deleted with its last watch.
	series map[[2]string]int
}

// watchKey identifies one watched object: a cluster (its Secret's name, empty for the local cluster), a kind,
// and the object's namespace and name.
type watchKey struct {
	cluster   string
	gvk       schema.GroupVersionKind
	namespace string
	name      string
}

func (k watchKey) storeKey() string {
	if k.namespace == "" {
		return k.name
	}
	return k.namespace + "/" + k.name
}

// syncTimeout bounds how long a reconcile waits for a new local watch's first list; a slower list is reported as
// Unknown and re-evaluated when it completes.
const syncTimeout = 10 * time.Second

type objectWatch struct {
	resource string // e.g. deployments.apps, for messages
	informer toolscache.SharedIndexInformer
	cancel   context.CancelFunc
	// denied is set when listing or watching the object was forbidden, and cleared when it lists again.
	denied atomic.Bool
	// failed is set when listing or watching the object in a remote cluster failed otherwise (the cluster
	// answered garbage, say), and cleared when it lists again.
	failed atomic.Pointer[discoveryFailure]
}

// New creates a watcher; add it to the manager with mgr.Add. local is the manager's own cluster;
// secrets reads Secrets in opts.ClusterSecretsNamespace; rateLimits (nil: none) sets the client rate limits on
// the REST config of each remote cluster, as on the manager's own.
func New(mapper meta.RESTMapper, dyn dynamic.Interface, capabilities, secrets client.Reader,
	opts Options, rateLimits func(*rest.Config), log logr.Logger) *Watcher {
	maxWatches := opts.MaxWatches
	if maxWatches <= 0 {
		maxWatches = fleet.MaxWatchesFor(fleet.MemoryLimit())
	}
	return &Watcher{
		local:        &clusterConn{dynamic: dyn, mapper: mapper},
		capabilities: capabilities, secrets: secrets, opts: opts, rateLimits: rateLimits, log: log, now: time.Now,
		Events:  make(chan event.GenericEvent, 1024),
		started: make(chan struct{}),
		remotes: map[string]*clusterConn{},
		watches: map[watchKey]*objectWatch{},
		refs:    map[string][]watchKey{},
		holders: map[watchKey]map[string]struct{}{},
		refused: map[watchKey]struct{}{},
		series:  map[[2]string]int{},

		maxWatches: maxWatches,
	}
}

// MaxWatches is the limit on evidence watches in force.
func (w *Watcher) MaxWatches() int { return w.maxWatches }

// Start records the manager's context for the informers and blocks until it ends.
func (w *Watcher) Start(ctx context.Context) error {
	w.ctx = ctx
	close(w.started)
	<-ctx.Done()
	w.mu.Lock()
	defer w.mu.Unlock()
	for key := range w.watches {
		w.stopWatchLocked(key)
	}
	for name, conn := range w.remotes {
		conn.stop()
		delete(w.remotes, name)
	}
	return nil
}

// target is one cluster a check looks in: the Secret that registers it ("" for the local cluster) and its name.
type target struct{ secret, name string }

// Evaluate computes the result of every (check, cluster) pair of a capability, in spec order and then by cluster
// name, and records what the checks name. requeueAfter is non-zero when a result stands only for a grace period.
func (w *Watcher) Evaluate(ctx context.Context, c *roadmapv1.Capability) (_ []roadmapv1.CheckStatus,
	requeueAfter time.Duration, _ error) {
	select {
	case <-w.started:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	type pair struct {
		ref    roadmapv1.CheckReference
		target target
		// result is set when the check fails before any cluster is looked at.
		result *roadmapv1.CheckStatus
	}
	var pairs []pair
	var keys []watchKey
	for _, ref := range c.Spec.Checks {
		targets, problem, err := w.targets(ctx, ref)
		if err != nil {
			return nil, 0, err
		}
		if problem != "" {
			pairs = append(pairs, pair{ref: ref, result: &roadmapv1.CheckStatus{APIVersion: ref.APIVersion,
				Kind: ref.Kind, Namespace: ref.Namespace, Name: string(ref.Name),
				Reason: roadmapv1.CheckReasonNoClusterSelected, Message: problem}})
			continue
		}
		for _, t := range targets {
			pairs = append(pairs, pair{ref: ref, target: t})
			keys = append(keys, watchKey{cluster: t.secret, gvk: CheckGVK(ref), namespace: ref.Namespace, name: string(ref.Name)})
		}
	}
	w.Track(c.Name, keys)

	last := map[string]*roadmapv1.CheckStatus{}
	for i := range c.Status.Checks {
		st := &c.Status.Checks[i]
		last[resultKey(st.Cluster, st.APIVersion, st.Kind, st.Namespace, st.Name)] = st
	}
	results := make([]roadmapv1.CheckStatus, 0, len(pairs))
	for _, p := range pairs {
		if p.result != nil {
			results = append(results, *p.result)
			continue
		}
		obs, retry, err := w.observe(ctx, p.ref, p.target)
		if err != nil {
			return nil, 0, fmt.Errorf("observing check %s %s/%s in cluster %q: %w", p.ref.Kind, p.ref.Namespace,
				p.ref.Name, p.target.name, err)
		}
		if obs.Unreachable != nil {
			obs.Unreachable.Last = last[resultKey(p.target.name, p.ref.APIVersion, p.ref.Kind, p.ref.Namespace, string(p.ref.Name))]
		}
		st := evidence.Evaluate(p.ref, obs)
		if until, ok := evidence.StaleUntil(obs); ok {
			if d := until.Sub(w.now()) + time.Second; requeueAfter == 0 || d < requeueAfter {
				requeueAfter = d
			}
		}
		if retry && (requeueAfter == 0 || w.opts.ClusterProbeInterval < requeueAfter) {
			// Nothing else tells when discovery works again: try again at the probe interval.
			requeueAfter = w.opts.ClusterProbeInterval
		}
		results = append(results, st)
	}
	return results, requeueAfter, nil
}

func resultKey(cluster, apiVersion, kind, namespace, name string) string {
	return cluster + "\x00" + apiVersion + "\x00" + kind + "\x00" + namespace + "\x00" + name
}

// targets lists the clusters a check looks in. problem explains a check that selects no cluster.
func (w *Watcher) targets(ctx context.Context, ref roadmapv1.CheckReference) (_ []target, problem string, _ error) {
	switch {
	case ref.Cluster != nil:
		name := string(ref.Cluster.SecretRef.Name)
		secret, err := w.clusterSecret(ctx, name)
		switch {
		case apierrors.IsNotFound(err):
			return []target{{secret: name, name: name}}, "", nil
		case err != nil:
			return nil, "", fmt.Errorf("reading cluster Secret %s/%s: %w", w.opts.ClusterSecretsNamespace, name, err)
		}
		return []target{{secret: name, name: clusterName(secret)}}, "", nil
	case ref.Clusters != nil:
		selector, err := metav1.LabelSelectorAsSelector(ref.Clusters)
		if err != nil {
			return nil, "invalid clusters selector: " + err.Error(), nil
		}
		list := &corev1.SecretList{}
		if err := w.secrets.List(ctx, list, client.InNamespace(w.opts.ClusterSecretsNamespace),
			client.MatchingLabels{roadmapv1.ClusterLabel: "true"}); err != nil {
			return nil, "", fmt.Errorf("listing cluster Secrets in %s: %w", w.opts.ClusterSecretsNamespace, err)
		}
		var targets []target
		for i := range list.Items {
			if selector.Matches(labels.Set(list.Items[i].Labels)) {
				targets = append(targets, target{secret: list.Items[i].Name, name: clusterName(&list.Items[i])})
			}
		}
		if len(targets) == 0 {
			return nil, fmt.Sprintf("no cluster Secret in namespace %s carries the label %s=true and matches the "+
				"clusters selector %s", w.opts.ClusterSecretsNamespace, roadmapv1.ClusterLabel, selector), nil
		}
		slices.SortFunc(targets, func(a, b target) int {
			if a.name != b.name {
				if a.name < b.name {
					return -1
				}
				return 1
			}
			if a.secret < b.secret {
				return -1
			}
			return 1
		})
		return targets, "", nil
	}
	return []target{{}}, "", nil
}

// clusterName is the name a cluster is shown under: its Secret's roadmap.dev/cluster-name annotation, else the
// Secret's name.
func clusterName(s *corev1.Secret) string {
	if n := s.Annotations[roadmapv1.ClusterNameAnnotation]; n != "" {
		return n
	}
	return s.Name
}

// observe returns what is known about a check's object in one cluster, starting the watch on it if needed.
// retry is true when the observation is a failure of the cluster that nothing but trying again will clear.
func (w *Watcher) observe(ctx context.Context, ref roadmapv1.CheckReference, t target) (_ evidence.Observation,
	retry bool, _ error) {
	obs := evidence.Observation{Cluster: t.name}
	conn := w.local
	wait := syncTimeout
	if t.secret != "" {
		var invalid string
		conn, invalid = w.connect(ctx, t.secret, t.name)
		if invalid != "" {
			obs.KubeconfigInvalid = invalid
			return obs, false, nil
		}
		h := conn.health()
		switch {
		case h.rejected != "":
			obs.KubeconfigInvalid = h.rejected
			return obs, false, nil
		case !h.failingSince.IsZero():
			obs.Unreachable = w.unreachable(h.failingSince, h.failure)
			return obs, false, nil
		}
		wait = w.opts.RemoteTimeout
	}
	gvk := CheckGVK(ref)
	key := watchKey{cluster: t.secret, gvk: gvk, namespace: ref.Namespace, name: string(ref.Name)}
	ow, err := w.ensure(conn, key)
	switch {
	case meta.IsNoMatchError(err):
		if t.secret == "" {
			// Discovery lags a CRD's Established condition a little: if a CRD serving the kind is already there,
			// this is not KindNotFound but a moment to wait, so fail the reconcile and let it retry.
			if crd, ok, crdErr := w.establishedCRD(ctx, gvk); crdErr != nil {
				return obs, false, crdErr
			} else if ok {
				return obs, false, fmt.Errorf("CRD %s serves %s but discovery does not list it yet", crd, gvk)
			}
		} else {
			conn.discoveryWorked()
		}
		obs.KindMissing = true
		return obs, false, nil
	case errors.Is(err, errWatchLimit):
		obs.WatchLimit = w.maxWatches
		return obs, false, nil
	case err != nil && t.secret != "":
		// Discovery of a remote cluster failed, whatever the form (garbage, a redirect, denied, no answer):
		// a named reason in status, the error in the log.
		failure := fleet.Classify(err)
		if failure.Reason == roadmapv1.CheckReasonKubeconfigInvalid {
			obs.KubeconfigInvalid = rejectedMessage(t.name, w.opts.ClusterSecretsNamespace+"/"+t.secret)
			return obs, true, nil
		}
		since, first := conn.discoveryFailed(failure, w.now())
		if first {
			w.log.Info("discovery fails on a cluster", "cluster", t.name, "secret", t.secret, "kind", gvk.String(),
				"reason", failure.Reason, "error", err.Error())
		}
		obs.Unreachable = w.unreachable(since, failure)
		return obs, true, nil
	case err != nil:
		return obs, false, err
	case ow == nil:
		// Nobody references the object any more (a concurrent change of the capability): nothing to report.
		return obs, false, nil
	}
	if t.secret != "" {
		conn.discoveryWorked()
	}
	// A new watch lists its object first. Waiting (briefly) for that list makes the first evaluation the right
	// one, so a restarted manager writes no transient "waiting" status over a settled cluster.
	_ = waitPoll(ctx, wait, func() bool {
		return ow.informer.HasSynced() || ow.denied.Load() || ow.failed.Load() != nil
	})
	obs.Resource, obs.AccessDenied, obs.Synced = ow.resource, ow.denied.Load(), ow.informer.HasSynced()
	if failed := ow.failed.Load(); !obs.Synced && !obs.AccessDenied && failed != nil {
		// The informer retries the list by itself, and its success re-evaluates the check.
		obs.Unreachable = w.unreachable(failed.since, failed.failure)
		return obs, false, nil
	}
	if !obs.Synced || obs.AccessDenied {
		return obs, false, nil
	}
	item, exists, err := ow.informer.GetIndexer().GetByKey(key.storeKey())
	if err != nil {
		return obs, false, fmt.Errorf("reading %s %s from the watch: %w", ref.Kind, key.storeKey(), err)
	}
	if exists {
		obs.Object = item.(*unstructured.Unstructured)
	}
	return obs, false, nil
}

// unreachable describes a failing cluster for evaluation.
func (w *Watcher) unreachable(since time.Time, f fleet.Failure) *evidence.Unreachable {
	return &evidence.Unreachable{Since: since, Reason: f.Reason, Error: f.Summary, Now: w.now(),
		Grace: w.opts.ClusterUnreachableGrace}
}

// errWatchLimit is the error of ensure when starting a watch would exceed the limit.
var errWatchLimit = errors.New("the limit on evidence watches is reached")

func waitPoll(ctx context.Context, timeout time.Duration, done func() bool) error {
	return wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, timeout, true, func(context.Context) (bool, error) {
		return done(), nil
	})
}

// establishedCRD finds an Established CRD that serves a kind, from the manager's cache.
func (w *Watcher) establishedCRD(ctx context.Context, gvk schema.GroupVersionKind) (string, bool, error) {
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

// Track records the objects a capability's checks name now: watches it is the first to name start on first
// observation, and watches (and remote clusters) that nobody names any more stop at once.
func (w *Watcher) Track(capability string, keys []watchKey) {
	w.mu.Lock()
	defer w.mu.Unlock()
	keys = slices.Clone(keys)
	for _, key := range keys {
		if w.holders[key] == nil {
			w.holders[key] = map[string]struct{}{}
		}
		w.holders[key][capability] = struct{}{}
	}
	for _, old := range w.refs[capability] {
		if slices.Contains(keys, old) {
			continue
		}
		delete(w.holders[old], capability)
		if len(w.holders[old]) == 0 {
			delete(w.holders, old)
			delete(w.refused, old)
			w.stopWatchLocked(old)
		}
	}
	if len(keys) == 0 {
		delete(w.refs, capability)
	} else {
		w.refs[capability] = keys
	}
	w.stopUnusedClustersLocked()
}

// Forget drops the references of a deleted capability.
func (w *Watcher) Forget(capability string) { w.Track(capability, nil) }

func (w *Watcher) stopUnusedClustersLocked() {
	for secret, conn := range w.remotes {
		if !w.clusterReferencedLocked(secret) {
			conn.stop()
			delete(w.remotes, secret)
			w.log.V(1).Info("disconnected from cluster: no check names it", "cluster", conn.name)
		}
	}
}

func (w *Watcher) clusterReferencedLocked(secret string) bool {
	for key := range w.holders {
		if key.cluster == secret {
			return true
		}
	}
	return false
}

// ensure returns the watch on an object, starting it if it is not running; nil when nobody references it.
func (w *Watcher) ensure(conn *clusterConn, key watchKey) (*objectWatch, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ow, ok := w.watches[key]; ok {
		return ow, nil
	}
	if _, ok := w.holders[key]; !ok {
		return nil, nil
	}
	if len(w.watches) >= w.maxWatches {
		w.refused[key] = struct{}{}
		metrics.EvidenceWatchRefusals.Inc()
		return nil, errWatchLimit
	}
	mapping, err := conn.mapper.RESTMapping(key.gvk.GroupKind(), key.gvk.Version)
	if err != nil {
		return nil, err
	}
	namespace := key.namespace
	if mapping.Scope.Name() != meta.RESTScopeNameNamespace {
		namespace = metav1.NamespaceAll
	}
	ow := &objectWatch{resource: mapping.Resource.GroupResource().String()}
	ctx, cancel := context.WithCancel(conn.context(w.ctx))
	informer := toolscache.NewSharedIndexInformerWithOptions(
		toolscache.ToListWatcherWithWatchListSemantics(w.objectListWatch(ctx, conn, mapping.Resource, namespace, key, ow), conn.dynamic),
		&unstructured.Unstructured{},
		toolscache.SharedIndexInformerOptions{ObjectDescription: mapping.Resource.String()})
	ow.informer = informer
	if err := informer.SetTransform(stripManagedFields); err != nil {
		cancel()
		return nil, fmt.Errorf("configuring the watch on %s: %w", key.gvk, err)
	}
	clusterLabel := metricClusterName(key.cluster)
	if err := informer.SetWatchErrorHandlerWithContext(func(ctx context.Context, r *toolscache.Reflector, err error) {
		if apierrors.IsForbidden(err) {
			if !ow.denied.Swap(true) {
				w.log.Info("access to an evidence object is denied", "cluster", clusterLabel, "kind", key.gvk.String(),
					"namespace", key.namespace, "name", key.name, "error", err.Error())
				w.enqueueHolders(ctx, key)
			}
			return
		}
		if key.cluster != "" && ow.failed.Load() == nil && ctx.Err() == nil {
			// A remote cluster that answers the list with garbage (or not at all) gets a named reason in status
			// rather than "waiting to sync" forever; the error goes to the log.
			failure := fleet.Classify(err)
			if ow.failed.CompareAndSwap(nil, &discoveryFailure{since: w.now(), failure: failure}) {
				w.log.Info("listing an evidence object fails", "cluster", clusterLabel, "kind", key.gvk.String(),
					"namespace", key.namespace, "name", key.name, "reason", failure.Reason, "error", err.Error())
				go w.enqueueHolders(ctx, key)
			}
		}
		toolscache.DefaultWatchErrorHandler(ctx, r, err)
	}); err != nil {
		cancel()
		return nil, fmt.Errorf("configuring the watch on %s: %w", key.gvk, err)
	}
	if _, err := informer.AddEventHandler(w.handler(ctx, key, ow)); err != nil {
		cancel()
		return nil, fmt.Errorf("configuring the watch on %s: %w", key.gvk, err)
	}
	ow.cancel = cancel
	go informer.RunWithContext(ctx)
	// Capabilities evaluated before the first list saw "waiting to sync"; tell them when it is done, including
	// those whose object does not exist and so gets no event of its own.
	go func() {
		if toolscache.WaitForCacheSync(ctx.Done(), informer.HasSynced) {
			ow.denied.Store(false)
			ow.failed.Store(nil)
			w.enqueueHolders(ctx, key)
		}
	}()
	w.watches[key] = ow
	delete(w.refused, key)
	w.series[[2]string{clusterLabel, key.gvk.String()}]++
	metrics.EvidenceWatches.WithLabelValues(clusterLabel, key.gvk.String()).Inc()
	w.log.V(1).Info("watching evidence object", "cluster", clusterLabel, "kind", key.gvk.String(),
		"namespace", key.namespace, "name", key.name)
	return ow, nil
}

// objectListWatch lists and watches one object (a metadata.name field selector). A list or watch that
// succeeds after access was denied clears the denial and re-evaluates the object's checks: a relist after a
// transient 403 (an apiserver whose RBAC caches are not warm yet after a restart, a role granted later) brings
// no event of its own when the object did not change.
func (w *Watcher) objectListWatch(ctx context.Context, conn *clusterConn, gvr schema.GroupVersionResource,
	namespace string, key watchKey, ow *objectWatch) *toolscache.ListWatch {
	var resource dynamic.ResourceInterface = conn.dynamic.Resource(gvr)
	if namespace != "" {
		resource = conn.dynamic.Resource(gvr).Namespace(namespace)
	}
	selector := fields.OneTermEqualSelector("metadata.name", key.name).String()
	// A failure other than a denial is cleared only by a list that works, or by the end of the first sync: a
	// watch request that gets a 200 may still stream garbage.
	allowed := func(listed bool) {
		failed := listed && ow.failed.Swap(nil) != nil
		if ow.denied.Swap(false) || failed {
			go w.enqueueHolders(ctx, key)
		}
	}
	return &toolscache.ListWatch{
		ListWithContextFunc: func(listCtx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.FieldSelector = selector
			list, err := resource.List(listCtx, o)
			if err == nil {
				allowed(true)
			}
			return list, err
		},
		WatchFuncWithContext: func(watchCtx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = selector
			wi, err := resource.Watch(watchCtx, o)
			if err == nil {
				allowed(false)
			}
			return wi, err
		},
	}
}

func (w *Watcher) stopWatchLocked(key watchKey) {
	ow, ok := w.watches[key]
	if !ok {
		return
	}
	ow.cancel()
	delete(w.watches, key)
	// The series goes with its last watch: clusters and kinds nobody checks any more leave no series behind.
	series := [2]string{metricClusterName(key.cluster), key.gvk.String()}
	if w.series[series]--; w.series[series] <= 0 {
		delete(w.series, series)
		metrics.EvidenceWatches.DeleteLabelValues(series[0], series[1])
	} else {
		metrics.EvidenceWatches.WithLabelValues(series[0], series[1]).Dec()
	}
	if len(w.refused) > 0 {
		// A watch is free: the checks refused one are evaluated again.
		var names []string
		for refused := range w.refused {
			for name := range w.holders[refused] {
				names = append(names, name)
			}
		}
		clear(w.refused)
		if w.ctx != nil {
			go w.send(w.ctx, names)
		}
	}
	w.log.V(1).Info("stopped watching evidence object", "cluster", metricClusterName(key.cluster),
		"kind", key.gvk.String(), "namespace", key.namespace, "name", key.name)
}

// metricClusterName is the cluster label of the metrics: the Secret's name, or "local".
func metricClusterName(secret string) string {
	if secret == "" {
		return "local"
	}
	return secret
}

// handler maps events on a watched object to the capabilities that check it. Updates count only when the
// object's kstatus result changes: a Deployment's status heartbeat, or a change of labels, wakes nobody.
func (w *Watcher) handler(ctx context.Context, key watchKey, ow *objectWatch) toolscache.ResourceEventHandler {
	enqueue := func() {
		ow.denied.Store(false)
		w.enqueueHolders(ctx, key)
	}
	return toolscache.ResourceEventHandlerFuncs{
		AddFunc: func(interface{}) { enqueue() },
		UpdateFunc: func(oldObj, newObj interface{}) {
			o, okOld := oldObj.(*unstructured.Unstructured)
			n, okNew := newObj.(*unstructured.Unstructured)
			if okOld && okNew && sameHealth(o, n) {
				return
			}
			enqueue()
		},
		DeleteFunc: func(interface{}) { enqueue() },
	}
}

func sameHealth(a, b *unstructured.Unstructured) bool {
	ra, errA := status.Compute(a)
	rb, errB := status.Compute(b)
	return errA == nil && errB == nil && ra.Status == rb.Status && ra.Message == rb.Message
}

// enqueueHolders sends an event for each capability that names the object.
func (w *Watcher) enqueueHolders(ctx context.Context, key watchKey) {
	w.mu.Lock()
	names := make([]string, 0, len(w.holders[key]))
	for name := range w.holders[key] {
		names = append(names, name)
	}
	w.mu.Unlock()
	w.send(ctx, names)
}

// enqueueCluster sends an event for each capability that names an object in a cluster.
func (w *Watcher) enqueueCluster(ctx context.Context, secret string) {
	w.mu.Lock()
	seen := map[string]struct{}{}
	for key, holders := range w.holders {
		if key.cluster != secret {
			continue
		}
		for name := range holders {
			seen[name] = struct{}{}
		}
	}
	w.mu.Unlock()
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	w.send(ctx, names)
}

// send enqueues capabilities, and gives up when ctx (the manager's, or the watch's) ends: informer handlers and
// probes never outlive the manager waiting on a controller that stopped consuming.
func (w *Watcher) send(ctx context.Context, capabilities []string) {
	for _, name := range capabilities {
		select {
		case w.Events <- event.GenericEvent{Object: &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: name}}}:
		case <-ctx.Done():
			return
		}
	}
}

// CheckGVK is the kind a check names.
func CheckGVK(ref roadmapv1.CheckReference) schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind)
}

func stripManagedFields(obj interface{}) (interface{}, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		u.SetManagedFields(nil)
	}
	return obj, nil
}
