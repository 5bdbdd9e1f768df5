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
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// ServiceCommand is the board as an in-cluster service (`manager board`, config/board): it serves every
// namespace with the Pod's ServiceAccount, to users who sign in (each seeing what RBAC lets them list), or to
// everyone with --public. public, when set, adds routes with their own authentication (ServeOptions.Public).
func ServiceCommand(cfg func() (*rest.Config, error), log logr.Logger, public PublicRoutes) *cobra.Command {
	var address string
	serve := ServeOptions{Limits: DefaultLimits(), Log: log}
	var signIn SignInFlags
	cmd := &cobra.Command{
		Use:   "board",
		Short: "Serve the roadmap board to the organisation: users sign in and see what RBAC lets them list",
		Args:  cobra.NoArgs,
		// The caller logs the error; usage would bury it in the Pod's log.
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !signIn.SignInEnabled() && !signIn.Public {
				return errors.New("the board service needs --oidc-issuer-url (users sign in) or --public " +
					"(everyone who reaches it reads everything it can read)")
			}
			if len(serve.AllowedHosts) == 0 {
				return errors.New("the board service needs --allowed-hosts: the host names of its Ingress")
			}
			rc, err := cfg()
			if err != nil {
				return fmt.Errorf("reading the in-cluster configuration: %w", err)
			}
			if err := signIn.Apply(&serve, rc, time.Now, log); err != nil {
				return err
			}
			if signIn.Public {
				log.Info("WARNING: --public: the board has no sign-in; everyone who reaches it reads every initiative, capability and goal")
			}
			ctx := cmd.Context()
			s, err := New(ctx, rc, roadmapview.Scope{}, time.Now)
			if err != nil {
				return err
			}
			if public != nil {
				if serve.Public, err = public(s, rc); err != nil {
					return err
				}
			}
			l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", address)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", address, err)
			}
			// Listen first, so the probes answer (readyz: not yet) while the informers list.
			errc := make(chan error, 1)
			go func() { errc <- s.Serve(ctx, l, serve) }()
			if err := s.Start(ctx); err != nil {
				return err
			}
			log.Info("Serving the roadmap board", "address", l.Addr().String(), "signIn", signIn.SignInEnabled(),
				"allowedHosts", serve.AllowedHosts)
			return <-errc
		},
	}
	cmd.Flags().StringVar(&address, "address", ":8080", "Address to listen on.")
	cmd.Flags().StringSliceVar(&serve.AllowedHosts, "allowed-hosts", nil, "Host names the board answers to (its Ingress's hosts).")
	cmd.Flags().IntVar(&serve.Limits.MaxEventStreams, "max-event-streams", serve.Limits.MaxEventStreams,
		"Most open pages (event streams) at once; one more is answered 503 until another closes.")
	signIn.Bind(cmd.Flags())
	return cmd
}

// PublicRoutes returns routes served beside the board without sign-in, by path pattern, each with its own
// authentication (e.g. the Backstage catalog, read with a bearer token). They may read s.Snapshot().
type PublicRoutes func(s *Server, cfg *rest.Config) (map[string]http.Handler, error)
