package controllers

import (
	"context"
	"sync"
	"time"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// rollupCoalescer coalesces goal rollups. Every change of an initiative changes the rollup of each goal it
// serves, and of their ancestors; rolled up and written at each change, a burst of N initiative changes (a first
// start, a capability unblocking thousands) costs a goal up to N status writes. Instead a goal is rolled up once
// its initiatives have been quiet for window, or at the latest maxDelay after the first change it has not
// rolled up yet, so that a burst costs it one write, and a rollup is never more than maxDelay stale.
type rollupCoalescer struct {
	window, maxDelay time.Duration
	mu               sync.Mutex
	pending          map[string]pendingRollup
}

// pendingRollup is when a goal's not yet rolled up changes began and when the last one came.
type pendingRollup struct{ first, last time.Time }

func newRollupCoalescer(window, maxDelay time.Duration) *rollupCoalescer {
	return &rollupCoalescer{window: window, maxDelay: max(maxDelay, window), pending: map[string]pendingRollup{}}
}

// rollupWait is how long to wait, at now, before rolling up a goal with pending changes p: until they have been
// quiet for window, but no later than maxDelay after the first. Zero means now.
func rollupWait(p pendingRollup, now time.Time, window, maxDelay time.Duration) time.Duration {
	at := p.last.Add(window)
	if deadline := p.first.Add(maxDelay); deadline.Before(at) {
		at = deadline
	}
	return max(at.Sub(now), 0)
}

// changed records a change of what goal rolls up.
func (c *rollupCoalescer) changed(goal string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pending[goal]
	if !ok {
		p.first = now
	}
	p.last = now
	c.pending[goal] = p
}

// take returns how long to wait before rolling goal up; when that is zero, it forgets the goal's pending
// changes, which the rollup about to be computed from the cache includes.
func (c *rollupCoalescer) take(goal string, now time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pending[goal]
	if !ok {
		return 0
	}
	if wait := rollupWait(p, now, c.window, c.maxDelay); wait > 0 {
		return wait
	}
	delete(c.pending, goal)
	return 0
}

// forget drops a deleted goal's pending changes.
func (c *rollupCoalescer) forget(goal string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, goal)
}

// enqueueCoalesced is EnqueueRequestsFromMapFunc for goal rollups: it records the change for every goal mapFn
// returns (from the old and the new object of an update) and enqueues each after the window, so that the
// reconcile finds the goal quiet rather than waking at every change.
func enqueueCoalesced(c *rollupCoalescer, mapFn handler.MapFunc) handler.EventHandler {
	enqueue := func(ctx context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request], objs ...client.Object) {
		now := time.Now()
		seen := map[reconcile.Request]bool{}
		for _, o := range objs {
			for _, req := range mapFn(ctx, o) {
				if seen[req] {
					continue
				}
				seen[req] = true
				c.changed(req.Name, now)
				q.AddAfter(req, c.window)
			}
		}
	}
	return handler.Funcs{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, q, e.Object)
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, q, e.ObjectOld, e.ObjectNew)
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, q, e.Object)
		},
		GenericFunc: func(ctx context.Context, e event.GenericEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, q, e.Object)
		},
	}
}
