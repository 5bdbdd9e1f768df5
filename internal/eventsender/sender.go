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

// Package eventsender writes the controllers' events.k8s.io Events through a bounded queue and a rate-limited
// client of its own.
package eventsender

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	eventsclient "k8s.io/client-go/kubernetes/typed/events/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/roadmap-operator/roadmap-operator/internal/metrics"
	"github.com/roadmap-operator/roadmap-operator/internal/notify"
	"github.com/roadmap-operator/roadmap-operator/internal/queue"
)

// Sender writes the controllers' events.k8s.io Events through a bounded queue and a client of its own,
// rate-limited on its own, so that the events of a mass transition trail its status writes rather than compete
// with them for the apiserver.
//
// It replaces client-go's events broadcaster for three reasons that show at scale (docs/performance.md): the
// broadcaster keeps every event it emitted for six minutes (to build series), so a transition of 10,000
// initiatives holds some 20 MiB for that long; it starts a goroutine per event; and behind a rate-limited sink
// its queue drops events silently once full. Here an event is a small record until it is sent and nothing
// after; the queue is bounded, and what cannot be queued or written is counted in roadmap_events_dropped_total
// and logged. Events are not folded into series: each transition the controllers tell is one Event.
type Sender struct {
	client   eventsclient.EventsV1Interface
	scheme   *runtime.Scheme
	instance string
	queue    *queue.Bounded[*pendingEvent]
	log      logr.Logger
	drops    atomic.Int64
	// apiVersions holds one apiVersion string per schema.GroupVersion.
	apiVersions sync.Map
}

// pendingEvent is what an event needs until it is written: the Event object is built only to send it.
type pendingEvent struct {
	regarding           corev1.ObjectReference
	related             *corev1.ObjectReference
	time                time.Time
	eventType, reason   string
	action, note        string
	reportingController string
}

// eventSenders is how many events are written at once; the rate limit, not this, sets the pace.
const eventSenders = 4

// New returns a Sender writing with a copy of cfg limited to opts.QPS and opts.Burst, queuing at most
// opts.QueueSize events. Add it to the manager to start it.
func New(cfg *rest.Config, scheme *runtime.Scheme, opts Options, log logr.Logger) (*Sender, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = -1, 0
	if opts.QPS > 0 {
		cfg.QPS, cfg.Burst = float32(opts.QPS), max(opts.Burst, 1)
	}
	c, err := eventsclient.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating the events client: %w", err)
	}
	hostname, _ := os.Hostname()
	return &Sender{client: c, scheme: scheme, instance: hostname, queue: queue.New[*pendingEvent](opts.QueueSize), log: log}, nil
}

// Recorder returns an events.EventRecorder that queues events reported by controller.
func (s *Sender) Recorder(controller string) events.EventRecorder {
	return &queuedRecorder{sender: s, controller: controller}
}

// Start writes queued events until ctx is done; what is still queued then is counted as dropped.
func (s *Sender) Start(ctx context.Context) error {
	done := make(chan struct{})
	for range eventSenders {
		go func() {
			defer func() { done <- struct{}{} }()
			for {
				e, ok := s.queue.Pop(ctx)
				if !ok {
					return
				}
				metrics.EventsQueued.Dec()
				s.send(ctx, e)
			}
		}()
	}
	for range eventSenders {
		<-done
	}
	if n := s.queue.Len(); n > 0 {
		metrics.EventsDropped.WithLabelValues(sinkKubernetes, dropShutdown).Add(float64(n))
		metrics.EventsQueued.Sub(float64(n))
		s.log.Info("events not written before shutdown", "count", n)
	}
	return nil
}

// Causes of dropped events, the cause label of roadmap_events_dropped_total (whose sink label is kubernetes for
// the Events the sender writes).
const (
	sinkKubernetes  = "kubernetes"
	dropQueueFull   = "queue_full"
	dropWriteFailed = "write_failed"
	dropShutdown    = "shutdown"
)

// send writes one event, retrying what the apiserver may accept later (throttling, timeouts, restarts).
func (s *Sender) send(ctx context.Context, e *pendingEvent) {
	ev := e.toEvent(s.instance)
	backoff := wait.Backoff{Duration: 500 * time.Millisecond, Factor: 2, Steps: 5}
	var lastErr error
	err := wait.ExponentialBackoffWithContext(ctx, backoff, func(ctx context.Context) (bool, error) {
		_, lastErr = s.client.Events(ev.Namespace).Create(ctx, ev, metav1.CreateOptions{})
		switch {
		case lastErr == nil, apierrors.IsAlreadyExists(lastErr):
			return true, nil
		case apierrors.IsTooManyRequests(lastErr), apierrors.IsServerTimeout(lastErr), apierrors.IsTimeout(lastErr),
			apierrors.IsServiceUnavailable(lastErr), apierrors.IsInternalError(lastErr), isConnectionError(lastErr):
			return false, nil
		default:
			return false, lastErr
		}
	})
	if err == nil {
		return
	}
	if ctx.Err() != nil {
		metrics.EventsDropped.WithLabelValues(sinkKubernetes, dropShutdown).Inc()
		return
	}
	if lastErr != nil {
		err = lastErr
	}
	metrics.EventsDropped.WithLabelValues(sinkKubernetes, dropWriteFailed).Inc()
	s.log.Error(err, "writing an event", "regarding", describe(e.regarding),
		"reason", e.reason)
}

