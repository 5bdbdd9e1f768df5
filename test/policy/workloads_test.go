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
	"k8s.io/utils/ptr"
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
// namespace's InitiativeIndex, the initiatives as the operator last wrote them, so they hold while the operator
// is down, and follow the cluster once it is back. A label naming no initiative is refused in enforce, so is
// every workload of a namespace whose index is missing or not written yet, and an initiative deleted while the
// operator is down keeps its last verdict until the operator is back.
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
	// Ready from the start (it requires nothing), and deleted while the operator is stopped.
	testenv.Create(g, c, testenv.Initiative(modes["enforce"], "retired"))
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
		// The namespace has initiatives, none of them this one: refused in enforce (fail closed).
		{name: "ghost", labels: label("no-such-work"), message: func(ns string) string {
			return "Deployment " + ns + "/ghost: label roadmap.dev/initiative=no-such-work names no initiative of namespace " + ns
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

	// A Ready initiative admits its workloads.
	ns = modes["enforce"]
	testenv.ExpectInitiative(g, c, ns, "retired", roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
	g.Eventually(func() error {
		_, _, err := kubectl("create", "--dry-run=server", "-n", ns, "-f", deploymentManifest(t, "for-retired", label("retired"), nil))
		return err
	}).WithPolling(200 * time.Millisecond).Should(Succeed())

	// The operator stops; the capability becomes Available meanwhile. Nothing rewrites the initiatives'
	// status, so the gate keeps what it last said: still Blocked, still denied.
	g.Expect(mgr.Stop()).To(Succeed())
	running = false
	testenv.Update(g, c, &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "gate-bus"}}, func(cp *roadmapv1.Capability) {
		cp.Spec.Lifecycle = roadmapv1.LifecycleAvailable
	})
	runMatrix(t, "operator-stopped")

	// A new initiative created while the operator is down is not in the index yet: refused until the operator
	// has indexed and evaluated it.
	fresh := testenv.Initiative(ns, "fresh")
	testenv.Create(g, c, fresh)
	_, stderr, err = kubectl("create", "--dry-run=server", "-n", ns, "-f", deploymentManifest(t, "early", label("fresh"), nil))
	g.Expect(err).To(HaveOccurred())
	g.Expect(stderr).To(ContainSubstring("label roadmap.dev/initiative=fresh names no initiative of namespace " + ns))

	// An initiative deleted while the operator is down keeps its last verdict in the index until the operator is
	// back (docs/workloads.md, "While the operator is stopped").
	g.Expect(c.Delete(t.Context(), testenv.Initiative(ns, "retired"))).To(Succeed())
	_, stderr, err = kubectl("create", "--dry-run=server", "-n", ns, "-f", deploymentManifest(t, "for-retired", label("retired"), nil))
	g.Expect(err).NotTo(HaveOccurred(), stderr)

	// A namespace that opts in while the operator is down has no index: enforce refuses everything (the
	// apiserver's own message for a missing param), updates and break glass included; warn admits.
	unindexed := testenv.EnsureNamespace(t, c, "wl-unindexed")
	_, stderr, err = kubectl("label", "namespace", unindexed, "roadmap.dev/workloads=enforce")
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	testenv.Create(g, c, testenv.Initiative(unindexed, "orders"))
	g.Eventually(func() string {
		_, stderr, _ := kubectl("create", "--dry-run=server", "-n", unindexed, "-f", deploymentManifest(t, "early", label("orders"), nil))
		return stderr
	}).WithPolling(200 * time.Millisecond).Should(ContainSubstring("no params found for policy binding with `Deny` parameterNotFoundAction"))
	_, stderr, err = kubectl("create", "--dry-run=server", "-n", unindexed, "-f", deploymentManifest(t, "incident", nil,
		map[string]string{roadmapv1.AnnotationBreakGlass: "INC-3"}))
	g.Expect(err).To(HaveOccurred(), "break glass needs the index to exist")
	g.Expect(stderr).To(ContainSubstring("ValidatingAdmissionPolicy '" + gateName + "' with binding '" + gateName + "-enforce'"))
	unindexedWarn := testenv.EnsureNamespace(t, c, "wl-unindexed-warn")
	_, stderr, err = kubectl("label", "namespace", unindexedWarn, "roadmap.dev/workloads=warn")
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	_, stderr, err = kubectl("create", "--dry-run=server", "-n", unindexedWarn, "-f", deploymentManifest(t, "early", nil, nil))
	g.Expect(err).NotTo(HaveOccurred(), stderr)

	// An index that exists but that the operator has not written: whoever creates one creates it empty (the
	// status subresource drops the status of a create, the entry below included), and it refuses everything with
	// a message saying so; break glass passes.
	unwritten := testenv.EnsureNamespace(t, c, "wl-unwritten")
	_, stderr, err = kubectl("label", "namespace", unwritten, "roadmap.dev/workloads=enforce")
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	testenv.Create(g, c, &roadmapv1.InitiativeIndex{ObjectMeta: metav1.ObjectMeta{Namespace: unwritten, Name: roadmapv1.InitiativeIndexName},
		Status: roadmapv1.InitiativeIndexStatus{Total: ptr.To[int32](1), Initiatives: map[string]roadmapv1.InitiativeIndexEntry{
			"forged": {Phase: roadmapv1.PhaseReady, Evaluated: true}}}})
	g.Eventually(func() string {
		_, stderr, _ := kubectl("create", "--dry-run=server", "-n", unwritten, "-f", deploymentManifest(t, "early", label("forged"), nil))
		return stderr
	}).WithPolling(200 * time.Millisecond).Should(ContainSubstring(
		"the initiative index of namespace " + unwritten + " (InitiativeIndex initiatives) has not been written by the operator yet"))
	_, stderr, err = kubectl("create", "--dry-run=server", "-n", unwritten, "-f", deploymentManifest(t, "incident", nil,
		map[string]string{roadmapv1.AnnotationBreakGlass: "INC-3"}))
	g.Expect(err).NotTo(HaveOccurred(), stderr)

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

	// The operator has taken the initiative deleted while it was down out of the index: refused now.
	g.Eventually(func() string {
		_, stderr, _ := kubectl("create", "--dry-run=server", "-n", ns, "-f", deploymentManifest(t, "for-retired", label("retired"), nil))
		return stderr
	}).WithPolling(200 * time.Millisecond).Should(ContainSubstring("label roadmap.dev/initiative=retired names no initiative"))
	// The namespaces without an index, or with one the operator did not write, get theirs: the rules apply.
	for _, n := range []string{unindexed, unwritten} {
		g.Eventually(func() string {
			_, stderr, _ := kubectl("create", "--dry-run=server", "-n", n, "-f", deploymentManifest(t, "shadow", nil, nil))
			return stderr
		}).WithPolling(200*time.Millisecond).Should(ContainSubstring(unlabelled(n, "shadow")), n)
	}
	_, stderr, err = kubectl("create", "--dry-run=server", "-n", unwritten, "-f", deploymentManifest(t, "early", label("forged"), nil))
	g.Expect(err).To(HaveOccurred(), "the forged entry is gone")
	g.Expect(stderr).To(ContainSubstring("label roadmap.dev/initiative=forged names no initiative"))

	// An initiative deleted while the operator runs, and while a workload names it: new workloads for it are
	// refused; the workload already admitted is still updated and scaled.
	g.Expect(c.Delete(t.Context(), testenv.Initiative(ns, "orders"))).To(Succeed())
	g.Eventually(func() string {
		_, stderr, _ := kubectl("create", "--dry-run=server", "-n", ns, "-f", deploymentManifest(t, "more-events", label("orders"), nil))
		return stderr
	}).WithPolling(200 * time.Millisecond).Should(ContainSubstring("label roadmap.dev/initiative=orders names no initiative of namespace " + ns))
	_, stderr, err = kubectl("set", "image", "-n", ns, "deployment/order-events", "app=registry.example/app:2")
	g.Expect(err).NotTo(HaveOccurred(), stderr, "a rollout of a workload whose initiative is gone passes")
	_, stderr, err = kubectl("scale", "-n", ns, "deployment/order-events", "--replicas=2")
	g.Expect(err).NotTo(HaveOccurred(), stderr, "scale passes")
}
