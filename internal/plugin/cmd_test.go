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
	"io"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/cliopts"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

func TestParseRef(t *testing.T) {
	cases := []struct {
		args []string
		want roadmapview.Ref
		err  string
	}{
		{args: []string{"recs"}, want: roadmapview.Ref{Name: "recs"}},
		{args: []string{"initiative/recs"}, want: roadmapview.Ref{Kind: "Initiative", Namespace: "here", Name: "recs"}},
		{args: []string{"ini", "recs"}, want: roadmapview.Ref{Kind: "Initiative", Namespace: "here", Name: "recs"}},
		{args: []string{"shop/recs"}, want: roadmapview.Ref{Kind: "Initiative", Namespace: "shop", Name: "recs"}},
		{args: []string{"initiative/shop/recs"}, want: roadmapview.Ref{Kind: "Initiative", Namespace: "shop", Name: "recs"}},
		{args: []string{"initiatives.roadmap.dev", "shop/recs"}, want: roadmapview.Ref{Kind: "Initiative", Namespace: "shop", Name: "recs"}},
		{args: []string{"cap/event-bus"}, want: roadmapview.Ref{Kind: "Capability", Name: "event-bus"}},
		{args: []string{"capability", "event-bus"}, want: roadmapview.Ref{Kind: "Capability", Name: "event-bus"}},
		{args: []string{"goal/g"}, want: roadmapview.Ref{Kind: "Goal", Name: "g"}},
		{args: []string{"pod", "x"}, err: `unknown kind "pod": use goal, capability or initiative`},
		{args: []string{"goal/a/b"}, err: `invalid name "goal/a/b"`},
		{args: []string{"initiative/"}, err: `invalid name "initiative/"`},
	}
	for _, tc := range cases {
		got, err := parseRef(tc.args, "here")
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("parseRef(%q) error = %v, want %q", tc.args, err, tc.err)
			}
		case err != nil:
			t.Errorf("parseRef(%q): %v", tc.args, err)
		case got != tc.want:
			t.Errorf("parseRef(%q) = %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

func TestResolve(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	s.Goals = append(s.Goals, roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: "event-bus"}})
	s.Index()
	if got, err := resolve(s, roadmapview.Ref{Name: "recs"}, "team-personalisation"); err != nil ||
		got != (roadmapview.Ref{Kind: "Initiative", Namespace: "team-personalisation", Name: "recs"}) {
		t.Errorf("resolve recs = %+v, %v", got, err)
	}
	if _, err := resolve(s, roadmapview.Ref{Name: "event-bus"}, "x"); err == nil ||
		err.Error() != "event-bus is ambiguous: say goal/event-bus or capability/event-bus" {
		t.Errorf("ambiguous: %v", err)
	}
	if _, err := resolve(s, roadmapview.Ref{Name: "nope"}, "x"); err == nil ||
		err.Error() != "no goal, capability or initiative (in namespace x) is named nope" {
		t.Errorf("missing: %v", err)
	}
}

func TestParseWindow(t *testing.T) {
	for in, want := range map[string]time.Duration{"24h": 24 * time.Hour, "90m": 90 * time.Minute, "7d": 7 * 24 * time.Hour} {
		if got, err := parseWindow(in); err != nil || got != want {
			t.Errorf("parseWindow(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0s", "-1h", "d", "1.5d", "soon"} {
		if _, err := parseWindow(in); err == nil {
			t.Errorf("parseWindow(%q) accepted", in)
		}
	}
	if got := shortDuration(72 * time.Hour); got != "3d" {
		t.Errorf("shortDuration(72h) = %s", got)
	}
}

func TestColours(t *testing.T) {
	cases := []struct {
		name    string
		tty     bool
		args    []string
		noColor string
		want    bool
	}{
		{"terminal", true, nil, "", true},
		{"pipe", false, nil, "", false},
		{"--no-color", true, []string{"--no-color"}, "", false},
		{"NO_COLOR", true, nil, "1", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tc.noColor)
			o := cliopts.NewOptions(genericiooptions.NewTestIOStreamsDiscard())
			o.IsTerminal = func(io.Writer) bool { return tc.tty }
			root := NewCommand(o)
			if err := root.PersistentFlags().Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if got := (&commands{o}).style().Color; got != tc.want {
				t.Errorf("colours = %v, want %v", got, tc.want)
			}
		})
	}
}
