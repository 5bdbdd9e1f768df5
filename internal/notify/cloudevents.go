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
	"fmt"
	"net/http"
	"net/url"
	"strings"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	corev1 "k8s.io/api/core/v1"
)

// CloudEventsSink sends notifications as CloudEvents 1.0 in the HTTP binding (the SDK's
// default binary content mode: attributes in ce- headers, the data as the body).
type CloudEventsSink struct {
	client cloudevents.Client
}

// NewCloudEventsSink returns a sink sending to target with client.
func NewCloudEventsSink(target string, client *http.Client) (*CloudEventsSink, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--cloudevents-sink %q: want an http(s) URL", target)
	}
	protocol, err := cloudevents.NewHTTP(cloudevents.WithTarget(target), cehttp.WithClient(*client))
	if err != nil {
		return nil, fmt.Errorf("--cloudevents-sink: %w", err)
	}
	c, err := cloudevents.NewClient(protocol, cloudevents.WithTimeNow())
	if err != nil {
		return nil, fmt.Errorf("--cloudevents-sink: %w", err)
	}
	return &CloudEventsSink{client: c}, nil
}

// Name is the sink's label in roadmap_events_dropped_total.
func (*CloudEventsSink) Name() string { return "cloudevents" }

// EventData is the data of a roadmap CloudEvent (application/json).
type EventData struct {
	// Object is the object the transition is about.
	Object ObjectRef `json:"object"`
	// Reason is the Kubernetes event reason (Unblocked, Blocked, Ready, NotReady, StartedEarly, Done...).
	Reason string `json:"reason"`
	// Severity is info or error (see Severity).
	Severity string `json:"severity"`
	// Message says what happened, as the Kubernetes Event does.
	Message string `json:"message"`
	// Metadata has the roadmap.dev/ keys: owner, blocked-by, goals, board.
	Metadata map[string]string `json:"metadata,omitempty"`
}

// ObjectRef names an object in the data of an event.
type ObjectRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	UID        string `json:"uid,omitempty"`
}

// EventType is the CloudEvents type of a transition. It has the shape CDEvents gives its types
// (reverse-DNS prefix, subject, predicate, version: dev.cdevents.pipelinerun.started.0.1.0), in the roadmap's
// own vocabulary, since no CDEvents subject is a roadmap object: dev.roadmap.<kind>.<reason>.v1, e.g.
// dev.roadmap.initiative.unblocked.v1, dev.roadmap.capability.notready.v1. Reasons are API constants, so the
// type of a transition never changes within v1.
func EventType(kind, reason string) string {
	return "dev.roadmap." + strings.ToLower(kind) + "." + strings.ToLower(reason) + ".v1"
}

// resources are the API resource names of the roadmap kinds, for Source.
var resources = map[string]string{"Capability": "capabilities", "Initiative": "initiatives", "Goal": "goals"}

// Source is the CloudEvents source of a notification about ref: the object's API path, as kubectl get --raw
// reads it, e.g. /apis/roadmap.dev/v1alpha1/namespaces/team-checkout/initiatives/order-events.
func Source(ref corev1.ObjectReference) string {
	resource, ok := resources[ref.Kind]
	if !ok {
		resource = strings.ToLower(ref.Kind) + "s"
	}
	path := "/apis/" + ref.APIVersion
	if ref.Namespace != "" {
		path += "/namespaces/" + ref.Namespace
	}
	return path + "/" + resource + "/" + ref.Name
}

// Event is the notification as a CloudEvent: type per transition (EventType), source the object's path,
// subject its name, and an id unique to this transition of this object, the same on every attempt so that a
// receiver can drop a retried duplicate.
func (s *CloudEventsSink) Event(n *Notification) (cloudevents.Event, error) {
	e := cloudevents.NewEvent()
	id := string(n.Object.UID)
	if id == "" {
		id = n.Object.Namespace + "/" + n.Object.Name
	}
	e.SetID(fmt.Sprintf("%s.%s.%x", id, n.Reason, n.Time.UnixNano()))
	e.SetType(EventType(n.Object.Kind, n.Reason))
	e.SetSource(Source(n.Object))
	e.SetSubject(n.Object.Name)
	e.SetTime(n.Time)
	err := e.SetData(cloudevents.ApplicationJSON, EventData{
		Object: ObjectRef{APIVersion: n.Object.APIVersion, Kind: n.Object.Kind, Namespace: n.Object.Namespace,
			Name: n.Object.Name, UID: string(n.Object.UID)},
		Reason: n.Reason, Severity: Severity(n.Type), Message: n.Message, Metadata: n.Metadata,
	})
	return e, err
}

// Send sends one notification. A sink answering a client error (4xx but 429) refuses it for good; anything
// else (unreachable, 5xx, 429) may succeed later.
func (s *CloudEventsSink) Send(ctx context.Context, n *Notification) error {
	e, err := s.Event(n)
	if err != nil {
		return Permanent(fmt.Errorf("encoding the event: %w", err))
	}
	result := s.client.Send(ctx, e)
	if cloudevents.IsACK(result) {
		return nil
	}
	var status *cehttp.Result
	if cloudevents.ResultAs(result, &status) && status.StatusCode >= 400 && status.StatusCode < 500 &&
		status.StatusCode != http.StatusTooManyRequests {
		return Permanent(fmt.Errorf("the sink refused the event: %w", result))
	}
	return fmt.Errorf("sending the event: %w", result)
}
