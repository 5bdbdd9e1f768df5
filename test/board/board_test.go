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

// Package board drives the roadmap board in headless Chromium against `kubectl roadmap serve`'s server on a
// real control plane (envtest) with the operator's controllers and the sample roadmap. Locally it skips when no
// Chromium is installed; under CI=true it fails instead, so CI never skips it silently.
//
// go test ./test/board -screenshot ../../docs/images/board.png refreshes the README's screenshot.
package board

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/board"
	"github.com/roadmap-operator/roadmap-operator/internal/cliopts"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/plugin"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var screenshot = flag.String("screenshot", "", "also write the board's screenshot to this file (e.g. ../../docs/images/board.png)")

// xssTitle is an initiative title that would run script if the page put titles into markup.
const xssTitle = `<img src=x onerror=alert(1)>`

// findChromium returns a headless Chromium: $CHROME, or the first of the usual names on PATH or in
// /usr/lib/chromium.
func findChromium() string {
	if p := os.Getenv("CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	for _, p := range []string{"/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// browser is a headless Chromium tab whose console errors, uncaught exceptions, failed loads and dialogs are
// recorded as problems.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := findChromium()
	if exe == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium found and CI=true: install it (apt-get install -y chromium-headless-shell) or set CHROME")
		}
		t.Skip("no Chromium found (install chromium-headless-shell, or set CHROME to a Chromium binary); skipping the browser test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.WindowSize(1440, 1000), chromedp.DisableGPU)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{ctx: ctx}
	if err := chromedp.Do(ctx); err != nil { // starts the browser and attaches the tab
		t.Fatalf("starting %s: %v", exe, err)
	}
	messages := chromedp.Console(ctx)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.report(fmt.Sprintf("console %s: %s (%s:%d)", m.Type, m.String(), m.URL, m.Line+1))
			}
		}
	}()
	go func() {
		for d, err := range dialogs {
			if err != nil {
				return
			}
			b.report("a dialog opened: " + d.Message)
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return b
}

func (b *browser) report(p string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, p)
}

// noProblems fails the test for every console error, exception or dialog recorded so far, except those
// containing one of the expected strings.
func (b *browser) noProblems(t *testing.T, expected ...string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
next:
	for _, p := range b.problems {
		for _, e := range expected {
			if strings.Contains(p, e) {
				continue next
			}
		}
		t.Errorf("browser: %s", p)
	}
	b.problems = nil
}

// do runs actions with a deadline.
func (b *browser) do(t *testing.T, timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// get runs one action with a deadline and returns its value.
func get[T any](t *testing.T, b *browser, timeout time.Duration, action chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// serve starts the board's server as `kubectl roadmap serve` does, on a free loopback port, and returns its URL
// and a function that stops it.
func serve(t *testing.T, cfg *rest.Config, scope roadmapview.Scope, address string) (string, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := board.New(ctx, cfg, scope, time.Now)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", address)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l, board.ServeOptions{Limits: board.DefaultLimits()}) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("serve: %v", err)
		}
	}
	t.Cleanup(func() {
		select {
		case <-ctx.Done():
		default:
			stop()
		}
	})
	return "http://" + l.Addr().String() + "/", stop
}

// startOperator starts a control plane and the operator's manager on it, both stopped when the test ends.
func startOperator(t *testing.T) *testenv.Env {
	t.Helper()
	testenv.SetManagerLogger()
	env := testenv.New(t)
	operatortest.RunManager(t, env, controllers.DefaultOptions())
	return env
}

