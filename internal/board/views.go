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
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"sort"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/board/access"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// view is what users of the same limited rights see of the current snapshot. Its version is the version of the
// snapshot at which what it shows last changed, so its pages hear of their own changes only.
type view struct {
	snap        *roadmapview.Snapshot
	digest      uint64
	version     uint64
	snapVersion uint64
	// model is built when a page first asks for it.
	model []byte
}

// viewLocked returns the view of rights at the current snapshot; s.mu is held.
func (s *Server) viewLocked(rights access.Rights) *view {
	key := rights.Key()
	v := s.views[key]
	if v != nil && v.snapVersion == s.version {
		return v
	}
	snap := filterSnapshot(s.snap, rights)
	d := digest(snap)
	if v == nil || v.digest != d {
		v = &view{digest: d, version: s.version}
		if s.views == nil {
			s.views = map[string]*view{}
		}
		s.views[key] = v
	}
	v.snap, v.snapVersion = snap, s.version
	return v
}

// pruneViewsLocked drops the views no open page follows and no page asked for since the last change.
func (s *Server) pruneViewsLocked() {
	for key, v := range s.views {
		if v.snapVersion != s.version {
			delete(s.views, key)
		}
	}
}

// modelFor returns the model of what rights may see as JSON, and its version.
func (s *Server) modelFor(rights access.Rights) ([]byte, uint64) {
	if rights.Complete() {
		return s.Model()
	}
	s.mu.Lock()
	if s.snap == nil {
		s.mu.Unlock()
		return nil, 0
	}
	v := s.viewLocked(rights)
	data, version, snap := v.model, v.version, v.snap
	s.mu.Unlock()
	if data != nil {
		return data, version
	}
	// Built outside the lock: pages of other rights do not wait for this one.
	data, err := json.Marshal(Build(snap, s.now()))
	if err != nil {
		return nil, version
	}
	s.mu.Lock()
	if v.model == nil {
		v.model = data
	}
	s.mu.Unlock()
	return data, version
}

// snapshotFor returns the current snapshot as rights may see it, or nil before the first one.
func (s *Server) snapshotFor(rights access.Rights) *roadmapview.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.snap == nil || rights.Complete() {
		return s.snap
	}
	return s.viewLocked(rights).snap
}

// rights returns what the request's user may see: everything without a reviewer; otherwise what RBAC lets the
// signed-in user list. When it cannot tell, it answers the request with an error and returns false: a board
// that cannot check shows nothing rather than too much.
func (s *Server) rights(w http.ResponseWriter, r *http.Request, o ServeOptions) (access.Rights, bool) {
	reviewer := o.Reviewer
	if reviewer == nil {
		return access.Everything, true
	}
	user, ok := access.UserFrom(r.Context())
	if !ok {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return access.Rights{}, false
	}
	rights, err := reviewer.Rights(r.Context(), user, s.reviewedNamespaces())
	if err != nil {
		o.Log.Error(err, "Cannot check what a user may see", "user", user.Name)
		w.Header().Set("Retry-After", "10")
		http.Error(w, "the board cannot check what you may see right now (the apiserver did not answer its access "+
			"review); try again shortly", http.StatusServiceUnavailable)
		return access.Rights{}, false
	}
	return rights, true
}

// namespacesOf returns the namespaces the snapshot shows something of, initiatives or untraced work, sorted:
// those the reviewer asks about.
func namespacesOf(snap *roadmapview.Snapshot) []string {
	seen := map[string]bool{}
	var out []string
	add := func(ns string) {
		if !seen[ns] {
			seen[ns] = true
			out = append(out, ns)
		}
	}
	for i := range snap.Initiatives {
		add(snap.Initiatives[i].Namespace)
	}
	for _, r := range snap.Untraced {
		add(r.Namespace)
	}
	sort.Strings(out)
	return out
}

// filterSnapshot returns what rights may list of snap, and says in Limited what is hidden. The lists are
// copied: indexing sorts them, and snap is read concurrently.
func filterSnapshot(snap *roadmapview.Snapshot, rights access.Rights) *roadmapview.Snapshot {
	out := &roadmapview.Snapshot{Namespace: snap.Namespace, Limited: limitedBy(rights), CapabilitiesHidden: !rights.Capabilities,
		GoalsHidden: !rights.Goals}
	if !rights.AllNamespaces {
		out.VisibleNamespaces = map[string]bool{}
		for _, ns := range rights.Allowed() {
			out.VisibleNamespaces[ns] = true
		}
	}
	if rights.Capabilities {
		out.Capabilities = append([]roadmapv1.Capability(nil), snap.Capabilities...)
	}
	if rights.Goals {
		out.Goals = append([]roadmapv1.Goal(nil), snap.Goals...)
	}
	for i := range snap.Initiatives {
		if rights.Initiatives(snap.Initiatives[i].Namespace) {
			out.Initiatives = append(out.Initiatives, snap.Initiatives[i])
		}
	}
	// Untraced work is shown by the same namespace access as the initiatives it is not traced to.
	for _, r := range snap.Untraced {
		if rights.Initiatives(r.Namespace) {
			out.Untraced = append(out.Untraced, r)
		}
	}
	out.UntracedNote = snap.UntracedNote
	return out.Index()
}

// limitedBy says what limited rights hide, or nothing.
func limitedBy(r access.Rights) string {
	if r.Complete() {
		return ""
	}
	allowed := r.Allowed()
	if !r.AllNamespaces && len(allowed) == 0 && !r.Capabilities && !r.Goals {
		return "RBAC lets you list no initiatives, capabilities or goals, so the board is empty for you: ask your " +
			"cluster administrator for the roadmap-viewer role, or for roadmap-product-editor in your team's namespace."
	}
	var parts []string
	switch {
	case r.AllNamespaces:
	case len(allowed) == 0:
		parts = append(parts, "RBAC lets you list initiatives in no namespace")
	default:
		parts = append(parts, fmt.Sprintf("RBAC lets you list initiatives in namespace%s %s only",
			map[bool]string{true: "s", false: ""}[len(allowed) > 1], strings.Join(allowed, ", ")))
	}
	var hidden []string
	if !r.Capabilities {
		hidden = append(hidden, "capabilities")
	}
	if !r.Goals {
		hidden = append(hidden, "goals")
	}
	if len(hidden) > 0 {
		parts = append(parts, "you may not list "+strings.Join(hidden, " or ")+", so they are not shown")
	}
	return strings.Join(parts, "; ") + "."
}

// digest identifies the objects of a snapshot at their versions: two snapshots with the same digest show the
// same thing.
func digest(snap *roadmapview.Snapshot) uint64 {
	h := fnv.New64a()
	write := func(kind string, o client.Object) {
		_, _ = io.WriteString(h, kind+"\x00"+o.GetNamespace()+"\x00"+o.GetName()+"\x00"+o.GetResourceVersion()+"\x00")
	}
	for i := range snap.Capabilities {
		write("c", &snap.Capabilities[i])
	}
	for i := range snap.Goals {
		write("g", &snap.Goals[i])
	}
	for i := range snap.Initiatives {
		write("i", &snap.Initiatives[i])
	}
	// Workloads are not in the snapshot at their versions; the report drawn from them is.
	_ = json.NewEncoder(h).Encode(snap.Untraced)
	return h.Sum64()
}
