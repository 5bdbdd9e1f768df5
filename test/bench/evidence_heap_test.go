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

package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var evidenceConfigMaps = flag.Int("evidence-configmaps", 3000,
	"ConfigMaps next to the one a check names in TestEvidenceHeap (the sizing target in docs/install.md is 20000)")

// TestEvidenceHeap measures what one ConfigMap check costs the manager's heap in a cluster holding many other
// ConfigMaps (2 KiB each): the evidence watcher watches the named object alone, so the cost does not grow with
// them. A watch on the whole kind would hold every one of them (about 6 MiB of data at the default count,
// several times that decoded); the bound, 3 MiB, is far from both. The figure is reported in the test log:
//
//	go test ./test/bench -run TestEvidenceHeap -v -args -evidence-configmaps=20000
func TestEvidenceHeap(t *testing.T) {
	g := testenv.NewG(t, 2*time.Minute)
	env := testenv.New(t)
	k, err := env.ClientWithRate(2000, 4000)
	g.Expect(err).NotTo(HaveOccurred())
	ctx := context.Background()

	const ns = "crowded"
	g.Expect(k.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
	payload := strings.Repeat("x", 2048)
	n := *evidenceConfigMaps
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("cm-%05d", i)},
					Data: map[string]string{"payload": payload}}
				if err := k.Create(ctx, cm); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		g.Expect(err).NotTo(HaveOccurred())
	}

	operatortest.RunManager(t, env, controllers.DefaultOptions())
	capability := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "crowded"},
		Spec: roadmapv1.CapabilitySpec{Title: "crowded", Lifecycle: roadmapv1.LifecycleAvailable}}
	g.Expect(k.Create(ctx, capability)).To(Succeed())
	testenv.ExpectCapability(g, k, capability.Name, metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	before := heapInUse()

	testenv.Update(g, k, capability, func(c *roadmapv1.Capability) {
		c.Spec.Checks = []roadmapv1.CheckReference{{APIVersion: "v1", Kind: "ConfigMap", Namespace: ns,
			Name: roadmapv1.ResourceName(fmt.Sprintf("cm-%05d", n/2))}}
	})
	g.Eventually(func(g Gomega) {
		c := &roadmapv1.Capability{}
		g.Expect(k.Get(ctx, client.ObjectKeyFromObject(capability), c)).To(Succeed())
		g.Expect(c.Status.ObservedGeneration).To(Equal(c.Generation))
		g.Expect(apimeta.IsStatusConditionTrue(c.Status.Conditions, roadmapv1.ConditionReady)).To(BeTrue())
		g.Expect(c.Status.ChecksPassing).To(Equal("1/1"))
	}).Should(Succeed())
	after := heapInUse()

	extra := float64(int64(after)-int64(before)) / (1 << 20)
	t.Logf("one ConfigMap check next to %d other ConfigMaps: %+.2f MiB of heap (target < 10 MiB)", n, extra)
	g.Expect(extra).To(BeNumerically("<", 3), "the check must not cache the other ConfigMaps")
}
