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

import "flag"

// Options bound the rate of Event writes, which go through a client and a queue of their own so that a mass
// transition's events trail its status writes instead of competing with them.
type Options struct {
	// QPS and Burst bound the rate of Event writes; a QPS of 0 or less writes them unthrottled.
	QPS   float64
	Burst int
	// QueueSize bounds the events waiting to be sent; one more is dropped and counted in
	// roadmap_events_dropped_total.
	QueueSize int
}

// DefaultOptions are the defaults of the event flags: see docs/performance.md for how they were chosen.
func DefaultOptions() Options {
	return Options{QPS: 50, Burst: 100, QueueSize: 50000}
}

// BindFlags registers the options as flags, with DefaultOptions as defaults.
func (o *Options) BindFlags(fs *flag.FlagSet) {
	d := DefaultOptions()
	fs.Float64Var(&o.QPS, "event-qps", d.QPS, "Event writes per second (events trail status writes).")
	fs.IntVar(&o.Burst, "event-burst", d.Burst, "Burst of event writes.")
	fs.IntVar(&o.QueueSize, "event-queue-size", d.QueueSize,
		"Events waiting to be written at most; more are dropped and counted in roadmap_events_dropped_total.")
}
