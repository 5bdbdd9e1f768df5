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
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var long = flag.Bool("long", false,
	"also run the long reliability tests, with thousands of objects (several minutes): make test-long")

var (
	env *testenv.Env
	// k is the tests' own client, reading straight from the apiserver, with rate limits high enough to create
	// thousands of objects quickly.
	k client.Client
	// certDir keeps kube-apiserver's certificates across the restarts of TestAPIServerRestart.
	certDir string
)

// TestMain runs the tests on a control plane whose kube-apiserver can restart. Once every manager and the
// control plane have stopped, none of the managers' goroutines (informers, evidence watches and probes, blocked
// event sends) may outlive them.
func TestMain(m *testing.M) {
	os.Exit(testenv.RunWithoutLeaks(func() int {
		return testenv.RunInTempDir("reliability-apiserver-", func(dir string) int {
			certDir = dir
			return testenv.Suite{Start: startRestartable, Setup: setup}.Run(m)
		})
	}))
}

// startRestartable starts a control plane whose kube-apiserver keeps its certificates in certDir, so that it
// restarts on the same address with the same certificate.
func startRestartable() (*testenv.Env, error) { return testenv.StartRestartable(certDir) }

// setup keeps the control plane for the tests, with a client that creates thousands of objects quickly.
func setup(e *testenv.Env) (func() error, error) {
	env = e
	var err error
	k, err = env.ClientWithRate(500, 1000)
	return nil, err
}

// needLong skips a test unless the long tests were asked for.
func needLong(t *testing.T) {
	t.Helper()
	if !*long {
		t.Skip("long reliability test (thousands of objects): run with go test ./test/reliability/ -args -long, " +
			"or make test-long")
	}
}

// newG returns a Gomega whose Eventually waits long enough for thousands of objects on a loaded 2-core machine.
func newG(t *testing.T) *WithT {
	g := testenv.NewG(t, 3*time.Minute)
	g.SetDefaultConsistentlyDuration(3 * time.Second)
	return g
}

func ctx() context.Context { return context.Background() }

// --- managers ---

// manager is a running manager the test can stop (once, however many times it asks) or cut off from the
// apiserver.
type manager struct {
	*operatortest.Manager
	severed  atomic.Bool
	stopOnce sync.Once
	stopErr  error
}

var errSevered = errors.New("connection severed by the test")

// startManager starts a manager wired as cmd/manager wires it: the given options, their client rate limits
// applied to its REST config, the manager's cache options, and customize (leader election, say) applied to its
// ctrl.Options. It stops when the test ends, before the test's objects are deleted.
func startManager(t *testing.T, g *WithT, opts controllers.Options, customize func(*ctrl.Options)) *manager {
	t.Helper()
	m := &manager{}
	cfg := rest.CopyConfig(env.Config)
	opts.ApplyToRESTConfig(cfg)
	// sever makes every new request of this manager fail at once, as if its process had died: no more status
	// writes, no lease renewal, and no lease release either.
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			if m.severed.Load() {
				return nil, errSevered
			}
			return rt.RoundTrip(req)
		})
	})
	var err error
	m.Manager, err = operatortest.StartManagerWith(cfg, opts, customize)
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = m.stop() })
	return m
}

