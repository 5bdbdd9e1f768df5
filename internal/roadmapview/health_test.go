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

package roadmapview_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/yaml"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/argocdhealth"
	"github.com/roadmap-operator/roadmap-operator/internal/readiness"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmap"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

// healthChecks is where the fixtures of the Argo CD health checks live.
const healthChecks = "../../config/argocd/resource_customizations/roadmap.dev"

// verdict is what every reader of a status must agree on, and what each of them calls it.
type verdict struct {
	name    string
	kstatus []status.Status
	argocd  []string
	model   []roadmapview.Health
}

var (
	verdictReady = verdict{"ready", []status.Status{status.CurrentStatus},
		[]string{argocdhealth.StatusHealthy}, []roadmapview.Health{roadmapview.HealthOK}}
	// Waiting on other objects: Argo CD parks it (Suspended), or shows it converging when the initiative gates
	// sync waves (Progressing).
	verdictWaiting = verdict{"waiting", []status.Status{status.InProgressStatus},
		[]string{argocdhealth.StatusSuspended, argocdhealth.StatusProgressing}, []roadmapview.Health{roadmapview.HealthWaiting, roadmapview.HealthBlocked}}
	verdictBroken = verdict{"broken", []status.Status{status.FailedStatus},
		[]string{argocdhealth.StatusDegraded}, []roadmapview.Health{roadmapview.HealthBroken}}
	// Retired or Cancelled: settled, and not Ready. kstatus has no word for it: it reads Ready=False without
	// Stalled as InProgress, so a kstatus-aware tool keeps waiting on it rather than proceeding, as Argo CD's
	// Suspended holds a sync wave; the read model tells it apart, greyed out.
	verdictInactive = verdict{"inactive", []status.Status{status.InProgressStatus},
		[]string{argocdhealth.StatusSuspended}, []roadmapview.Health{roadmapview.HealthInactive}}
	verdictUnevaluated = verdict{"not evaluated", []status.Status{status.InProgressStatus},
		[]string{argocdhealth.StatusProgressing}, []roadmapview.Health{roadmapview.HealthUnknown}}
	verdicts = []verdict{verdictReady, verdictWaiting, verdictBroken, verdictInactive, verdictUnevaluated}
)

// readings is what kstatus, the Argo CD health check and the read model say of one object.
type readings struct {
	kstatus status.Status
	argocd  argocdhealth.HealthStatus
	model   roadmapview.Health
}

func read(t *testing.T, obj map[string]any) readings {
	t.Helper()
	var r readings
	res, err := status.Compute(&unstructured.Unstructured{Object: obj})
	if err != nil {
		t.Fatalf("kstatus: %v", err)
	}
	r.kstatus = res.Status
	kind, _ := obj["kind"].(string)
	if r.argocd.Status, r.argocd.Message, err = argocdhealth.Evaluate(filepath.Join("..", "..", argocdhealth.ConfigMapPatch), obj); err != nil {
		t.Fatal(err)
	}
	switch kind {
	case "Capability":
		var c roadmapv1.Capability
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj, &c); err != nil {
			t.Fatal(err)
		}
		r.model = roadmapview.HealthOfCapability(&c)
	case "Initiative":
		var ini roadmapv1.Initiative
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj, &ini); err != nil {
			t.Fatal(err)
		}
		r.model = roadmapview.HealthOfInitiative(&ini)
	default:
		t.Fatalf("no classification for kind %q", kind)
	}
	return r
}

// agree fails unless the three readings are the same verdict; want, when set, must be that verdict.
func agree(t *testing.T, r readings, want *verdict) {
	t.Helper()
	for _, v := range verdicts {
		if slices.Contains(v.model, r.model) {
			if want != nil && v.name != want.name {
				t.Errorf("the read model reads %q (%s), want %s", r.model.Glyph(), v.name, want.name)
			}
			if !slices.Contains(v.kstatus, r.kstatus) || !slices.Contains(v.argocd, r.argocd.Status) {
				t.Errorf("disagreement: the read model reads %s, so kstatus must be one of %v and Argo CD one of %v; "+
					"got kstatus %s, Argo CD %s (%q)", v.name, v.kstatus, v.argocd, r.kstatus, r.argocd.Status, r.argocd.Message)
			}
			return
		}
	}
	t.Fatalf("the read model's health %d is no verdict", r.model)
}

