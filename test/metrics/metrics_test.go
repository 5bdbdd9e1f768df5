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

// Package metrics scrapes the manager's metrics endpoint against a real apiserver, and checks that nonsense
// which passes the schema ends in clear conditions without hot-looping the manager.
package metrics

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var (
	env        *testenv.Env
	k          client.Client
	metricsURL string
)

func TestMain(m *testing.M) { os.Exit(testenv.Suite{Setup: setup}.Run(m)) }

// setup starts the manager with its metrics endpoint on a free address.
func setup(e *testenv.Env) (func() error, error) {
	env, k = e, e.Client
	addr, err := freeAddress()
	if err != nil {
		return nil, err
	}
	metricsURL = "http://" + addr + "/metrics"
	// Plain HTTP on loopback here; in a cluster the endpoint is HTTPS with authentication (--metrics-secure).
	mgr, err := operatortest.StartManagerWith(env.Config, controllers.DefaultOptions(), func(o *ctrl.Options) {
		o.Metrics = metricsserver.Options{BindAddress: addr}
	})
	if err != nil {
		return nil, err
	}
	return mgr.Stop, nil
}

func freeAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String(), nil
}

// scrape returns the value of every sample line, keyed by its name and labels as exposed.
func scrape(g Gomega) map[string]float64 {
	resp, err := http.Get(metricsURL)
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = resp.Body.Close() }()
	g.Expect(resp.StatusCode).To(Equal(http.StatusOK))
	body, err := io.ReadAll(resp.Body)
	g.Expect(err).NotTo(HaveOccurred())
	samples := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		g.Expect(err).NotTo(HaveOccurred(), line)
		samples[line[:i]] = v
	}
	return samples
}

func newG(t *testing.T) *WithT {
	g := testenv.NewG(t, time.Minute)
	g.SetDefaultConsistentlyDuration(3 * time.Second)
	return g
}

func namespace(t *testing.T, name string) { testenv.EnsureNamespace(t, k, name) }

func names(prefix string, n int) []roadmapv1.ResourceName {
	out := make([]roadmapv1.ResourceName, n)
	for i := range out {
		out[i] = roadmapv1.ResourceName(fmt.Sprintf("%s-%d", prefix, i))
	}
	return out
}

// TestRoadmapMetrics: the roadmap_ gauges agree with the objects, and unblocking observes the histograms.
func TestRoadmapMetrics(t *testing.T) {
	g := newG(t)
	ctx := context.Background()
	namespace(t, "m-shop")
	g.Expect(k.Create(ctx, &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "m-bus"},
		Spec: roadmapv1.CapabilitySpec{Title: "bus", Lifecycle: roadmapv1.LifecyclePlanned}})).To(Succeed())
	for _, c := range []struct{ name, requires string }{{"m-loop-a", "m-loop-b"}, {"m-loop-b", "m-loop-a"}} {
		g.Expect(k.Create(ctx, &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: c.name},
			Spec: roadmapv1.CapabilitySpec{Title: c.name, Lifecycle: roadmapv1.LifecycleAvailable,
				Requires: []roadmapv1.ResourceName{roadmapv1.ResourceName(c.requires)}}})).To(Succeed())
	}
	g.Expect(k.Create(ctx, &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: "m-goal"},
		Spec: roadmapv1.GoalSpec{Title: "goal"}})).To(Succeed())
	for _, name := range []string{"stream-a", "stream-b"} {
		state := roadmapv1.StateProposed
		if name == "stream-b" {
			state = roadmapv1.StateActive // started before the bus is ready
		}
		g.Expect(k.Create(ctx, &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: "m-shop", Name: name},
			Spec: roadmapv1.InitiativeSpec{Title: name, Track: roadmapv1.TrackInnovation, Goals: []roadmapv1.ResourceName{"m-goal"},
				Requires: []roadmapv1.ResourceName{"m-bus"}, TargetDate: "2020-01-31", State: state}})).To(Succeed())
	}
	g.Expect(k.Create(ctx, &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: "m-shop", Name: "run"},
		Spec: roadmapv1.InitiativeSpec{Title: "run", Track: roadmapv1.TrackOperations}})).To(Succeed())

	g.Eventually(func(g Gomega) {
		m := scrape(g)
		g.Expect(m).To(HaveKeyWithValue(`roadmap_initiatives{namespace="m-shop",phase="Blocked",track="Innovation"}`, 2.0))
		g.Expect(m).To(HaveKeyWithValue(`roadmap_initiatives{namespace="m-shop",phase="Ready",track="Operations"}`, 1.0))
		g.Expect(m).To(HaveKeyWithValue(`roadmap_capabilities{ready="false"}`, 3.0))
		g.Expect(m).To(HaveKeyWithValue(`roadmap_dependency_cycles{kind="Capability"}`, 2.0))
		g.Expect(m).To(HaveKeyWithValue(`roadmap_goals_at_risk`, 1.0), "blocked past its target date")
		g.Expect(m).To(HaveKey(`roadmap_initiative_blocked_since_timestamp_seconds{name="stream-a",namespace="m-shop"}`))
		g.Expect(m).To(HaveKeyWithValue(`roadmap_initiatives_started_early`, 1.0))
	}).Should(Succeed())
	before := scrape(g)

	c := &roadmapv1.Capability{}
	g.Expect(k.Get(ctx, client.ObjectKey{Name: "m-bus"}, c)).To(Succeed())
	patch := client.MergeFrom(c.DeepCopy())
	c.Spec.Lifecycle = roadmapv1.LifecycleAvailable
	g.Expect(k.Patch(ctx, c, patch)).To(Succeed())
	g.Eventually(func(g Gomega) {
		m := scrape(g)
		g.Expect(m).To(HaveKeyWithValue(`roadmap_initiatives{namespace="m-shop",phase="Ready",track="Innovation"}`, 2.0))
		g.Expect(m).NotTo(HaveKey(`roadmap_initiative_blocked_since_timestamp_seconds{name="stream-a",namespace="m-shop"}`))
		g.Expect(m["roadmap_propagation_seconds_count"] - before["roadmap_propagation_seconds_count"]).To(BeNumerically(">=", 2))
		g.Expect(m["roadmap_initiative_blocked_seconds_count"] - before["roadmap_initiative_blocked_seconds_count"]).To(BeNumerically(">=", 2))
		g.Expect(m).To(HaveKeyWithValue(`roadmap_goals_at_risk`, 0.0))
		g.Expect(m).To(HaveKeyWithValue(`roadmap_initiatives_started_early`, 0.0))
	}).Should(Succeed())
}

