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

// Package backstage writes the roadmap as Backstage software catalog entities: the multi-document YAML of a
// catalog-info.yaml, which Backstage reads from a Location (a file in a repository, or the board service's URL,
// served by NewHandler with a read token). Goals are Domains (sub-goals are subdomains), capabilities are
// platform Resources owned by their team, initiatives are Components of type initiative; what one needs is in
// spec.dependsOn, what one serves or builds in spec.dependencyOf; annotations carry the roadmap's state and why,
// and links lead back to the board. docs/backstage.md explains the mapping.
//
// It renders the read model (internal/roadmapview) and never recomputes a verdict: phases, reasons, summaries,
// goal status and who must act are what the operator wrote, as roadmapview reads them.
package backstage

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// APIVersion of every entity written.
const APIVersion = "backstage.io/v1alpha1"

// Namespace is the Backstage namespace of every entity: the one Backstage's organisation data (the groups that
// own things) lives in by default, so spec.owner: group:team-a finds the team. A Kubernetes namespace is folded
// into the name of an initiative's entity instead (EntityName).
const Namespace = "default"

// The spec.type of each kind of entity.
const (
	TypeCapability = "platform-capability"
	TypeInitiative = "initiative"
	TypeGoal       = "goal"
)

// AnnotationPrefix starts every annotation carrying the roadmap's state.
const AnnotationPrefix = "roadmap.dev/"

// Annotations of the entities. Only those with something to say are written.
const (
	// AnnotationKind is the roadmap object's kind; with AnnotationName and AnnotationNamespace it names the object
	// (kubectl get KIND NAME -n NAMESPACE), however its entity name had to be shortened.
	AnnotationKind      = AnnotationPrefix + "kind"
	AnnotationName      = AnnotationPrefix + "name"
	AnnotationNamespace = AnnotationPrefix + "namespace"
	// AnnotationOwner is spec.owner as the roadmap writes it, when there is one.
	AnnotationOwner = AnnotationPrefix + "owner"
	// AnnotationPhase is the phase of an initiative or capability (Unknown until the operator has evaluated its
	// current spec), or the status of a goal (OnTrack, AtRisk, NoInitiatives...).
	AnnotationPhase = AnnotationPrefix + "phase"
	// AnnotationHealth is the read model's health: ok, waiting, blocked, broken, inactive or unknown.
	AnnotationHealth = AnnotationPrefix + "health"
	// AnnotationReason is the reason of the Ready condition.
	AnnotationReason = AnnotationPrefix + "reason"
	// AnnotationWhy is the operator's one-line summary of why the object is not ready (a goal: its progress and
	// what puts it at risk).
	AnnotationWhy = AnnotationPrefix + "why"
	// AnnotationNextActions lists who must act, one "OWNER: SUBJECT: STEP" a line, down to the root causes.
	AnnotationNextActions = AnnotationPrefix + "next-actions"
	// AnnotationState is an initiative's declared state; AnnotationTrack its track, AnnotationTargetDate its
	// target date (a goal's too), AnnotationPriority its WSJF score.
	AnnotationState      = AnnotationPrefix + "state"
	AnnotationTrack      = AnnotationPrefix + "track"
	AnnotationTargetDate = AnnotationPrefix + "target-date"
	AnnotationPriority   = AnnotationPrefix + "priority"
	// AnnotationScheduleConflict and AnnotationUnaligned carry the message of an initiative's ScheduleConflict
	// condition when it is True and of its Aligned condition when it is False.
	AnnotationScheduleConflict = AnnotationPrefix + "schedule-conflict"
	AnnotationUnaligned        = AnnotationPrefix + "unaligned"
	// AnnotationLifecycle is a capability's declared lifecycle; AnnotationETA the target date of its last
	// provider, AnnotationChecks how many of its evidence checks pass.
	AnnotationLifecycle = AnnotationPrefix + "lifecycle"
	AnnotationETA       = AnnotationPrefix + "eta"
	AnnotationChecks    = AnnotationPrefix + "checks-passing"
	// AnnotationProgress is a goal's value-weighted progress in percent.
	AnnotationProgress = AnnotationPrefix + "progress"
)

