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

package board

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/roadmap-operator/roadmap-operator/internal/board/access"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

func ids(s *roadmapview.Snapshot) []string {
	var out []string
	for _, n := range Build(s, now).Nodes {
		out = append(out, n.ID)
	}
	sort.Strings(out)
	return out
}

func TestFilterSnapshot(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rights  access.Rights
		want    []string
		limited string
	}{
		{name: "everything", rights: access.Everything, want: []string{"capability/event-bus", "goal/growth", "goal/recs",
			"initiative/ops/kafka", "initiative/ops/late", "initiative/ops/upgrade", "initiative/shop/dropped", "initiative/shop/recs"}},
		{name: "one namespace, no cluster-scoped kinds", rights: access.Rights{Namespaces: map[string]bool{"shop": true, "ops": false}},
			// The capability recs requires is named, as its spec (which the user may read) names it; nothing of
			// the capability itself is shown.
			want:    []string{"capability/event-bus", "initiative/shop/dropped", "initiative/shop/recs"},
			limited: "RBAC lets you list initiatives in namespace shop only; you may not list capabilities or goals, so they are not shown."},
		{name: "capabilities only", rights: access.Rights{Capabilities: true}, want: []string{"capability/event-bus"},
			limited: "RBAC lets you list initiatives in no namespace; you may not list goals, so they are not shown."},
		{name: "nothing", rights: access.Rights{}, limited: "RBAC lets you list no initiatives, capabilities or goals"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full := snapshot()
			got := filterSnapshot(full, tc.rights)
			if strings.Join(ids(got), " ") != strings.Join(tc.want, " ") {
				t.Errorf("shows %v, want %v", ids(got), tc.want)
			}
			if !strings.HasPrefix(got.Limited, tc.limited) || (tc.limited == "") != (got.Limited == "") {
				t.Errorf("limited = %q, want %q", got.Limited, tc.limited)
			}
			if !tc.rights.Capabilities {
				for _, n := range Build(got, now).Nodes {
					if n.Kind == "Capability" && (n.Status != roadmapview.StatusNotVisible || strings.Contains(n.Message, "exists")) {
						t.Errorf("a capability the reader may not list is shown as %s: %s", n.Status, n.Message)
					}
				}
			}
			if len(full.Initiatives) != 5 || len(full.Capabilities) != 1 {
				t.Error("filtering changed the shared snapshot")
			}
		})
	}
}

func TestRightsKey(t *testing.T) {
	a := access.Rights{Namespaces: map[string]bool{"a": true, "b": true, "c": false}, Goals: true}
	b := access.Rights{Namespaces: map[string]bool{"b": true, "a": true}, Goals: true}
	if a.Key() != b.Key() {
		t.Errorf("the same visible namespaces give different keys: %q %q", a.Key(), b.Key())
	}
	if a.Key() == (access.Rights{Namespaces: map[string]bool{"a": true}, Goals: true}).Key() || a.Key() == access.Everything.Key() {
		t.Error("different rights share a key")
	}
}

// A page of limited rights hears of changes to what it shows, and of nothing else.
func TestEventsOfLimitedRights(t *testing.T) {
	s := &Server{subs: map[chan uint64]access.Rights{}, now: func() time.Time { return now }}
	s.publish(snapshot(), []byte(`{}`))
	shop := access.Rights{Namespaces: map[string]bool{"shop": true}}
	ch, ok := s.subscribe(shop, 0)
	if !ok {
		t.Fatal("subscribe refused")
	}
	first := <-ch
	changed := func(namespace string) *roadmapview.Snapshot {
		snap := snapshot()
		for i := range snap.Initiatives {
			if snap.Initiatives[i].Namespace == namespace {
				snap.Initiatives[i].ResourceVersion = "2"
			}
		}
		return snap
	}
	s.publish(changed("ops"), []byte(`{}`))
	select {
	case v := <-ch:
		t.Fatalf("a change in namespace ops was announced to a page of namespace shop (version %d)", v)
	default:
	}
	s.publish(changed("shop"), []byte(`{}`))
	select {
	case v := <-ch:
		if v <= first {
			t.Errorf("announced version %d after %d", v, first)
		}
		if _, version := s.modelFor(shop); version != v {
			t.Errorf("the model of the page's rights is version %d, the stream announced %d", version, v)
		}
	default:
		t.Fatal("a change in namespace shop was not announced to its page")
	}
}

// Untraced work is filtered by the namespace access of initiatives, and a change to it is a change of the view
// (its digest), so the pages of limited rights hear of it.
func TestFilterSnapshotUntraced(t *testing.T) {
	full := snapshot()
	full.Untraced = []workloads.Report{{Namespace: "ops"}, {Namespace: "shop"}, {Namespace: "elsewhere"}}
	full.UntracedNote = "you may not list CronJob in namespace shop, so the untraced report leaves them out"
	got := filterSnapshot(full, access.Rights{Namespaces: map[string]bool{"shop": true, "ops": false}})
	if len(got.Untraced) != 1 || got.Untraced[0].Namespace != "shop" {
		t.Errorf("untraced reports shown: %+v, want shop's only", got.Untraced)
	}
	if got.UntracedNote != full.UntracedNote {
		t.Errorf("untraced note %q, want %q", got.UntracedNote, full.UntracedNote)
	}
	if !got.GoalsHidden || !got.CapabilitiesHidden {
		t.Error("a reader who may not list goals and capabilities must have them hidden, not absent")
	}
	before := digest(got)
	got.Untraced[0].Untraced = []workloads.Workload{{Kind: "Deployment", Namespace: "shop", Name: "new"}}
	if digest(got) == before {
		t.Error("a new untraced workload does not change the view's digest")
	}
	if ns := namespacesOf(full); strings.Join(ns, " ") != "elsewhere ops shop" {
		t.Errorf("namespaces asked about: %v, want those of initiatives and of untraced work", ns)
	}
}
