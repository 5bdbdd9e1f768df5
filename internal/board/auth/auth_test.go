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
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/roadmap-operator/roadmap-operator/internal/board/access"
)

// provider starts a real OIDC provider on loopback for the test, its endpoints wrapped in middleware.
func provider(t *testing.T, middleware ...func(http.Handler) http.Handler) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, mw := range middleware {
		if err := m.AddMiddleware(mw); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(l, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m
}

// board serves a stand-in for the board behind the authenticator: it answers with the signed-in user.
func board(t *testing.T, cfg Config) (*httptest.Server, *Authenticator) {
	t.Helper()
	return boardAt(t, "127.0.0.1:0", cfg)
}

// boardAt is board on address.
func boardAt(t *testing.T, address string, cfg Config) (*httptest.Server, *Authenticator) {
	t.Helper()
	l, err := net.Listen("tcp", address)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ExternalURL = "http://" + l.Addr().String() + "/"
	cfg.Log = testr.New(t)
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Routes(mux)
	mux.Handle("/", a.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := access.UserFrom(r.Context())
		_, _ = io.WriteString(w, "board for "+u.String())
	})))
	srv := httptest.NewUnstartedServer(mux)
	_ = srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, a
}

func configFor(m *mockoidc.MockOIDC) Config {
	return Config{IssuerURL: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret, UsernameClaim: "email",
		GroupsClaim: "groups", GroupsPrefix: "oidc:"}
}

// browserish is an HTTP client with a cookie jar that follows redirects, as a browser does.
func browserish(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func alice() *mockoidc.MockUser {
	return &mockoidc.MockUser{Subject: "1", Email: "alice@example.com", EmailVerified: true, Groups: []string{"team-a"}}
}

func TestSignIn(t *testing.T) {
	m := provider(t)
	srv, _ := board(t, configFor(m))
	c := browserish(t)
	m.QueueUser(alice())
	status, body := get(t, c, srv.URL+"/")
	if status != http.StatusOK || body != "board for alice@example.com (groups oidc:team-a)" {
		t.Fatalf("after signing in: %d %q", status, body)
	}
	u, _ := url.Parse(srv.URL)
	var session *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == SessionCookie {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}

	// The API answers 401 without a session, and the page is sent to sign in.
	anonymous := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if status, _ := get(t, anonymous, srv.URL+"/api/roadmap"); status != http.StatusUnauthorized {
		t.Errorf("API without a session: %d, want 401", status)
	}
	resp, err := anonymous.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/auth/login" {
		t.Errorf("page without a session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The way to the provider carries PKCE (S256), a state and a nonce.
	resp, err = anonymous.Get(srv.URL + "/auth/login")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	q := loc.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("nonce") == "" {
		t.Errorf("authorization request %s lacks PKCE, state or nonce", loc)
	}
	flowSet := resp.Header.Get("Set-Cookie")
	if !strings.Contains(flowSet, "HttpOnly") || !strings.Contains(flowSet, "SameSite=Lax") {
		t.Errorf("flow cookie %q", flowSet)
	}

	// A tampered session (another user's name under the same signature) is sent back to sign in.
	tampered := &http.Client{CheckRedirect: anonymous.CheckRedirect}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	payload, sig, _ := strings.Cut(session.Value, ".")
	forged := strings.Replace(payload, "Y", "Z", 1)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: forged + "." + sig})
	resp, err = tampered.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("tampered session: %d, want a redirect to sign in", resp.StatusCode)
	}

	// Signing out ends the session on the board; this provider offers no end_session_endpoint, so its own
	// session stays, and the page says so.
	resp, err = c.Post(srv.URL+"/auth/logout", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusOK ||
		!strings.Contains(body, "may still be open") || !strings.Contains(body, "no end_session_endpoint") {
		t.Errorf("sign out: %d %s, want signed out on the board, saying the provider's session may be open", resp.StatusCode, body)
	}
	if status, _ := get(t, anonymousWithJar(c), srv.URL+"/api/roadmap"); status != http.StatusUnauthorized {
		t.Errorf("API after signing out: %d, want 401", status)
	}
}

