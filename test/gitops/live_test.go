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

package gitops_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/argocdhealth"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// liveCase is one object of a scenario: once the controller has settled on the verdict the case waits for,
// kstatus must read it as kstatus and Argo CD's health check as health.
type liveCase struct {
	// name names the case and its recorded testdata, <Kind>/testdata/live-<name>.yaml.
	name string
	obj  client.Object
	// settled asserts the controller's own verdict (phase, reason, counts), which the case waits for.
	settled func(g Gomega, obj client.Object)
	kstatus status.Status
	health  string
	// message computes the health message docs/argocd-health.md promises; nil means the Ready message.
	message func(obj map[string]interface{}) string
}

func (c liveCase) kind() string {
	switch c.obj.(type) {
	case *roadmapv1.Capability:
		return "Capability"
	case *roadmapv1.Initiative:
		return "Initiative"
	case *roadmapv1.Goal:
		return "Goal"
	}
	panic(fmt.Sprintf("unexpected %T", c.obj))
}

// run waits for the case to settle, then checks kstatus and the Argo CD health of the live object, and keeps the
// object as a static Argo CD case when record is set. It returns the live object.
func (c liveCase) run(t *testing.T, record bool) map[string]interface{} {
	t.Helper()
	g := newG(t)
	g.Eventually(func(g Gomega) {
		g.Expect(k.Get(ctx(), client.ObjectKeyFromObject(c.obj), c.obj)).To(Succeed())
		c.settled(g, c.obj)
	}).Should(Succeed(), func() string {
		st, _ := yaml.Marshal(toUnstructured(g, c.obj)["status"])
		return fmt.Sprintf("%s %s should settle; its status is\n%s", c.kind(), client.ObjectKeyFromObject(c.obj), st)
	})
	// The object as read when it settled: what follows judges exactly the state the controller was seen in.
	u := toUnstructured(g, c.obj)

	liveStatus, err := yaml.Marshal(u["status"])
	g.Expect(err).NotTo(HaveOccurred())

	res := kstatus(g, u)
	g.Expect(res.Status).To(Equal(c.kstatus), "kstatus of %s %s (message %q), whose status is\n%s",
		c.kind(), client.ObjectKeyFromObject(c.obj), res.Message, liveStatus)

	want := argocdhealth.HealthStatus{Status: c.health, Message: readyMessage(c.obj)}
	if c.message != nil {
		want.Message = c.message(u)
	}
	gotStatus, gotMessage, err := argocdhealth.Evaluate(argocdCM(), u)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(argocdhealth.HealthStatus{Status: gotStatus, Message: gotMessage}).To(Equal(want),
		"Argo CD health of %s %s, whose status is\n%s", c.kind(), client.ObjectKeyFromObject(c.obj), liveStatus)

	if record && !t.Failed() {
		checkTestdata(t, c.kind(), c.name, u, want)
	}
	return u
}

func conditionsOf(obj client.Object) []metav1.Condition {
	switch o := obj.(type) {
	case *roadmapv1.Capability:
		return o.Status.Conditions
	case *roadmapv1.Initiative:
		return o.Status.Conditions
	case *roadmapv1.Goal:
		return o.Status.Conditions
	}
	return nil
}

func readyCondition(obj client.Object) metav1.Condition {
	return testenv.ReadyCondition(conditionsOf(obj))
}

func readyMessage(obj client.Object) string { return readyCondition(obj).Message }

// initiativeIs settles when the controller has evaluated the current generation to phase with Ready reason, and
// has seen the goals the initiative serves (every fixture names goals that exist).
func initiativeIs(phase roadmapv1.InitiativePhase, reason string) func(Gomega, client.Object) {
	return func(g Gomega, obj client.Object) {
		ini := obj.(*roadmapv1.Initiative)
		g.Expect(ini.Status.ObservedGeneration).To(Equal(ini.Generation))
		g.Expect(ini.Status.Phase).To(Equal(phase))
		g.Expect(readyCondition(ini).Reason).To(Equal(reason))
		if len(ini.Spec.Goals) > 0 {
			g.Expect(apimeta.IsStatusConditionTrue(ini.Status.Conditions, roadmapv1.ConditionAligned)).To(BeTrue(),
				"Aligned, as the goals it serves exist")
		}
	}
}

