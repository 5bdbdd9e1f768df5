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
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/evidence"
)

// Relations of a WhyNode to its parent.
const (
	RelationRequires   = "requires"
	RelationDependsOn  = "dependsOn"
	RelationProvidedBy = "providedBy"
	RelationCheck      = "check"
	// RelationRequiredBy: an open initiative that requires a Retired capability (WhyResult.RequiredBy).
	RelationRequiredBy = "requiredBy"
)

// Kinds of WhyNode besides Capability and Initiative.
const (
	// KindCheck is an evidence check of a capability (status.checks).
	KindCheck = "Check"
)

// Status of a WhyNode whose object does not exist, or cannot be seen.
const (
	StatusNotFound   = "NotFound"
	StatusNotVisible = "NotVisible"
)

// Action is what someone must do to unblock a chain: the owner of a root cause and the step they must take.
type Action struct {
	// Owner is the team that must act ("(no owner)" when the object names none).
	Owner string `json:"owner"`
	// Subject is the object to act on, e.g. "capability event-bus".
	Subject string `json:"subject"`
	// Do is the step, e.g. "declare it Available".
	Do string `json:"do"`
}

// WhyNode is one object in a blocking chain and, in BlockedBy, what blocks it in turn.
type WhyNode struct {
	// Relation says how the node blocks its parent: requires, dependsOn, providedBy or check; empty at the top.
	Relation string `json:"relation,omitempty"`
	// Kind is Initiative, Capability or Check; a check's object kind is in CheckKind.
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Title     string `json:"title,omitempty"`
	Owner     string `json:"owner,omitempty"`
	// Status is the phase of an initiative or capability, the reason of a check, or NotFound / NotVisible.
	Status string `json:"status"`
	// Reason is the reason of the Ready condition (or of the blockedBy entry for a missing object).
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	// Stalled is the operator's verdict that waiting will not help: the object's Stalled condition, or the
	// stalled flag of the blockedBy entry that names it.
	Stalled bool `json:"stalled,omitempty"`
	// Lifecycle of a capability; State of an initiative; CheckKind (apiVersion Kind) of a check.
	Lifecycle string `json:"lifecycle,omitempty"`
	State     string `json:"state,omitempty"`
	CheckKind string `json:"checkKind,omitempty"`
	// Cluster of a check whose object lives in another cluster.
	Cluster    string `json:"cluster,omitempty"`
	TargetDate string `json:"targetDate,omitempty"`
	ETA        string `json:"eta,omitempty"`
	Priority   string `json:"priority,omitempty"`
	// Workloads summarises an initiative's workloads in words (WorkloadsText), empty when it has none.
	Workloads string `json:"workloads,omitempty"`
	// Action is set on root causes: who must act, and how.
	Action *Action `json:"action,omitempty"`
	// Repeated marks an object already explained higher up: its chain is not repeated.
	Repeated  bool      `json:"repeated,omitempty"`
	BlockedBy []WhyNode `json:"blockedBy,omitempty"`
}

// WhyResult explains why an initiative (or a capability) is not ready, down to root causes.
type WhyResult struct {
	Target WhyNode `json:"target"`
	// Actions lists the root causes' actions once each, grouped by owner.
	Actions []Action `json:"actions,omitempty"`
	// RequiredBy lists, for a Retired capability, every open initiative that still requires it (the InUse
	// condition names only the first few).
	RequiredBy []WhyNode `json:"requiredBy,omitempty"`
	// Note says when the answer is incomplete (initiatives of other namespaces could not be read).
	Note string `json:"note,omitempty"`
}

// Ref names an object on the command line.
type Ref struct {
	Kind      string // Goal, Capability or Initiative
	Namespace string
	Name      string
}

func (r Ref) String() string {
	return strings.ToLower(r.Kind) + " " + cache.NewObjectName(r.Namespace, r.Name).String()
}

