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
	"unicode/utf8"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// Style renders glyphs and colours; the zero Style has colours off.
type Style struct {
	Color bool
}

const (
	ansiReset   = "\x1b[0m"
	ansiBold    = "\x1b[1m"
	ansiFaint   = "\x1b[2m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiMagenta = "\x1b[35m"
)

// healthColor is the terminal colour of a health: its glyph and words say the same without colour.
func healthColor(h roadmapview.Health) string {
	switch h {
	case roadmapview.HealthOK:
		return ansiGreen
	case roadmapview.HealthWaiting:
		return ansiYellow
	case roadmapview.HealthBlocked:
		return ansiRed
	case roadmapview.HealthBroken:
		return ansiMagenta
	case roadmapview.HealthInactive:
		return ansiFaint
	default:
		return ""
	}
}

// Paint colours text by health when colours are on.
func (s Style) Paint(h roadmapview.Health, text string) string {
	if !s.Color || text == "" || healthColor(h) == "" {
		return text
	}
	return healthColor(h) + text + ansiReset
}

// Bold makes text bold when colours are on.
func (s Style) Bold(text string) string {
	if !s.Color || text == "" {
		return text
	}
	return ansiBold + text + ansiReset
}

// Faint dims text when colours are on.
func (s Style) Faint(text string) string {
	if !s.Color || text == "" {
		return text
	}
	return ansiFaint + text + ansiReset
}

// Mark is the coloured glyph of a health.
func (s Style) Mark(h roadmapview.Health) string { return s.Paint(h, h.Glyph()) }

// width is the printed width of plain text: one column per rune (the glyphs used are all single-width).
func width(text string) int { return utf8.RuneCountInString(text) }

// pad pads plain text with spaces to n columns.
func pad(text string, n int) string {
	if w := width(text); w < n {
		return text + strings.Repeat(" ", n-w)
	}
	return text
}

// Tree branches, in the style of clusterctl describe and tree(1).
const (
	branchMid  = "├─"
	branchLast = "└─"
	indentMid  = "│ "
	indentLast = "  "
)