// capabilityIs settles when the controller has evaluated the current generation to phase with Ready reason,
// counted its dependents and found the initiatives that provide it.
func capabilityIs(phase roadmapv1.CapabilityPhase, reason string, dependents int32, providers int) func(Gomega, client.Object) {
	return func(g Gomega, obj client.Object) {
		c := obj.(*roadmapv1.Capability)
		g.Expect(c.Status.ObservedGeneration).To(Equal(c.Generation))
		g.Expect(c.Status.Phase).To(Equal(phase))
		g.Expect(readyCondition(c).Reason).To(Equal(reason))
		g.Expect(c.Status.Dependents).To(Equal(dependents))
		g.Expect(c.Status.Providers).To(HaveLen(providers))
	}
}

// checkIs waits until a capability's only check has reason, blocking it, with the operator's stalled verdict on
// its blockedBy entry.
func checkIs(reason string, stalled bool) func(Gomega, client.Object) {
	return func(g Gomega, obj client.Object) {
		capabilityIs(roadmapv1.CapabilityPhaseBlocked, roadmapv1.CapabilityReasonChecksFailing, 0, 0)(g, obj)
		c := obj.(*roadmapv1.Capability)
		g.Expect(c.Status.Checks).To(HaveLen(1))
		g.Expect(c.Status.Checks[0].Reason).To(Equal(reason))
		g.Expect(c.Status.BlockedBy).To(HaveLen(1))
		g.Expect(c.Status.BlockedBy[0].Stalled).To(Equal(stalled))
	}
}

func capability(name, title string, lifecycle roadmapv1.CapabilityLifecycle, requires ...roadmapv1.ResourceName) *roadmapv1.Capability {
	return &roadmapv1.Capability{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: roadmapv1.CapabilitySpec{Title: title, Owner: "team-platform", Lifecycle: lifecycle,
			Requires: requires},
	}
}

type initiativeOption func(*roadmapv1.Initiative)

func requires(names ...roadmapv1.ResourceName) initiativeOption {
	return func(i *roadmapv1.Initiative) { i.Spec.Requires = names }
}

func dependsOn(refs ...roadmapv1.InitiativeReference) initiativeOption {
	return func(i *roadmapv1.Initiative) { i.Spec.DependsOn = refs }
}

func state(s roadmapv1.InitiativeState) initiativeOption {
	return func(i *roadmapv1.Initiative) { i.Spec.State = s }
}

func provides(names ...roadmapv1.ResourceName) initiativeOption {
	return func(i *roadmapv1.Initiative) { i.Spec.Provides = names }
}

func targetDate(d roadmapv1.Date) initiativeOption {
	return func(i *roadmapv1.Initiative) { i.Spec.TargetDate = d }
}

func goals(names ...roadmapv1.ResourceName) initiativeOption {
	return func(i *roadmapv1.Initiative) { i.Spec.Goals = names }
}

func annotations(kv ...string) initiativeOption {
	return func(i *roadmapv1.Initiative) {
		i.Annotations = map[string]string{}
		for j := 0; j+1 < len(kv); j += 2 {
			i.Annotations[kv[j]] = kv[j+1]
		}
	}
}

func wsjf(value, urgency, riskReduction, effort int32) initiativeOption {
	return func(i *roadmapv1.Initiative) {
		i.Spec.Value, i.Spec.Urgency, i.Spec.RiskReduction, i.Spec.Effort =
			ptr.To(value), ptr.To(urgency), ptr.To(riskReduction), ptr.To(effort)
	}
}

func initiative(ns, name, title string, track roadmapv1.Track, opts ...initiativeOption) *roadmapv1.Initiative {
	ini := &roadmapv1.Initiative{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       roadmapv1.InitiativeSpec{Title: title, Track: track, Owner: ns},
	}
	for _, o := range opts {
		o(ini)
	}
	return ini
}

func goal(name, title string, parent roadmapv1.ResourceName) *roadmapv1.Goal {
	return &roadmapv1.Goal{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       roadmapv1.GoalSpec{Title: title, Owner: "cdo-office", Parent: parent},
	}
}

