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

package main

import (
	"fmt"
	"math/rand"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// graph is the roadmap a scenario creates, and what the bench expects a flip of one capability to change.
type graph struct {
	namespaces   []*corev1.Namespace
	goals        []*roadmapv1.Goal
	capabilities []*roadmapv1.Capability
	initiatives  []*roadmapv1.Initiative
	// flipped is the capability created Planned whose lifecycle each round sets to Available.
	flipped string
	// dependents are the initiative keys that become Ready when flipped does (and Blocked when it is Planned).
	dependents []string
	// changedCapabilities and changedGoals are the capabilities and goals whose status a flip changes:
	// flipped and everything requiring it transitively; the goals the dependents serve, and their ancestors.
	changedCapabilities, changedGoals []string
}

// objects returns every object of the graph in creation order: namespaces, goals, capabilities, initiatives.
func (g *graph) objects() []client.Object {
	var out []client.Object
	for _, o := range g.namespaces {
		out = append(out, o)
	}
	for _, o := range g.goals {
		out = append(out, o)
	}
	for _, o := range g.capabilities {
		out = append(out, o)
	}
	for _, o := range g.initiatives {
		out = append(out, o)
	}
	return out
}

func namespaceNames(n int) []string {
	out := make([]string, max(n, 1))
	for i := range out {
		out[i] = fmt.Sprintf("bench-team-%02d", i)
	}
	return out
}

func newNamespaces(names []string) []*corev1.Namespace {
	out := make([]*corev1.Namespace, len(names))
	for i, n := range names {
		out[i] = &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n}}
	}
	return out
}

func newCapability(name string, lifecycle roadmapv1.CapabilityLifecycle, requires ...string) *roadmapv1.Capability {
	c := &roadmapv1.Capability{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: roadmapv1.CapabilitySpec{
			Title:     "Capability " + name,
			Owner:     "team-platform",
			Category:  "platform",
			Lifecycle: lifecycle,
		},
	}
	for _, r := range requires {
		c.Spec.Requires = append(c.Spec.Requires, roadmapv1.ResourceName(r))
	}
	return c
}

// newInitiative is an innovation initiative with WSJF estimates and a target date, as product teams write them.
func newInitiative(rng *rand.Rand, namespace, name string, requires, goals []string) *roadmapv1.Initiative {
	score := func() *int32 { return ptr.To(int32(1 + rng.Intn(10))) }
	ini := &roadmapv1.Initiative{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: roadmapv1.InitiativeSpec{
			Title:         "Initiative " + name,
			Track:         roadmapv1.TrackInnovation,
			Owner:         namespace,
			Value:         score(),
			Urgency:       score(),
			RiskReduction: score(),
			Effort:        score(),
			TargetDate:    "2027-06-30",
			State:         roadmapv1.StateActive,
		},
	}
	for _, r := range requires {
		ini.Spec.Requires = append(ini.Spec.Requires, roadmapv1.ResourceName(r))
	}
	for _, g := range goals {
		ini.Spec.Goals = append(ini.Spec.Goals, roadmapv1.ResourceName(g))
	}
	return ini
}

// fanOutGraph is one Planned capability and n initiatives that all require it, spread over namespaces and
// serving goals (top-level, round robin), as a large product organisation's innovation work would.
func fanOutGraph(n, goals, namespaces int, seed int64) *graph {
	rng := rand.New(rand.NewSource(seed))
	ns := namespaceNames(namespaces)
	g := &graph{namespaces: newNamespaces(ns), flipped: "bench-capability"}
	g.capabilities = []*roadmapv1.Capability{newCapability(g.flipped, roadmapv1.LifecyclePlanned)}
	g.changedCapabilities = []string{g.flipped}
	var goalNames []string
	for i := range goals {
		name := fmt.Sprintf("goal-%03d", i)
		g.goals = append(g.goals, &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: roadmapv1.GoalSpec{Title: "Goal " + name, Owner: "leadership", TargetDate: "2027-12-31"}})
		goalNames = append(goalNames, name)
	}
	for i := range n {
		var serves []string
		if len(goalNames) > 0 {
			serves = []string{goalNames[i%len(goalNames)]}
		}
		ini := newInitiative(rng, ns[i%len(ns)], fmt.Sprintf("initiative-%05d", i), []string{g.flipped}, serves)
		g.initiatives = append(g.initiatives, ini)
		g.dependents = append(g.dependents, objKey(kindInitiative, ini.Namespace, ini.Name))
	}
	for i, name := range goalNames {
		if i < n {
			g.changedGoals = append(g.changedGoals, name)
		}
	}
	return g
}

