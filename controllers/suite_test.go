package controllers_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var (
	env *testenv.Env
	// k is the test's own client: it reads straight from the apiserver, never from the manager's cache.
	k   client.Client
	mgr *testenv.Manager
)

func TestMain(m *testing.M) {
	before := goleak.IgnoreCurrent()
	if os.Getenv("TEST_LOGS") != "" { // manager logs, for debugging a failing test
		ctrl.SetLogger(zap.New(zap.UseDevMode(true)))
	}
	var err error
	if env, err = testenv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	k = env.Client
	if mgr, err = env.StartManager(managerOptions()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		_ = env.Stop()
		os.Exit(1)
	}
	code := m.Run()
	if err := mgr.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping manager:", err)
	}
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping envtest:", err)
	}
	// Every manager has stopped: none of its goroutines (informers, evidence watches and probes, blocked
	// event sends) may outlive it.
	if err := testenv.FindLeaks(before); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, "goroutines left after the managers stopped:", err)
		code = 1
	}
	os.Exit(code)
}

// managerOptions are the defaults, with the fleet timings short enough for tests: a remote cluster is probed
// every half second, and its last results stand for 8 seconds once it stops answering.
func managerOptions() controllers.Options {
	opts := controllers.DefaultOptions()
	opts.ClusterProbeInterval, opts.ClusterUnreachableGrace, opts.RemoteTimeout = 500*time.Millisecond, 8*time.Second, 5*time.Second
	return opts
}

// newG returns a Gomega whose Eventually waits long enough for a loaded 2-core machine.
func newG(t *testing.T) *WithT {
	g := NewWithT(t)
	g.SetDefaultEventuallyTimeout(60 * time.Second)
	g.SetDefaultEventuallyPollingInterval(50 * time.Millisecond)
	g.SetDefaultConsistentlyDuration(2 * time.Second)
	return g
}

func ctx() context.Context { return context.Background() }

func namespace(t *testing.T, name string) string {
	t.Helper()
	err := k.Create(ctx(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	return name
}

func toNames(names []string) []roadmapv1.ResourceName {
	out := make([]roadmapv1.ResourceName, len(names))
	for i, n := range names {
		out[i] = roadmapv1.ResourceName(n)
	}
	return out
}

func capability(name string, lifecycle roadmapv1.CapabilityLifecycle, requires ...string) *roadmapv1.Capability {
	return &roadmapv1.Capability{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: roadmapv1.CapabilitySpec{Title: name, Owner: "team-platform", Lifecycle: lifecycle,
			Requires: toNames(requires)},
	}
}

func initiative(ns, name string, requires ...string) *roadmapv1.Initiative {
	return &roadmapv1.Initiative{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: roadmapv1.InitiativeSpec{Title: name, Track: roadmapv1.TrackInnovation, Owner: "team-product",
			Requires: toNames(requires)},
	}
}

func create(t *testing.T, g *WithT, objs ...client.Object) {
	t.Helper()
	for _, o := range objs {
		g.Expect(k.Create(ctx(), o)).To(Succeed(), "creating %T %s", o, o.GetName())
	}
}

// update re-reads the object, applies mutate, and updates it, retrying on conflicts with the controller.
func update[T client.Object](g *WithT, obj T, mutate func(T)) {
	g.Eventually(func() error {
		if err := k.Get(ctx(), client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		mutate(obj)
		return k.Update(ctx(), obj)
	}).Should(Succeed())
}

func getInitiative(g Gomega, ns, name string) *roadmapv1.Initiative {
	ini := &roadmapv1.Initiative{}
	g.Expect(k.Get(ctx(), client.ObjectKey{Namespace: ns, Name: name}, ini)).To(Succeed())
	return ini
}

func getCapability(g Gomega, name string) *roadmapv1.Capability {
	c := &roadmapv1.Capability{}
	g.Expect(k.Get(ctx(), client.ObjectKey{Name: name}, c)).To(Succeed())
	return c
}

// expectInitiative waits until the initiative is in phase and its Ready condition has reason.
func expectInitiative(g *WithT, ns, name string, phase roadmapv1.InitiativePhase, reason string) *roadmapv1.Initiative {
	var ini *roadmapv1.Initiative
	g.Eventually(func(g Gomega) {
		ini = getInitiative(g, ns, name)
		g.Expect(ini.Status.ObservedGeneration).To(Equal(ini.Generation))
		g.Expect(ini.Status.Phase).To(Equal(phase))
		g.Expect(readyCondition(ini.Status.Conditions).Reason).To(Equal(reason))
	}).Should(Succeed(), "initiative %s/%s should be %s (%s)", ns, name, phase, reason)
	return ini
}

// expectCapability waits until the capability's Ready condition has the given status and reason.
func expectCapability(g *WithT, name string, ready metav1.ConditionStatus, reason string) *roadmapv1.Capability {
	var c *roadmapv1.Capability
	g.Eventually(func(g Gomega) {
		c = getCapability(g, name)
		g.Expect(c.Status.ObservedGeneration).To(Equal(c.Generation))
		cond := readyCondition(c.Status.Conditions)
		g.Expect(cond.Status).To(Equal(ready))
		g.Expect(cond.Reason).To(Equal(reason))
	}).Should(Succeed(), "capability %s should be Ready=%s (%s)", name, ready, reason)
	return c
}

func readyCondition(conds []metav1.Condition) metav1.Condition {
	if c := apimeta.FindStatusCondition(conds, roadmapv1.ConditionReady); c != nil {
		return *c
	}
	return metav1.Condition{}
}
