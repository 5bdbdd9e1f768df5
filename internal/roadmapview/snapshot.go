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

// Package roadmapview is the read model of the roadmap shared by its front ends (the terminal commands of
// `kubectl roadmap` and the web board): the three kinds read into a Snapshot and indexed (loader.go,
// snapshot.go), and what both front ends show of it: the health of each object (health.go), why an initiative
// or capability is not ready and who must act (why.go), trees (tree.go), the focused view and its graph
// (graph.go), the plan with its critical path and conflicts (plan.go) and the standup (standup.go). It never
// recomputes readiness: every verdict comes from the status of the objects; everything but Load is a pure
// function of a snapshot and a clock, so it is tested without a cluster. Rendering (text, colours, diagrams,
// HTML) is the front ends' business.
package roadmapview

import (
	"sort"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmap"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// Snapshot is everything the commands read: the three kinds, listed once.
type Snapshot struct {
	Capabilities []roadmapv1.Capability
	Initiatives  []roadmapv1.Initiative
	Goals        []roadmapv1.Goal
	// Namespace is the only namespace initiatives were listed in; empty when they were listed in all.
	Namespace string
	// Limited says why initiatives are from one namespace only although all were wanted (RBAC), or is empty.
	Limited string
	// VisibleNamespaces, when set, are the only namespaces whose initiatives a reader may see (the board filters
	// a snapshot per signed-in user); CapabilitiesHidden and GoalsHidden say the reader may not see capabilities
	// or goals. An object they cannot see is then not visible rather than absent: the reader must not be told
	// that it does not exist (which may be false), nor that it does.
	VisibleNamespaces  map[string]bool
	CapabilitiesHidden bool
	GoalsHidden        bool
	// Untraced holds, per namespace that opts in with roadmap.dev/workloads, the workloads the roadmap does not
	// explain (untraced, dangling, break glass): filled by LoadUntraced, nil otherwise.
	Untraced []workloads.Report
	// UntracedNote says why the untraced report is incomplete (RBAC), or is empty.
	UntracedNote string

	capabilities map[string]*roadmapv1.Capability
	initiatives  map[readiness.InitiativeKey]*roadmapv1.Initiative
	goals        map[string]*roadmapv1.Goal
}

// Index sorts the lists and builds the lookups; the loader calls it, tests building a snapshot by hand must too.
func (s *Snapshot) Index() *Snapshot {
	sort.Slice(s.Capabilities, func(i, j int) bool { return s.Capabilities[i].Name < s.Capabilities[j].Name })
	sort.Slice(s.Goals, func(i, j int) bool { return s.Goals[i].Name < s.Goals[j].Name })
	sort.Slice(s.Initiatives, func(i, j int) bool {
		return KeyOf(&s.Initiatives[i]).String() < KeyOf(&s.Initiatives[j]).String()
	})
	s.capabilities = map[string]*roadmapv1.Capability{}
	for i := range s.Capabilities {
		s.capabilities[s.Capabilities[i].Name] = &s.Capabilities[i]
	}
	s.initiatives = map[readiness.InitiativeKey]*roadmapv1.Initiative{}
	for i := range s.Initiatives {
		s.initiatives[KeyOf(&s.Initiatives[i])] = &s.Initiatives[i]
	}
	s.goals = map[string]*roadmapv1.Goal{}
	for i := range s.Goals {
		s.goals[s.Goals[i].Name] = &s.Goals[i]
	}
	return s
}

// Capability returns the named capability, or nil.
func (s *Snapshot) Capability(name string) *roadmapv1.Capability { return s.capabilities[name] }

// Initiative returns the initiative, or nil.
func (s *Snapshot) Initiative(namespace, name string) *roadmapv1.Initiative {
	return s.initiatives[readiness.InitiativeKey{Namespace: namespace, Name: name}]
}

// Goal returns the named goal, or nil.
func (s *Snapshot) Goal(name string) *roadmapv1.Goal { return s.goals[name] }

// Visible reports whether an initiative in namespace was listed: false when the listing was limited to another
// namespace, so a missing initiative there is unknown rather than absent.
func (s *Snapshot) Visible(namespace string) bool {
	if s.VisibleNamespaces != nil {
		return s.VisibleNamespaces[namespace]
	}
	return s.Namespace == "" || s.Namespace == namespace
}

// Missing says why a referenced object is not in the snapshot, by kind (Capability, Goal or Initiative):
// StatusNotVisible when the reader may not see objects of its kind or namespace, StatusNotFound when it does not
// exist. For an object the snapshot holds it returns "".
func (s *Snapshot) Missing(kind, namespace, name string) string {
	switch kind {
	case "Capability":
		switch {
		case s.Capability(name) != nil:
			return ""
		case s.CapabilitiesHidden:
			return StatusNotVisible
		}
	case "Goal":
		switch {
		case s.Goal(name) != nil:
			return ""
		case s.GoalsHidden:
			return StatusNotVisible
		}
	case "Initiative":
		switch {
		case s.Initiative(namespace, name) != nil:
			return ""
		case !s.Visible(namespace):
			return StatusNotVisible
		}
	}
	return StatusNotFound
}

// MissingText is what a reader is told of a missing object of that status: "not visible to you" or "does not
// exist".
func MissingText(status string) string {
	if status == StatusNotVisible {
		return "not visible to you"
	}
	return "does not exist"
}

// ChildGoals returns the goals whose parent is the named goal, by name.
func (s *Snapshot) ChildGoals(name string) []*roadmapv1.Goal {
	var out []*roadmapv1.Goal
	for i := range s.Goals {
		if string(s.Goals[i].Spec.Parent) == name {
			out = append(out, &s.Goals[i])
		}
	}
	return out
}

// InitiativesServing returns the initiatives that name the goal in spec.goals.
func (s *Snapshot) InitiativesServing(goal string) []*roadmapv1.Initiative {
	var out []*roadmapv1.Initiative
	for i := range s.Initiatives {
		for _, g := range s.Initiatives[i].Spec.Goals {
			if string(g) == goal {
				out = append(out, &s.Initiatives[i])
				break
			}
		}
	}
	return out
}

// Prerequisites returns the initiatives an initiative must wait for, as the plan sees them: those it depends on,
// and the providers of the capabilities it requires and of the capabilities those require in turn (a capability
// is Ready only when its prerequisites are), other than itself, each once, in spec order.
func (s *Snapshot) Prerequisites(ini *roadmapv1.Initiative) []readiness.InitiativeKey {
	self := KeyOf(ini)
	seen := map[readiness.InitiativeKey]bool{self: true}
	var out []readiness.InitiativeKey
	add := func(k readiness.InitiativeKey) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, k := range readiness.DependsOnKeys(ini) {
		add(k)
	}
	visited := map[string]bool{}
	queue := make([]string, 0, len(ini.Spec.Requires))
	for _, name := range ini.Spec.Requires {
		queue = append(queue, string(name))
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		c := s.Capability(name)
		if visited[name] || c == nil {
			continue
		}
		visited[name] = true
		for _, p := range c.Status.Providers {
			if p.State != roadmapv1.StateCancelled {
				add(readiness.InitiativeKey{Namespace: p.Namespace, Name: p.Name})
			}
		}
		for _, r := range c.Spec.Requires {
			queue = append(queue, string(r))
		}
	}
	return out
}

// KeyOf is the namespace/name key of an initiative.
func KeyOf(ini *roadmapv1.Initiative) readiness.InitiativeKey {
	return readiness.InitiativeKey{Namespace: ini.Namespace, Name: ini.Name}
}

// ReadyCondition returns the Ready condition, or nil before the operator has written one.
func ReadyCondition(conds []metav1.Condition) *metav1.Condition {
	return apimeta.FindStatusCondition(conds, roadmapv1.ConditionReady)
}

// IsReady reports whether a capability's Ready condition is True.
func IsReady(c *roadmapv1.Capability) bool {
	cond := ReadyCondition(c.Status.Conditions)
	return cond != nil && cond.Status == metav1.ConditionTrue
}

// CapabilityReason is the reason of a capability's Ready condition, "" before the operator has evaluated it.
func CapabilityReason(c *roadmapv1.Capability) string {
	if cond := ReadyCondition(c.Status.Conditions); cond != nil {
		return cond.Reason
	}
	return ""
}

// CapabilityPhase is the phase, or "Unknown" before the operator has evaluated the capability's current spec.
func CapabilityPhase(c *roadmapv1.Capability) string {
	if !Evaluated(string(c.Status.Phase), c.Status.ObservedGeneration, c.Generation) {
		return "Unknown"
	}
	return string(c.Status.Phase)
}

// InitiativePhase is the phase, or "Unknown" before the operator has evaluated the initiative's current spec.
func InitiativePhase(ini *roadmapv1.Initiative) string {
	if !Evaluated(string(ini.Status.Phase), ini.Status.ObservedGeneration, ini.Generation) {
		return "Unknown"
	}
	return string(ini.Status.Phase)
}

// StateOf is the declared state of an initiative, Proposed when unset.
func StateOf(ini *roadmapv1.Initiative) roadmapv1.InitiativeState {
	if ini.Spec.State == "" {
		return roadmapv1.StateProposed
	}
	return ini.Spec.State
}

// Open reports whether the initiative is neither Done nor Cancelled.
func Open(ini *roadmapv1.Initiative) bool {
	return ini.Status.Phase != roadmapv1.PhaseDone && ini.Status.Phase != roadmapv1.PhaseCancelled &&
		ini.Spec.State != roadmapv1.StateDone && ini.Spec.State != roadmapv1.StateCancelled
}

// ScheduleConflictOf is the message of the initiative's ScheduleConflict condition while it is True, and empty
// otherwise: the operator's verdict, read as it is written.
func ScheduleConflictOf(ini *roadmapv1.Initiative) string {
	c := apimeta.FindStatusCondition(ini.Status.Conditions, roadmapv1.ConditionScheduleConflict)
	if c == nil || c.Status != metav1.ConditionTrue {
		return ""
	}
	return c.Message
}

// Today is the calendar date of now in UTC, the zone target dates are compared in by the operator.
func Today(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DaysPast returns how many whole days the date lies before today, and false when it is not a valid date.
func DaysPast(date roadmapv1.Date, now time.Time) (int, bool) {
	t, ok := roadmap.ParseDate(date)
	if !ok {
		return 0, false
	}
	return int(Today(now).Sub(t).Hours() / 24), true
}

// InCluster is " in cluster <name>" for a check result from another cluster, empty for the operator's own.
func InCluster(check roadmapv1.CheckStatus) string {
	if check.Cluster == "" {
		return ""
	}
	return " in cluster " + check.Cluster
}

// Evaluated reports whether the status describes the current spec: written at all, and not for an older
// generation (the kstatus rule, which Argo CD's checks follow as "Waiting for the controller").
func Evaluated(phase string, observedGeneration, generation int64) bool {
	return phase != "" && observedGeneration >= generation
}
