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
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// Options configure the notifications: where they go, and what they link to.
type Options struct {
	// EventsAddr is the address of Flux's notification-controller event server; empty sends nothing to Flux.
	EventsAddr string
	// CloudEventsSink is the URL CloudEvents are sent to; empty sends none.
	CloudEventsSink string
	// BoardURL is the address of the roadmap board, linked from each notification; empty links nothing.
	BoardURL string
	// ClusterScopedNamespace is the namespace Flux events about capabilities and goals are told in.
	ClusterScopedNamespace string
	// Delivery bounds each sink's queue, rate, attempts and senders.
	Delivery Delivery
}

// defaultClusterScopedNamespace is the namespace config/default deploys the manager to.
const defaultClusterScopedNamespace = "roadmap-operator-system"

// DefaultOptions are the defaults of the notification flags: no sink; events about cluster-scoped objects in
// the manager's own namespace (POD_NAMESPACE, from the downward API in config/manager).
func DefaultOptions() Options {
	o := Options{ClusterScopedNamespace: os.Getenv("POD_NAMESPACE"), Delivery: DefaultDelivery()}
	if o.ClusterScopedNamespace == "" {
		o.ClusterScopedNamespace = defaultClusterScopedNamespace
	}
	return o
}

// BindFlags registers the options as flags, with DefaultOptions as defaults. Delivery is not a flag of its
// own: it starts as DefaultDelivery, and the manager sets its queue and rate from the event flags (--event-qps,
// --event-burst, --event-queue-size).
func (o *Options) BindFlags(fs *flag.FlagSet) {
	d := DefaultOptions()
	o.Delivery = d.Delivery
	fs.StringVar(&o.EventsAddr, "events-addr", d.EventsAddr,
		"The address of Flux's notification-controller event server (e.g. "+
			"http://notification-controller.flux-system.svc.cluster.local./): transitions are posted there too, for "+
			"Flux Alerts to route (docs/notifications.md). Empty: none.")
	fs.StringVar(&o.CloudEventsSink, "cloudevents-sink", d.CloudEventsSink,
		"A URL transitions are also sent to as CloudEvents 1.0 (HTTP binding). Empty: none.")
	fs.StringVar(&o.BoardURL, "board-url", d.BoardURL,
		"The address of the roadmap board, linked from each notification (metadata roadmap.dev/board).")
	fs.StringVar(&o.ClusterScopedNamespace, "cluster-scoped-events-namespace", d.ClusterScopedNamespace,
		"The namespace Flux events about capabilities and goals (cluster-scoped) are told in, where the Alerts "+
			"routing them live (default: the manager's namespace).")
}

// Enabled reports whether any sink is configured.
func (o Options) Enabled() bool { return o.EventsAddr != "" || o.CloudEventsSink != "" }

// Notifier tells the transitions recorded through its recorders to every configured sink. It is a manager
// runnable that needs leader election, like the controllers whose transitions it tells.
type Notifier struct {
	dispatchers []*Dispatcher
	scheme      *runtime.Scheme
	boardURL    string
	instance    string
	log         logr.Logger
}

// New returns a notifier for the sinks opts configure, or nil when none is.
func New(opts Options, scheme *runtime.Scheme, dropped DropCounter, log logr.Logger) (*Notifier, error) {
	if !opts.Enabled() {
		return nil, nil
	}
	d := opts.Delivery
	if d.QueueSize == 0 {
		d = DefaultDelivery()
	}
	// One attempt is bounded by the context; the client's own timeout stands behind it.
	httpClient := &http.Client{Timeout: d.Timeout + time.Second}
	n := &Notifier{scheme: scheme, boardURL: opts.BoardURL, log: log}
	n.instance, _ = os.Hostname()
	if opts.EventsAddr != "" {
		sink, err := NewFluxSink(opts.EventsAddr, opts.ClusterScopedNamespace, httpClient)
		if err != nil {
			return nil, err
		}
		n.dispatchers = append(n.dispatchers, NewDispatcher(sink, d, dropped, log))
	}
	if opts.CloudEventsSink != "" {
		sink, err := NewCloudEventsSink(opts.CloudEventsSink, httpClient)
		if err != nil {
			return nil, err
		}
		n.dispatchers = append(n.dispatchers, NewDispatcher(sink, d, dropped, log))
	}
	return n, nil
}

// Start runs every sink's dispatcher until ctx is done.
func (n *Notifier) Start(ctx context.Context) error {
	done := make(chan struct{}, len(n.dispatchers))
	for _, d := range n.dispatchers {
		go func() {
			_ = d.Start(ctx)
			done <- struct{}{}
		}()
	}
	for range n.dispatchers {
		<-done
	}
	return nil
}

// Recorder returns a recorder that records through next (the Kubernetes Events) and tells the same events to
// the sinks, as reported by controller. A nil notifier returns next.
func (n *Notifier) Recorder(next events.EventRecorder, controller string) events.EventRecorder {
	if n == nil {
		return next
	}
	return &recorder{next: next, notifier: n, controller: controller}
}

type recorder struct {
	next       events.EventRecorder
	notifier   *Notifier
	controller string
}

var _ events.EventRecorder = &recorder{}

// Eventf records the event, then queues its notification for every sink: a few small allocations, and never
// a wait, in the reconcile that tells it.
func (r *recorder) Eventf(regarding, related runtime.Object, eventType, reason, action, note string, args ...any) {
	r.next.Eventf(regarding, related, eventType, reason, action, note, args...)
	n, err := r.notifier.notification(regarding, eventType, reason, note, args, r.controller)
	if err != nil {
		r.notifier.log.Error(err, "not telling an event about an object without a reference", "reason", reason)
		return
	}
	for _, d := range r.notifier.dispatchers {
		d.Push(n)
	}
}

func (n *Notifier) notification(obj runtime.Object, eventType, reason, note string, args []any, controller string) (*Notification, error) {
	gvk, err := apiutil.GVKForObject(obj, n.scheme)
	if err != nil {
		return nil, err
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	message := note
	if len(args) > 0 {
		message = fmt.Sprintf(note, args...)
	}
	apiVersion, kind := gvk.ToAPIVersionAndKind()
	return &Notification{
		Object: corev1.ObjectReference{Kind: kind, APIVersion: apiVersion, Namespace: m.GetNamespace(),
			Name: m.GetName(), UID: m.GetUID()},
		Type: eventType, Reason: reason, Message: message, Metadata: MetadataOf(obj, n.boardURL),
		Time: time.Now(), ReportingController: controller, ReportingInstance: controller + "-" + n.instance,
	}, nil
}
