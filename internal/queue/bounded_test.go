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

package queue

import (
	"context"
	"sync"
	"testing"
)

func TestBounded(t *testing.T) {
	q := New[string](3)
	for i := range 4 {
		ok := q.Push(string(rune('a' + i)))
		if want := i < 3; ok != want {
			t.Fatalf("Push %d = %v, want %v (limit 3)", i, ok, want)
		}
	}
	ctx := context.Background()
	for _, want := range []string{"a", "b", "c"} {
		if e, ok := q.Pop(ctx); !ok || e != want {
			t.Fatalf("Pop = %q, %v, want %s: first in, first out", e, ok, want)
		}
	}
	if q.Len() != 0 {
		t.Fatalf("Len = %d after draining", q.Len())
	}
	if !q.Push("d") {
		t.Fatal("a drained queue takes items again")
	}
	if e, ok := q.Pop(ctx); !ok || e != "d" {
		t.Fatalf("Pop = %q, %v, want d", e, ok)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if e, ok := q.Pop(done); ok {
		t.Fatalf("Pop on an empty queue with a cancelled context = %q, want none", e)
	}
}

// TestBoundedConsumers: items pushed while several consumers wait are all handed out, each once.
func TestBoundedConsumers(t *testing.T) {
	const n = 2000
	q := New[*int](n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	got := map[*int]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				e, ok := q.Pop(ctx)
				if !ok {
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
		if !q.Push(new(int)) {
			t.Fatal("Push refused below the limit")
		}
	}
	wg.Wait()
	if len(got) != n {
		t.Fatalf("consumers got %d distinct items, want %d", len(got), n)
	}
	for _, c := range got {
		if c != 1 {
			t.Fatal("an item was handed out twice")
		}
	}
}