// Entity is a Backstage catalog entity as a catalog-info.yaml holds it.
type Entity struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   Metadata `json:"metadata"`
	Spec       Spec     `json:"spec"`
}

// Metadata is the part of an entity's metadata written here.
type Metadata struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Title       string            `json:"title,omitempty"`
	Description string            `json:"description,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	Links       []Link            `json:"links,omitempty"`
}

// Link is an entry of metadata.links.
type Link struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
	Icon  string `json:"icon,omitempty"`
}

// Spec holds the fields of the spec of Resource, Component and Domain entities written here.
type Spec struct {
	Type         string   `json:"type,omitempty"`
	Lifecycle    string   `json:"lifecycle,omitempty"`
	Owner        string   `json:"owner"`
	SubdomainOf  string   `json:"subdomainOf,omitempty"`
	DependsOn    []string `json:"dependsOn,omitempty"`
	DependencyOf []string `json:"dependencyOf,omitempty"`
}

// Options shape the entities.
type Options struct {
	// BoardURL is the address of the roadmap board (kubectl roadmap serve, or the board service); when set,
	// every entity links to its object on the board.
	BoardURL string
}

// Validate checks that the board URL is an absolute http(s) URL without a fragment (the link adds one).
func (o Options) Validate() error {
	if o.BoardURL == "" {
		return nil
	}
	u, err := url.Parse(o.BoardURL)
	if err != nil {
		return fmt.Errorf("invalid board URL %q: %w", o.BoardURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("invalid board URL %q: use an absolute http or https URL without user info or a #fragment, "+
			"e.g. https://roadmap.example.com/", o.BoardURL)
	}
	return nil
}

// Refs of the entities of roadmap objects, relative to Namespace.

// CapabilityRef is the entity reference of a capability's Resource.
func CapabilityRef(name string) string { return "resource:" + EntityName(name) }

// InitiativeRef is the entity reference of an initiative's Component.
func InitiativeRef(namespace, name string) string { return "component:" + EntityName(namespace, name) }

// GoalRef is the entity reference of a goal's Domain.
func GoalRef(name string) string { return "domain:" + EntityName(name) }

// Entities maps the snapshot to entities: its goals, capabilities and initiatives, in that order, each sorted as
// the snapshot is. It fails if two objects would get the same entity (which the naming rules make a SHA-256
// collision of shortened names) rather than let Backstage keep one of them.
func Entities(s *roadmapview.Snapshot, o Options) ([]Entity, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	var out []Entity
	for i := range s.Goals {
		out = append(out, goalEntity(&s.Goals[i], o))
	}
	for i := range s.Capabilities {
		out = append(out, capabilityEntity(s, &s.Capabilities[i], o))
	}
	for i := range s.Initiatives {
		out = append(out, initiativeEntity(s, &s.Initiatives[i], o))
	}
	seen := map[string]string{}
	for _, e := range out {
		key := e.Kind + ":" + strings.ToLower(e.Metadata.Name) // Backstage compares names without case
		object := objectOf(e)
		if other, dup := seen[key]; dup {
			return nil, fmt.Errorf("%s and %s would both be the Backstage entity %s: rename one of them", other, object, key)
		}
		seen[key] = object
	}
	return out, nil
}

func objectOf(e Entity) string {
	a := e.Metadata.Annotations
	if ns := a[AnnotationNamespace]; ns != "" {
		return strings.ToLower(a[AnnotationKind]) + " " + ns + "/" + a[AnnotationName]
	}
	return strings.ToLower(a[AnnotationKind]) + " " + a[AnnotationName]
}

// Write writes the entities of the snapshot as a catalog-info.yaml: one YAML document per entity.
func Write(w io.Writer, s *roadmapview.Snapshot, o Options) error {
	entities, err := Entities(s, o)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("# The roadmap as Backstage catalog entities, written by roadmap-operator from the cluster's status.\n" +
		"# Generated: do not edit; register this file (or the board service's URL) as a Backstage Location.\n")
	if s.Limited != "" {
		b.WriteString("# Incomplete: " + oneLine(s.Limited) + "\n")
	} else if s.Namespace != "" {
		b.WriteString("# Initiatives of namespace " + s.Namespace + " only.\n")
	}
	for _, e := range entities {
		data, err := yaml.Marshal(e)
		if err != nil {
			return fmt.Errorf("encoding the entity %s: %w", e.Metadata.Name, err)
		}
		b.WriteString("---\n")
		b.Write(data)
	}
	_, err = w.Write(b.Bytes())
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// boardLinks links to the object on the board: the board keeps its selection in the URL's fragment.
func boardLinks(o Options, id string) []Link {
	if o.BoardURL == "" {
		return nil
	}
	return []Link{{URL: o.BoardURL + "#" + url.Values{"sel": {id}}.Encode(), Title: "Roadmap board", Icon: "dashboard"}}
}

// annotations collects the annotations with a value.
type annotations map[string]string

func (a annotations) set(key, value string) {
	if value != "" {
		a[key] = value
	}
}

// tags are the tags made of the values given, each once, in order.
func tags(values ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		if t := Tag(v); t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func statusLine(what, phase, why string) string {
	if why == "" {
		return what + ", " + phase
	}
	return what + ", " + phase + ": " + oneLine(why)
}

// nextActions is who must act, from the read model's why chain: one line per action.
func nextActions(s *roadmapview.Snapshot, ref roadmapview.Ref) string {
	res, err := roadmapview.Why(s, ref)
	if err != nil || res == nil {
		return ""
	}
	lines := make([]string, 0, len(res.Actions))
	for _, a := range res.Actions {
		lines = append(lines, a.Owner+": "+a.Subject+": "+a.Do)
	}
	return strings.Join(lines, "\n")
}

func goalEntity(g *roadmapv1.Goal, o Options) Entity {
	status, health, message := roadmapview.GoalStatus(g)
	a := annotations{AnnotationKind: "Goal", AnnotationName: g.Name, AnnotationPhase: status, AnnotationHealth: health.Class()}
	a.set(AnnotationOwner, g.Spec.Owner)
	a.set(AnnotationWhy, oneLine(message))
	a.set(AnnotationTargetDate, string(g.Spec.TargetDate))
	if ready := roadmapview.ReadyCondition(g.Status.Conditions); ready != nil {
		a.set(AnnotationReason, ready.Reason)
		a.set(AnnotationProgress, fmt.Sprint(g.Status.Progress))
	}
	e := Entity{APIVersion: APIVersion, Kind: "Domain",
		Metadata: Metadata{Name: EntityName(g.Name), Namespace: Namespace, Title: g.Spec.Title,
			Description: statusLine("Goal", status, message), Annotations: a, Tags: tags(status),
			Links: boardLinks(o, "goal/"+g.Name)},
		Spec: Spec{Type: TypeGoal, Owner: OwnerRef(g.Spec.Owner)}}
	if g.Spec.Parent != "" {
		e.Spec.SubdomainOf = GoalRef(string(g.Spec.Parent))
	}
	return e
}

func capabilityEntity(s *roadmapview.Snapshot, c *roadmapv1.Capability, o Options) Entity {
	phase := roadmapview.CapabilityPhase(c)
	a := annotations{AnnotationKind: "Capability", AnnotationName: c.Name, AnnotationPhase: phase,
		AnnotationHealth: roadmapview.HealthOfCapability(c).Class()}
	a.set(AnnotationOwner, c.Spec.Owner)
	a.set(AnnotationReason, roadmapview.CapabilityReason(c))
	a.set(AnnotationWhy, oneLine(c.Status.Summary))
	a.set(AnnotationLifecycle, string(c.Spec.Lifecycle))
	a.set(AnnotationETA, string(c.Status.ETA))
	a.set(AnnotationChecks, c.Status.ChecksPassing)
	if !roadmapview.IsReady(c) { // as the board: a capability that is not Ready has a why chain
		a.set(AnnotationNextActions, nextActions(s, roadmapview.Ref{Kind: "Capability", Name: c.Name}))
	}
	description := statusLine("Platform capability", phase, c.Status.Summary)
	if c.Spec.Description != "" {
		description += "\n\n" + c.Spec.Description
	}
	// The capability depends on the capabilities it requires and on the work that builds it: the providers the
	// operator found, as the plan counts them (a Cancelled provider builds nothing).
	var dependsOn []string
	for _, r := range c.Spec.Requires {
		dependsOn = append(dependsOn, CapabilityRef(string(r)))
	}
	for _, p := range c.Status.Providers {
		if p.State != roadmapv1.StateCancelled {
			dependsOn = append(dependsOn, InitiativeRef(p.Namespace, p.Name))
		}
	}
	return Entity{APIVersion: APIVersion, Kind: "Resource",
		Metadata: Metadata{Name: EntityName(c.Name), Namespace: Namespace, Title: c.Spec.Title,
			Description: description, Annotations: a, Tags: tags(phase, c.Spec.Category),
			Links: boardLinks(o, "capability/"+c.Name)},
		Spec: Spec{Type: TypeCapability, Owner: OwnerRef(c.Spec.Owner), DependsOn: dependsOn}}
}

func initiativeEntity(s *roadmapview.Snapshot, ini *roadmapv1.Initiative, o Options) Entity {
	phase := roadmapview.InitiativePhase(ini)
	state := roadmapview.StateOf(ini)
	a := annotations{AnnotationKind: "Initiative", AnnotationNamespace: ini.Namespace, AnnotationName: ini.Name,
		AnnotationPhase: phase, AnnotationHealth: roadmapview.HealthOfInitiative(ini).Class(),
		AnnotationState: string(state)}
	a.set(AnnotationOwner, ini.Spec.Owner)
	if ready := roadmapview.ReadyCondition(ini.Status.Conditions); ready != nil {
		a.set(AnnotationReason, ready.Reason)
	}
	a.set(AnnotationWhy, oneLine(ini.Status.Summary))
	a.set(AnnotationTrack, string(ini.Spec.Track))
	a.set(AnnotationTargetDate, string(ini.Spec.TargetDate))
	a.set(AnnotationPriority, ini.Status.PriorityScore)
	if c := apimeta.FindStatusCondition(ini.Status.Conditions, roadmapv1.ConditionScheduleConflict); c != nil && c.Status == metav1.ConditionTrue {
		a.set(AnnotationScheduleConflict, oneLine(c.Message))
	}
	if c := apimeta.FindStatusCondition(ini.Status.Conditions, roadmapv1.ConditionAligned); c != nil && c.Status == metav1.ConditionFalse {
		a.set(AnnotationUnaligned, oneLine(c.Message))
	}
	if ini.Status.Phase == roadmapv1.PhaseBlocked { // as the board: a Blocked initiative has a why chain
		a.set(AnnotationNextActions, nextActions(s, roadmapview.Ref{Kind: "Initiative", Namespace: ini.Namespace, Name: ini.Name}))
	}
	// It depends on the capabilities it requires and the initiatives in its dependsOn, and is a dependency of the
	// goals it serves. What it provides is on the capability's side (status.providers), written once.
	var dependsOn, dependencyOf []string
	for _, r := range ini.Spec.Requires {
		dependsOn = append(dependsOn, CapabilityRef(string(r)))
	}
	for _, d := range ini.Spec.DependsOn {
		ns := d.Namespace
		if ns == "" {
			ns = ini.Namespace
		}
		dependsOn = append(dependsOn, InitiativeRef(ns, string(d.Name)))
	}
	for _, g := range ini.Spec.Goals {
		dependencyOf = append(dependencyOf, GoalRef(string(g)))
	}
	return Entity{APIVersion: APIVersion, Kind: "Component",
		Metadata: Metadata{Name: EntityName(ini.Namespace, ini.Name), Namespace: Namespace, Title: ini.Spec.Title,
			Description: statusLine(string(ini.Spec.Track)+" initiative", phase, ini.Status.Summary),
			Annotations: a, Tags: tags(phase, string(ini.Spec.Track)),
			Links: boardLinks(o, "initiative/"+types.NamespacedName{Namespace: ini.Namespace, Name: ini.Name}.String())},
		Spec: Spec{Type: TypeInitiative, Lifecycle: strings.ToLower(string(state)), Owner: OwnerRef(ini.Spec.Owner),
			DependsOn: dependsOn, DependencyOf: dependencyOf}}
}
