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

package rollup

import (
	"testing"
	"time"
)

func TestRollupWait(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	window, maxDelay := time.Second, 30*time.Second
	never := time.Duration(-1)
	for _, tc := range []struct {
		name        string
		rolledUp    time.Duration // after t0; never: not rolled up yet
		busy        bool
		first, last time.Duration // after t0
		now         time.Duration
		want        time.Duration
	}{
		{"a single change waits the window", never, false, 0, 0, 0, time.Second},
		{"quiet for the window: now", never, false, 0, 0, time.Second, 0},
		{"long quiet: now", never, false, 0, 0, time.Minute, 0},
		{"a later change restarts the window", never, false, 0, 5 * time.Second, 5*time.Second + 200*time.Millisecond, 800 * time.Millisecond},
		{"a burst never quiet is rolled up at the max delay", never, true, 0, 29*time.Second + 900*time.Millisecond, 29*time.Second + 900*time.Millisecond, 100 * time.Millisecond},
		{"past the max delay: now", never, true, 0, 31 * time.Second, 31 * time.Second, 0},
		{"busy roadmap, a change long after the goal's last rollup waits the window", -time.Hour, true, 0, 0, 0, time.Second},
		{"busy roadmap, a change soon after a rollup waits for the max delay since it", -2 * time.Second, true, 0, 0, time.Second, 27 * time.Second},
		{"busy, but never later than the max delay after the first change", -2 * time.Second, true, 0, 29 * time.Second, 29 * time.Second, time.Second},
		{"busy roadmap, ten windows after a rollup a change waits the window again", -10 * time.Second, true, 0, 0, 0, time.Second},
		{"quiet roadmap, a change soon after a rollup waits the window only", -2 * time.Second, false, 0, 0, 0, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pendingRollup{first: t0.Add(tc.first), last: t0.Add(tc.last)}
			var rolledUp time.Time
			if tc.rolledUp != never {
				rolledUp = t0.Add(tc.rolledUp)
			}
			if got := rollupWait(p, rolledUp, t0.Add(tc.now), tc.busy, window, maxDelay); got != tc.want {
				t.Errorf("rollupWait = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRollupCoalescer(t *testing.T) {
	c := New(Options{Window: time.Second, MaxDelay: 10 * time.Second})
	t0 := time.Now()
	if d := c.Take("g", "1", t0); d != (Decision{}) {
		t.Fatalf("a goal the coalescer knows nothing of rolls up at once, got %+v", d)
	}
	c.changed("g", t0)
	c.changed("g", t0.Add(500*time.Millisecond))
	if d := c.Take("g", "1", t0.Add(time.Second)); d.Wait != 500*time.Millisecond {
		t.Fatalf("take during the burst = %+v, want a wait of 500ms", d)
	}
	if d := c.Take("g", "1", t0.Add(1500*time.Millisecond)); d != (Decision{}) {
		t.Fatalf("take once quiet = %+v, want a rollup now", d)
	}
	if _, ok := c.pending["g"]; ok {
		t.Fatal("take that rolls up must forget the pending changes")
	}

	// The echo of the coalescer's own write, with nothing pending, keeps only the time-driven check.
	check := t0.Add(time.Hour)
	c.Wrote("g", "2", check)
	if d := c.Take("g", "2", t0.Add(2*time.Second)); !d.Echo || !d.NextCheck.Equal(check) {
		t.Fatalf("take of the written version = %+v, want an echo keeping the check", d)
	}
	// The time-driven check, once due, rolls up.
	if d := c.Take("g", "2", check); d != (Decision{}) {
		t.Fatalf("take when the check is due = %+v, want a rollup now", d)
	}
	// Another version (someone else's write, or a write of ours refused as stale): roll up.
	if d := c.Take("g", "3", t0.Add(2*time.Second)); d != (Decision{}) {
		t.Fatalf("take of another version = %+v, want a rollup now", d)
	}
	// A change pending since the write: wait for it, echo or not. A few changes do not make the roadmap busy.
	c.changed("g", t0.Add(2*time.Second))
	if d := c.Take("g", "2", t0.Add(2*time.Second)); d.Echo || d.Wait != time.Second {
		t.Fatalf("take with a pending change = %+v, want a wait of 1s", d)
	}

	// An urgent change rolls up at once, busy or not.
	c.urgent("g", t0.Add(2*time.Second))
	if d := c.Take("g", "2", t0.Add(2*time.Second)); d != (Decision{}) {
		t.Fatalf("take with an urgent change = %+v, want a rollup now", d)
	}

	// A goal that records a pending change at every reconcile is still rolled up once the window has passed.
	c.PendingSince("n", t0)
	c.PendingSince("n", t0.Add(900*time.Millisecond))
	if d := c.Take("n", "1", t0.Add(time.Second)); d != (Decision{}) {
		t.Fatalf("take a window after the first pendingSince = %+v, want a rollup now", d)
	}

	c.changed("h", t0)
	c.Wrote("h", "1", time.Time{})
	c.Forget("h")
	if _, ok := c.pending["h"]; ok {
		t.Fatal("forget left the pending changes")
	}
	if _, ok := c.written["h"]; ok {
		t.Fatal("forget left the written version")
	}
	// Hundreds of changes in a second make the roadmap busy: a goal rolled up just before is held back, and
	// looked at again while the burst lasts; once it is over (the activity decays), it rolls up.
	b := New(Options{Window: time.Second, MaxDelay: time.Minute})
	b.changed("g", t0)
	if d := b.Take("g", "1", t0.Add(time.Second)); d != (Decision{}) {
		t.Fatalf("first rollup = %+v, want now", d)
	}
	for i := range 300 {
		b.changed("other", t0.Add(time.Second+time.Duration(i)*time.Millisecond))
	}
	b.changed("g", t0.Add(1500*time.Millisecond))
	if d := b.Take("g", "1", t0.Add(2500*time.Millisecond)); d.Wait != busyDecay {
		t.Fatalf("take on a busy roadmap = %+v, want to look again after %v", d, busyDecay)
	}
	if d := b.Take("g", "1", t0.Add(20*time.Second)); d != (Decision{}) {
		t.Fatalf("take once the burst is over = %+v, want a rollup now", d)
	}

	if c := New(Options{Window: time.Minute, MaxDelay: time.Second}); c.maxDelay != time.Minute {
		t.Fatalf("a max delay under the window is raised to it, got %v", c.maxDelay)
	}
}

// TestZeroWindowRollsUpAtOnce: with --goal-rollup-window=0 every change rolls its goal up at its next
// reconcile, busy roadmap or not, and the echo of the coalescer's own write still rolls nothing up.
func TestZeroWindowRollsUpAtOnce(t *testing.T) {
	c := New(Options{})
	t0 := time.Now()
	for i := range 300 { // a burst: the roadmap is busy
		c.changed("other", t0.Add(time.Duration(i)*time.Millisecond))
	}
	c.changed("g", t0.Add(300*time.Millisecond))
	if d := c.Take("g", "1", t0.Add(300*time.Millisecond)); d != (Decision{}) {
		t.Fatalf("take right after a change = %+v, want a rollup now", d)
	}
	c.changed("g", t0.Add(301*time.Millisecond))
	if d := c.Take("g", "1", t0.Add(301*time.Millisecond)); d != (Decision{}) {
		t.Fatalf("take right after the next change, on a busy roadmap = %+v, want a rollup now", d)
	}
	c.Wrote("g", "2", time.Time{})
	if d := c.Take("g", "2", t0.Add(302*time.Millisecond)); !d.Echo {
		t.Fatalf("take of the written version = %+v, want an echo", d)
	}
}
