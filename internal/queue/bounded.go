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

// Package queue holds the bounded FIFO that stands between the controllers and whatever they tell the world
// (Kubernetes Events, notification sinks): a reconcile pushes and never waits; senders pop at their own pace.
package queue

import (
	"context"
	"sync"
)

// Bounded is a bounded FIFO that grows only as far as it is used: a channel of the same bound would hold its
// whole capacity from the start. Push never blocks; Pop waits.
type Bounded[T any] struct {
	mu    sync.Mutex
	items []T
	head  int
	limit int
	// ready holds a token while items may be waiting.
	ready chan struct{}
}

// New returns a queue holding at most limit items (at least one).
func New[T any](limit int) *Bounded[T] {
	return &Bounded[T]{limit: max(limit, 1), ready: make(chan struct{}, 1)}
}

// Limit is the most items the queue holds.
func (q *Bounded[T]) Limit() int { return q.limit }

// Push queues e, or reports false when the queue is full.
func (q *Bounded[T]) Push(e T) bool {
	q.mu.Lock()
	if len(q.items)-q.head >= q.limit {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, e)
	q.mu.Unlock()
	q.signal()
	return true
}

func (q *Bounded[T]) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// Pop returns the oldest item, waiting for one, or false once ctx is done.
func (q *Bounded[T]) Pop(ctx context.Context) (T, bool) {
	var zero T
	for {
		q.mu.Lock()
		if q.head < len(q.items) {
			e := q.items[q.head]
			q.items[q.head] = zero
			q.head++
			if q.head == len(q.items) { // drained: start over, so the backing array is reused or freed
				q.items, q.head = q.items[:0], 0
				if cap(q.items) > 1024 {
					q.items = nil
				}
			}
			more := q.head < len(q.items)
			q.mu.Unlock()
			if more {
				q.signal() // wake another consumer
			}
			return e, true
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return zero, false
		case <-q.ready:
		}
	}
}

// Len is the number of queued items.
func (q *Bounded[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) - q.head
}
