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

// Package conditions is the one vocabulary the operator uses for a status condition: an Outcome (True or not,
// with a reason and a message), one setter that writes it, and one test of whether writing it flips the
// condition, in the manner of fluxcd/pkg/runtime/conditions. It is pure: it edits condition lists in memory and
// never talks to a cluster.
package conditions

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Outcome is the status, reason and message of one condition, as the pure rules decide it.
type Outcome struct {
	True    bool
	Reason  string
	Message string
}

// Status is the condition status the outcome writes: True or False, never Unknown.
func (o Outcome) Status() metav1.ConditionStatus {
	if o.True {
		return metav1.ConditionTrue
	}
	return metav1.ConditionFalse
}

// Polarity says how a condition is written when its outcome is not True.
type Polarity int

const (
	// Always keeps the condition in the list, True or False (Ready, Aligned, ScheduleConflict...).
	Always Polarity = iota
	// AbnormalTrue keeps the condition only while it is True and removes it otherwise, as kstatus expects of
	// conditions whose True is the unusual case (Reconciling, Stalled, StartedEarly, InUse).
	AbnormalTrue
)

// Set writes o as the condition conditionType observed at generation. The lastTransitionTime is kept unless the
// status flips (meta.SetStatusCondition's rule), so setting the same outcome twice leaves the list identical and
// the controller writes nothing. An AbnormalTrue condition whose outcome is not True is removed.
func Set(conditions *[]metav1.Condition, conditionType string, polarity Polarity, generation int64, o Outcome) {
	if polarity == AbnormalTrue && !o.True {
		meta.RemoveStatusCondition(conditions, conditionType)
		return
	}
	meta.SetStatusCondition(conditions, metav1.Condition{Type: conditionType, Status: o.Status(),
		Reason: o.Reason, Message: o.Message, ObservedGeneration: generation})
}

// Flips reports whether writing o changes the status of previous, the condition as it stands (nil when absent):
// exactly when Set gives the condition a new lastTransitionTime. A transition is worth one event, whatever
// number of reconciles follow while the status stays.
func Flips(previous *metav1.Condition, o Outcome) bool {
	return previous == nil || previous.Status != o.Status()
}
