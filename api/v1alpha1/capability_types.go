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

// CapabilityLifecycle is what the platform team declares about a capability.
// +kubebuilder:validation:Enum=Planned;Available;Retired
type CapabilityLifecycle string

const (
	// LifecyclePlanned: the capability is on the roadmap but nobody may rely on it yet.
	LifecyclePlanned CapabilityLifecycle = "Planned"
	// LifecycleAvailable: the platform team declares the capability usable.
	LifecycleAvailable CapabilityLifecycle = "Available"
	// LifecycleRetired: the capability is withdrawn; it is never Ready again, whatever its evidence says.
	LifecycleRetired CapabilityLifecycle = "Retired"
)

// CapabilityPhase is the one-word state shown in `kubectl get capabilities`.
type CapabilityPhase string

// The phases of a capability.
const (
	CapabilityPhasePlanned CapabilityPhase = "Planned"
	CapabilityPhaseBlocked CapabilityPhase = "Blocked"
	CapabilityPhaseReady   CapabilityPhase = "Ready"
	CapabilityPhaseRetired CapabilityPhase = "Retired"
)

// Reasons of a Capability's Ready condition.
const (
	// CapabilityReasonReady: declared Available and every prerequisite is Ready.
	CapabilityReasonReady = "Ready"
	// CapabilityReasonNotAvailable: the lifecycle is Planned or Retired.
	CapabilityReasonNotAvailable = "NotAvailable"
	// CapabilityReasonPrerequisiteNotReady: a capability in requires exists but is not Ready.
	CapabilityReasonPrerequisiteNotReady = "PrerequisiteNotReady"
	// CapabilityReasonPrerequisiteNotFound: a capability in requires does not exist.
	CapabilityReasonPrerequisiteNotFound = "PrerequisiteNotFound"
	// CapabilityReasonDependencyCycle: the capability requires itself through other capabilities.
	CapabilityReasonDependencyCycle = ReasonDependencyCycle
	// CapabilityReasonChecksFailing: an object named in spec.checks is not healthy (or cannot be read).
	CapabilityReasonChecksFailing = "ChecksFailing"
)

// Condition types of a Capability besides Ready.
const (
	// ConditionInUse is True while the capability is Retired and initiatives that are neither Done nor Cancelled
	// still require it; the message gives their count and the first few. Present only while True.
	ConditionInUse = "InUse"
)

// Reasons of the InUse condition.
const (
	// InUseReasonRequiredByOpenWork: open initiatives still require the Retired capability.
	InUseReasonRequiredByOpenWork = "RequiredByOpenWork"
)

// Reasons of a check's result, besides the kstatus statuses (Current, InProgress, Failed, Terminating, NotFound,
// Unknown), which are used as reasons as they are.
const (
	// CheckReasonKindNotFound: the cluster does not serve the check's apiVersion and kind (CRD not installed).
	CheckReasonKindNotFound = "KindNotFound"
	// CheckReasonAccessDenied: the operator is not allowed to read the check's kind.
	CheckReasonAccessDenied = "AccessDenied"
	// CheckReasonClusterUnreachable: the check's cluster has not answered for longer than the grace period.
	CheckReasonClusterUnreachable = "ClusterUnreachable"
	// CheckReasonClusterResponseInvalid: for longer than the grace period, the check's cluster has answered
	// unlike a Kubernetes apiserver (a redirect, which the operator does not follow, an HTML page, an unexpected
	// HTTP status).
	CheckReasonClusterResponseInvalid = "ClusterResponseInvalid"
	// CheckReasonKubeconfigInvalid: the cluster's kubeconfig Secret is missing, is not labelled
	// roadmap.dev/cluster=true, has no kubeconfig under the key value or value.yaml, cannot be parsed, asks for
	// something the operator refuses (a credential plugin, files, insecure TLS, a proxy), or its credentials are
	// rejected.
	CheckReasonKubeconfigInvalid = "KubeconfigInvalid"
	// CheckReasonWatchLimitReached: the operator watches as many objects as --max-evidence-watches allows, so it
	// starts no watch for this check's object.
	CheckReasonWatchLimitReached = "WatchLimitReached"
	// CheckReasonNoClusterSelected: no cluster Secret matches the check's clusters selector.
	CheckReasonNoClusterSelected = "NoClusterSelected"
)

