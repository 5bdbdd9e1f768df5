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

package readiness

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/evidence"
)

// The fuzz targets in this file decode their []byte argument into facts with a byteReader, one byte per
// choice, and take one free-form string the fuzzer mutates on its own (any bytes, valid UTF-8 or not) as an
// extra name. Their seeds, f.Add below and testdata/fuzz/<FuzzName>, run with plain `go test`.

// byteReader hands out fuzz bytes one choice at a time, and zeros once they are used up.
type byteReader struct{ data []byte }

func (r *byteReader) next() byte {
	if len(r.data) == 0 {
		return 0
	}
	b := r.data[0]
	r.data = r.data[1:]
	return b
}

func (r *byteReader) intn(n int) int { return int(r.next()) % n }
func (r *byteReader) bool() bool     { return r.next()&1 == 1 }

// pick returns one of the options, chosen by the next byte.
func pick[T any](r *byteReader, options ...T) T { return options[r.intn(len(options))] }

// fuzzNames returns the pool of names facts are built from: plain names, look-alikes, unicode, names that
// contain the separators and markers the summary uses, the empty name, and the fuzzer's own string.
func fuzzNames(extra string) []string {
	return []string{"event-bus", "k8s", "obs", "événement", "日本語", "a, b", "x (+1 more)", "", "ns/name", extra}
}

var (
	fuzzLifecycles = []roadmapv1.CapabilityLifecycle{roadmapv1.LifecyclePlanned, roadmapv1.LifecycleAvailable,
		roadmapv1.LifecycleRetired, "", "available", "Bogus"}
	fuzzStates = []roadmapv1.InitiativeState{roadmapv1.StateProposed, roadmapv1.StateActive, roadmapv1.StateDone,
		roadmapv1.StateCancelled, "", "done", "Bogus"}
	fuzzReasons = []string{"", "Ready", "NotAvailable", "PrerequisiteNotReady", "DependencyCycle", "ChecksFailing",
		"ÜberReason"}
	// fuzzCheckReasons: the kstatus statuses, the operator's own check reasons, and things no check reports.
	fuzzCheckReasons = []string{"Current", "InProgress", "Failed", "Terminating", "NotFound", "Unknown",
		roadmapv1.CheckReasonKindNotFound, roadmapv1.CheckReasonAccessDenied, "", "Bogus"}
)

func fuzzView(r *byteReader, name string) CapabilityView {
	return CapabilityView{Name: name, Lifecycle: pick(r, fuzzLifecycles...), Ready: r.bool(), Reason: pick(r, fuzzReasons...)}
}

// fuzzCapabilityMap fills a map from a few names of the pool: some required names end up missing, and some
// present ones are not required at all.
func fuzzCapabilityMap(r *byteReader, names []string) map[string]CapabilityView {
	var m map[string]CapabilityView
	if r.bool() {
		m = map[string]CapabilityView{}
	}
	for n := r.intn(6); n > 0 && m != nil; n-- {
		name := pick(r, names...)
		m[name] = fuzzView(r, name)
	}
	return m
}

// The documented reasons: of an Initiative's Ready condition, of its blockedBy entries, of a Capability's Ready
// condition, and of a capability's unmet prerequisites other than its failing checks.
var (
	initiativeReasons = []string{roadmapv1.InitiativeReasonReady, roadmapv1.InitiativeReasonDone,
		roadmapv1.InitiativeReasonCancelled, roadmapv1.ReasonCapabilityNotReady, roadmapv1.ReasonCapabilityNotFound,
		roadmapv1.ReasonInitiativeNotDone, roadmapv1.ReasonInitiativeNotFound, roadmapv1.ReasonNoProvider,
		roadmapv1.ReasonDependencyCycle}
	blockedByReasons = []string{roadmapv1.ReasonCapabilityNotReady, roadmapv1.ReasonCapabilityNotFound,
		roadmapv1.ReasonNoProvider, roadmapv1.ReasonInitiativeNotDone, roadmapv1.ReasonInitiativeNotFound,
		roadmapv1.ReasonDependencyCycle}
	capabilityReasons = []string{roadmapv1.CapabilityReasonReady, roadmapv1.CapabilityReasonNotAvailable,
		roadmapv1.CapabilityReasonPrerequisiteNotReady, roadmapv1.CapabilityReasonPrerequisiteNotFound,
		roadmapv1.CapabilityReasonDependencyCycle, roadmapv1.CapabilityReasonChecksFailing}
	capabilityUnmetReasons = []string{roadmapv1.ReasonCapabilityNotReady, roadmapv1.ReasonCapabilityNotFound,
		roadmapv1.ReasonDependencyCycle}
)

