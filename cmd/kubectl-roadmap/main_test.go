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

package main

// Golden-output tests: a real control plane (envtest) with the operator's controllers settles a small roadmap,
// then every command runs as a user would run it (kubeconfig, flags), with a fixed clock and --no-color, and its
// output is compared with testdata/. `go test ./cmd/kubectl-roadmap/ -update` rewrites the golden files.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/board"
	"github.com/roadmap-operator/roadmap-operator/internal/cliopts"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/plugin"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// clock is "now" for every command. The scenario's dates are either long past or years ahead of the real clock,
// so the statuses the operator computes with the real clock (goals at risk) do not change as time passes.
var clock = time.Date(2035, 1, 15, 9, 0, 0, 0, time.UTC)

var (
	env *testenv.Env
	k   client.Client
	// kubeconfigs of an administrator, of a user without any permission, and of a user who may read the
	// cluster-scoped kinds and the initiatives of team-personalisation only.
	adminConfig, nobodyConfig, teamConfig string
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testenv.RunInTempDir("kubectl-roadmap-test", func(dir string) int {
		return testenv.Suite{Setup: func(e *testenv.Env) (func() error, error) { return setup(e, dir) }}.Run(m)
	}))
}

// setup writes the kubeconfigs of the tests' users to dir and starts the manager.
func setup(e *testenv.Env, dir string) (func() error, error) {
	env, k = e, e.Client
	for _, u := range []struct {
		user envtest.User
		path *string
	}{
		{envtest.User{Name: "roadmap-admin", Groups: []string{"system:masters"}}, &adminConfig},
		{envtest.User{Name: "nobody"}, &nobodyConfig},
		{envtest.User{Name: "personalisation-dev"}, &teamConfig},
	} {
		var err error
		if *u.path, err = env.WriteKubeconfig(dir, u.user); err != nil {
			return nil, err
		}
	}
	mgr, err := operatortest.StartManager(env, controllers.DefaultOptions())
	if err != nil {
		return nil, err
	}
	return mgr.Stop, nil
}

var names = testenv.Names

func capability(name, owner string, lifecycle roadmapv1.CapabilityLifecycle, requires ...string) *roadmapv1.Capability {
	return &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: roadmapv1.CapabilitySpec{Title: name, Owner: owner, Lifecycle: lifecycle, Requires: names(requires...)}}
}

type spec = roadmapv1.InitiativeSpec

func initiative(ns, name string, s spec) *roadmapv1.Initiative {
	if s.Title == "" {
		s.Title = name
	}
	return &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: s}
}

func wsjf(value, urgency, risk, effort int32) func(*spec) {
	return func(s *spec) { s.Value, s.Urgency, s.RiskReduction, s.Effort = &value, &urgency, &risk, &effort }
}

func with(s spec, opts ...func(*spec)) spec {
	for _, o := range opts {
		o(&s)
	}
	return s
}

func dep(ns, name string) roadmapv1.InitiativeReference {
	return roadmapv1.InitiativeReference{Namespace: ns, Name: roadmapv1.ResourceName(name)}
}

