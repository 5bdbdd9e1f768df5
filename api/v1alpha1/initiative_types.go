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

// Track says which speed of IT an initiative belongs to.
// +kubebuilder:validation:Enum=Innovation;Operations
type Track string

const (
	// TrackInnovation: new things for the business; gated on the capabilities they need.
	TrackInnovation Track = "Innovation"
	// TrackOperations: keeping things stable, and building the capabilities innovation needs.
	TrackOperations Track = "Operations"
)

// InitiativeState is what the team declares about its own work. The team moves it freely between Proposed,
// Active and Cancelled, and to Done, but Done is final: the apiserver refuses to move a Done initiative to any
// other state, in every namespace. Finished work is a record that others have acted on (dependents started,
// goals counted its progress, standups reported it); reopening it in place would rewrite that record and block
// its dependents again without a trace. Further work is a new initiative. Cancelled is not final: cancelling is
// a decision about work not done, and a decision can be revisited, so a Cancelled initiative may be revived
// (Proposed or Active) or declared Done, and initiatives that depend on it need no new reference.
// +kubebuilder:validation:Enum=Proposed;Active;Done;Cancelled
type InitiativeState string

// The states a team declares.
const (
	StateProposed InitiativeState = "Proposed"
	StateActive   InitiativeState = "Active"
	// StateDone is final (see InitiativeState).
	StateDone      InitiativeState = "Done"
	StateCancelled InitiativeState = "Cancelled"
)

// InitiativePhase is the computed state shown in `kubectl get initiatives`.
type InitiativePhase string

const (
	// PhaseBlocked: at least one prerequisite is unmet; status.blockedBy says which.
	PhaseBlocked InitiativePhase = "Blocked"
	// PhaseReady: every required capability is Ready and every initiative it depends on is Done.
	PhaseReady InitiativePhase = "Ready"
	// PhaseDone: the team declared the work done.
	PhaseDone InitiativePhase = "Done"
	// PhaseCancelled: the team declared the work cancelled.
	PhaseCancelled InitiativePhase = "Cancelled"
)

// Condition types of an Initiative besides Ready.
const (
	// ConditionAligned is True when the initiative serves at least one existing Goal.
	ConditionAligned = "Aligned"
	// ConditionScheduleConflict is True when a capability it needs is planned to arrive after its target date.
	ConditionScheduleConflict = "ScheduleConflict"
	// ConditionPrioritized is True when status.priorityScore is a real WSJF score.
	ConditionPrioritized = "Prioritized"
	// ConditionStartedEarly is True while an Innovation initiative is declared Active although a capability it
	// requires is not Ready: work started before its platform is ready. Like Reconciling and Stalled it is an
	// "abnormal-true" condition, present only while True.
	ConditionStartedEarly = "StartedEarly"
)

// Reasons of the StartedEarly condition.
const (
	// StartedEarlyReasonPrerequisitesNotReady: the initiative is Active and Blocked by the capabilities the
	// message names.
	StartedEarlyReasonPrerequisitesNotReady = "PrerequisitesNotReady"
)

// Reasons of the Aligned condition.
const (
	// AlignedReasonAligned: every goal it names exists.
	AlignedReasonAligned = "Aligned"
	// AlignedReasonNoGoal: the initiative names no goal: work not traceable to any goal (shadow IT).
	AlignedReasonNoGoal = "NoGoal"
	// AlignedReasonGoalNotFound: a goal it names does not exist.
	AlignedReasonGoalNotFound = "GoalNotFound"
)

// Reasons of the ScheduleConflict condition.
const (
	// ScheduleReasonProviderLate: a required capability's provider targets a date after this initiative's.
	ScheduleReasonProviderLate = "ProviderLate"
	// ScheduleReasonNoConflict: every required capability is Ready or planned in time.
	ScheduleReasonNoConflict = "NoConflict"
	// ScheduleReasonNoTargetDate: the initiative has no targetDate to compare with.
	ScheduleReasonNoTargetDate = "NoTargetDate"
)

