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

// Package auth signs users in to the board with OpenID Connect (Authorization Code with PKCE) against the
// organisation's identity provider, the way the apiserver's own OIDC authenticator reads the ID token (the
// flags are named after its flags: username and groups claims and prefixes), so the name and groups it finds
// are those RBAC bindings name. A signed-in user holds a session cookie signed with HMAC-SHA256; the board
// (internal/board) mounts Routes and wraps itself in Require.
package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-logr/logr"
	"golang.org/x/oauth2"

	"github.com/roadmap-operator/roadmap-operator/internal/board/access"
)

// Cookie names. The flow cookie lives for one sign-in, under /auth/ only.
const (
	SessionCookie = "roadmap_session"
	flowCookie    = "roadmap_signin"
	flowTTL       = 10 * time.Minute
)

// Config is how the board signs users in.
type Config struct {
	// IssuerURL, ClientID and ClientSecret are the OIDC client the identity provider registered for the board.
	IssuerURL    string
	ClientID     string
	ClientSecret string
	// UsernameClaim (default sub) and UsernamePrefix name the user as the apiserver does: with a claim other
	// than email, an empty prefix means the issuer URL and "#", and "-" means none.
	UsernameClaim  string
	UsernamePrefix string
	// GroupsClaim names the claim holding the groups (none when empty); GroupsPrefix is put before each.
	GroupsClaim  string
	GroupsPrefix string
	// ExternalURL is the board's address as browsers reach it; the provider redirects to ExternalURL/auth/callback.
	ExternalURL string
	// SessionKey signs the session cookies (at least 32 bytes); empty generates one, so sessions end when the
	// board restarts and are not shared between replicas.
	SessionKey []byte
	// SessionTTL is how long a session lasts (default 8 hours): groups are read at sign-in.
	SessionTTL time.Duration
	// Now is the clock (tests skew it); HTTPClient talks to the provider (default http.DefaultClient).
	Now        func() time.Time
	HTTPClient *http.Client
	Log        logr.Logger
}

// Authenticator serves the sign-in routes and checks sessions.
type Authenticator struct {
	cfg      Config
	external *url.URL
	secure   bool

	mu       sync.Mutex
	provider *oidc.Provider
}

// New checks the configuration; the provider is discovered on the first sign-in (and again until it answers),
// so a provider that is down when the board starts does not keep the board down.
func New(cfg Config) (*Authenticator, error) {
	if cfg.IssuerURL == "" || cfg.ClientID == "" {
		return nil, errors.New("signing in needs --oidc-issuer-url and --oidc-client-id")
	}
	if cfg.ExternalURL == "" {
		return nil, errors.New("signing in needs --external-url: the board's address as browsers reach it " +
			"(the identity provider redirects to it)")
	}
	u, err := url.Parse(cfg.ExternalURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--external-url %q is not an http(s) URL", cfg.ExternalURL)
	}
	loopback := IsLoopback(u.Hostname())
	if u.Scheme != "https" && !loopback {
		return nil, fmt.Errorf("--external-url %s: use https (session cookies are Secure); plain http is for "+
			"localhost only", cfg.ExternalURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/"
	if cfg.UsernameClaim == "" {
		cfg.UsernameClaim = "sub"
	}
	switch {
	case cfg.UsernamePrefix == "-":
		cfg.UsernamePrefix = ""
	case cfg.UsernamePrefix == "" && cfg.UsernameClaim != "email":
		cfg.UsernamePrefix = cfg.IssuerURL + "#"
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 8 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if len(cfg.SessionKey) == 0 {
		cfg.SessionKey = make([]byte, 32)
		if _, err := rand.Read(cfg.SessionKey); err != nil {
			return nil, fmt.Errorf("generating a session key: %w", err)
		}
	} else if len(cfg.SessionKey) < 32 {
		return nil, fmt.Errorf("the session key has %d bytes: use at least 32", len(cfg.SessionKey))
	}
	return &Authenticator{cfg: cfg, external: u, secure: u.Scheme == "https"}, nil
}

// discover returns the provider, asking its discovery document until it answers once.
func (a *Authenticator) discover(ctx context.Context) (*oidc.Provider, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.provider != nil {
		return a.provider, nil
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, a.cfg.HTTPClient), 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, a.cfg.IssuerURL)
	if err != nil {
		return nil, fmt.Errorf("the identity provider at %s cannot be used: %w", a.cfg.IssuerURL, err)
	}
	a.provider = p
	return p, nil
}

func (a *Authenticator) oauth2Config(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: a.cfg.ClientID, ClientSecret: a.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: a.external.String() + "auth/callback", Scopes: []string{oidc.ScopeOpenID, "profile", "email", "groups"}}
}

// Routes mounts /auth/login, /auth/callback, /auth/logout (POST) and /auth/me.
func (a *Authenticator) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /auth/login", a.login)
	mux.HandleFunc("GET /auth/callback", a.callback)
	mux.HandleFunc("POST /auth/logout", a.logout)
	mux.HandleFunc("GET /auth/me", func(w http.ResponseWriter, r *http.Request) {
		s, err := a.session(r)
		if err != nil {
			http.Error(w, "not signed in", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(map[string]any{"name": s.Name, "groups": s.Groups})
	})
}

// Require lets requests of signed-in users through, with the user in their context. A page request without a
// valid session (none, expired or tampered with) is sent to sign in; an API request is answered 401, and the
// page then signs in again.
func (a *Authenticator) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := a.session(r)
		if err != nil {
			if !errors.Is(err, http.ErrNoCookie) {
				a.cfg.Log.Info("Session refused, signing in again", "reason", err.Error())
				http.SetCookie(w, a.cookie(SessionCookie, "", "/", -1))
			}
			if strings.HasPrefix(r.URL.Path, "/api/") {
				w.Header().Set("Cache-Control", "no-store")
				http.Error(w, "sign in: no valid session", http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, a.external.Path+"auth/login", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(access.WithUser(r.Context(), access.User{Name: s.Name, Groups: s.Groups,
			Expires: time.Unix(s.Expires, 0)})))
	})
}

// flow is what the browser carries between the redirect to the provider and the callback.
type flow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Expires  int64  `json:"e"`
}

