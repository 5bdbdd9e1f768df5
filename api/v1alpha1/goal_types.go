package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Condition types of a Goal besides Ready.
const (
	// ConditionAtRisk is True when contributing work is late, blocked past its date or in schedule conflict.
	ConditionAtRisk = "AtRisk"
)

// Reasons of a Goal's conditions.
const (
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
	Description string `json:"description"`

	// Target value; numeric targets are compared with current to report attainment.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	Target string `json:"target"`

	// Current value, if measured.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Current *string `json:"current,omitempty"`
}

// GoalSpec describes a 12-24 month business goal.
type GoalSpec struct {
	// Title of the goal, e.g. "Launch real-time personalisation by 2027-Q4".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	Title string `json:"title"`

	// Owner is the person or team accountable for the goal.
	// +optional
	// +kubebuilder:validation:MaxLength=100
	Owner string `json:"owner,omitempty"`

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
type InitiativeCounts struct {
	Total      int32 `json:"total"`
	Ready      int32 `json:"ready"`
	Blocked    int32 `json:"blocked"`
	Done       int32 `json:"done"`
	Cancelled  int32 `json:"cancelled"`
	Innovation int32 `json:"innovation"`
	Operations int32 `json:"operations"`
}

// GoalStatus is the observed state of a Goal.
type GoalStatus struct {
	// ObservedGeneration is the generation of the spec this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Initiatives counts the initiatives serving this goal and its descendants.
	// +optional
	Initiatives InitiativeCounts `json:"initiatives,omitempty"`

	// Progress is the value-weighted share of contributing initiatives that are Done, in percent.
	// +optional
	Progress int32 `json:"progress,omitempty"`

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
	Spec   GoalSpec   `json:"spec"`
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
