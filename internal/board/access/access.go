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

// Package access decides what a signed-in user of the board may see, the way kubectl would decide it: one
// SubjectAccessReview per question (list initiatives in a namespace, list capabilities, list goals), asked of the
// apiserver for the user and their groups, and remembered for a short time so that a page open all day costs a
// bounded number of reviews. The board filters its model, its detail endpoint and its event stream by the
// answer (internal/board).
package access

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	authorizationclient "k8s.io/client-go/kubernetes/typed/authorization/v1"
	"k8s.io/client-go/rest"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// User is who signed in: the name and groups the apiserver would see for them (prefixes applied), and when
// their session ends (zero: never). A long-lived answer to the user, an event stream, ends with the session.
type User struct {
	Name    string
	Groups  []string
	Expires time.Time
}

// String names the user and their groups, for pages and logs.
func (u User) String() string {
	if len(u.Groups) == 0 {
		return u.Name + " (no groups)"
	}
	return u.Name + " (groups " + strings.Join(u.Groups, ", ") + ")"
}

type userKey struct{}

// WithUser returns ctx carrying the signed-in user.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the signed-in user of ctx, if any.
func UserFrom(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey{}).(User)
	return u, ok
}

// Rights is what a user may list.
type Rights struct {
	// AllNamespaces: initiatives of every namespace. Otherwise Namespaces says, for each namespace asked about,
	// whether its initiatives may be listed.
	AllNamespaces bool
	Namespaces    map[string]bool
	Capabilities  bool
	Goals         bool
}

// Everything is the rights of the board's own credentials, when no one signs in (--public, or the local board).
var Everything = Rights{AllNamespaces: true, Capabilities: true, Goals: true}

// Initiatives reports whether the initiatives of namespace may be listed.
func (r Rights) Initiatives(namespace string) bool { return r.AllNamespaces || r.Namespaces[namespace] }

// Complete reports whether nothing is hidden.
func (r Rights) Complete() bool { return r.AllNamespaces && r.Capabilities && r.Goals }

// Key is the same for two Rights that show the same objects; the board shares one model between them.
func (r Rights) Key() string {
	var b strings.Builder
	fmt.Fprintf(&b, "c=%t,g=%t,", r.Capabilities, r.Goals)
	if r.AllNamespaces {
		b.WriteString("*")
		return b.String()
	}
	allowed := make([]string, 0, len(r.Namespaces))
	for ns, ok := range r.Namespaces {
		if ok {
			allowed = append(allowed, ns)
		}
	}
	sort.Strings(allowed)
	b.WriteString(strings.Join(allowed, ","))
	return b.String()
}

// Allowed returns the namespaces whose initiatives may be listed, sorted (nil with AllNamespaces).
func (r Rights) Allowed() []string {
	var out []string
	for ns, ok := range r.Namespaces {
		if ok {
			out = append(out, ns)
		}
	}
	sort.Strings(out)
	return out
}

// Reviewer asks the apiserver what users may list, and remembers each answer for TTL.
type Reviewer struct {
	reviews authorizationclient.SubjectAccessReviewInterface
	ttl     time.Duration
	now     func() time.Time
	// count is every review asked, for the scale test's report.
	count atomic.Int64

	mu      sync.Mutex
	entries map[string]*entry
}

// entry is one user's answers; its lock makes concurrent requests of a user wait for one set of reviews.
type entry struct {
	mu        sync.Mutex
	expires   time.Time
	fetched   bool
	rights    Rights
	namespace map[string]bool
}

// allAuthenticated is the group the apiserver gives every authenticated user.
const allAuthenticated = "system:authenticated"

// DefaultTTL is how long an answer is remembered: a revoked RoleBinding shows on the board within it.
const DefaultTTL = 30 * time.Second

// NewReviewer returns a Reviewer asking with cfg's credentials, which need `create subjectaccessreviews`.
func NewReviewer(cfg *rest.Config, ttl time.Duration, now func() time.Time) (*Reviewer, error) {
	c, err := authorizationclient.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating a client for subject access reviews: %w", err)
	}
	return &Reviewer{reviews: c.SubjectAccessReviews(), ttl: ttl, now: now, entries: map[string]*entry{}}, nil
}

