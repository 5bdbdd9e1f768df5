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
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/conditions"
	"github.com/roadmap-operator/roadmap-operator/internal/graph"
	"github.com/roadmap-operator/roadmap-operator/internal/metrics"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmap"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// InitiativeReconciler computes each Initiative's phase from the capabilities it requires and the initiatives it
// depends on.
type InitiativeReconciler struct {
	client.Client
	Recorder events.EventRecorder
	// MaxConcurrentReconciles is the number of workers; 0 means controller-runtime's default of 1.
	MaxConcurrentReconciles int
	// CapabilityNotFoundGrace: see Options.
	CapabilityNotFoundGrace time.Duration
	// WorkloadKinds are the workload kinds whose roadmap.dev/initiative label links them to an initiative.
	WorkloadKinds []schema.GroupVersionKind
}

// +kubebuilder:rbac:groups=roadmap.dev,resources=initiatives,verbs=get;list;watch
// +kubebuilder:rbac:groups=roadmap.dev,resources=initiatives/status,verbs=get;update;patch

// Reconcile fetches the initiative, evaluates it from the cache, and writes its status once, only if it changed.
func (r *InitiativeReconciler) Reconcile(ctx context.Context, req ctrl.Request) (_ ctrl.Result, reterr error) {
	initiative := &roadmapv1.Initiative{}
	if err := r.Get(ctx, req.NamespacedName, initiative); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !initiative.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}

	original := initiative.DeepCopy()
	var transitions []readiness.Event
	defer func() {
		if err := patchStatus(ctx, r.Client, r.Recorder, original, initiative, transitions,
			func() { r.observeUnblock(ctx, original, initiative) }); err != nil {
			reterr = err
		}
	}()

	facts, providers, err := r.facts(ctx, initiative)
	if err != nil {
		return ctrl.Result{}, err
	}
	graceLeft := r.notFoundGraceLeft(initiative, time.Now())
	facts.InNotFoundGrace = graceLeft > 0
	phase, res := readiness.EvaluateInitiative(facts)
	p, err := r.plan(ctx, initiative, facts, providers)
	if err != nil {
		return ctrl.Result{}, err
	}
	ws, err := workloadsOf(ctx, r.Client, r.WorkloadKinds, initiative.Namespace, initiative.Name)
	if err != nil {
		return ctrl.Result{}, err
	}
	deployed := workloads.Summarize(ws)
	initiative.Status.Workloads = deployed
	p.startedEarly = readiness.StartedEarly(initiative.Spec.Track, initiative.Spec.State, res, deployed)
	transitions = initiativeTransitions(initiative, res, p)
	setInitiativeStatus(initiative, phase, res, p)
	if facts.InNotFoundGrace && res.Waiting && missingUnprovided(res, facts) {
		// Look again when the grace is over: the missing capability is broken configuration from then on.
		return ctrl.Result{RequeueAfter: graceLeft}, nil
	}
	return ctrl.Result{}, nil
}

// missingUnprovided reports whether the initiative waits on a capability that does not exist and that no
// initiative provides: the case the grace period is for.
func missingUnprovided(res readiness.Result, facts readiness.InitiativeFacts) bool {
	for _, u := range res.Unmet {
		if u.Reason == roadmapv1.ReasonCapabilityNotFound && facts.Providers[u.Name] == 0 {
			return true
		}
	}
	return false
}

// notFoundGraceLeft is how much of the grace period for a missing capability is left: it runs from when the
// initiative was created or last stopped being Ready, whichever is later (a Ready initiative whose capability
// disappears starts it now).
func (r *InitiativeReconciler) notFoundGraceLeft(ini *roadmapv1.Initiative, now time.Time) time.Duration {
	since := ini.CreationTimestamp.Time
	ready := apimeta.FindStatusCondition(ini.Status.Conditions, roadmapv1.ConditionReady)
	switch {
	case ready != nil && ready.Status == metav1.ConditionTrue:
		since = now
	case ready != nil && ready.LastTransitionTime.After(since):
		since = ready.LastTransitionTime.Time
	}
	return r.CapabilityNotFoundGrace - now.Sub(since)
}

// planning is the roadmap view of an initiative: alignment to goals, priority and schedule, and whether it
// started before its platform is ready.
type planning struct {
	aligned, prioritized, schedule conditions.Outcome
	score                          string
	startedEarly                   conditions.Outcome
}

