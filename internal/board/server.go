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
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/board/access"
	"github.com/roadmap-operator/roadmap-operator/internal/board/auth"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// ContentSecurityPolicy of the served page: scripts, styles and connections from this server only; no inline
// script, no plugins, no framing, forms (sign out) to this server only. The page never loads anything from
// elsewhere.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// VersionHeader carries the version of the model /api/roadmap returns; the event stream announces versions.
const VersionHeader = "X-Roadmap-Version"

// syncTimeout bounds the first listing of the informers.
const syncTimeout = 2 * time.Minute

// keepAlive is how often an idle event stream carries a comment, so proxies and the browser keep it open.
const keepAlive = 15 * time.Second

// Limits bound what one client may hold of the server: a board on a network must not be starved by a few
// connections that open and never finish a request, never read a response, or never close.
type Limits struct {
	// ReadHeaderTimeout and ReadTimeout bound reading a request's headers, and the whole request.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	// WriteTimeout bounds writing one response; an event stream gets it afresh for each message it writes.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection that sends no further request.
	IdleTimeout time.Duration
	// MaxHeaderBytes and MaxBodyBytes bound a request's headers and body (the board reads no body: any larger
	// one is refused with 413).
	MaxHeaderBytes int
	MaxBodyBytes   int64
	// MaxEventStreams caps the open event streams; one more is answered 503 until another closes.
	MaxEventStreams int
}

// DefaultLimits are generous for people and pages, and small for anyone trying to hold the server.
func DefaultLimits() Limits {
	return Limits{ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10, MaxBodyBytes: 64 << 10, MaxEventStreams: 500}
}

// ServeOptions say who the server answers to and within what limits.
type ServeOptions struct {
	// AllowedHosts are the host names (no port) requests may name in their Host header, besides localhost and
	// loopback addresses, which are always allowed. "*.example.com" allows every subdomain of example.com.
	// Every other Host is refused, on every address: a web page elsewhere cannot read the board through DNS
	// rebinding, which points a name the attacker controls at the board's address.
	AllowedHosts []string
	Limits       Limits
	// SignIn, when set, signs users in before they see anything but the sign-in pages and Public, and Reviewer
	// then limits what each sees to what RBAC lets them list. Without them, everyone who reaches the board sees
	// what the board's own credentials can read: the local board, or an explicit --public wall screen.
	SignIn   SignIn
	Reviewer *access.Reviewer
	// Public are routes served without sign-in that carry their own authentication (e.g. a catalog export read
	// with a bearer token), by path pattern. They keep the host check, the read-only rule and the limits.
	Public map[string]http.Handler
	// Log receives what a page cannot say (failed access reviews).
	Log logr.Logger
}

// SignIn signs users in (internal/board/auth): its routes live under /auth/, and Require lets only signed-in
// users through, with their identity in the request's context (access.WithUser).
type SignIn interface {
	Routes(mux *http.ServeMux)
	Require(next http.Handler) http.Handler
}

// Server watches the roadmap with one informer per kind and serves the board; every change is pushed to the
// open pages over Server-Sent Events. The event carries the model's version, and the page fetches the model: a
// browser parses a megabyte of JSON from a fetch in milliseconds, but takes the better part of a second to split
// the same megabyte into an event-stream message (measured in headless Chromium at a thousand initiatives).
type Server struct {
	cache cache.Cache
	scope roadmapview.Scope
	// untraced reads the untraced report's namespaces and workloads (metadata only) through the informers of
	// the kinds the board may watch.
	untraced untracedReader
	// limited is what the user cannot see, from the first listing (RBAC does not change while we run).
	limited string
	now     func() time.Time

	dirty chan struct{}

	mu      sync.Mutex
	snap    *roadmapview.Snapshot
	model   []byte
	version uint64
	subs    map[chan uint64]access.Rights
	ready   chan struct{}
	// namespaces are those of the snapshot's initiatives, which the reviewer asks about; views are the models
	// of what users with limited rights see, by access.Rights.Key.
	namespaces []string
	views      map[string]*view
	err        error
}