// TestLiveStatus applies a small roadmap, as product and platform teams would through GitOps, and checks for
// every object that Flux's kstatus and Argo CD's health check read the controller's verdict as documented: in
// docs/gitops.md (kstatus) and docs/argocd-health.md (Argo CD).
func TestLiveStatus(t *testing.T) {
	g := newG(t)
	const (
		platformTeam    = "team-platform"
		personalisation = "team-personalisation"
		checkout        = "team-checkout"
		data            = "team-data"
	)
	for _, ns := range []string{platformTeam, personalisation, checkout, data} {
		namespace(t, ns)
	}
	gate := annotations("argocd.argoproj.io/sync-wave", "0", "roadmap.dev/gate-sync-waves", "true")

	// Platform capabilities.
	platform := capability("kubernetes-platform", "Kubernetes platform", roadmapv1.LifecycleAvailable)
	observability := capability("observability", "Observability", roadmapv1.LifecycleAvailable, "kubernetes-platform")
	eventBus := capability("event-bus", "Event bus", roadmapv1.LifecyclePlanned, "kubernetes-platform", "observability")
	streamProcessing := capability("stream-processing", "Stream processing", roadmapv1.LifecycleAvailable, "event-bus")
	featureStore := capability("feature-store", "Feature store", roadmapv1.LifecycleAvailable, "data-lake") // no data-lake
	serviceMesh := capability("service-mesh", "Service mesh", roadmapv1.LifecycleAvailable, "mesh-gateway")
	meshGateway := capability("mesh-gateway", "Mesh gateway", roadmapv1.LifecycleAvailable, "service-mesh")
	messageQueue := capability("message-queue", "Message queue", roadmapv1.LifecycleRetired)
	payments := capability("payments-gateway-v2", "Payments gateway v2", roadmapv1.LifecyclePlanned)
	// Evidence: a check on a kind the cluster does not serve needs a person (Stalled); a check on an object that
	// does not exist yet is waited for.
	vectorStore := capability("vector-store", "Vector store", roadmapv1.LifecycleAvailable)
	vectorStore.Spec.Checks = []roadmapv1.CheckReference{{APIVersion: "vectors.example.com/v1", Kind: "VectorIndex",
		Namespace: platformTeam, Name: "products"}}
	searchIndex := capability("search-index", "Search index", roadmapv1.LifecycleAvailable)
	searchIndex.Spec.Checks = []roadmapv1.CheckReference{{APIVersion: "apps/v1", Kind: "Deployment",
		Namespace: platformTeam, Name: "opensearch"}}

	// The platform team's plan to build the event bus; nobody plans payments-gateway-v2.
	eventBusRollout := initiative(platformTeam, "event-bus-rollout", "Roll out the event bus", roadmapv1.TrackOperations,
		provides("event-bus"), requires("kubernetes-platform", "observability"), state(roadmapv1.StateActive),
		targetDate("2027-06-30"))

	// Initiatives, one namespace per team.
	recommendations := initiative(personalisation, "realtime-recommendations",
		"Real-time product recommendations on the storefront", roadmapv1.TrackInnovation,
		goals("realtime-personalisation"), requires("event-bus"), wsjf(8, 5, 3, 5),
		dependsOn(roadmapv1.InitiativeReference{Namespace: data, Name: "event-schema-registry"}))
	search := initiative(personalisation, "personalised-search", "Search results ranked for the shopper",
		roadmapv1.TrackInnovation, goals("realtime-personalisation"), requires("event-bus"), gate)
	onePage := initiative(checkout, "one-page-checkout", "Checkout on one page", roadmapv1.TrackInnovation,
		goals("frictionless-checkout"), requires("kubernetes-platform", "observability"), wsjf(6, 8, 2, 3), state(roadmapv1.StateActive))
	checkoutTracing := initiative(checkout, "checkout-tracing", "Trace every checkout request end to end",
		roadmapv1.TrackOperations, goals("frictionless-checkout"), requires("kubernetes-platform"), state(roadmapv1.StateDone))
	giftCards := initiative(checkout, "gift-cards", "Gift cards at checkout", roadmapv1.TrackInnovation,
		goals("frictionless-checkout"), requires("feature-store"), state(roadmapv1.StateCancelled))
	payLater := initiative(checkout, "pay-later", "Buy now, pay later", roadmapv1.TrackInnovation,
		goals("frictionless-checkout"), requires("payments-gateway-v2"))
	// Declared Active while the capability it needs is still Planned: StartedEarly, and its health is unchanged.
	instalments := initiative(checkout, "instalments", "Pay in three instalments", roadmapv1.TrackInnovation,
		goals("frictionless-checkout"), requires("payments-gateway-v2"), wsjf(5, 6, 2, 3), targetDate("2027-09-30"),
		state(roadmapv1.StateActive))
	loyalty := initiative(checkout, "loyalty-points", "Loyalty points on every order", roadmapv1.TrackInnovation,
		goals("frictionless-checkout"), requires("feature-flagz")) // a typo: there is no feature-flagz
	// Requires a capability the platform team has not declared yet, but which an initiative of theirs provides:
	// expected, so it waits (InProgress, Progressing) rather than failing a sync.
	loyaltyEngine := initiative(platformTeam, "loyalty-engine-build", "Build the loyalty engine", roadmapv1.TrackOperations,
		provides("loyalty-engine"), state(roadmapv1.StateActive), targetDate("2027-06-30"))
	loyaltyTiers := initiative(checkout, "loyalty-tiers", "Loyalty tiers", roadmapv1.TrackInnovation,
		goals("frictionless-checkout"), requires("loyalty-engine"))
	schemaRegistry := initiative(data, "event-schema-registry", "Schema registry for domain events",
		roadmapv1.TrackOperations, goals("realtime-personalisation"), state(roadmapv1.StateActive))
	clickstream := initiative(data, "clickstream-ingest", "Ingest storefront clickstream", roadmapv1.TrackOperations,
		goals("realtime-personalisation"), dependsOn(roadmapv1.InitiativeReference{Name: "customer-360"}))
	customer360 := initiative(data, "customer-360", "One profile per customer", roadmapv1.TrackOperations,
		goals("realtime-personalisation"), dependsOn(roadmapv1.InitiativeReference{Name: "clickstream-ingest"}))

	create(t, g,
		goal("realtime-personalisation", "Launch real-time personalisation", ""),
		goal("frictionless-checkout", "Halve checkout abandonment", ""),
		platform, observability, eventBus, streamProcessing, featureStore, serviceMesh, meshGateway, messageQueue, payments,
		vectorStore, searchIndex,
		eventBusRollout, recommendations, search, onePage, checkoutTracing, giftCards, payLater, instalments, loyalty, schemaRegistry,
		loyaltyEngine, loyaltyTiers,
		clickstream, customer360)

	cases := []liveCase{
		// Initiatives.
		{name: "ready", obj: onePage, settled: initiativeIs(roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady),
			kstatus: status.CurrentStatus, health: argocdhealth.StatusHealthy},
		{name: "done", obj: checkoutTracing, settled: initiativeIs(roadmapv1.PhaseDone, roadmapv1.InitiativeReasonDone),
			kstatus: status.CurrentStatus, health: argocdhealth.StatusHealthy},
		{name: "blocked", obj: recommendations, settled: initiativeIs(roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady),
			kstatus: status.InProgressStatus, health: argocdhealth.StatusSuspended},
		{name: "blocked-gated", obj: search, settled: initiativeIs(roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady),
			kstatus: status.InProgressStatus, health: argocdhealth.StatusProgressing},
		// A capability that is not Ready and that no initiative provides: still waiting, not broken.
		{name: "blocked-no-provider", obj: payLater, settled: initiativeIs(roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider),
			kstatus: status.InProgressStatus, health: argocdhealth.StatusSuspended},
		{name: "started-early", obj: instalments, settled: initiativeIs(roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider),
			kstatus: status.InProgressStatus, health: argocdhealth.StatusSuspended},
		{name: "not-found", obj: loyalty, settled: initiativeIs(roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound),
			kstatus: status.FailedStatus, health: argocdhealth.StatusDegraded},
		{name: "not-declared-yet", obj: loyaltyTiers, settled: initiativeIs(roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound),
			kstatus: status.InProgressStatus, health: argocdhealth.StatusProgressing},
		{name: "cycle", obj: clickstream, settled: initiativeIs(roadmapv1.PhaseBlocked, roadmapv1.ReasonDependencyCycle),
			kstatus: status.FailedStatus, health: argocdhealth.StatusDegraded},
		// A Cancelled initiative has Ready=False and neither Reconciling nor Stalled, so kstatus falls back to the
		// Ready condition and reads InProgress: a Flux health check on it waits until its timeout.
		{name: "cancelled", obj: giftCards, settled: initiativeIs(roadmapv1.PhaseCancelled, roadmapv1.InitiativeReasonCancelled),
			kstatus: status.InProgressStatus, health: argocdhealth.StatusSuspended},

		// Capabilities.
		{name: "ready", obj: observability, settled: capabilityIs(roadmapv1.CapabilityPhaseReady, roadmapv1.CapabilityReasonReady, 3, 0),
			kstatus: status.CurrentStatus, health: argocdhealth.StatusHealthy},
		{name: "planned", obj: eventBus, settled: capabilityIs(roadmapv1.CapabilityPhasePlanned, roadmapv1.CapabilityReasonNotAvailable, 3, 1),
			kstatus: status.InProgressStatus, health: argocdhealth.StatusSuspended},
		{name: "prerequisite-not-ready", obj: streamProcessing,
			settled: capabilityIs(roadmapv1.CapabilityPhaseBlocked, roadmapv1.CapabilityReasonPrerequisiteNotReady, 0, 0),
			kstatus: status.InProgressStatus, health: argocdhealth.StatusSuspended},
		{name: "prerequisite-not-found", obj: featureStore,
			settled: capabilityIs(roadmapv1.CapabilityPhaseBlocked, roadmapv1.CapabilityReasonPrerequisiteNotFound, 1, 0),
			kstatus: status.FailedStatus, health: argocdhealth.StatusDegraded},
		{name: "cycle", obj: serviceMesh, settled: capabilityIs(roadmapv1.CapabilityPhaseBlocked, roadmapv1.CapabilityReasonDependencyCycle, 1, 0),
			kstatus: status.FailedStatus, health: argocdhealth.StatusDegraded},
		// Like Cancelled: Ready=False without Reconciling or Stalled, so kstatus reads InProgress.
		{name: "retired", obj: messageQueue, settled: capabilityIs(roadmapv1.CapabilityPhaseRetired, roadmapv1.CapabilityReasonNotAvailable, 0, 0),
			kstatus: status.InProgressStatus, health: argocdhealth.StatusSuspended},
		{name: "check-kind-not-found", obj: vectorStore,
			settled: checkIs(roadmapv1.CheckReasonKindNotFound, true), kstatus: status.FailedStatus, health: argocdhealth.StatusDegraded},
		{name: "check-object-not-found", obj: searchIndex,
			settled: checkIs("NotFound", false), kstatus: status.InProgressStatus, health: argocdhealth.StatusSuspended},
	}
	for _, c := range cases {
		t.Run(c.kind()+"/"+c.name, func(t *testing.T) { c.run(t, true) })
	}

	// The other members of the cycles and the initiative they depend on read the same way; not recorded.
	for _, c := range []liveCase{
		{name: "cycle-member", obj: customer360, settled: initiativeIs(roadmapv1.PhaseBlocked, roadmapv1.ReasonDependencyCycle),
			kstatus: status.FailedStatus, health: argocdhealth.StatusDegraded},
		{name: "cycle-member", obj: meshGateway, settled: capabilityIs(roadmapv1.CapabilityPhaseBlocked, roadmapv1.CapabilityReasonDependencyCycle, 1, 0),
			kstatus: status.FailedStatus, health: argocdhealth.StatusDegraded},
		{name: "ready-dependency", obj: schemaRegistry, settled: initiativeIs(roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady),
			kstatus: status.CurrentStatus, health: argocdhealth.StatusHealthy},
		{name: "ready-no-prerequisites", obj: platform, settled: capabilityIs(roadmapv1.CapabilityPhaseReady, roadmapv1.CapabilityReasonReady, 5, 0),
			kstatus: status.CurrentStatus, health: argocdhealth.StatusHealthy},
	} {
		t.Run(c.kind()+"/"+c.name, func(t *testing.T) { c.run(t, false) })
	}
}

