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

package controllers

import (
	"flag"
	"testing"

	"k8s.io/client-go/rest"
)

func TestApplyToRESTConfig(t *testing.T) {
	for _, tc := range []struct {
		name      string
		qps       float64
		burst     int
		wantQPS   float32
		wantBurst int
	}{
		{"default: no client-side rate limit", DefaultOptions().KubeAPIQPS, DefaultOptions().KubeAPIBurst, -1, 0},
		{"zero disables it too", 0, 100, -1, 0},
		{"opt in", 200, 400, 200, 400},
		{"opt in without a burst gets a burst of 1", 10, 0, 10, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &rest.Config{QPS: 5, Burst: 10}
			Options{KubeAPIQPS: tc.qps, KubeAPIBurst: tc.burst}.ApplyToRESTConfig(cfg)
			if cfg.QPS != tc.wantQPS || cfg.Burst != tc.wantBurst {
				t.Errorf("QPS/Burst = %v/%d, want %v/%d", cfg.QPS, cfg.Burst, tc.wantQPS, tc.wantBurst)
			}
		})
	}
}

func TestBindFlagsDefaults(t *testing.T) {
	var o Options
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	o.BindFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if o != DefaultOptions() {
		t.Errorf("flags default to %+v, want DefaultOptions %+v", o, DefaultOptions())
	}
	if err := fs.Parse([]string{"--kube-api-qps=100", "--goal-rollup-window=0", "--event-queue-size=10"}); err != nil {
		t.Fatal(err)
	}
	if o.KubeAPIQPS != 100 || o.GoalRollup.Window != 0 || o.Events.QueueSize != 10 {
		t.Errorf("flags not bound: %+v", o)
	}
}
