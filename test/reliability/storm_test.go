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
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
)

type stormSize struct {
	initiatives, editors, flips int
	duration                    time.Duration
}

// TestConflictStorm: many writers edit the specs of the same initiatives at once (conflicting with each other
// and with the operator's status writes) while capabilities flip between Available and Planned and their
// providers between Active and Cancelled. Once the storm stops, everything settles to what the final specs say,
// the queues drain, and no controller keeps failing or reconciling.
func TestConflictStorm(t *testing.T) {
	storm(t, stormSize{initiatives: 50, editors: 5, flips: 3, duration: 4 * time.Second})
}

func TestConflictStormLong(t *testing.T) {
	needLong(t)
	storm(t, stormSize{initiatives: 200, editors: 20, flips: 6, duration: 30 * time.Second})
}

func storm(t *testing.T, size stormSize) {
	g := newG(t)
	ns := fmt.Sprintf("storm-%d", size.initiatives)
	caps := []string{ns + "-a", ns + "-b", ns + "-c", ns + "-d"}
	fixture(t, []string{ns}, caps)
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))

	// Capabilities a, b and c have a provider each; d has none.
	var objs []client.Object
	for _, c := range caps {
		objs = append(objs, capability(c, roadmapv1.LifecyclePlanned))
	}
	providers := make([]string, 3)
	for j := range providers {
		providers[j] = fmt.Sprintf("provider-%d", j)
		p := initiative(ns, providers[j])
		p.Spec.Track = roadmapv1.TrackOperations
		p.Spec.Provides = toNames(caps[j : j+1])
		p.Spec.State = roadmapv1.StateActive
		p.Spec.TargetDate = "2027-06-30"
		objs = append(objs, p)
	}
	consumers := make([]string, size.initiatives)
	for i := range consumers {
		consumers[i] = fmt.Sprintf("initiative-%04d", i)
		ini := initiative(ns, consumers[i])
		mutate(rng, ini, caps)
		objs = append(objs, ini)
	}

	idle := queueDepths(g)
	startManager(t, g, controllers.DefaultOptions(), nil)
	createAll(g, objs)
	g.Eventually(func(g Gomega) { expectSettled(g, ns, caps) }).WithPolling(time.Second).Should(Succeed())
	before := activity(g)

	// The storm.
	cfg := rest.CopyConfig(env.Config)
	cfg.QPS, cfg.Burst = 200, 400
	writer, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	g.Expect(err).NotTo(HaveOccurred())
	stormCtx, stop := context.WithTimeout(ctx(), size.duration)
	defer stop()
	var (
		wg                 sync.WaitGroup
		updates, conflicts atomic.Int64
		mu                 sync.Mutex
		stormErr           error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if stormErr == nil {
			stormErr = err
		}
	}
	for e := range size.editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(seed), uint64(e+1)))
			for stormCtx.Err() == nil {
				key := client.ObjectKey{Namespace: ns, Name: consumers[rng.IntN(len(consumers))]}
				for stormCtx.Err() == nil { // until the update goes through
					ini := &roadmapv1.Initiative{}
					if err := writer.Get(ctx(), key, ini); err != nil {
						fail(err)
						return
					}
					mutate(rng, ini, caps)
					err := writer.Update(ctx(), ini)
					if apierrors.IsConflict(err) {
						conflicts.Add(1)
						continue
					}
					if err != nil {
						fail(err)
						return
					}
					updates.Add(1)
					break
				}
			}
		}()
	}
	// Flips at a steady pace over the storm (the last one before it ends): capability j is Available on every
	// other flip, provider j is Cancelled on every third.
	wg.Add(1)
	go func() {
		defer wg.Done()
		ticker := time.NewTicker(size.duration / time.Duration(size.flips+1))
		defer ticker.Stop()
		for f := 0; f < size.flips; f++ {
			<-ticker.C
			for j, c := range caps {
				lifecycle := roadmapv1.LifecyclePlanned
				if (f+j)%2 == 0 {
					lifecycle = roadmapv1.LifecycleAvailable
				}
				patch := fmt.Sprintf(`{"spec":{"lifecycle":%q}}`, lifecycle)
				if err := writer.Patch(ctx(), capability(c, ""), client.RawPatch("application/merge-patch+json", []byte(patch))); err != nil {
					fail(err)
					return
				}
			}
			for j, p := range providers {
				state := roadmapv1.StateActive
				if (f+j)%3 == 0 {
					state = roadmapv1.StateCancelled
				}
				patch := fmt.Sprintf(`{"spec":{"state":%q}}`, state)
				if err := writer.Patch(ctx(), initiative(ns, p), client.RawPatch("application/merge-patch+json", []byte(patch))); err != nil {
					fail(err)
					return
				}
			}
		}
	}()
	wg.Wait()
	g.Expect(stormErr).NotTo(HaveOccurred())
	during := activity(g)
	t.Logf("storm: %d spec updates by %d writers (%d conflicts), %d flips, in %v; meanwhile %d initiative and %d "+
		"capability reconciles, %d and %d errors", updates.Load(), size.editors, conflicts.Load(), size.flips, size.duration,
		during["initiative"][0]-before["initiative"][0], during["capability"][0]-before["capability"][0],
		during["initiative"][1]-before["initiative"][1], during["capability"][1]-before["capability"][1])

	// Everything settles to what the final specs say.
	calm := time.Now()
	g.Eventually(func(g Gomega) { expectSettled(g, ns, caps) }).WithPolling(time.Second).Should(Succeed())
	expectIdle(g, idle)
	settled := activity(g)
	t.Logf("settled %v after the storm; %d initiative and %d capability reconcile errors in all", time.Since(calm).Round(time.Millisecond),
		settled["initiative"][1]-before["initiative"][1], settled["capability"][1]-before["capability"][1])
	// No error loop, and no reconcile loop either.
	g.Consistently(activity).Should(Equal(settled), "reconciles or errors after everything settled")
}

