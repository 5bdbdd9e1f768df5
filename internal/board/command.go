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

package board

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/spf13/cobra"

	"github.com/roadmap-operator/roadmap-operator/internal/backstage"
	"github.com/roadmap-operator/roadmap-operator/internal/board/auth"
	"github.com/roadmap-operator/roadmap-operator/internal/cliopts"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// Commands returns `kubectl roadmap serve` and `kubectl roadmap export`, configured by the options they share
// with the plugin's commands (kubeconfig flags, --namespace, -A, the clock).
func Commands(o *cliopts.Options) []*cobra.Command {
	return []*cobra.Command{serveCommand(o), exportCommand(o)}
}

// scope is every namespace (falling back to the kubeconfig's namespace when that is forbidden), or the
// namespace given with --namespace when -A is not.
func scope(o *cliopts.Options, cmd *cobra.Command) (roadmapview.Scope, error) {
	ns, err := o.Namespace()
	if err != nil {
		return roadmapview.Scope{}, err
	}
	if cmd.Flags().Changed("namespace") && !o.AllNamespaces {
		return roadmapview.Scope{Namespace: ns}, nil
	}
	return roadmapview.Scope{Fallback: ns}, nil
}

func serveCommand(o *cliopts.Options) *cobra.Command {
	var address string
	serve := ServeOptions{Limits: DefaultLimits()}
	var signIn SignInFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the roadmap board: a live web view of goals, the timeline and dependencies",
		Long: `Serve a read-only web page of the roadmap, live from the cluster: goals with their progress, a timeline
of initiatives by team with the critical path, the dependency graph coloured by status, what changed, and for
anything you select why it is not ready and who must act. Changes reach the page as they happen.

It runs on your machine with your kubeconfig and your RBAC: nothing is installed in the cluster. It listens on
localhost unless --address says otherwise. Initiatives of all namespaces (or of the kubeconfig's namespace when
you may not list all of them; the page says so), or of --namespace.

The board answers only to requests naming localhost, a loopback address or one of --allowed-hosts in their Host
header, on every address, so that no web page you visit can read it through DNS rebinding. Listening on any other
address than loopback needs --allowed-hosts, and then anyone who reaches that address reads what your kubeconfig
can read, unless users sign in: with --oidc-issuer-url (and the other --oidc flags, named after the
apiserver's) each user signs in with the organisation's identity provider and sees only what RBAC lets them
list, as the board asks the apiserver for them (your kubeconfig then needs create subjectaccessreviews).`,
		Example: `  kubectl roadmap serve
  kubectl roadmap serve -n team-personalisation --address 127.0.0.1:9090
  kubectl roadmap serve --address 0.0.0.0:8080 --allowed-hosts roadmap.example.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			loopback, err := loopbackAddress(address)
			if err != nil {
				return err
			}
			if !loopback && len(serve.AllowedHosts) == 0 {
				return fmt.Errorf("--address %s is not a loopback address: name the hosts the board is reached by "+
					"with --allowed-hosts (e.g. --allowed-hosts roadmap.example.com); requests naming any other "+
					"host are refused", address)
			}
			sc, err := scope(o, cmd)
			if err != nil {
				return err
			}
			cfg, err := o.ConfigFlags.ToRESTConfig()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			serve.Log = funcr.New(func(prefix, args string) { fmt.Fprintln(o.Streams.ErrOut, prefix, args) }, funcr.Options{})
			if err := signIn.Apply(&serve, cfg, o.Now, serve.Log); err != nil {
				return err
			}
			s, err := New(ctx, cfg, sc, o.Now)
			if err != nil {
				return err
			}
			if err := s.Start(ctx); err != nil {
				return err
			}
			l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", address)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", address, err)
			}
			if !loopback && !signIn.SignInEnabled() {
				fmt.Fprintf(o.Streams.ErrOut, "Warning: the board has no authentication of its own: anyone who "+
					"can reach %s reads everything your kubeconfig can read (sign users in with --oidc-issuer-url).\n", l.Addr())
			}
			fmt.Fprintf(o.Streams.Out, "Roadmap board: http://%s/ (Ctrl-C to stop)\n", l.Addr())
			return s.Serve(ctx, l, serve)
		},
	}
	cmd.Flags().StringVar(&address, "address", "127.0.0.1:8080", "Address to listen on (host:port; port 0 picks a free one).")
	cmd.Flags().StringSliceVar(&serve.AllowedHosts, "allowed-hosts", nil, "Host names the board answers to besides "+
		"localhost and loopback addresses (comma-separated; *.example.com for subdomains). Required when --address "+
		"is not loopback.")
	signIn.Bind(cmd.Flags())
	cmd.Flags().IntVar(&serve.Limits.MaxEventStreams, "max-event-streams", serve.Limits.MaxEventStreams,
		"Most open pages (event streams) at once; one more is answered 503 until another closes.")
	return cmd
}

// loopbackAddress reports whether a listen address is on loopback only; an empty host (":8080") is every
// interface.
func loopbackAddress(address string) (bool, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return false, fmt.Errorf("--address %q: %w", address, err)
	}
	return auth.IsLoopback(strings.ToLower(host)), nil
}

func exportCommand(o *cliopts.Options) *cobra.Command {
	var format, boardURL string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the roadmap board as one self-contained HTML file, its timeline as SVG, or Backstage entities",
		Long: `Write the board as it is now: --format html is the page with everything inlined (no network access;
open it from a wiki or an email), --format svg the timeline alone, --format backstage the roadmap as Backstage
catalog entities (a catalog-info.yaml: goals as Domains, capabilities as Resources, initiatives as Components,
with their dependencies, state and why; see docs/backstage.md). --board-url links each entity to the board.`,
		Example: `  kubectl roadmap export --format html > roadmap.html
  kubectl roadmap export --format svg > timeline.svg
  kubectl roadmap export --format backstage --board-url https://roadmap.example.com/ > catalog-info.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "html" && format != "svg" && format != "backstage" {
				return fmt.Errorf("unknown --format %q: use html or svg (the board), or backstage (catalog entities)", format)
			}
			backstageOptions := backstage.Options{BoardURL: boardURL}
			if err := backstageOptions.Validate(); err != nil {
				return fmt.Errorf("--board-url: %w", err)
			}
			if boardURL != "" && format != "backstage" {
				return fmt.Errorf("--board-url is for --format backstage: the %s export is the board itself", format)
			}
			sc, err := scope(o, cmd)
			if err != nil {
				return err
			}
			cfg, err := o.ConfigFlags.ToRESTConfig()
			if err != nil {
				return err
			}
			c, err := roadmapview.NewClient(cfg)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), time.Minute)
			defer cancel()
			snap, err := roadmapview.Load(ctx, c, sc)
			if err != nil {
				return err
			}
			if o.AfterLoad != nil {
				o.AfterLoad(snap)
				snap.Index()
			}
			if format == "backstage" {
				return backstage.Write(o.Streams.Out, snap, backstageOptions)
			}
			m := BuildWithWhy(snap, o.Now())
			if format == "svg" {
				return ExportSVG(o.Streams.Out, m)
			}
			return ExportHTML(o.Streams.Out, m)
		},
	}
	cmd.Flags().StringVar(&format, "format", "html",
		"Export format: html (the whole board), svg (the timeline) or backstage (Backstage catalog entities).")
	cmd.Flags().StringVar(&boardURL, "board-url", "",
		"With --format backstage: the board's address (e.g. https://roadmap.example.com/); each entity links to its object there.")
	return cmd
}
