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

// Package wording holds the small rules of phrasing the conditions' messages and kubectl roadmap share, so that a
// count or a long list reads the same wherever it is written.
package wording

import (
	"fmt"
	"strings"
)

// Plural is one when n is 1 and many otherwise.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Abbreviate joins the first shown items with sep and says how many more there are, e.g. "a, b (+3 more)": a
// list that keeps a message, or a printer column, short.
func Abbreviate(items []string, shown int, sep string) string {
	s := strings.Join(items[:min(len(items), shown)], sep)
	if more := len(items) - shown; more > 0 {
		s += fmt.Sprintf(" (+%d more)", more)
	}
	return s
}