// Labels and annotations on the kubeconfig Secrets that register clusters.
const (
	// ClusterLabel marks a kubeconfig Secret as a cluster that checks may name ("true"), by secretRef or by a
	// clusters selector: the operator neither reads nor caches a Secret without it.
	ClusterLabel = "roadmap.dev/cluster"
	// ClusterNameAnnotation overrides the cluster's name (by default the Secret's name) wherever it is shown.
	ClusterNameAnnotation = "roadmap.dev/cluster-name"
)

// SecretReference names a Secret in the operator's namespace.
type SecretReference struct {
	// Name of the Secret.
	// +required
	Name ResourceName `json:"name"`
}

// ClusterReference names one cluster by its kubeconfig Secret.
type ClusterReference struct {
	// SecretRef names the Secret, in the operator's namespace, whose key value (or value.yaml) holds a kubeconfig
	// for the cluster, as Flux and Cluster API store them: a Cluster API <cluster>-kubeconfig Secret works as it is.
	// +required
	SecretRef SecretReference `json:"secretRef"`
}

// CheckReference names a Kubernetes object whose health is evidence that a capability works, for example the
// Deployment of an event broker or the Argo CD Application that installs it. The object lives in the operator's
// own cluster, unless cluster or clusters says where else to look.
// +kubebuilder:validation:XValidation:rule="!(has(self.cluster) && has(self.clusters))",message="cluster and clusters are mutually exclusive: name one cluster, or select several"
type CheckReference struct {
	// APIVersion of the object, e.g. apps/v1 or argoproj.io/v1alpha1.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	APIVersion Text `json:"apiVersion"`

	// Kind of the object, e.g. Deployment.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Kind Text `json:"kind"`

	// Namespace of the object; empty for cluster-scoped kinds.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace Text `json:"namespace,omitempty"`

	// Name of the object.
	// +required
	Name ResourceName `json:"name"`

	// Cluster is the one cluster the object lives in, reached with the kubeconfig in a Secret.
	// +optional
	Cluster *ClusterReference `json:"cluster,omitempty"`

	// Clusters selects, by label, the kubeconfig Secrets in the operator's namespace that carry the label
	// roadmap.dev/cluster: "true": the check passes only when the object is healthy in every selected cluster,
	// and fails with NoClusterSelected when none is selected. An empty selector selects every registered cluster.
	// +optional
	Clusters *metav1.LabelSelector `json:"clusters,omitempty"`
}

// CapabilitySpec declares an infrastructure capability that initiatives can build on.
type CapabilitySpec struct {
	// Title is the human name, e.g. "Event bus".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	Title Text `json:"title"`

	// Owner is the team accountable for the capability, e.g. team-platform.
	// +optional
	// +kubebuilder:validation:MaxLength=100
	Owner Text `json:"owner,omitempty"`

	// Category is free text used for grouping, e.g. networking, data, observability.
	// +optional
	// +kubebuilder:validation:MaxLength=100
	Category Text `json:"category,omitempty"`

	// Lifecycle is the platform team's declaration. Only an Available capability can be Ready.
	// +optional
	// +kubebuilder:default=Planned
	Lifecycle CapabilityLifecycle `json:"lifecycle,omitempty"`

	// Requires lists other capabilities (by name) that must be Ready before this one can be.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	Requires []ResourceName `json:"requires,omitempty"`

	// Checks name cluster objects whose health is evidence that the capability works.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=32
	Checks []CheckReference `json:"checks,omitempty"`

	// Description says what the capability offers and how to use it.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Description MultilineText `json:"description,omitempty"`
}

