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

package reliability_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
)

// TestAPIServerRestart: kube-apiserver goes away in the middle of a fan-out and comes back on the same address;
// the manager, never restarted, reconnects and finishes: every dependent Ready, the queues drained, and no
// initiative told twice that it is Unblocked.
func TestAPIServerRestart(t *testing.T) { apiServerRestart(t, 200) }

func TestAPIServerRestartLong(t *testing.T) {
	needLong(t)
	apiServerRestart(t, 1000)
}

func apiServerRestart(t *testing.T, n int) {
	g, ns, bus := busFixture(t, "apiserver-restart", n)

	idle := queueDepths(g)
	m := startManager(t, g, controllers.DefaultOptions(), nil)
	tr := track(t, g, ns)
	g.Expect(k.Create(ctx(), capability(bus, roadmapv1.LifecyclePlanned))).To(Succeed())
	createAll(g, dependents(ns, n, bus))
	g.Eventually(func() int { return tr.count(ns, isBlocked) }).Should(Equal(n))
	expectIdle(g, idle)
	errorsBefore := reconcileErrors(g, "initiative")

	setLifecycle(g, bus, roadmapv1.LifecycleAvailable)
	fanOut := time.Now()
	g.Eventually(func() int { return tr.count(ns, isReady) }).WithPolling(5 * time.Millisecond).
		Should(BeNumerically(">", 0))
	stopping := time.Now()
	readyAtStop := tr.count(ns, isReady)
	g.Expect(env.StopAPIServer()).To(Succeed())
	stopped := time.Now()
	restartedOK := false
	t.Cleanup(func() { // for the next tests, should this one fail while kube-apiserver is down
		if !restartedOK {
			if err := env.StartAPIServer(); err != nil {
				t.Error(err)
			}
		}
	})
	g.Expect(readyAtStop).To(BeNumerically("<", n), "kube-apiserver should stop in the middle of the fan-out")

	// The manager notices: its status writes fail. Then kube-apiserver comes back.
	g.Eventually(func(g Gomega) int { return reconcileErrors(g, "initiative") - errorsBefore }).
		Should(BeNumerically(">", 0))
	g.Expect(env.StartAPIServer()).To(Succeed())
	restartedOK = true
	restarted := time.Now()
	outageErrors := reconcileErrors(g, "initiative") - errorsBefore
	t.Logf("kube-apiserver told to stop %v into the fan-out, with %d of %d dependents Ready, stopped in %v; "+
		"down for %v (the manager's initiative reconciles failed %d times meanwhile)",
		stopping.Sub(fanOut).Round(time.Millisecond), readyAtStop, n, stopped.Sub(stopping).Round(time.Millisecond),
		restarted.Sub(stopped).Round(time.Millisecond), outageErrors)

	g.Eventually(func() int { return tr.count(ns, isReady) }).Should(Equal(n))
	t.Logf("every dependent Ready %v after kube-apiserver came back (%d reconcile errors in all)",
		time.Since(restarted).Round(time.Millisecond), reconcileErrors(g, "initiative")-errorsBefore)
	expectAllReady(g, ns, n)
	expectIdle(g, idle)
	// Settled: no more errors, and no more writes. (Reconciles may still come: informers whose watch cannot
	// resume on the new kube-apiserver list again, later or sooner by their backoff, and replay every object.)
	errs, rvs := errorCounts(g), resourceVersionsIn(g, ns)
	g.Consistently(func(g Gomega) {
		g.Expect(errorCounts(g)).To(Equal(errs), "reconcile errors after everything settled")
		g.Expect(resourceVersionsIn(g, ns)).To(Equal(rvs), "writes after everything settled")
	}).WithPolling(time.Second).Should(Succeed())

	// Events the outage kept from the apiserver are retried (every 10s or so), so every initiative gets its own.
	unblocked := expectOneEventEach(g, ns, "Unblocked", nil, n)
	t.Logf("Unblocked events: %d of %d initiatives got one, none got two", unblocked, n)
	g.Expect(m.stop()).To(Succeed(), "the manager should have run through the outage")
}

func errorCounts(g Gomega) map[string]int {
	errs := map[string]int{}
	for _, c := range controllerNames {
		errs[c] = reconcileErrors(g, c)
	}
	return errs
}

// resourceVersionsIn is the resourceVersion of every initiative of ns.
func resourceVersionsIn(g Gomega, ns string) map[string]string {
	rvs := map[string]string{}
	for _, ini := range listInitiatives(g, ns) {
		rvs[ini.Name] = ini.ResourceVersion
	}
	return rvs
}
