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

package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// The shared test kit: what every envtest suite of the project needs besides a control plane and a manager
// (object builders, namespaces, creates and updates that survive conflicts with the controllers, and waits for
// the status the operator writes), so that suites state their scenario rather than copy helpers.

// NewG returns a Gomega for envtest suites on a loaded 2-core machine: Eventually waits up to timeout (a minute
// when zero), polling every 50ms; Consistently holds for 2s.
func NewG(t testing.TB, timeout time.Duration) *gomega.WithT {
	if timeout == 0 {
		timeout = time.Minute
	}
	g := gomega.NewWithT(t)
	g.SetDefaultEventuallyTimeout(timeout)
	g.SetDefaultEventuallyPollingInterval(50 * time.Millisecond)
	g.SetDefaultConsistentlyDuration(2 * time.Second)
	g.SetDefaultConsistentlyPollingInterval(100 * time.Millisecond)
	return g
}

// Names converts plain names to the API's ResourceName.
func Names(names ...string) []roadmapv1.ResourceName {
	out := make([]roadmapv1.ResourceName, len(names))
	for i, n := range names {
		out[i] = roadmapv1.ResourceName(n)
	}
	return out
}

// Capability builds a capability owned by team-platform, titled by its name.
func Capability(name string, lifecycle roadmapv1.CapabilityLifecycle, requires ...string) *roadmapv1.Capability {
	return &roadmapv1.Capability{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: roadmapv1.CapabilitySpec{Title: name, Owner: "team-platform", Lifecycle: lifecycle,
			Requires: Names(requires...)},
	}
}

// Initiative builds an innovation initiative owned by team-product, titled by its name.
func Initiative(ns, name string, requires ...string) *roadmapv1.Initiative {
	return &roadmapv1.Initiative{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: roadmapv1.InitiativeSpec{Title: name, Track: roadmapv1.TrackInnovation, Owner: "team-product",
			Requires: Names(requires...)},
	}
}

// Goal builds a goal titled by its name, under parent when parent is not empty.
func Goal(name, parent string) *roadmapv1.Goal {
	return &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: roadmapv1.GoalSpec{Title: name, Parent: roadmapv1.ResourceName(parent)}}
}

// EnsureNamespace creates a namespace unless it exists, and returns its name.
func EnsureNamespace(t testing.TB, c client.Client, name string) string {
	t.Helper()
	err := c.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	return name
}

// Create creates every object, failing the test on the first error.
func Create(g gomega.Gomega, c client.Client, objs ...client.Object) {
	for _, o := range objs {
		g.Expect(c.Create(context.Background(), o)).To(gomega.Succeed(), "creating %T %s", o, o.GetName())
	}
}

// Update re-reads the object, applies mutate and updates it, retrying on conflicts with the controllers.
func Update[T client.Object](g gomega.Gomega, c client.Client, obj T, mutate func(T)) {
	g.Eventually(func() error {
		if err := c.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		mutate(obj)
		return c.Update(context.Background(), obj)
	}).Should(gomega.Succeed())
}

// ReadyCondition returns the Ready condition, or the zero condition before the operator has written one.
func ReadyCondition(conds []metav1.Condition) metav1.Condition {
	if c := apimeta.FindStatusCondition(conds, roadmapv1.ConditionReady); c != nil {
		return *c
	}
	return metav1.Condition{}
}

// ExpectInitiative waits until the operator has evaluated the initiative's current generation and it is in
// phase with its Ready condition's reason, and returns it.
func ExpectInitiative(g *gomega.WithT, c client.Client, ns, name string, phase roadmapv1.InitiativePhase,
	reason string) *roadmapv1.Initiative {
	ini := &roadmapv1.Initiative{}
	g.Eventually(func(g gomega.Gomega) {
		g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, ini)).To(gomega.Succeed())
		g.Expect(ini.Status.ObservedGeneration).To(gomega.Equal(ini.Generation))
		g.Expect(ini.Status.Phase).To(gomega.Equal(phase))
		g.Expect(ReadyCondition(ini.Status.Conditions).Reason).To(gomega.Equal(reason))
	}).Should(gomega.Succeed(), "initiative %s/%s should be %s (%s)", ns, name, phase, reason)
	return ini
}

// ExpectCapability waits until the operator has evaluated the capability's current generation and its Ready
// condition has the status and reason, and returns it.
func ExpectCapability(g *gomega.WithT, c client.Client, name string, ready metav1.ConditionStatus,
	reason string) *roadmapv1.Capability {
	capability := &roadmapv1.Capability{}
	g.Eventually(func(g gomega.Gomega) {
		g.Expect(c.Get(context.Background(), client.ObjectKey{Name: name}, capability)).To(gomega.Succeed())
		g.Expect(capability.Status.ObservedGeneration).To(gomega.Equal(capability.Generation))
		cond := ReadyCondition(capability.Status.Conditions)
		g.Expect(cond.Status).To(gomega.Equal(ready))
		g.Expect(cond.Reason).To(gomega.Equal(reason))
	}).Should(gomega.Succeed(), "capability %s should be Ready=%s (%s)", name, ready, reason)
	return capability
}
