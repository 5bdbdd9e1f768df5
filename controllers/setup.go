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

// Package controllers holds one reconciler per kind of the roadmap.dev API, and the wiring they share.
package controllers

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
)

// Options are the tunables of the controllers, bound to command-line flags by the manager.
type Options struct {
	// MaxConcurrentReconciles is the number of workers per controller. Reconciles only read the cache and
	// write one status patch, so the apiserver round trip dominates and many workers hide its latency: with
	// too few, a fan-out runs at workers / round-trip time instead of at the apiserver's own pace.
	MaxConcurrentReconciles int
	// KubeAPIQPS and KubeAPIBurst bound the client's request rate to the apiserver. A QPS of 0 or less (the
	// default) disables the client-side rate limiter, as controller-runtime does since v0.21: the apiserver's
	// API Priority and Fairness protects it and its other clients (config/apf classifies the manager).
	KubeAPIQPS   float64
	KubeAPIBurst int
	// EventQPS and EventBurst bound the rate of Event writes, which go through a client and a queue of their
	// own so that a mass transition's events trail its status writes instead of competing with them.
	// EventQueueSize bounds the events waiting to be sent; one more is dropped and counted in
	// roadmap_events_dropped_total.
	EventQPS       float64
	EventBurst     int
	EventQueueSize int
	// GoalRollupWindow coalesces goal rollups: a goal is rolled up once its initiatives have been quiet for
	// this long (or once GoalRollupMaxDelay has passed since the first change it has not rolled up), so a burst
	// of initiative changes costs each goal one write rather than one per initiative. 0 rolls up at once.
	GoalRollupWindow   time.Duration
	GoalRollupMaxDelay time.Duration

	// ClusterSecretsNamespace is the namespace of the kubeconfig Secrets that register the clusters evidence
	// checks may look in. It is the only namespace the operator reads Secrets in.
	ClusterSecretsNamespace string
	// ClusterUnreachableGrace is how long the last known results of checks on a cluster that stopped answering
	// stand before they fail with ClusterUnreachable.
	ClusterUnreachableGrace time.Duration
	// ClusterProbeInterval is how often a remote cluster that checks name is asked whether it answers.
	ClusterProbeInterval time.Duration
	// RemoteTimeout bounds every call to a remote cluster that a reconcile waits for.
	RemoteTimeout time.Duration
	// CapabilityNotFoundGrace is how long an initiative requiring a capability that does not exist, and that no
	// initiative provides, waits (Reconciling) before it is called broken (Stalled; Argo CD Degraded): the time
	// a platform team's capability may take to follow a product team's initiative through GitOps.
	CapabilityNotFoundGrace time.Duration
	// WorkloadKinds are the kinds, besides DefaultWorkloadKinds, whose label roadmap.dev/initiative links a
	// workload to its initiative: Kind.version.group, comma-separated (docs/workloads.md).
	WorkloadKinds string
}

// defaultClusterSecretsNamespace is the namespace config/default deploys the manager to.
const defaultClusterSecretsNamespace = "roadmap-operator-system"

// DefaultOptions are the defaults of the manager's flags: see docs/performance.md for how the first ones were
// chosen.
func DefaultOptions() Options {
	o := Options{
		MaxConcurrentReconciles: 16,
		KubeAPIQPS:              -1,
		KubeAPIBurst:            0,
		EventQPS:                50,
		EventBurst:              100,
		EventQueueSize:          50000,
		GoalRollupWindow:        time.Second,
		GoalRollupMaxDelay:      time.Minute,
	}
	o.CapabilityNotFoundGrace = 10 * time.Minute
	o.ClusterSecretsNamespace = os.Getenv("POD_NAMESPACE") // the downward API in config/manager
	if o.ClusterSecretsNamespace == "" {
		o.ClusterSecretsNamespace = defaultClusterSecretsNamespace
	}
	o.ClusterUnreachableGrace, o.ClusterProbeInterval, o.RemoteTimeout = 2*time.Minute, 10*time.Second, 10*time.Second
	return o
}