// TestBlockedToCurrent follows one initiative through the transition a Flux health check or an Argo CD sync wave
// waits for: Blocked on a Planned capability (InProgress; Suspended, or Progressing with the gate annotation)
// until the platform team declares the capability Available (Current; Healthy). In between, the capability's
// new spec is not yet evaluated (InProgress; Progressing).
func TestBlockedToCurrent(t *testing.T) {
	g := newG(t)
	const ns = "team-search"
	namespace(t, ns)
	vectorDB := capability("vector-database", "Vector database", roadmapv1.LifecyclePlanned)
	semantic := initiative(ns, "semantic-search", "Semantic product search", roadmapv1.TrackInnovation,
		requires("vector-database"))
	gated := initiative(ns, "semantic-search-rollout", "Roll semantic search out to every storefront",
		roadmapv1.TrackInnovation, requires("vector-database"),
		annotations("argocd.argoproj.io/sync-wave", "0", "roadmap.dev/gate-sync-waves", "true"))
	create(t, g, vectorDB, semantic, gated,
		initiative(ns, "vector-database-setup", "Run a vector database", roadmapv1.TrackOperations,
			provides("vector-database"), state(roadmapv1.StateActive)))

	blocked := initiativeIs(roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady)
	t.Run("blocked", func(t *testing.T) {
		liveCase{obj: semantic, settled: blocked, kstatus: status.InProgressStatus, health: argocdhealth.StatusSuspended}.run(t, false)
		liveCase{obj: gated, settled: blocked, kstatus: status.InProgressStatus, health: argocdhealth.StatusProgressing}.run(t, false)
		liveCase{obj: vectorDB, settled: capabilityIs(roadmapv1.CapabilityPhasePlanned, roadmapv1.CapabilityReasonNotAvailable, 2, 1),
			kstatus: status.InProgressStatus, health: argocdhealth.StatusSuspended}.run(t, false)
	})

	update(g, vectorDB, func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleAvailable })

	// The update response is the new spec with the status of the old one: nobody has evaluated generation 2 yet.
	t.Run("not-yet-evaluated", func(t *testing.T) {
		g := newG(t)
		g.Expect(vectorDB.Status.ObservedGeneration).To(BeNumerically("<", vectorDB.Generation))
		u := toUnstructured(g, vectorDB)
		g.Expect(kstatus(g, u).Status).To(Equal(status.InProgressStatus))
		gotStatus, gotMessage, err := argocdhealth.Evaluate(argocdCM(), u)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect([]string{gotStatus, gotMessage}).To(Equal([]string{argocdhealth.StatusProgressing, "Waiting for the controller"}))
	})

	ready := initiativeIs(roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
	t.Run("available", func(t *testing.T) {
		g := newG(t)
		liveCase{obj: vectorDB, settled: capabilityIs(roadmapv1.CapabilityPhaseReady, roadmapv1.CapabilityReasonReady, 2, 1),
			kstatus: status.CurrentStatus, health: argocdhealth.StatusHealthy}.run(t, false)
		for _, ini := range []*roadmapv1.Initiative{semantic, gated} {
			u := liveCase{obj: ini, settled: ready, kstatus: status.CurrentStatus, health: argocdhealth.StatusHealthy}.run(t, false)
			// Nothing of the wait is left behind for kstatus to trip over.
			conds, _ := u["status"].(map[string]interface{})["conditions"].([]interface{})
			for _, c := range conds {
				typ := c.(map[string]interface{})["type"]
				g.Expect(typ).NotTo(BeElementOf(roadmapv1.ConditionReconciling, roadmapv1.ConditionStalled))
			}
		}
	})
}