// scenario is a goal with a child goal, capabilities that require one another, provider initiatives, a
// blocked innovation in schedule conflict with its provider, one nobody can start (no provider, and a capability
// that does not exist), work past its target date, finished work and a dependsOn cycle.
func scenario() []client.Object {
	ops, shop, search := "ops", "team-personalisation", "team-search"
	return []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ops}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: shop}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: search}},
		&roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: "realtime-personalisation"},
			Spec: roadmapv1.GoalSpec{Title: "Real-time personalisation", Owner: "cpo", TargetDate: "2035-12-31"}},
		&roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: "realtime-recommendations"},
			Spec: roadmapv1.GoalSpec{Title: "Recommendations on the storefront", Owner: "team-personalisation",
				Parent: "realtime-personalisation"}},
		capability("networking", "team-network", roadmapv1.LifecyclePlanned),
		capability("kubernetes-platform", "team-platform", roadmapv1.LifecycleAvailable, "networking"),
		capability("event-bus", "team-data", roadmapv1.LifecyclePlanned, "kubernetes-platform"),
		capability("feature-flags", "", roadmapv1.LifecyclePlanned),
		capability("observability", "team-sre", roadmapv1.LifecycleAvailable),
		initiative(ops, "network-refresh", with(spec{Track: roadmapv1.TrackOperations, Owner: "team-network",
			State: roadmapv1.StateActive, Provides: names("networking"), TargetDate: "2035-02-28",
			Goals: names("realtime-personalisation")}, wsjf(4, 6, 8, 6))),
		initiative(ops, "kafka-cluster", with(spec{Track: roadmapv1.TrackOperations, Owner: "team-data",
			State: roadmapv1.StateActive, Provides: names("event-bus"), Requires: names("kubernetes-platform"),
			TargetDate: "2035-06-30", Goals: names("realtime-personalisation")}, wsjf(5, 5, 8, 8))),
		initiative(ops, "cluster-upgrade", with(spec{Track: roadmapv1.TrackOperations, Owner: "team-platform",
			State: roadmapv1.StateDone, TargetDate: "2026-09-30", Goals: names("realtime-personalisation")}, wsjf(3, 3, 3, 3))),
		initiative(shop, "realtime-recommendations", with(spec{Title: "Real-time product recommendations",
			Track: roadmapv1.TrackInnovation, Owner: "team-personalisation", Requires: names("event-bus", "observability"),
			DependsOn: []roadmapv1.InitiativeReference{dep(ops, "kafka-cluster")}, TargetDate: "2035-05-31",
			Goals: names("realtime-recommendations")}, wsjf(8, 5, 3, 5))),
		initiative(shop, "ab-testing", with(spec{Track: roadmapv1.TrackInnovation, Owner: "team-personalisation",
			Requires: names("feature-flags", "experiment-platform"), TargetDate: "2035-03-31",
			Goals: names("realtime-recommendations")}, wsjf(6, 4, 2, 4))),
		initiative(shop, "legacy-recs-sunset", spec{Track: roadmapv1.TrackOperations, Owner: "team-personalisation",
			DependsOn: []roadmapv1.InitiativeReference{dep("", "realtime-recommendations")}, TargetDate: "2034-12-31",
			Goals: names("realtime-personalisation")}),
		initiative(search, "search-v2", spec{Track: roadmapv1.TrackInnovation, Owner: "team-search",
			DependsOn: []roadmapv1.InitiativeReference{dep("", "search-index")}, TargetDate: "2035-05-31"}),
		initiative(search, "search-index", spec{Track: roadmapv1.TrackOperations, Owner: "team-search",
			DependsOn: []roadmapv1.InitiativeReference{dep("", "search-v2")}, TargetDate: "2035-04-30"}),
		// personalisation-dev may read capabilities and goals, and the initiatives of its own namespace only.
		&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "roadmap-cluster-reader"},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{"roadmap.dev"}, Resources: []string{"capabilities", "goals"},
				Verbs: []string{"get", "list"}}}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "personalisation-dev-cluster-reader"},
			RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "roadmap-cluster-reader"},
			Subjects: []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: "personalisation-dev"}}},
		&rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: shop, Name: "initiative-reader"},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{"roadmap.dev"}, Resources: []string{"initiatives"},
				Verbs: []string{"get", "list"}}}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: shop, Name: "personalisation-dev-initiatives"},
			RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "initiative-reader"},
			Subjects: []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: "personalisation-dev"}}},
	}
}

// stale are the objects whose Ready condition normalises to three days before the clock; every other one to
// two hours before, so the 24h standup window leaves these out and a week takes them in.
var stale = map[string]bool{
	"Capability/observability":            true,
	"Initiative/ops/cluster-upgrade":      true,
	"Initiative/team-search/search-index": true,
}