// CheckStatus is the result of one evidence check in one cluster.
type CheckStatus struct {
	// Cluster is the name of the cluster the result is from (its kubeconfig Secret's name, or the Secret's
	// roadmap.dev/cluster-name annotation); empty for the operator's own cluster.
	// +optional
	Cluster    string `json:"cluster,omitempty"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// +optional
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Passing is true when the object's kstatus is Current.
	Passing bool `json:"passing"`
	// Reason is the object's kstatus status (Current, InProgress, Failed, Terminating, NotFound, Unknown), or
	// KindNotFound, AccessDenied, ClusterUnreachable, KubeconfigInvalid or NoClusterSelected when the object
	// cannot be looked at.
	Reason string `json:"reason"`
	// Message is kstatus's message, or says what to do.
	// +optional
	Message string `json:"message,omitempty"`
}

// ProviderStatus is an initiative that provides a capability.
type ProviderStatus struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// +optional
	TargetDate Date `json:"targetDate,omitempty"`
	// +optional
	State InitiativeState `json:"state,omitempty"`
}

// CapabilityStatus is the observed state of a Capability.
type CapabilityStatus struct {
	// ObservedGeneration is the generation of the spec this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Phase is Planned, Blocked, Ready or Retired.
	// +optional
	Phase CapabilityPhase `json:"phase,omitempty"`

	// Summary is one line saying why the capability is not Ready; empty when it is.
	// +optional
	Summary string `json:"summary,omitempty"`

	// BlockedBy lists every unmet prerequisite and failing check, in spec order, with the operator's verdict
	// (stalled) on each.
	// +optional
	// +listType=atomic
	BlockedBy []BlockedByEntry `json:"blockedBy,omitempty"`

	// Dependents counts the initiatives and capabilities that require this capability.
	// +optional
	Dependents int32 `json:"dependents,omitempty"`

	// Providers are the initiatives whose spec.provides names this capability: the plan to build it.
	// +optional
	// +listType=atomic
	Providers []ProviderStatus `json:"providers,omitempty"`

	// Checks reports the result of every entry of spec.checks in every cluster it names, in spec order, then
	// by cluster name.
	// +optional
	// +listType=atomic
	Checks []CheckStatus `json:"checks,omitempty"`

	// ChecksPassing counts the entries of checks that pass, as passing/total (e.g. 4/5), for kubectl get.
	// +optional
	ChecksPassing string `json:"checksPassing,omitempty"`

	// ETA is the latest target date among providers that are neither Done nor Cancelled: when the plan says
	// the capability will be there.
	// +optional
	ETA Date `json:"eta,omitempty"`

	// Conditions: Ready, InUse (only while True), and the kstatus conditions Reconciling and Stalled where they
	// apply.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Capability is an infrastructure capability (an event bus, observability, a Kubernetes platform) that
// innovation initiatives build on. It is Ready only when declared Available and all its prerequisites are Ready.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=cap,categories=roadmap
// +kubebuilder:printcolumn:name="Lifecycle",type=string,JSONPath=`.spec.lifecycle`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Checks",type=string,JSONPath=`.status.checksPassing`
// +kubebuilder:printcolumn:name="Dependents",type=integer,JSONPath=`.status.dependents`
// +kubebuilder:printcolumn:name="Owner",type=string,JSONPath=`.spec.owner`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="!has(self.spec.requires) || !(self.metadata.name in self.spec.requires)",message="a capability cannot require itself"
type Capability struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec CapabilitySpec `json:"spec"`

	// Status defaults to observedGeneration -1, so that kstatus reads an object the controller has not
	// evaluated yet as InProgress rather than Current (as Flux's own kinds do).
	// +kubebuilder:default={"observedGeneration":-1}
	Status CapabilityStatus `json:"status,omitempty"`
}

// CapabilityList contains a list of Capability.
// +kubebuilder:object:root=true
type CapabilityList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Capability `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Capability{}, &CapabilityList{})
}
