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

// Package validation tests the CRD schemas against a real kube-apiserver: what they reject, with which message,
// what they accept and default, and what `kubectl get` shows.
package validation

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.Suite{Setup: func(e *testenv.Env) (func() error, error) { env = e; return nil, nil }}.Run(m))
}

const testNamespace = "validation"

func ensureNamespace(t *testing.T, name string) { testenv.EnsureNamespace(t, env.Client, name) }

func decode(t *testing.T, manifest string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(manifest), &u.Object); err != nil {
		t.Fatalf("bad test manifest: %v\n%s", err, manifest)
	}
	if u.GetKind() == "Initiative" || u.GetKind() == "InitiativeIndex" {
		u.SetNamespace(testNamespace)
	}
	return u
}

func manyNames(n int) string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("cap-%d", i)
	}
	return "[" + strings.Join(names, ", ") + "]"
}

// TestRejectsBadManifests applies manifests a person could plausibly write wrong and asserts the apiserver
// refuses each with a message that says what is wrong.
func TestRejectsBadManifests(t *testing.T) {
	ensureNamespace(t, testNamespace)
	cases := []struct {
		name     string
		manifest string
		// want are substrings the apiserver's error must contain.
		want []string
	}{
		{"capability requires itself", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, lifecycle: Planned, requires: [kubernetes-platform, event-bus]}`,
			[]string{"a capability cannot require itself"}},
		{"check names one cluster and selects others", `
kind: Capability
metadata: {name: observability}
spec:
  title: Observability
  checks:
  - {apiVersion: apps/v1, kind: Deployment, namespace: monitoring, name: prometheus,
     cluster: {secretRef: {name: prod-eu}}, clusters: {matchLabels: {env: prod}}}`,
			[]string{"cluster and clusters are mutually exclusive"}},
		{"capability requires a name twice", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, requires: [observability, observability]}`,
			[]string{`spec.requires[1]: Duplicate value: "observability"`}},
		{"capability lifecycle not in the enum", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, lifecycle: Live}`,
			[]string{`spec.lifecycle: Unsupported value: "Live"`, `"Planned", "Available", "Retired"`}},
		{"capability requires an invalid name", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, requires: [Kubernetes_Platform]}`,
			[]string{"spec.requires[0]", "must be a valid object name (DNS-1123)"}},
		{"capability without title", `
kind: Capability
metadata: {name: event-bus}
spec: {lifecycle: Planned}`,
			[]string{"spec.title: Required value"}},
		{"check without kind", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, checks: [{apiVersion: apps/v1, namespace: kafka, name: broker}]}`,
			[]string{"spec.checks[0].kind: Required value"}},
		{"check without name", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, checks: [{apiVersion: apps/v1, kind: Deployment}]}`,
			[]string{"spec.checks[0].name: Required value"}},
		{"check without apiVersion", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, checks: [{kind: Deployment, name: broker}]}`,
			[]string{"spec.checks[0].apiVersion: Required value"}},
		{"capability requires more than 64 capabilities", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, requires: ` + manyNames(65) + `}`,
			[]string{"spec.requires: Too many: 65: must have at most 64 items"}},
		{"initiative depends on itself", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, dependsOn: [{name: checkout}]}`,
			[]string{"an initiative cannot depend on itself"}},
		{"initiative index of another name than the workload gate reads", `
kind: InitiativeIndex
metadata: {name: open-sesame}`,
			[]string{"the initiative index of a namespace is named initiatives"}},
		{"initiative depends on the same initiative twice", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, dependsOn: [{name: payments}, {name: payments}]}`,
			[]string{`spec.dependsOn[1]: Duplicate value`, `"name":"payments"`}},
		{"initiative serves a goal twice", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, goals: [grow-revenue, grow-revenue]}`,
			[]string{`spec.goals[1]: Duplicate value: "grow-revenue"`}},
		{"initiative requires what it provides", `
