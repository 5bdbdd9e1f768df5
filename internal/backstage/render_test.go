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

package backstage_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/backstage"
	"github.com/roadmap-operator/roadmap-operator/internal/backstage/backstagetest"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	rt "github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

const boardURL = "https://roadmap.example.com/"

func byName(t *testing.T, entities []backstage.Entity, kind, name string) backstage.Entity {
	t.Helper()
	for _, e := range entities {
		if e.Kind == kind && e.Metadata.Name == name {
			return e
		}
	}
	t.Fatalf("no %s %s among the entities", kind, name)
	return backstage.Entity{}
}

// The mapping of the fixture roadmap: every value comes from the status the operator wrote, as the read model
// reads it.
func TestEntitiesOfTheFixture(t *testing.T) {
	s := rt.Roadmap()
	entities, err := backstage.Entities(s, backstage.Options{BoardURL: boardURL})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(entities), len(s.Goals)+len(s.Capabilities)+len(s.Initiatives); got != want {
		t.Fatalf("%d entities, want one per object: %d", got, want)
	}

	recs := byName(t, entities, "Component", "team-personalisation.recs")
	wantSpec := backstage.Spec{Type: "initiative", Lifecycle: "proposed", Owner: "group:team-personalisation",
		DependsOn:    []string{"resource:event-bus", "resource:observability", "component:ops.kafka-cluster"},
		DependencyOf: []string{"domain:recommendations"}}
	if diff := cmp.Diff(wantSpec, recs.Spec); diff != "" {
		t.Errorf("spec of the initiative recs (-want +got):\n%s", diff)
	}
	why, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "team-personalisation", Name: "recs"})
	if err != nil || len(why.Actions) == 0 {
		t.Fatalf("the fixture's recs should have actions: %v %+v", err, why)
	}
	var actions []string
	for _, a := range why.Actions {
		actions = append(actions, a.Owner+": "+a.Subject+": "+a.Do)
	}
	a := recs.Metadata.Annotations
	for key, want := range map[string]string{
		backstage.AnnotationKind:        "Initiative",
		backstage.AnnotationNamespace:   "team-personalisation",
		backstage.AnnotationName:        "recs",
		backstage.AnnotationPhase:       "Blocked",
		backstage.AnnotationHealth:      "blocked",
		backstage.AnnotationReason:      "CapabilityNotReady",
		backstage.AnnotationWhy:         "capability event-bus: Planned, initiative ops/kafka-cluster: Active",
		backstage.AnnotationNextActions: strings.Join(actions, "\n"),
		backstage.AnnotationState:       "Proposed",
		backstage.AnnotationTrack:       "Innovation",
		backstage.AnnotationTargetDate:  "2035-05-31",
		backstage.AnnotationPriority:    "3.20",
	} {
		if a[key] != want {
			t.Errorf("annotation %s of recs = %q, want %q", key, a[key], want)
		}
	}
	if got, want := recs.Metadata.Description, "Innovation initiative, Blocked: capability event-bus: Planned, initiative ops/kafka-cluster: Active"; got != want {
		t.Errorf("description = %q, want %q", got, want)
	}
	if diff := cmp.Diff([]string{"blocked", "innovation"}, recs.Metadata.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	wantLink := backstage.Link{URL: boardURL + "#sel=initiative%2Fteam-personalisation%2Frecs", Title: "Roadmap board", Icon: "dashboard"}
	if diff := cmp.Diff([]backstage.Link{wantLink}, recs.Metadata.Links); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}

	// A capability depends on what it requires and on the work that provides it; no owner is group:unowned.
	bus := byName(t, entities, "Resource", "event-bus")
	if diff := cmp.Diff(backstage.Spec{Type: "platform-capability", Owner: "group:team-data",
		DependsOn: []string{"resource:kubernetes-platform", "component:ops.kafka-cluster"}}, bus.Spec); diff != "" {
		t.Errorf("spec of the capability event-bus (-want +got):\n%s", diff)
	}
	if bus.Metadata.Annotations[backstage.AnnotationETA] != "2035-06-30" || bus.Metadata.Annotations[backstage.AnnotationPhase] != "Planned" {
		t.Errorf("annotations of event-bus: %v", bus.Metadata.Annotations)
	}
	if got := byName(t, entities, "Resource", "feature-flags").Spec.Owner; got != "group:unowned" {
		t.Errorf("owner of feature-flags = %q, want group:unowned", got)
	}
	obs := byName(t, entities, "Resource", "observability")
	if _, ok := obs.Metadata.Annotations[backstage.AnnotationNextActions]; ok || obs.Metadata.Annotations[backstage.AnnotationHealth] != "ok" {
		t.Errorf("a Ready capability has no actions and is ok: %v", obs.Metadata.Annotations)
	}

	// A sub-goal is a subdomain; the goal's status is the read model's.
	sub := byName(t, entities, "Domain", "recommendations")
	if sub.Spec.SubdomainOf != "domain:personalisation" || sub.Spec.Type != "goal" || sub.Spec.Owner != "group:unowned" {
		t.Errorf("spec of the goal recommendations: %+v", sub.Spec)
	}
	top := byName(t, entities, "Domain", "personalisation")
	status, _, message := roadmapview.GoalStatus(s.Goal("personalisation"))
	if top.Metadata.Annotations[backstage.AnnotationPhase] != status || top.Metadata.Annotations[backstage.AnnotationWhy] != message {
		t.Errorf("annotations of the goal personalisation: %v, want status %s, why %q", top.Metadata.Annotations, status, message)
	}
}

