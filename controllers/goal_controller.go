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
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/conditions"
	"github.com/roadmap-operator/roadmap-operator/internal/graph"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmap"
	"github.com/roadmap-operator/roadmap-operator/internal/rollup"
)

// GoalReconciler rolls up the initiatives serving each Goal and its descendant goals.
type GoalReconciler struct {
	client.Client
	Recorder events.EventRecorder
	// MaxConcurrentReconciles is the number of workers; 0 means controller-runtime's default of 1.
	MaxConcurrentReconciles int
	// Now is the clock; nil means time.Now. Whether blocked work is past its date depends on it.
	Now func() time.Time
	// Rollup coalesces the rollups of bursts of initiative changes (see rollup.Coalescer); a zero window rolls
	// up at every change.
	Rollup rollup.Options

	rollups *rollup.Coalescer
}

// +kubebuilder:rbac:groups=roadmap.dev,resources=goals,verbs=get;list;watch
// +kubebuilder:rbac:groups=roadmap.dev,resources=goals/status,verbs=get;update;patch

// Reconcile fetches the goal, rolls up its contributions from the cache, and writes its status once, only if it
// changed. The one time-driven requeue is the moment a blocked initiative's target date passes.
func (r *GoalReconciler) Reconcile(ctx context.Context, req ctrl.Request) (_ ctrl.Result, reterr error) {
	goal := &roadmapv1.Goal{}
	if err := r.Get(ctx, req.NamespacedName, goal); err != nil {
		if apierrors.IsNotFound(err) {
			r.rollups.Forget(req.Name)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !goal.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	// A burst of initiative changes is rolled up once it is over; a change of the goal's own spec at once. A new
	// goal waits like a change: created beside its initiatives (a first start, a restore), it would otherwise be
	// rolled up once before any of them is evaluated, for nothing.
	now := time.Now()
	if goal.Status.ObservedGeneration < 1 {
		r.rollups.PendingSince(goal.Name, now)
	}
	if goal.Status.ObservedGeneration >= 1 && goal.Status.ObservedGeneration != goal.Generation {
		r.rollups.Forget(goal.Name)
	} else if d := r.rollups.Take(goal.Name, goal.ResourceVersion, now); d.Wait > 0 {
		return ctrl.Result{RequeueAfter: d.Wait}, nil
	} else if d.Echo {
		if d.NextCheck.IsZero() {
			return ctrl.Result{}, nil
		}
		return ctrl.Result{RequeueAfter: max(d.NextCheck.Sub(r.now()), time.Millisecond)}, nil
	}
	original := goal.DeepCopy()
	var transitions []readiness.Event
	var nextCheck time.Time
	defer func() {
		if err := patchStatus(ctx, r.Client, r.Recorder, original, goal, transitions, func() {
			r.rollups.Wrote(goal.Name, goal.ResourceVersion, nextCheck) // the version the patch produced
		}); err != nil {
			reterr = err
		}
	}()

	facts, err := r.facts(ctx, goal)
	if err != nil {
		return ctrl.Result{}, err
	}
	res := roadmap.EvaluateGoal(facts)
	transitions = goalTransitions(goal, res)
	setGoalStatus(goal, res)
	nextCheck = res.NextCheck

	if res.NextCheck.IsZero() {
		return ctrl.Result{}, nil
	}
	return ctrl.Result{RequeueAfter: res.NextCheck.Sub(facts.Now)}, nil
}

func (r *GoalReconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// setGoalStatus writes a rollup into the goal's status.
func setGoalStatus(goal *roadmapv1.Goal, res roadmap.GoalResult) {
	goal.Status.ObservedGeneration = goal.Generation
	goal.Status.Initiatives = res.Counts
	goal.Status.Progress = res.Progress
	goal.Status.KeyResults = res.KeyResults
	goal.Status.KeyResultAttainment = res.KeyResultAttainment
	readiness.SetConditions(&goal.Status.Conditions, goal.Generation, readiness.Result{
		Ready: res.Ready.True, Reason: res.Ready.Reason, Message: res.Ready.Message, Broken: res.Broken})
	conditions.Set(&goal.Status.Conditions, roadmapv1.ConditionAtRisk, conditions.Always, goal.Generation, res.AtRisk)
}

// facts gathers the goal's parent chain and the initiatives serving it or any goal below it.
func (r *GoalReconciler) facts(ctx context.Context, goal *roadmapv1.Goal) (roadmap.GoalFacts, error) {
	facts := roadmap.GoalFacts{Name: goal.Name, TargetDate: goal.Spec.TargetDate, KeyResults: goal.Spec.KeyResults, Now: r.now()}
	if parent := string(goal.Spec.Parent); parent != "" {
		err := r.Get(ctx, client.ObjectKey{Name: parent}, &roadmapv1.Goal{})
		switch {
		case apierrors.IsNotFound(err):
			facts.MissingParent = parent
		case err != nil:
			return facts, fmt.Errorf("reading parent goal %q: %w", parent, err)
		}
	}
	cycle, err := graph.ReadCycle(goal.Name, func(name string) ([]string, error) {
		g := goal
		if name != goal.Name {
			g = &roadmapv1.Goal{}
			if err := r.Get(ctx, client.ObjectKey{Name: name}, g); err != nil {
				return nil, client.IgnoreNotFound(err)
			}
		}
		if g.Spec.Parent == "" {
			return nil, nil
		}
		return []string{string(g.Spec.Parent)}, nil
	})
	if err != nil {
		return facts, fmt.Errorf("walking the parents of goal %q: %w", goal.Name, err)
	}
	facts.Cycle = cycle

	goals, err := r.subtree(ctx, goal.Name)
	if err != nil {
		return facts, err
	}
	seen := map[string]bool{}
	for _, g := range goals {
		list := &roadmapv1.InitiativeList{}
		if err := r.List(ctx, list, client.MatchingFields{IndexInitiativeGoals: g}); err != nil {
			return facts, fmt.Errorf("listing initiatives serving goal %q: %w", g, err)
		}
		for i := range list.Items {
			c := contributionOf(&list.Items[i])
			if !seen[c.Key()] {
				seen[c.Key()] = true
				facts.Contributions = append(facts.Contributions, c)
			}
		}
	}
	return facts, nil
}

// subtree returns the goal and every goal below it, each once, however the parents loop.
func (r *GoalReconciler) subtree(ctx context.Context, root string) ([]string, error) {
	out := []string{root}
	seen := map[string]bool{root: true}
	for i := 0; i < len(out); i++ {
		children := &roadmapv1.GoalList{}
		if err := r.List(ctx, children, client.MatchingFields{IndexGoalParent: out[i]}); err != nil {
			return nil, fmt.Errorf("listing sub-goals of %q: %w", out[i], err)
		}
		for _, c := range children.Items {
			if !seen[c.Name] {
				seen[c.Name] = true
				out = append(out, c.Name)
			}
		}
	}
	return out, nil
}

// contributionOf is what a goal reads of an initiative.
func contributionOf(ini *roadmapv1.Initiative) roadmap.Contribution {
	return roadmap.Contribution{
		Namespace: ini.Namespace, Name: ini.Name, Track: ini.Spec.Track, Phase: ini.Status.Phase,
		Value: ini.Spec.Value, TargetDate: ini.Spec.TargetDate,
		ScheduleConflict: apimeta.IsStatusConditionTrue(ini.Status.Conditions, roadmapv1.ConditionScheduleConflict),
		StartedEarly:     apimeta.IsStatusConditionTrue(ini.Status.Conditions, roadmapv1.ConditionStartedEarly),
	}
}

// goalTransitions are the events to tell when the status about to be written breaks the goal's configuration,
// puts it at risk, or brings it back on track.
func goalTransitions(goal *roadmapv1.Goal, res roadmap.GoalResult) []readiness.Event {
	var evs []readiness.Event
	previous := apimeta.FindStatusCondition(goal.Status.Conditions, roadmapv1.ConditionReady)
	if !res.Ready.True && (previous == nil || previous.Reason != res.Ready.Reason) {
		evs = append(evs, readiness.Event{Type: corev1.EventTypeWarning, Reason: res.Ready.Reason, Message: res.Ready.Message})
	}
	switch {
	case res.AtRisk.True && flips(goal.Status.Conditions, roadmapv1.ConditionAtRisk, res.AtRisk):
		evs = append(evs, readiness.Event{Type: corev1.EventTypeWarning, Reason: "AtRisk", Message: res.AtRisk.Message})
	case apimeta.IsStatusConditionTrue(goal.Status.Conditions, roadmapv1.ConditionAtRisk) && !res.AtRisk.True:
		evs = append(evs, readiness.Event{Type: corev1.EventTypeNormal, Reason: roadmapv1.GoalReasonOnTrack, Message: res.AtRisk.Message})
	}
	return evs
}

// SetupWithManager wires the watches: the goal itself; the goals an initiative serves (and
// their ancestors) when what a goal reads of it changes; a goal's ancestors when its parent changes, and its
// children when it appears or disappears (their ParentNotFound).
func (r *GoalReconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.rollups = rollup.New(r.Rollup)
	if err := mgr.Add(r.rollups); err != nil {
		return fmt.Errorf("adding the goal rollup coalescer: %w", err)
	}
	initiativeChanges := rollup.EnqueueCoalesced(r.rollups, r.goalsServedBy)
	goalChanges := rollup.EnqueueUrgent(r.rollups, r.relatedGoals)
	return ctrl.NewControllerManagedBy(mgr).
		Named("goal").
		// Every change of the object itself, its status included: see patchStatus.
		For(&roadmapv1.Goal{}).
		Watches(&roadmapv1.Initiative{}, initiativeChanges, builder.WithPredicates(contributionChanged)).
		Watches(&roadmapv1.Goal{}, goalChanges, builder.WithPredicates(parentChanged)).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.MaxConcurrentReconciles}).
		Complete(r)
}

// goalsServedBy maps an initiative to the goals it names and all their ancestors, whose rollups include it.
func (r *GoalReconciler) goalsServedBy(ctx context.Context, o client.Object) []reconcile.Request {
	ini, ok := o.(*roadmapv1.Initiative)
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	var reqs []reconcile.Request
	for _, g := range ini.Spec.Goals {
		reqs = r.appendAncestors(ctx, reqs, seen, string(g))
	}
	return reqs
}

// relatedGoals maps a goal to its ancestors (old and new parent chains: the map function sees both objects of
// an update) and its children.
func (r *GoalReconciler) relatedGoals(ctx context.Context, o client.Object) []reconcile.Request {
	goal, ok := o.(*roadmapv1.Goal)
	if !ok {
		return nil
	}
	seen := map[string]bool{goal.Name: true}
	var reqs []reconcile.Request
	if goal.Spec.Parent != "" {
		reqs = r.appendAncestors(ctx, reqs, seen, string(goal.Spec.Parent))
	}
	children := &roadmapv1.GoalList{}
	if err := r.List(ctx, children, client.MatchingFields{IndexGoalParent: goal.Name}); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing sub-goals from the cache", "goal", goal.Name)
		return reqs
	}
	for _, c := range children.Items {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKey{Name: c.Name}})
	}
	return reqs
}