kind: Initiative
metadata: {name: kafka-cluster}
spec: {title: Kafka, track: Operations, requires: [event-bus], provides: [event-bus]}`,
			[]string{"an initiative cannot require a capability it provides itself"}},
		{"business value above 10", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, value: 11}`,
			[]string{"spec.value: Invalid value: 11: spec.value in body should be less than or equal to 10"}},
		{"effort below 1", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, effort: 0}`,
			[]string{"spec.effort: Invalid value: 0: spec.effort in body should be greater than or equal to 1"}},
		{"urgency and risk reduction out of range at once", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, urgency: -3, riskReduction: 42}`,
			[]string{"spec.urgency in body should be greater than or equal to 1",
				"spec.riskReduction in body should be less than or equal to 10"}},
		{"track not in the enum", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Research}`,
			[]string{`spec.track: Unsupported value: "Research"`, `"Innovation", "Operations"`}},
		{"initiative without track", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout}`,
			[]string{"spec.track: Required value"}},
		{"state not in the enum", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, state: Started}`,
			[]string{`spec.state: Unsupported value: "Started"`}},
		{"target date that does not exist", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, targetDate: "2027-02-30"}`,
			[]string{`spec.targetDate in body must be of type date: "2027-02-30"`}},
		{"target date in words", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, targetDate: next quarter}`,
			[]string{`spec.targetDate in body must be of type date: "next quarter"`}},
		{"dependsOn in an invalid namespace", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, dependsOn: [{namespace: Team_Payments, name: payments}]}`,
			[]string{"spec.dependsOn[0].namespace", "must be a valid namespace name (DNS-1123 label)"}},
		{"goal is its own parent", `
kind: Goal
metadata: {name: grow-revenue}
spec: {title: Grow revenue, parent: grow-revenue}`,
			[]string{"a goal cannot be its own parent"}},
		{"goal target date with month 13", `
kind: Goal
metadata: {name: grow-revenue}
spec: {title: Grow revenue, targetDate: "2027-13-01"}`,
			[]string{`spec.targetDate in body must be of type date: "2027-13-01"`}},
		{"key result without target", `
kind: Goal
metadata: {name: grow-revenue}
spec: {title: Grow revenue, keyResults: [{description: Revenue from new channels}]}`,
			[]string{"spec.keyResults[0].target: Required value"}},
		// Free text is printed by kubectl roadmap and shown in terminals: escape sequences would retitle or clear
		// the reader's terminal.
		{"initiative owner that retitles the terminal", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, owner: "team\e]0;pwned\a"}`,
			[]string{"spec.owner: Invalid value", "must not contain control characters"}},
		{"initiative title that clears the screen", `
kind: Initiative
metadata: {name: checkout}
spec: {title: "Checkout\e[2J", track: Innovation}`,
			[]string{"spec.title: Invalid value", "must not contain control characters"}},
		{"capability title with a C1 control (CSI)", `
kind: Capability
metadata: {name: event-bus}
spec: {title: "Event bus\u009b2J"}`,
			[]string{"spec.title: Invalid value", "must not contain control characters"}},
		{"capability owner and category with line breaks", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, owner: "team\nplatform", category: "data\r"}`,
			[]string{"spec.owner: Invalid value", "spec.category: Invalid value"}},
		{"capability description with an escape sequence", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, description: "Kafka\n\e[2J"}`,
			[]string{"spec.description: Invalid value", "must not contain control characters other than tabs and line breaks"}},
		{"check kind with an escape sequence", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, checks: [{apiVersion: apps/v1, kind: "Deployment\e[2J", namespace: "kafka\a", name: broker}]}`,
			[]string{"spec.checks[0].kind: Invalid value", "spec.checks[0].namespace: Invalid value"}},
		{"goal with control characters in its title, owner and key results", `
kind: Goal
metadata: {name: grow-revenue}
spec: {title: "Grow\x07", owner: "cfo\e]0;x\a", keyResults: [{description: "Revenue\e[31m", target: "20\b", current: "3\x00", baseline: "1\x7f"}]}`,
			[]string{"spec.title: Invalid value", "spec.owner: Invalid value", "spec.keyResults[0].description: Invalid value",
				"spec.keyResults[0].target: Invalid value", "spec.keyResults[0].current: Invalid value",
				"spec.keyResults[0].baseline: Invalid value"}},
		// Invisible format characters: a right-to-left override makes the board, exports and terminals show a
		// title other than the one stored ("Checkout \u202etxt.exe" reads "Checkout exe.txt"); zero-width
		// characters and the byte-order mark hide text from whoever reads or searches it.
		{"initiative title with a right-to-left override", `
kind: Initiative
metadata: {name: checkout}
spec: {title: "Checkout \u202Etxt.exe", track: Innovation}`,
			[]string{"spec.title: Invalid value", "must not contain control characters (escape sequences, line breaks) " +
				"or invisible formatting characters (bidirectional overrides such as U+202E, zero-width characters)"}},
		{"initiative owner with a bidi isolate and a zero-width space", `
kind: Initiative
metadata: {name: checkout}
spec: {title: Checkout, track: Innovation, owner: "team\u2067-a\u2069\u200B"}`,
			[]string{"spec.owner: Invalid value", "invisible formatting characters"}},
		{"capability title with a left-to-right mark, category with a line separator", `
kind: Capability
metadata: {name: event-bus}
spec: {title: "Event bus\u200E", category: "data\u2028ops"}`,
			[]string{"spec.title: Invalid value", "spec.category: Invalid value", "invisible formatting characters"}},
		{"capability description with a right-to-left embedding", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, description: "Kafka.\n\u202BAsk #team-sre."}`,
			[]string{"spec.description: Invalid value",
				"must not contain control characters other than tabs and line breaks, nor invisible formatting characters"}},
		{"check kind with a zero-width joiner", `
