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

// Text is one line of free text written by people (a title, an owner, a category, a key result) and shown by
// kubectl, the board, exports and terminals. Any printable character of any script is welcome, but not:
//   - control characters (category Cc): escape sequences retitle or clear the reader's terminal, line breaks
//     forge lines in listings and logs;
//   - invisible format characters (Cf): bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069),
//     directional marks (U+200E, U+200F, U+061C) make a title read differently from what it holds; zero-width
//     spaces and joiners (U+200B-U+200D, U+2060), the byte-order mark (U+FEFF) and soft hyphens hide characters
//     from whoever reads or searches it;
//   - the Unicode line and paragraph separators (U+2028, U+2029).
//
// The rule lives here once: every one-line free-text field of the API is a Text. It is an alias, so Go code
// reads these fields as plain strings. Objects stored before the rule keep their values (the apiserver only
// checks a value again when it changes).
// +kubebuilder:validation:XValidation:rule="!self.matches(r'[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]')",message="must not contain control characters (escape sequences, line breaks) or invisible formatting characters (bidirectional overrides such as U+202E, zero-width characters)"
type Text = string

// MultilineText is free text of several lines, such as a description: the same characters as Text are refused,
// except tabs and line feeds.
// +kubebuilder:validation:XValidation:rule="!self.matches(r'[^\\P{Cc}\\t\\n]|[\\p{Cf}\\p{Zl}\\p{Zp}]')",message="must not contain control characters other than tabs and line breaks, nor invisible formatting characters (bidirectional overrides such as U+202E, zero-width characters)"
type MultilineText = string
