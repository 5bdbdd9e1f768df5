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
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/onsi/gomega"
	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/backstage"
	"github.com/roadmap-operator/roadmap-operator/internal/board"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// boardServiceCommand is `manager board` as runBoard wires it, against env, public, answering to 127.0.0.1.
func boardServiceCommand(env *testenv.Env, args ...string) *cobra.Command {
	catalog := &backstageCatalog{log: logr.Discard()}
	cmd := board.ServiceCommand(func() (*rest.Config, error) { return env.Config, nil }, logr.Discard(), catalog.routes)
	catalog.bind(cmd)
	cmd.SetArgs(append([]string{"--public", "--allowed-hosts=127.0.0.1"}, args...))
	return cmd
}

// runBoardService runs `manager board` as runBoard wires it, against env, until the test ends, and returns its
// base URL.
func runBoardService(t *testing.T, env *testenv.Env, args ...string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := boardServiceCommand(env, append([]string{"--address=" + address}, args...)...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the board service stopped with: %v", err)
		}
	})
	return "http://" + address
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestBoardServiceServesTheBackstageCatalog runs the board service as config/board does, with the read token of
// the Backstage catalog mounted: the catalog answers with the roadmap's entities to the token only, and the
// board's own pages stay as they are.
func TestBoardServiceServesTheBackstageCatalog(t *testing.T) {
	env := testenv.New(t)
	g := testenv.NewG(t, time.Minute)
	testenv.Create(g, env.Client, testenv.Capability("event-bus", roadmapv1.LifecyclePlanned))
	token := strings.Repeat("0123456789abcdef", 3)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := runBoardService(t, env, "--backstage-token-file="+tokenFile)

	g.Eventually(func(g gomega.Gomega) {
		code, body := get(t, base+backstage.CatalogPath, token)
		g.Expect(code).To(gomega.Equal(http.StatusOK), body)
		g.Expect(body).To(gomega.ContainSubstring("kind: Resource"))
		g.Expect(body).To(gomega.ContainSubstring("name: event-bus"))
	}).Should(gomega.Succeed())
	code, body := get(t, base+backstage.CatalogPath, "")
	g.Expect(code).To(gomega.Equal(http.StatusUnauthorized), body)
	code, body = get(t, base+backstage.CatalogPath, strings.Repeat("x", len(token)))
	g.Expect(code).To(gomega.Equal(http.StatusUnauthorized), body)
	// The board's pages do not take the catalog's token as a way in, nor does the catalog open them.
	code, _ = get(t, base+"/api/roadmap", "")
	g.Expect(code).To(gomega.Equal(http.StatusOK), "a --public board answers without the token")
}

// TestBoardServiceWithoutTheCatalogToken: the Secret is optional in config/board; without it the board runs and
// the catalog is not served.
func TestBoardServiceWithoutTheCatalogToken(t *testing.T) {
	env := testenv.New(t)
	g := testenv.NewG(t, time.Minute)
	base := runBoardService(t, env, "--backstage-token-file="+filepath.Join(t.TempDir(), "absent"))
	g.Eventually(func(g gomega.Gomega) {
		code, body := get(t, base+"/readyz", "")
		g.Expect(code).To(gomega.Equal(http.StatusOK), body)
	}).Should(gomega.Succeed(), "the board has read the roadmap")
	code, _ := get(t, base+backstage.CatalogPath, strings.Repeat("0123456789abcdef", 3))
	g.Expect(code).To(gomega.Equal(http.StatusNotFound))
}

// TestBoardServiceRefusesAWeakCatalogToken: a token file that is there but too short stops the service with
// the reason, rather than serving the whole roadmap behind a guessable token.
func TestBoardServiceRefusesAWeakCatalogToken(t *testing.T) {
	env := testenv.New(t)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := boardServiceCommand(env, "--address=127.0.0.1:0", "--backstage-token-file="+tokenFile)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := cmd.ExecuteContext(ctx)
	if err == nil || !strings.Contains(err.Error(), "token") {
		t.Fatalf("want an error about the token, got %v", err)
	}
}
