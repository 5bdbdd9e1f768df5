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

package roadmapview

import (
	"fmt"

	"k8s.io/apimachinery/pkg/types"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/evidence"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
)

// TreeNode is one line of `kubectl roadmap tree`.
type TreeNode struct {
	// Label names the object, e.g. Goal/realtime-personalisation, with its relation to the parent when that is
	// not the obvious one ("provided by Initiative/ops/kafka-cluster").
	Label   string
	Status  string
	Health  Health
	Owner   string
	Due     string
	Message string
	// Note marks an object shown and expanded elsewhere in the tree ("see above") or closing a cycle.
	Note     string
	Children []*TreeNode
}

// Tree builds the tree below a goal (sub-goals, then the initiatives serving it), a capability (the capabilities
// it requires, its checks and its providers) or an initiative (the capabilities it requires and the initiatives
// it depends on). Each object is expanded once; later appearances point above, so the tree stays finite.
func Tree(s *Snapshot, ref Ref) (*TreeNode, error) {
	b := &treeBuilder{s: s, expanded: map[string]bool{}, path: map[string]bool{}}
	switch ref.Kind {
	case "Goal":
		g := s.Goal(ref.Name)
		if g == nil {
			return nil, fmt.Errorf("%s not found", ref)
		}
		return b.goal(g), nil
	case "Capability":
		c := s.Capability(ref.Name)
		if c == nil {
			return nil, fmt.Errorf("%s not found", ref)
		}
		return b.capability(c, ""), nil
	case "Initiative":
		ini := s.Initiative(ref.Namespace, ref.Name)
		if ini == nil {
			return nil, notFound(s, ref)
		}
		return b.initiative(ini, ""), nil
	}
	return nil, fmt.Errorf("unknown kind %q", ref.Kind)
}

type treeBuilder struct {
	s        *Snapshot
	expanded map[string]bool
	path     map[string]bool
}

// enter decides whether a node's children are shown: not when it is on the path from the root (a cycle) nor
// when it was expanded before. leave must be called after the children when enter returns true.
func (b *treeBuilder) enter(n *TreeNode, key string) bool {
	switch {
	case b.path[key]:
		n.Note = "cycle"
		return false
	case b.expanded[key]:
		n.Note = "see above"
		return false
	}
	b.expanded[key], b.path[key] = true, true
	return true
}

func (b *treeBuilder) leave(key string) { delete(b.path, key) }

func (b *treeBuilder) goal(g *roadmapv1.Goal) *TreeNode {
	n := &TreeNode{Label: "Goal/" + g.Name, Owner: g.Spec.Owner, Due: string(g.Spec.TargetDate)}
	n.Status, n.Health, n.Message = GoalStatus(g)
	key := "Goal/" + g.Name
	if !b.enter(n, key) {
		return n
	}
	defer b.leave(key)
	for _, child := range b.s.ChildGoals(g.Name) {
		n.Children = append(n.Children, b.goal(child))
	}
	for _, ini := range b.s.InitiativesServing(g.Name) {
		n.Children = append(n.Children, b.initiative(ini, ""))
	}
	return n
}

func (b *treeBuilder) initiative(ini *roadmapv1.Initiative, relation string) *TreeNode {
	n := &TreeNode{Label: relation + "Initiative/" + KeyOf(ini).String(), Owner: ini.Spec.Owner,
		Due: string(ini.Spec.TargetDate), Status: InitiativePhase(ini), Message: ini.Status.Summary}
	n.Health = HealthOfInitiative(ini)
	if sc := ScheduleConflictOf(ini); sc != "" && Open(ini) {
		conflict := "schedule conflict: " + sc
		if n.Message != "" {
			conflict = n.Message + "; " + conflict
		}
		n.Message = conflict
	}
	key := "Initiative/" + KeyOf(ini).String()
	if !b.enter(n, key) {
		return n
	}
	defer b.leave(key)
	if text := WorkloadsText(ini.Status.Workloads); text != "" {
		n.Children = append(n.Children, &TreeNode{Label: "workloads", Status: fmt.Sprint(ini.Status.Workloads.Total),
			Health: HealthOK, Message: text})
	}
	for _, name := range ini.Spec.Requires {
		switch c := b.s.Capability(string(name)); {
		case c != nil:
			n.Children = append(n.Children, b.capability(c, ""))
		case b.s.Missing("Capability", "", string(name)) == StatusNotVisible:
			n.Children = append(n.Children, &TreeNode{Label: "Capability/" + string(name), Status: StatusNotVisible,
				Health: HealthUnknown, Message: "required by this initiative; " + MissingText(StatusNotVisible)})
		default:
			n.Children = append(n.Children, &TreeNode{Label: "Capability/" + string(name), Status: StatusNotFound,
				Health: HealthBroken, Message: "required by this initiative but does not exist"})
		}
	}
	for _, dep := range readiness.DependsOnKeys(ini) {
		if d := b.s.Initiative(dep.Namespace, dep.Name); d != nil {
			n.Children = append(n.Children, b.initiative(d, "depends on "))
			continue
		}
		missing := &TreeNode{Label: "depends on Initiative/" + dep.String(), Status: StatusNotFound, Health: HealthBroken,
			Message: "named in spec.dependsOn but does not exist"}
		if !b.s.Visible(dep.Namespace) {
			missing.Status, missing.Health, missing.Message = StatusNotVisible, HealthUnknown, MissingText(StatusNotVisible)
		}
		n.Children = append(n.Children, missing)
	}
	return n
}

func (b *treeBuilder) capability(c *roadmapv1.Capability, relation string) *TreeNode {
	n := &TreeNode{Label: relation + "Capability/" + c.Name, Owner: c.Spec.Owner, Due: string(c.Status.ETA),
		Status: CapabilityPhase(c), Message: c.Status.Summary}
	n.Health = HealthOfCapability(c)
	if reason := CapabilityReason(c); reason != "" && reason != n.Status && reason != roadmapv1.CapabilityReasonNotAvailable {
		n.Status += " (" + reason + ")"
	}
	key := "Capability/" + c.Name
	if !b.enter(n, key) {
		return n
	}
	defer b.leave(key)
	for _, name := range c.Spec.Requires {
		if prereq := b.s.Capability(string(name)); prereq != nil {
			n.Children = append(n.Children, b.capability(prereq, ""))
		} else {
			n.Children = append(n.Children, &TreeNode{Label: "Capability/" + string(name), Status: StatusNotFound,
				Health: HealthBroken, Message: "required by " + c.Name + " but does not exist"})
		}
	}
	for _, check := range c.Status.Checks {
		ref := evidence.ObjectName(check)
		child := &TreeNode{Label: "check " + check.Kind + "/" + ref + InCluster(check), Status: check.Reason, Message: check.Message}
		child.Health = HealthOfCheck(check.Passing, CheckStalled(c, check), check.Reason)
		n.Children = append(n.Children, child)
	}
	for _, p := range c.Status.Providers {
		if ini := b.s.Initiative(p.Namespace, p.Name); ini != nil {
			n.Children = append(n.Children, b.initiative(ini, "provided by "))
			continue
		}
		n.Children = append(n.Children, &TreeNode{Label: "provided by Initiative/" + types.NamespacedName{Namespace: p.Namespace, Name: p.Name}.String(),
			Status: StatusNotVisible, Health: HealthUnknown, Due: string(p.TargetDate), Message: "state " + string(p.State)})
	}
	return n
}