// Reasons of the Prioritized condition.
const (
	// PriorityReasonScored: priorityScore is the WSJF score.
	PriorityReasonScored = "Scored"
	// PriorityReasonMissingEstimates: a WSJF input is unset, so no score is guessed.
	PriorityReasonMissingEstimates = "MissingEstimates"
	// PriorityReasonUnaligned: the initiative serves no existing goal and scores 0; the message gives the WSJF
	// it would have.
	PriorityReasonUnaligned = "Unaligned"
)

// Reasons of an Initiative's Ready condition and of its blockedBy entries.
const (
	// InitiativeReasonReady: every prerequisite is met.
	InitiativeReasonReady = "PrerequisitesMet"
	// InitiativeReasonDone: the initiative is Done.
	InitiativeReasonDone = "Done"
	// InitiativeReasonCancelled: the initiative is Cancelled.
	InitiativeReasonCancelled = "Cancelled"
	// ReasonCapabilityNotReady: a required capability exists but is not Ready.
	ReasonCapabilityNotReady = "CapabilityNotReady"
	// ReasonCapabilityNotFound: a required capability does not exist.
	ReasonCapabilityNotFound = "CapabilityNotFound"
	// ReasonInitiativeNotDone: an initiative in dependsOn exists but is not Done.
	ReasonInitiativeNotDone = "InitiativeNotDone"
	// ReasonInitiativeNotFound: an initiative in dependsOn does not exist.
	ReasonInitiativeNotFound = "InitiativeNotFound"
	// ReasonNoProvider: a required capability is not Ready and no initiative provides it: nobody plans to
	// build it.
	ReasonNoProvider = "NoProvider"
)

// InitiativeReference points at another Initiative, in the same namespace unless namespace is set.
type InitiativeReference struct {
	// Namespace of the initiative; empty (the default) means the namespace of the referring initiative.
	// +optional
	// +kubebuilder:default=""
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="size(self) == 0 || self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="must be a valid namespace name (DNS-1123 label)"
	Namespace string `json:"namespace,omitempty"`

	// Name of the initiative.
	// +required
	Name ResourceName `json:"name"`
}

