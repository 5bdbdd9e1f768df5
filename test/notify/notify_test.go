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

// Package notify tests the notifications end to end, against a real apiserver and real receivers: Flux's event
// format decoded with Flux's own types, CloudEvents through the CloudEvents SDK's HTTP receiver, and the kustomize
// component that makes Flux's Alert accept the roadmap kinds.
package notify

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	eventv1 "github.com/fluxcd/pkg/apis/event/v1beta1"
	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/notify"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// fluxEventServer stands for notification-controller's event server: it decodes each POST into eventv1.Event
// as that server does, refuses what does not decode, and keeps what it accepted.
type fluxEventServer struct {
	*httptest.Server
	mu     sync.Mutex
	events []eventv1.Event
}

func newFluxEventServer(t *testing.T) *fluxEventServer {
	s := &fluxEventServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e eventv1.Event
		if err := json.NewDecoder(r.Body).Decode(&e); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.events = append(s.events, e)
		s.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(s.Close)
	return s
}

// received is the events accepted so far about objects of kind in namespace with reason.
func (s *fluxEventServer) received(kind, namespace, reason string) []eventv1.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []eventv1.Event
	for _, e := range s.events {
		if e.InvolvedObject.Kind == kind && e.InvolvedObject.Namespace == namespace && e.Reason == reason {
			out = append(out, e)
		}
	}
	return out
}