// Why follows the blocking chain of an initiative or a capability through the statuses in the snapshot.
func Why(s *Snapshot, ref Ref) (*WhyResult, error) {
	b := &whyBuilder{s: s, visited: map[string]bool{}}
	res := &WhyResult{Note: s.Limited}
	switch ref.Kind {
	case "Initiative":
		ini := s.Initiative(ref.Namespace, ref.Name)
		if ini == nil {
			return nil, notFound(s, ref)
		}
		res.Target = b.initiative(ini, "")
	case "Capability":
		c := s.Capability(ref.Name)
		if c == nil {
			return nil, notFound(s, ref)
		}
		res.Target = b.capability(c, "", "")
		res.RequiredBy = requiredBy(s, c)
	default:
		return nil, fmt.Errorf("why explains initiatives and capabilities, not %ss", strings.ToLower(ref.Kind))
	}
	res.Actions = collectActions(res.Target)
	return res, nil
}

// requiredBy lists the open initiatives that require a Retired capability, sorted by namespace and name.
func requiredBy(s *Snapshot, c *roadmapv1.Capability) []WhyNode {
	if c.Spec.Lifecycle != roadmapv1.LifecycleRetired {
		return nil
	}
	var out []WhyNode
	for i := range s.Initiatives {
		ini := &s.Initiatives[i]
		if Open(ini) && slices.Contains(ini.Spec.Requires, roadmapv1.ResourceName(c.Name)) {
			out = append(out, initiativeNode(ini, RelationRequiredBy))
		}
	}
	return out
}

func notFound(s *Snapshot, ref Ref) error {
	if s.Missing(ref.Kind, ref.Namespace, ref.Name) == StatusNotVisible {
		return fmt.Errorf("%s: %s (%s)", ref, MissingText(StatusNotVisible), s.Limited)
	}
	if ref.Kind == "Initiative" {
		// Most often the namespace was left out: name the namespaces that do have an initiative of that name.
		var elsewhere []string
		for i := range s.Initiatives {
			if s.Initiatives[i].Name == ref.Name && s.Initiatives[i].Namespace != ref.Namespace {
				elsewhere = append(elsewhere, s.Initiatives[i].Namespace)
			}
		}
		if len(elsewhere) > 0 {
			sort.Strings(elsewhere)
			return fmt.Errorf("%s not found; initiative %s exists in namespace %s: say -n %s, or %s/%s", ref, ref.Name,
				strings.Join(elsewhere, ", "), elsewhere[0], elsewhere[0], ref.Name)
		}
	}
	return fmt.Errorf("%s not found", ref)
}

type whyBuilder struct {
	s       *Snapshot
	visited map[string]bool
}

// seen marks an object visited and reports whether it was already: the chain stops there (cycles, diamonds).
func (b *whyBuilder) seen(key string) bool {
	if b.visited[key] {
		return true
	}
	b.visited[key] = true
	return false
}

// OwnerOrNone is the owner an action, a standup team or a swimlane is grouped under: "(no owner)" when the object
// names none.
func OwnerOrNone(owner string) string {
	if owner == "" {
		return "(no owner)"
	}
	return owner
}

func initiativeSubject(ns, name string) string { return "initiative " + ns + "/" + name }

func initiativeNode(ini *roadmapv1.Initiative, relation string) WhyNode {
	n := WhyNode{Relation: relation, Kind: "Initiative", Namespace: ini.Namespace, Name: ini.Name,
		Title: ini.Spec.Title, Owner: ini.Spec.Owner, Status: InitiativePhase(ini), State: string(StateOf(ini)),
		TargetDate: string(ini.Spec.TargetDate), Priority: ini.Status.PriorityScore,
		Stalled: HealthOfInitiative(ini) == HealthBroken, Workloads: WorkloadsText(ini.Status.Workloads)}
	if cond := ReadyCondition(ini.Status.Conditions); cond != nil {
		n.Reason, n.Message = cond.Reason, cond.Message
	}
	return n
}

