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
	"errors"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/flowcontrol"

	"github.com/roadmap-operator/roadmap-operator/internal/queue"
)

// Sink sends one notification somewhere.
type Sink interface {
	// Name is the sink's label in roadmap_events_dropped_total: flux or cloudevents.
	Name() string
	// Send delivers n or says why not; an error made with Permanent is not retried.
	Send(ctx context.Context, n *Notification) error
}

// permanentError is an error retrying will not cure.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// Permanent marks err as one that retrying will not cure (the receiver refused the notification).
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Causes of dropped notifications, the cause label of roadmap_events_dropped_total (with sink set to the sink's
// name).
const (
	// DropQueueFull: the sink's queue was full, because the sink is down or slow, or a burst went beyond it.
	DropQueueFull = "queue_full"
	// DropSendFailed: the sink refused the notification, or did not take it within the retries.
	DropSendFailed = "send_failed"
	// DropShutdown: still queued when the manager stopped (a rollout or leader handover).
	DropShutdown = "shutdown"
)

// DropCounter counts a dropped notification for a sink and cause.
type DropCounter func(sink, cause string)

// Delivery bounds how a dispatcher delivers: how many notifications wait, how fast they go out, how long one
// attempt and all of them may take.
type Delivery struct {
	// QueueSize is the most notifications waiting for the sink; one more is dropped (queue_full).
	QueueSize int
	// QPS and Burst bound the rate of sends; a QPS of 0 or less leaves it unbounded.
	QPS   float64
	Burst int
	// Timeout bounds one attempt.
	Timeout time.Duration
	// Backoff is the wait between attempts; its Steps is the number of attempts.
	Backoff wait.Backoff
	// Senders is how many notifications are sent at once.
	Senders int
}

// DefaultDelivery is the delivery of both sinks: a notification is tried four times over about 8 seconds (plus the attempts' own time, at
// most 5 seconds each), then dropped and counted. A sink that is down thus holds each of the two senders about
// half a minute per notification at worst; the queue takes the rest, and overflows into queue_full drops rather
// than into the manager's memory.
func DefaultDelivery() Delivery {
	return Delivery{QueueSize: 10000, QPS: 50, Burst: 100, Timeout: 5 * time.Second, Senders: 2,
		Backoff: wait.Backoff{Duration: 500 * time.Millisecond, Factor: 2, Steps: 4}}
}

// Dispatcher delivers the notifications pushed to it to one sink, from a bounded queue of its own, so that a
// sink that is down or slow delays nothing but its own notifications.
type Dispatcher struct {
	sink     Sink
	delivery Delivery
	queue    *queue.Bounded[*Notification]
	limiter  flowcontrol.RateLimiter
	dropped  DropCounter
	log      logr.Logger
	drops    atomic.Int64
}

// NewDispatcher returns a dispatcher to sink; run it with Start.
func NewDispatcher(sink Sink, d Delivery, dropped DropCounter, log logr.Logger) *Dispatcher {
	var limiter flowcontrol.RateLimiter
	if d.QPS > 0 {
		limiter = flowcontrol.NewTokenBucketRateLimiter(float32(d.QPS), max(d.Burst, 1))
	}
	if d.Timeout <= 0 {
		d.Timeout = DefaultDelivery().Timeout
	}
	if d.Backoff.Steps < 1 {
		d.Backoff.Steps = 1
	}
	return &Dispatcher{sink: sink, delivery: d, queue: queue.New[*Notification](d.QueueSize), limiter: limiter,
		dropped: dropped, log: log.WithValues("sink", sink.Name())}
}

// Push queues n for the sink without waiting, or counts it dropped when the queue is full: the first drop and
// every 1,000th after it are logged.
func (d *Dispatcher) Push(n *Notification) {
	if d.queue.Push(n) {
		return
	}
	d.dropped(d.sink.Name(), DropQueueFull)
	if c := d.drops.Add(1); c == 1 || c%1000 == 0 {
		d.log.Info("notification queue full: dropping notifications (is the sink down or slow?)", "dropped", c,
			"queueSize", d.queue.Limit(), "regarding", n.Object.Kind+" "+n.Object.Namespace+"/"+n.Object.Name,
			"reason", n.Reason)
	}
}

// Start sends queued notifications until ctx is done; what is still queued then is counted as dropped.
func (d *Dispatcher) Start(ctx context.Context) error {
	done := make(chan struct{})
	senders := max(d.delivery.Senders, 1)
	for range senders {
		go func() {
			defer func() { done <- struct{}{} }()
			for {
				n, ok := d.queue.Pop(ctx)
				if !ok {
					return
				}
				d.send(ctx, n)
			}
		}()
	}
	for range senders {
		<-done
	}
	if n := d.queue.Len(); n > 0 {
		for range n {
			d.dropped(d.sink.Name(), DropShutdown)
		}
		d.log.Info("notifications not sent before shutdown", "count", n)
	}
	return nil
}

// send delivers one notification, retrying with backoff what may succeed later.
func (d *Dispatcher) send(ctx context.Context, n *Notification) {
	if d.limiter != nil {
		if err := d.limiter.Wait(ctx); err != nil {
			d.dropped(d.sink.Name(), DropShutdown)
			return
		}
	}
	var lastErr error
	err := wait.ExponentialBackoffWithContext(ctx, d.delivery.Backoff, func(ctx context.Context) (bool, error) {
		attempt, cancel := context.WithTimeout(ctx, d.delivery.Timeout)
		defer cancel()
		lastErr = d.sink.Send(attempt, n)
		switch {
		case lastErr == nil:
			return true, nil
		case IsPermanent(lastErr):
			return false, lastErr
		default:
			return false, nil
		}
	})
	if err == nil {
		return
	}
	if ctx.Err() != nil {
		d.dropped(d.sink.Name(), DropShutdown)
		return
	}
	if lastErr != nil {
		err = lastErr
	}
	d.dropped(d.sink.Name(), DropSendFailed)
	d.log.Error(err, "sending a notification", "regarding", n.Object.Kind+" "+n.Object.Namespace+"/"+n.Object.Name,
		"reason", n.Reason)
}
