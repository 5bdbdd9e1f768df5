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

package notify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	eventv1 "github.com/fluxcd/pkg/apis/event/v1beta1"
	"github.com/go-logr/logr"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

func unblocked() *Notification {
	return &Notification{
		Object: corev1.ObjectReference{APIVersion: "roadmap.dev/v1alpha1", Kind: "Initiative", Namespace: "team-checkout",
			Name: "order-events", UID: "0b7c5e0e-5a3f-4c1e-9d7a-2f8f1c7e9a11"},
		Type: corev1.EventTypeNormal, Reason: "Unblocked", Message: "every prerequisite is met",
		Metadata: map[string]string{MetaOwner: "team-checkout", MetaGoals: "realtime-personalisation"},
		Time:     time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC), ReportingController: "initiative-controller",
		ReportingInstance: "initiative-controller-manager-0",
	}
}

// fluxServer decodes what it is posted as Flux's event server does (into eventv1.Event, refusing what does not
// decode), and answers status.
func fluxServer(t *testing.T, status int) (*httptest.Server, func() []eventv1.Event) {
	var mu sync.Mutex
	var got []eventv1.Event
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e eventv1.Event
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&e); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, e)
		mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []eventv1.Event {
		mu.Lock()
		defer mu.Unlock()
		return append([]eventv1.Event(nil), got...)
	}
}