// stop stops the manager and returns what its Start returned.
func (m *manager) stop() error {
	m.stopOnce.Do(func() { m.stopErr = m.Stop() })
	return m.stopErr
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// fastOptions are the manager's options with client rate limits that let a test settle thousands of objects
// quickly, for the phases that only prepare what a test is about.
func fastOptions() controllers.Options {
	o := controllers.DefaultOptions()
	o.KubeAPIQPS, o.KubeAPIBurst = 500, 1000
	return o
}

// --- objects ---

var (
	capability = testenv.Capability
	initiative = testenv.Initiative
	toNames    = func(names []string) []roadmapv1.ResourceName { return testenv.Names(names...) }
)

// dependents returns n initiatives in ns that require the capability named required.
func dependents(ns string, n int, required string) []client.Object {
	objs := make([]client.Object, n)
	for i := range objs {
		objs[i] = initiative(ns, fmt.Sprintf("dependent-%05d", i), required)
	}
	return objs
}

// fixture creates namespaces and, when the test ends (after its managers stopped), deletes every initiative in
// them, the capabilities and goals named, and the leader election Lease, so that the next test's managers start
// over an empty roadmap.
func fixture(t *testing.T, namespaces []string, capabilities []string, goals ...string) {
	t.Helper()
	for _, ns := range namespaces {
		testenv.EnsureNamespace(t, k, ns)
	}
	t.Cleanup(func() {
		for _, ns := range namespaces {
			if err := k.DeleteAllOf(ctx(), &roadmapv1.Initiative{}, client.InNamespace(ns)); err != nil {
				t.Errorf("deleting the initiatives of %s: %v", ns, err)
			}
		}
		for _, name := range capabilities {
			c := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: name}}
			if err := client.IgnoreNotFound(k.Delete(ctx(), c)); err != nil {
				t.Errorf("deleting capability %s: %v", name, err)
			}
		}
		for _, name := range goals {
			goal := &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: name}}
			if err := client.IgnoreNotFound(k.Delete(ctx(), goal)); err != nil {
				t.Errorf("deleting goal %s: %v", name, err)
			}
		}
		lease := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: leaseNamespace, Name: controllers.LeaderElectionID}}
		if err := client.IgnoreNotFound(k.Delete(ctx(), lease)); err != nil {
			t.Errorf("deleting the leader election lease: %v", err)
		}
	})
}

// busFixture is the fixture of a test about one capability (the bus) and its n dependents, all in one
// namespace named after the test: it returns a Gomega, the namespace and the bus's name.
func busFixture(t *testing.T, test string, n int) (g *WithT, ns, bus string) {
	t.Helper()
	g = newG(t)
	ns = fmt.Sprintf("%s-%d", test, n)
	bus = ns + "-bus"
	fixture(t, []string{ns}, []string{bus})
	return g, ns, bus
}

// createAll creates the objects with a few concurrent writers.
func createAll(g *WithT, objs []client.Object) {
	const writers = 8
	work := make(chan client.Object)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				if err := k.Create(ctx(), o); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("creating %T %s/%s: %w", o, o.GetNamespace(), o.GetName(), err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, o := range objs {
		work <- o
	}
	close(work)
	wg.Wait()
	g.Expect(firstErr).NotTo(HaveOccurred())
}

// setLifecycle declares a capability's lifecycle (a merge patch, so no conflict with its status writes).
func setLifecycle(g *WithT, name string, lifecycle roadmapv1.CapabilityLifecycle) {
	c := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: name}}
	patch := fmt.Sprintf(`{"spec":{"lifecycle":%q}}`, lifecycle)
	g.Expect(k.Patch(ctx(), c, client.RawPatch("application/merge-patch+json", []byte(patch)))).To(Succeed())
}

func listInitiatives(g Gomega, ns string) []roadmapv1.Initiative {
	list := &roadmapv1.InitiativeList{}
	g.Expect(k.List(ctx(), list, client.InNamespace(ns))).To(Succeed())
	return list.Items
}

var readyCondition = testenv.ReadyCondition

// isReady: evaluated at its current generation, and Ready.
func isReady(ini *roadmapv1.Initiative) bool {
	return ini.Status.ObservedGeneration == ini.Generation && ini.Status.Phase == roadmapv1.PhaseReady
}

// isBlocked: evaluated at its current generation, and Blocked.
func isBlocked(ini *roadmapv1.Initiative) bool {
	return ini.Status.ObservedGeneration == ini.Generation && ini.Status.Phase == roadmapv1.PhaseBlocked
}