// Two objects that would be one entity are an error, not one entity fewer. Kubernetes namespaces hold no '.',
// so NAMESPACE.NAME cannot collide in a cluster; a snapshot built by hand can.
func TestEntitiesRefuseACollision(t *testing.T) {
	s := (&roadmapview.Snapshot{Initiatives: []roadmapv1.Initiative{
		rt.Initiative("a", "b.c", "team-a", roadmapv1.PhaseReady, "PrerequisitesMet"),
		rt.Initiative("a.b", "c", "team-a", roadmapv1.PhaseReady, "PrerequisitesMet"),
	}}).Index()
	_, err := backstage.Entities(s, backstage.Options{})
	if err == nil || !strings.Contains(err.Error(), "initiative a.b/c and initiative a/b.c would both be the Backstage entity Component:a.b.c") {
		t.Errorf("got %v, want an error naming both initiatives", err)
	}
}

func TestOptionsRefuseABadBoardURL(t *testing.T) {
	for _, u := range []string{"roadmap.example.com", "ftp://roadmap.example.com/", "https://roadmap.example.com/#sel=x",
		"https://user:pass@roadmap.example.com/", "https://"} {
		if _, err := backstage.Entities(rt.Roadmap(), backstage.Options{BoardURL: u}); err == nil ||
			!strings.Contains(err.Error(), "invalid board URL") {
			t.Errorf("board URL %q: got %v, want an error saying the board URL is invalid", u, err)
		}
	}
}

