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

package controllers_test

import (
	"context"
	"os"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var (
	env *testenv.Env
	// k is the test's own client: it reads straight from the apiserver, never from the manager's cache.
	k   client.Client
	mgr *operatortest.Manager
)

// TestMain runs the tests against one control plane and manager. Once both have stopped, none of the manager's
// goroutines (informers, evidence watches and probes, blocked event sends) may outlive it.
func TestMain(m *testing.M) {
	os.Exit(testenv.RunWithoutLeaks(func() int { return testenv.Suite{Setup: setup}.Run(m) }))
}

// setup starts the manager of the tests; the restart test replaces it, so what stops it reads mgr then.
func setup(e *testenv.Env) (func() error, error) {
	env, k = e, e.Client
	var err error
	if mgr, err = operatortest.StartManager(env, managerOptions()); err != nil {
		return nil, err
	}
	return func() error { return mgr.Stop() }, nil
}

// managerOptions are the defaults, with the fleet timings short enough for tests: a remote cluster is probed
// every half second, and its last results stand for 8 seconds once it stops answering.
func managerOptions() controllers.Options {
	opts := controllers.DefaultOptions()
	opts.Evidence.ClusterProbeInterval, opts.Evidence.ClusterUnreachableGrace, opts.Evidence.RemoteTimeout = 500*time.Millisecond, 8*time.Second, 5*time.Second
	return opts
}

// The helpers of these suites come from the shared test kit (internal/testenv), bound to the test's client.
var (
	capability     = testenv.Capability
	initiative     = testenv.Initiative
	toNames        = func(names []string) []roadmapv1.ResourceName { return testenv.Names(names...) }
	readyCondition = testenv.ReadyCondition
)

// newG returns a Gomega whose Eventually waits long enough for a loaded 2-core machine.
func newG(t *testing.T) *WithT { return testenv.NewG(t, time.Minute) }

func ctx() context.Context { return context.Background() }

func namespace(t *testing.T, name string) string { return testenv.EnsureNamespace(t, k, name) }

func create(t *testing.T, g *WithT, objs ...client.Object) {
	t.Helper()
	testenv.Create(g, k, objs...)
}

// update re-reads the object, applies mutate, and updates it, retrying on conflicts with the controller.
func update[T client.Object](g *WithT, obj T, mutate func(T)) { testenv.Update(g, k, obj, mutate) }

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
	return testenv.ExpectInitiative(g, k, ns, name, phase, reason)
}

// expectCapability waits until the capability's Ready condition has the given status and reason.
func expectCapability(g *WithT, name string, ready metav1.ConditionStatus, reason string) *roadmapv1.Capability {
	return testenv.ExpectCapability(g, k, name, ready, reason)
}
