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

// Package plugin implements `kubectl roadmap`: it explains the status the operator computed (why an initiative
// is blocked and who must act, trees, standups, graphs and plans). It never recomputes readiness: the roadmap is
// read once into a roadmapview.Snapshot (the read model it shares with the web board); the renderers are pure
// functions of a snapshot and a clock, so they are tested without a cluster.
package plugin

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// The read model lives in internal/roadmapview; these names keep the commands and their tests reading as before.
type (
	// Snapshot is everything the commands read: the three kinds, listed once.
	Snapshot = roadmapview.Snapshot
	// Scope says which initiatives to list.
	Scope = roadmapview.Scope
)

var (
	// ErrCRDsNotInstalled is returned when the cluster does not serve the roadmap.dev API.
	ErrCRDsNotInstalled = roadmapview.ErrCRDsNotInstalled
	// Scheme knows the roadmap.dev kinds.
	Scheme = roadmapview.Scheme
	// NewClient returns a client for the roadmap.dev kinds.
	NewClient = roadmapview.NewClient
	// Load lists the three kinds once and indexes them.
	Load = roadmapview.Load
)

func keyOf(ini *roadmapv1.Initiative) readiness.InitiativeKey { return roadmapview.KeyOf(ini) }

func readyCondition(conds []metav1.Condition) *metav1.Condition {
	return roadmapview.ReadyCondition(conds)
}

func isReady(c *roadmapv1.Capability) bool                        { return roadmapview.IsReady(c) }
func capabilityReason(c *roadmapv1.Capability) string             { return roadmapview.CapabilityReason(c) }
func capabilityPhase(c *roadmapv1.Capability) string              { return roadmapview.CapabilityPhase(c) }
func initiativePhase(ini *roadmapv1.Initiative) string            { return roadmapview.InitiativePhase(ini) }
func stateOf(ini *roadmapv1.Initiative) roadmapv1.InitiativeState { return roadmapview.StateOf(ini) }
func open(ini *roadmapv1.Initiative) bool                         { return roadmapview.Open(ini) }
func today(now time.Time) time.Time                               { return roadmapview.Today(now) }

func inCluster(check roadmapv1.CheckStatus) string { return roadmapview.InCluster(check) }

func daysPast(date roadmapv1.Date, now time.Time) (int, bool) { return roadmapview.DaysPast(date, now) }

// GoalStatus is the one-word status of a goal (OnTrack, AtRisk, NoInitiatives, a broken reason or Unknown), its
// health and a message: the same verdict the tree and the graph show, for the web board.
func GoalStatus(g *roadmapv1.Goal) (status string, h Health, message string) { return goalStatus(g) }

// HealthOfInitiativePhase classifies an initiative known only by its phase (a bar of the plan's timeline); an
// initiative object is classified by HealthOfInitiative, which reads the operator's Stalled verdict too.
func HealthOfInitiativePhase(phase string) Health { return healthOfInitiativePhase(phase) }

// HealthOfWhyNode classifies a node of a why chain.
func HealthOfWhyNode(n WhyNode) Health { return nodeHealth(n) }

// Class is the health's name for style sheets: ok, waiting, blocked, broken, inactive or unknown.
func (h Health) Class() string { return healthClass[h] }

// GraphEdge is a relation the graph draws: From and To are goal/NAME, capability/NAME or
// initiative/NAMESPACE/NAME; Label is requires, depends on, provides, serves or part of.
type GraphEdge struct {
	From, To, Label string
	// Dashed marks provides and serves, which are not prerequisites.
	Dashed bool
}

// GraphEdges returns the edges of a view's graph, the ones `kubectl roadmap graph` draws, and the capabilities
// required but missing (which the graph shows as broken nodes).
func GraphEdges(v View) (edges []GraphEdge, missing []string) {
	nodes, es := buildGraph(v)
	for _, n := range nodes {
		if n.status == StatusNotFound {
			missing = append(missing, n.name)
		}
	}
	for _, e := range es {
		edges = append(edges, GraphEdge{From: e.from, To: e.to, Label: e.label, Dashed: e.dashed})
	}
	return edges, missing
}