// checkSummary asserts the summary line is exactly what Summarize documents for these unmet prerequisites:
// empty when there are none, the first one or two messages joined by ", ", and " (+N more)" exactly when there
// are more than two, with N the number left out. Messages are compared as a prefix, not searched for
// "(+N more)", because names may contain that text themselves.
func checkSummary(t *testing.T, summary string, unmet []Unmet) {
	t.Helper()
	if len(unmet) == 0 {
		if summary != "" {
			t.Errorf("no unmet prerequisites, but Summary = %q", summary)
		}
		return
	}
	if summary == "" && (unmet[0].Message != "" || len(unmet) > 1) {
		t.Errorf("%d unmet prerequisites, but Summary is empty", len(unmet))
	}
	var shown []string
	for _, u := range unmet[:min(2, len(unmet))] {
		shown = append(shown, u.Message)
	}
	head := strings.Join(shown, ", ")
	rest, ok := strings.CutPrefix(summary, head)
	if !ok {
		t.Fatalf("Summary %q does not start with the first messages %q", summary, head)
	}
	if len(unmet) <= 2 {
		if rest != "" {
			t.Errorf("Summary %q of %d unmet prerequisites has a tail %q; want none", summary, len(unmet), rest)
		}
		return
	}
	var n int
	if _, err := fmt.Sscanf(rest, " (+%d more)", &n); err != nil || rest != fmt.Sprintf(" (+%d more)", n) {
		t.Fatalf("Summary %q: tail %q is not \" (+N more)\"", summary, rest)
	}
	if n != len(unmet)-2 {
		t.Errorf("Summary %q says +%d more, want +%d (of %d unmet)", summary, n, len(unmet)-2, len(unmet))
	}
}

// checkMessage asserts the Ready message of a blocked object lists every unmet prerequisite, in order.
func checkMessage(t *testing.T, res Result) {
	t.Helper()
	msgs := make([]string, len(res.Unmet))
	for i, u := range res.Unmet {
		msgs[i] = u.Message
	}
	if want := strings.Join(msgs, "; "); res.Message != want {
		t.Errorf("Message = %q, want every unmet message joined: %q", res.Message, want)
	}
}