func (s *fluxEventServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

// cloudEventsReceiver is the CloudEvents SDK's own HTTP receiver on a loopback port.
type cloudEventsReceiver struct {
	url    string
	mu     sync.Mutex
	events []cloudevents.Event
}

func newCloudEventsReceiver(t *testing.T) *cloudEventsReceiver {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	protocol, err := cloudevents.NewHTTP(cloudevents.WithListener(l))
	if err != nil {
		t.Fatal(err)
	}
	c, err := cloudevents.NewClient(protocol)
	if err != nil {
		t.Fatal(err)
	}
	r := &cloudEventsReceiver{url: "http://" + l.Addr().String() + "/"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = c.StartReceiver(ctx, func(e cloudevents.Event) {
			r.mu.Lock()
			r.events = append(r.events, e)
			r.mu.Unlock()
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return r
}

func (r *cloudEventsReceiver) ofType(eventType, subject string) []cloudevents.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []cloudevents.Event
	for _, e := range r.events {
		if e.Type() == eventType && e.Subject() == subject {
			out = append(out, e)
		}
	}
	return out
}

func (r *cloudEventsReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// TestNotifications: a capability becomes Available and each initiative waiting for it is told Unblocked once,
// to Flux and as a CloudEvent, with every field Flux's event server validates and routes on; a new manager
// (a restart, or a new leader) over the settled cluster writes no status and so tells nothing again.
func TestNotifications(t *testing.T) {
	env := testenv.New(t)
	g := testenv.NewG(t, 2*time.Minute)
	k := env.Client
	flux := newFluxEventServer(t)
	ce := newCloudEventsReceiver(t)

	opts := controllers.DefaultOptions()
	opts.Notify.EventsAddr = flux.URL + "/"
	opts.Notify.CloudEventsSink = ce.url
	opts.Notify.BoardURL = "https://roadmap.example.com"
	opts.Notify.ClusterScopedNamespace = "roadmap-operator-system"
	mgr, err := operatortest.StartManager(env, opts)
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { g.Expect(mgr.Stop()).To(Succeed()) }()

	ns := testenv.EnsureNamespace(t, k, "team-checkout")
	dependents := []string{"order-events", "payment-events"}
	testenv.Create(g, k, testenv.Capability("notify-bus", roadmapv1.LifecyclePlanned), testenv.Goal("notify-goal", ""))
	for _, name := range dependents {
		ini := testenv.Initiative(ns, name, "notify-bus")
		ini.Spec.Owner = "team-checkout"
		ini.Spec.Goals = testenv.Names("notify-goal")
		testenv.Create(g, k, ini)
	}
	for _, name := range dependents {
		// Planned, and no initiative provides it.
		testenv.ExpectInitiative(g, k, ns, name, roadmapv1.PhaseBlocked, roadmapv1.ReasonNoProvider)
	}
	// Blocked on creation: an error the owner must hear of, saying by what. (Once, or twice when the first
	// evaluation did not see the capability yet, CapabilityNotFound, and the next says no one provides it.)
	g.Eventually(func(g Gomega) {
		blocked := flux.received("Initiative", ns, "Blocked")
		for _, name := range dependents {
			g.Expect(blocked).To(ContainElement(HaveField("InvolvedObject.Name", name)))
		}
		for _, e := range blocked {
			g.Expect(e.Severity).To(Equal(eventv1.EventSeverityError))
			g.Expect(e.Metadata).To(HaveKeyWithValue(notify.MetaBlockedBy, "notify-bus"))
		}
	}).Should(Succeed())

	capability := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "notify-bus"}}
	testenv.Update(g, k, capability, func(c *roadmapv1.Capability) { c.Spec.Lifecycle = roadmapv1.LifecycleAvailable })
	for _, name := range dependents {
		testenv.ExpectInitiative(g, k, ns, name, roadmapv1.PhaseReady, roadmapv1.InitiativeReasonReady)
	}

	// Each dependent's Unblocked arrives, with every field Flux routes on.
	g.Eventually(func(g Gomega) {
		g.Expect(flux.received("Initiative", ns, "Unblocked")).To(HaveLen(len(dependents)))
		for _, name := range dependents {
			g.Expect(ce.ofType("dev.roadmap.initiative.unblocked.v1", name)).To(HaveLen(1))
		}
	}).Should(Succeed())
	for _, e := range flux.received("Initiative", ns, "Unblocked") {
		name := e.InvolvedObject.Name
		g.Expect(dependents).To(ContainElement(name))
		g.Expect(e.InvolvedObject.GroupVersionKind()).To(Equal(roadmapv1.GroupVersion.WithKind("Initiative")))
		g.Expect(e.InvolvedObject.UID).NotTo(BeEmpty())
		g.Expect(e.Severity).To(Equal(eventv1.EventSeverityInfo))
		g.Expect(e.Message).NotTo(BeEmpty())
		g.Expect(e.ReportingController).To(Equal("initiative-controller"))
		g.Expect(e.Timestamp.IsZero()).To(BeFalse())
		g.Expect(e.Metadata).To(Equal(map[string]string{
			"roadmap.dev/owner": "team-checkout",
			"roadmap.dev/goals": "notify-goal",
			"roadmap.dev/board": "https://roadmap.example.com/#sel=initiative%2Fteam-checkout%2F" + name,
		}))
	}
	for _, name := range dependents {
		e := ce.ofType("dev.roadmap.initiative.unblocked.v1", name)[0]
		g.Expect(e.Validate()).To(Succeed())
		g.Expect(e.Source()).To(Equal("/apis/roadmap.dev/v1alpha1/namespaces/team-checkout/initiatives/" + name))
		var data notify.EventData
		g.Expect(e.DataAs(&data)).To(Succeed())
		g.Expect(data.Severity).To(Equal("info"))
		g.Expect(data.Metadata).To(HaveKeyWithValue(notify.MetaOwner, "team-checkout"))
	}
	// The capability is cluster-scoped: told in the namespace its Alerts live in.
	g.Eventually(func() []eventv1.Event { return flux.received("Capability", "roadmap-operator-system", "Ready") }).
		Should(ContainElement(HaveField("InvolvedObject.Name", "notify-bus")))

	// Once each, however long we look.
	g.Consistently(func(g Gomega) {
		g.Expect(flux.received("Initiative", ns, "Unblocked")).To(HaveLen(len(dependents)))
		for _, name := range dependents {
			g.Expect(ce.ofType("dev.roadmap.initiative.unblocked.v1", name)).To(HaveLen(1))
		}
	}).Should(Succeed())

	// A restart (or a new leader) reconciles everything again, writes nothing, and tells nothing.
	fluxBefore, ceBefore := flux.count(), ce.count()
	reconciled := reconciles(g, "initiative")
	g.Expect(mgr.Stop()).To(Succeed())
	mgr, err = operatortest.StartManager(env, opts)
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func(g Gomega) {
		g.Expect(reconciles(g, "initiative") - reconciled).To(BeNumerically(">=", len(dependents)))
		g.Expect(testenv.ControllerValue(testenv.RegisteredMetric(g, "workqueue_depth"), "initiative")).To(BeZero())
	}).Should(Succeed())
	g.Consistently(func() []int { return []int{flux.count(), ce.count()} }).Should(Equal([]int{fluxBefore, ceBefore}),
		"a restart over a settled cluster must tell nothing again")
}

func reconciles(g Gomega, controller string) int {
	return int(testenv.ControllerValue(testenv.RegisteredMetric(g, "controller_runtime_reconcile_total"), controller))
}

// TestFluxComponent: config/flux, added to a Flux installation's kustomization, makes Flux's Alert accept
// Capability, Initiative and Goal event sources (and still refuse other kinds), and lets notification-controller
// read roadmap objects.
func TestFluxComponent(t *testing.T) {
	g := testenv.NewG(t, 0)
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(),
		filepath.Join(testenv.Root(t), "test", "notify", "testdata", "flux"))
	g.Expect(err).NotTo(HaveOccurred())
	env := testenv.New(t)
	var crd *apiextensionsv1.CustomResourceDefinition
	for _, r := range resources.Resources() {
		m, err := r.Map()
		g.Expect(err).NotTo(HaveOccurred())
		u := &unstructured.Unstructured{Object: m}
		g.Expect(env.Client.Create(context.Background(), u)).To(Succeed(), "creating %s %s", r.GetKind(), r.GetName())
		if r.GetKind() == "CustomResourceDefinition" {
			crd = &apiextensionsv1.CustomResourceDefinition{}
			g.Expect(env.Client.Get(context.Background(), client.ObjectKey{Name: r.GetName()}, crd)).To(Succeed())
		}
	}
	g.Expect(crd).NotTo(BeNil())
	g.Eventually(func(g Gomega) {
		g.Expect(env.Client.Get(context.Background(), client.ObjectKeyFromObject(crd), crd)).To(Succeed())
		established := false
		for _, c := range crd.Status.Conditions {
			established = established || (c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue)
		}
		g.Expect(established).To(BeTrue())
	}).Should(Succeed())

	alert := func(name, kind string) *unstructured.Unstructured {
		u := eventSourceAlert(name, kind)
		u.Object["spec"].(map[string]any)["eventSeverity"] = "info"
		return u
	}
	for _, kind := range []string{"Capability", "Initiative", "Goal", "Kustomization"} {
		g.Eventually(func() error {
			return env.Client.Create(context.Background(), alert("roadmap-"+strings.ToLower(kind), kind))
		}).
			Should(Succeed(), "an Alert on %s", kind)
	}
	err = env.Client.Create(context.Background(), alert("pods", "Pod"))
	g.Expect(err).To(MatchError(ContainSubstring("Unsupported value")), "the enum still refuses other kinds")
}
