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
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// TestColdStartWritesNothing: over a settled roadmap, a new manager (its informers replay every object as a
// creation) reconciles every object once more and writes no status at all.
func TestColdStartWritesNothing(t *testing.T) { coldStart(t, 200, 4) }

func TestColdStartWritesNothingLong(t *testing.T) {
	needLong(t)
	coldStart(t, 5000, 10)
}

func coldStart(t *testing.T, n, namespaces int) {
	g := newG(t)
	p := fmt.Sprintf("cold-%d", n)
	k8s, bus, flags, loopA, loopB, goal := p+"-k8s", p+"-bus", p+"-flags", p+"-loop-a", p+"-loop-b", p+"-goal"
	var nss []string
	for i := range namespaces {
		nss = append(nss, fmt.Sprintf("%s-%02d", p, i))
	}
	fixture(t, nss, []string{k8s, bus, flags, loopA, loopB}, goal)

	// A roadmap with every kind of state: Ready, Blocked on a capability not ready (with providers), without
	// a provider, on a missing capability, on an initiative not done, in a dependsOn cycle; Done; capabilities
	// Ready, not available, in a requires cycle; a goal served by a share of the initiatives.
	objs := []client.Object{
		capability(k8s, roadmapv1.LifecycleAvailable),
		capability(bus, roadmapv1.LifecyclePlanned, k8s),
		capability(flags, roadmapv1.LifecyclePlanned),
		capability(loopA, roadmapv1.LifecycleAvailable, loopB),
		capability(loopB, roadmapv1.LifecycleAvailable, loopA),
		&roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: goal},
			Spec: roadmapv1.GoalSpec{Title: goal, Owner: "cto", TargetDate: "2027-12-31"}},
	}
	for i := range 3 {
		provider := initiative(nss[0], fmt.Sprintf("provider-%d", i), k8s)
		provider.Spec.Track = roadmapv1.TrackOperations
		provider.Spec.Provides = toNames([]string{bus})
		provider.Spec.State = roadmapv1.StateActive
		provider.Spec.TargetDate = roadmapv1.Date(fmt.Sprintf("2027-0%d-15", i+3))
		objs = append(objs, provider)
	}
	cycleA, cycleB := initiative(nss[0], "cycle-a"), initiative(nss[0], "cycle-b")
	cycleA.Spec.DependsOn = []roadmapv1.InitiativeReference{{Name: "cycle-b"}}
	cycleB.Spec.DependsOn = []roadmapv1.InitiativeReference{{Name: "cycle-a"}}
	objs = append(objs, cycleA, cycleB)
	for i := range n - len(objs) + 6 {
		ns := nss[i%namespaces]
		name := fmt.Sprintf("initiative-%05d", i)
		var ini *roadmapv1.Initiative
		switch i % 7 {
		case 0:
			ini = initiative(ns, name, k8s)
			ini.Spec.Goals = toNames([]string{goal})
		case 1:
			ini = initiative(ns, name, k8s, bus)
			ini.Spec.TargetDate = "2027-04-01" // after one provider's date, before another's: a schedule conflict
		case 2:
			ini = initiative(ns, name, flags)
		case 3:
			ini = initiative(ns, name, p+"-missing")
		case 4:
			// On the (Ready, not Done) initiative of case 0 just before, in another namespace.
			ini = initiative(ns, name, k8s)
			ini.Spec.DependsOn = []roadmapv1.InitiativeReference{{Namespace: nss[(i-4)%namespaces],
				Name: roadmapv1.ResourceName(fmt.Sprintf("initiative-%05d", i-4))}}
		case 5:
			ini = initiative(ns, name, loopA)
		case 6:
			ini = initiative(ns, name, bus)
			ini.Spec.State = roadmapv1.StateDone
			ini.Spec.Goals = toNames([]string{goal})
		}
		objs = append(objs, ini)
	}
	initiatives := len(objs) - 6
	g.Expect(initiatives).To(Equal(n))

	// Settle with a manager allowed to write fast: what this test is about is the next one.
	idle := queueDepths(g)
	first := startManager(t, g, fastOptions(), nil)
	tr := track(t, g, nss...)
	start := time.Now()
	createAll(g, objs)
	evaluated := func(ini *roadmapv1.Initiative) bool {
		return ini.Status.ObservedGeneration == ini.Generation && ini.Status.Phase != ""
	}
	g.Eventually(func() int {
		total := 0
		for _, ns := range nss {
			total += tr.count(ns, evaluated)
		}
		return total
	}).Should(Equal(n))
	dependents := map[string]int{}
	for _, o := range objs {
		for _, name := range requiresOf(o) {
			dependents[string(name)]++
		}
	}
	g.Eventually(func(g Gomega) {
		caps := &roadmapv1.CapabilityList{}
		g.Expect(k.List(ctx(), caps)).To(Succeed())
		for _, c := range caps.Items {
			g.Expect(c.Status.ObservedGeneration).To(Equal(c.Generation), "capability %s", c.Name)
			g.Expect(c.Status.Dependents).To(BeEquivalentTo(dependents[c.Name]), "capability %s", c.Name)
		}
	}).WithPolling(time.Second).Should(Succeed())
	expectIdle(g, idle)
	before := resourceVersionsOf(g)
	g.Consistently(resourceVersionsOf).WithPolling(time.Second).Should(Equal(before))
	t.Logf("%d initiatives, %d capabilities and %d goal created and settled in %v", len(before.Initiatives),
		len(before.Capabilities), len(before.Goals), time.Since(start).Round(time.Millisecond))
	expectPhases(g, nss)

	g.Expect(first.stop()).To(Succeed())
	idle = queueDepths(g)
	runs := activity(g)
	start = time.Now()
	startManager(t, g, controllers.DefaultOptions(), nil)
	// Wait until the new manager has reconciled every object at least once and its queues are drained.
	g.Eventually(func(g Gomega) {
		now := activity(g)
		g.Expect(now["initiative"][0] - runs["initiative"][0]).To(BeNumerically(">=", len(before.Initiatives)))
		g.Expect(now["capability"][0] - runs["capability"][0]).To(BeNumerically(">=", len(before.Capabilities)))
		g.Expect(now["goal"][0] - runs["goal"][0]).To(BeNumerically(">=", len(before.Goals)))
	}).Should(Succeed())
	expectIdle(g, idle)
	now := activity(g)
	t.Logf("cold start: %d initiative, %d capability and %d goal reconciles in %v, %d errors",
		now["initiative"][0]-runs["initiative"][0], now["capability"][0]-runs["capability"][0],
		now["goal"][0]-runs["goal"][0], time.Since(start).Round(time.Millisecond),
		now["initiative"][1]+now["capability"][1]+now["goal"][1]-
			runs["initiative"][1]-runs["capability"][1]-runs["goal"][1])
	g.Expect(resourceVersionsOf(g)).To(Equal(before), "a cold start over a settled cluster must write nothing")
}

