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
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/go-logr/logr/testr"
	"github.com/oauth2-proxy/mockoidc"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/board"
	"github.com/roadmap-operator/roadmap-operator/internal/board/access"
	"github.com/roadmap-operator/roadmap-operator/internal/board/auth"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// boardReader is the board service's own identity: it reads the roadmap and asks the apiserver what users may
// see, nothing else (the rules config/board gives its ServiceAccount).
func boardReader(t *testing.T, env *testenv.Env) envtest.User {
	t.Helper()
	g := NewWithT(t)
	ctx := context.Background()
	name := "roadmap-board"
	for _, obj := range []client.Object{
		shippedBoardRole(t),
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}}},
	} {
		g.Expect(env.Client.Create(ctx, obj)).To(Succeed())
	}
	return envtest.User{Name: name}
}

// shippedBoardRole is the ClusterRole config/board gives the board's ServiceAccount, as shipped.
func shippedBoardRole(t *testing.T) *rbacv1.ClusterRole {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.Root(t), "config", "board", "component", "rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var role rbacv1.ClusterRole
		if err := yaml.Unmarshal([]byte(doc), &role); err != nil {
			t.Fatalf("config/board/component/rbac.yaml: %v", err)
		}
		if role.Kind == "ClusterRole" {
			return &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: role.Name}, Rules: role.Rules}
		}
	}
	t.Fatal("config/board/component/rbac.yaml has no ClusterRole")
	return nil
}

// grant binds a role reading initiatives in namespace to a group, and, when clusterScoped, a cluster role
// reading capabilities and goals.
func grant(t *testing.T, k client.Client, group, namespace string, clusterScoped bool) {
	t.Helper()
	g := NewWithT(t)
	ctx := context.Background()
	read := []string{"get", "list", "watch"}
	objs := []client.Object{
		&rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "initiative-reader"},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{"roadmap.dev"}, Resources: []string{"initiatives"}, Verbs: read}}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: group},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "initiative-reader"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: group}}},
	}
	if clusterScoped {
		objs = append(objs,
			&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: group + "-roadmap"},
				Rules: []rbacv1.PolicyRule{{APIGroups: []string{"roadmap.dev"}, Resources: []string{"capabilities", "goals"}, Verbs: read}}},
			&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: group + "-roadmap"},
				RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: group + "-roadmap"},
				Subjects: []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: group}}})
	}
	for _, obj := range objs {
		err := k.Create(ctx, obj)
		if _, shared := obj.(*rbacv1.Role); shared && apierrors.IsAlreadyExists(err) {
			continue // the namespace's reader role, granted to another group before
		}
		g.Expect(err).NotTo(HaveOccurred())
	}
}

// signedInBoard is the board as the in-cluster service runs it: users sign in at a real OIDC provider and see
// what RBAC lets them list.
type signedInBoard struct {
	url      string
	provider *mockoidc.MockOIDC
	reviewer *access.Reviewer
}

func serveSignedIn(t *testing.T, env *testenv.Env, ttl time.Duration, configure ...func(*auth.Config)) *signedInBoard {
	t.Helper()
	g := NewWithT(t)
	m, err := mockoidc.Run()
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = m.Shutdown() })
	cfg, err := env.UserConfig(boardReader(t, env))
	g.Expect(err).NotTo(HaveOccurred())

	ctx, cancel := context.WithCancel(context.Background())
	s, err := board.New(ctx, cfg, roadmapview.Scope{}, time.Now)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(s.Start(ctx)).To(Succeed())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	g.Expect(err).NotTo(HaveOccurred())
	base := "http://" + l.Addr().String() + "/"
	authConfig := auth.Config{IssuerURL: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret,
		UsernameClaim: "email", GroupsClaim: "groups", GroupsPrefix: "oidc:", ExternalURL: base, Log: testr.New(t)}
	for _, c := range configure {
		c(&authConfig)
	}
	a, err := auth.New(authConfig)
	g.Expect(err).NotTo(HaveOccurred())
	r, err := access.NewReviewer(cfg, ttl, time.Now)
	g.Expect(err).NotTo(HaveOccurred())
	done := make(chan error, 1)
	go func() {
		done <- s.Serve(ctx, l, board.ServeOptions{Limits: board.DefaultLimits(), SignIn: a, Reviewer: r, Log: testr.New(t)})
	}()
	t.Cleanup(func() {
		cancel()
		g.Expect(<-done).To(Succeed())
	})
	return &signedInBoard{url: base, provider: m, reviewer: r}
}

