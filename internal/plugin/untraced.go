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

package plugin

import (
	"fmt"
	"io"
	"reflect"

	"github.com/spf13/cobra"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// loadUntraced adds the untraced report of namespace (all when empty) to a loaded snapshot, escaped for the
// terminal in text output as load escapes the rest.
func (o *commands) loadUntraced(cmd *cobra.Command, s *roadmapview.Snapshot, namespace, output string) error {
	cfg, err := o.ConfigFlags.ToRESTConfig()
	if err != nil {
		return err
	}
	c, err := roadmapview.NewClient(cfg)
	if err != nil {
		return err
	}
	if err := s.LoadUntraced(cmd.Context(), c, namespace); err != nil {
		return err
	}
	if output == "" {
		escapeStrings(reflect.ValueOf(&s.Untraced).Elem())
		s.UntracedNote = EscapeTerminal(s.UntracedNote)
	}
	return nil
}

func (o *commands) untracedCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "untraced",
		Short: "Workloads no initiative explains, in the namespaces that opt in with roadmap.dev/workloads",
		Long: `List, per namespace labelled roadmap.dev/workloads (enforce, warn or audit), the workloads (Deployments,
StatefulSets, DaemonSets, Jobs, CronJobs) without the label roadmap.dev/initiative (untraced), those whose label
names no initiative, an invalid name, or a Done or Cancelled initiative (dangling), and those let past the
admission gate with the annotation roadmap.dev/break-glass. Namespace --namespace (default: the kubeconfig's),
or all with -A.`,
		Example: `  kubectl roadmap untraced -n team-checkout
  kubectl roadmap untraced -A -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			ns := ""
			if !o.AllNamespaces {
				var err error
				if ns, err = o.Namespace(); err != nil {
					return err
				}
			}
			s := &roadmapview.Snapshot{Namespace: ns}
			if err := o.loadUntraced(cmd, s.Index(), ns, output); err != nil {
				return err
			}
			if output != "" {
				return o.printStructured(struct {
					Namespaces []workloads.Report `json:"namespaces"`
					Note       string             `json:"note,omitempty"`
				}{Namespaces: append([]workloads.Report{}, s.Untraced...), Note: s.UntracedNote}, output)
			}
			return RenderUntraced(o.Streams.Out, s.Untraced, s.UntracedNote, ns, o.style())
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}

// RenderUntraced writes the untraced report: per namespace, one line per workload.
func RenderUntraced(w io.Writer, reports []workloads.Report, note, namespace string, st Style) error {
	ew := &errWriter{w: w}
	if len(reports) == 0 && note == "" {
		scope := "any namespace labelled roadmap.dev/workloads"
		if namespace != "" {
			scope = "namespace " + namespace + " (or it is not labelled roadmap.dev/workloads)"
		}
		ew.println("Every workload in " + scope + " names an open initiative.")
	}
	for i, r := range reports {
		if i > 0 {
			ew.println("")
		}
		ew.println(st.Bold(r.Namespace) + " (roadmap.dev/workloads=" + string(r.Mode) + ")")
		if r.ModeError != "" {
			ew.println("  " + st.Paint(roadmapview.HealthBroken, "!") + " " + r.ModeError)
		}
		for _, u := range r.Untraced {
			ew.println("  " + st.Paint(roadmapview.HealthWaiting, "untraced") + "     " + u.Kind + " " + u.Name +
				": no label roadmap.dev/initiative")
		}
		for _, d := range r.Dangling {
			ew.println("  " + st.Paint(roadmapview.HealthBroken, "dangling") + "     " + d.Kind + " " + d.Name + ": " + d.Why)
		}
		for _, b := range r.BreakGlass {
			ew.println("  " + st.Paint(roadmapview.HealthBroken, "break-glass") + "  " + b.Kind + " " + b.Name + ": " + b.BreakGlass)
		}
	}
	if note != "" {
		if len(reports) > 0 {
			ew.println("")
		}
		ew.println("Note: " + note)
	}
	return ew.err
}

// untracedLine is the standup's line for a namespace with untraced or dangling work, or "".
func untracedLine(r workloads.Report) string {
	if len(r.Untraced) == 0 && len(r.Dangling) == 0 && len(r.BreakGlass) == 0 {
		return ""
	}
	line := fmt.Sprintf("%s: %d untraced, %d dangling", r.Namespace, len(r.Untraced), len(r.Dangling))
	if len(r.BreakGlass) > 0 {
		line += fmt.Sprintf(", %d through break glass", len(r.BreakGlass))
	}
	return line + " (kubectl roadmap untraced -n " + r.Namespace + ")"
}
