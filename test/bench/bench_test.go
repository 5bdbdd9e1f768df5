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
	"context"
	"io"
	"strings"
	"testing"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/roadmap-operator/roadmap-operator/controllers"
)

// TestBenchSmall keeps the harness working: the quick mode's code path with 50 dependents and two rounds. It
// checks correctness only (every dependent unblocks, each round is measured, a restart writes nothing, the
// BENCH line parses), never timings, which `make bench` reports.
func TestBenchSmall(t *testing.T) {
	ctrl.SetLogger(managerLogger(io.Discard))
	o := Options{Scenario: "fanout", Initiatives: 50, Namespaces: 2, Rounds: 2, Manager: controllers.DefaultOptions(),
		CreateQPS: 500, CreateWorkers: 8, Seed: 1, Timeout: 2 * time.Minute, FloorWriters: "16,4,1", FanoutGoals: 3}
	var out, log bytes.Buffer
	h, err := Bench(context.Background(), o, &out, &log)
	t.Log(log.String())
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	if h.RestartWrites != 0 {
		t.Errorf("restart_writes = %d, want 0", h.RestartWrites)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	fields, err := ParseLine(lines[len(lines)-1])
	if err != nil {
		t.Fatalf("the last line is not a BENCH line: %v", err)
	}
	if fields["restart_writes"] != 0 {
		t.Errorf("BENCH restart_writes = %v, want 0", fields["restart_writes"])
	}
	if fields["writes_per_change"] < 1 {
		t.Errorf("BENCH writes_per_change = %v: fewer writes than dependents that unblocked", fields["writes_per_change"])
	}
	for _, k := range []string{"all_ready_s", "floor_s", "heap_kib_per_object", "goal_writes_per_goal"} {
		if fields[k] <= 0 {
			t.Errorf("BENCH %s = %v, want a measurement", k, fields[k])
		}
	}
}

func TestParseLine(t *testing.T) {
	h := Headline{PropagationRatio: 1.2, FirstP50Ms: 40, AllReadyS: 12, FloorS: 10, WritesPerChange: 1, HeapKiBPerObject: 3.5}
	fields, err := ParseLine(h.Line())
	if err != nil {
		t.Fatal(err)
	}
	if fields["propagation_ratio"] != 1.2 || fields["restart_writes"] != 0 || fields["heap_kib_per_object"] != 3.5 {
		t.Errorf("round trip of %q gave %v", h.Line(), fields)
	}
	for _, bad := range []string{"", "BENCH", "BENCH propagation_ratio=x", "propagation_ratio=1"} {
		if _, err := ParseLine(bad); err == nil {
			t.Errorf("ParseLine(%q) succeeded", bad)
		}
	}
}

func TestResourceOf(t *testing.T) {
	for path, want := range map[string]string{
		"/apis/roadmap.dev/v1alpha1/namespaces/a/initiatives/b/status": "initiatives/status",
		"/apis/roadmap.dev/v1alpha1/capabilities/c/status":             "capabilities/status",
		"/apis/events.k8s.io/v1/namespaces/a/events":                   "events",
		"/api/v1/namespaces":                     "namespaces",
		"/apis/roadmap.dev/v1alpha1/initiatives": "initiatives",
	} {
		if got := resourceOf(path); got != want {
			t.Errorf("resourceOf(%s) = %s, want %s", path, got, want)
		}
	}
}

// TestBenchWorkloads runs the workloads scenario small: every probe must report StartedEarly, and the heap and
// the summaries must be measured.
func TestBenchWorkloads(t *testing.T) {
	ctrl.SetLogger(managerLogger(io.Discard))
	o := Options{Scenario: "workloads", Workloads: 100, Namespaces: 2, Manager: controllers.DefaultOptions(),
		CreateQPS: 500, CreateWorkers: 8, Timeout: 2 * time.Minute}
	var out, log bytes.Buffer
	_, err := Bench(context.Background(), o, &out, &log)
	t.Log(log.String())
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| labelled Deployments / initiatives / namespaces (roadmap.dev/workloads=audit) | 100 / 5 / 2 |",
		"over 20 initiatives"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the workloads table lacks %q", want)
		}
	}
}

// TestBenchSinkFault runs a small fanout with both notification sinks answering 500: the propagation is
// measured as usual, the sink was tried, and what never arrived is counted as dropped (send_failed after the
// retries, or shutdown when the manager stopped with notifications still waiting for their retry), for each
// sink: nothing is retried forever.
func TestBenchSinkFault(t *testing.T) {
	ctrl.SetLogger(managerLogger(io.Discard))
	o := Options{Scenario: "fanout", Initiatives: 20, Namespaces: 2, Rounds: 1, Manager: controllers.DefaultOptions(),
		CreateQPS: 500, CreateWorkers: 8, Seed: 1, Timeout: 2 * time.Minute, FloorWriters: "4", FanoutGoals: 2,
		SinkFault: sinkError}
	var out, log bytes.Buffer
	h, err := Bench(context.Background(), o, &out, &log)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	if h.AllReadyS <= 0 {
		t.Errorf("all_ready_s = %v, want a measurement", h.AllReadyS)
	}
	line := ""
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "fanout: sink 500:") {
			line = l
		}
	}
	if line == "" || strings.Contains(line, ": 0 requests") {
		t.Fatalf("no sink line with requests in the output: %q", line)
	}
	for _, want := range []string{" flux/", " cloudevents/"} {
		if !strings.Contains(line, want) {
			t.Errorf("the sink line %q does not count %s", line, want)
		}
	}
}

// TestAdmissionSmall keeps the admission benchmark working: 20 initiatives and 10 timed creates in each
// namespace. It checks correctness only (the gate refuses an unlabelled workload and one naming no initiative,
// every create is timed, the line carries every figure), never timings.
func TestAdmissionSmall(t *testing.T) {
	ctrl.SetLogger(managerLogger(io.Discard))
	var log bytes.Buffer
	r, err := Admission(context.Background(), AdmissionConfig{Initiatives: 20, Creates: 10,
		Options: controllers.DefaultOptions(), Timeout: 2 * time.Minute, Log: &log})
	t.Log(log.String())
	if err != nil {
		t.Fatal(err)
	}
	if !r.DeniedUnlabelled || !r.DeniedNoSuch {
		t.Errorf("gate checks: unlabelled denied %t, naming no initiative denied %t; want both", r.DeniedUnlabelled, r.DeniedNoSuch)
	}
	for name, v := range map[string]float64{"gated p50": r.GatedP50Ms, "gated p99": r.GatedP99Ms,
		"ungated p50": r.UngatedP50Ms, "ungated p99": r.UngatedP99Ms} {
		if v <= 0 {
			t.Errorf("%s = %v ms, want a measurement", name, v)
		}
	}
	line := r.Line()
	for _, k := range []string{"initiatives=20 ", "gated_p50_ms=", "ungated_p99_ms=", "p50_ratio=", "p99_ratio="} {
		if !strings.Contains(line, k) {
			t.Errorf("%q lacks %s", line, k)
		}
	}
	var out bytes.Buffer
	printAdmission(&out, r)
	if !strings.Contains(out.String(), "| p99 |") || strings.Contains(out.String(), "**admitted**") {
		t.Errorf("admission table:\n%s", out.String())
	}
}