// expectPhases checks that the roadmap settled where it should: one initiative of each kind.
func expectPhases(g *WithT, nss []string) {
	want := map[string]struct {
		phase  roadmapv1.InitiativePhase
		reason string
	}{
		"initiative-00000": {roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady},
		"initiative-00001": {roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotReady},
		"initiative-00002": {roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider},
		"initiative-00003": {roadmapv1.PhaseBlocked, roadmapv1.ReasonCapabilityNotFound},
		"initiative-00004": {roadmapv1.PhaseBlocked, roadmapv1.ReasonInitiativeNotDone},
		"initiative-00005": {roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider}, // the capability is in a cycle
		"initiative-00006": {roadmapv1.PhaseDone, roadmapv1.InitiativeReasonDone},
		"cycle-a":          {roadmapv1.PhaseBlocked, roadmapv1.ReasonDependencyCycle},
		"provider-0":       {roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady},
	}
	for name, w := range want {
		found := false
		for _, ns := range nss {
			ini := &roadmapv1.Initiative{}
			if err := k.Get(ctx(), client.ObjectKey{Namespace: ns, Name: name}, ini); err != nil {
				continue
			}
			found = true
			g.Expect(ini.Status.Phase).To(Equal(w.phase), "initiative %s/%s", ns, name)
			g.Expect(readyCondition(ini.Status.Conditions).Reason).To(Equal(w.reason), "initiative %s/%s", ns, name)
		}
		g.Expect(found).To(BeTrue(), "initiative %s", name)
	}
}

// resourceVersionsOf is the resourceVersion of every roadmap object in the cluster.
func resourceVersionsOf(g Gomega) testenv.Versions { return testenv.ResourceVersions(g, k) }

func requiresOf(o client.Object) []roadmapv1.ResourceName {
	switch t := o.(type) {
	case *roadmapv1.Initiative:
		return t.Spec.Requires
	case *roadmapv1.Capability:
		return t.Spec.Requires
	}
	return nil
}
