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
	"flag"
	"testing"

	"github.com/go-logr/logr"

	"github.com/roadmap-operator/roadmap-operator/internal/fleet"
)

// TestKubeconfigFlags: insecure transports and proxies are refused unless a flag allows them, and the watch
// limit is sized from the memory limit unless set.
func TestKubeconfigFlags(t *testing.T) {
	var o Options
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	o.BindFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if o.KubeconfigPolicy() != (fleet.Policy{}) || o.MaxWatches != 0 {
		t.Fatalf("defaults: policy %+v, max watches %d; want nothing allowed, sized from the memory limit",
			o.KubeconfigPolicy(), o.MaxWatches)
	}
	if err := fs.Parse([]string{"--insecure-kubeconfig-tls", "--allow-kubeconfig-proxy-url", "--max-evidence-watches=7"}); err != nil {
		t.Fatal(err)
	}
	if o.KubeconfigPolicy() != (fleet.Policy{InsecureTLS: true, ProxyURL: true}) || o.MaxWatches != 7 {
		t.Fatalf("flags not bound: %+v", o)
	}
	if w := New(nil, nil, nil, nil, Options{}, nil, logr.Discard()); w.MaxWatches() != fleet.MaxWatchesFor(fleet.MemoryLimit()) {
		t.Fatalf("MaxWatches() = %d with the flag at 0, want it sized from the memory limit", w.MaxWatches())
	}
}
