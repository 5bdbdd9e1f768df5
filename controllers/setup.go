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
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/roadmap-operator/roadmap-operator/internal/eventsender"
	"github.com/roadmap-operator/roadmap-operator/internal/evidencewatch"
	"github.com/roadmap-operator/roadmap-operator/internal/metrics"
	"github.com/roadmap-operator/roadmap-operator/internal/notify"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
	"github.com/roadmap-operator/roadmap-operator/internal/rollup"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// Options are the tunables of the controllers and of the infrastructure they run on (event sender, goal rollup
// coalescer, evidence watcher, notifications, workload kinds, Flux's Alert kinds), bound to command-line flags
// by the manager.
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
	// Events bound the rate and the queue of Event writes (--event-qps, --event-burst, --event-queue-size).
	Events eventsender.Options
	// GoalRollup coalesces goal rollups (--goal-rollup-window, --goal-rollup-max-delay).
	GoalRollup rollup.Options
	// Evidence configures the evidence watcher's connections to other clusters (--cluster-secrets-namespace,
	// --cluster-unreachable-grace, --cluster-probe-interval, --cluster-request-timeout,
	// --insecure-kubeconfig-tls, --allow-kubeconfig-proxy-url) and its limit (--max-evidence-watches).
	Evidence evidencewatch.Options
	// CapabilityNotFoundGrace is how long an initiative requiring a capability that does not exist, and that no
	// initiative provides, waits (Reconciling) before it is called broken (Stalled; Argo CD Degraded): the time
	// a platform team's capability may take to follow a product team's initiative through GitOps.
	CapabilityNotFoundGrace time.Duration
	// Notify sends the transitions to Flux's notification-controller and CloudEvents sinks (--events-addr,
	// --cloudevents-sink, --board-url, --cluster-scoped-events-namespace), each at the pace and with the queue
	// bound of the Events.
	Notify notify.Options
	// WorkloadKinds are the kinds, besides DefaultWorkloadKinds, whose label roadmap.dev/initiative links a
	// workload to its initiative: Kind.version.group, comma-separated (docs/workloads.md).
	WorkloadKinds string
	// FluxAlertKinds keeps Capability, Initiative and Goal in the kinds Flux's Alert CRD accepts
	// (--flux-alert-kinds; docs/notifications.md), with the rights of config/flux-alert-kinds.
	FluxAlertKinds bool
}