// TestFluxSink: the event carries every field Flux's event server routes on: the involved object's kind,
// namespace and name (an Alert's eventSources), its API group (only metadata under it survives the server's
// cleanup), severity (eventSeverity), reason, message and the reporting controller.
func TestFluxSink(t *testing.T) {
	srv, received := fluxServer(t, http.StatusAccepted)
	sink, err := NewFluxSink(srv.URL+"/", "roadmap-operator-system", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Send(context.Background(), unblocked()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	blocked := unblocked()
	blocked.Object = corev1.ObjectReference{APIVersion: "roadmap.dev/v1alpha1", Kind: "Capability", Name: "event-bus"}
	blocked.Type, blocked.Reason, blocked.Message = corev1.EventTypeWarning, "NotReady", strings.Repeat("x", 50000)
	if err := sink.Send(context.Background(), blocked); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := received()
	if len(got) != 2 {
		t.Fatalf("received %d events, want 2", len(got))
	}
	e := got[0]
	gvk := e.InvolvedObject.GroupVersionKind()
	switch {
	case e.InvolvedObject.Kind != "Initiative", e.InvolvedObject.Name != "order-events",
		e.InvolvedObject.Namespace != "team-checkout", gvk.Group != "roadmap.dev", e.InvolvedObject.UID == "":
		t.Errorf("involvedObject = %+v", e.InvolvedObject)
	case e.Severity != eventv1.EventSeverityInfo:
		t.Errorf("severity = %q, want info", e.Severity)
	case e.Reason != "Unblocked", e.Message != "every prerequisite is met":
		t.Errorf("reason, message = %q, %q", e.Reason, e.Message)
	case e.ReportingController != "initiative-controller", e.ReportingInstance == "":
		t.Errorf("reporting = %q, %q", e.ReportingController, e.ReportingInstance)
	case !e.Timestamp.Time.Equal(unblocked().Time):
		t.Errorf("timestamp = %v", e.Timestamp)
	case !e.HasMetadata("roadmap.dev/owner", "team-checkout"), !e.HasMetadata("roadmap.dev/goals", "realtime-personalisation"):
		t.Errorf("metadata = %v", e.Metadata)
	}
	for key := range e.Metadata {
		if !strings.HasPrefix(key, gvk.Group+"/") {
			t.Errorf("metadata key %q is not under the involved object's group: the event server drops it", key)
		}
	}
	// A capability is cluster-scoped: its event is told in the namespace Alerts for capabilities live in.
	c := got[1]
	if c.InvolvedObject.Namespace != "roadmap-operator-system" || c.Severity != eventv1.EventSeverityError {
		t.Errorf("capability event: namespace %q, severity %q", c.InvolvedObject.Namespace, c.Severity)
	}
	if len(c.Message) > fluxMessageLimit {
		t.Errorf("message of %d bytes, beyond Flux's limit of %d", len(c.Message), fluxMessageLimit)
	}
}

// TestFluxSinkAnswers: 202 and 429 (a duplicate the server rate-limits) are done; a 400 is not worth
// retrying; a 500 and an unreachable server are.
func TestFluxSinkAnswers(t *testing.T) {
	for _, tc := range []struct {
		status             int
		wantErr, permanent bool
	}{
		{http.StatusAccepted, false, false},
		{http.StatusTooManyRequests, false, false},
		{http.StatusBadRequest, true, true},
		{http.StatusInternalServerError, true, false},
	} {
		srv, _ := fluxServer(t, tc.status)
		sink, err := NewFluxSink(srv.URL, "ns", srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		err = sink.Send(context.Background(), unblocked())
		if (err != nil) != tc.wantErr || IsPermanent(err) != tc.permanent {
			t.Errorf("answer %d: err %v (permanent %v), want error %v, permanent %v", tc.status, err, IsPermanent(err),
				tc.wantErr, tc.permanent)
		}
	}
	sink, err := NewFluxSink("http://"+closedAddress(t), "ns", http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Send(context.Background(), unblocked()); err == nil || IsPermanent(err) {
		t.Errorf("unreachable: err %v, want a retryable error", err)
	}
	for _, bad := range []string{"notification-controller", "ftp://x/", "http://"} {
		if _, err := NewFluxSink(bad, "ns", http.DefaultClient); err == nil {
			t.Errorf("NewFluxSink(%q) accepted", bad)
		}
	}
}

// closedAddress is a loopback address nothing listens on.
func closedAddress(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// TestCloudEventsSink: the SDK's own HTTP receiver gets a valid CloudEvent 1.0 with the roadmap's type, source
// and subject, and the message and metadata as JSON data.
func TestCloudEventsSink(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	protocol, err := cloudevents.NewHTTP(cloudevents.WithListener(l))
	if err != nil {
		t.Fatal(err)
	}
	receiver, err := cloudevents.NewClient(protocol)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := make(chan cloudevents.Event, 4)
	go func() {
		_ = receiver.StartReceiver(ctx, func(e cloudevents.Event) { events <- e })
	}()

	sink, err := NewCloudEventsSink("http://"+l.Addr().String()+"/", http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	n := unblocked()
	if err := sink.Send(ctx, n); err != nil {
		t.Fatalf("Send: %v", err)
	}
	var e cloudevents.Event
	select {
	case e = <-events:
	case <-time.After(30 * time.Second):
		t.Fatal("no event received")
	}
	if err := e.Validate(); err != nil {
		t.Fatalf("invalid CloudEvent: %v", err)
	}
	switch {
	case e.SpecVersion() != cloudevents.VersionV1:
		t.Errorf("specversion = %q", e.SpecVersion())
	case e.Type() != "dev.roadmap.initiative.unblocked.v1":
		t.Errorf("type = %q", e.Type())
	case e.Source() != "/apis/roadmap.dev/v1alpha1/namespaces/team-checkout/initiatives/order-events":
		t.Errorf("source = %q", e.Source())
	case e.Subject() != "order-events":
		t.Errorf("subject = %q", e.Subject())
	case !e.Time().Equal(n.Time):
		t.Errorf("time = %v", e.Time())
	case e.ID() == "" || e.DataContentType() != cloudevents.ApplicationJSON:
		t.Errorf("id %q, datacontenttype %q", e.ID(), e.DataContentType())
	}
	var data EventData
	if err := e.DataAs(&data); err != nil {
		t.Fatal(err)
	}
	if data.Message != n.Message || data.Reason != "Unblocked" || data.Severity != "info" ||
		data.Metadata[MetaOwner] != "team-checkout" || data.Object.Kind != "Initiative" ||
		data.Object.Namespace != "team-checkout" || data.Object.UID != string(n.Object.UID) {
		t.Errorf("data = %+v", data)
	}
	// The same transition sent again (a retry) has the same id: receivers can drop the duplicate.
	again, err := sink.Event(n)
	if err != nil || again.ID() != e.ID() {
		t.Errorf("id of a retry = %q (%v), want %q", again.ID(), err, e.ID())
	}
}

// TestCloudEventsSinkAnswers: a sink answering 400 refuses the event for good; 500 and unreachable are worth
// retrying.
func TestCloudEventsSinkAnswers(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{{http.StatusBadRequest, true}, {http.StatusInternalServerError, false}, {http.StatusTooManyRequests, false}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(tc.status) }))
		sink, err := NewCloudEventsSink(srv.URL, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		err = sink.Send(context.Background(), unblocked())
		if err == nil || IsPermanent(err) != tc.permanent {
			t.Errorf("answer %d: err %v, want permanent %v", tc.status, err, tc.permanent)
		}
		srv.Close()
	}
	sink, err := NewCloudEventsSink("http://"+closedAddress(t), http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Send(context.Background(), unblocked()); err == nil || IsPermanent(err) {
		t.Errorf("unreachable: err %v, want a retryable error", err)
	}
}

// drops counts dropped notifications by sink and cause, as roadmap_events_dropped_total does.
type drops struct {
	mu sync.Mutex
	n  map[string]int
}

func (d *drops) count(sink, cause string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.n == nil {
		d.n = map[string]int{}
	}
	d.n[sink+"/"+cause]++
}

func (d *drops) get(key string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.n[key]
}

// fastDelivery retries three times, quickly, and waits at most 200ms per attempt.
func fastDelivery(queueSize int) Delivery {
	return Delivery{QueueSize: queueSize, Timeout: 200 * time.Millisecond, Senders: 1,
		Backoff: wait.Backoff{Duration: 10 * time.Millisecond, Factor: 2, Steps: 3}}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	NewWithT(t).Eventually(cond).WithTimeout(30*time.Second).WithPolling(10*time.Millisecond).Should(BeTrue(), what)
}

// TestDispatcherBadSinks: a sink that answers 500, one that never answers and one that is down each cost a
// bounded number of attempts per notification, then a send_failed drop; nothing is retried forever, and a push
// never waits.
func TestDispatcherBadSinks(t *testing.T) {
	var attempts atomic.Int64
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		attempts.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer failing.Close()
	hanging := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		_, _ = io.Copy(io.Discard, r.Body) // read it all, so that the server sees the sender hang up
		<-r.Context().Done()               // and answer nothing until then
	}))
	defer hanging.Close()

	for _, tc := range []struct {
		name, address string
		counted       bool
	}{
		{"answers 500", failing.URL, true},
		{"never answers", hanging.URL, true},
		{"down", "http://" + closedAddress(t), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attempts.Store(0)
			sink, err := NewFluxSink(tc.address, "ns", &http.Client{})
			if err != nil {
				t.Fatal(err)
			}
			var d drops
			disp := NewDispatcher(sink, fastDelivery(10), d.count, logr.Discard())
			ctx, cancel := context.WithCancel(context.Background())
			stopped := make(chan struct{})
			go func() { _ = disp.Start(ctx); close(stopped) }()

			start := time.Now()
			for range 3 {
				disp.Push(unblocked())
			}
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("pushing took %v: a push must never wait for the sink", elapsed)
			}
			eventually(t, "three send_failed drops", func() bool { return d.get("flux/send_failed") == 3 })
			if tc.counted && attempts.Load() != 9 {
				t.Errorf("%d attempts for 3 notifications, want 3 each", attempts.Load())
			}
			cancel()
			<-stopped
			if d.get("flux/queue_full") != 0 || d.get("flux/shutdown") != 0 {
				t.Errorf("drops = %v", d.n)
			}
		})
	}
}