// Reviews is how many SubjectAccessReviews were asked so far.
func (r *Reviewer) Reviews() int64 { return r.count.Load() }

// TTL is how long an answer is remembered.
func (r *Reviewer) TTL() time.Duration { return r.ttl }

// Rights returns what u may list: capabilities, goals, and the initiatives of all namespaces or of which of
// namespaces. Answers younger than the TTL are reused; a namespace not asked about yet is asked now.
func (r *Reviewer) Rights(ctx context.Context, u User, namespaces []string) (Rights, error) {
	rights, _, err := r.RightsUntil(ctx, u, namespaces)
	return rights, err
}

// RightsUntil is Rights, and when the answer expires: asked again after that, it asks the apiserver anew. An
// open event stream re-checks then, so a revoked binding reaches it within the TTL, at no more reviews than
// the user's page requests cost anyway.
func (r *Reviewer) RightsUntil(ctx context.Context, u User, namespaces []string) (Rights, time.Time, error) {
	key := u.Name + "\x00" + strings.Join(u.Groups, "\x00")
	now := r.now()
	r.mu.Lock()
	e := r.entries[key]
	if e == nil {
		e = &entry{}
		r.entries[key] = e
		r.pruneLocked(now)
	}
	r.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.fetched || now.After(e.expires) {
		fresh := entry{expires: now.Add(r.ttl), fetched: true, namespace: map[string]bool{}}
		var err error
		if fresh.rights.AllNamespaces, err = r.allowed(ctx, u, "initiatives", ""); err != nil {
			return Rights{}, time.Time{}, err
		}
		if fresh.rights.Capabilities, err = r.allowed(ctx, u, "capabilities", ""); err != nil {
			return Rights{}, time.Time{}, err
		}
		if fresh.rights.Goals, err = r.allowed(ctx, u, "goals", ""); err != nil {
			return Rights{}, time.Time{}, err
		}
		e.expires, e.fetched, e.rights, e.namespace = fresh.expires, true, fresh.rights, fresh.namespace
	}
	out, expires := e.rights, e.expires
	if out.AllNamespaces {
		return out, expires, nil
	}
	out.Namespaces = make(map[string]bool, len(namespaces))
	for _, ns := range namespaces {
		ok, seen := e.namespace[ns]
		if !seen {
			var err error
			if ok, err = r.allowed(ctx, u, "initiatives", ns); err != nil {
				return Rights{}, time.Time{}, err
			}
			e.namespace[ns] = ok
		}
		out.Namespaces[ns] = ok
	}
	return out, expires, nil
}

// pruneLocked forgets users whose answers expired, so the cache holds only users seen within the TTL.
func (r *Reviewer) pruneLocked(now time.Time) {
	for k, e := range r.entries {
		if e.mu.TryLock() {
			if e.fetched && now.After(e.expires) {
				delete(r.entries, k)
			}
			e.mu.Unlock()
		}
	}
}

// allowed asks whether u may list resource of roadmap.dev in namespace ("" for all namespaces, or the
// cluster-scoped kinds).
func (r *Reviewer) allowed(ctx context.Context, u User, resource, namespace string) (bool, error) {
	r.count.Add(1)
	// The apiserver adds system:authenticated to every authenticated user: bindings to it (roadmap-viewer for
	// everyone, docs/security.md) apply to signed-in users of the board too.
	groups := append(append([]string(nil), u.Groups...), allAuthenticated)
	res, err := r.reviews.Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User: u.Name, Groups: groups,
		ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "list", Group: roadmapv1.GroupVersion.Group,
			Resource: resource, Namespace: namespace},
	}}, metav1.CreateOptions{})
	if err != nil {
		return false, fmt.Errorf("asking the apiserver whether %s may list %s: %w", u.Name, resource, err)
	}
	return res.Status.Allowed, nil
}
