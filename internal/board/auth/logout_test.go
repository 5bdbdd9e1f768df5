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

package auth

import (
	"context"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// sessionEnding is the example provider's storage, with the board registered as a client that may be sent
// back to its external URL after signing out, and a record of the sessions the provider ended.
type sessionEnding struct {
	*storage.Storage
	postLogoutRedirect string

	mu    sync.Mutex
	ended []string
}

type boardClient struct {
	op.Client
	postLogoutRedirect string
}

func (c boardClient) PostLogoutRedirectURIs() []string { return []string{c.postLogoutRedirect} }

func (s *sessionEnding) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return boardClient{Client: c, postLogoutRedirect: s.postLogoutRedirect}, nil
}

func (s *sessionEnding) TerminateSession(ctx context.Context, userID, clientID string) error {
	s.mu.Lock()
	s.ended = append(s.ended, userID+" at "+clientID)
	s.mu.Unlock()
	return s.Storage.TerminateSession(ctx, userID, clientID)
}

func (s *sessionEnding) endedSessions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ended...)
}

// exampleProvider starts ZITADEL's example OpenID provider (a login form, RP-initiated logout) on loopback with
// the board registered as the client "board" of the external URL.
func exampleProvider(t *testing.T, external string) (issuer string, st *sessionEnding) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer = "http://" + l.Addr().String() + "/"
	st = &sessionEnding{postLogoutRedirect: external, Storage: storage.NewStorageWithClients(storage.NewUserStore(issuer),
		map[string]*storage.Client{"board": storage.WebClient("board", "board-secret", external+"auth/callback")})}
	srv := &http.Server{Handler: exampleop.SetupServer(issuer, st, nil, false)}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return issuer, st
}

// Signing out ends the session at a provider that offers it (RP-initiated logout): the board sends the browser
// to the provider's end_session_endpoint with the ID token of the sign-in, its client_id and its external URL,
// the provider ends its session for the user and sends the browser back to the board, which asks to sign in.
func TestSignOutEndsTheProviderSession(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	external := "http://" + l.Addr().String() + "/"
	_ = l.Close() // board() listens on an address of its own: the provider must know it first
	issuer, st := exampleProvider(t, external)
	srv, _ := boardAt(t, l.Addr().String(), Config{IssuerURL: issuer, ClientID: "board", ClientSecret: "board-secret"})
	c := browserish(t)

	// Sign in at the provider's login form.
	resp, err := c.Get(srv.URL + "/auth/login")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if resp.StatusCode != http.StatusOK || id == "" {
		t.Fatalf("sign in: %s at %s, want the provider's login form", resp.Status, resp.Request.URL)
	}
	resp, err = c.PostForm(resp.Request.URL.String(), url.Values{"id": {id}, "username": {"test-user2"}, "password": {"verysecure"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if status, body := get(t, c, srv.URL+"/"); status != http.StatusOK || !strings.Contains(body, "board for "+issuer+"#id2") {
		t.Fatalf("after signing in: %d %s", status, body)
	}

	// Sign out: the page sends the browser to end the session at the provider.
	resp, err = c.Post(srv.URL+"/auth/logout", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	link := regexp.MustCompile(`id="end-session" href="([^"]+)"`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || link == nil {
		t.Fatalf("sign out: %s %s, want a page continuing to the provider", resp.Status, body)
	}
	end, err := url.Parse(html.UnescapeString(link[1]))
	if err != nil {
		t.Fatal(err)
	}
	q := end.Query()
	if !strings.HasPrefix(end.String(), issuer) || q.Get("id_token_hint") == "" || q.Get("client_id") != "board" ||
		q.Get("post_logout_redirect_uri") != external {
		t.Errorf("end session URL %s: want the provider's endpoint with id_token_hint, client_id=board and "+
			"post_logout_redirect_uri=%s", end, external)
	}
	if !strings.Contains(body, `http-equiv="refresh"`) {
		t.Errorf("the sign-out page does not continue by itself: %s", body)
	}
	resp, err = anonymousWithJar(c).Get(end.String())
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 != 3 || loc != external {
		t.Errorf("the provider answered the end of the session with %s to %q, want a redirect to %s", resp.Status, loc, external)
	}
	if got := st.endedSessions(); len(got) != 1 || got[0] != "id2 at board" {
		t.Errorf("sessions the provider ended: %q, want test-user2's at the board", got)
	}
	// Back at the board: signed out.
	resp, err = anonymousWithJar(c).Get(external)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/auth/login") {
		t.Errorf("the board after signing out: %s to %q, want to sign in", resp.Status, resp.Header.Get("Location"))
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
