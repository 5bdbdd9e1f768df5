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

// Package workloads is the pure logic that traces workloads (Deployments, Jobs, ... labelled
// roadmap.dev/initiative) to the roadmap: the bounded summary an initiative's status carries, the namespace modes
// of the label roadmap.dev/workloads, and which workloads are untraced or dangling. It makes no client calls:
// the operator feeds it from its metadata-only cache, `kubectl roadmap` and the board from their own reads.
package workloads

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// DefaultKinds are the workload kinds traced without the manager's --workload-kinds.
var DefaultKinds = []schema.GroupVersionKind{
	{Group: "apps", Version: "v1", Kind: "Deployment"},
	{Group: "apps", Version: "v1", Kind: "StatefulSet"},
	{Group: "apps", Version: "v1", Kind: "DaemonSet"},
	{Group: "batch", Version: "v1", Kind: "Job"},
	{Group: "batch", Version: "v1", Kind: "CronJob"},
}

// KindName is how a status and the tools name a workload kind: the bare kind for the built-in workload kinds,
// Kind.group for the others (Rollout.argoproj.io).
func KindName(gvk schema.GroupVersionKind) string {
	if gvk.Group == "apps" || gvk.Group == "batch" || gvk.Group == "" {
		return gvk.Kind
	}
	return gvk.Kind + "." + gvk.Group
}

// Workload is what the roadmap reads of a workload: its metadata, never its spec.
type Workload struct {
	// Kind is Deployment, StatefulSet, DaemonSet, Job, CronJob, or Kind.group for other kinds.
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Initiative is the value of the label roadmap.dev/initiative; Labelled says whether the label is set at
	// all (an empty value is set, and names no initiative).
	Initiative string `json:"initiative,omitempty"`
	Labelled   bool   `json:"labelled"`
	// BreakGlass is the value of the annotation roadmap.dev/break-glass, when set.
	BreakGlass string `json:"breakGlass,omitempty"`
	// Controlled is true when another object controls this one (a Job of a CronJob): it is traced, or not,
	// through its controller and is never reported on its own.
	Controlled bool `json:"-"`
}

// String is "Kind namespace/name".
func (w Workload) String() string { return w.Kind + " " + w.Namespace + "/" + w.Name }

// Sort orders workloads by namespace, kind and name.
func Sort(ws []Workload) {
	sort.Slice(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
}

// Summarize is the bounded summary of an initiative's workloads: the count per kind and the first
// roadmapv1.WorkloadNamesShown names of each, sorted so the same set always yields the same status (a restart
// writes nothing). nil when there are none.
func Summarize(ws []Workload) *roadmapv1.WorkloadsSummary {
	if len(ws) == 0 {
		return nil
	}
	byKind := map[string][]string{}
	for _, w := range ws {
		byKind[w.Kind] = append(byKind[w.Kind], w.Name)
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	s := &roadmapv1.WorkloadsSummary{Total: int32(len(ws))}
	for _, k := range kinds {
		names := byKind[k]
		sort.Strings(names)
		s.Kinds = append(s.Kinds, roadmapv1.WorkloadKindCount{Kind: k, Count: int32(len(names)),
			Names: append([]string(nil), names[:min(len(names), roadmapv1.WorkloadNamesShown)]...)})
	}
	return s
}

// First returns the first workload of a summary as "Kind name", or "".
func First(s *roadmapv1.WorkloadsSummary) string {
	if s == nil || len(s.Kinds) == 0 || len(s.Kinds[0].Names) == 0 {
		return ""
	}
	return s.Kinds[0].Kind + " " + s.Kinds[0].Names[0]
}

// Mode is a namespace's opt-in to workload tracing: the value of its label roadmap.dev/workloads.
type Mode string

// ParseMode reads the label roadmap.dev/workloads. An unknown value is an error, and reads as enforce: a typo
// must never silently turn the gate off (the admission policy treats it the same way).
func ParseMode(value string, labelled bool) (Mode, error) {
	switch {
	case !labelled:
		return "", nil
	case value == roadmapv1.WorkloadsModeEnforce, value == roadmapv1.WorkloadsModeWarn, value == roadmapv1.WorkloadsModeAudit:
		return Mode(value), nil
	}
	return roadmapv1.WorkloadsModeEnforce, fmt.Errorf("label %s=%q is not one of enforce, warn, audit: treated as enforce",
		roadmapv1.LabelWorkloads, value)
}

// InitiativeName checks the value of a workload's roadmap.dev/initiative label: the name of an initiative
// (a DNS-1123 subdomain). The error says what is wrong with it.
func InitiativeName(value string) error {
	if value == "" {
		return fmt.Errorf("label %s is empty: it must name an initiative in the workload's namespace", roadmapv1.LabelInitiative)
	}
	if errs := validation.IsDNS1123Subdomain(value); len(errs) > 0 {
		return fmt.Errorf("label %s=%q is not an initiative name: %s", roadmapv1.LabelInitiative, value, errs[0])
	}
	return nil
}

// Dangling is a workload whose label names no open initiative, and why.
type Dangling struct {
	Workload `json:",inline"`
	Why      string `json:"why"`
}

// Report is what a namespace that opts in has that the roadmap does not explain.
type Report struct {
	Namespace string `json:"namespace"`
	Mode      Mode   `json:"mode"`
	// ModeError is set when the namespace label has an unknown value (read as enforce).
	ModeError string `json:"modeError,omitempty"`
	// Untraced are the workloads without the label roadmap.dev/initiative.
	Untraced []Workload `json:"untraced,omitempty"`
	// Dangling are the workloads whose label names no initiative, an invalid name, or a Done or Cancelled one.
	Dangling []Dangling `json:"dangling,omitempty"`
	// BreakGlass are the workloads let past the gate with the annotation roadmap.dev/break-glass.
	BreakGlass []Workload `json:"breakGlass,omitempty"`
}

// Empty reports whether the namespace has nothing to report.
func (r Report) Empty() bool {
	return len(r.Untraced) == 0 && len(r.Dangling) == 0 && len(r.BreakGlass) == 0 && r.ModeError == ""
}

// Classify reports a namespace's untraced and dangling workloads. initiatives holds the declared state of every
// initiative in the namespace (a missing one does not exist). Workloads controlled by another object are left
// out: their controller is the one that is traced or not.
func Classify(namespace string, mode Mode, modeErr error, ws []Workload,
	initiatives map[string]roadmapv1.InitiativeState) Report {
	r := Report{Namespace: namespace, Mode: mode}
	if modeErr != nil {
		r.ModeError = modeErr.Error()
	}
	for _, w := range ws {
		if w.Controlled {
			continue
		}
		if w.BreakGlass != "" {
			r.BreakGlass = append(r.BreakGlass, w)
		}
		if !w.Labelled {
			r.Untraced = append(r.Untraced, w)
			continue
		}
		if err := InitiativeName(w.Initiative); err != nil {
			r.Dangling = append(r.Dangling, Dangling{Workload: w, Why: err.Error()})
			continue
		}
		state, ok := initiatives[w.Initiative]
		switch {
		case !ok:
			r.Dangling = append(r.Dangling, Dangling{Workload: w,
				Why: fmt.Sprintf("initiative %s/%s does not exist", w.Namespace, w.Initiative)})
		case state == roadmapv1.StateDone || state == roadmapv1.StateCancelled:
			r.Dangling = append(r.Dangling, Dangling{Workload: w,
				Why: fmt.Sprintf("initiative %s/%s is %s", w.Namespace, w.Initiative, state)})
		}
	}
	return r
}