// plan evaluates alignment, priority and schedule conflicts from the cache.
func (r *InitiativeReconciler) plan(ctx context.Context, ini *roadmapv1.Initiative, facts readiness.InitiativeFacts,
	providers map[string][]roadmap.Provider) (planning, error) {
	var p planning
	existing := map[string]bool{}
	for _, goal := range names(ini.Spec.Goals) {
		err := r.Get(ctx, client.ObjectKey{Name: goal}, &roadmapv1.Goal{})
		if err != nil && !apierrors.IsNotFound(err) {
			return p, fmt.Errorf("reading goal %q of initiative %s/%s: %w", goal, ini.Namespace, ini.Name, err)
		}
		existing[goal] = err == nil
	}
	aligned, traceable := roadmap.Alignment(names(ini.Spec.Goals), func(goal string) bool { return existing[goal] })
	p.aligned = aligned
	p.score, p.prioritized = roadmap.Priority(ini.Spec, traceable)
	switch ini.Spec.State {
	case roadmapv1.StateDone, roadmapv1.StateCancelled:
		p.schedule = conditions.Outcome{Reason: roadmapv1.ScheduleReasonNoConflict, Message: "initiative is " + string(ini.Spec.State)}
	default:
		ready := map[string]bool{}
		for name, c := range facts.Capabilities {
			ready[name] = c.Ready
		}
		p.schedule = roadmap.ScheduleConflict(ini.Spec.TargetDate, facts.Requires, ready, providers)
	}
	return p, nil
}

// setInitiativeStatus writes an evaluation into the initiative's status.
func setInitiativeStatus(ini *roadmapv1.Initiative, phase roadmapv1.InitiativePhase, res readiness.Result, p planning) {
	// completedAt reads the phase and the Ready condition as they were, so before the evaluation is written.
	var readySince *metav1.Time
	if ready := apimeta.FindStatusCondition(ini.Status.Conditions, roadmapv1.ConditionReady); ready != nil {
		readySince = &ready.LastTransitionTime
	}
	ini.Status.CompletedAt = readiness.CompletedAt(ini.Status.Phase, phase, ini.Status.CompletedAt, readySince, time.Now())
	readiness.SetInitiativeStatus(ini, phase, res)
	ini.Status.PriorityScore = p.score
	conditions.Set(&ini.Status.Conditions, roadmapv1.ConditionAligned, conditions.Always, ini.Generation, p.aligned)
	conditions.Set(&ini.Status.Conditions, roadmapv1.ConditionScheduleConflict, conditions.Always, ini.Generation, p.schedule)
	conditions.Set(&ini.Status.Conditions, roadmapv1.ConditionPrioritized, conditions.Always, ini.Generation, p.prioritized)
	conditions.Set(&ini.Status.Conditions, roadmapv1.ConditionStartedEarly, conditions.AbnormalTrue, ini.Generation, p.startedEarly)
}