// BindFlags registers the options as flags, with DefaultOptions as defaults.
func (o *Options) BindFlags(fs *flag.FlagSet) {
	d := DefaultOptions()
	fs.IntVar(&o.MaxConcurrentReconciles, "max-concurrent-reconciles", d.MaxConcurrentReconciles,
		"Number of concurrent reconciles per controller.")
	fs.Float64Var(&o.KubeAPIQPS, "kube-api-qps", d.KubeAPIQPS,
		"Queries per second the client may send to the apiserver; 0 or less disables the client-side rate limit "+
			"(the default: the apiserver's API Priority and Fairness protects it).")
	fs.IntVar(&o.KubeAPIBurst, "kube-api-burst", d.KubeAPIBurst,
		"Burst of queries the client may send to the apiserver, with a positive --kube-api-qps.")
	fs.Float64Var(&o.EventQPS, "event-qps", d.EventQPS, "Event writes per second (events trail status writes).")
	fs.IntVar(&o.EventBurst, "event-burst", d.EventBurst, "Burst of event writes.")
	fs.IntVar(&o.EventQueueSize, "event-queue-size", d.EventQueueSize,
		"Events waiting to be written at most; more are dropped and counted in roadmap_events_dropped_total.")
	fs.DurationVar(&o.GoalRollupWindow, "goal-rollup-window", d.GoalRollupWindow,
		"Roll a goal up once its initiatives have been quiet this long (0: at every change).")
	fs.DurationVar(&o.GoalRollupMaxDelay, "goal-rollup-max-delay", d.GoalRollupMaxDelay,
		"Roll a goal up at the latest this long after the first change it has not rolled up yet.")
	fs.StringVar(&o.ClusterSecretsNamespace, "cluster-secrets-namespace", d.ClusterSecretsNamespace,
		"Namespace of the kubeconfig Secrets that register clusters for evidence checks (default: the namespace "+
			"the manager runs in, from POD_NAMESPACE, else "+defaultClusterSecretsNamespace+").")
	fs.DurationVar(&o.ClusterUnreachableGrace, "cluster-unreachable-grace", d.ClusterUnreachableGrace,
		"How long the last known results of checks on an unreachable cluster stand before they fail with ClusterUnreachable.")
	fs.DurationVar(&o.ClusterProbeInterval, "cluster-probe-interval", d.ClusterProbeInterval,
		"How often a cluster that evidence checks name is asked whether it answers.")
	fs.DurationVar(&o.RemoteTimeout, "cluster-request-timeout", d.RemoteTimeout,
		"Timeout of the calls to a cluster that evidence checks name (discovery, probes, first list).")
	fs.DurationVar(&o.CapabilityNotFoundGrace, "capability-not-found-grace", d.CapabilityNotFoundGrace,
		"How long an initiative requiring a capability that does not exist and that no initiative provides waits "+
			"before it is reported broken (Stalled).")
	fs.StringVar(&o.WorkloadKinds, "workload-kinds", d.WorkloadKinds,
		"Workload kinds traced to initiatives by their label roadmap.dev/initiative besides Deployment, StatefulSet, "+
			"DaemonSet, Job and CronJob: comma-separated Kind.version.group, e.g. Rollout.v1alpha1.argoproj.io "+
			"(the manager needs list and watch on them).")
}

// ApplyToRESTConfig sets the client rate limits on a REST config: none unless KubeAPIQPS is positive.
func (o Options) ApplyToRESTConfig(cfg *rest.Config) {
	if o.KubeAPIQPS <= 0 {
		cfg.QPS, cfg.Burst = -1, 0
		return
	}
	cfg.QPS = float32(o.KubeAPIQPS)
	cfg.Burst = max(o.KubeAPIBurst, 1)
}

// CacheOptions is the informer cache configuration of the manager. managedFields are stripped on the way in:
// no reconciler reads them, and they are often the larger part of a small object.
// Of the metadata-only objects (workloads, namespaces), only what the roadmap reads is kept (workloads.go).
func CacheOptions() cache.Options {
	stripManagedFields := cache.TransformStripManagedFields()
	return cache.Options{DefaultTransform: func(in any) (any, error) {
		if o, ok := in.(*metav1.PartialObjectMetadata); ok {
			stripWorkloadMetadata(o)
			return o, nil
		}
		return stripManagedFields(in)
	}}
}