// user is a signed-in HTTP client.
type user struct {
	t    *testing.T
	c    *http.Client
	base string
}

func (b *signedInBoard) signIn(t *testing.T, email string, groups ...string) *user {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u := &user{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}, base: b.url}
	b.provider.QueueUser(&mockoidc.MockUser{Subject: email, Email: email, EmailVerified: true, Groups: groups})
	if status, body := u.get(""); status != http.StatusOK || !strings.Contains(body, "<title>Roadmap board</title>") {
		t.Fatalf("%s signing in: %d %s", email, status, body)
	}
	return u
}

func (u *user) get(path string) (int, string) {
	u.t.Helper()
	resp, err := u.c.Get(u.base + path)
	if err != nil {
		u.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// model returns the ids of the nodes the user's board shows, its note on what is hidden, and its version.
func (u *user) model() (ids []string, limited string, version string) {
	u.t.Helper()
	resp, err := u.c.Get(u.base + "api/roadmap")
	if err != nil {
		u.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var m board.Model
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		u.t.Fatalf("model: %d %v", resp.StatusCode, err)
	}
	for _, n := range m.Nodes {
		ids = append(ids, n.ID+"="+n.Title)
	}
	return ids, m.Limited, resp.Header.Get(board.VersionHeader)
}

func TestSignedInUsersSeeWhatRBACAllows(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	g := NewWithT(t)
	env := testenv.New(t)
	k := env.Client
	ctx := context.Background()
	for _, ns := range []string{"team-a", "team-b"} {
		testenv.EnsureNamespace(t, k, ns)
		ini := testenv.Initiative(ns, "work")
		ini.Spec.Title = ns + " work"
		testenv.Create(g, k, ini)
	}
	testenv.Create(g, k, testenv.Capability("event-bus", roadmapv1.LifecyclePlanned), testenv.Goal("growth", ""))
	grant(t, k, "oidc:team-a", "team-a", true)
	grant(t, k, "oidc:team-b", "team-b", false)

	b := serveSignedIn(t, env, 2*time.Second)
	alice := b.signIn(t, "alice@example.com", "team-a")
	bob := b.signIn(t, "bob@example.com", "team-b")
	carol := b.signIn(t, "carol@example.com")

	ids, limited, _ := alice.model()
	g.Expect(ids).To(ConsistOf("initiative/team-a/work=team-a work", "capability/event-bus=event-bus", "goal/growth=growth"))
	g.Expect(limited).To(ContainSubstring("namespace team-a only"))
	ids, limited, _ = bob.model()
	g.Expect(ids).To(ConsistOf("initiative/team-b/work=team-b work"))
	g.Expect(limited).To(And(ContainSubstring("namespace team-b only"), ContainSubstring("may not list capabilities or goals")))
	ids, limited, _ = carol.model()
	g.Expect(ids).To(BeEmpty())
	g.Expect(limited).To(ContainSubstring("RBAC lets you list no initiatives, capabilities or goals"))

	// Nothing leaks through the detail and why endpoints: bob gets what a node that may or may not exist where
	// he cannot look gets, "not visible to you".
	_, nothing := bob.get("api/why?id=" + url.QueryEscape("initiative/team-z/nothing"))
	for _, id := range []string{"initiative/team-a/work", "capability/event-bus", "goal/growth"} {
		status, body := bob.get("api/why?id=" + url.QueryEscape(id))
		g.Expect(status).To(Equal(http.StatusOK))
		g.Expect(body).To(Equal(nothing), "bob reads api/why?id=%s", id)
		d := bob.detail(id)
		g.Expect(d).To(Equal(board.Detail{Missing: roadmapview.StatusNotVisible,
			Message: strings.Replace(id, "/", " ", 1) + " not visible to you"}), "bob reads api/detail?id=%s", id)
	}
	status, body := alice.get("api/detail?id=" + url.QueryEscape("initiative/team-a/work"))
	g.Expect(status).To(Equal(http.StatusOK))
	g.Expect(body).NotTo(Equal("null\n"))

	// The event stream tells bob of changes to his team's work only: a change in team-a is not announced.
	events, err := bob.c.Get(bob.base + "api/events")
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = events.Body.Close() }()
	stream := bufio.NewReader(events.Body)
	first := nextVersion(t, stream)
	_, _, bobVersion := bob.model()
	g.Expect(strconv.FormatUint(first, 10)).To(Equal(bobVersion))

	testenv.Update(g, k, &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "work"}},
		func(i *roadmapv1.Initiative) { i.Spec.Title = "team-a renamed" })
	g.Eventually(func() []string { ids, _, _ := alice.model(); return ids }).WithTimeout(30 * time.Second).
		Should(ContainElement("initiative/team-a/work=team-a renamed"))
	testenv.Update(g, k, &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: "team-b", Name: "work"}},
		func(i *roadmapv1.Initiative) { i.Spec.Title = "team-b renamed" })
	announced := nextVersion(t, stream)
	ids, _, version := bob.model()
	g.Expect(ids).To(ConsistOf("initiative/team-b/work=team-b renamed"))
	g.Expect(strconv.FormatUint(announced, 10)).To(Equal(version),
		"the first change announced to bob after his first version is his team's")

	// Answers are remembered: more requests within the TTL ask the apiserver nothing more.
	before := b.reviewer.Reviews()
	for range 10 {
		alice.model()
	}
	g.Expect(b.reviewer.Reviews()).To(Equal(before))

	// A revoked binding shows once the answer expires.
	g.Expect(k.Delete(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "oidc:team-a"}})).To(Succeed())
	g.Eventually(func() []string { ids, _, _ := alice.model(); return ids }).WithTimeout(30 * time.Second).
		ShouldNot(ContainElement(HavePrefix("initiative/team-a/")))
}