// FuzzEvaluateInitiative evaluates arbitrary initiative facts: any state (also unknown ones), requires and
// dependsOn lists with duplicates and unicode names, capabilities and initiatives that exist or not, providers
// or none, and a dependsOn cycle through the initiative or none.
func FuzzEvaluateInitiative(f *testing.F) {
	f.Add([]byte{}, "")
	f.Add([]byte{1, 3, 0, 1, 2, 1, 1, 3, 1, 0, 1, 0}, "feature-flags")
	f.Add([]byte{0, 6, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1}, "")
	f.Add([]byte{1, 4, 2, 9, 9, 3, 1, 9, 1, 1, 1, 1, 2, 9, 9, 2, 1, 0, 1, 1, 9}, "\xff\xfe")
	f.Add([]byte{3, 2, 1, 2, 3, 4, 5}, "done")
	f.Add([]byte{6, 1, 5, 5, 5, 5, 5, 5, 1, 1, 5, 0, 1, 0, 4, 1, 1, 1, 5, 5, 1}, "ns/name (+9 more)")
	f.Fuzz(func(t *testing.T, data []byte, extra string) {
		r := &byteReader{data: data}
		names := fuzzNames(extra)
		key := func() InitiativeKey {
			return InitiativeKey{Namespace: pick(r, "shop", "ops", "", extra), Name: pick(r, names...)}
		}

		facts := InitiativeFacts{Key: key(), State: pick(r, fuzzStates...)}
		for n := r.intn(8); n > 0; n-- {
			facts.Requires = append(facts.Requires, pick(r, names...))
		}
		facts.Capabilities = fuzzCapabilityMap(r, names)
		if r.bool() {
			facts.Providers = map[string]int{}
			for n := r.intn(4); n > 0; n-- {
				facts.Providers[pick(r, names...)] = r.intn(3)
			}
		}
		for n := r.intn(8); n > 0; n-- {
			facts.DependsOn = append(facts.DependsOn, key())
		}
		if r.bool() {
			facts.Initiatives = map[InitiativeKey]roadmapv1.InitiativeState{}
			for n := r.intn(6); n > 0; n-- {
				facts.Initiatives[key()] = pick(r, fuzzStates...)
			}
		}
		if r.bool() { // a cycle as FindCycle reports it: [self, next, ..., self]
			facts.Cycle = []string{facts.Key.String()}
			for n := r.intn(3); n >= 0; n-- {
				next := key()
				if len(facts.DependsOn) > 0 && r.bool() {
					next = pick(r, facts.DependsOn...)
				}
				facts.Cycle = append(facts.Cycle, next.String())
			}
			facts.Cycle = append(facts.Cycle, facts.Key.String())
		}
		facts.InNotFoundGrace = r.bool()

		phase, res := EvaluateInitiative(facts)

		if !slices.Contains(initiativeReasons, res.Reason) {
			t.Errorf("Reason %q is not one of the documented reasons %v", res.Reason, initiativeReasons)
		}
		if res.Waiting && res.Broken {
			t.Errorf("both Waiting and Broken: %+v", res)
		}
		switch facts.State {
		case roadmapv1.StateDone:
			if phase != roadmapv1.PhaseDone || !res.Ready || res.Reason != roadmapv1.InitiativeReasonDone ||
				len(res.Unmet) != 0 || res.Summary != "" || res.Waiting || res.Broken {
				t.Fatalf("Done must be final and Ready whatever blocks it: %s %+v", phase, res)
			}
			return
		case roadmapv1.StateCancelled:
			if phase != roadmapv1.PhaseCancelled || res.Ready || res.Reason != roadmapv1.InitiativeReasonCancelled ||
				len(res.Unmet) != 0 || res.Summary != "" || res.Waiting || res.Broken {
				t.Fatalf("Cancelled must be final: %s %+v", phase, res)
			}
			return
		}

		if res.Ready != (len(res.Unmet) == 0) {
			t.Errorf("Ready = %v with %d unmet prerequisites", res.Ready, len(res.Unmet))
		}
		if want := map[bool]roadmapv1.InitiativePhase{true: roadmapv1.PhaseReady, false: roadmapv1.PhaseBlocked}[res.Ready]; phase != want {
			t.Errorf("phase = %s with Ready = %v, want %s", phase, res.Ready, want)
		}
		checkSummary(t, res.Summary, res.Unmet)
		if res.Ready {
			if res.Reason != roadmapv1.InitiativeReasonReady || res.Waiting || res.Broken {
				t.Errorf("Ready, but %+v", res)
			}
			return
		}
		checkMessage(t, res)
		if !res.Waiting && !res.Broken {
			t.Errorf("Blocked, but neither Waiting nor Broken: %+v", res)
		}
		broken := hasReason(res.Unmet, roadmapv1.ReasonDependencyCycle) || hasReason(res.Unmet, roadmapv1.ReasonInitiativeNotFound)
		for _, u := range res.Unmet {
			if u.Reason == roadmapv1.ReasonCapabilityNotFound && facts.Providers[u.Name] == 0 && !facts.InNotFoundGrace {
				broken = true // a dangling reference nobody provides; one an initiative provides is expected
			}
		}
		if res.Broken != broken {
			t.Errorf("Broken = %v with reason %s", res.Broken, res.Reason)
		}

		// Oracle: which entries of requires and dependsOn are unmet, in spec order, duplicates included.
		var cycleNext string
		if len(facts.Cycle) > 1 {
			cycleNext = facts.Cycle[1]
		}
		var want []string
		for _, name := range facts.Requires {
			if c, ok := facts.Capabilities[name]; !ok || !c.Ready {
				want = append(want, "Capability "+name)
			}
		}
		for _, dep := range facts.DependsOn {
			if state, ok := facts.Initiatives[dep]; !ok || state != roadmapv1.StateDone || dep.String() == cycleNext {
				want = append(want, "Initiative "+dep.String())
			}
		}
		var got []string
		for _, u := range res.Unmet {
			if !slices.Contains(blockedByReasons, u.Reason) {
				t.Errorf("unmet %+v: reason is not a documented blockedBy reason", u)
			}
			if u.Kind == "Initiative" {
				got = append(got, u.Kind+" "+InitiativeKey{Namespace: u.Namespace, Name: u.Name}.String())
			} else {
				got = append(got, u.Kind+" "+u.Name)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("unmet = %q, want %q", got, want)
		}
		// The condition leads with the worst: a cycle, then dangling references, then waiting.
		for _, r := range []string{roadmapv1.ReasonDependencyCycle, roadmapv1.ReasonCapabilityNotFound,
			roadmapv1.ReasonInitiativeNotFound, roadmapv1.ReasonNoProvider, roadmapv1.ReasonCapabilityNotReady,
			roadmapv1.ReasonInitiativeNotDone} {
			if hasReason(res.Unmet, r) {
				if res.Reason != r {
					t.Errorf("Reason = %s, want %s: the worst of %+v", res.Reason, r, res.Unmet)
				}
				break
			}
		}
	})
}

// FuzzEvaluateCapability evaluates arbitrary capability facts: any lifecycle (also unknown ones), requires lists
// with duplicates and unicode names, prerequisites that exist or not, evidence checks with any reason, and a
// requires cycle or none.
func FuzzEvaluateCapability(f *testing.F) {
	f.Add([]byte{}, "")
	f.Add([]byte{1, 2, 0, 1, 1, 3, 0, 1, 1, 0, 1, 0}, "")
	f.Add([]byte{1, 4, 0, 9, 9, 1, 1, 9, 0, 1, 1, 1, 0, 2, 0, 2, 1, 6, 0, 9, 1, 0}, "queue")
	f.Add([]byte{0, 3, 1, 2, 3, 1, 0, 0, 0, 0}, "\xc3")
	f.Add([]byte{2, 1, 1, 1, 1, 0, 0, 0, 1, 1}, "retired")
	f.Add([]byte{1, 6, 6, 6, 6, 6, 6, 6, 1, 0, 0, 3, 1, 1, 2, 1, 7, 0}, "x (+4 more)")
	f.Fuzz(func(t *testing.T, data []byte, extra string) {
		r := &byteReader{data: data}
		names := fuzzNames(extra)
		self := pick(r, names...)

		facts := CapabilityFacts{Lifecycle: pick(r, fuzzLifecycles...)}
		for n := r.intn(8); n > 0; n-- {
			facts.Requires = append(facts.Requires, pick(r, names...))
		}
		facts.Prerequisites = fuzzCapabilityMap(r, names)
		for n := r.intn(5); n > 0; n-- {
			facts.Checks = append(facts.Checks, roadmapv1.CheckStatus{
				APIVersion: "apps/v1", Kind: pick(r, "Deployment", "Kustomization", "Wïdget", ""),
				Namespace: pick(r, "", "kafka", extra), Name: pick(r, names...),
				Passing: r.bool(), Reason: pick(r, fuzzCheckReasons...), Message: pick(r, "", "Available: 1/3", extra),
			})
		}
		if r.bool() { // a cycle as FindCycle reports it: [self, next, ..., self]
			facts.Cycle = []string{self}
			for n := r.intn(3); n >= 0; n-- {
				facts.Cycle = append(facts.Cycle, pick(r, names...))
			}
			facts.Cycle = append(facts.Cycle, self)
		}

		phase, res := EvaluateCapability(facts)

		if !slices.Contains(capabilityReasons, res.Reason) {
			t.Errorf("Reason %q is not one of the documented reasons %v", res.Reason, capabilityReasons)
		}
		if res.Waiting && res.Broken {
			t.Errorf("both Waiting and Broken: %+v", res)
		}
		switch {
		case facts.Cycle != nil:
			if phase != roadmapv1.CapabilityPhaseBlocked || res.Ready || !res.Broken ||
				res.Reason != roadmapv1.CapabilityReasonDependencyCycle || len(res.Unmet) != 1 ||
				res.Unmet[0].Name != facts.Cycle[1] || res.Summary != res.Message {
				t.Fatalf("a cycle must block and be broken, whatever the lifecycle: %s %+v", phase, res)
			}
			checkSummary(t, res.Summary, res.Unmet)
			return
		case facts.Lifecycle == roadmapv1.LifecycleRetired:
			if phase != roadmapv1.CapabilityPhaseRetired || res.Ready || res.Reason != roadmapv1.CapabilityReasonNotAvailable ||
				len(res.Unmet) != 0 || res.Summary != "Retired" || res.Waiting || res.Broken {
				t.Fatalf("Retired must be final: %s %+v", phase, res)
			}
			return
		case facts.Lifecycle != roadmapv1.LifecycleAvailable: // Planned, unset, or a value the schema rejects
			if phase != roadmapv1.CapabilityPhasePlanned || res.Ready || res.Reason != roadmapv1.CapabilityReasonNotAvailable ||
				len(res.Unmet) != 0 || res.Summary != "Planned" || !res.Waiting {
				t.Fatalf("lifecycle %q must read as Planned and waiting: %s %+v", facts.Lifecycle, phase, res)
			}
			return
		}

		// Available: Ready exactly when nothing is unmet.
		if res.Ready != (len(res.Unmet) == 0) {
			t.Errorf("Ready = %v with %d unmet prerequisites", res.Ready, len(res.Unmet))
		}
		if want := map[bool]roadmapv1.CapabilityPhase{true: roadmapv1.CapabilityPhaseReady, false: roadmapv1.CapabilityPhaseBlocked}[res.Ready]; phase != want {
			t.Errorf("phase = %s with Ready = %v, want %s", phase, res.Ready, want)
		}
		checkSummary(t, res.Summary, res.Unmet)
		if res.Ready {
			if res.Reason != roadmapv1.CapabilityReasonReady || res.Waiting || res.Broken {
				t.Errorf("Ready, but %+v", res)
			}
			return
		}
		checkMessage(t, res)
		if !res.Waiting && !res.Broken {
			t.Errorf("Blocked, but neither Waiting nor Broken: %+v", res)
		}

		// Oracle: unmet prerequisites in requires order (duplicates included), then failing checks in order.
		var want, got []string
		var notFound, notReady, brokenCheck bool
		for _, name := range facts.Requires {
			p, ok := facts.Prerequisites[name]
			notFound = notFound || !ok
			notReady = notReady || (ok && !p.Ready)
			if !ok || !p.Ready {
				want = append(want, "Capability "+name)
			}
		}
		for _, c := range facts.Checks {
			if !c.Passing {
				want = append(want, "Check "+c.Name+" "+c.Reason)
				brokenCheck = brokenCheck || evidence.Broken(c)
			}
		}
		for _, u := range res.Unmet {
			switch {
			case u.APIVersion != "": // the object of a check
				got = append(got, "Check "+u.Name+" "+u.Reason)
				if u.Stalled != evidence.Broken(roadmapv1.CheckStatus{Reason: u.Reason}) {
					t.Errorf("unmet %+v: stalled must be the check's verdict", u)
				}
			case u.Kind == "Capability":
				if !slices.Contains(capabilityUnmetReasons, u.Reason) {
					t.Errorf("unmet %+v: reason is not a documented prerequisite reason", u)
				}
				if u.Stalled != (u.Reason == roadmapv1.ReasonCapabilityNotFound) {
					t.Errorf("unmet %+v: stalled exactly when the prerequisite does not exist", u)
				}
				got = append(got, "Capability "+u.Name)
			default:
				t.Errorf("unmet %+v: unknown kind", u)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("unmet = %q, want %q", got, want)
		}
		if res.Broken != (notFound || brokenCheck) {
			t.Errorf("Broken = %v; want it exactly when a prerequisite is missing (%v) or a check is broken (%v)",
				res.Broken, notFound, brokenCheck)
		}
		wantReason := roadmapv1.CapabilityReasonChecksFailing
		switch {
		case notFound:
			wantReason = roadmapv1.CapabilityReasonPrerequisiteNotFound
		case notReady:
			wantReason = roadmapv1.CapabilityReasonPrerequisiteNotReady
		}
		if res.Reason != wantReason {
			t.Errorf("Reason = %s, want %s", res.Reason, wantReason)
		}
	})
}

// FuzzSummarize checks the printer-column summary on arbitrary messages: counts from none to a few hundred, so
// "+N" runs to three digits, and messages with any bytes, commas and "(+N more)" of their own.
func FuzzSummarize(f *testing.F) {
	f.Add("", uint16(0))
	f.Add("capability event-bus: Planned", uint16(1))
	f.Add("x\ny", uint16(2))
	f.Add("x\ny\nz", uint16(3))
	f.Add("a, b\n (+1 more)\n", uint16(5))
	f.Add("événement: Planned\n日本語", uint16(300))
	f.Fuzz(func(t *testing.T, text string, count uint16) {
		n := int(count % 512)
		lines := strings.Split(text, "\n")
		unmet := make([]Unmet, n)
		for i := range unmet {
			unmet[i] = Unmet{Kind: "Capability", Name: fmt.Sprint(i), Reason: "CapabilityNotReady",
				Message: lines[i%len(lines)]}
		}
		before := slices.Clone(unmet)

		got := Summarize(unmet)

		if !slices.Equal(unmet, before) {
			t.Fatal("Summarize changed its argument")
		}
		if again := Summarize(unmet); again != got {
			t.Fatalf("not deterministic: %q, then %q", got, again)
		}
		checkSummary(t, got, unmet)
		if n == 0 && Summarize(nil) != got {
			t.Fatalf("Summarize(nil) = %q, Summarize(empty) = %q", Summarize(nil), got)
		}

		// Only the first two messages and the count matter: other fields, and later messages, do not.
		other := slices.Clone(unmet)
		for i := range other {
			other[i].Kind, other[i].Name, other[i].Namespace, other[i].Reason = "Check", "", "elsewhere", "Failed"
			if i >= 2 {
				other[i].Message = "something else entirely"
			}
		}
		if s := Summarize(other); s != got {
			t.Fatalf("Summarize depends on more than the first two messages and the count: %q vs %q", s, got)
		}
	})
}