// DefaultOptions are the defaults of the manager's flags: see docs/performance.md for how the first ones were
// chosen.
func DefaultOptions() Options {
	o := Options{
		MaxConcurrentReconciles: 16,
		KubeAPIQPS:              -1,
		KubeAPIBurst:            0,
		Events:                  eventsender.DefaultOptions(),
		GoalRollup:              rollup.DefaultOptions(),
	}
	o.CapabilityNotFoundGrace = 10 * time.Minute
	o.Evidence = evidencewatch.DefaultOptions()
	o.Notify = notify.DefaultOptions()
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
	o.Events.BindFlags(fs)
	o.GoalRollup.BindFlags(fs)
	o.Evidence.BindFlags(fs)
	o.Notify.BindFlags(fs)
	fs.DurationVar(&o.CapabilityNotFoundGrace, "capability-not-found-grace", d.CapabilityNotFoundGrace,
		"How long an initiative requiring a capability that does not exist and that no initiative provides waits "+
			"before it is reported broken (Stalled).")
	fs.StringVar(&o.WorkloadKinds, "workload-kinds", d.WorkloadKinds,
		"Workload kinds traced to initiatives by their label roadmap.dev/initiative besides Deployment, StatefulSet, "+
			"DaemonSet, Job and CronJob: comma-separated Kind.version.group, e.g. Rollout.v1alpha1.argoproj.io "+
			"(the manager needs list and watch on them).")
	fs.BoolVar(&o.FluxAlertKinds, "flux-alert-kinds", d.FluxAlertKinds,
		"Keep Capability, Initiative and Goal in the kinds Flux's Alert CRD (alerts.notification.toolkit.fluxcd.io) "+
			"accepts, adding them again whenever Flux applies its CRD (the manager needs get, list, watch and patch on "+
			"that CRD: config/flux-alert-kinds).")
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
// Of the metadata-only objects (workloads, namespaces), only what the roadmap reads is kept (workloads.StripMetadata).
func CacheOptions() cache.Options {
	stripManagedFields := cache.TransformStripManagedFields()
	return cache.Options{DefaultTransform: func(in any) (any, error) {
		if o, ok := in.(*metav1.PartialObjectMetadata); ok {
			workloads.StripMetadata(o)
			return o, nil
		}
		return stripManagedFields(in)
	}}
}

// LeaderElectionID is the name of the Lease the operator's managers elect their leader with.
const LeaderElectionID = "roadmap-operator.roadmap.dev"

// ManagerOptions are the options every manager running the controllers starts from (cmd/manager, the tests, the
// bench): the project's scheme, the informer cache of CacheOptions and the Lease of LeaderElectionID, released
// on cancel because nothing is left to clean up after Reconcile returns, so a new leader may start as soon as
// this one stops. Leader election itself, metrics and probes are left to the caller.
func ManagerOptions() ctrl.Options {
	return ctrl.Options{
		Scheme:                        scheme.Scheme,
		Cache:                         CacheOptions(),
		LeaderElectionID:              LeaderElectionID,
		LeaderElectionReleaseOnCancel: true,
	}
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
	if err := mgr.Add(metrics.NewStateSource(mgr.GetCache())); err != nil {
		return fmt.Errorf("adding the state metrics source: %w", err)
	}
	dyn, err := dynamic.NewForConfig(mgr.GetConfig())
	if err != nil {
		return fmt.Errorf("creating the dynamic client for evidence checks: %w", err)
	}
	eventSender, err := eventsender.New(mgr.GetConfig(), mgr.GetScheme(), opts.Events, mgr.GetLogger().WithName("events"))
	if err != nil {
		return err
	}
	if err := mgr.Add(eventSender); err != nil {
		return fmt.Errorf("adding the event sender: %w", err)
	}
	// Notifications leave through the sinks' own queues, after the Kubernetes Event is queued: never in the way
	// of a reconcile.
	notifyOpts := opts.Notify
	notifyOpts.Delivery.QueueSize, notifyOpts.Delivery.QPS, notifyOpts.Delivery.Burst =
		opts.Events.QueueSize, opts.Events.QPS, opts.Events.Burst
	notifier, err := notify.New(notifyOpts, mgr.GetScheme(), notificationDropped, mgr.GetLogger().WithName("notify"))
	if err != nil {
		return err
	}
	if notifier != nil {
		if err := mgr.Add(notifier); err != nil {
			return fmt.Errorf("adding the notifier: %w", err)
		}
	}
	secrets, err := evidencewatch.NewClusterSecretsCache(mgr, opts.Evidence.ClusterSecretsNamespace)
	if err != nil {
		return err
	}
	evidenceWatcher := evidencewatch.New(mgr.GetRESTMapper(), dyn, mgr.GetCache(), secrets, opts.Evidence,
		opts.ApplyToRESTConfig, mgr.GetLogger().WithName("evidence"))
	mgr.GetLogger().WithName("evidence").Info("evidence watches limited", "maxEvidenceWatches", evidenceWatcher.MaxWatches())
	if err := mgr.Add(evidenceWatcher); err != nil {
		return fmt.Errorf("adding the evidence watcher: %w", err)
	}
	if err := (&CapabilityReconciler{
		Client:                  mgr.GetClient(),
		Evidence:                evidenceWatcher,
		ClusterSecrets:          secrets,
		Recorder:                notifier.Recorder(eventSender.Recorder("capability-controller"), "capability-controller"),
		MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the capability controller: %w", err)
	}
	if err := (&InitiativeReconciler{
		Client:                  mgr.GetClient(),
		Recorder:                notifier.Recorder(eventSender.Recorder("initiative-controller"), "initiative-controller"),
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
	if err := (&InitiativeIndexReconciler{
		Client:                  mgr.GetClient(),
		MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the initiative index controller: %w", err)
	}
	if opts.FluxAlertKinds {
		crds, err := NewFluxAlertCRDCache(mgr)
		if err != nil {
			return err
		}
		if err := (&FluxAlertKindsReconciler{Client: mgr.GetClient(), CRDs: crds}).SetupWithManager(mgr); err != nil {
			return fmt.Errorf("setting up the flux-alert-kinds controller: %w", err)
		}
	}
	if err := (&GoalReconciler{
		Client:                  mgr.GetClient(),
		Recorder:                notifier.Recorder(eventSender.Recorder("goal-controller"), "goal-controller"),
		MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
		Rollup:                  opts.GoalRollup,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the goal controller: %w", err)
	}
	return nil
}

// notificationDropped counts a notification a sink never got in roadmap_events_dropped_total.
func notificationDropped(sink, cause string) {
	metrics.EventsDropped.WithLabelValues(sink, cause).Inc()
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
//
// The reconcilers change nothing but status, so the object is unchanged exactly when its status is.
func patchStatus(ctx context.Context, c client.Client, recorder events.EventRecorder, original, updated client.Object,
	transitions []readiness.Event, afterWrite ...func()) error {
	if equality.Semantic.DeepEqual(original, updated) {
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