// anonymousWithJar is c without following redirects.
func anonymousWithJar(c *http.Client) *http.Client {
	return &http.Client{Jar: c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestSessionExpires(t *testing.T) {
	m := provider(t)
	clock := time.Now()
	cfg := configFor(m)
	cfg.SessionTTL = time.Hour
	cfg.Now = func() time.Time { return clock }
	srv, _ := board(t, cfg)
	c := browserish(t)
	m.QueueUser(alice())
	if status, body := get(t, c, srv.URL+"/"); status != http.StatusOK || !strings.Contains(body, "alice") {
		t.Fatalf("sign in: %d %s", status, body)
	}
	clock = clock.Add(2 * time.Hour)
	if status, _ := get(t, anonymousWithJar(c), srv.URL+"/api/roadmap"); status != http.StatusUnauthorized {
		t.Errorf("expired session: %d, want 401", status)
	}
}

func TestCookiesAreSecureOverHTTPS(t *testing.T) {
	a, err := New(Config{IssuerURL: "https://idp.example", ClientID: "board", ExternalURL: "https://roadmap.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if ck := a.cookie(SessionCookie, "v", "/", 60); !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v", ck)
	}
	if _, err := New(Config{IssuerURL: "https://idp.example", ClientID: "board", ExternalURL: "http://roadmap.example.com"}); err == nil {
		t.Error("plain http is refused for an external URL other than localhost")
	}
}

// Each bad input gets a page that says what went wrong, and no session.
func TestSignInFailures(t *testing.T) {
	t.Run("unreachable provider", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		gone := "http://" + l.Addr().String() + "/oidc"
		_ = l.Close()
		srv, _ := board(t, Config{IssuerURL: gone, ClientID: "board", GroupsClaim: "groups"})
		status, body := get(t, browserish(t), srv.URL+"/")
		if status != http.StatusBadGateway || !strings.Contains(body, "The identity provider cannot be used") ||
			!strings.Contains(body, gone) {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("wrong issuer", func(t *testing.T) {
		m := provider(t)
		target, _ := url.Parse(m.Addr())
		proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
		t.Cleanup(proxy.Close)
		cfg := configFor(m)
		cfg.IssuerURL = proxy.URL + "/oidc"
		srv, _ := board(t, cfg)
		status, body := get(t, browserish(t), srv.URL+"/")
		if status != http.StatusBadGateway || !strings.Contains(body, "did not match the issuer URL returned by provider") {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("token for another audience", func(t *testing.T) {
		// The provider takes the board for another client, and issues its tokens to that client.
		other := &mockoidc.MockOIDC{}
		m := provider(t, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { asClient(other, r); next.ServeHTTP(w, r) })
		})
		other.ClientID, other.ClientSecret = m.ClientID, m.ClientSecret
		cfg := configFor(m)
		cfg.ClientID, cfg.ClientSecret = "roadmap-board", "board-secret"
		srv, _ := board(t, cfg)
		m.QueueUser(alice())
		status, body := get(t, browserish(t), srv.URL+"/")
		if status != http.StatusUnauthorized || !strings.Contains(body, "refused") || !strings.Contains(body, "audience") {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("clock skew", func(t *testing.T) {
		m := provider(t)
		cfg := configFor(m)
		cfg.Now = func() time.Time { return time.Now().Add(time.Hour) }
		srv, _ := board(t, cfg)
		m.QueueUser(alice())
		status, body := get(t, browserish(t), srv.URL+"/")
		if status != http.StatusUnauthorized || !strings.Contains(body, "expired") || !strings.Contains(body, "clocks") {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("state not sent by this browser", func(t *testing.T) {
		m := provider(t)
		srv, _ := board(t, configFor(m))
		status, body := get(t, browserish(t), srv.URL+"/auth/callback?code=x&state=forged")
		if status != http.StatusBadRequest || !strings.Contains(body, "This sign-in cannot be completed") {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("nonce replaced", func(t *testing.T) {
		m := provider(t, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/authorize") {
					q := r.URL.Query()
					q.Set("nonce", "another")
					r.URL.RawQuery = q.Encode()
				}
				next.ServeHTTP(w, r)
			})
		})
		srv, _ := board(t, configFor(m))
		m.QueueUser(alice())
		status, body := get(t, browserish(t), srv.URL+"/")
		if status != http.StatusUnauthorized || !strings.Contains(body, "nonce") {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("user in no group", func(t *testing.T) {
		m := provider(t)
		srv, _ := board(t, configFor(m))
		m.QueueUser(&mockoidc.MockUser{Subject: "2", Email: "nobody@example.com", EmailVerified: true})
		status, body := get(t, browserish(t), srv.URL+"/")
		if status != http.StatusOK || body != "board for nobody@example.com (no groups)" {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("provider refuses", func(t *testing.T) {
		m := provider(t)
		srv, _ := board(t, configFor(m))
		status, body := get(t, browserish(t), srv.URL+"/auth/callback?error=access_denied&error_description=not+allowed")
		if status != http.StatusUnauthorized || !strings.Contains(body, "refused the sign-in") || !strings.Contains(body, "not allowed") {
			t.Errorf("%d %s", status, body)
		}
	})
}

// asClient makes the provider see a request of the board as a request of the other client: it then issues
// tokens whose audience is that client.
func asClient(other *mockoidc.MockOIDC, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/authorize"):
		q := r.URL.Query()
		q.Set("client_id", other.ClientID)
		r.URL.RawQuery = q.Encode()
	case strings.HasSuffix(r.URL.Path, "/token"):
		if err := r.ParseForm(); err == nil {
			for _, form := range []url.Values{r.Form, r.PostForm} {
				form.Set("client_id", other.ClientID)
				form.Set("client_secret", other.ClientSecret)
			}
		}
	}
}