// expectAllReady checks, from the apiserver, that the n initiatives of ns are Ready with nothing left over:
// no blockedBy, no Reconciling or Stalled condition, Ready=True for their current generation.
func expectAllReady(g *WithT, ns string, n int) {
	g.Eventually(func(g Gomega) {
		items := listInitiatives(g, ns)
		g.Expect(items).To(HaveLen(n))
		for _, ini := range items {
			g.Expect(isReady(&ini)).To(BeTrue(), "initiative %s/%s: phase %s, observedGeneration %d of %d",
				ns, ini.Name, ini.Status.Phase, ini.Status.ObservedGeneration, ini.Generation)
			g.Expect(ini.Status.BlockedBy).To(BeEmpty(), "initiative %s/%s", ns, ini.Name)
			ready := readyCondition(ini.Status.Conditions)
			g.Expect(ready.Status).To(Equal(metav1.ConditionTrue), "initiative %s/%s", ns, ini.Name)
			g.Expect(ready.Reason).To(Equal(roadmapv1.InitiativeReasonReady), "initiative %s/%s", ns, ini.Name)
			g.Expect(ready.ObservedGeneration).To(Equal(ini.Generation), "initiative %s/%s", ns, ini.Name)
			g.Expect(apimeta.FindStatusCondition(ini.Status.Conditions, roadmapv1.ConditionReconciling)).To(BeNil())
			g.Expect(apimeta.FindStatusCondition(ini.Status.Conditions, roadmapv1.ConditionStalled)).To(BeNil())
		}
	}).WithPolling(time.Second).Should(Succeed())
}

// --- watching progress ---

// tracker is an informer cache of the initiatives of some namespaces, for the test to follow a fan-out closely
// (every few milliseconds) without listing thousands of objects from the apiserver each time.
type tracker struct {
	cache cache.Cache
}

