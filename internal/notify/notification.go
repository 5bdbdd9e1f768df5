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

// Package notify tells the transitions the controllers record as Kubernetes Events to people outside the
// cluster: Flux's notification-controller (which routes them to Slack, Teams, PagerDuty...) and any CloudEvents
// sink. Delivery never holds up a reconcile: each sink has a bounded queue and senders of its own, retries what
// may succeed later for a bounded time, and counts what it drops.
package notify

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// Notification is one transition, as a sink sends it: what the Kubernetes Event says, and the metadata that
// says who must act.
type Notification struct {
	// Object is the object the transition is about.
	Object corev1.ObjectReference
	// Type is the Kubernetes event type, Normal or Warning.
	Type    string
	Reason  string
	Message string
	// Metadata holds the keys below (MetaOwner...), all under the roadmap.dev/ prefix: Flux's
	// notification-controller keeps only the metadata under the involved object's API group.
	Metadata            map[string]string
	Time                time.Time
	ReportingController string
	ReportingInstance   string
}

// MetadataPrefix is the prefix of every metadata key: the API group of the objects notifications are about.
const MetadataPrefix = "roadmap.dev/"

// Metadata keys.
const (
	// MetaOwner is the team accountable for the object (spec.owner).
	MetaOwner = MetadataPrefix + "owner"
	// MetaBlockedBy lists the capabilities the object waits for, comma-separated (from status.blockedBy).
	MetaBlockedBy = MetadataPrefix + "blocked-by"
	// MetaGoals lists the goals an initiative serves, comma-separated; for a goal, its parent.
	MetaGoals = MetadataPrefix + "goals"
	// MetaBoard links to the object on the roadmap board, when the manager knows the board's address.
	MetaBoard = MetadataPrefix + "board"
)

// Severities, as Flux names them.
const (
	SeverityInfo  = "info"
	SeverityError = "error"
)

// Severity is the severity of a transition, from its Kubernetes event type, as Flux's own recorder maps it:
// Warning (a re-block, a capability that stops being Ready, StartedEarly, a cycle, a goal at risk) is error,
// Normal (Unblocked, Ready, Done, Cancelled, back on track) is info. An Alert with eventSeverity: error then
// wakes people only for what needs them.
func Severity(eventType string) string {
	if eventType == corev1.EventTypeWarning {
		return SeverityError
	}
	return SeverityInfo
}

// MetadataOf is the metadata of a notification about obj (a Capability, an Initiative or a Goal; nil for
// another kind): its owner, the capabilities it waits for, the goals it serves, and its place on the board
// when boardURL is set. Empty values are left out.
func MetadataOf(obj any, boardURL string) map[string]string {
	var owner, boardKey string
	var blockedBy []roadmapv1.BlockedByEntry
	var goals []string
	switch o := obj.(type) {
	case *roadmapv1.Initiative:
		owner, blockedBy, boardKey = o.Spec.Owner, o.Status.BlockedBy, "initiative/"+o.Namespace+"/"+o.Name
		for _, g := range o.Spec.Goals {
			goals = append(goals, string(g))
		}
	case *roadmapv1.Capability:
		owner, blockedBy, boardKey = o.Spec.Owner, o.Status.BlockedBy, "capability/"+o.Name
	case *roadmapv1.Goal:
		owner, boardKey = o.Spec.Owner, "goal/"+o.Name
		if o.Spec.Parent != "" {
			goals = []string{string(o.Spec.Parent)}
		}
	default:
		return nil
	}
	m := map[string]string{}
	set := func(key, value string) {
		if value != "" {
			m[key] = value
		}
	}
	set(MetaOwner, owner)
	var capabilities []string
	for _, b := range blockedBy {
		if b.Kind == "Capability" && !slices.Contains(capabilities, b.Name) {
			capabilities = append(capabilities, b.Name)
		}
	}
	set(MetaBlockedBy, strings.Join(capabilities, ","))
	set(MetaGoals, strings.Join(goals, ","))
	if boardURL != "" {
		set(MetaBoard, BoardLink(boardURL, boardKey))
	}
	return m
}

// BoardLink is the address of the board showing the node with key selected: the board keeps its view in the
// URL fragment (#sel=...).
func BoardLink(boardURL, key string) string {
	return strings.TrimRight(boardURL, "/") + "/#" + url.Values{"sel": {key}}.Encode()
}

// Truncate returns s cut to at most maxBytes bytes on a rune boundary, ending in "…" when it was cut, so that a
// long message (a remote cluster's error, say) fits a field the receiver limits by bytes, such as the note of
// an events.k8s.io Event (1 KiB), without splitting a multi-byte character.
func Truncate(s string, maxBytes int) string {
	if len(s) <= maxBytes {
		return s
	}
	const ellipsis = "…"
	if maxBytes < len(ellipsis) {
		return cutRunes(s, maxBytes)
	}
	return cutRunes(s, maxBytes-len(ellipsis)) + ellipsis
}

// cutRunes is the longest prefix of s of at most n bytes that does not end inside a rune.
func cutRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	// A rune is at most utf8.UTFMax bytes: back up over its continuation bytes, and no further in a string
	// that is not valid UTF-8.
	for back := 0; back < utf8.UTFMax-1 && n > 0 && !utf8.RuneStart(s[n]); back++ {
		n--
	}
	return s[:n]
}
