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
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	eventv1 "github.com/fluxcd/pkg/apis/event/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// fluxMessageLimit is the longest message Flux's Event API accepts (eventv1.Event.Message).
const fluxMessageLimit = 39000

// FluxSink posts notifications to Flux's notification-controller event server (the --events-addr of every Flux
// controller, e.g. http://notification-controller.flux-system.svc.cluster.local./), in its own event format.
// Flux Alerts then route them to their Providers by kind, namespace, name, labels and severity.
type FluxSink struct {
	address string
	client  *http.Client
	// clusterScopedNamespace is the namespace events about cluster-scoped objects (capabilities, goals) are
	// told in: Flux matches an Alert's event sources by namespace, and refuses events without one.
	clusterScopedNamespace string
}

// NewFluxSink returns a sink posting to address, telling events about cluster-scoped objects in
// clusterScopedNamespace.
func NewFluxSink(address, clusterScopedNamespace string, client *http.Client) (*FluxSink, error) {
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--events-addr %q: want an http(s) URL such as "+
			"http://notification-controller.flux-system.svc.cluster.local./", address)
	}
	if clusterScopedNamespace == "" {
		return nil, fmt.Errorf("no namespace to tell events about cluster-scoped objects in")
	}
	return &FluxSink{address: address, client: client, clusterScopedNamespace: clusterScopedNamespace}, nil
}

// Name is the sink's label in roadmap_events_dropped_total.
func (*FluxSink) Name() string { return "flux" }

// Event is the notification in Flux's event format.
func (s *FluxSink) Event(n *Notification) eventv1.Event {
	object := n.Object
	if object.Namespace == "" {
		object.Namespace = s.clusterScopedNamespace
	}
	return eventv1.Event{
		InvolvedObject:      object,
		Severity:            Severity(n.Type),
		Timestamp:           metav1.NewTime(n.Time),
		Message:             Truncate(n.Message, fluxMessageLimit),
		Reason:              n.Reason,
		Metadata:            n.Metadata,
		ReportingController: n.ReportingController,
		ReportingInstance:   n.ReportingInstance,
	}
}

// Send posts one notification. The event server answers 202 when it took the event (routed or not), and 429
// when it drops it as a duplicate of one it routed moments ago: both are done, as Flux's own recorder treats
// them. Other client errors are permanent; server errors and connection failures are worth retrying.
func (s *FluxSink) Send(ctx context.Context, n *Notification) error {
	body, err := json.Marshal(s.Event(n))
	if err != nil {
		return Permanent(fmt.Errorf("encoding the event: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.address, bytes.NewReader(body))
	if err != nil {
		return Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
	_ = res.Body.Close()
	switch {
	case res.StatusCode < 300, res.StatusCode == http.StatusTooManyRequests:
		return nil
	case res.StatusCode >= 500:
		return fmt.Errorf("the event server answered %s", res.Status)
	default:
		return Permanent(fmt.Errorf("the event server refused the event: %s", res.Status))
	}
}
