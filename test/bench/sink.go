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

package main

import (
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// The faulty notification sinks of --sink-fault: the manager's Flux and CloudEvents sinks both point at one, so
// that the propagation figures of the same run show whether delivery slows the operator down (it must not).
const (
	// sinkDown refuses connections: nothing listens on its port.
	sinkDown = "down"
	// sinkSlow answers every request after slowSinkDelay, longer than the manager's per-request timeout.
	sinkSlow = "slow"
	// sinkError answers every request with 500 Internal Server Error.
	sinkError = "500"
)

var sinkFaults = []string{sinkDown, sinkSlow, sinkError}

const slowSinkDelay = 10 * time.Second

// SinkResult is what a faulty sink received and what the manager counted as dropped.
type SinkResult struct {
	Fault string
	// Requests is the number of requests the sink received (none when it is down).
	Requests int64
	// Dropped is roadmap_events_dropped_total by "sink/cause", for the notification sinks.
	Dropped map[string]float64
}

// faultySink is a notification sink that fails in one way.
type faultySink struct {
	URL      string
	requests atomic.Int64
	server   *httptest.Server
	stop     chan struct{}
}

func startFaultySink(fault string) (*faultySink, error) {
	s := &faultySink{stop: make(chan struct{})}
	switch fault {
	case sinkDown:
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		s.URL = "http://" + l.Addr().String() + "/"
		return s, l.Close()
	case sinkSlow, sinkError:
		s.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.requests.Add(1)
			_, _ = io.Copy(io.Discard, r.Body)
			if fault == sinkError {
				http.Error(w, "the sink fails", http.StatusInternalServerError)
				return
			}
			select {
			case <-time.After(slowSinkDelay):
				w.WriteHeader(http.StatusAccepted)
			case <-r.Context().Done():
			case <-s.stop:
			}
		}))
		s.URL = s.server.URL + "/"
		return s, nil
	}
	return nil, fmt.Errorf("unknown --sink-fault %q (one of %s)", fault, strings.Join(sinkFaults, ", "))
}

func (s *faultySink) close() {
	close(s.stop)
	if s.server != nil {
		s.server.Close()
	}
}

// result reads the sink's count and the manager's drops of the notification sinks.
func (s *faultySink) result(fault string) (*SinkResult, error) {
	g, err := gatherMetrics()
	if err != nil {
		return nil, err
	}
	r := &SinkResult{Fault: fault, Requests: s.requests.Load(), Dropped: map[string]float64{}}
	for _, m := range g["roadmap_events_dropped_total"] {
		if sink := label(m, "sink"); sink != "kubernetes" {
			r.Dropped[sink+"/"+label(m, "cause")] += m.GetCounter().GetValue()
		}
	}
	return r, nil
}

func (r *SinkResult) String() string {
	var drops []string
	for _, k := range slices.Sorted(maps.Keys(r.Dropped)) {
		drops = append(drops, fmt.Sprintf("%s %.0f", k, r.Dropped[k]))
	}
	if len(drops) == 0 {
		drops = []string{"none"}
	}
	return fmt.Sprintf("sink %s: %d requests received; dropped: %s", r.Fault, r.Requests, strings.Join(drops, ", "))
}