// nextVersion reads the stream up to its next "roadmap" event and returns the version it announces.
func nextVersion(t *testing.T, r *bufio.Reader) uint64 {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the event stream: %v", err)
		}
		if data, ok := strings.CutPrefix(strings.TrimSpace(line), "data: "); ok {
			var ev struct{ Version uint64 }
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				t.Fatalf("event %q: %v", data, err)
			}
			return ev.Version
		}
	}
}

// In a real browser: a user signs in at the provider, sees their team's initiatives and signs out; a second user
// signs in and sees a different board.
func TestSignInInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane and a browser")
	}
	g := NewWithT(t)
	br := newBrowser(t)
	env := testenv.New(t)
	k := env.Client
	for _, ns := range []string{"team-a", "team-b"} {
		testenv.EnsureNamespace(t, k, ns)
		ini := testenv.Initiative(ns, "work")
		ini.Spec.Title = ns + " work"
		ini.Spec.TargetDate = "2027-06-30"
		testenv.Create(g, k, ini)
	}
	grant(t, k, "oidc:team-a", "team-a", true)
	grant(t, k, "oidc:team-b", "team-b", false)
	b := serveSignedIn(t, env, 30*time.Second)

	shown := func() []string {
		return get(t, br, 10*time.Second, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('#initiatives tbody tr')].map(tr => tr.dataset.node)`))
	}
	// The browser goes to the provider and back: the provider answers for the user queued for it (this provider
	// has no login form; the redirects, the code exchange and the cookies are the browser's own).
	b.provider.QueueUser(&mockoidc.MockUser{Subject: "alice", Email: "alice@example.com", EmailVerified: true, Groups: []string{"team-a"}})
	br.do(t, time.Minute, chromedp.Navigate(b.url), chromedp.WaitVisible(chromedp.CSS(`body[data-connection="live"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#initiatives tbody tr`)), chromedp.WaitVisible(chromedp.ID("signout")))
	g.Expect(shown()).To(ConsistOf("initiative/team-a/work"))
	g.Expect(get(t, br, 10*time.Second, chromedp.TextContent(chromedp.ID("who")))).To(Equal("Signed in as alice@example.com"))
	g.Expect(get(t, br, 10*time.Second, chromedp.TextContent(chromedp.ID("limited")))).To(ContainSubstring("namespace team-a only"))
	br.noProblems(t)

	// Signing out ends the session: the board sends the browser to sign in again.
	br.do(t, 30*time.Second, chromedp.Click(chromedp.CSS(`#signout button`)), chromedp.WaitVisible(chromedp.ID("signin")))
	g.Expect(get(t, br, 10*time.Second, chromedp.TextContent(chromedp.CSS("h1")))).To(Equal("Signed out"))

	// Another user signs in from the same browser and sees a different board.
	b.provider.QueueUser(&mockoidc.MockUser{Subject: "bob", Email: "bob@example.com", EmailVerified: true, Groups: []string{"team-b"}})
	br.do(t, time.Minute, chromedp.Click(chromedp.ID("signin")), chromedp.WaitVisible(chromedp.CSS(`body[data-connection="live"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#initiatives tbody tr`)))
	g.Eventually(shown).WithTimeout(30 * time.Second).Should(ConsistOf("initiative/team-b/work"))
	g.Expect(get(t, br, 10*time.Second, chromedp.TextContent(chromedp.ID("who")))).To(Equal("Signed in as bob@example.com"))
	br.noProblems(t)
}

// detail returns what the detail endpoint says of a node for the user.
func (u *user) detail(id string) board.Detail {
	u.t.Helper()
	status, body := u.get("api/detail?id=" + url.QueryEscape(id))
	var d board.Detail
	if status != http.StatusOK {
		u.t.Fatalf("detail of %s: %d %s", id, status, body)
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		u.t.Fatalf("detail of %s: %v", id, err)
	}
	return d
}

// blockers returns the status of each object the why chain of a detail names, as "kind ns/name=status".
func blockers(d board.Detail) []string {
	var out []string
	if d.Why == nil {
		return nil
	}
	var walk func(n roadmapview.WhyNode)
	walk = func(n roadmapview.WhyNode) {
		for _, c := range n.BlockedBy {
			out = append(out, c.Kind+" "+strings.TrimPrefix(c.Namespace+"/"+c.Name, "/")+"="+c.Status)
			walk(c)
		}
	}
	walk(d.Why.Target)
	return out
}

// Hidden is not missing: an object a user may not see is "not visible" to them in why chains and details, never
// "does not exist" (which may be false); one that really does not exist still says so to a user who could see
// it. Two users of different rights, RBAC in a real apiserver, the operator writing the blockers.
func TestHiddenIsNotMissing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	g := NewWithT(t)
	env := startOperator(t)
	k := env.Client
	for _, ns := range []string{"team-a", "team-b"} {
		testenv.EnsureNamespace(t, k, ns)
	}
	checkout := testenv.Initiative("team-b", "checkout", "event-bus")
	checkout.Spec.DependsOn = []roadmapv1.InitiativeReference{{Namespace: "team-a", Name: "platform"}}
	testenv.Create(g, k, testenv.Capability("event-bus", roadmapv1.LifecyclePlanned),
		testenv.Initiative("team-a", "platform"), checkout, testenv.Initiative("team-b", "dangling", "no-such-capability"))
	for _, name := range []string{"checkout", "dangling"} {
		g.Eventually(func() roadmapv1.InitiativePhase {
			var ini roadmapv1.Initiative
			_ = k.Get(context.Background(), client.ObjectKey{Namespace: "team-b", Name: name}, &ini)
			return ini.Status.Phase
		}).WithTimeout(time.Minute).Should(Equal(roadmapv1.PhaseBlocked), "initiative team-b/%s", name)
	}
	// bob may list team-b's initiatives only; dave may list them and capabilities and goals too.
	grant(t, k, "oidc:team-b", "team-b", false)
	grant(t, k, "oidc:team-b-leads", "team-b", true)
	b := serveSignedIn(t, env, 30*time.Second)
	bob := b.signIn(t, "bob@example.com", "team-b")
	dave := b.signIn(t, "dave@example.com", "team-b-leads")

	g.Eventually(func() []string { return blockers(bob.detail("initiative/team-b/checkout")) }).
		WithTimeout(30 * time.Second).Should(ConsistOf("Capability event-bus=NotVisible", "Initiative team-a/platform=NotVisible"))
	g.Expect(blockers(bob.detail("initiative/team-b/dangling"))).To(ConsistOf("Capability no-such-capability=NotVisible"),
		"bob may not list capabilities: the board must not tell him whether one exists")
	g.Expect(blockers(dave.detail("initiative/team-b/checkout"))).To(ContainElements(
		"Capability event-bus=Planned", "Initiative team-a/platform=NotVisible"))
	g.Expect(blockers(dave.detail("initiative/team-b/dangling"))).To(ConsistOf("Capability no-such-capability=NotFound"))
	for _, d := range []board.Detail{bob.detail("initiative/team-b/checkout"), bob.detail("initiative/team-b/dangling")} {
		data, _ := json.Marshal(d)
		g.Expect(string(data)).NotTo(ContainSubstring("does not exist"))
	}
	dangling := dave.detail("initiative/team-b/dangling")
	g.Expect(dangling.Why.Actions).To(ContainElement(HaveField("Do", ContainSubstring("capability no-such-capability does not exist"))))

	// The detail of a node itself: hidden from bob, missing for dave only when it is missing.
	for id, want := range map[string]string{
		"capability/event-bus":          roadmapview.StatusNotVisible,
		"capability/no-such-capability": roadmapview.StatusNotVisible,
		"initiative/team-a/platform":    roadmapview.StatusNotVisible,
		"initiative/team-b/nothing":     roadmapview.StatusNotFound,
		"initiative/team-b/checkout":    "",
	} {
		d := bob.detail(id)
		g.Expect(d.Missing).To(Equal(want), "bob's detail of %s", id)
		if want == roadmapview.StatusNotVisible {
			g.Expect(d.Message).To(HaveSuffix("not visible to you"))
			g.Expect(d.Conditions).To(BeEmpty())
		}
	}
	for id, want := range map[string]string{
		"capability/event-bus":          "",
		"capability/no-such-capability": roadmapview.StatusNotFound,
		"goal/no-such-goal":             roadmapview.StatusNotFound,
		"initiative/team-a/platform":    roadmapview.StatusNotVisible,
	} {
		d := dave.detail(id)
		g.Expect(d.Missing).To(Equal(want), "dave's detail of %s", id)
		if want == roadmapview.StatusNotFound {
			g.Expect(d.Message).To(HaveSuffix("does not exist"))
		}
	}

	// The page says it as the endpoint does: in a real browser, bob selects checkout, and its why chain names the
	// capability and the initiative he may not see as not visible to him.
	br := newBrowser(t)
	b.provider.QueueUser(&mockoidc.MockUser{Subject: "bob", Email: "bob@example.com", EmailVerified: true, Groups: []string{"team-b"}})
	br.do(t, time.Minute, chromedp.Navigate(b.url), chromedp.WaitVisible(chromedp.CSS(`body[data-connection="live"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#initiatives tbody tr`)))
	br.do(t, 30*time.Second, chromedp.Evaluate[chromedp.Void](`location.hash = 'sel=' + encodeURIComponent('initiative/team-b/checkout')`),
		chromedp.WaitVisible(chromedp.CSS(`ul.why ul.why li`)))
	chain := get(t, br, 10*time.Second, chromedp.Evaluate[[]string](`[...document.querySelectorAll('ul.why li > span')].map(s => s.textContent)`))
	g.Expect(chain).To(ContainElements(ContainSubstring("capability event-bus: not visible to you"),
		ContainSubstring("initiative team-a/platform: not visible to you")), "bob's why chain of checkout")
	g.Expect(strings.Join(chain, "\n")).NotTo(ContainSubstring("does not exist"))
	br.noProblems(t)
}

