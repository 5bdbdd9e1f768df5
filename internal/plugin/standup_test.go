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

// TestRenderStandupFinishedWork: work that became Done or Cancelled is told in sections of its own.
func TestRenderStandupFinishedWork(t *testing.T) {
	finished := func(name, phase, priority string) roadmapview.StandupItem {
		return roadmapview.StandupItem{Kind: "Initiative", Namespace: "shop", Name: name, Phase: phase, Priority: priority,
			Changed: &roadmapviewtest.Recent}
	}
	res := &roadmapview.StandupResult{Now: metav1.NewTime(roadmapviewtest.Clock),
		Since: metav1.NewTime(roadmapviewtest.Clock.Add(-24 * time.Hour)),
		Teams: []roadmapview.StandupTeam{{Owner: "team-shop",
			BecameDone:      []roadmapview.StandupItem{finished("checkout-v2", "Done", "4.00"), finished("search-v1", "Done", "")},
			BecameCancelled: []roadmapview.StandupItem{finished("chatbot", "Cancelled", "")},
		}}}
	text := render(t, func(b *bytes.Buffer) error { return RenderStandup(b, res, Style{}) })
	for _, want := range []string{
		"  became Done:\n    ✔ initiative shop/checkout-v2  Done       priority 4.00  2h ago\n",
		"  became Cancelled:\n    ",
		"initiative shop/chatbot",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("standup text lacks %q:\n%s", want, text)
		}
	}
}
