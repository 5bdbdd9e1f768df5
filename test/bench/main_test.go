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