// session is a signed-in user. IDToken is the raw ID token of the sign-in, kept to name the session when
// signing out at the provider (id_token_hint); it is left out when the cookie would grow too large.
type session struct {
	Name    string   `json:"u"`
	Groups  []string `json:"g,omitempty"`
	Expires int64    `json:"e"`
	IDToken string   `json:"t,omitempty"`
}

// maxCookie bounds a session cookie's value: browsers keep cookies of up to 4096 bytes with name and attributes.
const maxCookie = 3800

func (a *Authenticator) login(w http.ResponseWriter, r *http.Request) {
	p, err := a.discover(r.Context())
	if err != nil {
		a.fail(w, http.StatusBadGateway, "The identity provider cannot be used", err)
		return
	}
	f := flow{State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(),
		Expires: a.cfg.Now().Add(flowTTL).Unix()}
	value, err := a.sign(f)
	if err != nil {
		a.fail(w, http.StatusInternalServerError, "Signing in failed", err)
		return
	}
	http.SetCookie(w, a.cookie(flowCookie, value, a.external.Path+"auth/", int(flowTTL.Seconds())))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, a.oauth2Config(p).AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)),
		http.StatusFound)
}

func (a *Authenticator) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		a.fail(w, http.StatusUnauthorized, "The identity provider refused the sign-in",
			fmt.Errorf("%s: %s", e, q.Get("error_description")))
		return
	}
	var f flow
	c, err := r.Cookie(flowCookie)
	if err == nil {
		err = a.verify(c.Value, &f)
	}
	if err == nil && a.cfg.Now().Unix() > f.Expires {
		err = errors.New("the sign-in took longer than 10 minutes")
	}
	if err == nil && subtle.ConstantTimeCompare([]byte(f.State), []byte(q.Get("state"))) != 1 {
		err = errors.New("the state returned by the identity provider is not the one this browser sent")
	}
	if err != nil {
		a.fail(w, http.StatusBadRequest, "This sign-in cannot be completed", fmt.Errorf("%w (start again)", err))
		return
	}
	http.SetCookie(w, a.cookie(flowCookie, "", a.external.Path+"auth/", -1))
	p, err := a.discover(r.Context())
	if err != nil {
		a.fail(w, http.StatusBadGateway, "The identity provider cannot be used", err)
		return
	}
	ctx := oidc.ClientContext(r.Context(), a.cfg.HTTPClient)
	tok, err := a.oauth2Config(p).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(f.Verifier))
	if err != nil {
		a.fail(w, http.StatusBadGateway, "The identity provider did not redeem the sign-in",
			fmt.Errorf("exchanging the code at %s: %w", a.cfg.IssuerURL, err))
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		a.fail(w, http.StatusBadGateway, "The identity provider sent no ID token", errors.New("no id_token in the token response"))
		return
	}
	idToken, err := p.Verifier(&oidc.Config{ClientID: a.cfg.ClientID, Now: a.cfg.Now}).Verify(ctx, raw)
	if err != nil {
		a.fail(w, http.StatusUnauthorized, "The identity provider's token was refused", fmt.Errorf("%w "+
			"(an expired or not-yet-valid token right after signing in means the clocks of the board and the "+
			"identity provider disagree)", err))
		return
	}
	if subtle.ConstantTimeCompare([]byte(idToken.Nonce), []byte(f.Nonce)) != 1 {
		a.fail(w, http.StatusUnauthorized, "The identity provider's token was refused",
			errors.New("its nonce is not the one this sign-in sent"))
		return
	}
	user, err := a.user(idToken)
	if err != nil {
		a.fail(w, http.StatusUnauthorized, "Your identity cannot be used", err)
		return
	}
	sess := session{Name: user.Name, Groups: user.Groups, Expires: a.cfg.Now().Add(a.cfg.SessionTTL).Unix(), IDToken: raw}
	value, err := a.sign(sess)
	if err == nil && len(value) > maxCookie {
		// Without the ID token signing out ends the provider's session with client_id alone, where the provider
		// allows that.
		sess.IDToken = ""
		value, err = a.sign(sess)
	}
	if err != nil {
		a.fail(w, http.StatusInternalServerError, "Signing in failed", err)
		return
	}
	if len(value) > maxCookie {
		a.fail(w, http.StatusUnauthorized, "Your identity cannot be used",
			fmt.Errorf("%s has %d groups, too many for a session cookie: set --oidc-groups-prefix or ask the "+
				"identity provider to send fewer", user.Name, len(user.Groups)))
		return
	}
	a.cfg.Log.Info("Signed in", "user", user.Name, "groups", user.Groups)
	http.SetCookie(w, a.cookie(SessionCookie, value, "/", int(a.cfg.SessionTTL.Seconds())))
	http.Redirect(w, r, a.external.Path, http.StatusSeeOther)
}

