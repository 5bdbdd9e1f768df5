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

package v1alpha1

// Labels and annotations that trace workloads (Deployments, Jobs, ...) to the roadmap (docs/workloads.md).
const (
	// LabelInitiative on a workload names the Initiative, in the workload's namespace, that the workload is the
	// work of.
	LabelInitiative = "roadmap.dev/initiative"
	// LabelWorkloads on a namespace opts it into workload tracing: enforce, warn or audit, as roadmap.dev/policy
	// does for initiatives.
	LabelWorkloads = "roadmap.dev/workloads"
	// AnnotationBreakGlass on a workload lets it past the admission gate during an incident; its value says why.
	// The apiserver records it in the audit log, and the board lists the workloads that carry it.
	AnnotationBreakGlass = "roadmap.dev/break-glass"
)

// The modes of the namespace label roadmap.dev/workloads.
const (
	WorkloadsModeEnforce = "enforce"
	WorkloadsModeWarn    = "warn"
	WorkloadsModeAudit   = "audit"
)

// StartedEarlyReasonWorkloadsDeployed: the initiative is Blocked by a capability it requires and yet workloads
// labelled for it exist: the work started before its platform is ready, whatever its declared state.
const StartedEarlyReasonWorkloadsDeployed = "WorkloadsDeployed"

// WorkloadNamesShown is how many names per kind an initiative's workload summary keeps.
const WorkloadNamesShown = 3

// WorkloadsSummary is a bounded summary of the workloads labelled roadmap.dev/initiative=<this initiative>.
type WorkloadsSummary struct {
	// Total is the number of workloads labelled for the initiative, of every kind.
	Total int32 `json:"total"`
	// Kinds counts them per kind, sorted by kind.
	// +optional
	// +listType=map
	// +listMapKey=kind
	// +kubebuilder:validation:MaxItems=32
	Kinds []WorkloadKindCount `json:"kinds,omitempty"`
}

// WorkloadKindCount is how many workloads of one kind an initiative has, and the first few of their names.
type WorkloadKindCount struct {
	// Kind of the workloads: Deployment, StatefulSet, DaemonSet, Job, CronJob, or Kind.group for the kinds added
	// with --workload-kinds (e.g. Rollout.argoproj.io).
	// +kubebuilder:validation:MaxLength=317
	Kind string `json:"kind"`
	// Count of the workloads of this kind.
	Count int32 `json:"count"`
	// Names of the first workloads of this kind, sorted, at most three.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=3
	Names []string `json:"names,omitempty"`
}
