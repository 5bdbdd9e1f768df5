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

package plugin

import (
	"fmt"
	"io"
	"strings"

	"k8s.io/client-go/tools/cache"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/wording"
)

// relationPrefix is how a line says what the node is to its parent.
func relationPrefix(relation string) string {
	switch relation {
	case roadmapview.RelationProvidedBy:
		return "provided by "
	case roadmapview.RelationDependsOn:
		return "depends on "
	}
	return ""
}

// describe is the "kind name: status (facts)" part of a why line.
func describe(n roadmapview.WhyNode, st Style) string {
	ref := cache.NewObjectName(n.Namespace, n.Name).String()
	var head string
	switch n.Kind {
	case roadmapview.KindCheck:
		kind := n.CheckKind
		if i := strings.LastIndex(kind, " "); i >= 0 {
			kind = kind[i+1:]
		}
		head = "check " + kind + " " + ref
		if n.Cluster != "" {
			head += " in cluster " + n.Cluster
		}
	default:
		head = strings.ToLower(n.Kind) + " " + ref
	}
	h := roadmapview.HealthOfWhyNode(n)
	var status string
	switch {
	case n.Status == roadmapview.StatusNotFound:
		status = "not found"
	case n.Status == roadmapview.StatusNotVisible:
		status = "not visible to you"
	case n.Kind == "Initiative" && n.Reason == roadmapv1.ReasonDependencyCycle:
		status = roadmapv1.ReasonDependencyCycle
	default:
		status = statusWithDetail(n)
	}
	var facts []string
	if n.Owner != "" {
		facts = append(facts, "owner "+n.Owner)
	}
	if n.TargetDate != "" {
		facts = append(facts, "due "+n.TargetDate)
	}
	if n.ETA != "" {
		facts = append(facts, "eta "+n.ETA)
	}
	if n.Kind == roadmapview.KindCheck && n.Message != "" {
		facts = append(facts, n.Message)
	}
	line := relationPrefix(n.Relation) + st.Bold(head) + ": " + st.Paint(h, status)
	for _, f := range facts {
		line += " · " + f
	}
	return line
}

// statusWithDetail is the status of a node with what it adds: a capability's reason when it says more than the
// phase (Blocked (PrerequisiteNotReady)), an initiative's declared state when it differs from its phase.
func statusWithDetail(n roadmapview.WhyNode) string {
	switch {
	case n.Kind == "Capability" && n.Reason != "" && n.Reason != n.Status && n.Reason != roadmapv1.CapabilityReasonNotAvailable:
		return n.Status + " (" + n.Reason + ")"
	case n.Kind == "Initiative" && n.State != "" && n.State != n.Status:
		return n.Status + " (state " + n.State + ")"
	}
	return n.Status
}

// RenderWhy writes the chain as a tree, one object per line with the owner who must act, then the actions
// grouped by owner.
func RenderWhy(w io.Writer, res *roadmapview.WhyResult, st Style) error {
	ew := &errWriter{w: w}
	t := res.Target
	header := st.Mark(roadmapview.HealthOfWhyNode(t)) + " " + describe(t, st)
	if t.Priority != "" {
		header += " · priority " + t.Priority
	}
	ew.println(header)
	if t.Workloads != "" {
		ew.println("  " + t.Workloads)
	}
	switch {
	case len(t.BlockedBy) > 0:
	case t.Action != nil:
		ew.println("  → " + st.Bold(t.Action.Owner) + ": " + t.Action.Do)
	case t.Message != "":
		ew.println("  " + t.Message)
	}
	var walk func(nodes []roadmapview.WhyNode, indent string)
	walk = func(nodes []roadmapview.WhyNode, indent string) {
		for i, n := range nodes {
			branch, next := branchMid, indentMid
			if i == len(nodes)-1 {
				branch, next = branchLast, indentLast
			}
			line := indent + branch + st.Mark(roadmapview.HealthOfWhyNode(n)) + " " + describe(n, st)
			switch {
			case n.Repeated:
				line += st.Faint(" (explained above)")
			case n.Action != nil:
				line += " → " + st.Bold(n.Action.Owner) + ": " + n.Action.Do
			}
			ew.println(line)
			walk(n.BlockedBy, indent+next)
		}
	}
	walk(t.BlockedBy, "")
	if len(res.RequiredBy) > 0 {
		ew.println("")
		ew.println(st.Bold(fmt.Sprintf("Still required by %d open %s:", len(res.RequiredBy),
			wording.Plural(len(res.RequiredBy), "initiative", "initiatives"))))
		for _, n := range res.RequiredBy {
			ew.println("  " + st.Mark(roadmapview.HealthOfWhyNode(n)) + " " + describe(n, st))
		}
	}
	if len(res.Actions) > 0 && len(t.BlockedBy) > 0 {
		ew.println("")
		ew.println(st.Bold("Who must act:"))
		wOwner := 0
		for _, a := range res.Actions {
			wOwner = max(wOwner, width(a.Owner))
		}
		prev := ""
		for _, a := range res.Actions {
			owner := a.Owner
			if owner == prev {
				owner = ""
			}
			prev = a.Owner
			ew.println("  " + st.Bold(pad(owner, wOwner)) + "  " + a.Subject + ": " + a.Do)
		}
	}
	if res.Note != "" {
		ew.println("")
		ew.println("Note: " + res.Note)
	}
	return ew.err
}

// errWriter remembers the first write error, so renderers check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) println(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s+"\n")
	}
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
