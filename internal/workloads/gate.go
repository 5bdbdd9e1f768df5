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

package workloads

import (
	"sort"
	"strings"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/wording"
)

// blockersShown is how many blockers an index entry names before "(+N more)": the gate's message stays one
// readable line, and the index stays small however many prerequisites an initiative has.
const blockersShown = 3

// maxEntryText is the MaxLength of an index entry's texts (api/v1alpha1 InitiativeIndexEntry).
const maxEntryText = 1024

// GateEntry is what the workload gate reads of one initiative: its phase, whether its status describes its
// current spec, and, while it is Blocked, its blockers and what releases them in the gate's words
// ("capability event-bus (Planned)", "event-bus is Ready").
func GateEntry(ini *roadmapv1.Initiative) roadmapv1.InitiativeIndexEntry {
	e := roadmapv1.InitiativeIndexEntry{
		Phase:     ini.Status.Phase,
		Evaluated: ini.Status.ObservedGeneration == ini.Generation,
	}
	if ini.Status.Phase != roadmapv1.PhaseBlocked {
		return e
	}
	blockers := make([]string, 0, len(ini.Status.BlockedBy))
	releases := make([]string, 0, len(ini.Status.BlockedBy))
	for _, b := range ini.Status.BlockedBy {
		// "capability event-bus: Planned" says the state after ": "; without it, the reason does.
		state := b.Reason
		if _, after, ok := strings.Cut(b.Message, ": "); ok {
			state = after
		}
		blockers = append(blockers, strings.ToLower(b.Kind)+" "+b.Name+" ("+state+")")
		done := " is Ready"
		if b.Kind == "Initiative" {
			done = " is Done"
		}
		releases = append(releases, b.Name+done)
	}
	e.BlockedBy = clip(wording.Abbreviate(blockers, blockersShown, ", "))
	e.Until = clip(wording.Abbreviate(releases, blockersShown, " and "))
	return e
}

// GateIndex is the status of a namespace's InitiativeIndex: an entry for each of its initiatives (the first
// InitiativeIndexMaxEntries by name; the others are left out, and the gate refuses their workloads), and the
// total. omitted is how many were left out.
func GateIndex(inis []roadmapv1.Initiative) (status roadmapv1.InitiativeIndexStatus, omitted int) {
	total := int32(len(inis))
	status.Total = &total
	names := make([]int, len(inis))
	for i := range inis {
		names[i] = i
	}
	sort.Slice(names, func(a, b int) bool { return inis[names[a]].Name < inis[names[b]].Name })
	if len(names) > roadmapv1.InitiativeIndexMaxEntries {
		omitted = len(names) - roadmapv1.InitiativeIndexMaxEntries
		names = names[:roadmapv1.InitiativeIndexMaxEntries]
	}
	if len(names) > 0 {
		status.Initiatives = make(map[string]roadmapv1.InitiativeIndexEntry, len(names))
	}
	for _, i := range names {
		status.Initiatives[inis[i].Name] = GateEntry(&inis[i])
	}
	return status, omitted
}

// clip bounds a text to the index's MaxLength, marking the cut.
func clip(s string) string {
	if len(s) <= maxEntryText {
		return s
	}
	return s[:maxEntryText-3] + "..."
}
