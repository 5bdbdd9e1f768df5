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

// Package policy tests the optional admission policy of config/policy against a real kube-apiserver: the
// policy and its bindings are applied with the real kubectl (`kubectl apply -k`, as a platform team would), and
// initiatives are applied with kubectl into namespaces labelled roadmap.dev/policy=enforce, warn and audit and
// into an unlabelled one.
package policy

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

const (
	policyName = "roadmap-initiative-governance"
	// auditAnnotation is the audit-log annotation kube-apiserver writes for a ValidatingAdmissionPolicy binding
	// with the Audit action.
	auditAnnotation = "validation.policy.admission.k8s.io/validation_failure"
)

var (
	env      *testenv.Env
	auditLog string
)

func TestMain(m *testing.M) {
	os.Exit(testenv.RunInTempDir("roadmap-policy-audit-", func(dir string) int { return run(m, dir) }))
}

// run starts kube-apiserver with an audit policy and log in dir, and runs the tests.
func run(m *testing.M, dir string) int {
	// Audit every write to initiatives with its annotations (Metadata level), where the Audit action records
	// violations.
	auditPolicy := filepath.Join(dir, "audit-policy.yaml")
	auditLog = filepath.Join(dir, "audit.log")
	if err := os.WriteFile(auditPolicy, []byte(`apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
    resources:
      - group: roadmap.dev
        resources: ["initiatives"]
      - group: apps
        resources: ["deployments"]
    verbs: ["create", "update", "patch"]
  - level: None
`), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return testenv.Suite{
		Start: func() (*testenv.Env, error) {
			return testenv.StartWith(func(e *envtest.Environment) {
				args := e.ControlPlane.GetAPIServer().Configure()
				args.Set("audit-policy-file", auditPolicy)
				args.Set("audit-log-path", auditLog)
				// Write each event as it happens, so the test reads it without waiting for a batch.
				args.Set("audit-log-mode", "blocking")
			})
		},
		Setup: func(e *testenv.Env) (func() error, error) { env = e; return nil, nil },
	}.Run(m)
}

// kubectl runs the envtest kubectl and returns stdout, stderr (where warnings go) and the error.
func kubectl(args ...string) (stdout, stderr string, err error) { return env.KubectlStreams(args...) }

// writeManifest writes a manifest into the test's temporary directory and returns its path.
func writeManifest(t *testing.T, name, manifest string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".yaml")
	if err := os.WriteFile(path, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func initiative(name, spec string) string {
	return "apiVersion: roadmap.dev/v1alpha1\nkind: Initiative\nmetadata:\n  name: " + name + "\nspec:\n" + spec
}

const (
	innovationWithoutGoal = `  title: Recommendations without a goal
  track: Innovation
`
	activeWithoutEstimates = `  title: Platform upgrade under way
  track: Operations
  state: Active
  value: 5
  effort: 3
`
	compliantActive = `  title: Real-time recommendations
  track: Innovation
  goals: [personalisation]
  state: Active
  value: 8
  urgency: 5
  riskReduction: 3
  effort: 5
  targetDate: "2027-09-30"
`
	proposedWithoutEstimates = `  title: An idea
  track: Operations
`
	invalidGoalName = `  title: Bad reference
  track: Innovation
  goals: [Not_A_Name]
`
	done = `  title: Finished work
  track: Operations
  state: Done
  value: 3
  urgency: 3
  riskReduction: 3
  effort: 3
  targetDate: "2026-06-30"
`
)

// The documented messages (docs/governance.md).
const (
	msgGoal     = "innovation work must serve a goal: add spec.goals (the names of the Goals this initiative serves)"
	msgPlanning = "an initiative in state Active must carry all four WSJF estimates and a target date: add " +
		"spec.urgency, spec.riskReduction, spec.targetDate (value, urgency, riskReduction and effort from 1 to 10; " +
		"targetDate as YYYY-MM-DD)"
	// Done is final in every namespace: the CRD's transition rule, not the policy (docs/governance.md).
	msgReopen      = "Done is final: a Done initiative cannot become Active; create a new initiative for further work"
	msgInvalidName = "must be a valid object name (DNS-1123)"
)

func TestAdmissionPolicy(t *testing.T) {
	g := NewWithT(t)
	root, err := testenv.RepoRoot()
	g.Expect(err).NotTo(HaveOccurred())

	// Install the policy the way the docs say: kubectl apply -k of the component on its own.
	out, stderr, err := kubectl("apply", "-k", filepath.Join(root, "config", "policy"))
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	g.Expect(out).To(MatchRegexp("validatingadmissionpolicy.admissionregistration.k8s.io/" + policyName + " (created|unchanged)"))
	g.Expect(strings.Count(out, "validatingadmissionpolicybinding.admissionregistration.k8s.io/"+policyName)).To(Equal(3), out)

	namespaces := map[string]string{"enforce": "gov-enforce", "warn": "gov-warn", "audit": "gov-audit", "": "gov-none"}
	for mode, ns := range namespaces {
		_, stderr, err := kubectl("create", "namespace", ns)
		g.Expect(err).NotTo(HaveOccurred(), stderr)
		if mode != "" {
			_, stderr, err = kubectl("label", "namespace", ns, "roadmap.dev/policy="+mode)
			g.Expect(err).NotTo(HaveOccurred(), stderr)
		}
	}

	// Bindings take effect once kube-apiserver has loaded and type-checked the policy: wait on a probe (a
	// server-side dry run, which is admitted like the real thing and stores nothing) in each mode.
	probe := writeManifest(t, "probe", initiative("probe", innovationWithoutGoal))
	g.Eventually(func() string {
		_, stderr, _ := kubectl("apply", "--dry-run=server", "-n", namespaces["enforce"], "-f", probe)
		return stderr
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(ContainSubstring(msgGoal))
	g.Eventually(func() string {
		_, stderr, _ := kubectl("apply", "--dry-run=server", "-n", namespaces["warn"], "-f", probe)
		return stderr
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(ContainSubstring(msgGoal))
	g.Eventually(func() ([]string, error) {
		_, _, _ = kubectl("apply", "--dry-run=server", "-n", namespaces["audit"], "-f", probe)
		return auditFailures(namespaces["audit"], "probe")
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).ShouldNot(BeEmpty())

	type expectation int
	const (
		accepted expectation = iota
		rejected
		warned
	)
	cases := []struct {
		name     string
		before   string // applied first, when set (to test a transition)
		spec     string
		message  string
		expected map[string]expectation // by mode; a mode not listed: accepted without warning
		// byCRD: refused by the CRD's own validation in every namespace, not by the policy.
		byCRD bool
	}{
		{name: "innovation-without-goal", spec: innovationWithoutGoal, message: msgGoal,
			expected: map[string]expectation{"enforce": rejected, "warn": warned}},
		{name: "active-without-estimates", spec: activeWithoutEstimates, message: msgPlanning,
			expected: map[string]expectation{"enforce": rejected, "warn": warned}},
		// Done is final everywhere, labelled namespace or not: the policy's opt-in is not a way around it.
		{name: "done-reopened", before: done, spec: strings.Replace(done, "state: Done", "state: Active", 1),
			message: msgReopen, byCRD: true,
			expected: map[string]expectation{"enforce": rejected, "warn": rejected, "audit": rejected, "": rejected}},
		{name: "compliant-active", spec: compliantActive},
		{name: "proposed-without-estimates", spec: proposedWithoutEstimates},
		// Invalid names are refused by the CRD's own validation, in every namespace, policy or not.
		{name: "invalid-goal-name", spec: invalidGoalName, message: msgInvalidName, byCRD: true,
			expected: map[string]expectation{"enforce": rejected, "warn": rejected, "audit": rejected, "": rejected}},
	}
	for _, tc := range cases {
		for _, mode := range []string{"enforce", "warn", "audit", ""} {
			ns := namespaces[mode]
			t.Run(tc.name+"/"+ns, func(t *testing.T) {
				g := NewWithT(t)
				if tc.before != "" {
					_, stderr, err := kubectl("apply", "-n", ns, "-f", writeManifest(t, tc.name+"-before", initiative(tc.name, tc.before)))
					g.Expect(err).NotTo(HaveOccurred(), stderr)
					g.Expect(stderr).NotTo(ContainSubstring("Warning"))
				}
				out, stderr, err := kubectl("apply", "-n", ns, "-f", writeManifest(t, tc.name, initiative(tc.name, tc.spec)))
				switch tc.expected[mode] {
				case rejected:
					g.Expect(err).To(HaveOccurred(), "stdout: %s", out)
					g.Expect(stderr).To(ContainSubstring(tc.message))
					if tc.byCRD {
						g.Expect(stderr).NotTo(ContainSubstring("ValidatingAdmissionPolicy"))
					} else {
						g.Expect(stderr).To(ContainSubstring("ValidatingAdmissionPolicy '" + policyName +
							"' with binding '" + policyName + "-enforce' denied request"))
					}
					_, _, getErr := kubectl("get", "initiative", tc.name, "-n", ns, "-o", "jsonpath={.spec.state}")
					if tc.before == "" {
						g.Expect(getErr).To(HaveOccurred(), "a rejected initiative is not stored")
					} else {
						state, _, _ := kubectl("get", "initiative", tc.name, "-n", ns, "-o", "jsonpath={.spec.state}")
						g.Expect(state).To(Equal("Done"), "a rejected transition leaves the stored object as it was")
					}
				case warned:
					g.Expect(err).NotTo(HaveOccurred(), stderr)
					g.Expect(out).To(MatchRegexp(`initiative.roadmap.dev/` + tc.name + ` (created|configured)`))
					g.Expect(stderr).To(ContainSubstring("Warning: Validation failed for ValidatingAdmissionPolicy '" +
						policyName + "' with binding '" + policyName + "-warn': " + tc.message))
				default:
					g.Expect(err).NotTo(HaveOccurred(), stderr)
					g.Expect(out).To(MatchRegexp(`initiative.roadmap.dev/` + tc.name + ` (created|configured)`))
					g.Expect(stderr).NotTo(ContainSubstring("Warning"))
				}
				// Audit mode: accepted without a word to the user, and the violation is in the audit log.
				if mode == "audit" && tc.message != "" && tc.expected[mode] != rejected {
					g.Eventually(func() ([]string, error) { return auditFailures(ns, tc.name) }).
						WithTimeout(10 * time.Second).Should(ContainElement(ContainSubstring(tc.message)))
				}
				if mode == "audit" && tc.message == "" {
					g.Expect(auditFailures(ns, tc.name)).To(BeEmpty())
				}
			})
		}
	}
}

// auditFailures returns the ValidatingAdmissionPolicy failures the audit log records for writes of the named
// initiative.
func auditFailures(namespace, name string) ([]string, error) {
	return auditAnnotations(namespace, name, auditAnnotation)
}

// auditAnnotations returns the values of an audit annotation the audit log records for writes of the named
// object.
func auditAnnotations(namespace, name, key string) ([]string, error) {
	f, err := os.Open(auditLog)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	var failures []string
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for scanner.Scan() {
		var ev struct {
			ObjectRef struct {
				Namespace string `json:"namespace"`
				Name      string `json:"name"`
			} `json:"objectRef"`
			Annotations map[string]string `json:"annotations"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &ev); err != nil {
			return nil, fmt.Errorf("reading the audit log: %w", err)
		}
		if ev.ObjectRef.Namespace != namespace || ev.ObjectRef.Name != name {
			continue
		}
		if a, ok := ev.Annotations[key]; ok {
			failures = append(failures, a)
		}
	}
	return failures, scanner.Err()
}
