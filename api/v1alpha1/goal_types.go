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

// Condition types of a Goal besides Ready.
const (
	// ConditionAtRisk is True when contributing work is late, blocked past its date, in schedule conflict, or
	// started before its platform is ready.
	ConditionAtRisk = "AtRisk"
)

// Reasons of a Goal's conditions.
const (
	// GoalReasonRollup: the rollup of contributing initiatives is computed (Ready=True).
	GoalReasonRollup = "Rollup"
	// GoalReasonInitiativesAtRisk: AtRisk=True; the message names the worst offenders.
	GoalReasonInitiativesAtRisk = "InitiativesAtRisk"
	// GoalReasonOnTrack: AtRisk=False.
	GoalReasonOnTrack = "OnTrack"
	// GoalReasonNoInitiatives: no initiative serves the goal or any of its descendants.
	GoalReasonNoInitiatives = "NoInitiatives"
	// GoalReasonParentNotFound: the parent goal does not exist.
	GoalReasonParentNotFound = "ParentNotFound"
	// GoalReasonDependencyCycle: the goal is its own ancestor.
	GoalReasonDependencyCycle = ReasonDependencyCycle
)

// KeyResult is a measurable outcome of a goal, e.g. "p99 checkout latency" with target "200" and current "340".
type KeyResult struct {
	// Description of what is measured.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=500
	Description Text `json:"description"`

	// Target value; numeric targets are compared with current to report attainment.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	Target Text `json:"target"`

	// Current value, if measured.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Current *Text `json:"current,omitempty"`

	// Baseline is the value when the goal was set (default 0). With a baseline, attainment is
	// (current - baseline) / (target - baseline), so "cut incident minutes from 1200 to 600" works too.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Baseline *Text `json:"baseline,omitempty"`
}

// KeyResultStatus reports the attainment of one key result.
type KeyResultStatus struct {
	Description string `json:"description"`
	// Measured is false when the key result has no numeric current value yet.
	Measured bool `json:"measured"`
	// Attainment is the progress from baseline to target in percent, clamped to 0-100.
	// +optional
	Attainment *int32 `json:"attainment,omitempty"`
	// Message says how attainment was computed, or why it could not be.
	// +optional
	Message string `json:"message,omitempty"`
}

// GoalSpec describes a 12-24 month business goal.
type GoalSpec struct {
	// Title of the goal, e.g. "Launch real-time personalisation by 2027-Q4".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	Title Text `json:"title"`

	// Owner is the person or team accountable for the goal.
	// +optional
	// +kubebuilder:validation:MaxLength=100
	Owner Text `json:"owner,omitempty"`

	// TargetDate is when the goal should be met, YYYY-MM-DD.
	// +optional
	TargetDate Date `json:"targetDate,omitempty"`

	// Parent names the goal this one contributes to, for cascading objectives.
	// +optional
	Parent ResourceName `json:"parent,omitempty"`

	// KeyResults are the measurable outcomes of the goal.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=20
	KeyResults []KeyResult `json:"keyResults,omitempty"`
}

// InitiativeCounts counts the initiatives that serve a goal (directly or through its descendant goals).
// Every count defaults to 0 in the schema: status is written with merge patches that leave out unchanged
// fields, and a zero that was never sent must still read, and print, as 0.
type InitiativeCounts struct {
	// +optional
	// +kubebuilder:default=0
	Total int32 `json:"total"`
	// +optional
	// +kubebuilder:default=0
	Ready int32 `json:"ready"`
	// +optional
	// +kubebuilder:default=0
	Blocked int32 `json:"blocked"`
	// +optional
	// +kubebuilder:default=0
	Done int32 `json:"done"`
	// +optional
	// +kubebuilder:default=0
	Cancelled int32 `json:"cancelled"`
	// +optional
	// +kubebuilder:default=0
	Innovation int32 `json:"innovation"`
	// +optional
	// +kubebuilder:default=0
	Operations int32 `json:"operations"`
	// StartedEarly counts the open Innovation initiatives declared Active while a capability they require is not
	// Ready (condition StartedEarly); the goal is AtRisk while any exist.
	// +optional
	// +kubebuilder:default=0
	StartedEarly int32 `json:"startedEarly"`
}

// GoalStatus is the observed state of a Goal.
type GoalStatus struct {
	// ObservedGeneration is the generation of the spec this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Initiatives counts the initiatives serving this goal and its descendants.
	// +optional
	// +kubebuilder:default={}
	Initiatives InitiativeCounts `json:"initiatives,omitempty"`

	// Progress is the value-weighted share of contributing initiatives that are Done, in percent:
	// sum(value of Done) / sum(value of all but Cancelled), where an initiative without value weighs 1.
	// +optional
	// +kubebuilder:default=0
	Progress int32 `json:"progress"`

	// KeyResults reports each key result's attainment, in spec order.
	// +optional
	// +listType=atomic
	KeyResults []KeyResultStatus `json:"keyResults,omitempty"`

	// KeyResultAttainment is the mean attainment of the measured key results, in percent.
	// +optional
	KeyResultAttainment *int32 `json:"keyResultAttainment,omitempty"`

	// Conditions: Ready, AtRisk, and the kstatus conditions Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Goal is a 12-24 month business goal. Initiatives name the goals they serve; goals roll up their state.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories=roadmap
// +kubebuilder:printcolumn:name="Target",type=string,JSONPath=`.spec.targetDate`
// +kubebuilder:printcolumn:name="Initiatives",type=integer,JSONPath=`.status.initiatives.total`
// +kubebuilder:printcolumn:name="Blocked",type=integer,JSONPath=`.status.initiatives.blocked`
// +kubebuilder:printcolumn:name="Done",type=integer,JSONPath=`.status.initiatives.done`
// +kubebuilder:printcolumn:name="Progress",type=integer,JSONPath=`.status.progress`
// +kubebuilder:printcolumn:name="AtRisk",type=string,JSONPath=`.status.conditions[?(@.type=="AtRisk")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="!has(self.spec.parent) || self.spec.parent != self.metadata.name",message="a goal cannot be its own parent"
type Goal struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec GoalSpec `json:"spec"`

	// Status defaults to observedGeneration -1, so that kstatus reads an object the controller has not
	// evaluated yet as InProgress rather than Current (as Flux's own kinds do).
	// +kubebuilder:default={"observedGeneration":-1}
	Status GoalStatus `json:"status,omitempty"`
}

// GoalList contains a list of Goal.
// +kubebuilder:object:root=true
type GoalList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Goal `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Goal{}, &GoalList{})
}
