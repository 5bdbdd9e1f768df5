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

package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"

	"github.com/roadmap-operator/roadmap-operator/internal/backstage"
	"github.com/roadmap-operator/roadmap-operator/internal/board"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// backstageCatalog serves the roadmap as Backstage entities at backstage.CatalogPath beside the board service,
// when --backstage-token-file names a token that is there: Backstage cannot sign in, so that one route takes its
// own read token instead of a session. config/board mounts the token from an optional Secret, so a missing file
// turns the route off (with a log line) rather than stopping the board; a file that is there but holds a weak
// token stops it, with the reason.
type backstageCatalog struct {
	tokenFile string
	cmd       *cobra.Command
	log       logr.Logger
}

// bind adds --backstage-token-file to the board service's command.
func (c *backstageCatalog) bind(cmd *cobra.Command) {
	c.cmd = cmd
	cmd.Flags().StringVar(&c.tokenFile, "backstage-token-file", "",
		"File holding the read token of the Backstage catalog at "+backstage.CatalogPath+
			" (at least 32 characters); no file, no catalog.")
}

// routes is the board.PublicRoutes of the catalog.
func (c *backstageCatalog) routes(s *board.Server, _ *rest.Config) (map[string]http.Handler, error) {
	if c.tokenFile == "" {
		return nil, nil
	}
	if _, err := os.Stat(c.tokenFile); errors.Is(err, fs.ErrNotExist) {
		c.log.Info("The Backstage catalog is off: no read token", "file", c.tokenFile)
		return nil, nil
	}
	token, err := backstage.ReadTokenFile(c.tokenFile)
	if err != nil {
		return nil, err
	}
	// The entities link back to the board where browsers reach it.
	boardURL := ""
	if f := c.cmd.Flags().Lookup("external-url"); f != nil {
		boardURL = f.Value.String()
	}
	load := func(context.Context) (*roadmapview.Snapshot, error) {
		if snap := s.Snapshot(); snap != nil {
			return snap, nil
		}
		return nil, errors.New("the board has not read the roadmap yet")
	}
	h, err := backstage.NewHandler(token, load, backstage.Options{BoardURL: boardURL})
	if err != nil {
		return nil, fmt.Errorf("serving the Backstage catalog: %w", err)
	}
	c.log.Info("Serving the Backstage catalog", "path", backstage.CatalogPath)
	return map[string]http.Handler{backstage.CatalogPath: h}, nil
}
