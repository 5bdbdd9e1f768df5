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

package conditions

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestSet(t *testing.T) {
	earlier := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	existing := func(status metav1.ConditionStatus) []metav1.Condition {
		return []metav1.Condition{{Type: "Aligned", Status: status, Reason: "Old", Message: "old",
			ObservedGeneration: 1, LastTransitionTime: earlier}}
	}
	for _, tc := range []struct {
		name       string
		before     []metav1.Condition
		polarity   Polarity
		o          Outcome
		want       []metav1.Condition
		newTransit bool // the condition gets a fresh lastTransitionTime
	}{
		{name: "new condition, True", polarity: Always, o: Outcome{True: true, Reason: "R", Message: "m"},
			want: []metav1.Condition{{Type: "Aligned", Status: metav1.ConditionTrue, Reason: "R", Message: "m",
				ObservedGeneration: 2}}, newTransit: true},
		{name: "new condition, False", polarity: Always, o: Outcome{Reason: "R", Message: "m"},
			want: []metav1.Condition{{Type: "Aligned", Status: metav1.ConditionFalse, Reason: "R", Message: "m",
				ObservedGeneration: 2}}, newTransit: true},
		{name: "unchanged status keeps lastTransitionTime, takes reason, message and generation",
			before: existing(metav1.ConditionTrue), polarity: Always, o: Outcome{True: true, Reason: "R", Message: "m"},
			want: []metav1.Condition{{Type: "Aligned", Status: metav1.ConditionTrue, Reason: "R", Message: "m",
				ObservedGeneration: 2, LastTransitionTime: earlier}}},
		{name: "flipped status gets a new lastTransitionTime",
			before: existing(metav1.ConditionTrue), polarity: Always, o: Outcome{Reason: "R", Message: "m"},
			want: []metav1.Condition{{Type: "Aligned", Status: metav1.ConditionFalse, Reason: "R", Message: "m",
				ObservedGeneration: 2}}, newTransit: true},
		{name: "abnormal-true, new and True", polarity: AbnormalTrue, o: Outcome{True: true, Reason: "R", Message: "m"},
			want: []metav1.Condition{{Type: "Aligned", Status: metav1.ConditionTrue, Reason: "R", Message: "m",
				ObservedGeneration: 2}}, newTransit: true},
		{name: "abnormal-true stays True: lastTransitionTime kept",
			before: existing(metav1.ConditionTrue), polarity: AbnormalTrue, o: Outcome{True: true, Reason: "R", Message: "m"},
			want: []metav1.Condition{{Type: "Aligned", Status: metav1.ConditionTrue, Reason: "R", Message: "m",
				ObservedGeneration: 2, LastTransitionTime: earlier}}},
		{name: "abnormal-true no longer True is removed",
			before: existing(metav1.ConditionTrue), polarity: AbnormalTrue, o: Outcome{Reason: "R", Message: "m"}},
		{name: "abnormal-true absent and not True stays absent", polarity: AbnormalTrue, o: Outcome{Reason: "R"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conds := tc.before
			Set(&conds, "Aligned", tc.polarity, 2, tc.o)
			if tc.newTransit {
				if len(conds) != 1 || conds[0].LastTransitionTime.IsZero() || conds[0].LastTransitionTime.Equal(&earlier) {
					t.Fatalf("want a fresh lastTransitionTime, got %+v", conds)
				}
				conds[0].LastTransitionTime = metav1.Time{}
			}
			if diff := cmp.Diff(tc.want, conds, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFlips(t *testing.T) {
	condition := func(status metav1.ConditionStatus) *metav1.Condition {
		return &metav1.Condition{Type: "Aligned", Status: status, Reason: "Old"}
	}
	for _, tc := range []struct {
		name     string
		previous *metav1.Condition
		o        Outcome
		want     bool
	}{
		{"absent to True", nil, Outcome{True: true}, true},
		{"absent to False", nil, Outcome{}, true},
		{"True to True", condition(metav1.ConditionTrue), Outcome{True: true}, false},
		{"True to True with another reason is no flip", condition(metav1.ConditionTrue), Outcome{True: true, Reason: "New"}, false},
		{"True to False", condition(metav1.ConditionTrue), Outcome{}, true},
		{"False to False", condition(metav1.ConditionFalse), Outcome{}, false},
		{"False to True", condition(metav1.ConditionFalse), Outcome{True: true}, true},
		{"Unknown to True", condition(metav1.ConditionUnknown), Outcome{True: true}, true},
		{"Unknown to False", condition(metav1.ConditionUnknown), Outcome{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Flips(tc.previous, tc.o); got != tc.want {
				t.Errorf("Flips(%+v, %+v) = %v, want %v", tc.previous, tc.o, got, tc.want)
			}
		})
	}
}