// mixedGraph is a realistic roadmap: capabilities in layers, each requiring one or two of the layer below (a
// spine links the first capability of every layer, so the flip crosses every layer); initiatives requiring one
// to three capabilities and serving a goal (one in ten serves none, one in ten is Done); goals under a few
// top-level goals. Every capability is Available except the first of the bottom layer, the one that flips,
// which an operations initiative provides.
func mixedGraph(capabilities, initiatives, goals, namespaces int, seed int64) *graph {
	rng := rand.New(rand.NewSource(seed))
	ns := namespaceNames(namespaces)
	g := &graph{namespaces: newNamespaces(ns)}

	// Goals: one in ten is top-level, the others have a top-level parent.
	top := max(goals/10, 1)
	var goalNames []string
	parentOf := map[string]string{}
	for i := range goals {
		name := fmt.Sprintf("goal-%03d", i)
		goal := &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: roadmapv1.GoalSpec{Title: "Goal " + name, Owner: "leadership", TargetDate: "2027-12-31"}}
		if i >= top {
			parent := fmt.Sprintf("goal-%03d", rng.Intn(top))
			goal.Spec.Parent = roadmapv1.ResourceName(parent)
			parentOf[name] = parent
		}
		g.goals = append(g.goals, goal)
		goalNames = append(goalNames, name)
	}

	// Capabilities in layers of about 100.
	layers := max(min(10, capabilities/100), 1)
	var layer [][]string
	requiredBy := map[string][]string{}
	for i := range capabilities {
		l := i * layers / capabilities
		if l == len(layer) {
			layer = append(layer, nil)
		}
		name := fmt.Sprintf("capability-%d-%03d", l, len(layer[l]))
		var requires []string
		if l > 0 {
			below := layer[l-1]
			if len(layer[l]) == 0 {
				requires = append(requires, below[0]) // the spine
			} else {
				requires = append(requires, below[rng.Intn(len(below))])
			}
			if other := below[rng.Intn(len(below))]; rng.Intn(2) == 0 && other != requires[0] {
				requires = append(requires, other)
			}
		}
		for _, r := range requires {
			requiredBy[r] = append(requiredBy[r], name)
		}
		lifecycle := roadmapv1.LifecycleAvailable
		if i == 0 {
			lifecycle = roadmapv1.LifecyclePlanned
			g.flipped = name
		}
		layer[l] = append(layer[l], name)
		g.capabilities = append(g.capabilities, newCapability(name, lifecycle, requires...))
	}
	// What the flip changes: the capabilities requiring it, transitively.
	changed := map[string]bool{g.flipped: true}
	queue := []string{g.flipped}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		g.changedCapabilities = append(g.changedCapabilities, c)
		for _, d := range requiredBy[c] {
			if !changed[d] {
				changed[d] = true
				queue = append(queue, d)
			}
		}
	}

	var all []string
	for _, l := range layer {
		all = append(all, l...)
	}
	// The operations initiative that builds the flipped capability.
	provider := newInitiative(rng, ns[0], "build-"+g.flipped, nil, nil)
	provider.Spec.Track = roadmapv1.TrackOperations
	provider.Spec.Provides = []roadmapv1.ResourceName{roadmapv1.ResourceName(g.flipped)}
	provider.Spec.TargetDate = "2027-03-31"
	if len(goalNames) > 0 {
		provider.Spec.Goals = []roadmapv1.ResourceName{roadmapv1.ResourceName(goalNames[0])}
	}
	g.initiatives = append(g.initiatives, provider)

	changedGoals := map[string]bool{}
	for i := 1; i < initiatives; i++ {
		requires := map[string]bool{}
		for range 1 + rng.Intn(3) {
			requires[all[rng.Intn(len(all))]] = true
		}
		var req []string
		dependent := false
		for _, c := range all { // deterministic order
			if requires[c] {
				req = append(req, c)
				dependent = dependent || changed[c]
			}
		}
		var serves []string
		if len(goalNames) > 0 && rng.Intn(10) != 0 {
			serves = []string{goalNames[rng.Intn(len(goalNames))]}
		}
		ini := newInitiative(rng, ns[i%len(ns)], fmt.Sprintf("initiative-%05d", i), req, serves)
		if rng.Intn(10) == 0 {
			ini.Spec.State = roadmapv1.StateDone // final states do not look at prerequisites
			dependent = false
		}
		g.initiatives = append(g.initiatives, ini)
		if dependent {
			g.dependents = append(g.dependents, objKey(kindInitiative, ini.Namespace, ini.Name))
			for _, goal := range serves {
				for goal != "" && !changedGoals[goal] {
					changedGoals[goal] = true
					goal = parentOf[goal]
				}
			}
		}
	}
	for _, goal := range goalNames {
		if changedGoals[goal] {
			g.changedGoals = append(g.changedGoals, goal)
		}
	}
	return g
}
