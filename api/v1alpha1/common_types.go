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

// Condition types shared by the kinds of this group. Ready is the headline condition; Reconciling and Stalled
// follow the kstatus conventions (sigs.k8s.io/cli-utils/pkg/kstatus) so that Flux and kstatus-aware tools read
// progress and failure without knowing this API: Reconciling=True while waiting on other objects, Stalled=True
// while the spec itself is broken (a dangling reference or a cycle) and waiting will not help.
const (
	ConditionReady       = "Ready"
	ConditionReconciling = "Reconciling"
	ConditionStalled     = "Stalled"
)

// Reasons shared by more than one kind.
const (
	// ReasonDependencyCycle: the object is part of a cycle of requires, dependsOn or parent references.
	ReasonDependencyCycle = "DependencyCycle"
)

// ResourceName is the name of another roadmap object: a DNS-1123 subdomain, as Kubernetes object names are.
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=253
// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')",message="must be a valid object name (DNS-1123): lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
type ResourceName string

// Date is a calendar date, YYYY-MM-DD.
// +kubebuilder:validation:Format=date
// +kubebuilder:validation:Type=string
type Date string