// TestNonsenseIsBounded: objects that pass the schema but reference nonsense (lists at their bounds, unicode
// text, namespaces and kinds that do not exist) end in clear conditions, and the manager settles instead of
// hot-looping: once they are evaluated, the reconcile counters stand still.
func TestNonsenseIsBounded(t *testing.T) {
	g := newG(t)
	ctx := context.Background()
	namespace(t, "m-nonsense")
	checks := make([]roadmapv1.CheckReference, 32)
	for i := range checks {
		checks[i] = roadmapv1.CheckReference{APIVersion: fmt.Sprintf("nowhere%d.example/v9", i), Kind: "Ghost", Name: "boo"}
	}
	g.Expect(k.Create(ctx, &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "m-nonsense"},
		Spec: roadmapv1.CapabilitySpec{Title: "Ünïcödé 能力 🚀", Owner: "équipe-données", Lifecycle: roadmapv1.LifecycleAvailable,
			Requires: names("m-missing", 64), Checks: checks}})).To(Succeed())
	deps := make([]roadmapv1.InitiativeReference, 64)
	for i := range deps {
		deps[i] = roadmapv1.InitiativeReference{Namespace: fmt.Sprintf("no-such-namespace-%d", i), Name: "ghost"}
	}
	g.Expect(k.Create(ctx, &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: "m-nonsense", Name: "everything"},
		Spec: roadmapv1.InitiativeSpec{Title: "Tout à la fois — 一切 🌍", Track: roadmapv1.TrackInnovation,
			Goals: names("m-no-goal", 16), Requires: names("m-missing", 64), Provides: names("m-offered", 16), DependsOn: deps}})).To(Succeed())

	g.Eventually(func(g Gomega) {
		c := &roadmapv1.Capability{}
		g.Expect(k.Get(ctx, client.ObjectKey{Name: "m-nonsense"}, c)).To(Succeed())
		ready := apimeta.FindStatusCondition(c.Status.Conditions, roadmapv1.ConditionReady)
		g.Expect(ready).NotTo(BeNil())
		g.Expect(ready.Reason).To(Equal(roadmapv1.CapabilityReasonPrerequisiteNotFound))
		g.Expect(c.Status.Checks).To(HaveLen(32))
		g.Expect(c.Status.Checks[31].Reason).To(Equal(roadmapv1.CheckReasonKindNotFound))
		g.Expect(c.Status.Summary).To(Equal("capability m-missing-0: not found, capability m-missing-1: not found (+94 more)"))

		i := &roadmapv1.Initiative{}
		g.Expect(k.Get(ctx, client.ObjectKey{Namespace: "m-nonsense", Name: "everything"}, i)).To(Succeed())
		g.Expect(i.Status.Phase).To(Equal(roadmapv1.PhaseBlocked))
		g.Expect(i.Status.BlockedBy).To(HaveLen(128))
		g.Expect(i.Status.Summary).To(Equal("capability m-missing-0: not found, capability m-missing-1: not found (+126 more)"))
		aligned := apimeta.FindStatusCondition(i.Status.Conditions, roadmapv1.ConditionAligned)
		g.Expect(aligned).NotTo(BeNil())
		g.Expect(aligned.Reason).To(Equal(roadmapv1.AlignedReasonGoalNotFound))
	}).Should(Succeed())

	// Settled: no reconcile runs any more, and none fails.
	counters := func(g Gomega) []float64 {
		m := scrape(g)
		var out []float64
		for _, c := range []string{"capability", "initiative", "goal"} {
			out = append(out, m[`controller_runtime_reconcile_total{controller="`+c+`",result="success"}`],
				m[`controller_runtime_reconcile_total{controller="`+c+`",result="error"}`])
		}
		return out
	}
	var settled []float64
	g.Eventually(func(g Gomega) {
		previous := settled
		settled = counters(g)
		g.Expect(settled).To(Equal(previous))
	}).WithPolling(time.Second).Should(Succeed())
	g.Consistently(counters).Should(Equal(settled))
}