// TestGoalLiveStatus checks Goals the same way. The manager's ClusterRole must let it write goals/status: a role
// that does not is a regression that fails here, rather than a reason to skip.
func TestGoalLiveStatus(t *testing.T) {
	if !managerWritesGoalStatus(t) {
		t.Fatal("config/rbac/role.yaml grants the manager no patch on goals/status, so the Goal controller cannot " +
			"write any status: restore the kubebuilder RBAC marker of the Goal controller and run make manifests")
	}
	g := newG(t)
	const ns = "team-loyalty"
	namespace(t, ns)
	rollup := func(u map[string]interface{}) string {
		st, _ := u["status"].(map[string]interface{})
		counts, _ := st["initiatives"].(map[string]interface{})
		num := func(m map[string]interface{}, key string) int64 { n, _ := m[key].(int64); return n }
		return fmt.Sprintf("%d%% done, %d of %d initiatives blocked", num(st, "progress"), num(counts, "blocked"), num(counts, "total"))
	}
	goalSettled := func(reason string, check func(g Gomega, goal *roadmapv1.Goal)) func(Gomega, client.Object) {
		return func(g Gomega, obj client.Object) {
			goal := obj.(*roadmapv1.Goal)
			g.Expect(goal.Status.ObservedGeneration).To(Equal(goal.Generation))
			cond := readyCondition(goal)
			g.Expect(cond.Type).To(Equal(roadmapv1.ConditionReady))
			if reason != "" {
				g.Expect(cond.Reason).To(Equal(reason))
			}
			if check != nil {
				check(g, goal)
			}
		}
	}
	repeatCustomers := goal("repeat-customers", "Grow repeat purchases", "")
	noWork := goal("developer-experience", "Ship to production in under an hour", "")
	orphan := goal("platform-consolidation", "One platform for every team", "it-strategy-2030") // no such goal
	growth := goal("growth", "Grow revenue", "revenue")
	revenue := goal("revenue", "Revenue", "growth")
	create(t, g, repeatCustomers, noWork, orphan, growth, revenue,
		initiative(ns, "points-for-reviews", "Loyalty points for product reviews", roadmapv1.TrackInnovation,
			goals("repeat-customers"), state(roadmapv1.StateActive)))

	for _, c := range []liveCase{
		{name: "healthy", obj: repeatCustomers, message: rollup,
			settled: goalSettled("", func(g Gomega, goal *roadmapv1.Goal) {
				g.Expect(readyCondition(goal).Status).To(Equal(metav1.ConditionTrue))
				g.Expect(goal.Status.Initiatives.Total).To(Equal(int32(1)))
				g.Expect(goal.Status.Initiatives.Ready).To(Equal(int32(1)))
			}),
			kstatus: status.CurrentStatus, health: argocdhealth.StatusHealthy},
		{name: "no-initiatives", obj: noWork, settled: goalSettled(roadmapv1.GoalReasonNoInitiatives, nil),
			kstatus: status.CurrentStatus, health: argocdhealth.StatusHealthy},
		{name: "parent-not-found", obj: orphan, settled: goalSettled(roadmapv1.GoalReasonParentNotFound, nil),
			kstatus: status.FailedStatus, health: argocdhealth.StatusDegraded},
		{name: "cycle", obj: growth, settled: goalSettled(roadmapv1.GoalReasonDependencyCycle, nil),
			kstatus: status.FailedStatus, health: argocdhealth.StatusDegraded},
	} {
		t.Run(c.kind()+"/"+c.name, func(t *testing.T) { c.run(t, true) })
	}
}

