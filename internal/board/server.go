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
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
)

// ContentSecurityPolicy of the served page: scripts, styles and connections from this server only; no inline
// script, no plugins, no framing, no form posts. The page never loads anything from elsewhere.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// VersionHeader carries the version of the model /api/roadmap returns; the event stream announces versions.
const VersionHeader = "X-Roadmap-Version"

// syncTimeout bounds the first listing of the informers.
const syncTimeout = 2 * time.Minute

// keepAlive is how often an idle event stream carries a comment, so proxies and the browser keep it open.
const keepAlive = 15 * time.Second

// Server watches the roadmap with one informer per kind and serves the board; every change is pushed to the
// open pages over Server-Sent Events. The event carries the model's version, and the page fetches the model: a
// browser parses a megabyte of JSON from a fetch in milliseconds, but takes the better part of a second to split
// the same megabyte into an event-stream message (measured in headless Chromium at a thousand initiatives).
type Server struct {
	cache cache.Cache
	scope roadmapview.Scope
	// limited is what the user cannot see, from the first listing (RBAC does not change while we run).
	limited string
	now     func() time.Time

	dirty chan struct{}

	mu      sync.Mutex
	snap    *roadmapview.Snapshot
	model   []byte
	version uint64
	subs    map[chan uint64]struct{}
	ready   chan struct{}
	err     error
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
	opts := cache.Options{Scheme: scheme.Scheme, DefaultTransform: slim}
	if scope.Namespace != "" {
		opts.ByObject = map[client.Object]cache.ByObject{
			&roadmapv1.Initiative{}: {Namespaces: map[string]cache.Config{scope.Namespace: {}}},
		}
	}
	c, err := cache.New(cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("creating the informers: %w", err)
	}
	return &Server{cache: c, scope: scope, limited: first.Limited, now: now, dirty: make(chan struct{}, 1),
		subs: map[chan uint64]struct{}{}, ready: make(chan struct{})}, nil
}

// slim drops what the board never reads before an object enters the informers' caches: managed fields and
// annotations (a GitOps-applied object carries its whole manifest again in kubectl's last-applied annotation).
// They are most of an object's size, and the board runs on the user's machine beside everything else.
func slim(obj any) (any, error) {
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
	for _, obj := range []client.Object{&roadmapv1.Capability{}, &roadmapv1.Goal{}, &roadmapv1.Initiative{}} {
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
	s.version++
	for ch := range s.subs {
		select { // latest wins: a page that has not heard of the previous version hears of this one instead
		case <-ch:
		default:
		}
		ch <- s.version
	}
}

// Model returns the current model as JSON, and its version.
func (s *Server) Model() ([]byte, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.model, s.version
}

func (s *Server) subscribe() chan uint64 {
	ch := make(chan uint64, 1)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	ch <- s.version
	s.mu.Unlock()
	return ch
}

func (s *Server) unsubscribe(ch chan uint64) {
	s.mu.Lock()
	delete(s.subs, ch)
	s.mu.Unlock()
}

// Handler serves the page, its assets, the model (/api/roadmap), the why chain of a node (/api/why?id=ID), its
// conditions and why chain (/api/detail?id=ID) and the event stream (/api/events). Every
// endpoint is read-only: anything but GET and HEAD is refused. loopbackOnly refuses requests whose Host is not a
// loopback name, so a web page elsewhere cannot read the board through DNS rebinding.
func (s *Server) Handler(ctx context.Context, loopbackOnly bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(indexHTML)
	})
	mux.HandleFunc("/app.js", asset("text/javascript; charset=utf-8", appJS))
	mux.HandleFunc("/app.css", asset("text/css; charset=utf-8", appCSS))
	mux.HandleFunc("/api/roadmap", func(w http.ResponseWriter, _ *http.Request) {
		data, version := s.Model()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set(VersionHeader, strconv.FormatUint(version, 10))
		_, _ = w.Write(data)
	})
	mux.HandleFunc("/api/why", s.ofSnapshot(func(snap *roadmapview.Snapshot, id string) any { return Why(snap, id) }))
	mux.HandleFunc("/api/detail", s.ofSnapshot(func(snap *roadmapview.Snapshot, id string) any { return DetailOf(snap, id) }))
	mux.HandleFunc("/api/events", func(w http.ResponseWriter, r *http.Request) { s.events(ctx, w, r) })
	return secure(mux, loopbackOnly)
}

// ofSnapshot serves what answer computes from the current snapshot for the node of the query's id, as JSON
// (null before the first snapshot).
func (s *Server) ofSnapshot(answer func(snap *roadmapview.Snapshot, id string) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		snap := s.snap
		s.mu.Unlock()
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

// secure sets the headers every response carries and refuses writes and foreign hosts.
func secure(next http.Handler, loopbackOnly bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "the board is read-only", http.StatusMethodNotAllowed)
			return
		}
		if loopbackOnly && !loopbackHost(r.Host) {
			http.Error(w, "the board answers to localhost only", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// events streams the versions of the model: the current one at once, then each new one, as "roadmap" events
// whose data is {"version":N}. A page that has not read one version hears only of the next.
func (s *Server) events(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	ch := s.subscribe()
	defer s.unsubscribe(ch)
	// The browser reconnects by itself after a drop; retry says how soon.
	if _, err := fmt.Fprint(w, "retry: 1000\n\n"); err != nil {
		return
	}
	flusher.Flush()
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.Context().Done():
			return
		case version := <-ch:
			if _, err := fmt.Fprintf(w, "event: roadmap\ndata: {\"version\":%d}\n\n", version); err != nil {
				return
			}
			flusher.Flush()
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}

// Serve serves the board on the listener until ctx is done, then closes the event streams and stops.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	loopback := false
	if addr, ok := l.Addr().(*net.TCPAddr); ok {
		loopback = addr.IP.IsLoopback()
	}
	srv := &http.Server{Handler: s.Handler(ctx, loopback), ReadHeaderTimeout: 10 * time.Second}
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
