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

package eventsender_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-logr/logr"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/eventsender"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// droppedEvents reads roadmap_events_dropped_total for the Kubernetes Events and a cause from the registry the
// manager serves.
func droppedEvents(g Gomega, cause string) float64 {
	families, err := ctrlmetrics.Registry.Gather()
	g.Expect(err).NotTo(HaveOccurred())
	for _, f := range families {
		if f.GetName() != "roadmap_events_dropped_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			if testenv.Label(m, "sink") == "kubernetes" && testenv.Label(m, "cause") == cause {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// TestEventSender: events told through the sender are written as events.k8s.io Events about their object;
// what cannot be queued, written, or sent before shutdown is counted by cause, never dropped silently.
func TestEventSender(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "event-sender")
	ini := initiative(ns, "told")

	sender, err := eventsender.New(env.Config, scheme.Scheme, eventsender.Options{QPS: 100, Burst: 100, QueueSize: 10}, logr.Discard())
	g.Expect(err).NotTo(HaveOccurred())
	runCtx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() { _ = sender.Start(runCtx) }()
	recorder := sender.Recorder("test-controller")

	failedBefore := droppedEvents(g, "write_failed")
	recorder.Eventf(ini, nil, corev1.EventTypeNormal, "Told", "Test", "hello %s", "world")
	g.Eventually(func(g Gomega) {
		list := &eventsv1.EventList{}
		g.Expect(k.List(ctx(), list, client.InNamespace(ns))).To(Succeed())
		g.Expect(list.Items).To(ContainElement(SatisfyAll(
			HaveField("Reason", "Told"), HaveField("Note", "hello world"), HaveField("Type", corev1.EventTypeNormal),
			HaveField("Action", "Test"), HaveField("ReportingController", "test-controller"),
			HaveField("Regarding.Kind", "Initiative"), HaveField("Regarding.Name", "told"),
			HaveField("Regarding.Namespace", ns))))
	}).Should(Succeed())

	// The apiserver refuses an event in a namespace that does not exist: counted, not retried for ever.
	recorder.Eventf(initiative("no-such-namespace-for-events", "lost"), nil, corev1.EventTypeNormal, "Told", "Test", "refused")
	g.Eventually(func(g Gomega) float64 { return droppedEvents(g, "write_failed") }).Should(Equal(failedBefore + 1))

	// A sender that is not started yet holds one event: the next two do not fit.
	full, err := eventsender.New(env.Config, scheme.Scheme, eventsender.Options{QPS: 100, Burst: 100, QueueSize: 1}, logr.Discard())
	g.Expect(err).NotTo(HaveOccurred())
	queueFullBefore := droppedEvents(g, "queue_full")
	for range 3 {
		full.Recorder("test-controller").Eventf(ini, nil, corev1.EventTypeNormal, "Told", "Test", "burst")
	}
	g.Expect(droppedEvents(g, "queue_full")).To(Equal(queueFullBefore + 2))

	// Stopped with the event still queued: counted as not sent at shutdown.
	shutdownBefore := droppedEvents(g, "shutdown")
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	g.Expect(full.Start(stopped)).To(Succeed())
	g.Expect(droppedEvents(g, "shutdown")).To(Equal(shutdownBefore + 1))
}

// TestEventLongNote: the apiserver refuses an event whose note is over 1 KiB; a long message (a remote cluster's
// error, say) is cut on a rune boundary instead, and the event is written.
func TestEventLongNote(t *testing.T) {
	g := newG(t)
	ns := namespace(t, "event-long-note")
	sender, err := eventsender.New(env.Config, scheme.Scheme, eventsender.Options{QPS: 100, Burst: 100, QueueSize: 10}, logr.Discard())
	g.Expect(err).NotTo(HaveOccurred())
	runCtx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() { _ = sender.Start(runCtx) }()
	failedBefore := droppedEvents(g, "write_failed")
	long := "cluster eu-west: " + strings.Repeat("réseau injoignable 🚫 ", 100) // 2.7 KiB of 1-, 2- and 4-byte runes
	sender.Recorder("test-controller").Eventf(initiative(ns, "long"), nil, "Warning", "LongNote", "Test", "%s", long)
	g.Eventually(func(g Gomega) {
		list := &eventsv1.EventList{}
		g.Expect(k.List(ctx(), list, client.InNamespace(ns))).To(Succeed())
		g.Expect(list.Items).To(ContainElement(HaveField("Reason", "LongNote")))
		for _, e := range list.Items {
			if e.Reason == "LongNote" {
				g.Expect(len(e.Note)).To(BeNumerically("<=", 1024))
				g.Expect(utf8.ValidString(e.Note)).To(BeTrue())
				g.Expect(e.Note).To(HavePrefix("cluster eu-west: réseau"))
				g.Expect(e.Note).To(HaveSuffix("…"))
			}
		}
	}).Should(Succeed())
	g.Expect(droppedEvents(g, "write_failed")).To(Equal(failedBefore))
}

// TestEventAboutClusterScopedObject: events about cluster-scoped objects go to the default namespace, as
// client-go's recorder puts them.
func TestEventAboutClusterScopedObject(t *testing.T) {
	g := newG(t)
	sender, err := eventsender.New(env.Config, scheme.Scheme, eventsender.Options{QPS: 100, Burst: 100, QueueSize: 10}, logr.Discard())
	g.Expect(err).NotTo(HaveOccurred())
	runCtx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() { _ = sender.Start(runCtx) }()
	c := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "told-capability"}}
	sender.Recorder("test-controller").Eventf(c, nil, corev1.EventTypeWarning, "ToldCluster", "Test", "about a capability")
	g.Eventually(func(g Gomega) {
		list := &eventsv1.EventList{}
		g.Expect(k.List(ctx(), list, client.InNamespace(metav1.NamespaceDefault))).To(Succeed())
		g.Expect(list.Items).To(ContainElement(SatisfyAll(HaveField("Reason", "ToldCluster"),
			HaveField("Regarding.Kind", "Capability"), HaveField("Regarding.Name", "told-capability"))))
	}).Should(Succeed())
}