func capabilityNode(c *roadmapv1.Capability, relation string) WhyNode {
	n := WhyNode{Relation: relation, Kind: "Capability", Name: c.Name, Title: c.Spec.Title, Owner: c.Spec.Owner,
		Status: CapabilityPhase(c), Lifecycle: string(c.Spec.Lifecycle), ETA: string(c.Status.ETA),
		Stalled: HealthOfCapability(c) == HealthBroken}
	if cond := ReadyCondition(c.Status.Conditions); cond != nil {
		n.Reason, n.Message = cond.Reason, cond.Message
	}
	return n
}

// initiative explains an initiative: when Blocked, each blockedBy entry in turn.
func (b *whyBuilder) initiative(ini *roadmapv1.Initiative, relation string) WhyNode {
	n := initiativeNode(ini, relation)
	if b.seen("Initiative/" + KeyOf(ini).String()) {
		n.Repeated = true
		return n
	}
	if ini.Status.Phase != roadmapv1.PhaseBlocked {
		return n
	}
	for _, e := range ini.Status.BlockedBy {
		n.BlockedBy = append(n.BlockedBy, b.entry(ini, e))
	}
	return n
}

// entry explains one blockedBy entry of an initiative.
func (b *whyBuilder) entry(parent *roadmapv1.Initiative, e roadmapv1.BlockedByEntry) WhyNode {
	parentSubject := initiativeSubject(parent.Namespace, parent.Name)
	switch e.Kind {
	case "Capability":
		c := b.s.Capability(e.Name)
		if c == nil && b.s.Missing("Capability", "", e.Name) == StatusNotVisible {
			// The reader may not list capabilities: whether it exists is not theirs to learn from the board.
			return WhyNode{Relation: RelationRequires, Kind: "Capability", Name: e.Name, Status: StatusNotVisible,
				Reason: e.Reason, Message: e.Message}
		}
		if c == nil {
			return WhyNode{Relation: RelationRequires, Kind: "Capability", Name: e.Name, Status: StatusNotFound,
				Reason: e.Reason, Message: e.Message, Stalled: e.Stalled, Action: &Action{Owner: OwnerOrNone(parent.Spec.Owner),
					Subject: parentSubject, Do: "fix spec.requires: capability " + e.Name + " does not exist"}}
		}
		return b.capability(c, RelationRequires, parent.Spec.Owner)
	case "Initiative":
		dep := b.s.Initiative(e.Namespace, e.Name)
		switch {
		case e.Reason == roadmapv1.ReasonDependencyCycle:
			n := WhyNode{Relation: RelationDependsOn, Kind: "Initiative", Namespace: e.Namespace, Name: e.Name,
				Status: "Blocked", Reason: e.Reason, Message: e.Message}
			if dep != nil {
				n = initiativeNode(dep, RelationDependsOn)
				n.Reason, n.Message = e.Reason, e.Message
			}
			n.Stalled = n.Stalled || e.Stalled
			n.Action = &Action{Owner: OwnerOrNone(parent.Spec.Owner), Subject: parentSubject,
				Do: "break the cycle in spec.dependsOn (" + strings.TrimPrefix(e.Message, "dependency cycle: ") + ")"}
			return n
		case dep == nil && !b.s.Visible(e.Namespace):
			return WhyNode{Relation: RelationDependsOn, Kind: "Initiative", Namespace: e.Namespace, Name: e.Name,
				Status: StatusNotVisible, Reason: e.Reason, Message: e.Message}
		case dep == nil:
			return WhyNode{Relation: RelationDependsOn, Kind: "Initiative", Namespace: e.Namespace, Name: e.Name,
				Status: StatusNotFound, Reason: e.Reason, Message: e.Message, Stalled: e.Stalled,
				Action: &Action{Owner: OwnerOrNone(parent.Spec.Owner), Subject: parentSubject,
					Do: "fix spec.dependsOn: initiative " + types.NamespacedName{Namespace: e.Namespace, Name: e.Name}.String() + " does not exist"}}
		}
		return b.prerequisiteInitiative(dep, RelationDependsOn, parent)
	default: // a kind this read model does not know yet: say what the status says
		return WhyNode{Relation: strings.ToLower(e.Kind), Kind: e.Kind, Namespace: e.Namespace, Name: e.Name,
			Status: e.Reason, Reason: e.Reason, Message: e.Message, Stalled: e.Stalled}
	}
}

