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

// Package gitops checks what GitOps tools read from the objects the real controllers produce, on a real
// kube-apiserver: Flux (and every kstatus-aware tool) through status.Compute of sigs.k8s.io/cli-utils'
// kstatus, and Argo CD through the health checks of config/argocd/resource_customizations as the generated
// argocd-cm patch carries them, run as Argo CD runs them (internal/argocdhealth).
//
// The live objects of the Argo CD cases are also kept as static cases of those scripts, under
// config/argocd/resource_customizations/roadmap.dev/<Kind>/testdata/live-<case>.yaml with their entry in
// health_test.yaml, and test/argocd runs them. This suite fails when the committed files no longer match what the
// controller produces; refresh them with
//
//	go test ./test/gitops/ -args -update-testdata
package gitops_test

import (
	"context"
	"flag"
	"os"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var updateTestdata = flag.Bool("update-testdata", false,
	"write the live objects of the Argo CD cases to config/argocd/resource_customizations/roadmap.dev/<Kind>/testdata/live-<case>.yaml and their cases to health_test.yaml")

var (
	env *testenv.Env
	// k is the test's own client: it reads straight from the apiserver, never from the manager's cache.
	k client.Client
	// root is the repository root.
	root string
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testenv.Suite{Setup: setup}.Run(m))
}

// setup starts the manager, with dangling references broken at once.
func setup(e *testenv.Env) (func() error, error) {
	env, k = e, e.Client
	var err error
	if root, err = testenv.RepoRoot(); err != nil {
		return nil, err
	}
	opts := controllers.DefaultOptions()
	// A missing capability nobody provides is broken at once here, so the Degraded and Failed readings of a
	// dangling reference can be recorded; the grace period's Progressing reading is the not-found-in-grace case
	// of the Initiative's health_test.yaml.
	opts.CapabilityNotFoundGrace = 0
	mgr, err := operatortest.StartManager(env, opts)
	if err != nil {
		return nil, err
	}
	return mgr.Stop, nil
}

// newG returns a Gomega whose Eventually waits long enough for a loaded 2-core machine.
func newG(t *testing.T) *WithT { return testenv.NewG(t, time.Minute) }

func ctx() context.Context { return context.Background() }

func namespace(t *testing.T, name string) { testenv.EnsureNamespace(t, k, name) }

func create(t *testing.T, g *WithT, objs ...client.Object) {
	t.Helper()
	testenv.Create(g, k, objs...)
}

// update re-reads the object, applies mutate, and updates it, retrying on conflicts with the controller.
func update[T client.Object](g *WithT, obj T, mutate func(T)) { testenv.Update(g, k, obj, mutate) }

// toUnstructured returns an object as kstatus and Argo CD see it: unstructured, with apiVersion and kind set.
func toUnstructured(g Gomega, obj client.Object) map[string]interface{} {
	gvk, err := apiutil.GVKForObject(obj, scheme.Scheme)
	g.Expect(err).NotTo(HaveOccurred())
	obj = obj.DeepCopyObject().(client.Object)
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	g.Expect(err).NotTo(HaveOccurred())
	return u
}

// kstatus computes the kstatus status of a live object, as Flux's health checks do.
func kstatus(g Gomega, u map[string]interface{}) *status.Result {
	res, err := status.Compute(&unstructured.Unstructured{Object: u})
	g.Expect(err).NotTo(HaveOccurred())
	return res
}