// user reads the name and groups from the ID token as the apiserver would.
func (a *Authenticator) user(idToken *oidc.IDToken) (access.User, error) {
	var claims map[string]any
	if err := idToken.Claims(&claims); err != nil {
		return access.User{}, fmt.Errorf("reading the token's claims: %w", err)
	}
	name, _ := claims[a.cfg.UsernameClaim].(string)
	if name == "" {
		return access.User{}, fmt.Errorf("the token has no %q claim to name you by (--oidc-username-claim)", a.cfg.UsernameClaim)
	}
	if a.cfg.UsernameClaim == "email" {
		if verified, ok := claims["email_verified"].(bool); ok && !verified {
			return access.User{}, fmt.Errorf("the identity provider has not verified the email %s", name)
		}
	}
	u := access.User{Name: a.cfg.UsernamePrefix + name}
	if a.cfg.GroupsClaim == "" {
		return u, nil
	}
	switch g := claims[a.cfg.GroupsClaim].(type) {
	case nil:
	case string:
		u.Groups = []string{a.cfg.GroupsPrefix + g}
	case []any:
		for _, v := range g {
			s, ok := v.(string)
			if !ok {
				return access.User{}, fmt.Errorf("the %q claim holds a %T, not a string", a.cfg.GroupsClaim, v)
			}
			u.Groups = append(u.Groups, a.cfg.GroupsPrefix+s)
		}
	default:
		return access.User{}, fmt.Errorf("the %q claim is a %T, not a list of strings", a.cfg.GroupsClaim, g)
	}
	return u, nil
}

// logout ends the session on the board and, where the provider offers it (an end_session_endpoint in its
// discovery document: OpenID Connect RP-Initiated Logout 1.0), at the provider too: the browser is sent there
// with the session's ID token as id_token_hint, the board's client_id, and the board's external URL as
// post_logout_redirect_uri (register it at the provider). A provider without the endpoint, or one that cannot
// be reached, leaves its own session open, and the page says so.
func (a *Authenticator) logout(w http.ResponseWriter, r *http.Request) {
	s, err := a.session(r)
	http.SetCookie(w, a.cookie(SessionCookie, "", "/", -1))
	if err != nil { // no session (or an expired one): nothing to end at the provider either
		page(w, http.StatusOK, "Signed out", "You are signed out of the roadmap board.", a.external.Path+"auth/login")
		return
	}
	endSession, err := a.endSessionURL(r.Context(), s)
	if err != nil {
		a.cfg.Log.Error(err, "Signed out on the board only", "user", s.Name)
		page(w, http.StatusOK, "Signed out", "You are signed out of the roadmap board. Your sign-in at the "+
			"identity provider may still be open: "+err.Error(), a.external.Path+"auth/login")
		return
	}
	a.cfg.Log.Info("Signed out; ending the session at the identity provider", "user", s.Name)
	// A page rather than a redirect: the board's Content-Security-Policy (form-action 'self') forbids the
	// sign-out form's response to redirect to another origin.
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = endSessionTemplate.Execute(w, map[string]string{"URL": endSession})
}

