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

package testenv

import (
	"time"

	"go.uber.org/goleak"
)

// LeakOptions are the goleak options of the packages that start and stop managers: after every manager and
// control plane has stopped, no goroutine of ours (informers, evidence watches, probes, event sends) may be left.
// What is ignored belongs to libraries that keep process-wide goroutines by design.
func LeakOptions() []goleak.Option {
	return []goleak.Option{
		// klog's flush daemon lives as long as the process.
		goleak.IgnoreTopFunction("k8s.io/klog/v2.(*flushDaemon).run.func1"),
		// client-go's shared HTTP transports keep idle connections until their idle timeout; they hold nothing
		// of ours.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
		// controller-runtime wraps the watches of its metadata-only informers (workloads, namespaces) in
		// apimachinery's watch.Filter (newGVKFixupWatcher), whose loop sends each event on an unbuffered channel
		// without watching for Stop: when the manager stops while an event is in flight, the reflector no longer
		// reads and that goroutine blocks for good. It holds one event and nothing of ours; the fix belongs
		// upstream (a select on a stop channel in watch.Filter).
		goleak.IgnoreTopFunction("k8s.io/apimachinery/pkg/watch.(*filteredWatch).loop"),
	}
}

// FindLeaks reports the goroutines left (see LeakOptions), waiting up to 40 seconds for them to end: a reflector
// that was backing off from an apiserver that went away sleeps out its backoff (up to 30s) without looking at
// its context, so it ends late, but it ends. before is goleak.IgnoreCurrent() taken before anything started.
func FindLeaks(before goleak.Option) error {
	deadline := time.Now().Add(40 * time.Second)
	for {
		err := goleak.Find(append(LeakOptions(), before)...)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(time.Second)
	}
}