// facts gathers, from the cache, what the initiative's readiness depends on.
func (r *InitiativeReconciler) facts(ctx context.Context, ini *roadmapv1.Initiative) (
	readiness.InitiativeFacts, map[string][]roadmap.Provider, error) {
	self := readiness.InitiativeKey{Namespace: ini.Namespace, Name: ini.Name}
	facts := readiness.InitiativeFacts{
		Key:          self,
		State:        ini.Spec.State,
		Requires:     names(ini.Spec.Requires),
		Capabilities: map[string]readiness.CapabilityView{},
		DependsOn:    readiness.DependsOnKeys(ini),
		Initiatives:  map[readiness.InitiativeKey]roadmapv1.InitiativeState{},
		Providers:    map[string]int{},
	}
	providers := map[string][]roadmap.Provider{}
	if facts.State == roadmapv1.StateDone || facts.State == roadmapv1.StateCancelled {
		return facts, providers, nil // final states do not look at prerequisites
	}
	for _, name := range facts.Requires {
		c := &roadmapv1.Capability{}
		err := r.Get(ctx, client.ObjectKey{Name: name}, c)
		switch {
		case apierrors.IsNotFound(err):
			// Still count its providers: a capability an initiative provides is expected, not a broken reference.
		case err != nil:
			return facts, nil, fmt.Errorf("reading required capability %q: %w", name, err)
		default:
			facts.Capabilities[name] = readiness.ViewOfCapability(c)
		}
		if providers[name], err = providersOf(ctx, r.Client, name); err != nil {
			return facts, nil, err
		}
		for _, p := range providers[name] {
			if p.Planned() {
				facts.Providers[name]++
			}
		}
	}
	dependsOn := map[string][]readiness.InitiativeKey{self.String(): facts.DependsOn}
	for _, key := range facts.DependsOn {
		dep := &roadmapv1.Initiative{}
		err := r.Get(ctx, client.ObjectKey{Namespace: key.Namespace, Name: key.Name}, dep)
		switch {
		case apierrors.IsNotFound(err):
			continue
		case err != nil:
			return facts, nil, fmt.Errorf("reading initiative %s it depends on: %w", key, err)
		}
		facts.Initiatives[key] = dep.Spec.State
		dependsOn[key.String()] = readiness.DependsOnKeys(dep)
	}
	cycle, err := graph.ReadCycle(self.String(), func(node string) ([]string, error) {
		keys, ok := dependsOn[node]
		if !ok {
			ns, name, _ := strings.Cut(node, "/")
			other := &roadmapv1.Initiative{}
			if err := r.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, other); err != nil {
				return nil, client.IgnoreNotFound(err)
			}
			keys = readiness.DependsOnKeys(other)
		}
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = k.String()
		}
		return out, nil
	})
	if err != nil {
		return facts, nil, fmt.Errorf("walking the dependsOn graph of initiative %s: %w", self, err)
	}
	facts.Cycle = cycle
	return facts, providers, nil
}

// observeUnblock records, once an initiative's Blocked → Ready transition is written, how long it was blocked
// and how long the unblocking took to propagate from its last required capability.
func (r *InitiativeReconciler) observeUnblock(ctx context.Context, before, after *roadmapv1.Initiative) {
	if before.Status.Phase != roadmapv1.PhaseBlocked || after.Status.Phase != roadmapv1.PhaseReady {
		return
	}
	now := time.Now()
	if blocked := apimeta.FindStatusCondition(before.Status.Conditions, roadmapv1.ConditionReady); blocked != nil {
		metrics.BlockedSeconds.Observe(now.Sub(blocked.LastTransitionTime.Time).Seconds())
	}
	var enabled time.Time
	for _, name := range after.Spec.Requires {
		c := &roadmapv1.Capability{}
		if err := r.Get(ctx, client.ObjectKey{Name: string(name)}, c); err != nil {
			return
		}
		if ready := apimeta.FindStatusCondition(c.Status.Conditions, roadmapv1.ConditionReady); ready != nil &&
			ready.LastTransitionTime.After(enabled) {
			enabled = ready.LastTransitionTime.Time
		}
	}
	if !enabled.IsZero() {
		metrics.PropagationSeconds.Observe(now.Sub(enabled).Seconds())
	}
}

// initiativeTransitions are the events to tell when the status about to be written flips a condition:
// readiness, alignment, schedule, and work started before its platform is ready.
func initiativeTransitions(ini *roadmapv1.Initiative, res readiness.Result, p planning) []readiness.Event {
	var evs []readiness.Event
	previous := apimeta.FindStatusCondition(ini.Status.Conditions, roadmapv1.ConditionReady)
	if ev, ok := readiness.TransitionEvent("Initiative", previous, res); ok {
		evs = append(evs, ev)
	}
	if !p.aligned.True && flips(ini.Status.Conditions, roadmapv1.ConditionAligned, p.aligned) {
		evs = append(evs, readiness.Event{Type: corev1.EventTypeWarning, Reason: "Unaligned", Message: p.aligned.Message})
	}
	if p.schedule.True && flips(ini.Status.Conditions, roadmapv1.ConditionScheduleConflict, p.schedule) {
		evs = append(evs, readiness.Event{Type: corev1.EventTypeWarning, Reason: roadmapv1.ConditionScheduleConflict, Message: p.schedule.Message})
	}
	if p.startedEarly.True && flips(ini.Status.Conditions, roadmapv1.ConditionStartedEarly, p.startedEarly) {
		evs = append(evs, readiness.Event{Type: corev1.EventTypeWarning, Reason: roadmapv1.ConditionStartedEarly, Message: p.startedEarly.Message})
	}
	return evs
}