// appendAncestors appends the goal and its ancestors, stopping at a missing goal or a loop.
func (r *GoalReconciler) appendAncestors(ctx context.Context, reqs []reconcile.Request, seen map[string]bool, name string) []reconcile.Request {
	for name != "" && !seen[name] {
		seen[name] = true
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKey{Name: name}})
		g := &roadmapv1.Goal{}
		if err := r.Get(ctx, client.ObjectKey{Name: name}, g); err != nil {
			break
		}
		name = string(g.Spec.Parent)
	}
	return reqs
}

// contributionChanged passes creations, deletions, and initiative updates that change what a goal reads.
var contributionChanged = forKind(predicate.TypedFuncs[*roadmapv1.Initiative]{
	UpdateFunc: func(e event.TypedUpdateEvent[*roadmapv1.Initiative]) bool {
		o, n := e.ObjectOld, e.ObjectNew
		return !equality.Semantic.DeepEqual(o.Spec.Goals, n.Spec.Goals) ||
			!equality.Semantic.DeepEqual(contributionOf(o), contributionOf(n))
	},
	GenericFunc: func(event.TypedGenericEvent[*roadmapv1.Initiative]) bool { return false },
})

// parentChanged passes creations, deletions, and goal updates that change spec.parent.
var parentChanged = forKind(predicate.TypedFuncs[*roadmapv1.Goal]{
	UpdateFunc: func(e event.TypedUpdateEvent[*roadmapv1.Goal]) bool {
		return e.ObjectOld.Spec.Parent != e.ObjectNew.Spec.Parent
	},
	GenericFunc: func(event.TypedGenericEvent[*roadmapv1.Goal]) bool { return false },
})
