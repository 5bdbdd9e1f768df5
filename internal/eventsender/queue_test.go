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

package eventsender

import (
	"context"
	"sync"
	"testing"
)

func TestEventQueue(t *testing.T) {
	q := newEventQueue(3)
	for i := range 4 {
		ok := q.push(&pendingEvent{reason: string(rune('a' + i))})
		if want := i < 3; ok != want {
			t.Fatalf("push %d = %v, want %v (limit 3)", i, ok, want)
		}
	}
	ctx := context.Background()
	for _, want := range []string{"a", "b", "c"} {
		if e := q.pop(ctx); e == nil || e.reason != want {
			t.Fatalf("pop = %v, want %s: first in, first out", e, want)
		}
	}
	if q.len() != 0 {
		t.Fatalf("len = %d after draining", q.len())
	}
	if !q.push(&pendingEvent{reason: "d"}) {
		t.Fatal("a drained queue takes events again")
	}
	if e := q.pop(ctx); e == nil || e.reason != "d" {
		t.Fatalf("pop = %v, want d", e)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if e := q.pop(done); e != nil {
		t.Fatalf("pop on an empty queue with a cancelled context = %v, want nil", e)
	}
}

// TestEventQueueConsumers: events pushed while several senders wait are all handed out, each once.
func TestEventQueueConsumers(t *testing.T) {
	const n = 2000
	q := newEventQueue(n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	got := map[*pendingEvent]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				e := q.pop(ctx)
				if e == nil {
					return
				}
				mu.Lock()
				got[e]++
				if len(got) == n {
					cancel()
				}
				mu.Unlock()
			}
		}()
	}
	for range n {
		if !q.push(&pendingEvent{}) {
			t.Fatal("push refused below the limit")
		}
	}
	wg.Wait()
	if len(got) != n {
		t.Fatalf("consumers got %d distinct events, want %d", len(got), n)
	}
	for _, c := range got {
		if c != 1 {
			t.Fatal("an event was handed out twice")
		}
	}
}
