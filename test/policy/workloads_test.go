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

package policy

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

const (
	gateName = "roadmap-workload-gate"
	// breakGlassAudit is the audit annotation the gate writes for a workload created with the break-glass
	// annotation.
	breakGlassAudit = "roadmap-workload-break-glass/break-glass"
)

// deploymentManifest is a Deployment in YAML, with labels and annotations.
func deploymentManifest(t *testing.T, name string, labels, annotations map[string]string) string {
	t.Helper()
	d := testenv.Deployment("", name, "")
	d.Labels, d.Annotations = labels, annotations
	d.APIVersion, d.Kind = "apps/v1", "Deployment"
	out, err := yaml.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return writeManifest(t, name, string(out))
}

// TestWorkloadGate covers every rule of the workload gate in every mode (enforce, warn, audit, an unknown mode,
// and a namespace that does not opt in), with the operator running and then stopped: the decisions come from the
// initiatives' last written status, so they hold while the operator is down, and follow the cluster once it is
// back.
func TestWorkloadGate(t *testing.T) {
	g := testenv.NewG(t, 2*time.Minute)
	root, err := testenv.RepoRoot()
	g.Expect(err).NotTo(HaveOccurred())
	out, stderr, err := kubectl("apply", "-k", filepath.Join(root, "config", "policy"))
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	g.Expect(strings.Count(out, "validatingadmissionpolicybinding.admissionregistration.k8s.io/"+gateName)).To(Equal(4), out)

	mgr, err := operatortest.StartManager(env, controllers.DefaultOptions())
	g.Expect(err).NotTo(HaveOccurred())
	running := true
	defer func() {
		if running {
			g.Expect(mgr.Stop()).To(Succeed())
		}
	}()

	c := env.Client
	testenv.Create(g, c, testenv.Capability("gate-bus", roadmapv1.LifecyclePlanned))
	modes := map[string]string{"enforce": "wl-enforce", "warn": "wl-warn", "audit": "wl-audit",
		"enforcing": "wl-typo", "": "wl-none"}
	for mode, ns := range modes {
		testenv.EnsureNamespace(t, c, ns)
		if mode != "" {
			_, stderr, err := kubectl("label", "namespace", ns, "roadmap.dev/workloads="+mode)
			g.Expect(err).NotTo(HaveOccurred(), stderr)
		}
		orders := testenv.Initiative(ns, "orders", "gate-bus")
		finished := testenv.Initiative(ns, "finished")
		finished.Spec.State = roadmapv1.StateDone
		testenv.Create(g, c, orders, finished)
	}
	provider := testenv.Initiative(modes[""], "build-gate-bus")
	provider.Spec.Track, provider.Spec.Provides = roadmapv1.TrackOperations, testenv.Names("gate-bus")
	testenv.Create(g, c, provider)
	for _, ns := range modes {
		testenv.ExpectInitiative(g, c, ns, "orders", roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady)
	}

	blocked := func(ns string) string {
		return "initiative " + ns + "/orders is Blocked by capability gate-bus (Planned); it may deploy once gate-bus is Ready"
	}
	unlabelled := func(ns, name string) string {
		return "Deployment " + ns + "/" + name + " has no label roadmap.dev/initiative"
	}
	label := func(v string) map[string]string { return map[string]string{roadmapv1.LabelInitiative: v} }

	// The policy takes effect once the apiserver has loaded it: wait on a dry run in enforce mode.
	probe := deploymentManifest(t, "probe", label("orders"), nil)
	g.Eventually(func() string {
		_, stderr, _ := kubectl("create", "--dry-run=server", "-n", modes["enforce"], "-f", probe)
		return stderr
	}).WithPolling(200 * time.Millisecond).Should(ContainSubstring(blocked(modes["enforce"])))

	type outcome int
	const (
		admitted outcome = iota
		denied
		warned
	)
	// expectByMode: enforce and an unknown mode deny, warn warns, audit and no opt-in admit.
	expectByMode := func(mode string) outcome {
		switch mode {
		case "enforce", "enforcing":
			return denied
		case "warn":
			return warned
		}
		return admitted
	}
	cases := []struct {
		name        string
		labels      map[string]string
		annotations map[string]string
		message     func(ns string) string // "" when every mode admits
	}{
		{name: "blocked", labels: label("orders"), message: blocked},
		{name: "shadow", message: func(ns string) string { return unlabelled(ns, "shadow") }},
		{name: "bad-label", labels: label("Not_A_Name"), message: func(ns string) string {
			return "Deployment " + ns + "/bad-label: label roadmap.dev/initiative=Not_A_Name is not an initiative name"
		}},
		{name: "for-done-work", labels: label("finished"), message: func(ns string) string {
			return "initiative " + ns + "/finished is Done: new workloads belong to an open initiative"
		}},
		{name: "incident", annotations: map[string]string{roadmapv1.AnnotationBreakGlass: "INC-1 checkout down"}},
	}
	check := func(t *testing.T, g Gomega, mode, ns, name string, labels, annotations map[string]string, message string) {
		manifest := deploymentManifest(t, name, labels, annotations)
		out, stderr, err := kubectl("create", "--dry-run=server", "-n", ns, "-f", manifest)
		want := admitted
		if message != "" {
			want = expectByMode(mode)
		}
		switch want {
		case denied:
			g.Expect(err).To(HaveOccurred(), out)
			g.Expect(stderr).To(ContainSubstring(message))
			g.Expect(stderr).To(ContainSubstring("ValidatingAdmissionPolicy '" + gateName + "'"))
		case warned:
			g.Expect(err).NotTo(HaveOccurred(), stderr)
			g.Expect(stderr).To(ContainSubstring("Warning: Validation failed for ValidatingAdmissionPolicy '" + gateName))
			g.Expect(stderr).To(ContainSubstring(message))
		default:
			g.Expect(err).NotTo(HaveOccurred(), stderr)
			g.Expect(stderr).NotTo(ContainSubstring("Warning"))
		}
		if mode == "audit" && message != "" {
			g.Eventually(func() ([]string, error) { return auditFailures(ns, name) }).
				WithTimeout(10 * time.Second).Should(ContainElement(ContainSubstring(message)))
		}
	}
	runMatrix := func(t *testing.T, phase string) {
		for _, tc := range cases {
			for mode, ns := range modes {
				t.Run(phase+"/"+tc.name+"/"+ns, func(t *testing.T) {
					message := ""
					if tc.message != nil && mode != "" {
						message = tc.message(ns)
					}
					check(t, NewWithT(t), mode, ns, tc.name, tc.labels, tc.annotations, message)
				})
			}
		}
	}
	runMatrix(t, "operator-running")

	// Break glass is on record: the audit annotation names the workload and the reason.
	g.Eventually(func() ([]string, error) { return auditAnnotations(modes["enforce"], "incident", breakGlassAudit) }).
		WithTimeout(10 * time.Second).Should(ContainElement("Deployment wl-enforce/incident: INC-1 checkout down"))

	// Never blocked: a workload admitted (through break glass) is updated, scaled and deleted while its
	// initiative is Blocked, as long as its label does not change; changing the label is gated again.
	ns := modes["enforce"]
	_, stderr, err = kubectl("create", "-n", ns, "-f", deploymentManifest(t, "hotfix", label("orders"),
		map[string]string{roadmapv1.AnnotationBreakGlass: "INC-2"}))
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	_, stderr, err = kubectl("annotate", "-n", ns, "deployment", "hotfix", roadmapv1.AnnotationBreakGlass+"-")
	g.Expect(err).NotTo(HaveOccurred(), stderr, "an update that keeps the label passes")
	_, stderr, err = kubectl("set", "image", "-n", ns, "deployment/hotfix", "app=registry.example/app:2")
	g.Expect(err).NotTo(HaveOccurred(), stderr, "a rollout passes")
	_, stderr, err = kubectl("scale", "-n", ns, "deployment/hotfix", "--replicas=3")
	g.Expect(err).NotTo(HaveOccurred(), stderr, "scale passes")
	_, stderr, err = kubectl("label", "-n", ns, "deployment/hotfix", "--overwrite", roadmapv1.LabelInitiative+"=finished")
	g.Expect(err).To(HaveOccurred(), "relabelling is gated")
	g.Expect(stderr).To(ContainSubstring("initiative " + ns + "/finished is Done"))
	_, stderr, err = kubectl("delete", "-n", ns, "deployment/hotfix")
	g.Expect(err).NotTo(HaveOccurred(), stderr, "delete passes")

	// The operator stops; the capability becomes Available meanwhile. Nothing rewrites the initiatives'
	// status, so the gate keeps what it last said: still Blocked, still denied.
	g.Expect(mgr.Stop()).To(Succeed())
	running = false
	testenv.Update(g, c, &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "gate-bus"}}, func(cp *roadmapv1.Capability) {
		cp.Spec.Lifecycle = roadmapv1.LifecycleAvailable
	})
	runMatrix(t, "operator-stopped")

	// A new initiative created while the operator is down has no status yet: refused until evaluated.
	fresh := testenv.Initiative(ns, "fresh")
	testenv.Create(g, c, fresh)
	_, stderr, err = kubectl("create", "--dry-run=server", "-n", ns, "-f", deploymentManifest(t, "early", label("fresh"), nil))
	g.Expect(err).To(HaveOccurred())
	g.Expect(stderr).To(ContainSubstring("initiative " + ns + "/fresh has not been evaluated by the operator yet"))

	// The operator is back: the initiatives become Ready, and the same workload is admitted.
	mgr, err = operatortest.StartManager(env, controllers.DefaultOptions())
	g.Expect(err).NotTo(HaveOccurred())
	running = true
	testenv.ExpectInitiative(g, c, ns, "orders", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
	g.Eventually(func() error {
		_, _, err := kubectl("create", "-n", ns, "-f", deploymentManifest(t, "order-events", label("orders"), nil))
		return err
	}).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Expect(c.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "order-events"}, &metav1.PartialObjectMetadata{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}})).To(Succeed())
}