func toUnstructured(t *testing.T, obj runtime.Object) map[string]any {
	t.Helper()
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestHealthAgreement runs every case through the operator's status writer (readiness), then kstatus, the Argo
// CD health check and the read model's classification, which must all reach the same verdict.
func TestHealthAgreement(t *testing.T) {
	ready := readiness.CapabilityView{Name: "k8s", Lifecycle: roadmapv1.LifecycleAvailable, Ready: true, Reason: "Ready"}
	planned := readiness.CapabilityView{Name: "event-bus", Lifecycle: roadmapv1.LifecyclePlanned, Reason: "NotAvailable"}
	check := func(reason string, passing bool) roadmapv1.CheckStatus {
		return roadmapv1.CheckStatus{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "kafka", Name: "broker",
			Reason: reason, Passing: passing}
	}
	fleet := func(cluster, reason string, passing bool) roadmapv1.CheckStatus {
		c := check(reason, passing)
		c.Cluster = cluster
		return c
	}
	capabilityCases := []struct {
		name  string
		facts readiness.CapabilityFacts
		want  verdict
	}{
		{"ready", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable, Requires: []string{"k8s"},
			Prerequisites: map[string]readiness.CapabilityView{"k8s": ready}}, verdictReady},
		{"planned", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecyclePlanned}, verdictWaiting},
		{"retired", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleRetired}, verdictInactive},
		{"prerequisite planned", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable, Requires: []string{"event-bus"},
			Prerequisites: map[string]readiness.CapabilityView{"event-bus": planned}}, verdictWaiting},
		{"prerequisite not found", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable, Requires: []string{"gone"}},
			verdictBroken},
		{"cycle", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable, Requires: []string{"b"},
			Cycle: []string{"a", "b", "a"}}, verdictBroken},
		{"check passing", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{check("Current", true)}}, verdictReady},
		{"check in progress", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{check("InProgress", false)}}, verdictWaiting},
		{"check object not found yet", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{check("NotFound", false)}}, verdictWaiting},
		{"check watch not synced", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{check("Unknown", false)}}, verdictWaiting},
		{"check object terminating", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{check("Terminating", false)}}, verdictWaiting},
		{"check object failed", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{check("Failed", false)}}, verdictBroken},
		{"check kind not served", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{check(roadmapv1.CheckReasonKindNotFound, false)}}, verdictBroken},
		{"check access denied", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{check(roadmapv1.CheckReasonAccessDenied, false)}}, verdictBroken},
		{"fleet check: a cluster out of reach is waited for", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{fleet("prod-eu", "Current", true), fleet("prod-us", roadmapv1.CheckReasonClusterUnreachable, false)}},
			verdictWaiting},
		{"fleet check: a bad kubeconfig is broken", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Checks: []roadmapv1.CheckStatus{fleet("prod-eu", roadmapv1.CheckReasonKubeconfigInvalid, false), fleet("prod-us", "Current", true)}},
			verdictBroken},
		{"stalled check behind a waiting prerequisite", readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable,
			Requires: []string{"event-bus"}, Prerequisites: map[string]readiness.CapabilityView{"event-bus": planned},
			Checks: []roadmapv1.CheckStatus{check(roadmapv1.CheckReasonKindNotFound, false)}}, verdictBroken},
	}
	for _, tc := range capabilityCases {
		t.Run("Capability/"+tc.name, func(t *testing.T) {
			c := &roadmapv1.Capability{TypeMeta: metav1.TypeMeta{APIVersion: "roadmap.dev/v1alpha1", Kind: "Capability"},
				ObjectMeta: metav1.ObjectMeta{Name: "a", Generation: 2},
				Spec:       roadmapv1.CapabilitySpec{Title: "a", Lifecycle: tc.facts.Lifecycle}}
			phase, res := readiness.EvaluateCapability(tc.facts)
			readiness.SetCapabilityStatus(c, phase, res)
			c.Status.Checks = tc.facts.Checks
			agree(t, read(t, toUnstructured(t, c)), &tc.want)
		})
	}

	self := readiness.InitiativeKey{Namespace: "shop", Name: "recs"}
	other := readiness.InitiativeKey{Namespace: "shop", Name: "search"}
	initiativeCases := []struct {
		name  string
		facts readiness.InitiativeFacts
		gated bool
		want  verdict
	}{
		{"ready", readiness.InitiativeFacts{Key: self, Requires: []string{"k8s"},
			Capabilities: map[string]readiness.CapabilityView{"k8s": ready}}, false, verdictReady},
		{"done", readiness.InitiativeFacts{Key: self, State: roadmapv1.StateDone}, false, verdictReady},
		{"cancelled", readiness.InitiativeFacts{Key: self, State: roadmapv1.StateCancelled}, false, verdictInactive},
		{"capability planned", readiness.InitiativeFacts{Key: self, Requires: []string{"event-bus"},
			Capabilities: map[string]readiness.CapabilityView{"event-bus": planned}, Providers: map[string]int{"event-bus": 1}},
			false, verdictWaiting},
		{"capability planned, gating sync waves", readiness.InitiativeFacts{Key: self, Requires: []string{"event-bus"},
			Capabilities: map[string]readiness.CapabilityView{"event-bus": planned}, Providers: map[string]int{"event-bus": 1}},
			true, verdictWaiting},
		{"no provider", readiness.InitiativeFacts{Key: self, Requires: []string{"event-bus"},
			Capabilities: map[string]readiness.CapabilityView{"event-bus": planned}}, false, verdictWaiting},
		{"initiative not done", readiness.InitiativeFacts{Key: self, DependsOn: []readiness.InitiativeKey{other},
			Initiatives: map[readiness.InitiativeKey]roadmapv1.InitiativeState{other: roadmapv1.StateActive}}, false, verdictWaiting},
		{"capability not found", readiness.InitiativeFacts{Key: self, Requires: []string{"gone"}}, false, verdictBroken},
		{"capability not found, within the grace period", readiness.InitiativeFacts{Key: self, Requires: []string{"gone"},
			InNotFoundGrace: true}, false, verdictWaiting},
		{"capability not declared yet, an initiative provides it", readiness.InitiativeFacts{Key: self,
			Requires: []string{"gone"}, Providers: map[string]int{"gone": 1}}, false, verdictWaiting},
		{"initiative not found", readiness.InitiativeFacts{Key: self, DependsOn: []readiness.InitiativeKey{other}},
			false, verdictBroken},
		{"cycle", readiness.InitiativeFacts{Key: self, DependsOn: []readiness.InitiativeKey{other},
			Initiatives: map[readiness.InitiativeKey]roadmapv1.InitiativeState{other: roadmapv1.StateActive},
			Cycle:       []string{"shop/recs", "shop/search", "shop/recs"}}, true, verdictBroken},
	}
	for _, tc := range initiativeCases {
		t.Run("Initiative/"+tc.name, func(t *testing.T) {
			ini := &roadmapv1.Initiative{TypeMeta: metav1.TypeMeta{APIVersion: "roadmap.dev/v1alpha1", Kind: "Initiative"},
				ObjectMeta: metav1.ObjectMeta{Namespace: self.Namespace, Name: self.Name, Generation: 3},
				Spec:       roadmapv1.InitiativeSpec{Title: "recs", Track: roadmapv1.TrackInnovation, State: tc.facts.State}}
			if tc.gated {
				ini.Annotations = map[string]string{"roadmap.dev/gate-sync-waves": "true"}
			}
			phase, res := readiness.EvaluateInitiative(tc.facts)
			readiness.SetInitiativeStatus(ini, phase, res)
			agree(t, read(t, toUnstructured(t, ini)), &tc.want)
		})
	}

	// Before the operator has looked: the apiserver defaults status.observedGeneration to -1; and a spec changed
	// since the status was written.
	t.Run("Capability/not evaluated", func(t *testing.T) {
		c := &roadmapv1.Capability{TypeMeta: metav1.TypeMeta{APIVersion: "roadmap.dev/v1alpha1", Kind: "Capability"},
			ObjectMeta: metav1.ObjectMeta{Name: "a", Generation: 1}, Status: roadmapv1.CapabilityStatus{ObservedGeneration: -1}}
		agree(t, read(t, toUnstructured(t, c)), &verdictUnevaluated)
	})
	t.Run("Initiative/spec changed since evaluated", func(t *testing.T) {
		ini := &roadmapv1.Initiative{TypeMeta: metav1.TypeMeta{APIVersion: "roadmap.dev/v1alpha1", Kind: "Initiative"},
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "recs", Generation: 1}}
		phase, res := readiness.EvaluateInitiative(readiness.InitiativeFacts{Key: self, Requires: []string{"gone"}})
		readiness.SetInitiativeStatus(ini, phase, res)
		ini.Generation = 2
		agree(t, read(t, toUnstructured(t, ini)), &verdictUnevaluated)
	})
}