// isConnectionError reports an error without an API status, from below HTTP: the apiserver restarting, say.
func isConnectionError(err error) bool {
	var status apierrors.APIStatus
	return err != nil && !errors.As(err, &status)
}

// enqueue queues an event, or counts it as dropped when the queue is full: the first drop and every 1,000th
// after it are logged.
func (s *Sender) enqueue(e *pendingEvent) {
	if s.queue.Push(e) {
		metrics.EventsQueued.Inc()
		return
	}
	metrics.EventsDropped.WithLabelValues(sinkKubernetes, dropQueueFull).Inc()
	if n := s.drops.Add(1); n == 1 || n%1000 == 0 {
		s.log.Info("event queue full: dropping events (see --event-queue-size, --event-qps)", "dropped", n,
			"queueSize", s.queue.Limit(), "regarding", describe(e.regarding),
			"reason", e.reason)
	}
}

// noteLimit is the longest note, in bytes, the apiserver accepts in an events.k8s.io Event: a longer one (a
// remote cluster's error, say) is cut on a rune boundary rather than refused with the whole event.
const noteLimit = 1024

func (e *pendingEvent) toEvent(instance string) *eventsv1.Event {
	namespace := e.regarding.Namespace
	if namespace == "" {
		namespace = metav1.NamespaceDefault // where events about cluster-scoped objects go, as client-go does
	}
	return &eventsv1.Event{
		ObjectMeta: metav1.ObjectMeta{
			Name:      fmt.Sprintf("%v.%x", e.regarding.Name, e.time.UnixNano()),
			Namespace: namespace,
		},
		EventTime:           metav1.NewMicroTime(e.time),
		ReportingController: e.reportingController,
		ReportingInstance:   e.reportingController + "-" + instance,
		Action:              e.action,
		Reason:              e.reason,
		Regarding:           e.regarding,
		Related:             e.related,
		Note:                notify.Truncate(e.note, noteLimit),
		Type:                e.eventType,
	}
}

// queuedRecorder is the events.EventRecorder of one controller.
type queuedRecorder struct {
	sender     *Sender
	controller string
}

var _ events.EventRecorder = &queuedRecorder{}

func (r *queuedRecorder) Eventf(regarding, related runtime.Object, eventType, reason, action, note string, args ...any) {
	ref, err := r.sender.reference(regarding)
	if err != nil {
		r.sender.log.Error(err, "not recording an event about an object without a reference", "reason", reason)
		return
	}
	e := &pendingEvent{regarding: ref, time: time.Now(), eventType: eventType, reason: reason, action: action,
		note: format(note, args), reportingController: r.controller}
	if related != nil {
		if rel, err := r.sender.reference(related); err == nil {
			e.related = &rel
		}
	}
	r.sender.enqueue(e)
}

// format is fmt.Sprintf, without a copy of the message for the common "%s" of one string: a queued event
// then shares it with the status it tells.
func format(note string, args []any) string {
	if note == "%s" && len(args) == 1 {
		if s, ok := args[0].(string); ok {
			return s
		}
	}
	return fmt.Sprintf(note, args...)
}

// reference is what an event says of the object it is about: kind, apiVersion, namespace, name and UID. The
// strings are the object's own and the scheme's, and the apiVersion string is kept once per group and version,
// so a queued event holds little beyond its record.
func (s *Sender) reference(obj runtime.Object) (corev1.ObjectReference, error) {
	gvk, err := apiutil.GVKForObject(obj, s.scheme)
	if err != nil {
		return corev1.ObjectReference{}, err
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return corev1.ObjectReference{}, err
	}
	gv := gvk.GroupVersion()
	apiVersion, ok := s.apiVersions.Load(gv)
	if !ok {
		apiVersion, _ = s.apiVersions.LoadOrStore(gv, gv.String())
	}
	return corev1.ObjectReference{Kind: gvk.Kind, APIVersion: apiVersion.(string), Namespace: m.GetNamespace(),
		Name: m.GetName(), UID: m.GetUID()}, nil
}

// describe names the object an event is about in the manager's logs: "Kind namespace/name".
func describe(ref corev1.ObjectReference) string {
	return ref.Kind + " " + types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}.String()
}
