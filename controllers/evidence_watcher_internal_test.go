package controllers

import (
	"context"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

// TestEvidenceSendStopsWithTheManager: an informer handler that sends to a controller that stopped consuming
// returns when the manager's context ends, instead of blocking its informer (and the manager's shutdown) forever.
// (TestMain checks with goleak that no goroutine outlives the managers.)
func TestEvidenceSendStopsWithTheManager(t *testing.T) {
	w := NewEvidenceWatcher(nil, nil, nil, nil, DefaultOptions(), logr.Discard())
	w.Events = make(chan event.GenericEvent, 1) // nobody consumes it
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.send(ctx, []string{"a", "b", "c"})
	}()
	// The first event fits the buffer; the second blocks until the context ends.
	select {
	case <-done:
		t.Fatal("send returned with events left to send and the context alive")
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("send still blocked after the manager's context ended")
	}
}
