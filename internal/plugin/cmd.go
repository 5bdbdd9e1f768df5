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

// Package plugin implements `kubectl roadmap`: it explains the status the operator computed (why an initiative
// is blocked and who must act, trees, standups, graphs and plans). It never recomputes readiness: the roadmap is
// read once into a roadmapview.Snapshot, and the read model of internal/roadmapview (shared with the web board)
// says what to show; this package holds the commands and the renderers: terminal text with its colours and
// escaping, and the Mermaid and Graphviz text of graphs and plans. The renderers are pure functions of the
// model, so they are tested without a cluster.
package plugin

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/roadmap-operator/roadmap-operator/internal/cliopts"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// commands are the plugin's commands, configured by the options they share with the board's.
type commands struct {
	*cliopts.Options
}

// NewCommand builds `kubectl roadmap` and its subcommands.
func NewCommand(opts *cliopts.Options) *cobra.Command {
	o := &commands{opts}
	root := &cobra.Command{
		Use:   "kubectl-roadmap",
		Short: "Explain the roadmap: why work is blocked and who must act, trees, standups, graphs and plans",
		Long: `kubectl roadmap reads the Goals, Capabilities and Initiatives of the roadmap.dev API and explains the
status the roadmap-operator computed: why an initiative is blocked down to the root causes and the teams that
must act, trees of goals and prerequisites, standup reports, dependency graphs and plans with the critical path.`,
		Annotations:   map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl roadmap"},
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(o.Streams.Out)
	root.SetErr(o.Streams.ErrOut)
	o.ConfigFlags.AddFlags(root.PersistentFlags())
	root.PersistentFlags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false,
		"Initiatives of all namespaces (standup; graph and plan show all unless --namespace is given).")
	root.PersistentFlags().BoolVar(&o.NoColor, "no-color", false,
		"No colours (they are off anyway when the output is not a terminal or NO_COLOR is set).")
	root.AddCommand(o.whyCommand(), o.treeCommand(), o.standupCommand(), o.graphCommand(), o.planCommand(),
		o.untracedCommand())
	return root
}

func (o *commands) style() Style {
	return Style{Color: !o.NoColor && os.Getenv("NO_COLOR") == "" && o.IsTerminal != nil && o.IsTerminal(o.Streams.Out)}
}

// load lists the roadmap with the configuration of the flags. For text output (output ""), every string is
// escaped for the terminal (see EscapeTerminal); structured output gets the objects as they are.
func (o *commands) load(cmd *cobra.Command, scope roadmapview.Scope, output string) (*roadmapview.Snapshot, error) {
	cfg, err := o.ConfigFlags.ToRESTConfig()
	if err != nil {
		return nil, err
	}
	c, err := roadmapview.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	s, err := roadmapview.Load(cmd.Context(), c, scope)
	if err != nil {
		return nil, err
	}
	if o.AfterLoad != nil {
		o.AfterLoad(s)
		s.Index()
	}
	if output == "" {
		s = escapedSnapshot(s)
	}
	return s, nil
}

// wideScope lists every namespace, falling back to the current one if that is forbidden: for commands that
// follow references across namespaces.
func (o *commands) wideScope() (roadmapview.Scope, string, error) {
	ns, err := o.Namespace()
	if err != nil {
		return roadmapview.Scope{}, "", err
	}
	return roadmapview.Scope{Fallback: ns}, ns, nil
}

func addOutputFlag(cmd *cobra.Command, output *string) {
	cmd.Flags().StringVarP(output, "output", "o", "", "Output format: json or yaml (structured); default text.")
}

// printStructured writes v as JSON or YAML.
func (o *commands) printStructured(v any, output string) error {
	switch output {
	case "json":
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(o.Streams.Out, string(data))
		return err
	case "yaml":
		data, err := yaml.Marshal(v)
		if err != nil {
			return err
		}
		_, err = o.Streams.Out.Write(data)
		return err
	}
	return fmt.Errorf("unknown output format %q: use json or yaml", output)
}

func checkOutput(output string) error {
	switch output {
	case "", "json", "yaml":
		return nil
	}
	return fmt.Errorf("unknown output format %q: use json or yaml", output)
}

var kindAliases = map[string]string{
	"goal": "Goal", "goals": "Goal",
	"capability": "Capability", "capabilities": "Capability", "cap": "Capability", "caps": "Capability",
	"initiative": "Initiative", "initiatives": "Initiative", "ini": "Initiative",
}

func kindOf(s string) (string, bool) {
	k, ok := kindAliases[strings.TrimSuffix(strings.ToLower(s), ".roadmap.dev")]
	return k, ok
}

