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

package controllers

import (
	"testing"
	"time"
)

func TestRollupWait(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	window, maxDelay := time.Second, 30*time.Second
	for _, tc := range []struct {
		name        string
		first, last time.Duration // after t0
		now         time.Duration
		want        time.Duration
	}{
		{"a single change waits the window", 0, 0, 0, time.Second},
		{"quiet for the window: now", 0, 0, time.Second, 0},
		{"long quiet: now", 0, 0, time.Minute, 0},
		{"a later change restarts the window", 0, 5 * time.Second, 5*time.Second + 200*time.Millisecond, 800 * time.Millisecond},
		{"a burst never quiet is rolled up at the max delay", 0, 29*time.Second + 900*time.Millisecond, 29*time.Second + 900*time.Millisecond, 100 * time.Millisecond},
		{"past the max delay: now", 0, 31 * time.Second, 31 * time.Second, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pendingRollup{first: t0.Add(tc.first), last: t0.Add(tc.last)}
			if got := rollupWait(p, t0.Add(tc.now), window, maxDelay); got != tc.want {
				t.Errorf("rollupWait = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRollupCoalescer(t *testing.T) {
	c := newRollupCoalescer(time.Second, 10*time.Second)
	t0 := time.Now()
	if d := c.take("g", "1", t0); d != (rollupDecision{}) {
		t.Fatalf("a goal the coalescer knows nothing of rolls up at once, got %+v", d)
	}
	c.changed("g", t0)
	c.changed("g", t0.Add(500*time.Millisecond))
	if d := c.take("g", "1", t0.Add(time.Second)); d.wait != 500*time.Millisecond {
		t.Fatalf("take during the burst = %+v, want a wait of 500ms", d)
	}
	if d := c.take("g", "1", t0.Add(1500*time.Millisecond)); d != (rollupDecision{}) {
		t.Fatalf("take once quiet = %+v, want a rollup now", d)
	}
	if _, ok := c.pending["g"]; ok {
		t.Fatal("take that rolls up must forget the pending changes")
	}

	// The echo of the coalescer's own write, with nothing pending, keeps only the time-driven check.
	check := t0.Add(time.Hour)
	c.wrote("g", "2", check)
	if d := c.take("g", "2", t0.Add(2*time.Second)); !d.echo || !d.nextCheck.Equal(check) {
		t.Fatalf("take of the written version = %+v, want an echo keeping the check", d)
	}
	// The time-driven check, once due, rolls up.
	if d := c.take("g", "2", check); d != (rollupDecision{}) {
		t.Fatalf("take when the check is due = %+v, want a rollup now", d)
	}
	// Another version (someone else's write, or a write of ours refused as stale): roll up.
	if d := c.take("g", "3", t0.Add(2*time.Second)); d != (rollupDecision{}) {
		t.Fatalf("take of another version = %+v, want a rollup now", d)
	}
	// A change pending since the write: wait for it, echo or not.
	c.changed("g", t0.Add(2*time.Second))
	if d := c.take("g", "2", t0.Add(2*time.Second)); d.echo || d.wait != time.Second {
		t.Fatalf("take with a pending change = %+v, want a wait of 1s", d)
	}

	c.changed("h", t0)
	c.wrote("h", "1", time.Time{})
	c.forget("h")
	if _, ok := c.pending["h"]; ok {
		t.Fatal("forget left the pending changes")
	}
	if _, ok := c.written["h"]; ok {
		t.Fatal("forget left the written version")
	}
	if c := newRollupCoalescer(time.Minute, time.Second); c.maxDelay != time.Minute {
		t.Fatalf("a max delay under the window is raised to it, got %v", c.maxDelay)
	}
}
