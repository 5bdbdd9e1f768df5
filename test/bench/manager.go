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
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	dto "github.com/prometheus/client_model/go"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// controllerNames are the controllers whose queues and counters the bench reads.
var controllerNames = []string{"capability", "initiative", "goal"}

// manager is the operator's manager running in this process.
type manager struct {
	stop func() error
}

// startManager starts the real manager through operatortest, wired as cmd/manager wires it (the controllers'
// Options, their client rate limits applied to its REST config, controllers.ManagerOptions), with the cache
// stripping managedFields or, with stripManagedFields off, not (to measure what the transform saves). Every
// request it sends to the apiserver, events included, goes through requests.
func startManager(env *testenv.Env, opts controllers.Options, stripManagedFields bool, requests *requestCounter) (*manager, error) {
	if err := recordStaleGauges(); err != nil {
		return nil, err
	}
	cfg := rest.CopyConfig(env.Config)
	cfg.Wrap(requests.wrap)
	var customize func(*ctrl.Options)
	if !stripManagedFields {
		customize = func(o *ctrl.Options) { o.Cache = cache.Options{} } // no transform
	}
	m, err := operatortest.StartManagerWith(cfg, opts, customize)
	if err != nil {
		return nil, err
	}
	return &manager{stop: m.Stop}, nil
}

// requestCounter counts the manager's requests to the apiserver by verb and resource, and the bytes of the
// bodies it sends: the load the operator puts on the apiserver, seen from the client side.
type requestCounter struct {
	// dropEvents answers the manager's event creations in the transport (an experiment; see Config).
	dropEvents bool
	mu         sync.Mutex
	counts     map[string]int
	bytes      map[string]int64
}

func newRequestCounter(dropEvents bool) *requestCounter {
	return &requestCounter{dropEvents: dropEvents, counts: map[string]int{}, bytes: map[string]int64{}}
}

func (r *requestCounter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		key := req.Method + " " + resourceOf(req.URL.Path)
		if req.URL.Query().Get("watch") == "true" {
			key = "WATCH " + resourceOf(req.URL.Path)
		}
		r.mu.Lock()
		r.counts[key]++
		if req.ContentLength > 0 {
			r.bytes[key] += req.ContentLength
		}
		r.mu.Unlock()
		if r.dropEvents && req.Method == http.MethodPost && resourceOf(req.URL.Path) == "events" && req.Body != nil {
			// The event, echoed back as if created.
			body, err := io.ReadAll(req.Body)
			_ = req.Body.Close()
			if err != nil {
				return nil, err
			}
			return &http.Response{StatusCode: http.StatusCreated, Status: "201 Created", Proto: "HTTP/1.1", ProtoMajor: 1,
				ProtoMinor: 1, Header: http.Header{"Content-Type": []string{"application/json"}},
				Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
		}
		return rt.RoundTrip(req)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// resourceOf turns an API path into resource[/subresource], dropping group, version, namespace and name:
// /apis/roadmap.dev/v1alpha1/namespaces/a/initiatives/b/status -> initiatives/status.
func resourceOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) > 0 && parts[0] == "api":
		parts = parts[min(2, len(parts)):]
	case len(parts) > 0 && parts[0] == "apis":
		parts = parts[min(3, len(parts)):]
	}
	if len(parts) >= 3 && parts[0] == "namespaces" {
		parts = parts[2:]
	}
	switch len(parts) {
	case 0:
		return path
	case 1, 2:
		return parts[0]
	default:
		return parts[0] + "/" + parts[2]
	}
}

// snapshot returns a copy of the counts and bytes.
func (r *requestCounter) snapshot() (map[string]int, map[string]int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	counts, bytes := make(map[string]int, len(r.counts)), make(map[string]int64, len(r.bytes))
	for k, v := range r.counts {
		counts[k] = v
	}
	for k, v := range r.bytes {
		bytes[k] = v
	}
	return counts, bytes
}

// gathered is one reading of controller-runtime's metrics registry, the one the manager in this process
// registers its controllers' metrics with.
type gathered map[string][]*dto.Metric

func gatherMetrics() (gathered, error) {
	families, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		return nil, err
	}
	g := gathered{}
	for _, f := range families {
		g[f.GetName()] = f.GetMetric()
	}
	return g, nil
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// sum adds the values of a counter or gauge over the series of one controller (label controller or name).
func (g gathered) sum(name, controller string) float64 {
	total := 0.0
	for _, m := range g[name] {
		if label(m, "controller") != controller && label(m, "name") != controller {
			continue
		}
		if m.GetCounter() != nil {
			total += m.GetCounter().GetValue()
		}
		if m.GetGauge() != nil {
			total += m.GetGauge().GetValue()
		}
	}
	return total
}

// reconciles returns the completed reconciles per controller.
func (g gathered) reconciles() map[string]int {
	out := map[string]int{}
	for _, c := range controllerNames {
		out[c] = int(g.sum("controller_runtime_reconcile_total", c))
	}
	return out
}

// reconcileErrors returns the reconcile errors of all controllers.
func (g gathered) reconcileErrors() int {
	n := 0
	for _, c := range controllerNames {
		n += int(g.sum("controller_runtime_reconcile_errors_total", c))
	}
	return n
}

// idle reports whether every controller's queue is empty, no worker is reconciling, and no goal rollup waits
// for the end of a burst (those wait outside the queue's depth).
func (g gathered) idle() bool { return g.busy() == "" }

// staleGauges are the values the gauges idle reads hold before a manager starts, while none runs: a manager
// stopped with work queued leaves its queue's depth (and its pending goal rollups) in the process's metrics,
// which the next manager's controllers of the same names count on from. The bench runs one manager at a time, so
// one set is enough; startManager records it.
var staleGauges = map[string]float64{}

func recordStaleGauges() error {
	g, err := gatherMetrics()
	if err != nil {
		return err
	}
	staleGauges = map[string]float64{rollupsPending: g.sum(rollupsPending, "")}
	for _, c := range controllerNames {
		staleGauges[c] = g.sum("workqueue_depth", c)
	}
	return nil
}

const rollupsPending = "roadmap_goal_rollups_pending"

// busy says what keeps the manager from being idle: queued or running work per controller, and goal rollups
// waiting for their window; empty when idle.
func (g gathered) busy() string {
	var out []string
	for _, c := range controllerNames {
		if d, w := g.sum("workqueue_depth", c)-staleGauges[c], g.sum("controller_runtime_active_workers", c); d != 0 || w != 0 {
			out = append(out, fmt.Sprintf("%s: %.0f queued, %.0f working", c, d, w))
		}
	}
	if v := g.sum(rollupsPending, "") - staleGauges[rollupsPending]; v != 0 {
		out = append(out, fmt.Sprintf("%.0f goal rollups pending", v))
	}
	return strings.Join(out, "; ")
}
