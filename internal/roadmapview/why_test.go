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

package roadmapview_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

// TestWhyActions: the chain of a blocked initiative ends in root causes, each with the owner who must act and
// the step, once each, grouped by owner.
func TestWhyActions(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	res, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "team-personalisation", Name: "recs"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]roadmapview.Action{
		{Owner: "team-data", Subject: "capability event-bus", Do: "declare it Available once ops/kafka-cluster delivers"},
		{Owner: "team-network", Subject: "capability networking", Do: "declare it Available once ops/network-refresh delivers"},
		{Owner: "team-network", Subject: "initiative ops/network-refresh", Do: "deliver it (due 2035-02-28)"},
		{Owner: "team-platform", Subject: "check Deployment platform/ingress", Do: "make it healthy"},
	}, res.Actions); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
	// kafka-cluster is reached twice (providing event-bus, and in dependsOn): explained the first time only.
	if n := res.Target.BlockedBy[1]; n.Name != "kafka-cluster" || !n.Repeated || n.BlockedBy != nil {
		t.Errorf("second appearance of kafka-cluster = %+v", n)
	}

	// Missing capabilities and capabilities nobody owns: the requirer acts, and "(no owner)" sorts last.
	res, err = roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "team-personalisation", Name: "ab-testing"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]roadmapview.Action{
		{Owner: "team-personalisation", Subject: "initiative team-personalisation/ab-testing",
			Do: "fix spec.requires: capability gone does not exist"},
		{Owner: "(no owner)", Subject: "capability feature-flags", Do: "plan it (no initiative provides it) and declare it Available"},
	}, res.Actions); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}

	if _, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "ops", Name: "nope"}); err == nil ||
		err.Error() != "initiative ops/nope not found" {
		t.Errorf("missing initiative: err = %v", err)
	}
	limited := roadmapviewtest.Roadmap()
	limited.Namespace, limited.Limited = "ops", "you may not list initiatives in all namespaces"
	if _, err := roadmapview.Why(limited, roadmapview.Ref{Kind: "Initiative", Namespace: "elsewhere", Name: "x"}); err == nil ||
		!strings.Contains(err.Error(), "not visible") {
		t.Errorf("invisible initiative: err = %v", err)
	}
}

func TestWhyRetiredAndUnevaluated(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	s.Capabilities = append(s.Capabilities,
		roadmapviewtest.Capability("old-bus", "team-data", "Retired", "Retired", "False", "NotAvailable", "capability is Retired"),
		roadmapviewtest.Capability("fresh", "team-data", "Available", "", "False", "", ""))
	s.Capabilities[len(s.Capabilities)-1].Status.Conditions = nil
	s.Initiatives = append(s.Initiatives, roadmapviewtest.Initiative("shop", "legacy", "team-shop", "Blocked", "CapabilityNotReady",
		roadmapviewtest.Requires("old-bus", "fresh"),
		roadmapviewtest.BlockedBy("Capability", "", "old-bus", "CapabilityNotReady", "capability old-bus: Retired"),
		roadmapviewtest.BlockedBy("Capability", "", "fresh", "CapabilityNotReady", "capability fresh: not yet evaluated")))
	s.Index()
	res, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "shop", Name: "legacy"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]roadmapview.Action{
		{Owner: "team-data", Subject: "capability fresh", Do: "see its Ready condition: not evaluated yet (is the operator running?)"},
		{Owner: "team-shop", Subject: "capability old-bus", Do: "stop requiring it: it is Retired"},
	}, res.Actions); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
}

// TestWhyNamesTheNamespaces: `kubectl roadmap why NAME` without -n looks in the kubeconfig's namespace; when the
// initiative is elsewhere, the error says where instead of only "not found".
func TestWhyNamesTheNamespaces(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	_, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "default", Name: "recs"})
	want := "initiative default/recs not found; initiative recs exists in namespace team-personalisation: " +
		"say -n team-personalisation, or team-personalisation/recs"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	if _, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "default", Name: "nope"}); err == nil ||
		err.Error() != "initiative default/nope not found" {
		t.Errorf("error = %v", err)
	}
}

func TestMissingSaysHiddenOrAbsent(t *testing.T) {
	all := (&roadmapview.Snapshot{Capabilities: []roadmapv1.Capability{{ObjectMeta: metav1.ObjectMeta{Name: "bus"}}},
		Initiatives: []roadmapv1.Initiative{{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "work"}}}}).Index()
	limited := (&roadmapview.Snapshot{VisibleNamespaces: map[string]bool{"a": true}, CapabilitiesHidden: true, GoalsHidden: true}).Index()
	for _, tc := range []struct {
		name            string
		s               *roadmapview.Snapshot
		kind, ns, named string
		want            string
	}{
		{"held", all, "Capability", "", "bus", ""},
		{"held initiative", all, "Initiative", "a", "work", ""},
		{"absent capability", all, "Capability", "", "nope", roadmapview.StatusNotFound},
		{"absent goal", all, "Goal", "", "nope", roadmapview.StatusNotFound},
		{"absent initiative", all, "Initiative", "b", "nope", roadmapview.StatusNotFound},
		{"hidden capability", limited, "Capability", "", "bus", roadmapview.StatusNotVisible},
		{"hidden goal", limited, "Goal", "", "g", roadmapview.StatusNotVisible},
		{"initiative of a hidden namespace", limited, "Initiative", "b", "work", roadmapview.StatusNotVisible},
		{"absent from a visible namespace", limited, "Initiative", "a", "nope", roadmapview.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Missing(tc.kind, tc.ns, tc.named); got != tc.want {
				t.Errorf("Missing(%s %s/%s) = %q, want %q", tc.kind, tc.ns, tc.named, got, tc.want)
			}
		})
	}
}