// mutate edits what a team edits: the target date, the owner, or what the initiative requires.
func mutate(rng *rand.Rand, ini *roadmapv1.Initiative, caps []string) {
	switch rng.IntN(3) {
	case 0:
		ini.Spec.TargetDate = roadmapv1.Date(fmt.Sprintf("2027-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28)))
	case 1:
		ini.Spec.Owner = fmt.Sprintf("team-%d", rng.IntN(10))
	default:
		var requires []string
		for _, c := range caps {
			if rng.IntN(2) == 0 {
				requires = append(requires, c)
			}
		}
		rng.Shuffle(len(requires), func(i, j int) { requires[i], requires[j] = requires[j], requires[i] })
		ini.Spec.Requires = toNames(requires)
	}
}

// expectSettled checks the roadmap of ns against what its specs say: each initiative Ready or Blocked by exactly
// the capabilities it requires that are not Available, NoProvider when nothing (not cancelled) provides them; each
// capability Ready when Available, with the right count of dependents and list of providers; all of it for the
// current generation.
func expectSettled(g Gomega, ns string, caps []string) {
	capList := &roadmapv1.CapabilityList{}
	g.Expect(k.List(ctx(), capList)).To(Succeed())
	lifecycle := map[string]roadmapv1.CapabilityLifecycle{}
	for _, c := range capList.Items {
		if slices.Contains(caps, c.Name) {
			lifecycle[c.Name] = c.Spec.Lifecycle
		}
	}
	g.Expect(lifecycle).To(HaveLen(len(caps)))
	items := listInitiatives(g, ns)
	dependents, providers, planned := map[string]int{}, map[string]int{}, map[string]int{}
	for _, ini := range items {
		for _, r := range ini.Spec.Requires {
			dependents[string(r)]++
		}
		for _, p := range ini.Spec.Provides {
			providers[string(p)]++
			if ini.Spec.State != roadmapv1.StateCancelled {
				planned[string(p)]++
			}
		}
	}

	for _, ini := range items {
		g.Expect(ini.Status.ObservedGeneration).To(Equal(ini.Generation), "initiative %s", ini.Name)
		var want []roadmapv1.BlockedByEntry
		wantReason := roadmapv1.InitiativeReasonReady
		for _, r := range ini.Spec.Requires {
			name := string(r)
			if lifecycle[name] == roadmapv1.LifecycleAvailable {
				continue
			}
			reason := roadmapv1.ReasonCapabilityNotReady
			if planned[name] == 0 {
				reason = roadmapv1.ReasonNoProvider
			}
			if wantReason != roadmapv1.ReasonNoProvider {
				wantReason = reason
			}
			want = append(want, roadmapv1.BlockedByEntry{Kind: "Capability", Name: name, Reason: reason})
		}
		var got []roadmapv1.BlockedByEntry
		for _, b := range ini.Status.BlockedBy {
			got = append(got, roadmapv1.BlockedByEntry{Kind: b.Kind, Namespace: b.Namespace, Name: b.Name, Reason: b.Reason})
		}
		g.Expect(got).To(Equal(want), "blockedBy of initiative %s (requires %v)", ini.Name, ini.Spec.Requires)
		wantPhase := roadmapv1.PhaseReady
		if len(want) > 0 {
			wantPhase = roadmapv1.PhaseBlocked
		}
		if ini.Spec.State == roadmapv1.StateCancelled {
			wantPhase, wantReason = roadmapv1.PhaseCancelled, roadmapv1.InitiativeReasonCancelled
			g.Expect(got).To(BeEmpty())
		}
		g.Expect(ini.Status.Phase).To(Equal(wantPhase), "initiative %s", ini.Name)
		ready := readyCondition(ini.Status.Conditions)
		g.Expect(ready.Reason).To(Equal(wantReason), "initiative %s", ini.Name)
		g.Expect(ready.ObservedGeneration).To(Equal(ini.Generation), "initiative %s", ini.Name)
	}

	for _, c := range capList.Items {
		if !slices.Contains(caps, c.Name) {
			continue
		}
		g.Expect(c.Status.ObservedGeneration).To(Equal(c.Generation), "capability %s", c.Name)
		wantReady := metav1.ConditionFalse
		if c.Spec.Lifecycle == roadmapv1.LifecycleAvailable {
			wantReady = metav1.ConditionTrue
		}
		g.Expect(readyCondition(c.Status.Conditions).Status).To(Equal(wantReady), "capability %s", c.Name)
		g.Expect(c.Status.Dependents).To(BeEquivalentTo(dependents[c.Name]), "dependents of capability %s", c.Name)
		g.Expect(c.Status.Providers).To(HaveLen(providers[c.Name]), "providers of capability %s", c.Name)
	}
}
