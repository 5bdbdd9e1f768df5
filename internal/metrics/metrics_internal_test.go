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

package metrics

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// cacheWith is a stand-in for a manager's cache holding n capabilities.
func cacheWith(t *testing.T, n int) client.Reader {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := roadmapv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	b := fake.NewClientBuilder().WithScheme(scheme)
	for i := range n {
		b = b.WithObjects(&roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "cap-" + string(rune('a'+i))}})
	}
	return b.Build()
}

// capabilities is what the collector reports as roadmap_capabilities{ready="false"}, or -1 when it reports nothing.
func capabilities(t *testing.T, c *stateCollector) float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "roadmap_capabilities" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "ready" && l.GetValue() == "false" {
					return m.GetGauge().GetValue()
				}
			}
		}
	}
	return -1
}

// collectorForTest is a state collector of its own, with the real descriptors.
func collectorForTest() *stateCollector {
	return &stateCollector{initiatives: state.initiatives, capabilities: state.capabilities, cycles: state.cycles,
		goalsAtRisk: state.goalsAtRisk, blockedSince: state.blockedSince, startedEarly: state.startedEarly}
}

// TestStateCollectorFollowsRunningManagers: with several managers in one process, the state gauges come from a
// running manager's cache (the longest-running one), not from whichever was set up last, and never from a
// stopped one.
func TestStateCollectorFollowsRunningManagers(t *testing.T) {
	c := collectorForTest()
	if got := capabilities(t, c); got != -1 {
		t.Fatalf("no manager runs, yet the collector reports %v capabilities", got)
	}
	removeA := c.add(cacheWith(t, 1))
	removeB := c.add(cacheWith(t, 2))
	if got := capabilities(t, c); got != 1 {
		t.Errorf("two managers run: the gauges should describe the first one's cluster (1 capability), got %v", got)
	}
	removeA()
	if got := capabilities(t, c); got != 2 {
		t.Errorf("the first manager stopped: the gauges should describe the other's cluster (2), got %v", got)
	}
	removeB()
	if got := capabilities(t, c); got != -1 {
		t.Errorf("every manager stopped: the collector must report nothing, got %v", got)
	}
}

// TestStateSourceLendsTheCacheWhileRunning: the runnable each manager adds lends its cache from Start until its
// context ends.
func TestStateSourceLendsTheCacheWhileRunning(t *testing.T) {
	c := collectorForTest()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- stateSource{collector: c, cache: cacheWith(t, 3)}.Start(ctx) }()
	g := NewWithT(t)
	g.Eventually(func() float64 { return capabilities(t, c) }, 10*time.Second).Should(Equal(3.0),
		"a running manager lends its cache")
	cancel()
	g.Expect(<-done).To(Succeed())
	if c.current() != nil {
		t.Error("a stopped manager's cache is still lent to the collector")
	}
	if (stateSource{}).NeedLeaderElection() {
		t.Error("every replica reports the state it sees")
	}
}