// parseRef reads TYPE NAME, TYPE/NAME, NAMESPACE/NAME (an initiative) or NAME (Kind left empty). An initiative
// NAME may be NAMESPACE/NAME; otherwise it is in namespace ns.
func parseRef(args []string, ns string) (roadmapview.Ref, error) {
	var ref roadmapview.Ref
	switch len(args) {
	case 2:
		kind, ok := kindOf(args[0])
		if !ok {
			return ref, fmt.Errorf("unknown kind %q: use goal, capability or initiative", args[0])
		}
		ref = roadmapview.Ref{Kind: kind, Name: args[1]}
	case 1:
		ref.Name = args[0]
		if prefix, rest, found := strings.Cut(args[0], "/"); found {
			if kind, ok := kindOf(prefix); ok {
				ref = roadmapview.Ref{Kind: kind, Name: rest}
			} else {
				ref = roadmapview.Ref{Kind: "Initiative", Namespace: prefix, Name: rest}
			}
		}
	default:
		return ref, fmt.Errorf("expected NAME, TYPE/NAME or TYPE NAME")
	}
	if ref.Kind == "Initiative" || ref.Kind == "" {
		if n, name, found := strings.Cut(ref.Name, "/"); found && ref.Namespace == "" {
			ref.Kind, ref.Namespace, ref.Name = "Initiative", n, name
		}
	}
	if ref.Kind == "Initiative" && ref.Namespace == "" {
		ref.Namespace = ns
	}
	if ref.Name == "" || strings.Contains(ref.Name, "/") {
		return ref, fmt.Errorf("invalid name %q", strings.Join(args, " "))
	}
	return ref, nil
}

// resolve finds the kind of a bare NAME: the goal, capability or initiative (in namespace ns) of that name.
func resolve(s *roadmapview.Snapshot, ref roadmapview.Ref, ns string) (roadmapview.Ref, error) {
	if ref.Kind != "" {
		return ref, nil
	}
	var found []roadmapview.Ref
	if s.Goal(ref.Name) != nil {
		found = append(found, roadmapview.Ref{Kind: "Goal", Name: ref.Name})
	}
	if s.Capability(ref.Name) != nil {
		found = append(found, roadmapview.Ref{Kind: "Capability", Name: ref.Name})
	}
	if s.Initiative(ns, ref.Name) != nil {
		found = append(found, roadmapview.Ref{Kind: "Initiative", Namespace: ns, Name: ref.Name})
	}
	switch len(found) {
	case 0:
		return ref, fmt.Errorf("no goal, capability or initiative (in namespace %s) is named %s", ns, ref.Name)
	case 1:
		return found[0], nil
	}
	var names []string
	for _, f := range found {
		names = append(names, strings.ToLower(f.Kind)+"/"+f.Name)
	}
	return ref, fmt.Errorf("%s is ambiguous: say %s", ref.Name, strings.Join(names, " or "))
}

func (o *commands) whyCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "why INITIATIVE",
		Short: "Explain why an initiative is blocked, down to the root causes, and who must act",
		Long: `Follow the blocking chain of an initiative (or a capability) through the status the operator computed:
the capabilities it requires that are not Ready, what those require in turn, the initiatives that provide them
and those it depends on, down to the root causes. Each line names the owner who must act.

INITIATIVE is NAME (in --namespace), NAMESPACE/NAME, or initiative/NAME; capability/NAME explains a capability.`,
		Example: `  kubectl roadmap why realtime-recommendations -n team-personalisation
  kubectl roadmap why team-personalisation/realtime-recommendations -o yaml
  kubectl roadmap why capability/event-bus`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			scope, ns, err := o.wideScope()
			if err != nil {
				return err
			}
			ref, err := parseRef(args, ns)
			if err != nil {
				return err
			}
			if ref.Kind == "" {
				ref = roadmapview.Ref{Kind: "Initiative", Namespace: ns, Name: ref.Name}
			}
			s, err := o.load(cmd, scope, output)
			if err != nil {
				return err
			}
			res, err := roadmapview.Why(s, ref)
			if err != nil {
				return err
			}
			if output != "" {
				return o.printStructured(res, output)
			}
			return RenderWhy(o.Streams.Out, res, o.style())
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}

func (o *commands) treeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "tree (goal|capability|initiative)/NAME",
		Short: "Show a goal, capability or initiative with everything below it, with status glyphs and colours",
		Long: `Show an object and what it is made of, like clusterctl describe: a goal with its sub-goals and the
initiatives serving them; an initiative with the capabilities it requires and the initiatives it depends on; a
capability with the capabilities it requires, its checks and the initiatives providing it. Each object is
expanded once; later appearances say "see above".

The object is TYPE/NAME, TYPE NAME, or a NAME that only one goal, capability or initiative (in --namespace) has.`,
		Example: `  kubectl roadmap tree goal/realtime-personalisation
  kubectl roadmap tree capability event-bus
  kubectl roadmap tree initiative/realtime-recommendations -n team-personalisation --no-color`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, ns, err := o.wideScope()
			if err != nil {
				return err
			}
			ref, err := parseRef(args, ns)
			if err != nil {
				return err
			}
			s, err := o.load(cmd, scope, "")
			if err != nil {
				return err
			}
			if ref, err = resolve(s, ref, ns); err != nil {
				return err
			}
			root, err := roadmapview.Tree(s, ref)
			if err != nil {
				return err
			}
			if err := RenderTree(o.Streams.Out, root, o.style()); err != nil {
				return err
			}
			if s.Limited != "" {
				_, err = fmt.Fprintln(o.Streams.Out, "\nNote: "+s.Limited)
			}
			return err
		},
	}
}