// managerWritesGoalStatus reports whether the manager's generated ClusterRole may patch goals/status.
func managerWritesGoalStatus(t *testing.T) bool {
	raw, err := os.ReadFile(filepath.Join(root, "config", "rbac", "role.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var role struct {
		Rules []struct {
			APIGroups []string `json:"apiGroups"`
			Resources []string `json:"resources"`
			Verbs     []string `json:"verbs"`
		} `json:"rules"`
	}
	if err := yaml.Unmarshal(raw, &role); err != nil {
		t.Fatalf("config/rbac/role.yaml: %v", err)
	}
	for _, r := range role.Rules {
		if slices.Contains(r.APIGroups, roadmapv1.GroupVersion.Group) && slices.Contains(r.Resources, "goals/status") &&
			slices.Contains(r.Verbs, "patch") {
			return true
		}
	}
	return false
}

// TestBeforeTheController reads an initiative as the apiserver returns it from the create request, that is before
// the controller can have written any status. The schema defaults status.observedGeneration to -1, so both
// Argo CD's check and kstatus (Flux) wait for the controller: Progressing and InProgress, never a premature
// Current.
func TestBeforeTheController(t *testing.T) {
	g := newG(t)
	const ns = "team-fresh"
	namespace(t, ns)
	ini := initiative(ns, "just-applied", "Just applied", roadmapv1.TrackInnovation, requires("not-yet-there"))
	create(t, g, ini) // ini now holds the create response
	g.Expect(ini.Status).To(Equal(roadmapv1.InitiativeStatus{ObservedGeneration: -1}), "the create response carries only the defaulted status")
	u := toUnstructured(g, ini)

	g.Expect(kstatus(g, u).Status).To(Equal(status.InProgressStatus))
	gotStatus, gotMessage, err := argocdhealth.Evaluate(argocdCM(), u)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect([]string{gotStatus, gotMessage}).To(Equal([]string{argocdhealth.StatusProgressing, "Waiting for the controller"}))

	// Once evaluated, kstatus sees the broken reference.
	liveCase{obj: ini, settled: initiativeIs(roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound),
		kstatus: status.FailedStatus, health: argocdhealth.StatusDegraded}.run(t, false)
}
