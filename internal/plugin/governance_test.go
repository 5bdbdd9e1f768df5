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
	"bytes"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

// TestRenderStartedEarly: work declared Active before its platform is ready has a section of its own in the
// standup, with the condition's message.
func TestRenderStartedEarly(t *testing.T) {
	msg := "declared Active while a required capability is not Ready: capability event-bus: Planned"
	res := &roadmapview.StandupResult{Now: metav1.NewTime(roadmapviewtest.Clock),
		Since: metav1.NewTime(roadmapviewtest.Clock.Add(-24 * time.Hour)),
		Teams: []roadmapview.StandupTeam{{Owner: "team-personalisation", StartedEarly: []roadmapview.StandupItem{
			{Kind: "Initiative", Namespace: "team-personalisation", Name: "eager", Phase: "Blocked", Priority: "4.00", Message: msg},
		}}}}
	text := render(t, func(b *bytes.Buffer) error { return RenderStandup(b, res, Style{}) })
	want := "  started before its platform is ready:\n    ✖ initiative team-personalisation/eager"
	if !strings.Contains(text, want) || !strings.Contains(text, "priority 4.00") || !strings.Contains(text, msg+"\n") {
		t.Errorf("standup text lacks %q and the condition's message:\n%s", want, text)
	}
}

// TestRenderWhyRequiredBy: `why capability/NAME` of a Retired capability lists, after its chain, every open
// initiative that still requires it.
func TestRenderWhyRequiredBy(t *testing.T) {
	dependent := func(ns, name, owner, state string) roadmapview.WhyNode {
		return roadmapview.WhyNode{Relation: roadmapview.RelationRequiredBy, Kind: "Initiative", Namespace: ns, Name: name,
			Owner: owner, Status: "Blocked", State: state}
	}
	res := &roadmapview.WhyResult{
		Target: roadmapview.WhyNode{Kind: "Capability", Name: "old-bus", Owner: "team-data", Status: "Retired",
			Lifecycle: "Retired", Action: &roadmapview.Action{Owner: "team-data", Subject: "capability old-bus",
				Do: "stop requiring it: it is Retired"}},
		RequiredBy: []roadmapview.WhyNode{dependent("a", "one", "team-a", "Proposed"), dependent("a", "two", "team-a", "Active"),
			dependent("b", "four", "team-b", "Proposed"), dependent("c", "five", "team-c", "Proposed"),
			dependent("c", "six", "", "Proposed")},
	}
	text := render(t, func(b *bytes.Buffer) error { return RenderWhy(b, res, Style{}) })
	for _, want := range []string{
		"\nStill required by 5 open initiatives:\n",
		"  ✖ initiative a/two: Blocked (state Active) · owner team-a\n",
		"  ✖ initiative c/six: Blocked (state Proposed)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("why text lacks %q:\n%s", want, text)
		}
	}
}
