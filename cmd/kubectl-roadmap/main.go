// Command kubectl-roadmap is the `kubectl roadmap` plugin: it explains the roadmap the operator keeps in the
// cluster. Install it on the PATH (or with krew) and run `kubectl roadmap --help`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/go-logr/logr"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/roadmap-operator/roadmap-operator/internal/plugin"
)

func main() {
	// controller-runtime's client logs nothing a plugin user needs; without a logger it warns that none is set.
	ctrllog.SetLogger(logr.Discard())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	if err := plugin.NewCommand(plugin.NewOptions(streams)).ExecuteContext(ctx); err != nil {
		// Errors quote the server and the command line, neither of which may drive the terminal.
		fmt.Fprintln(os.Stderr, "error:", plugin.EscapeTerminal(err.Error()))
		stop()
		os.Exit(1)
	}
}
