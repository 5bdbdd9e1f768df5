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

package readiness

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/conditions"
)

// SetConditions writes a Result into a condition list: Ready always, and the kstatus conditions Reconciling
// (waiting on other objects) and Stalled (broken spec) only while they are True, as kstatus expects of
// "abnormal-true" conditions. conditions.Set keeps lastTransitionTime unless the status flips, so setting the
// same Result twice leaves the list identical and the controller writes nothing.
func SetConditions(list *[]metav1.Condition, generation int64, res Result) {
	ready := res.ReadyOutcome()
	conditions.Set(list, roadmapv1.ConditionReady, conditions.Always, generation, ready)
	conditions.Set(list, roadmapv1.ConditionReconciling, conditions.AbnormalTrue, generation,
		conditions.Outcome{True: res.Waiting, Reason: ready.Reason, Message: ready.Message})
	conditions.Set(list, roadmapv1.ConditionStalled, conditions.AbnormalTrue, generation,
		conditions.Outcome{True: res.Broken, Reason: ready.Reason, Message: ready.Message})
}

// ReadyOutcome is the Ready condition the Result decides.
func (r Result) ReadyOutcome() conditions.Outcome {
	return conditions.Outcome{True: r.Ready, Reason: r.Reason, Message: r.Message}
}

// Event is a Kubernetes event to record for a transition.
type Event struct {
	Type    string // corev1.EventTypeNormal or corev1.EventTypeWarning
	Reason  string
	Message string
}

// Event reasons.
const (
	EventUnblocked       = "Unblocked"
	EventBlocked         = "Blocked"
	EventReady           = "Ready"
	EventNotReady        = "NotReady"
	EventDependencyCycle = roadmapv1.ReasonDependencyCycle
	EventDone            = "Done"
	EventCancelled       = "Cancelled"
)

// TransitionEvent returns the event to record when the Ready condition goes from previous (nil when the object
// had none) to res, and false when nothing worth telling happened: events mark transitions, never reconciles.
// The kind decides the vocabulary: initiatives are Unblocked and Blocked, capabilities become Ready or NotReady.
func TransitionEvent(kind string, previous *metav1.Condition, res Result) (Event, bool) {
	// Unlike the other transitions, a new reason alone is worth telling here (Blocked by another cause).
	if !conditions.Flips(previous, res.ReadyOutcome()) && previous.Reason == res.Reason {
		return Event{}, false
	}
	switch {
	case res.Reason == roadmapv1.ReasonDependencyCycle:
		return Event{Type: corev1.EventTypeWarning, Reason: EventDependencyCycle, Message: res.Message}, true
	case res.Reason == roadmapv1.InitiativeReasonDone:
		return Event{Type: corev1.EventTypeNormal, Reason: EventDone, Message: res.Message}, true
	case res.Reason == roadmapv1.InitiativeReasonCancelled:
		return Event{Type: corev1.EventTypeNormal, Reason: EventCancelled, Message: res.Message}, true
	case kind == "Initiative" && res.Ready:
		return Event{Type: corev1.EventTypeNormal, Reason: EventUnblocked, Message: res.Message}, true
	case kind == "Initiative":
		return Event{Type: corev1.EventTypeWarning, Reason: EventBlocked, Message: res.Message}, true
	case res.Ready:
		return Event{Type: corev1.EventTypeNormal, Reason: EventReady, Message: res.Message}, true
	default:
		return Event{Type: corev1.EventTypeWarning, Reason: EventNotReady, Message: res.Message}, true
	}
}

// SetCapabilityStatus writes an evaluation into a capability's status, as the operator publishes it: the
// generation evaluated, the phase, the summary, blockedBy with a verdict on each entry, and the Ready,
// Reconciling and Stalled conditions. Tools read these fields and derive nothing (see internal/roadmapview).
func SetCapabilityStatus(c *roadmapv1.Capability, phase roadmapv1.CapabilityPhase, res Result) {
	c.Status.ObservedGeneration = c.Generation
	c.Status.Phase = phase
	c.Status.Summary = res.Summary
	c.Status.BlockedBy = BlockedBy(res.Unmet)
	SetConditions(&c.Status.Conditions, c.Generation, res)
}

// SetInitiativeStatus writes an evaluation into an initiative's status, as SetCapabilityStatus does.
func SetInitiativeStatus(ini *roadmapv1.Initiative, phase roadmapv1.InitiativePhase, res Result) {
	ini.Status.ObservedGeneration = ini.Generation
	ini.Status.Phase = phase
	ini.Status.Summary = res.Summary
	ini.Status.BlockedBy = BlockedBy(res.Unmet)
	SetConditions(&ini.Status.Conditions, ini.Generation, res)
}