func TestBoard(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane and a browser")
	}
	g := NewWithT(t)
	b := newBrowser(t)

	env := startOperator(t)
	ctx := context.Background()
	k := env.Client

	out, err := env.Kubectl("apply", "--server-side", "-k", filepath.Join(testenv.Root(t), "config", "samples"))
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(k.Create(ctx, &roadmapv1.Initiative{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-marketing", Name: "xss-probe"},
		Spec: roadmapv1.InitiativeSpec{Title: xssTitle, Track: roadmapv1.TrackInnovation, Owner: "team-marketing",
			TargetDate: "2027-04-30", Goals: []roadmapv1.ResourceName{"realtime-personalisation"}},
	})).To(Succeed())

	// The operator has evaluated everything: every initiative has a phase.
	phases := func() map[string]string {
		var list roadmapv1.InitiativeList
		g.Expect(k.List(ctx, &list)).To(Succeed())
		out := map[string]string{}
		for _, ini := range list.Items {
			out[ini.Namespace+"/"+ini.Name] = string(ini.Status.Phase)
		}
		return out
	}
	g.Eventually(func() []string {
		var missing []string
		for k, p := range phases() {
			if p == "" {
				missing = append(missing, k)
			}
		}
		return missing
	}, time.Minute).Should(BeEmpty())

	url, stopServer := serve(t, env.Config, roadmapview.Scope{Fallback: "default"}, "127.0.0.1:0")

	// The page loads and shows every initiative with the phase the operator computed.
	b.do(t, time.Minute, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`body[data-connection="live"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#initiatives tbody tr`)))
	shownPhases := func() map[string]string {
		return get(t, b, 10*time.Second, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll('#initiatives tbody tr')]
			.map(tr => [tr.dataset.node.replace(/^initiative\//, ''), tr.dataset.phase]))`))
	}
	g.Eventually(shownPhases, 30*time.Second).Should(Equal(phases()))
	// Read in one evaluation: a live update (a goal rolled up a moment later) may replace the rows between two
	// queries of their nodes.
	phaseTexts := get(t, b, 10*time.Second, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll('#initiatives tbody tr')]
		.map(tr => [tr.dataset.node.replace(/^initiative\//, ''), tr.querySelector('td.phase').textContent]))`))
	for key, phase := range phases() {
		g.Expect(phaseTexts[key]).To(HaveSuffix(" "+phase), "the phase of %s is shown with its glyph", key)
	}
	type counts struct{ Goals, Bars, Nodes int }
	c := get(t, b, 10*time.Second, chromedp.Evaluate[counts](`({Goals: document.querySelectorAll('#goals .goal').length,
		Bars: document.querySelectorAll('#timeline .bar').length, Nodes: document.querySelectorAll('#graph .node').length})`))
	g.Expect(c.Goals).To(BeNumerically(">", 0), "goals are shown")
	g.Expect(c.Bars).To(Equal(len(phases())), "every initiative has a target date, so a bar")
	g.Expect(c.Nodes).To(BeNumerically(">", len(phases())), "the graph has goals, capabilities and initiatives")

	// The XSS title is text: no element was made of it, and no dialog opened.
	title := get(t, b, 10*time.Second, chromedp.TextContent(chromedp.CSS(`tr[data-node="initiative/team-marketing/xss-probe"] th .title`)))
	g.Expect(title).To(Equal(xssTitle))
	g.Expect(get(t, b, 10*time.Second, chromedp.Evaluate[int](`document.querySelectorAll('img').length`))).To(BeZero())

	// Keyboard: focus an initiative, Enter opens its details with the why chain and who must act; Escape closes.
	blocked := "initiative/team-personalisation/realtime-recommendations"
	b.do(t, 20*time.Second,
		chromedp.Focus(chromedp.CSS(fmt.Sprintf(`#initiatives [data-id="%s"]`, blocked))),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.ID("detail")),
		chromedp.WaitVisible(chromedp.CSS(`#detail .actions`)),
		chromedp.WaitVisible(chromedp.CSS(`#detail table.conditions`)))
	detail := get(t, b, 10*time.Second, chromedp.TextContent(chromedp.ID("detail")))
	g.Expect(detail).To(ContainSubstring("Conditions"))
	g.Expect(detail).To(ContainSubstring("CapabilityNotReady"))
	g.Expect(detail).To(ContainSubstring("Why it is not ready"))
	g.Expect(detail).To(ContainSubstring("Who must act"))
	g.Expect(detail).To(ContainSubstring("event-bus"))
	hash := get(t, b, 10*time.Second, chromedp.Evaluate[string](`location.hash`))
	g.Expect(hash).To(ContainSubstring("sel=" + strings.ReplaceAll(blocked, "/", "%2F")))
	b.do(t, 10*time.Second, chromedp.KeyEvent("\x1b"), chromedp.WaitNotVisible(chromedp.ID("detail")))

	// Live: the platform team declares the event bus Available; its dependents turn Ready on the page, without a
	// reload (the marker set on the window survives) and without polling (the server pushes).
	dependents := []string{"team-checkout/order-events", "team-personalisation/clickstream-ingestion"}
	for _, d := range dependents {
		g.Expect(phases()[d]).To(Equal("Blocked"), "%s waits for the event bus", d)
	}
	// Someone is navigating with the keyboard while the change arrives: the focus stays where it was, on the row
	// of a dependent, which the change redraws.
	focused := "initiative/" + dependents[0]
	b.do(t, 10*time.Second, chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
		chromedp.Focus(chromedp.CSS(fmt.Sprintf(`#initiatives [data-id="%s"]`, focused))))
	capability := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: "event-bus"}}
	g.Expect(k.Patch(ctx, capability, client.RawPatch(types.MergePatchType,
		[]byte(`{"spec":{"lifecycle":"Available"}}`)))).To(Succeed())
	patched := time.Now()
	for _, d := range dependents {
		// The page is observed on DOM mutations; the server announces the change, and only then the page fetches.
		_ = get(t, b, time.Minute, chromedp.Poll[bool](fmt.Sprintf(
			`document.querySelector('tr[data-node="initiative/%s"]').dataset.phase === 'Ready'`, d),
			chromedp.WithPollingMutation()))
	}
	t.Logf("dependents Ready on the page %v after the patch (reported, not asserted)", time.Since(patched).Round(time.Millisecond))
	g.Expect(get(t, b, 10*time.Second, chromedp.Evaluate[bool](`window.notReloaded === true`))).To(BeTrue(), "the page was not reloaded")
	g.Expect(get(t, b, 10*time.Second, chromedp.Evaluate[string](`document.activeElement.closest('#initiatives') ? document.activeElement.dataset.id : 'focus lost: ' + document.activeElement.tagName`))).
		To(Equal(focused), "the keyboard focus survived the redraw")

	// The screenshot, with the live state.
	png := get(t, b, 30*time.Second, chromedp.FullScreenshot(100) /* PNG */)
	dir := os.Getenv("ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	g.Expect(os.WriteFile(filepath.Join(dir, "board.png"), png, 0o644)).To(Succeed())
	if *screenshot != "" {
		g.Expect(os.WriteFile(*screenshot, png, 0o644)).To(Succeed())
	}

	b.noProblems(t)

	// The connection drops: the page says so, and resumes when the server is back on the same address. The
	// browser logs the refused reconnection attempts; those alone are expected.
	address := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/")
	stopServer()
	b.do(t, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(`body[data-connection="disconnected"]`)))
	g.Expect(get(t, b, 5*time.Second, chromedp.TextContent(chromedp.ID("conn")))).To(ContainSubstring("disconnected"))
	_, _ = serve(t, env.Config, roadmapview.Scope{Fallback: "default"}, address)
	b.do(t, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(`body[data-connection="live"]`)))
	b.noProblems(t, "ERR_CONNECTION_REFUSED (http://"+address+"/api/events")

	t.Run("export", func(t *testing.T) {
		// `kubectl roadmap export --format html`: one file, opened from disk, draws the same board with its own
		// inlined script (allowed by its hash in the CSP) and nothing from the network.
		g := NewWithT(t)
		c, err := roadmapview.NewClient(env.Config)
		g.Expect(err).NotTo(HaveOccurred())
		snap, err := roadmapview.Load(ctx, c, roadmapview.Scope{})
		g.Expect(err).NotTo(HaveOccurred())
		file := filepath.Join(t.TempDir(), "roadmap.html")
		f, err := os.Create(file)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(board.ExportHTML(f, board.BuildWithWhy(snap, time.Now()))).To(Succeed())
		g.Expect(f.Close()).To(Succeed())
		b.do(t, time.Minute, chromedp.Navigate("file://"+file), chromedp.WaitVisible(chromedp.CSS(`#initiatives tbody tr`)))
		g.Expect(get(t, b, 10*time.Second, chromedp.TextContent(chromedp.ID("conn")))).To(Equal("snapshot"))
		g.Expect(get(t, b, 10*time.Second, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll('#initiatives tbody tr')]
			.map(tr => [tr.dataset.node.replace(/^initiative\//, ''), tr.dataset.phase]))`))).To(Equal(phases()))
		g.Expect(get(t, b, 10*time.Second, chromedp.TextContent(chromedp.CSS(`tr[data-node="initiative/team-marketing/xss-probe"] th .title`)))).To(Equal(xssTitle))
		b.noProblems(t)
	})

	t.Run("export command", func(t *testing.T) {
		// kubectl roadmap export, as a user runs it: kubeconfig and flags.
		g := NewWithT(t)
		kubeconfig, err := env.WriteKubeconfig(t.TempDir(), testenv.Admin)
		g.Expect(err).NotTo(HaveOccurred())
		export := func(args ...string) (string, error) {
			var out bytes.Buffer
			o := cliopts.NewOptions(genericiooptions.IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: io.Discard})
			root := plugin.NewCommand(o)
			root.AddCommand(board.Commands(o)...)
			root.SetArgs(append([]string{"export", "--kubeconfig", kubeconfig}, args...))
			err := root.ExecuteContext(ctx)
			return out.String(), err
		}
		svg, err := export("--format", "svg")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(svg).To(HavePrefix(`<svg xmlns="http://www.w3.org/2000/svg"`))
		g.Expect(svg).To(ContainSubstring("Publish order events for fulfilment and personalisation"))
		g.Expect(svg).To(ContainSubstring("&lt;img src=x onerror=alert(1)&gt;"))
		html, err := export("-n", "team-checkout")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(html).To(HavePrefix("<!doctype html>"))
		g.Expect(html).To(ContainSubstring(`"initiative/team-checkout/order-events"`))
		g.Expect(html).NotTo(ContainSubstring(`"initiative/team-sre/slo-alerting"`), "-n shows one namespace")
		_, err = export("--format", "pdf")
		g.Expect(err).To(MatchError(ContainSubstring(`unknown --format "pdf": use html or svg`)))
	})

	t.Run("namespace-restricted user", func(t *testing.T) {
		g := NewWithT(t)
		cfg := restrictedUser(t, env, k, "team-checkout")
		url, _ := serve(t, cfg, roadmapview.Scope{Fallback: "team-checkout"}, "127.0.0.1:0")
		b.do(t, time.Minute, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`#initiatives tbody tr`)))
		nodes := get(t, b, 10*time.Second, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#initiatives tbody tr')].map(tr => tr.dataset.node)`))
		g.Expect(nodes).To(ConsistOf("initiative/team-checkout/order-events"))
		g.Expect(get(t, b, 10*time.Second, chromedp.TextContent(chromedp.ID("limited")))).To(ContainSubstring("only those of namespace team-checkout"))
		b.noProblems(t)
	})
}

// restrictedUser returns the client configuration of a user who may read capabilities and goals, and the
// initiatives of one namespace only.
func restrictedUser(t *testing.T, env *testenv.Env, k client.Client, namespace string) *rest.Config {
	t.Helper()
	g := NewWithT(t)
	ctx := context.Background()
	name := namespace + "-dev"
	read := []string{"get", "list", "watch"}
	for _, obj := range []client.Object{
		&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name + "-roadmap"},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{"roadmap.dev"}, Resources: []string{"capabilities", "goals"}, Verbs: read}}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name + "-roadmap"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name + "-roadmap"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}}},
		&rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "initiative-reader"},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{"roadmap.dev"}, Resources: []string{"initiatives"}, Verbs: read}}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "initiative-reader"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}}},
	} {
		g.Expect(k.Create(ctx, obj)).To(Succeed())
	}
	cfg, err := env.UserConfig(envtest.User{Name: name})
	g.Expect(err).NotTo(HaveOccurred())
	return cfg
}