// New checks what the user may read (falling back to the namespace of scope.Fallback when initiatives of all
// namespaces are forbidden, as the plugin does) and prepares the informers; Start runs them.
func New(ctx context.Context, cfg *rest.Config, scope roadmapview.Scope, now func() time.Time) (*Server, error) {
	direct, err := roadmapview.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	first, err := roadmapview.Load(ctx, direct, scope)
	if err != nil {
		return nil, err
	}
	scope = roadmapview.Scope{Namespace: first.Namespace}
	watched, err := watchableKinds(ctx, cfg, direct.RESTMapper(), scope.Namespace)
	if err != nil {
		return nil, err
	}
	opts := cache.Options{Scheme: scheme.Scheme, DefaultTransform: slim}
	if scope.Namespace != "" {
		only := map[string]cache.Config{scope.Namespace: {}}
		opts.ByObject = map[client.Object]cache.ByObject{&roadmapv1.Initiative{}: {Namespaces: only}}
		for _, gvk := range workloads.DefaultKinds {
			opts.ByObject[workloads.Metadata(gvk)] = cache.ByObject{Namespaces: only}
		}
	}
	c, err := cache.New(cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("creating the informers: %w", err)
	}
	return &Server{cache: c, scope: scope, limited: first.Limited, now: now, dirty: make(chan struct{}, 1),
		untraced: untracedReader{cache: c, direct: direct, watched: watched},
		subs:     map[chan uint64]access.Rights{}, ready: make(chan struct{})}, nil
}

// slim drops what the board never reads before an object enters the informers' caches: managed fields and
// annotations (a GitOps-applied object carries its whole manifest again in kubectl's last-applied annotation).
// They are most of an object's size, and the board runs on the user's machine beside everything else.
func slim(obj any) (any, error) {
	if o, ok := obj.(*metav1.PartialObjectMetadata); ok { // namespaces and workloads: their roadmap.dev/ metadata
		workloads.StripMetadata(o)
		return o, nil
	}
	if o, ok := obj.(metav1.Object); ok {
		o.SetManagedFields(nil)
		o.SetAnnotations(nil)
	}
	return obj, nil
}

// Start runs the informers and rebuilds the model on every change until ctx is done. It returns once the
// informers have synced and the first model is built.
func (s *Server) Start(ctx context.Context) error {
	handler := toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { s.changed() },
		UpdateFunc: func(any, any) { s.changed() },
		DeleteFunc: func(any) { s.changed() },
	}
	watch := []client.Object{&roadmapv1.Capability{}, &roadmapv1.Goal{}, &roadmapv1.Initiative{}}
	for _, gvk := range untracedKinds() {
		if s.untraced.watched[gvk] {
			watch = append(watch, workloads.Metadata(gvk))
		}
	}
	for _, obj := range watch {
		inf, err := s.cache.GetInformer(ctx, obj)
		if err != nil {
			return fmt.Errorf("watching %T: %w", obj, err)
		}
		if _, err := inf.AddEventHandler(handler); err != nil {
			return fmt.Errorf("watching %T: %w", obj, err)
		}
	}
	go func() { _ = s.cache.Start(ctx) }()
	// A watch RBAC forbids retries forever rather than failing: bound the wait, and say what to check.
	syncCtx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	if !s.cache.WaitForCacheSync(syncCtx) {
		return fmt.Errorf("could not list and watch capabilities, goals and initiatives within %v "+
			"(check with: kubectl auth can-i watch initiatives.roadmap.dev): %w", syncTimeout, context.Cause(syncCtx))
	}
	if err := s.rebuild(ctx); err != nil {
		return err
	}
	go s.loop(ctx)
	return nil
}

// changed marks the model stale; changes that arrive while it is rebuilt fold into one more rebuild.
func (s *Server) changed() {
	select {
	case s.dirty <- struct{}{}:
	default:
	}
}

func (s *Server) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.dirty:
			_ = s.rebuild(ctx)
		}
	}
}

