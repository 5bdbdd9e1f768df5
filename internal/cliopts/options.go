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

// Package cliopts holds the options every `kubectl roadmap` command shares: kubectl's configuration flags, the
// streams, the clock, the hook on loaded snapshots and the root command's -A and --no-color. The terminal
// commands (internal/plugin) and the board's commands (internal/board) both take them, so that neither depends
// on the other.
package cliopts

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// Options configure the commands. NewOptions gives the defaults; tests replace the clock and hook the snapshot.
type Options struct {
	ConfigFlags *genericclioptions.ConfigFlags
	Streams     genericiooptions.IOStreams
	// Now is the clock: "today" for target dates, the end of the standup window.
	Now func() time.Time
	// AfterLoad, when set, sees every snapshot before it is rendered (tests normalise times with it).
	AfterLoad func(*roadmapview.Snapshot)
	// IsTerminal reports whether output goes to a terminal, which turns colours on.
	IsTerminal func(io.Writer) bool

	// AllNamespaces is -A and NoColor is --no-color, persistent flags of the root command, which binds them.
	AllNamespaces bool
	NoColor       bool
}

// NewOptions returns the options of the real plugin: kubectl's configuration flags, the real clock, and colours
// on terminals.
func NewOptions(streams genericiooptions.IOStreams) *Options {
	return &Options{
		ConfigFlags: genericclioptions.NewConfigFlags(true),
		Streams:     streams,
		Now:         time.Now,
		IsTerminal: func(w io.Writer) bool {
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		},
	}
}

// Namespace is --namespace, or the namespace of the kubeconfig context.
func (o *Options) Namespace() (string, error) {
	ns, _, err := o.ConfigFlags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return "", fmt.Errorf("reading the namespace from the kubeconfig: %w", err)
	}
	return ns, nil
}