// InitiativeSpec describes a piece of work on the roadmap.
//
// A Done initiative is the record of finished work: its state stays Done, and of its spec only title, owner and
// goals may still change (a typo, a team renamed, goals reorganised). What the work was and how it was planned
// (track, requires, dependsOn, provides, the WSJF estimates and targetDate) is kept as it was when it finished.
// The apiserver enforces both in every namespace.
// +kubebuilder:validation:XValidation:rule="!has(self.requires) || !has(self.provides) || !self.requires.exists(r, r in self.provides)",message="an initiative cannot require a capability it provides itself"
// +kubebuilder:validation:XValidation:rule="oldSelf.state != 'Done' || self.state != 'Done' || (self.track == oldSelf.track && (has(self.requires) ? self.requires : []) == (has(oldSelf.requires) ? oldSelf.requires : []) && (has(self.dependsOn) ? self.dependsOn : []) == (has(oldSelf.dependsOn) ? oldSelf.dependsOn : []) && (has(self.provides) ? self.provides : []) == (has(oldSelf.provides) ? oldSelf.provides : []) && self.?value == oldSelf.?value && self.?urgency == oldSelf.?urgency && self.?riskReduction == oldSelf.?riskReduction && self.?effort == oldSelf.?effort && self.?targetDate == oldSelf.?targetDate)",messageExpression="'a Done initiative is the record of finished work: ' + ((self.track == oldSelf.track ? \"\" : ', spec.track') + ((has(self.requires) ? self.requires : []) == (has(oldSelf.requires) ? oldSelf.requires : []) ? \"\" : ', spec.requires') + ((has(self.dependsOn) ? self.dependsOn : []) == (has(oldSelf.dependsOn) ? oldSelf.dependsOn : []) ? \"\" : ', spec.dependsOn') + ((has(self.provides) ? self.provides : []) == (has(oldSelf.provides) ? oldSelf.provides : []) ? \"\" : ', spec.provides') + (self.?value == oldSelf.?value ? \"\" : ', spec.value') + (self.?urgency == oldSelf.?urgency ? \"\" : ', spec.urgency') + (self.?riskReduction == oldSelf.?riskReduction ? \"\" : ', spec.riskReduction') + (self.?effort == oldSelf.?effort ? \"\" : ', spec.effort') + (self.?targetDate == oldSelf.?targetDate ? \"\" : ', spec.targetDate')).substring(2) + ' cannot change any more (only spec.title, spec.owner and spec.goals may); create a new initiative for further work'",message="a Done initiative is the record of finished work: only spec.title, spec.owner and spec.goals may still change; create a new initiative for further work"
type InitiativeSpec struct {
	// Title is the human name of the work.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	Title Text `json:"title"`

	// Track is Innovation (new things, gated on capabilities) or Operations (run and build the platform).
	// +required
	Track Track `json:"track"`

	// Owner is the team doing the work, e.g. team-checkout.
	// +optional
	// +kubebuilder:validation:MaxLength=100
	Owner Text `json:"owner,omitempty"`

	// Goals names the Goals this work serves. Work tied to no goal is flagged as unaligned.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	Goals []ResourceName `json:"goals,omitempty"`

	// Requires names the Capabilities that must be Ready before this work can start.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	Requires []ResourceName `json:"requires,omitempty"`

	// DependsOn names initiatives that must be Done before this one can start. Each may appear once: the list
	// is a map keyed by namespace and name, so the apiserver rejects duplicates and server-side apply merges it.
	// +optional
	// +listType=map
	// +listMapKey=namespace
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=64
	DependsOn []InitiativeReference `json:"dependsOn,omitempty"`

	// Provides names the Capabilities this initiative delivers (typically an Operations initiative).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	Provides []ResourceName `json:"provides,omitempty"`

	// Value is the business value, 1 (low) to 10 (high), for Weighted Shortest Job First.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	Value *int32 `json:"value,omitempty"`

	// Urgency is the time criticality, 1 to 10.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	Urgency *int32 `json:"urgency,omitempty"`

	// RiskReduction is the risk reduction or opportunity enablement, 1 to 10.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	RiskReduction *int32 `json:"riskReduction,omitempty"`

	// Effort is the job size, 1 (small) to 10 (large).
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	Effort *int32 `json:"effort,omitempty"`

	// TargetDate is when the work should be finished, YYYY-MM-DD.
	// +optional
	TargetDate Date `json:"targetDate,omitempty"`

	// State is the team's declaration: Proposed, Active, Done or Cancelled. Done is final; Cancelled may be
	// revived (see InitiativeState).
	// +optional
	// +kubebuilder:default=Proposed
	// +kubebuilder:validation:XValidation:rule="oldSelf != 'Done' || self == 'Done'",messageExpression="'Done is final: a Done initiative cannot become ' + self + '; create a new initiative for further work (delete and re-create this one only if it was marked Done by mistake)'",message="Done is final: a Done initiative cannot move to another state; create a new initiative for further work (delete and re-create this one only if it was marked Done by mistake)"
	State InitiativeState `json:"state,omitempty"`
}

