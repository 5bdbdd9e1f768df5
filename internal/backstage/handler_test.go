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

package backstage_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/roadmap-operator/roadmap-operator/internal/backstage"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	rt "github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

const token = "0123456789abcdef0123456789abcdef-read"

func serve(t *testing.T, load backstage.LoadFunc) *httptest.Server {
	t.Helper()
	h, err := backstage.NewHandler(token, load, backstage.Options{BoardURL: boardURL})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(backstage.CatalogPath, h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, method, authorization string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, srv.URL+backstage.CatalogPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestHandler(t *testing.T) {
	var loads atomic.Int32
	srv := serve(t, func(context.Context) (*roadmapview.Snapshot, error) { loads.Add(1); return rt.Roadmap(), nil })
	var want bytes.Buffer
	if err := backstage.Write(&want, rt.Roadmap(), backstage.Options{BoardURL: boardURL}); err != nil {
		t.Fatal(err)
	}

	t.Run("the right token gets the entities", func(t *testing.T) {
		resp, body := get(t, srv, http.MethodGet, "Bearer "+token)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/yaml" {
			t.Fatalf("status %d, content type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if body != want.String() {
			t.Errorf("the handler serves something else than Write writes:\n%s", body)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", resp.Header.Get("Cache-Control"))
		}
	})
	t.Run("the scheme is case-insensitive", func(t *testing.T) {
		if resp, body := get(t, srv, http.MethodGet, "bearer "+token); resp.StatusCode != http.StatusOK {
			t.Errorf("status %d: %s", resp.StatusCode, body)
		}
	})

	before := loads.Load()
	for _, tc := range []struct {
		name, authorization, message, challenge string
	}{
		{"no token", "", "no read token", `Bearer realm="roadmap-operator backstage catalog"`},
		{"another scheme", "Basic " + token, "no read token", `Bearer realm="roadmap-operator backstage catalog"`},
		{"an empty bearer token", "Bearer ", "no read token", `Bearer realm="roadmap-operator backstage catalog"`},
		{"a wrong token", "Bearer " + strings.ToUpper(token), "not the catalog read token", `error="invalid_token"`},
		{"a prefix of the token", "Bearer " + token[:len(token)-1], "not the catalog read token", `error="invalid_token"`},
		{"the token and more", "Bearer " + token + "x", "not the catalog read token", `error="invalid_token"`},
	} {
		t.Run(tc.name+" gets 401", func(t *testing.T) {
			resp, body := get(t, srv, http.MethodGet, tc.authorization)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401: %s", resp.StatusCode, body)
			}
			if !strings.Contains(body, tc.message) || strings.Contains(body, "apiVersion") {
				t.Errorf("body %q, want it to say %q and nothing of the roadmap", body, tc.message)
			}
			if got := resp.Header.Get("WWW-Authenticate"); !strings.Contains(got, tc.challenge) {
				t.Errorf("WWW-Authenticate = %q, want %q in it", got, tc.challenge)
			}
		})
	}
	if n := loads.Load() - before; n != 0 {
		t.Errorf("refused requests read the roadmap %d times", n)
	}

	t.Run("a write is refused", func(t *testing.T) {
		resp, _ := get(t, srv, http.MethodPost, "Bearer "+token)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("status %d, Allow %q; want 405 and GET, HEAD", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})
	t.Run("HEAD has no body", func(t *testing.T) {
		resp, body := get(t, srv, http.MethodHead, "Bearer "+token)
		if resp.StatusCode != http.StatusOK || body != "" {
			t.Errorf("status %d, body %q", resp.StatusCode, body)
		}
	})
}

func TestHandlerWhenTheClusterCannotBeRead(t *testing.T) {
	srv := serve(t, func(context.Context) (*roadmapview.Snapshot, error) {
		return nil, errors.New("forbidden: RBAC does not allow you to list capabilities.roadmap.dev")
	})
	resp, body := get(t, srv, http.MethodGet, "Bearer "+token)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "cannot read the roadmap from the cluster: forbidden") {
		t.Errorf("status %d, body %q; want 503 saying why", resp.StatusCode, body)
	}
}

func TestNewHandlerRefusesWeakSettings(t *testing.T) {
	load := func(context.Context) (*roadmapview.Snapshot, error) { return rt.Roadmap(), nil }
	for _, tc := range []struct {
		name, token string
		load        backstage.LoadFunc
		o           backstage.Options
		want        string
	}{
		{"no token", "", load, backstage.Options{}, "has 0 characters, fewer than 32"},
		{"a short token", "secret", load, backstage.Options{}, "fewer than 32"},
		{"a token with a line break", token + "\n", load, backstage.Options{}, "must not contain spaces or line breaks"},
		{"no loader", token, nil, backstage.Options{}, "needs a function that loads the roadmap"},
		{"a bad board URL", token, load, backstage.Options{BoardURL: "board"}, "invalid board URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := backstage.NewHandler(tc.token, tc.load, tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestReadTokenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := backstage.ReadTokenFile(path); err != nil || got != token {
		t.Errorf("ReadTokenFile = %q, %v; want the token without its line break", got, err)
	}
	if err := os.WriteFile(path, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := backstage.ReadTokenFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("a short token file: got %v, want an error naming the file", err)
	}
	if _, err := backstage.ReadTokenFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing token file: no error")
	}
}
