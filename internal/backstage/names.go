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

package backstage

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// Backstage's format rules (@backstage/catalog-model, KubernetesValidatorFunctions and CommonValidatorFunctions).
const (
	// maxNameLength bounds metadata.name, label values and the name part of annotation keys.
	maxNameLength = 63
	// maxTagLength bounds a tag.
	maxTagLength = 63
	// hashLength is how many hex digits of SHA-256 tell apart the names that had to be shortened or rewritten.
	hashLength = 10
)

var (
	// backstageName is Backstage's isValidObjectName, without the length bound.
	backstageName = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
	// backstageNamespace is Backstage's isValidDnsLabel, without the length bound.
	backstageNamespace = regexp.MustCompile(`^[a-z0-9]+(-+[a-z0-9]+)*$`)
	// verbatimName is what a name kept as it is looks like: a Kubernetes object name (DNS-1123, lowercase
	// letters, digits, '-' and '.'), which Backstage accepts as it is. It never contains '_', which every
	// rewritten name does: the two sets of names cannot meet.
	verbatimName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)
	notNameChars = regexp.MustCompile(`[^a-z0-9.-]+`)
	notTagChars  = regexp.MustCompile(`[^a-z0-9+#]+`)
	notOwnerChar = regexp.MustCompile(`[^a-z0-9_.-]+`)
)

func validName(s string) bool { return len(s) <= maxNameLength && backstageName.MatchString(s) }

func validNamespace(s string) bool {
	return len(s) <= maxNameLength && backstageNamespace.MatchString(s)
}

// EntityName is the Backstage metadata.name of a roadmap object: its name, or NAMESPACE.NAME for an initiative
// (parts are the namespace and the name). Kubernetes names are DNS-1123 subdomains of up to 253 characters and
// namespaces DNS-1123 labels, so the joined name is kept as it is when it fits Backstage's 63 characters; a
// namespace holds no '.', so NAMESPACE.NAME is never the join of another namespace and name. A longer name (or
// one Backstage would refuse, which a Kubernetes name never is) is lowercased, cut to fit and given '_' and the
// first hex digits of the SHA-256 of the parts: deterministic, readable, and never equal to a name kept as it is,
// since those hold no '_'.
func EntityName(parts ...string) string {
	joined := strings.Join(parts, ".")
	if len(joined) <= maxNameLength && verbatimName.MatchString(joined) {
		return joined
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "/"))) // '/' is in neither a namespace nor a name
	suffix := "_" + hex.EncodeToString(sum[:])[:hashLength]
	base := notNameChars.ReplaceAllString(strings.ToLower(joined), "-")
	base = trimToAlnum(cut(trimToAlnum(base), maxNameLength-len(suffix)))
	if base == "" {
		base = "x"
	}
	return base + suffix
}

// Tag is a tag Backstage accepts made of free text (a category, a phase): lowercase, runs of anything but
// [a-z0-9+#] turned into one '-', at most 63 characters; "" when nothing is left.
func Tag(s string) string {
	t := strings.Trim(notTagChars.ReplaceAllString(strings.ToLower(s), "-"), "-")
	return strings.TrimRight(cut(t, maxTagLength), "-")
}

// UnownedGroup is the group that owns what names no owner: Backstage requires spec.owner on every kind used here.
const UnownedGroup = "unowned"

// OwnerRef is the spec.owner of the entity of a roadmap object whose spec.owner is owner (free text, up to 100
// characters). An owner written as an entity reference (group:team-a, user:default/jane) is kept; a team name
// Backstage accepts becomes group:NAME; anything else (spaces, accents, too long) is lowercased, with every run
// of other characters turned into '-', and cut to 63 characters: "Team Platform (EMEA)" is group:team-platform-emea.
// No owner is group:unowned.
func OwnerRef(owner string) string {
	if kind, rest, ok := strings.Cut(owner, ":"); ok && (kind == "group" || kind == "user") {
		ns, name, qualified := strings.Cut(rest, "/")
		if !qualified {
			ns, name = "default", rest
		}
		if validNamespace(ns) && validName(name) {
			return owner
		}
	}
	if validName(owner) {
		return "group:" + owner
	}
	name := trimToAlnum(cut(trimToAlnum(notOwnerChar.ReplaceAllString(strings.ToLower(owner), "-")), maxNameLength))
	if name == "" {
		name = UnownedGroup
	}
	return "group:" + name
}

// cut shortens s to at most n bytes; s is ASCII here.
func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// trimToAlnum trims everything but letters and digits from both ends: Backstage names start and end with one.
func trimToAlnum(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	})
}