// prerequisiteInitiative explains an initiative that another waits for (dependsOn) or that provides a capability.
func (b *whyBuilder) prerequisiteInitiative(ini *roadmapv1.Initiative, relation string, waiter *roadmapv1.Initiative) WhyNode {
	n := b.initiative(ini, relation)
	if n.Repeated {
		return n
	}
	subject := initiativeSubject(ini.Namespace, ini.Name)
	switch {
	case ini.Status.Phase == roadmapv1.PhaseDone:
	case ini.Status.Phase == roadmapv1.PhaseCancelled || ini.Spec.State == roadmapv1.StateCancelled:
		if waiter != nil {
			n.Action = &Action{Owner: OwnerOrNone(waiter.Spec.Owner), Subject: initiativeSubject(waiter.Namespace, waiter.Name),
				Do: "drop " + types.NamespacedName{Namespace: ini.Namespace, Name: ini.Name}.String() + " from spec.dependsOn: it is Cancelled"}
		}
	case ini.Status.Phase == roadmapv1.PhaseBlocked && len(n.BlockedBy) > 0:
		// its own blockers are the root causes
	default:
		do := "finish it"
		if relation == RelationProvidedBy {
			do = "deliver it"
		}
		if ini.Spec.TargetDate != "" {
			do += " (due " + string(ini.Spec.TargetDate) + ")"
		}
		n.Action = &Action{Owner: OwnerOrNone(ini.Spec.Owner), Subject: subject, Do: do}
	}
	return n
}

