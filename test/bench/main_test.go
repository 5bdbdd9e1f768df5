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
	"flag"
	"testing"

	"github.com/roadmap-operator/roadmap-operator/controllers"
)

// TestFlagsDefaultToTheManagers: the bench measures what ships, so every manager tunable it does not set
// explicitly is the manager's own default (a zero event queue or rollup delay would measure something else).
func TestFlagsDefaultToTheManagers(t *testing.T) {
	var o Options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	o.bind(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if o.Manager != controllers.DefaultOptions() {
		t.Errorf("bench manager options %+v, want the manager's defaults %+v", o.Manager, controllers.DefaultOptions())
	}
}
