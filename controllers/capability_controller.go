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
	"maps"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/conditions"
	"github.com/roadmap-operator/roadmap-operator/internal/evidencewatch"
	"github.com/roadmap-operator/roadmap-operator/internal/graph"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmap"
)

// CapabilityReconciler computes each Capability's readiness from its lifecycle and its prerequisites.
type CapabilityReconciler struct {
	client.Client
	Recorder events.EventRecorder
	// Evidence observes the objects named in spec.checks.
	Evidence *evidencewatch.Watcher
	// ClusterSecrets is the cache of the kubeconfig Secrets that register clusters: their changes re-evaluate
	// the checks that name them.
	ClusterSecrets cache.Cache
	// MaxConcurrentReconciles is the number of workers; 0 means controller-runtime's default of 1.
	MaxConcurrentReconciles int
}

// +kubebuilder:rbac:groups=roadmap.dev,resources=capabilities,verbs=get;list;watch
// +kubebuilder:rbac:groups=roadmap.dev,resources=capabilities/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=apiextensions.k8s.io,resources=customresourcedefinitions,verbs=get;list;watch
// Evidence: the common kinds a check names. Grant more with an extra ClusterRole (docs/platform-teams.md).
// +kubebuilder:rbac:groups=apps,resources=deployments;statefulsets;daemonsets;replicasets,verbs=get;list;watch
// +kubebuilder:rbac:groups=batch,resources=jobs;cronjobs,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=services;configmaps;persistentvolumeclaims,verbs=get;list;watch
// +kubebuilder:rbac:groups=argoproj.io,resources=applications,verbs=get;list;watch
// +kubebuilder:rbac:groups=kustomize.toolkit.fluxcd.io,resources=kustomizations,verbs=get;list;watch
// +kubebuilder:rbac:groups=helm.toolkit.fluxcd.io,resources=helmreleases,verbs=get;list;watch
// Kubeconfig Secrets of remote clusters: in the operator's own namespace only (a Role; config/default sets it).
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch,namespace=system