// flips reports whether writing o changes the status of the condition conditionType in list (absent included).
func flips(list []metav1.Condition, conditionType string, o conditions.Outcome) bool {
	return conditions.Flips(apimeta.FindStatusCondition(list, conditionType), o)
}

// SetupWithManager wires the watches: the initiative itself, the initiatives requiring a
// capability when what they read of it changes, and the initiatives depending on an initiative when its state,
// its own dependsOn (cycles) or its Ready condition changes.
func (r *InitiativeReconciler) SetupWithManager(mgr ctrl.Manager) error {
	b := ctrl.NewControllerManagedBy(mgr).
		Named("initiative").
		// Every change of the object itself, its status included: see patchStatus.
		For(&roadmapv1.Initiative{}).
		Watches(&roadmapv1.Capability{},
			handler.EnqueueRequestsFromMapFunc(r.initiativesRequiring),
			builder.WithPredicates(capabilityViewChanged)).
		Watches(&roadmapv1.Initiative{},
			handler.EnqueueRequestsFromMapFunc(r.initiativesDependingOn),
			builder.WithPredicates(dependencyViewChanged)).
		// Providers: NoProvider and schedule conflicts of the initiatives requiring what a provider provides.
		Watches(&roadmapv1.Initiative{},
			handler.EnqueueRequestsFromMapFunc(r.initiativesRequiringProvided),
			builder.WithPredicates(providerViewChanged)).
		// Alignment: a goal that appears or disappears.
		Watches(&roadmapv1.Goal{},
			handler.EnqueueRequestsFromMapFunc(r.initiativesServing),
			builder.WithPredicates(createdOrDeleted))
	// Workloads: the initiative their label names, and no other (workloads.go).
	return watchWorkloads(b, r.WorkloadKinds).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.MaxConcurrentReconciles}).
		Complete(r)
}

func (r *InitiativeReconciler) initiativesRequiring(ctx context.Context, o client.Object) []reconcile.Request {
	return requestsFor(ctx, r.Client, &roadmapv1.InitiativeList{}, IndexInitiativeRequires, o.GetName())
}

// initiativesRequiringProvided maps a provider initiative to the initiatives requiring what it provides.
func (r *InitiativeReconciler) initiativesRequiringProvided(ctx context.Context, o client.Object) []reconcile.Request {
	var reqs []reconcile.Request
	for _, c := range providedCapabilities(ctx, o) {
		reqs = append(reqs, requestsFor(ctx, r.Client, &roadmapv1.InitiativeList{}, IndexInitiativeRequires, c.Name)...)
	}
	return reqs
}

func (r *InitiativeReconciler) initiativesServing(ctx context.Context, o client.Object) []reconcile.Request {
	return requestsFor(ctx, r.Client, &roadmapv1.InitiativeList{}, IndexInitiativeGoals, o.GetName())
}

func (r *InitiativeReconciler) initiativesDependingOn(ctx context.Context, o client.Object) []reconcile.Request {
	key := readiness.InitiativeKey{Namespace: o.GetNamespace(), Name: o.GetName()}
	return requestsFor(ctx, r.Client, &roadmapv1.InitiativeList{}, IndexInitiativeDependsOn, key.String())
}

// dependencyViewChanged passes creations, deletions, and the updates of an initiative that its dependents read:
// its state, its dependsOn (which may close or open a cycle through them), and its Ready condition's reason
// (which carries a cycle around the loop to every member).
var dependencyViewChanged = forKind(predicate.TypedFuncs[*roadmapv1.Initiative]{
	UpdateFunc: func(e event.TypedUpdateEvent[*roadmapv1.Initiative]) bool {
		o, n := e.ObjectOld, e.ObjectNew
		return o.Spec.State != n.Spec.State ||
			!slices.Equal(readiness.DependsOnKeys(o), readiness.DependsOnKeys(n)) ||
			readyReason(o.Status.Conditions) != readyReason(n.Status.Conditions)
	},
	GenericFunc: func(event.TypedGenericEvent[*roadmapv1.Initiative]) bool { return false },
})

func readyReason(conditions []metav1.Condition) string {
	if c := apimeta.FindStatusCondition(conditions, roadmapv1.ConditionReady); c != nil {
		return c.Reason
	}
	return ""
}

// createdOrDeleted passes only creations and deletions.
var createdOrDeleted = predicate.Funcs{
	UpdateFunc:  func(event.UpdateEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
}