// export writes the snapshot's catalog-info.yaml.
func export(t *testing.T, s *roadmapview.Snapshot) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := backstage.Write(&b, s, backstage.Options{BoardURL: boardURL}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// acceptsAll checks that Backstage accepts every entity of the catalog, and that there are as many as wanted.
func acceptsAll(t *testing.T, catalog []byte, want int) backstagetest.Result {
	t.Helper()
	res := backstagetest.Validate(t, catalog)
	for _, r := range res.Rejected {
		t.Errorf("Backstage rejects %s (document %d): %s", r.Entity, r.Document, r.Error)
	}
	if len(res.Accepted) != want {
		t.Errorf("Backstage accepted %d entities, want %d:\n%s", len(res.Accepted), want, catalog)
	}
	return res
}

func TestBackstageAcceptsTheFixture(t *testing.T) {
	s := rt.Roadmap()
	res := acceptsAll(t, export(t, s), len(s.Goals)+len(s.Capabilities)+len(s.Initiatives))
	if !contains(res.Accepted, "component:default/team-personalisation.recs") {
		t.Errorf("the initiative recs is not among %v", res.Accepted)
	}
}

// The export of a real cluster: the golden file the plugin's envtest suite holds identical to
// `kubectl roadmap export --format backstage`.
func TestBackstageAcceptsTheClusterExport(t *testing.T) {
	catalog, err := os.ReadFile(filepath.Join("..", "..", "cmd", "kubectl-roadmap", "testdata", "backstage.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	acceptsAll(t, catalog, bytes.Count(catalog, []byte("\n---\n")))
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// hostile is a roadmap of names and texts at the limits of what the API accepts, and past what Backstage does:
// 253-character names with dots, a 63-character namespace, names that share their first 63 characters, owners
// and categories in free text, and texts that look like YAML.
func hostile() *roadmapview.Snapshot {
	segment := func(c string) string { return strings.Repeat(c, 63) }
	longName := segment("a") + "." + segment("b") + "." + segment("c") + "." + strings.Repeat("d", 61) // 253
	twin := segment("a") + "." + segment("b") + "." + segment("c") + "." + strings.Repeat("e", 61)
	longNS := "ns-" + strings.Repeat("x", 60)
	yamlish := "key: value # not a comment\n- item\n--- \"quoted\" 'single' {flow: [x]} & *alias !tag …"

	platform := rt.Capability(longName, "Team Platform (EMEA)", roadmapv1.LifecycleAvailable,
		roadmapv1.CapabilityPhaseReady, metav1.ConditionTrue, "Ready", "ok")
	platform.Spec.Category = "Data & Analytics!!"
	platform.Spec.Title = "---"
	platform.Spec.Description = yamlish
	other := rt.Capability(twin, "group:Team A", roadmapv1.LifecyclePlanned,
		roadmapv1.CapabilityPhaseBlocked, metav1.ConditionFalse, "PrerequisiteNotReady", yamlish, longName, "missing.capability")
	other.Status.Providers = []roadmapv1.ProviderStatus{{Namespace: longNS, Name: longName, State: roadmapv1.StateActive}}
	dotted := rt.Capability("event-bus.v2", "", roadmapv1.LifecyclePlanned,
		roadmapv1.CapabilityPhasePlanned, metav1.ConditionFalse, "NotAvailable", "capability is Planned")

	s := &roadmapview.Snapshot{
		Capabilities: []roadmapv1.Capability{platform, other, dotted},
		Goals: []roadmapv1.Goal{
			{ObjectMeta: metav1.ObjectMeta{Name: longName}, Spec: roadmapv1.GoalSpec{Title: yamlish, Owner: "ÜBER team"}},
			{ObjectMeta: metav1.ObjectMeta{Name: twin}, Spec: roadmapv1.GoalSpec{Title: "child", Parent: roadmapv1.ResourceName(longName)}},
		},
		Initiatives: []roadmapv1.Initiative{
			rt.Initiative(longNS, longName, "", roadmapv1.PhaseBlocked, "CapabilityNotReady",
				rt.Requires(twin, "event-bus.v2"), rt.Provides(longName), rt.Goals(longName, twin),
				rt.BlockedBy("Capability", "", twin, "CapabilityNotReady", yamlish)),
			rt.Initiative(longNS, twin, "user:default/jane", roadmapv1.PhaseReady, "PrerequisitesMet",
				rt.DependsOn("", longName), rt.DependsOn("a", "b.c")),
			rt.Initiative("a", "b.c", "TEAM_A", roadmapv1.PhaseDone, "Done"),
		},
	}
	return s.Index()
}

func TestBackstageAcceptsHostileNames(t *testing.T) {
	s := hostile()
	catalog := export(t, s)
	res := acceptsAll(t, catalog, len(s.Goals)+len(s.Capabilities)+len(s.Initiatives))
	entities, err := backstage.Entities(s, backstage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Every reference between roadmap objects that exist leads to an entity of the export.
	accepted := map[string]bool{}
	for _, r := range res.Accepted {
		accepted[r] = true
	}
	for _, e := range entities {
		refs := append(append([]string{}, e.Spec.DependsOn...), e.Spec.DependencyOf...)
		if e.Spec.SubdomainOf != "" {
			refs = append(refs, e.Spec.SubdomainOf)
		}
		for _, ref := range refs {
			kind, name, _ := strings.Cut(ref, ":")
			full := kind + ":default/" + strings.ToLower(name)
			if !accepted[full] && name != backstage.EntityName("missing.capability") {
				t.Errorf("%s %s refers to %s, which is not in the export", e.Kind, e.Metadata.Name, ref)
			}
		}
	}
	if got := byName(t, entities, "Resource", backstage.EntityName(s.Capabilities[0].Name)).Metadata.Tags; !contains(got, "data-analytics") {
		t.Errorf("the category is not a tag: %v", got)
	}
}

// The validator must be able to fail: deliberately broken entities are each rejected, for the reason broken.
func TestBackstageRejectsBrokenEntities(t *testing.T) {
	valid := func(mutate func(*backstage.Entity)) backstage.Entity {
		e := backstage.Entity{APIVersion: backstage.APIVersion, Kind: "Resource",
			Metadata: backstage.Metadata{Name: "event-bus", Namespace: "default"},
			Spec:     backstage.Spec{Type: "platform-capability", Owner: "group:team-data"}}
		mutate(&e)
		return e
	}
	for _, tc := range []struct {
		name   string
		entity backstage.Entity
		error  string
	}{
		{"a name of 64 characters", valid(func(e *backstage.Entity) { e.Metadata.Name = strings.Repeat("a", 64) }), `"metadata.name" is not valid`},
		{"a name with a space", valid(func(e *backstage.Entity) { e.Metadata.Name = "event bus" }), `"metadata.name" is not valid`},
		{"an uppercase namespace", valid(func(e *backstage.Entity) { e.Metadata.Namespace = "Team" }), `"metadata.namespace" is not valid`},
		{"an uppercase tag", valid(func(e *backstage.Entity) { e.Metadata.Tags = []string{"Blocked"} }), `"tags.0" is not valid`},
		{"an annotation key with two slashes", valid(func(e *backstage.Entity) {
			e.Metadata.Annotations = map[string]string{"roadmap.dev/a/b": "x"}
		}), `"annotations.roadmap.dev/a/b" is not valid`},
		{"no owner", valid(func(e *backstage.Entity) { e.Spec.Owner = "" }), "owner"},
		{"a dependency without a kind", valid(func(e *backstage.Entity) { e.Spec.DependsOn = []string{"kubernetes-platform"} }),
			"had missing or empty kind"},
		{"an owner with a space", valid(func(e *backstage.Entity) { e.Spec.Owner = "group:Team A" }), `has an invalid name "Team A"`},
		{"a Component without lifecycle", valid(func(e *backstage.Entity) { e.Kind = "Component"; e.Spec.Type = "initiative" }), "lifecycle"},
		{"a link that is not a URL", valid(func(e *backstage.Entity) { e.Metadata.Links = []backstage.Link{{URL: "board"}} }),
			`"links.0.url" is not valid`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			catalog := encode(t, valid(func(*backstage.Entity) {}), tc.entity)
			res := backstagetest.Validate(t, catalog)
			if len(res.Accepted) != 1 || len(res.Rejected) != 1 {
				t.Fatalf("want the valid entity accepted and the broken one rejected, got %+v", res)
			}
			if r := res.Rejected[0]; r.Document != 1 || !strings.Contains(r.Error, tc.error) {
				t.Errorf("rejected document %d for %q, want document 1 for %q", r.Document, r.Error, tc.error)
			}
		})
	}
	t.Run("the same entity twice", func(t *testing.T) {
		e := valid(func(*backstage.Entity) {})
		res := backstagetest.Validate(t, encode(t, e, e))
		if len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Error, "the catalog would keep only one") {
			t.Errorf("want the second copy rejected, got %+v", res)
		}
	})
}

// encode writes entities as a catalog-info.yaml, as Write does.
func encode(t *testing.T, entities ...backstage.Entity) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, e := range entities {
		data, err := yaml.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("---\n")
		b.Write(data)
	}
	return b.Bytes()
}
