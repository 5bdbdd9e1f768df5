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
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

func TestEscapeTerminal(t *testing.T) {
	for in, want := range map[string]string{
		"team-checkout":                 "team-checkout",
		"Observability – métriques, 日志": "Observability – métriques, 日志",
		"team\x1b]0;pwned\a":            `team\x1b]0;pwned\x07`,
		"\x1b[2J":                       `\x1b[2J`,
		"line\nforged line\r":           `line\nforged line\r`,
		"tab\there":                     `tab\there`,
		"C1 CSI \u009b2J":               `C1 CSI \u009b2J`,
		"bidi \u202eevil":               `bidi \u202eevil`,
		"invalid \xff UTF-8":            `invalid \xff UTF-8`,
		"NUL \x00 DEL \x7f":             `NUL \x00 DEL \x7f`,
	} {
		if got := EscapeTerminal(in); got != want {
			t.Errorf("EscapeTerminal(%q) = %q, want %q", in, got, want)
		}
	}
}

// sgr matches the colour sequences the Style writes itself; no other escape may reach the terminal.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// controls finds what a terminal would act on, once the Style's own colours are taken out.
func controls(out string) []string {
	var found []string
	for _, r := range sgr.ReplaceAllString(out, "") {
		if r != '\n' && !printable(r) {
			found = append(found, EscapeTerminal(string(r)))
		}
	}
	return found
}

// TestRenderersEscapeHostileText: an owner that retitles the terminal, a title that clears it and messages with
// escape sequences (from objects admitted before the admission rules, or copied from other objects' conditions)
// are printed escaped by why, tree, standup, plan and graph, with colours on and off.
func TestRenderersEscapeHostileText(t *testing.T) {
	const retitle, clearScreen = "\x1b]0;pwned\a", "\x1b[2J"
	hostile := roadmapviewtest.Roadmap()
	recs := hostile.Initiative("team-personalisation", "recs")
	recs.Spec.Owner = "team" + retitle
	recs.Spec.Title = "Recs" + clearScreen
	recs.Status.BlockedBy[0].Message += clearScreen
	recs.Status.Summary += clearScreen
	recs.Annotations = map[string]string{"note" + clearScreen: retitle}
	platform := hostile.Capability("kubernetes-platform")
	platform.Spec.Owner = "platform" + retitle
	platform.Status.Checks[0].Message = "Replicas: 1 of 3" + clearScreen + "\nforged line"
	platform.Status.Conditions[0].Message += "\u009b2J"
	hostile.Goal("personalisation").Spec.Owner = "cpo" + retitle
	hostile.Index()

	s := escapedSnapshot(hostile)
	if hostile.Initiative("team-personalisation", "recs").Spec.Owner != "team"+retitle {
		t.Fatal("Escaped changed the snapshot it copies")
	}
	if got := s.Initiative("team-personalisation", "recs").Spec.Owner; got != `team\x1b]0;pwned\x07` {
		t.Fatalf("escaped owner = %q", got)
	}

	renders := map[string]func(*roadmapview.Snapshot, Style, *bytes.Buffer) error{
		"why": func(s *roadmapview.Snapshot, st Style, b *bytes.Buffer) error {
			res, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "team-personalisation", Name: "recs"})
			if err != nil {
				return err
			}
			return RenderWhy(b, res, st)
		},
		"tree": func(s *roadmapview.Snapshot, st Style, b *bytes.Buffer) error {
			root, err := roadmapview.Tree(s, roadmapview.Ref{Kind: "Goal", Name: "personalisation"})
			if err != nil {
				return err
			}
			return RenderTree(b, root, st)
		},
		"standup": func(s *roadmapview.Snapshot, st Style, b *bytes.Buffer) error {
			return RenderStandup(b, roadmapview.Standup(s, roadmapviewtest.Clock, 7*24*time.Hour), st)
		},
		"plan": func(s *roadmapview.Snapshot, st Style, b *bytes.Buffer) error {
			return RenderPlan(b, roadmapview.Plan(s, roadmapview.Focus(s, ""), "", roadmapviewtest.Clock), "text", st)
		},
		"graph": func(s *roadmapview.Snapshot, _ Style, b *bytes.Buffer) error {
			return RenderGraph(b, roadmapview.Focus(s, ""), "mermaid")
		},
	}
	for name, render := range renders {
		t.Run(name, func(t *testing.T) {
			for _, st := range []Style{{}, {Color: true}} {
				var out bytes.Buffer
				if err := render(s, st, &out); err != nil {
					t.Fatal(err)
				}
				if found := controls(out.String()); len(found) > 0 {
					t.Errorf("colour %v: control characters reach the terminal: %q\n%s", st.Color, found, out.String())
				}
			}
			if name == "graph" {
				return // it prints names and statuses only, no free text: nothing hostile to pass through
			}
			// Without escaping, the same renderers would pass the sequences through: the test can fail.
			var raw bytes.Buffer
			if err := render(hostile, Style{}, &raw); err != nil {
				t.Fatal(err)
			}
			if len(controls(raw.String())) == 0 {
				t.Errorf("the hostile snapshot prints no control character: the case tests nothing\n%s", raw.String())
			}
		})
	}
	var why bytes.Buffer
	if err := renders["why"](s, Style{}, &why); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(why.String(), `team\x1b]0;pwned\x07`) {
		t.Errorf("why should show the owner escaped, as kubectl does:\n%s", why.String())
	}
}

func TestEscapedKeepsEveryObject(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	e := escapedSnapshot(s)
	if len(e.Capabilities) != len(s.Capabilities) || len(e.Initiatives) != len(s.Initiatives) || len(e.Goals) != len(s.Goals) {
		t.Fatalf("escaped snapshot lost objects")
	}
	if e.Capability("event-bus") == nil || e.Initiative("ops", "kafka-cluster") == nil || e.Goal("recommendations") == nil {
		t.Fatal("escaped snapshot is not indexed")
	}
}