// stream is an open event stream of a user, read in the background: its announced versions, and ended once
// the server closes it.
type stream struct {
	versions chan uint64
	ended    chan struct{}
}

func (u *user) stream() *stream {
	u.t.Helper()
	// As a page's: no client timeout, which would end the stream rather than the server.
	resp, err := (&http.Client{Jar: u.c.Jar}).Get(u.base + "api/events")
	if err != nil {
		u.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		u.t.Fatalf("event stream: %s", resp.Status)
	}
	st := &stream{versions: make(chan uint64, 100), ended: make(chan struct{})}
	u.t.Cleanup(func() { _ = resp.Body.Close() })
	go func() {
		defer close(st.ended)
		r := bufio.NewReader(resp.Body)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if data, ok := strings.CutPrefix(strings.TrimSpace(line), "data: "); ok {
				var ev struct{ Version uint64 }
				if json.Unmarshal([]byte(data), &ev) == nil {
					st.versions <- ev.Version
				}
			}
		}
	}()
	return st
}

// An open event stream follows its user's rights: a revoked RoleBinding ends it once the answer expires
// (without a change to the roadmap to announce), and the page's reconnection gets the narrowed board; a session
// that ends ends the stream too, and the reconnection is sent to sign in.
func TestEventStreamsFollowRights(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	g := NewWithT(t)
	env := testenv.New(t)
	k := env.Client
	for _, ns := range []string{"team-a", "team-b"} {
		testenv.EnsureNamespace(t, k, ns)
		testenv.Create(g, k, testenv.Initiative(ns, "work"))
	}
	grant(t, k, "oidc:team-a", "team-a", false)
	grant(t, k, "oidc:team-b", "team-b", false)
	const ttl = 2 * time.Second
	const session = 8 * time.Second
	b := serveSignedIn(t, env, ttl, func(c *auth.Config) { c.SessionTTL = session })
	alice := b.signIn(t, "alice@example.com", "team-a", "team-b")
	signedIn := time.Now()

	st := alice.stream()
	g.Eventually(st.versions).WithTimeout(10 * time.Second).Should(Receive())
	ids, _, _ := alice.model()
	g.Expect(ids).To(ConsistOf("initiative/team-a/work=work", "initiative/team-b/work=work"))

	reviews := b.reviewer.Reviews()
	revoked := time.Now()
	g.Expect(k.Delete(context.Background(), &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a",
		Name: "oidc:team-a"}})).To(Succeed())
	g.Eventually(st.ended).WithTimeout(20 * time.Second).Should(BeClosed())
	t.Logf("the stream ended %v after the RoleBinding was deleted (access cache TTL %v); %d reviews asked meanwhile",
		time.Since(revoked).Round(time.Millisecond), ttl, b.reviewer.Reviews()-reviews)
	g.Expect(b.reviewer.Reviews()-reviews).To(BeNumerically("<=", 5),
		"the stream re-asks through the cache: one set of reviews (3 + one per namespace) per expiry")

	// The page reconnects and follows the narrowed rights.
	again := alice.stream()
	g.Eventually(again.versions).WithTimeout(10 * time.Second).Should(Receive())
	ids, limited, _ := alice.model()
	g.Expect(ids).To(ConsistOf("initiative/team-b/work=work"))
	g.Expect(limited).To(ContainSubstring("namespace team-b only"))

	// The session ends: so does the stream, and the page is sent to sign in.
	g.Eventually(again.ended).WithTimeout(session + 20*time.Second).Should(BeClosed())
	g.Expect(time.Since(signedIn)).To(BeNumerically(">=", session-time.Second), "the stream outlived no session")
	status, _ := alice.get("api/events")
	g.Expect(status).To(Equal(http.StatusUnauthorized))
}

