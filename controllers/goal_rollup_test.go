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
	if wait := c.take("g", t0); wait != 0 {
		t.Fatalf("a goal with no pending change waits %v, want 0", wait)
	}
	c.changed("g", t0)
	c.changed("g", t0.Add(500*time.Millisecond))
	if wait := c.take("g", t0.Add(time.Second)); wait != 500*time.Millisecond {
		t.Fatalf("take during the burst = %v, want 500ms", wait)
	}
	if wait := c.take("g", t0.Add(1500*time.Millisecond)); wait != 0 {
		t.Fatalf("take once quiet = %v, want 0", wait)
	}
	if _, ok := c.pending["g"]; ok {
		t.Fatal("take that rolls up must forget the pending changes")
	}
	c.changed("h", t0)
	c.forget("h")
	if len(c.pending) != 0 {
		t.Fatalf("forget left %v", c.pending)
	}
	if c := newRollupCoalescer(time.Minute, time.Second); c.maxDelay != time.Minute {
		t.Fatalf("a max delay under the window is raised to it, got %v", c.maxDelay)
	}
}