// endSessionURL is where the browser ends the session s at the provider, or an error saying why it cannot.
func (a *Authenticator) endSessionURL(ctx context.Context, s session) (string, error) {
	p, err := a.discover(ctx)
	if err != nil {
		return "", err
	}
	var metadata struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&metadata); err != nil {
		return "", fmt.Errorf("reading the discovery document of %s: %w", a.cfg.IssuerURL, err)
	}
	if metadata.EndSession == "" {
		return "", fmt.Errorf("%s does not offer to end its sessions (no end_session_endpoint)", a.cfg.IssuerURL)
	}
	u, err := url.Parse(metadata.EndSession)
	loopbackHTTP := u != nil && u.Scheme == "http" && IsLoopback(u.Hostname())
	if err != nil || (u.Scheme != "https" && !loopbackHTTP) {
		return "", fmt.Errorf("the end_session_endpoint of %s, %q, is not an https URL", a.cfg.IssuerURL, metadata.EndSession)
	}
	q := u.Query()
	if s.IDToken != "" {
		q.Set("id_token_hint", s.IDToken)
	}
	q.Set("client_id", a.cfg.ClientID)
	q.Set("post_logout_redirect_uri", a.external.String())
	u.RawQuery = q.Encode()
	return u.String(), nil
}

var endSessionTemplate = template.Must(template.New("end").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signing out · Roadmap board</title>
<meta http-equiv="refresh" content="0;url={{.URL}}"></head>
<body><h1>Signing out</h1><p id="message">You are signed out of the roadmap board; ending your sign-in at the
identity provider…</p><p><a id="end-session" href="{{.URL}}">Continue</a></p></body></html>
`))

// session returns the request's valid session.
func (a *Authenticator) session(r *http.Request) (session, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return session{}, err
	}
	var s session
	if err := a.verify(c.Value, &s); err != nil {
		return session{}, err
	}
	if a.cfg.Now().Unix() >= s.Expires { // ends at Expires, as the event streams of the session do
		return session{}, errors.New("the session expired")
	}
	return s, nil
}

func (a *Authenticator) cookie(name, value, path string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge, HttpOnly: true, Secure: a.secure,
		SameSite: http.SameSiteLaxMode}
}

// sign encodes v as base64url(JSON).base64url(HMAC-SHA256).
func (a *Authenticator) sign(v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encoding a cookie: %w", err)
	}
	payload := base64.RawURLEncoding.EncodeToString(data)
	return payload + "." + base64.RawURLEncoding.EncodeToString(a.mac(payload)), nil
}

// verify checks the signature of a signed value and decodes it into v.
func (a *Authenticator) verify(value string, v any) error {
	payload, sig, ok := strings.Cut(value, ".")
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err != nil || !hmac.Equal(got, a.mac(payload)) {
		return errors.New("the cookie's signature does not match")
	}
	data, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return fmt.Errorf("decoding the cookie: %w", err)
	}
	return json.Unmarshal(data, v)
}

func (a *Authenticator) mac(payload string) []byte {
	m := hmac.New(sha256.New, a.cfg.SessionKey)
	_, _ = m.Write([]byte(payload))
	return m.Sum(nil)
}

// fail logs err and answers a page that says what went wrong and offers to sign in again.
func (a *Authenticator) fail(w http.ResponseWriter, status int, title string, err error) {
	a.cfg.Log.Error(err, title)
	page(w, status, title, err.Error(), a.external.Path+"auth/login")
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · Roadmap board</title></head>
<body><h1>{{.Title}}</h1><p id="message">{{.Message}}</p><p><a id="signin" href="{{.Login}}">Sign in</a></p></body></html>
`))

func page(w http.ResponseWriter, status int, title, message, login string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, map[string]string{"Title": title, "Message": message, "Login": login})
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// IsLoopback reports whether host (no port) is localhost or a loopback address: the one place the board's
// server (its Host check and address) and sign-in (plain http only for such an --external-url) decide it.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
