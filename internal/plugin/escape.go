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
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// EscapeTerminal makes text safe to print on a terminal, as kubectl does with what it prints: every character
// that is not printable (escape sequences that retitle or clear the terminal, line breaks that forge lines,
// bidirectional overrides, invalid UTF-8) is written as a Go escape (\x1b, \n, \u202e) instead. Titles, owners
// and messages are user input, and the admission rules that reject control characters in the roadmap's own
// fields do not cover objects created before them, nor messages copied from other objects (evidence checks).
func EscapeTerminal(text string) string {
	safe := true
	for _, r := range text {
		if !printable(r) {
			safe = false
			break
		}
	}
	if safe {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, text[i])
		case printable(r):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

func printable(r rune) bool {
	return r != utf8.RuneError && (r == ' ' || unicode.IsPrint(r))
}

// escapedSnapshot returns a copy of the snapshot in which every string (names, titles, owners, messages, annotations) is
// escaped for a terminal, for the text renderers; structured output (-o json, -o yaml) uses the snapshot as it
// is, since its encoders escape control characters themselves.
func escapedSnapshot(s *roadmapview.Snapshot) *roadmapview.Snapshot {
	out := &roadmapview.Snapshot{Namespace: s.Namespace, Limited: s.Limited}
	for i := range s.Capabilities {
		out.Capabilities = append(out.Capabilities, *s.Capabilities[i].DeepCopy())
	}
	for i := range s.Initiatives {
		out.Initiatives = append(out.Initiatives, *s.Initiatives[i].DeepCopy())
	}
	for i := range s.Goals {
		out.Goals = append(out.Goals, *s.Goals[i].DeepCopy())
	}
	escapeStrings(reflect.ValueOf(out).Elem())
	return out.Index()
}

// escapeStrings escapes, in place, every string reachable from v through exported fields, pointers, slices and
// maps (keys included).
func escapeStrings(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(EscapeTerminal(v.String()))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			escapeStrings(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				escapeStrings(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			escapeStrings(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() || !v.CanSet() {
			return
		}
		escaped := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			key := reflect.New(v.Type().Key()).Elem()
			key.Set(iter.Key())
			escapeStrings(key)
			val := reflect.New(v.Type().Elem()).Elem()
			val.Set(iter.Value())
			escapeStrings(val)
			escaped.SetMapIndex(key, val)
		}
		v.Set(escaped)
	}
}