// Reconcile fetches the capability, evaluates it from the cache, and writes its status once, only if it changed.
func (r *CapabilityReconciler) Reconcile(ctx context.Context, req ctrl.Request) (_ ctrl.Result, reterr error) {
	capability := &roadmapv1.Capability{}
	if err := r.Get(ctx, req.NamespacedName, capability); err != nil {
		if apierrors.IsNotFound(err) {
			// Deleted: its evidence watches stop unless another capability checks the same objects. Dependents
			// are re-evaluated through their own watches.
			r.Evidence.Forget(req.Name)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !capability.DeletionTimestamp.IsZero() {
		r.Evidence.Forget(req.Name)
		return ctrl.Result{}, nil
	}

	original := capability.DeepCopy()
	var transitions []readiness.Event
	defer func() {
		if err := patchStatus(ctx, r.Client, r.Recorder, original, capability, transitions); err != nil {
			reterr = err
		}
	}()

	facts, requeueAfter, err := r.facts(ctx, capability)
	if err != nil {
		return ctrl.Result{}, err
	}
	dependents, open, err := r.countDependents(ctx, capability.Name)
	if err != nil {
		return ctrl.Result{}, err
	}
	providers, err := providersOf(ctx, r.Client, capability.Name)
	if err != nil {
		return ctrl.Result{}, err
	}
	phase, res := readiness.EvaluateCapability(facts)
	inUse := readiness.InUse(capability.Spec.Lifecycle, open)
	transitions = capabilityTransitions(capability, res)
	if inUse.True && flips(capability.Status.Conditions, roadmapv1.ConditionInUse, inUse) {
		transitions = append(transitions, readiness.Event{Type: corev1.EventTypeWarning, Reason: roadmapv1.ConditionInUse, Message: inUse.Message})
	}
	setCapabilityStatus(capability, phase, res, dependents, providers)
	conditions.Set(&capability.Status.Conditions, roadmapv1.ConditionInUse, conditions.AbnormalTrue, capability.Generation, inUse)
	capability.Status.Checks = facts.Checks
	capability.Status.ChecksPassing = checksPassing(facts.Checks)
	// A result that stands only for an unreachable cluster's grace period is re-evaluated when the grace ends.
	return ctrl.Result{RequeueAfter: requeueAfter}, nil
}

// checksPassing renders passing/total of the (check, cluster) results, empty when there are none.
func checksPassing(checks []roadmapv1.CheckStatus) string {
	if len(checks) == 0 {
		return ""
	}
	passing := 0
	for _, c := range checks {
		if c.Passing {
			passing++
		}
	}
	return fmt.Sprintf("%d/%d", passing, len(checks))
}

// setCapabilityStatus writes an evaluation into the capability's status.
func setCapabilityStatus(c *roadmapv1.Capability, phase roadmapv1.CapabilityPhase, res readiness.Result, dependents int32,
	providers []roadmap.Provider) {
	readiness.SetCapabilityStatus(c, phase, res)
	c.Status.Dependents = dependents
	c.Status.Providers = nil
	for _, p := range providers {
		c.Status.Providers = append(c.Status.Providers, roadmapv1.ProviderStatus{
			Namespace: p.Namespace, Name: p.Name, TargetDate: p.TargetDate, State: p.State})
	}
	c.Status.ETA, _ = roadmap.ETA(providers)
}

// facts gathers, from the cache, what the capability's readiness depends on.
func (r *CapabilityReconciler) facts(ctx context.Context, c *roadmapv1.Capability) (readiness.CapabilityFacts, time.Duration, error) {
	facts := readiness.CapabilityFacts{
		Lifecycle:     c.Spec.Lifecycle,
		Requires:      names(c.Spec.Requires),
		Prerequisites: map[string]readiness.CapabilityView{},
	}
	checks, requeueAfter, err := r.Evidence.Evaluate(ctx, c)
	if err != nil {
		return facts, 0, err
	}
	facts.Checks = checks
	for _, name := range facts.Requires {
		prereq := &roadmapv1.Capability{}
		err := r.Get(ctx, client.ObjectKey{Name: name}, prereq)
		switch {
		case apierrors.IsNotFound(err):
			continue
		case err != nil:
			return facts, 0, fmt.Errorf("reading prerequisite capability %q: %w", name, err)
		}
		facts.Prerequisites[name] = readiness.ViewOfCapability(prereq)
	}
	cycle, err := graph.ReadCycle(c.Name, func(name string) ([]string, error) {
		if name == c.Name {
			return facts.Requires, nil
		}
		other := &roadmapv1.Capability{}
		if err := r.Get(ctx, client.ObjectKey{Name: name}, other); err != nil {
			return nil, client.IgnoreNotFound(err)
		}
		return names(other.Spec.Requires), nil
	})
	if err != nil {
		return facts, 0, fmt.Errorf("walking the requires graph of capability %q: %w", c.Name, err)
	}
	facts.Cycle = cycle
	return facts, requeueAfter, nil
}

// countDependents counts the initiatives and capabilities that require the named capability, from the indexes,
// and returns the open initiatives (neither Done nor Cancelled) among them.
func (r *CapabilityReconciler) countDependents(ctx context.Context, name string) (int32, []readiness.InitiativeKey, error) {
	initiatives := &roadmapv1.InitiativeList{}
	if err := r.List(ctx, initiatives, client.MatchingFields{IndexInitiativeRequires: name}); err != nil {
		return 0, nil, fmt.Errorf("listing initiatives that require %q: %w", name, err)
	}
	capabilities := &roadmapv1.CapabilityList{}
	if err := r.List(ctx, capabilities, client.MatchingFields{IndexCapabilityRequires: name}); err != nil {
		return 0, nil, fmt.Errorf("listing capabilities that require %q: %w", name, err)
	}
	var open []readiness.InitiativeKey
	for _, ini := range initiatives.Items {
		if readiness.Open(ini.Spec.State) {
			open = append(open, readiness.InitiativeKey{Namespace: ini.Namespace, Name: ini.Name})
		}
	}
	return int32(len(initiatives.Items) + len(capabilities.Items)), open, nil
}

// capabilityTransitions is the event to tell when the status about to be written flips readiness.
func capabilityTransitions(c *roadmapv1.Capability, res readiness.Result) []readiness.Event {
	previous := apimeta.FindStatusCondition(c.Status.Conditions, roadmapv1.ConditionReady)
	if ev, ok := readiness.TransitionEvent("Capability", previous, res); ok {
		return []readiness.Event{ev}
	}
	return nil
}

// SetupWithManager wires the watches: the capability itself, the capabilities that require a
// capability when what they read of it changes, the capabilities whose dependents count changes, and the
// capabilities whose provider initiatives change.
func (r *CapabilityReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("capability").
		// Every change of the object itself, its status included: see patchStatus.
		For(&roadmapv1.Capability{}).
		// Readiness fan-out: a capability's view changed, so the capabilities requiring it re-evaluate.
		Watches(&roadmapv1.Capability{},
			handler.EnqueueRequestsFromMapFunc(r.capabilitiesRequiring),
			builder.WithPredicates(capabilityViewChanged)).
		// Dependents counts and InUse: when a capability's or initiative's requires change, or an initiative
		// opens or closes (Done, Cancelled), the capabilities it names (before and after: the map function sees
		// both objects of an update) recount their dependents.
		Watches(&roadmapv1.Capability{},
			handler.EnqueueRequestsFromMapFunc(requiredCapabilities),
			builder.WithPredicates(requiresChanged)).
		Watches(&roadmapv1.Initiative{},
			handler.EnqueueRequestsFromMapFunc(requiredCapabilities),
			builder.WithPredicates(requiresChanged)).
		// Providers and ETA: an initiative's provides, target date or state changed.
		Watches(&roadmapv1.Initiative{},
			handler.EnqueueRequestsFromMapFunc(providedCapabilities),
			builder.WithPredicates(providerViewChanged)).
		// Evidence: health changes of checked objects, and the end of a watch's first list.
		WatchesRawSource(source.Channel(r.Evidence.Events, &handler.EnqueueRequestForObject{})).
		// A kubeconfig Secret created, rotated or deleted: the checks that name its cluster re-evaluate.
		WatchesRawSource(source.Kind(r.ClusterSecrets, &corev1.Secret{},
			handler.TypedEnqueueRequestsFromMapFunc(r.capabilitiesCheckingCluster), clusterSecretChanged)).
		// A CRD that appears (or changes) may serve a kind a check names: KindNotFound resolves without restart.
		Watches(&apiextensionsv1.CustomResourceDefinition{},
			handler.EnqueueRequestsFromMapFunc(r.capabilitiesCheckingCRD)).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.MaxConcurrentReconciles}).
		Complete(r)
}