// TestDispatcherQueueFullAndShutdown: beyond the queue, notifications are dropped as queue_full at once; what
// is still queued when the manager stops is counted as shutdown.
func TestDispatcherQueueFullAndShutdown(t *testing.T) {
	srv, received := fluxServer(t, http.StatusAccepted)
	sink, err := NewFluxSink(srv.URL, "ns", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	var d drops
	disp := NewDispatcher(sink, fastDelivery(2), d.count, logr.Discard())
	for range 5 { // not started: two wait, three do not fit
		disp.Push(unblocked())
	}
	if got := d.get("flux/queue_full"); got != 3 {
		t.Fatalf("queue_full drops = %d, want 3", got)
	}
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	if err := disp.Start(stopped); err != nil {
		t.Fatal(err)
	}
	if got := d.get("flux/shutdown"); got != 2 {
		t.Fatalf("shutdown drops = %d, want 2", got)
	}

	// Started, it sends what it is given, each once.
	disp = NewDispatcher(sink, fastDelivery(2), d.count, logr.Discard())
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() { _ = disp.Start(ctx) }()
	disp.Push(unblocked())
	eventually(t, "the event posted", func() bool { return len(received()) == 1 })
}

// TestPermanent: a permanent error is recognised through wrapping.
func TestPermanent(t *testing.T) {
	err := Permanent(errors.New("refused"))
	if !IsPermanent(err) || !IsPermanent(errors.Join(errors.New("context"), err)) || IsPermanent(errors.New("x")) {
		t.Fatal("IsPermanent does not see through wrapping")
	}
}