// TestHealthAgreementScheduleConflict runs every case through the operator's schedule rule
// (roadmap.ScheduleConflict) and writes its verdict as the operator does; the plan must mark as conflicting
// exactly the initiatives whose ScheduleConflict condition is True, with its message. A prerequisite due after
// the target date moves the task's start, but is no conflict unless the operator says so: a Ready capability is
// not waited for, and dependsOn is not part of the rule.
func TestHealthAgreementScheduleConflict(t *testing.T) {
	const target = "2035-05-31"
	cases := []struct {
		name          string
		eventBusReady bool
		opts          []roadmapviewtest.InitiativeOption
		conflict      bool
	}{
		{"required capability arrives after the target", false,
			[]roadmapviewtest.InitiativeOption{roadmapviewtest.Requires("event-bus")}, true},
		{"required capability is Ready, its provider due after the target", true,
			[]roadmapviewtest.InitiativeOption{roadmapviewtest.Requires("event-bus")}, false},
		{"dependsOn due after the target", false,
			[]roadmapviewtest.InitiativeOption{roadmapviewtest.DependsOn("ops", "migration")}, false},
		{"nothing due after the target", false,
			[]roadmapviewtest.InitiativeOption{roadmapviewtest.Requires("observability")}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eventBus := roadmapviewtest.Capability("event-bus", "team-data", roadmapv1.LifecyclePlanned,
				roadmapv1.CapabilityPhasePlanned, metav1.ConditionFalse, "NotAvailable", "capability is Planned, not yet Available")
			if tc.eventBusReady {
				eventBus = roadmapviewtest.Capability("event-bus", "team-data", roadmapv1.LifecycleAvailable,
					roadmapv1.CapabilityPhaseReady, metav1.ConditionTrue, "Ready", "capability is Available and has no prerequisites")
			}
			eventBus.Status.Providers = []roadmapv1.ProviderStatus{{Namespace: "ops", Name: "kafka-cluster",
				TargetDate: "2035-06-30", State: roadmapv1.StateActive}}
			obs := roadmapviewtest.Capability("observability", "team-sre", roadmapv1.LifecycleAvailable,
				roadmapv1.CapabilityPhaseReady, metav1.ConditionTrue, "Ready", "capability is Available and has no prerequisites")
			recs := roadmapviewtest.Initiative("shop", "recs", "team-shop", roadmapv1.PhaseBlocked, "CapabilityNotReady",
				append([]roadmapviewtest.InitiativeOption{roadmapviewtest.Target(target)}, tc.opts...)...)

			// The operator's verdict, written as the initiative reconciler writes it.
			ready := map[string]bool{"event-bus": tc.eventBusReady, "observability": true}
			providers := map[string][]roadmap.Provider{"event-bus": {{Namespace: "ops", Name: "kafka-cluster",
				TargetDate: "2035-06-30", State: roadmapv1.StateActive}}}
			requires := make([]string, len(recs.Spec.Requires))
			for i, r := range recs.Spec.Requires {
				requires[i] = string(r)
			}
			o := roadmap.ScheduleConflict(recs.Spec.TargetDate, requires, ready, providers)
			if o.True != tc.conflict {
				t.Fatalf("the operator's rule says conflict=%t (%s), the case expects %t", o.True, o.Message, tc.conflict)
			}
			status := metav1.ConditionFalse
			if o.True {
				status = metav1.ConditionTrue
			}
			recs.Status.Conditions = append(recs.Status.Conditions,
				roadmapviewtest.Condition(roadmapv1.ConditionScheduleConflict, status, o.Reason, o.Message, roadmapviewtest.Recent))

			s := (&roadmapview.Snapshot{
				Capabilities: []roadmapv1.Capability{eventBus, obs},
				Initiatives: []roadmapv1.Initiative{recs,
					roadmapviewtest.Initiative("ops", "kafka-cluster", "team-data", roadmapv1.PhaseReady, "PrerequisitesMet",
						roadmapviewtest.State(roadmapv1.StateActive), roadmapviewtest.Provides("event-bus"), roadmapviewtest.Target("2035-06-30")),
					roadmapviewtest.Initiative("ops", "migration", "team-data", roadmapv1.PhaseReady, "PrerequisitesMet",
						roadmapviewtest.State(roadmapv1.StateActive), roadmapviewtest.Target("2035-09-30")),
				},
			}).Index()
			p := roadmapview.Plan(s, roadmapview.Focus(s, ""), "", roadmapviewtest.Clock)
			want := map[string]string{}
			if o.True {
				want["shop/recs"] = o.Message
			}
			got := map[string]string{}
			for _, task := range p.Tasks {
				if task.Conflict != "" {
					got[task.Key()] = task.Conflict
				}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("plan conflicts (-ScheduleConflict conditions +plan):\n%s", d)
			}
		})
	}
}