// normalise replaces the times the control plane wrote (creation, condition transitions) with times relative
// to the fixed clock, so the output does not depend on when the test runs.
func normalise(s *roadmapview.Snapshot) {
	at := func(key string) metav1.Time {
		if stale[key] {
			return metav1.NewTime(clock.Add(-72 * time.Hour))
		}
		return metav1.NewTime(clock.Add(-2 * time.Hour))
	}
	fix := func(meta *metav1.ObjectMeta, conds []metav1.Condition, key string) {
		meta.CreationTimestamp = metav1.NewTime(clock.Add(-7 * 24 * time.Hour))
		for i := range conds {
			conds[i].LastTransitionTime = at(key)
		}
	}
	for i := range s.Capabilities {
		c := &s.Capabilities[i]
		fix(&c.ObjectMeta, c.Status.Conditions, "Capability/"+c.Name)
	}
	for i := range s.Initiatives {
		ini := &s.Initiatives[i]
		fix(&ini.ObjectMeta, ini.Status.Conditions, "Initiative/"+ini.Namespace+"/"+ini.Name)
		if ini.Status.CompletedAt != nil {
			completed := at("Initiative/" + ini.Namespace + "/" + ini.Name)
			ini.Status.CompletedAt = &completed
		}
	}
	for i := range s.Goals {
		g := &s.Goals[i]
		fix(&g.ObjectMeta, g.Status.Conditions, "Goal/"+g.Name)
	}
}

