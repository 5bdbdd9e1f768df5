package main

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// TestMain checks that the benchmark's managers, control planes and evidence watches leave no goroutine behind
// once stopped.
func TestMain(m *testing.M) {
	before := goleak.IgnoreCurrent()
	code := m.Run()
	if err := testenv.FindLeaks(before); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, "goroutines left after the managers stopped:", err)
		code = 1
	}
	os.Exit(code)
}
