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
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
)

// Lease timings of the leader election tests: short, so that a handover takes seconds.
const (
	leaseDuration = 4 * time.Second
	renewDeadline = 3 * time.Second
	retryPeriod   = time.Second
)

// TestLeaderHandoverOnStop: the leader stops cleanly in the middle of a fan-out and hands the Lease over (as
// cmd/manager does, LeaderElectionReleaseOnCancel); the other manager takes over and finishes the fan-out.
func TestLeaderHandoverOnStop(t *testing.T) { leaderHandover(t, 200, false) }

// TestLeaderHandoverOnCrash: the leader dies in the middle of a fan-out (all its connections fail from one
// instant: no drain, no Lease release); the other manager takes over once the Lease expires.
func TestLeaderHandoverOnCrash(t *testing.T) { leaderHandover(t, 200, true) }

func TestLeaderHandoverOnStopLong(t *testing.T) {
	needLong(t)
	leaderHandover(t, 2000, false)
}

func TestLeaderHandoverOnCrashLong(t *testing.T) {
	needLong(t)
	leaderHandover(t, 2000, true)
}

func leaderHandover(t *testing.T, n int, crash bool) {
	variant := "stop"
	if crash {
		variant = "crash"
	}
	g, ns, bus := busFixture(t, "leader-"+variant, n)

	// Two managers, as two replicas of the Deployment would be. A crash leaves the Lease held, so the crash
	// variant does not release it on stop either.
	election := operatortest.LeaderElection(leaseNamespace, leaseDuration, renewDeadline, retryPeriod, !crash)
	a := startManager(t, g, controllers.DefaultOptions(), election)
	b := startManager(t, g, controllers.DefaultOptions(), election)

	var leader, follower *manager
	g.Eventually(func() bool { return elected(a) || elected(b) }).Should(BeTrue(), "one manager should lead")
	leader, follower = a, b
	if elected(b) {
		leader, follower = b, a
	}
	g.Expect(elected(follower)).To(BeFalse(), "both managers lead")
	var holder string
	var transitions int32
	g.Eventually(func(g Gomega) string {
		holder, transitions = leaseHolder(g)
		return holder
	}).ShouldNot(BeEmpty())
	t.Logf("leader %s", holder)

	tr := track(t, g, ns)
	g.Expect(k.Create(ctx(), capability(bus, roadmapv1.LifecyclePlanned))).To(Succeed())
	start := time.Now()
	createAll(g, dependents(ns, n, bus))
	g.Eventually(func() int { return tr.count(ns, isBlocked) }).Should(Equal(n))
	t.Logf("%d initiatives created and Blocked in %v", n, time.Since(start).Round(time.Millisecond))

	// The fan-out: stop the leader as soon as the first dependents are Ready.
	setLifecycle(g, bus, roadmapv1.LifecycleAvailable)
	fanOut := time.Now()
	g.Eventually(func() int { return tr.count(ns, isReady) }).WithPolling(5 * time.Millisecond).
		Should(BeNumerically(">", 0))
	if crash {
		leader.severed.Store(true)
	} else {
		g.Expect(leader.stop()).To(Succeed())
	}
	stopped := time.Now()
	readyAtStop := tr.count(ns, isReady)
	g.Expect(readyAtStop).To(BeNumerically("<", n), "the leader should stop in the middle of the fan-out")
	t.Logf("leader %s after %v, with %d of %d dependents Ready", map[bool]string{true: "crashed", false: "stopped"}[crash],
		stopped.Sub(fanOut).Round(time.Millisecond), readyAtStop, n)

	// The other manager takes over, within the lease duration (plus a retry period to notice, and slack for
	// a loaded machine).
	var newHolder string
	var newTransitions int32
	g.Eventually(func(g Gomega) {
		newHolder, newTransitions = leaseHolder(g)
		g.Expect(newHolder).NotTo(BeEmpty())
		g.Expect(newHolder).NotTo(Equal(holder))
	}).WithTimeout(3 * leaseDuration).WithPolling(50 * time.Millisecond).Should(Succeed())
	takeover := time.Since(stopped)
	g.Expect(newTransitions).To(BeNumerically(">", transitions))
	g.Eventually(follower.Elected()).Should(BeClosed())
	readyAtTakeover := tr.count(ns, isReady)
	t.Logf("%s took over %v after the stop, with %d of %d dependents Ready", newHolder,
		takeover.Round(time.Millisecond), readyAtTakeover, n)
	if crash {
		// Cut off, the old leader could not renew the Lease and stepped down, as a real one exits.
		g.Expect(leader.stop()).To(MatchError(ContainSubstring("leader election lost")))
	}

	g.Eventually(func() int { return tr.count(ns, isReady) }).Should(Equal(n))
	t.Logf("every dependent Ready %v after the stop (fan-out %v in all)", time.Since(stopped).Round(time.Millisecond),
		time.Since(fanOut).Round(time.Millisecond))
	expectAllReady(g, ns, n)
	// The events of the dependents the new leader unblocked all arrive; those of the old leader may be lost
	// with it.
	unblocked := expectOneEventEach(g, ns, "Unblocked", nil, n-readyAtTakeover)
	t.Logf("Unblocked events: %d of %d initiatives got one, none got two", unblocked, n)
}