kind: Capability
metadata: {name: event-bus}
spec: {title: Event bus, checks: [{apiVersion: apps/v1, kind: "Deploy\u200Dment", name: broker}]}`,
			[]string{"spec.checks[0].kind: Invalid value", "invisible formatting characters"}},
		{"goal title with a byte-order mark, key result with a pop directional formatting", `
kind: Goal
metadata: {name: grow-revenue}
spec: {title: "\uFEFFGrow revenue", keyResults: [{description: "Revenue\u202C", target: "20"}]}`,
			[]string{"spec.title: Invalid value", "spec.keyResults[0].description: Invalid value"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			obj := decode(t, "apiVersion: roadmap.dev/v1alpha1\n"+strings.TrimSpace(tc.manifest))
			err := env.Client.Create(context.Background(), obj)
			g.Expect(err).To(HaveOccurred(), "the apiserver accepted a bad manifest")
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got: %v", err)
			for _, want := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(want))
			}
		})
	}
}

// TestAcceptsGoodManifests: the edges of every bound are accepted, and defaults are applied. Text in any script
// is free text, right-to-left scripts included: only invisible formatting characters are refused, not the
// letters whose direction they would override.
func TestAcceptsGoodManifests(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ensureNamespace(t, testNamespace)
	for _, manifest := range []string{`
kind: Capability
metadata: {name: accepted-capability}
spec: {title: "Observability – métriques, 日志", description: "Metrics and logs.\n\tAsk #team-sre.\n",
  requires: [` + strings.TrimSuffix(strings.TrimPrefix(manyNames(64), "["), "]") + `]}`, `
kind: Capability
metadata: {name: accepted-fleet-capability}
spec:
  title: Observability
  checks:
  - {apiVersion: apps/v1, kind: Deployment, namespace: monitoring, name: prometheus, clusters: {matchLabels: {env: prod}}}
  - {apiVersion: apps/v1, kind: Deployment, namespace: monitoring, name: grafana, cluster: {secretRef: {name: ops-eu}}}`, `
kind: Initiative
metadata: {name: accepted-initiative}
spec: {title: Checkout, track: Operations, value: 1, urgency: 10, riskReduction: 1, effort: 10,
  targetDate: "2028-02-29", dependsOn: [{name: payments}, {namespace: other, name: payments}]}`, `