// Setup registers the field indexes and every reconciler with the manager.
func Setup(ctx context.Context, mgr ctrl.Manager, opts Options) error {
	if err := SetupIndexes(ctx, mgr.GetFieldIndexer()); err != nil {
		return err
	}
	workloadKinds, err := ParseWorkloadKinds(opts.WorkloadKinds)
	if err != nil {
		return err
	}
	workloadKinds = servedWorkloadKinds(mgr, workloadKinds)
	if err := setupWorkloadIndexes(ctx, mgr.GetFieldIndexer(), workloadKinds); err != nil {
		return err
	}
	if err := mgr.Add(stateSource{collector: state, cache: mgr.GetCache()}); err != nil {
		return fmt.Errorf("adding the state metrics source: %w", err)
	}
	dyn, err := dynamic.NewForConfig(mgr.GetConfig())
	if err != nil {
		return fmt.Errorf("creating the dynamic client for evidence checks: %w", err)
	}
	eventSender, err := NewEventSender(mgr.GetConfig(), mgr.GetScheme(), opts.EventQPS, opts.EventBurst, opts.EventQueueSize,
		mgr.GetLogger().WithName("events"))
	if err != nil {
		return err
	}
	if err := mgr.Add(eventSender); err != nil {
		return fmt.Errorf("adding the event sender: %w", err)
	}
	secrets, err := newClusterSecretsCache(mgr, opts.ClusterSecretsNamespace)
	if err != nil {
		return err
	}
	evidenceWatcher := NewEvidenceWatcher(mgr.GetRESTMapper(), dyn, mgr.GetCache(), secrets, opts,
		mgr.GetLogger().WithName("evidence"))
	if err := mgr.Add(evidenceWatcher); err != nil {
		return fmt.Errorf("adding the evidence watcher: %w", err)
	}
	if err := (&CapabilityReconciler{
		Client:                  mgr.GetClient(),
		Evidence:                evidenceWatcher,
		ClusterSecrets:          secrets,
		Recorder:                eventSender.Recorder("capability-controller"),
		MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the capability controller: %w", err)
	}
	if err := (&InitiativeReconciler{
		Client:                  mgr.GetClient(),
		Recorder:                eventSender.Recorder("initiative-controller"),
		MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
		CapabilityNotFoundGrace: opts.CapabilityNotFoundGrace,
		WorkloadKinds:           workloadKinds,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the initiative controller: %w", err)
	}
	if err := (&WorkloadAuditReconciler{
		Client:        mgr.GetClient(),
		Recorder:      eventSender.Recorder("workload-audit"),
		WorkloadKinds: workloadKinds,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the workload audit controller: %w", err)
	}
	if err := (&GoalReconciler{
		Client:                  mgr.GetClient(),
		Recorder:                eventSender.Recorder("goal-controller"),
		MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
		RollupWindow:            opts.GoalRollupWindow,
		RollupMaxDelay:          opts.GoalRollupMaxDelay,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the goal controller: %w", err)
	}
	return nil
}

// patchStatus writes an object's status with one merge patch, and not at all when it is unchanged: a settled
// cluster costs the apiserver nothing, even when every object is reconciled again after a restart.
//
// The patch carries the resourceVersion of the cached copy it was computed from (optimistic lock). A merge
// patch from a stale copy would leave out fields the stale copy already agreed with (a cleared summary, say) and
// keep the server's values for them; with the lock, the apiserver refuses it instead. Nothing is lost: the newer
// version is on its way to the cache, and since the controllers watch every change of their own objects,
// status included, its arrival reconciles the object again from the fresh copy. That same watch catches the
// opposite case, a write skipped as "unchanged" against a stale copy.
//
// The events of the transitions the new status makes are recorded only once it is written, so a status computed
// from a stale copy (and refused) tells nothing twice.
func patchStatus(ctx context.Context, c client.Client, recorder events.EventRecorder, original, updated client.Object,
	unchanged bool, transitions []readiness.Event, afterWrite ...func()) error {
	if unchanged {
		return nil
	}
	err := c.Status().Patch(ctx, updated, client.MergeFromWithOptions(original, client.MergeFromWithOptimisticLock{}))
	switch {
	case apierrors.IsConflict(err):
		ctrl.LoggerFrom(ctx).V(1).Info("status computed from a stale copy; the newer version will reconcile it again")
		return nil
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("patching status of %T %s: %w", updated, client.ObjectKeyFromObject(updated), err)
	}
	if recorder != nil {
		for _, ev := range transitions {
			recorder.Eventf(updated, nil, ev.Type, ev.Reason, "Evaluate", "%s", ev.Message)
		}
	}
	for _, f := range afterWrite {
		f()
	}
	return nil
}
