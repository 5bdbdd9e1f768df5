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
)

// Health classifies a status for its glyph and colour.
type Health int

const (
	// HealthUnknown: not evaluated yet, or nothing to say.
	HealthUnknown Health = iota
	// HealthOK: Ready, Done, a passing check.
	HealthOK
	// HealthWaiting: Planned or in progress: waiting on someone's work, nothing is wrong.
	HealthWaiting
	// HealthBlocked: Blocked by something that is not ready.
	HealthBlocked
	// HealthBroken: a dangling reference or a cycle: waiting will not help, someone must fix a spec.
	HealthBroken
	// HealthInactive: Cancelled or Retired.
	HealthInactive
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

// Glyph is the one-character status mark of a health.
func (h Health) Glyph() string {
	switch h {
	case HealthOK:
		return "✔"
	case HealthWaiting:
		return "◷"
	case HealthBlocked:
		return "✖"
	case HealthBroken:
		return "⚠"
	case HealthInactive:
		return "–"
	default:
		return "?"
	}
}

func (h Health) color() string {
	switch h {
	case HealthOK:
		return ansiGreen
	case HealthWaiting:
		return ansiYellow
	case HealthBlocked:
		return ansiRed
	case HealthBroken:
		return ansiMagenta
	case HealthInactive:
		return ansiFaint
	default:
		return ""
	}
}

// Paint colours text by health when colours are on.
func (s Style) Paint(h Health, text string) string {
	if !s.Color || text == "" || h.color() == "" {
		return text
	}
	return h.color() + text + ansiReset
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
func (s Style) Mark(h Health) string { return s.Paint(h, h.Glyph()) }

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
