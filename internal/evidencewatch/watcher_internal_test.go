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

package evidencewatch

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
	w := New(nil, nil, nil, nil, DefaultOptions(), nil, logr.Discard())
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
