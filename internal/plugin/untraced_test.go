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

package plugin

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

func TestRenderUntraced(t *testing.T) {
	reports := []workloads.Report{{Namespace: "team-checkout", Mode: "enforce",
		Untraced: []workloads.Workload{{Kind: "Deployment", Namespace: "team-checkout", Name: "legacy-cart"}},
		Dangling: []workloads.Dangling{{Workload: workloads.Workload{Kind: "CronJob", Namespace: "team-checkout",
			Name: "replay", Initiative: "old", Labelled: true}, Why: "initiative team-checkout/old does not exist"}},
		BreakGlass: []workloads.Workload{{Kind: "Deployment", Namespace: "team-checkout", Name: "legacy-cart",
			BreakGlass: "INC-7 payments down"}},
	}, {Namespace: "team-x", Mode: "enforce", ModeError: `label roadmap.dev/workloads="enforcing" is not one of enforce, warn, audit: treated as enforce`}}
	var out strings.Builder
	if err := RenderUntraced(&out, reports, "", "", Style{}); err != nil {
		t.Fatal(err)
	}
	want := `team-checkout (roadmap.dev/workloads=enforce)
  untraced     Deployment legacy-cart: no label roadmap.dev/initiative
  dangling     CronJob replay: initiative team-checkout/old does not exist
  break-glass  Deployment legacy-cart: INC-7 payments down

team-x (roadmap.dev/workloads=enforce)
  ! label roadmap.dev/workloads="enforcing" is not one of enforce, warn, audit: treated as enforce
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("RenderUntraced (-want +got):\n%s", diff)
	}
	if got, want := untracedLine(reports[0]), "team-checkout: 1 untraced, 1 dangling, 1 through break glass "+
		"(kubectl roadmap untraced -n team-checkout)"; got != want {
		t.Errorf("untracedLine = %q, want %q", got, want)
	}

	out.Reset()
	if err := RenderUntraced(&out, nil, "", "team-a", Style{}); err != nil {
		t.Fatal(err)
	}
	if want := "Every workload in namespace team-a (or it is not labelled roadmap.dev/workloads) names an open initiative.\n"; out.String() != want {
		t.Errorf("empty report = %q, want %q", out.String(), want)
	}
}

func TestWorkloadsText(t *testing.T) {
	s := &roadmapv1.WorkloadsSummary{Total: 7, Kinds: []roadmapv1.WorkloadKindCount{
		{Kind: "CronJob", Count: 1, Names: []string{"replay"}},
		{Kind: "Deployment", Count: 6, Names: []string{"a", "b", "c"}}}}
	if got, want := roadmapview.WorkloadsText(s), "7 workloads: CronJob replay; Deployment a, b, c (+3 more)"; got != want {
		t.Errorf("WorkloadsText = %q, want %q", got, want)
	}
	if got := roadmapview.WorkloadsText(nil); got != "" {
		t.Errorf("WorkloadsText(nil) = %q, want empty", got)
	}
}