// TestHealthAgreementOnFixtures runs every Argo CD fixture of capabilities and initiatives, hand-written and
// recorded from the operator (live-*.yaml, see test/gitops), through kstatus, the Argo CD health check and the
// read model, which must agree. Two kinds of fixture are objects the apiserver never serves, and are left out:
// malformed ones (the CRD schema rejects them) and ones without a status (the CRD defaults
// status.observedGeneration to -1, and kstatus reads a status-less object as Current).
func TestHealthAgreementOnFixtures(t *testing.T) {
	for _, kind := range []string{"Capability", "Initiative"} {
		files, err := filepath.Glob(filepath.Join(healthChecks, kind, "testdata", "*.yaml"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no fixtures for %s: %v", kind, err)
		}
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".yaml")
			if name == "malformed" || name == "no-status" {
				continue
			}
			t.Run(kind+"/"+name, func(t *testing.T) {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				js, err := yaml.YAMLToJSON(raw)
				if err != nil {
					t.Fatal(err)
				}
				obj := &unstructured.Unstructured{} // integers as int64, as the apiserver's clients decode them
				if err := obj.UnmarshalJSON(js); err != nil {
					t.Fatal(err)
				}
				agree(t, read(t, obj.Object), nil)
			})
		}
	}
}

// TestCheckHealthFollowsTheOperator: a check's mark in why and tree is the operator's verdict on it (its
// blockedBy entry), not a list of reasons of the read model's own: a Failed object is broken, a missing one is
// waited for.
func TestCheckHealthFollowsTheOperator(t *testing.T) {
	checks := []roadmapv1.CheckStatus{
		{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "kafka", Name: "broker", Reason: "NotFound", Message: "object not found"},
		{APIVersion: "batch/v1", Kind: "Job", Namespace: "kafka", Name: "migrate", Reason: "Failed", Message: "Job Failed"},
		{APIVersion: "example.com/v1", Kind: "Widget", Name: "w", Reason: roadmapv1.CheckReasonKindNotFound},
		{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "kafka", Name: "zookeeper", Reason: "InProgress"},
		{APIVersion: "apps/v1", Kind: "Service", Namespace: "kafka", Name: "broker", Reason: "Current", Passing: true},
	}
	want := map[string]roadmapview.Health{"broker": roadmapview.HealthBlocked, "migrate": roadmapview.HealthBroken, "w": roadmapview.HealthBroken,
		"zookeeper": roadmapview.HealthWaiting}
	c := roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "event-bus"},
		Spec: roadmapv1.CapabilitySpec{Title: "Event bus", Lifecycle: roadmapv1.LifecycleAvailable}}
	phase, res := readiness.EvaluateCapability(readiness.CapabilityFacts{Lifecycle: roadmapv1.LifecycleAvailable, Checks: checks})
	readiness.SetCapabilityStatus(&c, phase, res)
	c.Status.Checks = checks
	s := (&roadmapview.Snapshot{Capabilities: []roadmapv1.Capability{c}}).Index()

	if got := roadmapview.HealthOfCapability(s.Capability("event-bus")); got != roadmapview.HealthBroken {
		t.Errorf("capability stalled on a check reads %s, want broken", got.Glyph())
	}
	why, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Capability", Name: "event-bus"})
	if err != nil {
		t.Fatal(err)
	}
	if got := roadmapview.HealthOfWhyNode(why.Target); got != roadmapview.HealthBroken {
		t.Errorf("why: capability stalled on a check reads %s, want broken", got.Glyph())
	}
	if len(why.Target.BlockedBy) != len(want) {
		t.Fatalf("why lists %d checks, want the %d failing ones: %+v", len(why.Target.BlockedBy), len(want), why.Target.BlockedBy)
	}
	for _, n := range why.Target.BlockedBy {
		if got := roadmapview.HealthOfWhyNode(n); got != want[n.Name] {
			t.Errorf("why: check %s %s reads %s, want %s", n.CheckKind, n.Name, got.Glyph(), want[n.Name].Glyph())
		}
	}
	tree, err := roadmapview.Tree(s, roadmapview.Ref{Kind: "Capability", Name: "event-bus"})
	if err != nil {
		t.Fatal(err)
	}
	if tree.Health != roadmapview.HealthBroken {
		t.Errorf("tree: capability stalled on a check reads %s, want broken", tree.Health.Glyph())
	}
	for _, n := range tree.Children {
		w, failing := want[n.Label[strings.LastIndex(n.Label, "/")+1:]]
		if !failing || strings.HasPrefix(n.Label, "check Service/") {
			w = roadmapview.HealthOK
		}
		if n.Health != w {
			t.Errorf("tree: %s reads %s, want %s", n.Label, n.Health.Glyph(), w.Glyph())
		}
	}
}
