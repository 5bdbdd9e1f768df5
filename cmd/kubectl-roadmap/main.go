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
	"github.com/roadmap-operator/roadmap-operator/internal/cliopts"
	"github.com/roadmap-operator/roadmap-operator/internal/plugin"
)

func main() {
	// controller-runtime's client logs nothing a plugin user needs; without a logger it warns that none is set.
	ctrllog.SetLogger(logr.Discard())
	// SIGTERM too: `kubectl roadmap serve` stops cleanly when the demo's scripts stop it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	opts := cliopts.NewOptions(streams)
	root := plugin.NewCommand(opts)
	root.AddCommand(board.Commands(opts)...)
	if err := root.ExecuteContext(ctx); err != nil {
		// Errors quote the server and the command line, neither of which may drive the terminal.
		fmt.Fprintln(os.Stderr, "error:", plugin.EscapeTerminal(err.Error()))
		stop()
		os.Exit(1)
	}
}