// rebuild reads the roadmap from the informers' caches, builds the model and pushes it to every open page.
func (s *Server) rebuild(ctx context.Context) error {
	// The snapshot shares the cached objects rather than copying all of them on every change: informers replace
	// an object on update and never modify it, and nothing that reads a snapshot writes to it.
	snap, err := roadmapview.Load(ctx, s.cache, s.scope, client.UnsafeDisableDeepCopy)
	if err != nil {
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
		return err
	}
	snap.Limited = s.limited
	// The work no initiative explains, in the namespaces that opt in; what the board may not watch is noted.
	if err := snap.LoadUntraced(ctx, s.untraced, s.scope.Namespace); err != nil {
		snap.UntracedNote = "the untraced work could not be read: " + err.Error()
	}
	data, err := json.Marshal(Build(snap, s.now()))
	if err != nil {
		return fmt.Errorf("encoding the model: %w", err)
	}
	s.publish(snap, data)
	return nil
}

// publish makes data the current model, of a new version, and tells every open page.
func (s *Server) publish(snap *roadmapview.Snapshot, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snap, s.model, s.err = snap, data, nil
	s.namespaces = namespacesOf(snap)
	s.version++
	for ch, rights := range s.subs {
		version := s.version
		if !rights.Complete() {
			// A page of limited rights hears only of changes to what it shows: a change elsewhere is not its
			// business, not even that it happened.
			v := s.viewLocked(rights)
			if v.version != s.version {
				continue
			}
			version = v.version
		}
		select { // latest wins: a page that has not heard of the previous version hears of this one instead
		case <-ch:
		default:
		}
		ch <- version
	}
	s.pruneViewsLocked()
}

// Snapshot returns the current snapshot, unfiltered (nil before the first); callers must not modify it.
func (s *Server) Snapshot() *roadmapview.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap
}

// Model returns the current model as JSON, and its version.
func (s *Server) Model() ([]byte, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.model, s.version
}

// subscribe opens an event stream for a page of the rights, unless limit are open already (limit <= 0: no cap).
func (s *Server) subscribe(rights access.Rights, limit int) (chan uint64, bool) {
	ch := make(chan uint64, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if limit > 0 && len(s.subs) >= limit {
		return nil, false
	}
	s.subs[ch] = rights
	version := s.version
	if !rights.Complete() && s.snap != nil {
		version = s.viewLocked(rights).version
	}
	ch <- version
	return ch, true
}

func (s *Server) unsubscribe(ch chan uint64) {
	s.mu.Lock()
	delete(s.subs, ch)
	s.mu.Unlock()
}

// Handler serves the page, its assets, the model (/api/roadmap), the why chain of a node (/api/why?id=ID), its
// conditions and why chain (/api/detail?id=ID) and the event stream (/api/events). Every
// endpoint is read-only: anything but GET and HEAD is refused, and so is a Host that is neither loopback nor one
// of o.AllowedHosts.
func (s *Server) Handler(ctx context.Context, o ServeOptions) http.Handler {
	board := s.boardHandler(ctx, o)
	mux := http.NewServeMux()
	if o.SignIn != nil {
		o.SignIn.Routes(mux)
		board = o.SignIn.Require(board)
	} else {
		// No one signs in: the page asks who did, and hears that no one did (not a failed request).
		mux.HandleFunc("/auth/me", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	}
	mux.Handle("/", board)
	for pattern, h := range o.Public {
		mux.Handle(pattern, h)
	}
	return secure(limit(mux, o.Limits), hostAllowed(o.AllowedHosts), s.probes())
}

// probes answer the kubelet, whose Host header is the pod's address: they say only whether the board is up
// (healthz) and has its first model (readyz).
func (s *Server) probes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if data, _ := s.Model(); data == nil {
			http.Error(w, "the first listing of the roadmap is not done", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok")
	})
	return mux
}

// boardHandler serves the page, its assets and the API, each answer limited to what the request's user may see.
func (s *Server) boardHandler(ctx context.Context, o ServeOptions) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(indexHTML)
	})
	mux.HandleFunc("/app.js", asset("text/javascript; charset=utf-8", appJS))
	mux.HandleFunc("/app.css", asset("text/css; charset=utf-8", appCSS))
	mux.HandleFunc("/api/roadmap", func(w http.ResponseWriter, r *http.Request) {
		rights, ok := s.rights(w, r, o)
		if !ok {
			return
		}
		data, version := s.modelFor(rights)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set(VersionHeader, strconv.FormatUint(version, 10))
		_, _ = w.Write(data)
	})
	mux.HandleFunc("/api/why", s.ofSnapshot(o, func(snap *roadmapview.Snapshot, id string) any { return Why(snap, id) }))
	mux.HandleFunc("/api/detail", s.ofSnapshot(o, func(snap *roadmapview.Snapshot, id string) any { return DetailOf(snap, id) }))
	mux.HandleFunc("/api/events", func(w http.ResponseWriter, r *http.Request) {
		if rights, ok := s.rights(w, r, o); ok {
			s.events(ctx, w, r, rights, o)
		}
	})
	return mux
}

