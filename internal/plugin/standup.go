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
	"fmt"
	"io"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/client-go/tools/cache"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/wording"
)

// RenderStandup writes the standup grouped by team.
func RenderStandup(w io.Writer, res *roadmapview.StandupResult, st Style) error {
	ew := &errWriter{w: w}
	scope := "all namespaces"
	if res.Namespace != "" {
		scope = "namespace " + res.Namespace
	}
	window := res.Now.Sub(res.Since.Time)
	ew.printf("Standup for %s: changes in the last %s (since %s), work past its target date on %s\n",
		scope, shortDuration(window), res.Since.UTC().Format("2006-01-02 15:04 MST"), res.Now.UTC().Format(time.DateOnly))
	if len(res.Teams) == 0 {
		ew.println("")
		ew.println("Nothing became Ready, Blocked, Done or Cancelled, and nothing is past its target date.")
		if res.Namespace != "" {
			ew.println("Only namespace " + res.Namespace + " was looked at: kubectl roadmap standup -A covers every team.")
		}
	}

	type row struct {
		health                       roadmapview.Health
		ref, phase, priority, detail string
		message                      string
	}
	rowOf := func(it roadmapview.StandupItem, late bool) row {
		ref := strings.ToLower(it.Kind) + " " + cache.NewObjectName(it.Namespace, it.Name).String()
		r := row{ref: ref, phase: it.Phase, priority: "priority " + it.Priority, message: it.Message}
		if it.Priority == "" {
			r.priority = "priority -"
		}
		if it.Kind == "Capability" {
			r.priority = ""
		}
		if it.Kind == "Capability" {
			r.health = roadmapview.HealthOfCapabilityPhase(it.Phase)
		} else {
			r.health = roadmapview.HealthOfInitiativePhase(it.Phase)
		}
		switch {
		case late:
			r.detail = fmt.Sprintf("due %s, %d %s late", it.TargetDate, it.DaysLate, wording.Plural(it.DaysLate, "day", "days"))
		case it.Changed != nil:
			r.detail = duration.ShortHumanDuration(res.Now.Sub(it.Changed.Time)) + " ago"
		}
		return r
	}
	var all []row
	for _, t := range res.Teams {
		for _, it := range t.BecameReady {
			all = append(all, rowOf(it, false))
		}
		for _, it := range t.BecameBlocked {
			all = append(all, rowOf(it, false))
		}
		for _, it := range append(t.BecameDone, t.BecameCancelled...) {
			all = append(all, rowOf(it, false))
		}
		for _, it := range t.PastTargetDate {
			all = append(all, rowOf(it, true))
		}
		for _, it := range t.StartedEarly {
			all = append(all, rowOf(it, false))
		}
	}
	var wRef, wPhase, wPriority, wDetail int
	for _, r := range all {
		wRef, wPhase = max(wRef, width(r.ref)), max(wPhase, width(r.phase))
		wPriority, wDetail = max(wPriority, width(r.priority)), max(wDetail, width(r.detail))
	}
	section := func(title string, items []roadmapview.StandupItem, late bool) {
		if len(items) == 0 {
			return
		}
		ew.println("  " + title)
		for _, it := range items {
			r := rowOf(it, late)
			s := "    " + st.Mark(r.health) + " " + pad(r.ref, wRef) + "  " + st.Paint(r.health, r.phase) +
				strings.Repeat(" ", wPhase-width(r.phase)) + "  " + pad(r.priority, wPriority) + "  " +
				pad(r.detail, wDetail) + "  " + r.message
			ew.println(strings.TrimRight(s, " "))
		}
	}
	for _, t := range res.Teams {
		ew.println("")
		ew.println(st.Bold(t.Owner))
		section("became Ready:", t.BecameReady, false)
		section("became Blocked:", t.BecameBlocked, false)
		section("became Done:", t.BecameDone, false)
		section("became Cancelled:", t.BecameCancelled, false)
		section("past target date:", t.PastTargetDate, true)
		section("started before its platform is ready:", t.StartedEarly, false)
	}
	var untraced []string
	for _, r := range res.Untraced {
		if line := untracedLine(r); line != "" {
			untraced = append(untraced, line)
		}
	}
	if len(untraced) > 0 {
		ew.println("")
		ew.println(st.Bold("Work no initiative explains"))
		for _, line := range untraced {
			ew.println("  " + line)
		}
	}
	if res.Note != "" {
		ew.println("")
		ew.println("Note: " + res.Note)
	}
	return ew.err
}

// shortDuration renders a window as "24h", "90m" or "7d" rather than Go's "24h0m0s".
func shortDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0 && d >= 48*time.Hour:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}