// BlockedByEntry is one unmet prerequisite of an initiative or a capability, with the operator's verdict on it:
// tools (the kubectl plugin, dashboards) read the verdict rather than deriving one from the reason.
type BlockedByEntry struct {
	// APIVersion of the prerequisite when it is the object of a failing evidence check (e.g. apps/v1); empty for
	// the roadmap.dev kinds.
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`
	// Kind of the prerequisite: Capability or Initiative, or the kind of a checked object (apiVersion is set then).
	Kind string `json:"kind"`
	// Namespace of the prerequisite, for initiatives.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// Name of the prerequisite.
	Name string `json:"name"`
	// Reason is CapabilityNotReady, CapabilityNotFound, NoProvider, InitiativeNotDone, InitiativeNotFound or
	// DependencyCycle; for a check, the check's reason (see CheckStatus).
	Reason string `json:"reason"`
	// Message says what is wrong in words, e.g. "capability event-bus: Planned".
	// +optional
	Message string `json:"message,omitempty"`
	// Stalled is true when waiting will not clear this entry and a person must act: a dangling reference, a
	// cycle, or a check whose kind is not served, whose access is denied or whose object Failed. The object is
	// Stalled (kstatus) exactly when one of its entries is.
	// +optional
	Stalled bool `json:"stalled,omitempty"`
}

// InitiativeStatus is the observed state of an Initiative.
type InitiativeStatus struct {
	// ObservedGeneration is the generation of the spec this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Phase is Blocked, Ready, Done or Cancelled.
	// +optional
	Phase InitiativePhase `json:"phase,omitempty"`

	// BlockedBy lists every unmet prerequisite.
	// +optional
	// +listType=atomic
	BlockedBy []BlockedByEntry `json:"blockedBy,omitempty"`

	// Summary is one line for standups: the first one or two blockers and how many more.
	// +optional
	Summary string `json:"summary,omitempty"`

	// PriorityScore is the Weighted Shortest Job First score, (value + urgency + riskReduction) / effort, as a
	// decimal with two places, e.g. "3.20"; "0.00" for work that serves no goal; empty while an estimate is
	// missing. It is a decimal string rather than a JSON number because kubectl --sort-by refuses to compare
	// the integers and floats that JSON numbers decode to (3 and 3.2), while it compares decimal strings
	// numerically, as quantities: `kubectl get initiatives --sort-by=.status.priorityScore` works.
	// +optional
	PriorityScore string `json:"priorityScore,omitempty"`

	// CompletedAt is when the operator first saw the initiative in its current phase Done or Cancelled: when the
	// work finished (or was dropped), for standups. Unset while the initiative is Blocked or Ready.
	// +optional
	CompletedAt *metav1.Time `json:"completedAt,omitempty"`

	// Workloads summarises the workloads labelled roadmap.dev/initiative with this initiative's name in its
	// namespace (docs/workloads.md); unset while there are none.
	// +optional
	Workloads *WorkloadsSummary `json:"workloads,omitempty"`

	// Conditions: Ready, Aligned, ScheduleConflict, Prioritized, StartedEarly (only while True), and the kstatus
	// conditions Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Initiative is a piece of work on the roadmap. An initiative stays Blocked until every Capability it requires
// is Ready and every initiative it depends on is Done.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,shortName=ini,categories=roadmap
// +kubebuilder:printcolumn:name="Track",type=string,JSONPath=`.spec.track`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Blocked-By",type=string,JSONPath=`.status.summary`
// +kubebuilder:printcolumn:name="Priority",type=string,JSONPath=`.status.priorityScore`
// +kubebuilder:printcolumn:name="Aligned",type=string,JSONPath=`.status.conditions[?(@.type=="Aligned")].status`
// +kubebuilder:printcolumn:name="Target",type=string,JSONPath=`.spec.targetDate`
// +kubebuilder:printcolumn:name="Goals",type=string,JSONPath=`.spec.goals`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="!has(self.spec.dependsOn) || !self.spec.dependsOn.exists(d, d.name == self.metadata.name && (!has(d.namespace) || size(d.namespace) == 0))",message="an initiative cannot depend on itself"
type Initiative struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec InitiativeSpec `json:"spec"`

	// Status defaults to observedGeneration -1, so that kstatus reads an object the controller has not
	// evaluated yet as InProgress rather than Current (as Flux's own kinds do).
	// +kubebuilder:default={"observedGeneration":-1}
	Status InitiativeStatus `json:"status,omitempty"`
}

// InitiativeList contains a list of Initiative.
// +kubebuilder:object:root=true
type InitiativeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Initiative `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Initiative{}, &InitiativeList{})
}