// ofSnapshot serves what answer computes from the current snapshot for the node of the query's id, as JSON
// (null before the first snapshot).
func (s *Server) ofSnapshot(o ServeOptions, answer func(snap *roadmapview.Snapshot, id string) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rights, ok := s.rights(w, r, o)
		if !ok {
			return
		}
		snap := s.snapshotFor(rights)
		var res any
		if snap != nil {
			res = answer(snap, r.URL.Query().Get("id"))
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(res)
	}
}

func asset(contentType string, data []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(data)
	}
}

// secure sets the headers every response carries and refuses writes and foreign hosts (but for the probes).
func secure(next http.Handler, allowed func(host string) bool, probes http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		signOut := r.Method == http.MethodPost && r.URL.Path == "/auth/logout"
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !signOut {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "the board is read-only", http.StatusMethodNotAllowed)
			return
		}
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			probes.ServeHTTP(w, r)
			return
		}
		if !allowed(r.Host) {
			http.Error(w, "the board does not answer to this host name: start it with --allowed-hosts naming it",
				http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limit gives every response its write deadline and refuses request bodies over the limit.
func limit(next http.Handler, l Limits) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.WriteTimeout > 0 {
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(l.WriteTimeout))
		}
		if l.MaxBodyBytes > 0 {
			if r.ContentLength > l.MaxBodyBytes {
				w.Header().Set("Connection", "close")
				http.Error(w, fmt.Sprintf("request body too large (the limit is %d bytes)", l.MaxBodyBytes),
					http.StatusRequestEntityTooLarge)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, l.MaxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// hostAllowed returns whether a Host header names localhost, a loopback address or one of the allowed hosts.
func hostAllowed(allowedHosts []string) func(hostport string) bool {
	return func(hostport string) bool {
		host := hostOnly(hostport)
		if auth.IsLoopback(host) {
			return true
		}
		for _, a := range allowedHosts {
			a = strings.ToLower(strings.TrimSuffix(a, "."))
			if a == host || (strings.HasPrefix(a, "*.") && strings.HasSuffix(host, a[1:])) {
				return true
			}
		}
		return false
	}
}

// hostOnly is the host of a Host header, lower case, without port, brackets or a final dot.
func hostOnly(hostport string) string {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
}

// events streams the versions of the model: the current one at once, then each new one, as "roadmap" events
// whose data is {"version":N}. A page that has not read one version hears only of the next.
// A stream beyond l.MaxEventStreams is answered 503; each message gets l.WriteTimeout to reach the client.
//
// A signed-in user's stream follows their rights while it is open: it asks the reviewer again on every
// announcement and whenever the user's answers expire (from its cache, so the stream costs no reviews the
// user's page requests would not), and ends when what they may see changed, when the answer cannot be had, and
// when their session ends. The page reconnects by itself: a user whose rights changed gets the stream and the
// model of their new rights (a fetch of the model is filtered by the rights of that moment anyway); one whose
// session ended is sent to sign in.
func (s *Server) events(ctx context.Context, w http.ResponseWriter, r *http.Request, rights access.Rights, o ServeOptions) {
	l := o.Limits
	follow, stop := s.follower(r, rights, o)
	defer stop()
	ch, ok := s.subscribe(rights, l.MaxEventStreams)
	if !ok {
		w.Header().Set("Retry-After", "30")
		http.Error(w, fmt.Sprintf("the board has %d open event streams, its limit: close other board pages, "+
			"or raise --max-event-streams", l.MaxEventStreams), http.StatusServiceUnavailable)
		return
	}
	defer s.unsubscribe(ch)
	rc := http.NewResponseController(w)
	// The request is read: the stream lives longer than ReadTimeout, which would otherwise end it.
	_ = rc.SetReadDeadline(time.Time{})
	send := func(msg string) bool {
		if l.WriteTimeout > 0 {
			_ = rc.SetWriteDeadline(time.Now().Add(l.WriteTimeout))
		}
		if _, err := io.WriteString(w, msg); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	// The browser reconnects by itself after a drop; retry says how soon.
	if !send("retry: 1000\n\n") {
		return
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.Context().Done():
			return
		case <-follow.expired:
			o.Log.V(1).Info("Event stream ends with the session", "user", follow.user.Name)
			return
		case <-follow.recheck:
			if !follow.still(r.Context()) {
				return
			}
		case version := <-ch:
			if !follow.still(r.Context()) {
				return
			}
			if !send(fmt.Sprintf("event: roadmap\ndata: {\"version\":%d}\n\n", version)) {
				return
			}
		case <-tick.C:
			if !send(": keep-alive\n\n") {
				return
			}
		}
	}
}

// streamFollower keeps an open event stream to its user's rights and session. Without sign-in its channels are
// nil and it always goes on.
type streamFollower struct {
	s        *Server
	reviewer *access.Reviewer
	user     access.User
	rights   access.Rights
	log      logr.Logger
	// recheck fires when the user's answers expire, expired when their session does.
	recheck <-chan time.Time
	expired <-chan time.Time
	timer   *time.Timer
}

// follower returns the follower of a stream opened with rights, and a function releasing its timers.
func (s *Server) follower(r *http.Request, rights access.Rights, o ServeOptions) (*streamFollower, func()) {
	f := &streamFollower{s: s, reviewer: o.Reviewer, rights: rights, log: o.Log}
	user, ok := access.UserFrom(r.Context())
	if o.Reviewer == nil || !ok {
		return f, func() {}
	}
	f.user = user
	var stops []func() bool
	if !user.Expires.IsZero() {
		t := time.NewTimer(time.Until(user.Expires))
		f.expired, stops = t.C, append(stops, t.Stop)
	}
	f.timer = time.NewTimer(o.Reviewer.TTL())
	f.recheck, stops = f.timer.C, append(stops, f.timer.Stop)
	// The first answer was just had: wait for it to expire.
	_ = f.still(r.Context())
	return f, func() {
		for _, stop := range stops {
			stop()
		}
	}
}

// still reports whether the stream may go on: the user's rights are what the stream was opened with. It asks
// the reviewer, whose cache answers until the user's answers expire, and sets the recheck for then.
func (f *streamFollower) still(ctx context.Context) bool {
	if f.reviewer == nil {
		return true
	}
	rights, until, err := f.reviewer.RightsUntil(ctx, f.user, f.s.reviewedNamespaces())
	if err != nil && ctx.Err() != nil {
		return false // the page left
	}
	if err != nil {
		f.log.Error(err, "Cannot check what a user may see; ending their event stream", "user", f.user.Name)
		return false
	}
	if rights.Key() != f.rights.Key() {
		f.log.V(1).Info("What a user may see changed; ending their event stream so the page follows the new rights",
			"user", f.user.Name, "before", f.rights.Key(), "now", rights.Key())
		return false
	}
	// Just after the answer expires, so the next question asks the apiserver rather than the cache.
	f.timer.Reset(max(time.Until(until), 0) + 10*time.Millisecond)
	return true
}

// reviewedNamespaces are the namespaces the current snapshot shows something of, which the reviewer asks about.
func (s *Server) reviewedNamespaces() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.namespaces
}

// Serve serves the board on the listener until ctx is done, then closes the event streams and stops.
func (s *Server) Serve(ctx context.Context, l net.Listener, o ServeOptions) error {
	return serveHTTP(ctx, l, s.Handler(ctx, o), o.Limits)
}

// serveHTTP serves handler on the listener within the limits until ctx is done.
func serveHTTP(ctx context.Context, l net.Listener, handler http.Handler, lim Limits) error {
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: lim.ReadHeaderTimeout, ReadTimeout: lim.ReadTimeout,
		IdleTimeout: lim.IdleTimeout, MaxHeaderBytes: lim.MaxHeaderBytes}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("stopping the board: %w", err)
	}
	return nil
}