func track(t *testing.T, g *WithT, namespaces ...string) *tracker {
	t.Helper()
	byNamespace := map[string]cache.Config{}
	for _, ns := range namespaces {
		byNamespace[ns] = cache.Config{}
	}
	c, err := cache.New(env.Config, cache.Options{Scheme: scheme.Scheme, DefaultNamespaces: byNamespace,
		DefaultTransform: cache.TransformStripManagedFields()})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = c.GetInformer(ctx(), &roadmapv1.Initiative{})
	g.Expect(err).NotTo(HaveOccurred())
	cctx, cancel := context.WithCancel(ctx())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = c.Start(cctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	g.Expect(c.WaitForCacheSync(cctx)).To(BeTrue())
	return &tracker{cache: c}
}

// count is the number of the namespace's initiatives for which match holds.
func (tr *tracker) count(ns string, match func(*roadmapv1.Initiative) bool) int {
	list := &roadmapv1.InitiativeList{}
	if err := tr.cache.List(ctx(), list, client.InNamespace(ns), client.UnsafeDisableDeepCopy); err != nil {
		panic(err) // a cache List fails only when misconfigured
	}
	n := 0
	for i := range list.Items {
		if match(&list.Items[i]) {
			n++
		}
	}
	return n
}

// --- metrics (controller-runtime's registry, shared by every manager of the process) ---

var controllerNames = []string{"capability", "initiative", "goal"}

// counter sums a counter of one controller.
func counter(g Gomega, name, controller string) int {
	return int(testenv.ControllerValue(testenv.Metric(g, name), controller))
}

func reconciles(g Gomega, controller string) int {
	return counter(g, "controller_runtime_reconcile_total", controller)
}

func reconcileErrors(g Gomega, controller string) int {
	return counter(g, "controller_runtime_reconcile_errors_total", controller)
}

// gauge sums a gauge of one controller.
func gauge(g Gomega, name, controller string) float64 {
	return testenv.ControllerValue(testenv.Metric(g, name), controller)
}

// queueDepths is the workqueue depth of every controller. Queues of managers stopped in the middle of work keep
// their depth in the shared gauge forever, so a test takes this while no manager runs, and compares with it.
func queueDepths(g Gomega) map[string]float64 {
	d := map[string]float64{}
	for _, c := range controllerNames {
		d[c] = gauge(g, "workqueue_depth", c)
	}
	return d
}

// expectIdle waits until every controller's queue is back to the depth it had before the manager started
// (idle), no worker is busy, and no goal rollup waits for the end of a burst of changes (those wait outside
// the queue's depth; a stopped manager's are not counted).
func expectIdle(g *WithT, idle map[string]float64) {
	g.Eventually(func(g Gomega) {
		g.Expect(queueDepths(g)).To(Equal(idle), "workqueue depths")
		for _, c := range controllerNames {
			g.Expect(gauge(g, "controller_runtime_active_workers", c)).To(BeZero(), "active workers of %s", c)
		}
		pending := 0.0
		for _, m := range testenv.Metric(g, "roadmap_goal_rollups_pending") {
			pending += m.GetGauge().GetValue()
		}
		g.Expect(pending).To(BeZero(), "goal rollups waiting for the end of a burst")
	}).Should(Succeed())
}

// activity is every controller's reconcile and error counts.
func activity(g Gomega) map[string][2]int {
	a := map[string][2]int{}
	for _, c := range controllerNames {
		a[c] = [2]int{reconciles(g, c), reconcileErrors(g, c)}
	}
	return a
}

// --- events ---

// eventCounts counts the events.k8s.io Events of the given reason about each initiative of ns, a series as
// its count.
func eventCounts(g Gomega, ns, reason string) map[string]int {
	list := &eventsv1.EventList{}
	g.Expect(k.List(ctx(), list, client.InNamespace(ns))).To(Succeed())
	counts := map[string]int{}
	for _, ev := range list.Items {
		if ev.Reason != reason || ev.Regarding.Kind != "Initiative" {
			continue
		}
		n := 1
		if ev.Series != nil {
			n = int(ev.Series.Count)
		}
		counts[ev.Regarding.Name] += n
	}
	return counts
}

// expectOneEventEach checks the events of the given reason about the initiatives of ns recorded since before
// (eventCounts then): once at least atLeast initiatives got one (events are written asynchronously, at the
// manager's client rate limits, so they trail the status writes by seconds in a fan-out), no initiative gets a
// second for a few seconds. It returns how many got one.
func expectOneEventEach(g *WithT, ns, reason string, before map[string]int, atLeast int) int {
	got := func(g Gomega) map[string]int {
		since := map[string]int{}
		for name, n := range eventCounts(g, ns, reason) {
			if n > before[name] {
				since[name] = n - before[name]
			}
		}
		return since
	}
	g.Eventually(func(g Gomega) int { return len(got(g)) }).WithPolling(time.Second).
		Should(BeNumerically(">=", atLeast), "initiatives with a %s event", reason)
	var n int
	g.Consistently(func(g Gomega) {
		since := got(g)
		for name, count := range since {
			g.Expect(count).To(Equal(1), "%s events about initiative %s/%s", reason, ns, name)
		}
		n = len(since)
	}).WithPolling(time.Second).Should(Succeed())
	return n
}

// --- leader election ---

const leaseNamespace = "default"

// leaseHolder is the holder of the leader election Lease ("" when none holds it) and its transitions.
func leaseHolder(g Gomega) (string, int32) {
	lease := &coordinationv1.Lease{}
	err := k.Get(ctx(), client.ObjectKey{Namespace: leaseNamespace, Name: controllers.LeaderElectionID}, lease)
	if apierrors.IsNotFound(err) {
		return "", 0
	}
	g.Expect(err).NotTo(HaveOccurred())
	var holder string
	if lease.Spec.HolderIdentity != nil {
		holder = *lease.Spec.HolderIdentity
	}
	var transitions int32
	if lease.Spec.LeaseTransitions != nil {
		transitions = *lease.Spec.LeaseTransitions
	}
	return holder, transitions
}

func elected(m *manager) bool {
	select {
	case <-m.Elected():
		return true
	default:
		return false
	}
}
