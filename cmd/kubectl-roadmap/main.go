// Command kubectl-roadmap is the `kubectl roadmap` plugin: it explains the roadmap the operator keeps in the
// cluster. Install it on the PATH (or with krew) and run `kubectl roadmap --help`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/go-logr/logr"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/roadmap-operator/roadmap-operator/internal/board"
	"github.com/roadmap-operator/roadmap-operator/internal/plugin"
)

func main() {
	// controller-runtime's client logs nothing a plugin user needs; without a logger it warns that none is set.
	ctrllog.SetLogger(logr.Discard())
	// SIGTERM too: `kubectl roadmap serve` stops cleanly when the demo's scripts stop it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	opts := plugin.NewOptions(streams)
	root := plugin.NewCommand(opts)
	root.AddCommand(board.Commands(opts)...)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		stop()
		os.Exit(1)
	}
}