// kubectlRoadmap runs the plugin's command line as a user would, with the fixed clock.
func kubectlRoadmap(kubeconfig string, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	o := cliopts.NewOptions(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	o.Now = func() time.Time { return clock }
	o.AfterLoad = normalise
	cmd := plugin.NewCommand(o)
	cmd.AddCommand(board.Commands(o)...) // as main does
	cmd.SetArgs(append([]string{"--kubeconfig", kubeconfig, "--no-color"}, args...))
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func condition(conds []metav1.Condition, t string) metav1.Condition {
	if c := apimeta.FindStatusCondition(conds, t); c != nil {
		return *c
	}
	return metav1.Condition{}
}

// settled checks that the operator has evaluated everything the commands show.
func settled(g Gomega) {
	s, err := roadmapview.Load(context.Background(), k, roadmapview.Scope{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(s.Capabilities).To(HaveLen(5))
	g.Expect(s.Initiatives).To(HaveLen(8))
	for _, c := range s.Capabilities {
		g.Expect(c.Status.ObservedGeneration).To(Equal(c.Generation), "capability %s", c.Name)
		g.Expect(c.Status.Conditions).NotTo(BeEmpty(), "capability %s", c.Name)
	}
	for _, ini := range s.Initiatives {
		g.Expect(ini.Status.ObservedGeneration).To(Equal(ini.Generation), "initiative %s/%s", ini.Namespace, ini.Name)
		for _, t := range []string{"Ready", "Aligned", "ScheduleConflict", "Prioritized"} {
			g.Expect(condition(ini.Status.Conditions, t).Type).To(Equal(t), "initiative %s/%s", ini.Namespace, ini.Name)
		}
	}
	for _, goal := range s.Goals {
		g.Expect(goal.Status.ObservedGeneration).To(Equal(goal.Generation), "goal %s", goal.Name)
	}
	reason := func(ns, name string) string {
		ini := s.Initiative(ns, name)
		g.Expect(ini).NotTo(BeNil())
		return string(ini.Status.Phase) + "/" + condition(ini.Status.Conditions, "Ready").Reason
	}
	g.Expect(reason("ops", "network-refresh")).To(Equal("Ready/PrerequisitesMet"))
	g.Expect(reason("ops", "kafka-cluster")).To(Equal("Blocked/NoProvider"))
	g.Expect(reason("ops", "cluster-upgrade")).To(Equal("Done/Done"))
	g.Expect(reason("team-personalisation", "realtime-recommendations")).To(Equal("Blocked/CapabilityNotReady"))
	g.Expect(reason("team-personalisation", "ab-testing")).To(Equal("Blocked/CapabilityNotFound"))
	g.Expect(reason("team-personalisation", "legacy-recs-sunset")).To(Equal("Blocked/InitiativeNotDone"))
	g.Expect(reason("team-search", "search-v2")).To(Equal("Blocked/DependencyCycle"))
	g.Expect(reason("team-search", "search-index")).To(Equal("Blocked/DependencyCycle"))
	recs := s.Initiative("team-personalisation", "realtime-recommendations")
	g.Expect(recs.Status.BlockedBy).To(HaveLen(2))
	g.Expect(condition(recs.Status.Conditions, "ScheduleConflict").Status).To(Equal(metav1.ConditionTrue))
	g.Expect(s.Capability("event-bus").Status.Providers).To(HaveLen(1))
	g.Expect(s.Capability("networking").Status.Providers).To(HaveLen(1))
	g.Expect(s.Capability("kubernetes-platform").Status.Phase).To(Equal(roadmapv1.CapabilityPhaseBlocked))
	parent, child := s.Goal("realtime-personalisation"), s.Goal("realtime-recommendations")
	g.Expect(parent.Status.Initiatives.Total).To(BeEquivalentTo(6))
	g.Expect(child.Status.Initiatives.Total).To(BeEquivalentTo(2))
	g.Expect(condition(parent.Status.Conditions, "AtRisk").Status).To(Equal(metav1.ConditionTrue))
	g.Expect(condition(child.Status.Conditions, "AtRisk").Status).To(Equal(metav1.ConditionTrue))
}

func lineDiff(want, got string) string {
	return cmp.Diff(strings.Split(want, "\n"), strings.Split(got, "\n"))
}

func TestGolden(t *testing.T) {
	g := NewWithT(t)
	g.SetDefaultEventuallyTimeout(2 * time.Minute)
	g.SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	for _, o := range scenario() {
		g.Expect(k.Create(context.Background(), o)).To(Succeed(), "creating %T %s", o, o.GetName())
	}
	g.Eventually(settled).Should(Succeed())

	// plan marks as conflicting exactly the initiatives whose ScheduleConflict condition is True, with the
	// operator's message: legacy-recs-sunset starts after its target date (it dependsOn realtime-recommendations)
	// but is in no conflict the operator reports.
	t.Run("plan agrees with ScheduleConflict", func(t *testing.T) {
		g := NewWithT(t)
		g.Eventually(func(g Gomega) {
			s, err := roadmapview.Load(context.Background(), k, roadmapview.Scope{})
			g.Expect(err).NotTo(HaveOccurred())
			want := map[string]string{}
			for i := range s.Initiatives {
				ini := &s.Initiatives[i]
				if c := condition(ini.Status.Conditions, roadmapv1.ConditionScheduleConflict); c.Status == metav1.ConditionTrue {
					want[roadmapview.KeyOf(ini).String()] = c.Message
				}
			}
			g.Expect(want).To(HaveKey("team-personalisation/realtime-recommendations"))
			out, err := kubectlRoadmap(adminConfig, "plan", "-o", "json")
			g.Expect(err).NotTo(HaveOccurred())
			var p roadmapview.PlanResult
			g.Expect(json.Unmarshal([]byte(out), &p)).To(Succeed())
			got := map[string]string{}
			for _, task := range p.Tasks {
				if task.Conflict != "" {
					got[task.Key()] = task.Conflict
				}
			}
			g.Expect(got).To(Equal(want), "conflicts on the plan (-ScheduleConflict conditions +plan):\n%s", cmp.Diff(want, got))
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	cases := []struct {
		golden     string
		kubeconfig string
		args       []string
	}{
		{"why-realtime-recommendations.txt", adminConfig, []string{"why", "realtime-recommendations", "-n", "team-personalisation"}},
		{"why-realtime-recommendations.json", adminConfig, []string{"why", "team-personalisation/realtime-recommendations", "-o", "json"}},
		{"why-ab-testing.txt", adminConfig, []string{"why", "initiative/ab-testing", "-n", "team-personalisation"}},
		{"why-legacy-recs-sunset.txt", adminConfig, []string{"why", "team-personalisation/legacy-recs-sunset"}},
		{"why-search-v2.txt", adminConfig, []string{"why", "search-v2", "-n", "team-search"}},
		{"why-capability-event-bus.txt", adminConfig, []string{"why", "capability/event-bus"}},
		{"why-limited-rbac.txt", teamConfig, []string{"why", "legacy-recs-sunset", "-n", "team-personalisation"}},
		{"tree-goal.txt", adminConfig, []string{"tree", "goal/realtime-personalisation"}},
		{"tree-capability.txt", adminConfig, []string{"tree", "capability", "event-bus"}},
		{"tree-initiative.txt", adminConfig, []string{"tree", "initiative", "realtime-recommendations", "-n", "team-personalisation"}},
		{"tree-kubernetes-platform.txt", adminConfig, []string{"tree", "kubernetes-platform"}},
		{"standup-all.txt", adminConfig, []string{"standup", "-A"}},
		{"standup-all.yaml", adminConfig, []string{"standup", "-A", "-o", "yaml"}},
		{"standup-team-personalisation-7d.txt", adminConfig, []string{"standup", "-n", "team-personalisation", "--since", "7d"}},
		{"graph.dot", adminConfig, []string{"graph", "--format", "dot"}},
		{"graph.mmd", adminConfig, []string{"graph"}},
		{"graph-team-personalisation.mmd", adminConfig, []string{"graph", "--format", "mermaid", "-n", "team-personalisation"}},
		{"plan.txt", adminConfig, []string{"plan"}},
		{"plan.mmd", adminConfig, []string{"plan", "--format", "mermaid"}},
		{"plan-team-personalisation.json", adminConfig, []string{"plan", "-n", "team-personalisation", "-o", "json"}},
		// Validated with Backstage's own validators by internal/backstage's TestBackstageAcceptsTheClusterExport.
		{"backstage.yaml", adminConfig, []string{"export", "--format", "backstage", "--board-url", "https://roadmap.example.com/"}},
	}
	for _, tc := range cases {
		t.Run(tc.golden, func(t *testing.T) {
			g := NewWithT(t)
			path := filepath.Join("testdata", tc.golden)
			if *update {
				out, err := kubectlRoadmap(tc.kubeconfig, tc.args...)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(os.MkdirAll("testdata", 0o755)).To(Succeed())
				g.Expect(os.WriteFile(path, []byte(out), 0o644)).To(Succeed())
				return
			}
			want, err := os.ReadFile(path)
			g.Expect(err).NotTo(HaveOccurred(), "run with -update to create it")
			// Statuses have settled; Eventually only rides out a write still in flight.
			g.Eventually(func(g Gomega) {
				out, err := kubectlRoadmap(tc.kubeconfig, tc.args...)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(lineDiff(string(want), out)).To(BeEmpty(), "kubectl roadmap %s (-%s +got)",
					strings.Join(tc.args, " "), path)
			}).WithTimeout(30 * time.Second).Should(Succeed())
		})
	}

	// A board URL Backstage could not follow is refused before anything is read.
	t.Run("export --board-url", func(t *testing.T) {
		g := NewWithT(t)
		for args, want := range map[string]string{
			"--format backstage --board-url roadmap.example.com":     `--board-url: invalid board URL "roadmap.example.com": use an absolute http or https URL`,
			"--format html --board-url https://roadmap.example.com/": "--board-url is for --format backstage",
		} {
			_, err := kubectlRoadmap(nobodyConfig, append([]string{"export"}, strings.Fields(args)...)...)
			g.Expect(err).To(MatchError(ContainSubstring(want)), "kubectl roadmap export %s", args)
		}
	})

	// Errors say what went wrong and what to do.
	t.Run("errors.txt", func(t *testing.T) {
		g := NewWithT(t)
		var out strings.Builder
		for _, c := range []struct {
			kubeconfig string
			args       []string
		}{
			{nobodyConfig, []string{"why", "realtime-recommendations", "-n", "team-personalisation"}},
			{teamConfig, []string{"standup", "-A"}},
			{adminConfig, []string{"why", "nope", "-n", "team-personalisation"}},
			{adminConfig, []string{"tree", "event-bus-typo"}},
			{adminConfig, []string{"tree", "realtime-recommendations", "-n", "team-personalisation"}},
			{adminConfig, []string{"why", "goal/realtime-personalisation"}},
			{adminConfig, []string{"graph", "--format", "png"}},
			{adminConfig, []string{"standup", "--since", "yesterday"}},
			{adminConfig, []string{"why", "realtime-recommendations", "-n", "team-personalisation", "-o", "wide"}},
		} {
			_, err := kubectlRoadmap(c.kubeconfig, c.args...)
			g.Expect(err).To(HaveOccurred(), "kubectl roadmap %s", strings.Join(c.args, " "))
			fmt.Fprintf(&out, "$ kubectl roadmap %s\nerror: %v\n", strings.Join(c.args, " "), err)
		}
		path := filepath.Join("testdata", "errors.txt")
		if *update {
			g.Expect(os.WriteFile(path, []byte(out.String()), 0o644)).To(Succeed())
			return
		}
		want, err := os.ReadFile(path)
		g.Expect(err).NotTo(HaveOccurred(), "run with -update to create it")
		g.Expect(lineDiff(string(want), out.String())).To(BeEmpty())
	})
}