// capability explains a capability that is not Ready: its providers while it is Planned, the capabilities it
// requires that are not Ready, and its failing checks; then what its owner must do.
func (b *whyBuilder) capability(c *roadmapv1.Capability, relation, requirerOwner string) WhyNode {
	n := capabilityNode(c, relation)
	if b.seen("Capability/" + c.Name) {
		n.Repeated = true
		return n
	}
	if IsReady(c) {
		return n
	}
	subject := "capability " + c.Name
	owner := OwnerOrNone(c.Spec.Owner)
	if CapabilityReason(c) == roadmapv1.ReasonDependencyCycle {
		n.Action = &Action{Owner: owner, Subject: subject,
			Do: "break the cycle in spec.requires (" + strings.TrimPrefix(n.Message, "dependency cycle: ") + ")"}
		return n
	}

	planned := c.Spec.Lifecycle == "" || c.Spec.Lifecycle == roadmapv1.LifecyclePlanned
	var openProviders []string
	if planned {
		for _, p := range c.Status.Providers {
			if p.State != roadmapv1.StateDone && p.State != roadmapv1.StateCancelled {
				openProviders = append(openProviders, types.NamespacedName{Namespace: p.Namespace, Name: p.Name}.String())
			}
			if ini := b.s.Initiative(p.Namespace, p.Name); ini != nil {
				n.BlockedBy = append(n.BlockedBy, b.prerequisiteInitiative(ini, RelationProvidedBy, nil))
				continue
			}
			status := StatusNotFound
			if !b.s.Visible(p.Namespace) {
				status = StatusNotVisible
			}
			n.BlockedBy = append(n.BlockedBy, WhyNode{Relation: RelationProvidedBy, Kind: "Initiative",
				Namespace: p.Namespace, Name: p.Name, Status: status, State: string(p.State), TargetDate: string(p.TargetDate)})
		}
	}
	for _, name := range c.Spec.Requires {
		prereq := b.s.Capability(string(name))
		switch {
		case prereq == nil:
			n.BlockedBy = append(n.BlockedBy, WhyNode{Relation: RelationRequires, Kind: "Capability", Name: string(name),
				Status: StatusNotFound, Reason: roadmapv1.ReasonCapabilityNotFound, Stalled: true,
				Action: &Action{Owner: owner, Subject: subject, Do: "fix spec.requires: capability " + string(name) + " does not exist"}})
		case !IsReady(prereq):
			n.BlockedBy = append(n.BlockedBy, b.capability(prereq, RelationRequires, c.Spec.Owner))
		}
	}
	for _, check := range c.Status.Checks {
		if check.Passing {
			continue
		}
		ref := evidence.ObjectName(check)
		n.BlockedBy = append(n.BlockedBy, WhyNode{Relation: RelationCheck, Kind: KindCheck, Namespace: check.Namespace,
			Name: check.Name, CheckKind: strings.TrimSpace(check.APIVersion + " " + check.Kind), Cluster: check.Cluster,
			Status: check.Reason, Reason: check.Reason, Message: check.Message, Stalled: CheckStalled(c, check),
			Action: &Action{Owner: owner, Subject: "check " + check.Kind + " " + ref + InCluster(check), Do: "make it healthy"}})
	}

	switch {
	case c.Spec.Lifecycle == roadmapv1.LifecycleRetired:
		who := requirerOwner
		if relation == "" {
			who = c.Spec.Owner
		}
		n.Action = &Action{Owner: OwnerOrNone(who), Subject: subject, Do: "stop requiring it: it is Retired"}
	case planned && len(openProviders) > 0:
		n.Action = &Action{Owner: owner, Subject: subject,
			Do: "declare it Available once " + strings.Join(openProviders, ", ") + " delivers"}
	case planned && len(c.Status.Providers) > 0:
		n.Action = &Action{Owner: owner, Subject: subject, Do: "declare it Available: its providers are done"}
	case planned:
		n.Action = &Action{Owner: owner, Subject: subject,
			Do: "plan it (no initiative provides it) and declare it Available"}
	case len(n.BlockedBy) == 0:
		// Available and not Ready, with nothing below to blame: report what the condition says.
		do := "see its Ready condition"
		if n.Message != "" {
			do += ": " + n.Message
		} else {
			do += ": not evaluated yet (is the operator running?)"
		}
		n.Action = &Action{Owner: owner, Subject: subject, Do: do}
	}
	return n
}

// collectActions gathers the root causes' actions, once each, grouped by owner (owners sorted, "(no owner)"
// last) and in chain order within an owner.
func collectActions(root WhyNode) []Action {
	var all []Action
	seen := map[Action]bool{}
	var walk func(n WhyNode)
	walk = func(n WhyNode) {
		if n.Action != nil && !seen[*n.Action] {
			seen[*n.Action] = true
			all = append(all, *n.Action)
		}
		for _, c := range n.BlockedBy {
			walk(c)
		}
	}
	walk(root)
	sort.SliceStable(all, func(i, j int) bool { return OwnerLess(all[i].Owner, all[j].Owner) })
	return all
}

// OwnerLess orders owners by name with "(no owner)" last.
func OwnerLess(a, b string) bool {
	if (a == "(no owner)") != (b == "(no owner)") {
		return b == "(no owner)"
	}
	return a < b
}

// HealthOfWhyNode classifies a WhyNode from what the operator wrote: its stalled verdict, then its phase (or, for a
// check, its reason). An object missing from the snapshot is a dangling reference.
func HealthOfWhyNode(n WhyNode) Health {
	switch {
	case n.Kind == KindCheck: // its status is the check's reason, where NotFound means the object is not there yet
		return HealthOfCheck(n.Status == "Current", n.Stalled, n.Status)
	case n.Status == StatusNotVisible:
		return HealthUnknown
	case n.Stalled || n.Status == StatusNotFound:
		return HealthBroken
	case n.Kind == "Capability":
		return HealthOfCapabilityPhase(n.Status)
	case n.Kind == "Initiative":
		return HealthOfInitiativePhase(n.Status)
	}
	return HealthUnknown
}
