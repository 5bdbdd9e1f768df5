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

// Package apf tests the API Priority and Fairness objects the installer ships (config/apf) against a real
// apiserver, which has APF on: the manager's requests, made as the ServiceAccount the installer's Deployment
// runs as, are classified into the operator's own priority level, and its lease requests into leader-election.
package apf

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	flowcontrolv1 "k8s.io/api/flowcontrol/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// The response headers in which the apiserver says how APF classified a request.
const (
	headerFlowSchemaUID    = "X-Kubernetes-Pf-Flowschema-Uid"
	headerPriorityLevelUID = "X-Kubernetes-Pf-Prioritylevel-Uid"
)

// installer is what `kustomize build config/default` installs.
type installer struct {
	flowSchemas    map[string]*flowcontrolv1.FlowSchema
	priorityLevels map[string]*flowcontrolv1.PriorityLevelConfiguration
	deployment     *appsv1.Deployment
	objects        []*unstructured.Unstructured
}

func buildInstaller(t *testing.T) installer {
	t.Helper()
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), filepath.Join(testenv.Root(t), "config", "default"))
	if err != nil {
		t.Fatalf("kustomize build config/default: %v", err)
	}
	in := installer{flowSchemas: map[string]*flowcontrolv1.FlowSchema{}, priorityLevels: map[string]*flowcontrolv1.PriorityLevelConfiguration{}}
	for _, r := range resources.Resources() {
		m, err := r.Map()
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{Object: m}
		switch r.GetKind() {
		case "FlowSchema":
			fs := &flowcontrolv1.FlowSchema{}
			mustConvert(t, u, fs)
			in.flowSchemas[fs.Name] = fs
			in.objects = append(in.objects, u)
		case "PriorityLevelConfiguration":
			pl := &flowcontrolv1.PriorityLevelConfiguration{}
			mustConvert(t, u, pl)
			in.priorityLevels[pl.Name] = pl
			in.objects = append(in.objects, u)
		case "Deployment":
			in.deployment = &appsv1.Deployment{}
			mustConvert(t, u, in.deployment)
		}
	}
	if in.deployment == nil {
		t.Fatal("the installer has no Deployment")
	}
	return in
}

func mustConvert(t *testing.T, u *unstructured.Unstructured, into any) {
	t.Helper()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, into); err != nil {
		t.Fatalf("converting %s %s: %v", u.GetKind(), u.GetName(), err)
	}
}

// managerUser is the user the installer's manager Deployment runs as.
func (in installer) managerUser() (name, namespace string) {
	return in.deployment.Spec.Template.Spec.ServiceAccountName, in.deployment.Namespace
}

// TestInstallerFlowSchemasNameTheManager checks the installer's FlowSchemas against its own Deployment and
// priority levels, without an apiserver: kustomize's namePrefix and namespace do not reach inside a FlowSchema.
func TestInstallerFlowSchemasNameTheManager(t *testing.T) {
	g := NewWithT(t)
	in := buildInstaller(t)
	sa, ns := in.managerUser()
	g.Expect(in.flowSchemas).To(HaveLen(2))
	for _, fs := range in.flowSchemas {
		var subjects []flowcontrolv1.ServiceAccountSubject
		for _, rule := range fs.Spec.Rules {
			for _, s := range rule.Subjects {
				g.Expect(s.Kind).To(Equal(flowcontrolv1.SubjectKindServiceAccount), "FlowSchema %s", fs.Name)
				subjects = append(subjects, *s.ServiceAccount)
			}
		}
		g.Expect(subjects).To(ConsistOf(flowcontrolv1.ServiceAccountSubject{Name: sa, Namespace: ns}),
			"FlowSchema %s must match the ServiceAccount the manager runs as", fs.Name)
		level := fs.Spec.PriorityLevelConfiguration.Name
		if level != "leader-election" { // a built-in level
			g.Expect(in.priorityLevels).To(HaveKey(level), "FlowSchema %s names a priority level the installer lacks", fs.Name)
		}
	}
}

// headerRecorder keeps the APF headers of the last response.
type headerRecorder struct {
	mu     sync.Mutex
	header http.Header
}

func (h *headerRecorder) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if resp != nil {
			h.mu.Lock()
			h.header = resp.Header.Clone()
			h.mu.Unlock()
		}
		return resp, err
	})
}

func (h *headerRecorder) last() http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.header
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// TestManagerRequestsAreClassified applies the installer's APF objects to a real apiserver and checks, from the
// headers of its responses, that requests made as the manager's ServiceAccount land in the operator's priority
// level (roadmap objects) and in leader-election (its lease), while another service account's do not.
func TestManagerRequestsAreClassified(t *testing.T) {
	g := NewWithT(t)
	in := buildInstaller(t)
	env := testenv.New(t)
	ctx := context.Background()
	for _, o := range in.objects {
		g.Expect(env.Client.Create(ctx, o)).To(Succeed(), "creating %s %s", o.GetKind(), o.GetName())
	}
	uids := map[string]string{} // FlowSchema or priority level UID -> name
	for name := range in.flowSchemas {
		fs := &flowcontrolv1.FlowSchema{}
		g.Expect(env.Client.Get(ctx, client.ObjectKey{Name: name}, fs)).To(Succeed())
		uids[string(fs.UID)] = "FlowSchema " + name
	}
	for _, name := range append(keys(in.priorityLevels), "leader-election") {
		pl := &flowcontrolv1.PriorityLevelConfiguration{}
		g.Expect(env.Client.Get(ctx, client.ObjectKey{Name: name}, pl)).To(Succeed())
		uids[string(pl.UID)] = "PriorityLevelConfiguration " + name
	}

	// classify makes a request as user and returns the FlowSchema and priority level it was put in.
	classify := func(g Gomega, user, namespace string, request func(client.Client) error) (string, string) {
		rec := &headerRecorder{}
		cfg := rest.CopyConfig(env.Config)
		cfg.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:" + namespace + ":" + user,
			Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"}}
		cfg.Wrap(rec.wrap)
		c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
		g.Expect(err).NotTo(HaveOccurred())
		_ = request(c) // the answer may be Forbidden: APF classifies before authorization
		h := rec.last()
		g.Expect(h).NotTo(BeNil())
		return uids[h.Get(headerFlowSchemaUID)], uids[h.Get(headerPriorityLevelUID)]
	}
	listInitiatives := func(c client.Client) error { return c.List(ctx, &roadmapv1.InitiativeList{}) }
	getLease := func(c client.Client) error {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("coordination.k8s.io/v1")
		u.SetKind("Lease")
		return c.Get(ctx, client.ObjectKey{Namespace: "default", Name: controllers.LeaderElectionID}, u)
	}
	sa, ns := in.managerUser()

	// The apiserver's APF controller picks new objects up asynchronously.
	g.Eventually(func(g Gomega) {
		fs, pl := classify(g, sa, ns, listInitiatives)
		g.Expect(fs).To(Equal("FlowSchema roadmap-operator"))
		g.Expect(pl).To(Equal("PriorityLevelConfiguration roadmap-operator"))
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Eventually(func(g Gomega) {
		fs, pl := classify(g, sa, ns, getLease)
		g.Expect(fs).To(Equal("FlowSchema roadmap-operator-leader-election"))
		g.Expect(pl).To(Equal("PriorityLevelConfiguration leader-election"))
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(Succeed())
	fs, pl := classify(g, "someone-else", ns, listInitiatives)
	g.Expect(fs).To(BeEmpty(), "another service account must not match the operator's FlowSchemas")
	g.Expect(pl).To(BeEmpty())
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