// parseWindow reads a Go duration ("24h", "90m") or a number of days ("7d").
func parseWindow(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err == nil && n > 0 && fmt.Sprint(n) == days {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("invalid --since %q: use a duration such as 24h, 90m or 7d", s)
	}
	return d, nil
}

func (o *commands) standupCommand() *cobra.Command {
	var output, since string
	cmd := &cobra.Command{
		Use:   "standup",
		Short: "What became Ready, Blocked, Done or Cancelled, and what is past its target date, by team",
		Long: `Report, grouped by owner and sorted by priority (WSJF score), the initiatives and capabilities whose Ready
condition changed within --since (became Ready, or became Blocked), the initiatives that became Done or
Cancelled within it (status.completedAt), and the open initiatives past their target date. Initiatives of --namespace (default: the kubeconfig's), or of all namespaces with -A; capabilities are
cluster-scoped and always included.`,
		Example: `  kubectl roadmap standup -n team-personalisation
  kubectl roadmap standup -A --since 72h
  kubectl roadmap standup -A -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			window, err := parseWindow(since)
			if err != nil {
				return err
			}
			scope := roadmapview.Scope{}
			if !o.AllNamespaces {
				if scope.Namespace, err = o.Namespace(); err != nil {
					return err
				}
			}
			s, err := o.load(cmd, scope, output)
			if err != nil {
				return err
			}
			if err := o.loadUntraced(cmd, s, scope.Namespace, output); err != nil {
				return err
			}
			res := roadmapview.Standup(s, o.Now(), window)
			if output != "" {
				return o.printStructured(res, output)
			}
			return RenderStandup(o.Streams.Out, res, o.style())
		},
	}
	cmd.Flags().StringVar(&since, "since", "24h", "How far back to look for changes, e.g. 24h, 90m or 7d.")
	addOutputFlag(cmd, &output)
	return cmd
}

// loadFocused loads the whole roadmap (wideScope) for graph and plan, and returns the namespace they focus on:
// --namespace when given explicitly and -A is not, empty otherwise.
func (o *commands) loadFocused(cmd *cobra.Command, output string) (_ *roadmapview.Snapshot, focus string, _ error) {
	if !o.AllNamespaces && cmd.Flags().Changed("namespace") {
		ns, err := o.Namespace()
		if err != nil {
			return nil, "", err
		}
		focus = ns
	}
	scope, _, err := o.wideScope()
	if err != nil {
		return nil, "", err
	}
	s, err := o.load(cmd, scope, output)
	if err != nil {
		return nil, "", err
	}
	return s, focus, nil
}

func (o *commands) graphCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Write the roadmap as a Graphviz (dot) or Mermaid graph",
		Long: `Write goals, capabilities and initiatives with their requires, depends-on, provides, serves and
part-of edges, coloured by status. The whole roadmap by default; with --namespace, the initiatives of that
namespace and what they need, wait for and serve.`,
		Example: `  kubectl roadmap graph --format dot | dot -Tsvg > roadmap.svg
  kubectl roadmap graph --format mermaid -n team-personalisation`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "dot" && format != "mermaid" {
				return fmt.Errorf("unknown --format %q: use dot or mermaid", format)
			}
			s, focus, err := o.loadFocused(cmd, "")
			if err != nil {
				return err
			}
			return RenderGraph(o.Streams.Out, roadmapview.Focus(s, focus), format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "mermaid", "Graph format: dot or mermaid.")
	return cmd
}

func (o *commands) planCommand() *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Lay initiatives out by target date with their dependencies, critical path marked",
		Long: `Place each initiative that has a target date on a timeline: it can start when the initiatives it
depends on, and those providing the capabilities it requires, are due (or today), and should end on its target
date. The critical path is the chain of open initiatives that determines when the plan ends. --format text is a
table; --format mermaid a Gantt chart (paste it into Markdown). With --namespace, the initiatives of that
namespace and those they wait for.`,
		Example: `  kubectl roadmap plan
  kubectl roadmap plan --format mermaid > plan.mmd
  kubectl roadmap plan -n team-personalisation -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			if format != "text" && format != "mermaid" {
				return fmt.Errorf("unknown --format %q: use text or mermaid", format)
			}
			s, focus, err := o.loadFocused(cmd, output)
			if err != nil {
				return err
			}
			p := roadmapview.Plan(s, roadmapview.Focus(s, focus), focus, o.Now())
			if output != "" {
				return o.printStructured(p, output)
			}
			return RenderPlan(o.Streams.Out, p, format, o.style())
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "Plan format: text or mermaid (a Gantt chart).")
	addOutputFlag(cmd, &output)
	return cmd
}
