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

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// InitiativeIndexName is the name of the one InitiativeIndex of a namespace: the workload gate's bindings name
// it as their param.
const InitiativeIndexName = "initiatives"

// InitiativeIndexMaxEntries bounds the initiatives one index lists, so that the object stays well under the
// apiserver's size limit. An initiative left out is one the gate does not know: its workloads are refused, never
// admitted.
const InitiativeIndexMaxEntries = 5000

// InitiativeIndexEntry is what the workload gate needs to know of one initiative: its phase as its status says,
// whether that status describes its current spec, and, while it is Blocked, what blocks it, in the gate's words.
type InitiativeIndexEntry struct {
	// Phase is the initiative's status.phase: Blocked, Ready, Done or Cancelled; empty before its first
	// evaluation.
	// +optional
	Phase InitiativePhase `json:"phase,omitempty"`
	// Evaluated is true when the initiative's status described its current spec (status.observedGeneration
	// equal to metadata.generation) when the operator last saw it. Only an evaluated, Ready initiative opens the
	// gate.
	// +optional
	Evaluated bool `json:"evaluated,omitempty"`
	// BlockedBy names what blocks a Blocked initiative, e.g. "capability event-bus (Planned)", the first few and
	// how many more.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	BlockedBy string `json:"blockedBy,omitempty"`
	// Until says what releases a Blocked initiative, e.g. "event-bus is Ready and search is Done".
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Until string `json:"until,omitempty"`
}

// InitiativeIndexStatus lists the namespace's initiatives as the operator last saw them.
type InitiativeIndexStatus struct {
	// Total is the number of initiatives in the namespace when the operator last wrote this index. The operator
	// always writes it: an index without it has not been written by the operator yet, and the gate refuses every
	// workload of the namespace until it is. (A pointer, so that an index never written and one written for a
	// namespace without initiatives differ.)
	// +optional
	Total *int32 `json:"total,omitempty"`
	// Initiatives maps the name of each initiative of the namespace to what the gate reads of it (at most
	// InitiativeIndexMaxEntries, by name). A map rather than a list of named entries so that the gate finds the
	// initiative a workload names with one lookup (`name in params.status.initiatives`) instead of a scan of
	// every entry: the cost of an admission stays flat however many initiatives the namespace holds.
	// +optional
	// +kubebuilder:validation:MaxProperties=5000
	Initiatives map[string]InitiativeIndexEntry `json:"initiatives,omitempty"`
}

// InitiativeIndex is the namespace's initiatives as the operator last saw them, for the workload admission gate
// (docs/workloads.md): one per namespace labelled roadmap.dev/workloads, named "initiatives", written by the
// operator alone, in its status. It is the gate's one param: a workload whose label names an initiative missing
// from it is refused, and so is every workload of a namespace whose index is missing or not written yet.
//
// It has no spec: nothing in it is anyone's wish. Its content is status, which only the status subresource
// writes: whoever may create the object (the operator; no user role grants it) creates an empty index, which
// refuses everything.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,path=initiativeindexes,singular=initiativeindex
// +kubebuilder:printcolumn:name="Initiatives",type=integer,JSONPath=`.status.total`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.metadata.name == 'initiatives'",message="the initiative index of a namespace is named initiatives: the workload gate reads no other"
type InitiativeIndex struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Status InitiativeIndexStatus `json:"status,omitempty"`
}

// InitiativeIndexList contains a list of InitiativeIndex.
// +kubebuilder:object:root=true
type InitiativeIndexList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []InitiativeIndex `json:"items"`
}

func init() {
	SchemeBuilder.Register(&InitiativeIndex{}, &InitiativeIndexList{})
}