kind: Initiative
metadata: {name: accepted-right-to-left-title}
spec: {title: "תשלומים בזמן אמת – الدفع الفوري – real-time payments 🚀", track: Innovation, owner: "צוות-תשלומים"}`, `
kind: Goal
metadata: {name: accepted-goal}
spec: {title: Grow revenue, parent: company-strategy, targetDate: "2027-12-31",
  keyResults: [{description: Revenue from new channels, target: "20", current: "3"}]}`,
	} {
		obj := decode(t, "apiVersion: roadmap.dev/v1alpha1\n"+strings.TrimSpace(manifest))
		g.Expect(env.Client.Create(ctx, obj)).To(Succeed())
	}

	capability := &roadmapv1.Capability{}
	g.Expect(env.Client.Get(ctx, client.ObjectKey{Name: "accepted-capability"}, capability)).To(Succeed())
	g.Expect(capability.Spec.Lifecycle).To(Equal(roadmapv1.LifecyclePlanned), "lifecycle defaults to Planned")
	initiative := &roadmapv1.Initiative{}
	g.Expect(env.Client.Get(ctx, client.ObjectKey{Namespace: testNamespace, Name: "accepted-initiative"}, initiative)).To(Succeed())
	g.Expect(initiative.Spec.State).To(Equal(roadmapv1.StateProposed), "state defaults to Proposed")
}

// TestSamplesAccepted applies every manifest in config/samples, as a user following the docs would.
func TestSamplesAccepted(t *testing.T) {
	g := NewWithT(t)
	root, err := testenv.RepoRoot()
	g.Expect(err).NotTo(HaveOccurred())
	files, err := filepath.Glob(filepath.Join(root, "config", "samples", "*.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	kinds := map[string]int{}
	for _, file := range files {
		if filepath.Base(file) == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(file)
		g.Expect(err).NotTo(HaveOccurred())
		for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			obj := &unstructured.Unstructured{}
			g.Expect(yaml.Unmarshal([]byte(doc), &obj.Object)).To(Succeed(), file)
			if ns := obj.GetNamespace(); ns != "" {
				ensureNamespace(t, ns)
			}
			g.Expect(env.Client.Create(context.Background(), obj)).To(Succeed(), "sample %s %s", file, obj.GetName())
			kinds[obj.GetKind()]++
		}
	}
	for _, kind := range []string{"Capability", "Initiative", "Goal"} {
		g.Expect(kinds[kind]).To(BeNumerically(">=", 1), "config/samples has no %s", kind)
	}
}

// TestKubectlColumns checks with the real kubectl that the printer columns, short names and the roadmap
// category are served.
func TestKubectlColumns(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ensureNamespace(t, "columns")
	g.Expect(env.Client.Create(ctx, &roadmapv1.Initiative{
		ObjectMeta: metav1.ObjectMeta{Namespace: "columns", Name: "standup-check"},
		Spec: roadmapv1.InitiativeSpec{Title: "Standup", Track: roadmapv1.TrackInnovation,
			Goals: []roadmapv1.ResourceName{"grow-revenue"}, TargetDate: "2027-03-31"},
	})).To(Succeed())
	g.Expect(env.Client.Create(ctx, &roadmapv1.Capability{
		ObjectMeta: metav1.ObjectMeta{Name: "columns-capability"},
		Spec:       roadmapv1.CapabilitySpec{Title: "Columns", Owner: "team-platform"},
	})).To(Succeed())
	g.Expect(env.Client.Create(ctx, &roadmapv1.Goal{
		ObjectMeta: metav1.ObjectMeta{Name: "columns-goal"},
		Spec:       roadmapv1.GoalSpec{Title: "Columns", TargetDate: "2027-12-31"},
	})).To(Succeed())

	out, err := env.Kubectl("get", "initiatives", "-n", "columns")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(headerFields(out)).To(Equal([]string{"NAME", "TRACK", "PHASE", "BLOCKED-BY", "PRIORITY", "ALIGNED", "TARGET", "AGE"}))
	g.Expect(out).To(MatchRegexp(`standup-check\s+Innovation\s+.*2027-03-31`))

	out, err = env.Kubectl("get", "ini", "-n", "columns", "-o", "wide")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(headerFields(out)).To(ContainElement("GOALS"))
	g.Expect(out).To(ContainSubstring("grow-revenue"))

	out, err = env.Kubectl("get", "cap", "columns-capability")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(headerFields(out)).To(Equal([]string{"NAME", "LIFECYCLE", "READY", "REASON", "CHECKS", "DEPENDENTS", "OWNER", "AGE"}))
	g.Expect(out).To(MatchRegexp(`columns-capability\s+Planned\s+.*team-platform`))

	out, err = env.Kubectl("get", "goals", "columns-goal")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(headerFields(out)).To(Equal([]string{"NAME", "TARGET", "INITIATIVES", "BLOCKED", "DONE", "PROGRESS", "ATRISK", "AGE"}))

	// The category lists all three kinds at once.
	out, err = env.Kubectl("get", "roadmap", "-A")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("initiative.roadmap.dev/standup-check"))
	g.Expect(out).To(ContainSubstring("capability.roadmap.dev/columns-capability"))
	g.Expect(out).To(ContainSubstring("goal.roadmap.dev/columns-goal"))
}

func headerFields(table string) []string {
	return strings.Fields(strings.SplitN(table, "\n", 2)[0])
}