// untraced returns, per namespace, the untraced and dangling workloads of the user's board, and its note.
func (u *user) untraced() (map[string][]string, string) {
	u.t.Helper()
	_, body := u.get("api/roadmap")
	var m board.Model
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		u.t.Fatalf("model: %v", err)
	}
	out := map[string][]string{}
	for _, r := range m.Untraced {
		for _, w := range r.Untraced {
			out[r.Namespace] = append(out[r.Namespace], "untraced "+w.Name)
		}
		for _, w := range r.Dangling {
			out[r.Namespace] = append(out[r.Namespace], "dangling "+w.Name)
		}
	}
	return out, m.UntracedNote
}

// The board service shows the untraced work of the namespaces that opt in (metadata-only informers, with the
// RBAC config/board ships), to each user for the namespaces whose initiatives they may list, and follows new
// workloads; the local board shows what its user may list, and says what it leaves out.
func TestUntracedWorkOnTheBoard(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	g := NewWithT(t)
	env := testenv.New(t)
	k := env.Client
	ctx := context.Background()
	for _, ns := range []string{"team-a", "team-b"} {
		testenv.Create(g, k, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns,
			Labels: map[string]string{roadmapv1.LabelWorkloads: roadmapv1.WorkloadsModeAudit}}})
		testenv.Create(g, k, testenv.Initiative(ns, "work"), testenv.Deployment(ns, ns+"-traced", "work"),
			testenv.Deployment(ns, ns+"-untraced", ""))
	}
	testenv.Create(g, k, testenv.Deployment("team-a", "team-a-dangling", "no-such-initiative"))
	grant(t, k, "oidc:team-a", "team-a", false)

	b := serveSignedIn(t, env, 30*time.Second)
	alice := b.signIn(t, "alice@example.com", "team-a")
	admin := b.signIn(t, "admin@example.com", "roadmap-admins")
	g.Expect(k.Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "roadmap-admins"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "oidc:roadmap-admins"}}})).To(Succeed())
	g.Expect(k.Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "roadmap-admins-list"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"roadmap.dev"}, Resources: []string{"*"}, Verbs: []string{"list"}}}})).To(Succeed())
	g.Expect(k.Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "roadmap-admins-list"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "roadmap-admins-list"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "oidc:roadmap-admins"}}})).To(Succeed())

	g.Eventually(func() map[string][]string { u, _ := admin.untraced(); return u }).WithTimeout(30 * time.Second).
		Should(Equal(map[string][]string{"team-a": {"untraced team-a-untraced", "dangling team-a-dangling"},
			"team-b": {"untraced team-b-untraced"}}))
	u, note := alice.untraced()
	g.Expect(u).To(Equal(map[string][]string{"team-a": {"untraced team-a-untraced", "dangling team-a-dangling"}}),
		"alice sees the untraced work of her namespace only")
	g.Expect(note).To(BeEmpty())

	// A new workload shows without a reload of the board: the informers follow the workloads.
	testenv.Create(g, k, testenv.Deployment("team-a", "team-a-later", ""))
	g.Eventually(func() []string { u, _ := alice.untraced(); return u["team-a"] }).WithTimeout(30 * time.Second).
		Should(ContainElement("untraced team-a-later"))

	// kubectl roadmap serve, as a user who may read the roadmap but not list namespaces: the board works and
	// says what its untraced report leaves out.
	reader := envtest.User{Name: "roadmap-reader"}
	g.Expect(k.Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "roadmap-reader"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"roadmap.dev"}, Resources: []string{"*"}, Verbs: []string{"get", "list", "watch"}}}})).To(Succeed())
	g.Expect(k.Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "roadmap-reader"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "roadmap-reader"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: reader.Name}}})).To(Succeed())
	cfg, err := env.UserConfig(reader)
	g.Expect(err).NotTo(HaveOccurred())
	local, _ := serve(t, cfg, roadmapview.Scope{}, "127.0.0.1:0")
	resp, err := http.Get(local + "api/roadmap")
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = resp.Body.Close() }()
	var m board.Model
	g.Expect(json.NewDecoder(resp.Body).Decode(&m)).To(Succeed())
	g.Expect(m.Nodes).To(ContainElement(HaveField("ID", "initiative/team-b/work")))
	g.Expect(m.Untraced).To(BeEmpty())
	g.Expect(m.UntracedNote).To(ContainSubstring("you may not list namespaces"))
}