func (r *CapabilityReconciler) capabilitiesCheckingCRD(ctx context.Context, o client.Object) []reconcile.Request {
	crd, ok := o.(*apiextensionsv1.CustomResourceDefinition)
	if !ok {
		return nil
	}
	groupKind := crd.Spec.Names.Kind + "." + crd.Spec.Group
	return requestsFor(ctx, r.Client, &roadmapv1.CapabilityList{}, IndexCapabilityCheckGroupKind, groupKind)
}

// capabilitiesCheckingCluster maps a kubeconfig Secret to the capabilities whose checks name it, or select
// clusters by label (the Secret may enter or leave their selection).
func (r *CapabilityReconciler) capabilitiesCheckingCluster(ctx context.Context, s *corev1.Secret) []reconcile.Request {
	reqs := requestsFor(ctx, r.Client, &roadmapv1.CapabilityList{}, IndexCapabilityCheckCluster, s.Name)
	return append(reqs, requestsFor(ctx, r.Client, &roadmapv1.CapabilityList{}, IndexCapabilityCheckCluster,
		ClusterSelectorIndexValue)...)
}

// clusterSecretChanged passes creations, deletions, and updates of a Secret's data, labels or annotations (what
// makes a cluster, its name and its selection): not the resourceVersion-only updates.
var clusterSecretChanged = predicate.TypedFuncs[*corev1.Secret]{
	UpdateFunc: func(e event.TypedUpdateEvent[*corev1.Secret]) bool {
		o, n := e.ObjectOld, e.ObjectNew
		return !equality.Semantic.DeepEqual(o.Data, n.Data) || !maps.Equal(o.Labels, n.Labels) ||
			!maps.Equal(o.Annotations, n.Annotations)
	},
}

func (r *CapabilityReconciler) capabilitiesRequiring(ctx context.Context, o client.Object) []reconcile.Request {
	return requestsFor(ctx, r.Client, &roadmapv1.CapabilityList{}, IndexCapabilityRequires, o.GetName())
}

// requiredCapabilities maps a capability or an initiative to the capabilities it requires.
func requiredCapabilities(_ context.Context, o client.Object) []reconcile.Request {
	var reqs []reconcile.Request
	for _, name := range requiresOf(o) {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKey{Name: name}})
	}
	return reqs
}

func requiresOf(o client.Object) []string {
	switch t := o.(type) {
	case *roadmapv1.Capability:
		return names(t.Spec.Requires)
	case *roadmapv1.Initiative:
		return names(t.Spec.Requires)
	}
	return nil
}

// capabilityViewChanged passes creations, deletions, and updates that change what dependents read of a
// capability (lifecycle and Ready condition); everything else would only wake dependents to do nothing.
//
// Only evaluated views count: a spec change (say lifecycle Planned to Available) is passed once the capability
// controller has written the status that reflects it, not before. Woken by the spec patch alone, dependents
// would read the new lifecycle beside the old Ready condition, write "not available", and write again a moment
// later: two writes per dependent where one is due.
var capabilityViewChanged = forKind(predicate.TypedFuncs[*roadmapv1.Capability]{
	UpdateFunc: func(e event.TypedUpdateEvent[*roadmapv1.Capability]) bool {
		if !capabilityEvaluated(e.ObjectNew) {
			return false // the status write that reflects this spec will be passed
		}
		return !capabilityEvaluated(e.ObjectOld) ||
			readiness.ViewOfCapability(e.ObjectOld) != readiness.ViewOfCapability(e.ObjectNew)
	},
	GenericFunc: func(event.TypedGenericEvent[*roadmapv1.Capability]) bool { return false },
})

// capabilityEvaluated reports whether a capability's status reflects its current spec.
func capabilityEvaluated(c *roadmapv1.Capability) bool {
	return c.Status.ObservedGeneration == c.Generation
}

// requiresChanged passes creations, deletions, and updates that change spec.requires or whether an initiative
// is still open work (InUse of a Retired capability counts open initiatives only).
var requiresChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		return !slices.Equal(requiresOf(e.ObjectOld), requiresOf(e.ObjectNew)) || openChanged(e.ObjectOld, e.ObjectNew)
	},
	GenericFunc: func(event.GenericEvent) bool { return false },
}

// openChanged reports whether an initiative update moves it between open work and a final state.
func openChanged(before, after client.Object) bool {
	o, okOld := before.(*roadmapv1.Initiative)
	n, okNew := after.(*roadmapv1.Initiative)
	return okOld && okNew && readiness.Open(o.Spec.State) != readiness.Open(n.Spec.State)
}
