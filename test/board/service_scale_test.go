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
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// serviceScale is the size TestBoardServiceScale measures at: the targets with -scale, a small roadmap
// otherwise, so that the measurement itself keeps working in every test run.
type serviceScale struct {
	goals, capabilities, initiatives, namespaces, users int
	ttl                                                 time.Duration
}

// TestBoardServiceScale measures the in-cluster board service (`manager board`, its own process, its own
// ServiceAccount's RBAC as config/board ships it) with users signed in at a real OIDC provider, each of
// different rights (real RBAC): one lead who may list everything, whose page a headless Chromium draws, and
// team members who may list the initiatives of two or three namespaces (every other one capabilities and goals
// too), each with an open page (an event stream, fetching every model it is told of). It reports the first
// render, how long a change takes from the apiserver's answer to the lead's page, the service's memory, and the
// SubjectAccessReviews the access cache sends per user per minute (counted by the apiserver); it asserts only
// that every page shows what it should.
//
//	go test ./test/board -run TestBoardServiceScale -scale -v    # 1,000 initiatives in 50 namespaces, 20 users
func TestBoardServiceScale(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane, the operator, the board service and a browser")
	}
	size := serviceScale{goals: 10, capabilities: 20, initiatives: 100, namespaces: 10, users: 4, ttl: 5 * time.Second}
	if *scale {
		size = serviceScale{goals: 50, capabilities: 200, initiatives: 1000, namespaces: 50, users: 20, ttl: 30 * time.Second}
	}
	g := NewWithT(t)
	br := newBrowser(t)
	env := startOperator(t)
	ctx := context.Background()
	k := env.Client

	began := time.Now()
	for _, obj := range largeRoadmap(size.goals, size.capabilities, size.initiatives, size.namespaces) {
		g.Expect(k.Create(ctx, obj)).To(Succeed())
	}
	g.Eventually(func() int {
		var list roadmapv1.InitiativeList
		g.Expect(k.List(ctx, &list)).To(Succeed())
		n := 0
		for _, ini := range list.Items {
			if ini.Status.Phase != "" {
				n++
			}
		}
		return n
	}, 10*time.Minute, time.Second).Should(Equal(size.initiatives))
	t.Logf("%d initiatives in %d namespaces, %d capabilities, %d goals, settled by the operator in %v", size.initiatives,
		size.namespaces, size.capabilities, size.goals, time.Since(began).Round(time.Second))

	// Rights: the lead lists everything; member i the initiatives of the namespaces n with n % (users-1) == i-1.
	g.Expect(k.Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "roadmap-lead"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"roadmap.dev"}, Resources: []string{"*"}, Verbs: []string{"get", "list", "watch"}}}})).To(Succeed())
	g.Expect(k.Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "roadmap-lead"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "roadmap-lead"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "oidc:leads"}}})).To(Succeed())
	visible := map[int]int{} // member: initiatives they may see
	for n := range size.namespaces {
		member := n%(size.users-1) + 1
		first := visible[member] == 0
		grant(t, k, fmt.Sprintf("oidc:members-%d", member), fmt.Sprintf("team-%02d", n), first && member%2 == 1)
		visible[member] += size.initiatives / size.namespaces
	}

	m, err := mockoidc.Run()
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = m.Shutdown() })
	service, url := startBoardService(t, env, m, size.ttl)
	sars := func() float64 { return subjectAccessReviews(t, env) }
	board := &signedInBoard{url: url, provider: m}

	// The lead's page, in the browser: sign in, then measure a navigation to the board until every initiative
	// and the timeline are on the page.
	m.QueueUser(&mockoidc.MockUser{Subject: "lead", Email: "lead@example.com", EmailVerified: true, Groups: []string{"leads"}})
	br.do(t, 2*time.Minute, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`body[data-connection="live"]`)))
	rendered := fmt.Sprintf(`document.querySelectorAll('#initiatives tbody tr').length === %d && `+
		`document.querySelectorAll('#timeline .bar').length > 0`, size.initiatives)
	_ = get(t, br, 2*time.Minute, chromedp.Poll[bool](rendered, chromedp.WithPollingMutation()))
	began = time.Now()
	br.do(t, 2*time.Minute, chromedp.Navigate(url))
	_ = get(t, br, 2*time.Minute, chromedp.Poll[bool](rendered, chromedp.WithPollingMutation()))
	firstRender := time.Since(began)
	t.Logf("first render of the lead's board (%d initiatives): %v", size.initiatives, firstRender.Round(time.Millisecond))

	// The members' pages: each follows its event stream and fetches every model it is told of.
	pageCtx, stopPages := context.WithCancel(ctx)
	t.Cleanup(stopPages)
	for member := 1; member < size.users; member++ {
		u := board.signIn(t, fmt.Sprintf("member-%d@example.com", member), fmt.Sprintf("members-%d", member))
		ids, _, _ := u.model()
		initiatives := 0
		for _, id := range ids {
			if strings.HasPrefix(id, "initiative/") {
				initiatives++
			}
		}
		g.Expect(initiatives).To(Equal(visible[member]), "member %d sees the initiatives of their namespaces", member)
		st := u.stream()
		go followPage(pageCtx, u, st)
	}

	// Steady state: the operator goes on writing goal rollups for a while after the phases are set; measure once
	// the lead's page has had no new model for three seconds.
	_ = waitSteady(t, g, br)

	window, reviewsBefore := time.Now(), sars()
	latencies := changeLatencies(t, g, k, br)
	t.Logf("change to the lead's page: median %v, max %v over %d changes", latencies[len(latencies)/2].Round(time.Millisecond),
		latencies[len(latencies)-1].Round(time.Millisecond), len(latencies))

	// The reviews over at least two cache lifetimes with every page open: what the cache bounds them to.
	<-time.After(time.Until(window.Add(2*size.ttl + time.Second)))
	minutes := time.Since(window).Minutes()
	perUser := (sars() - reviewsBefore) / float64(size.users) / minutes
	t.Logf("SubjectAccessReviews: %.1f per user per minute over %.1f minutes (access cache TTL %v; at most 3 + %d "+
		"namespaces per user per TTL, %.0f per minute)", perUser, minutes, size.ttl, size.namespaces,
		float64(3+size.namespaces)*time.Minute.Seconds()/size.ttl.Seconds())
	g.Expect(perUser).To(BeNumerically(">", 0))

	rss, hwm := memory(t, service.Process.Pid)
	t.Logf("board service memory: resident %d MiB, peak resident %d MiB", rss>>20, hwm>>20)
	br.noProblems(t)
}

// followPage is a member's open page: every version its stream announces, it fetches the model.
func followPage(ctx context.Context, u *user, st *stream) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-st.ended:
			return
		case <-st.versions:
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.base+"api/roadmap", nil)
			if err != nil {
				return
			}
			if resp, err := u.c.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
			}
		}
	}
}

// startBoardService runs `manager board` in its own process, as its Deployment does (the ServiceAccount's RBAC
// of config/board, sign-in at the provider m), and returns the process and the board's URL once it is ready.
func startBoardService(t *testing.T, env *testenv.Env, m *mockoidc.MockOIDC, ttl time.Duration) (*exec.Cmd, string) {
	t.Helper()
	g := NewWithT(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "manager")
	out, err := exec.Command("go", "build", "-o", bin, filepath.Join(testenv.Root(t), "cmd", "manager")).CombinedOutput()
	g.Expect(err).NotTo(HaveOccurred(), string(out))
	kubeconfig, err := env.WriteKubeconfig(dir, boardReader(t, env))
	g.Expect(err).NotTo(HaveOccurred())
	secret := filepath.Join(dir, "client-secret")
	g.Expect(os.WriteFile(secret, []byte(m.ClientSecret), 0o600)).To(Succeed())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	g.Expect(err).NotTo(HaveOccurred())
	address := l.Addr().String()
	g.Expect(l.Close()).To(Succeed())
	url := "http://" + address + "/"

	ctx, stop := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "board", "--address", address, "--allowed-hosts", "127.0.0.1",
		"--external-url", url, "--oidc-issuer-url", m.Issuer(), "--oidc-client-id", m.ClientID,
		"--oidc-client-secret-file", secret, "--oidc-username-claim", "email", "--oidc-groups-claim", "groups",
		"--oidc-groups-prefix", "oidc:", "--access-cache-ttl", ttl.String())
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	g.Expect(cmd.Start()).To(Succeed())
	t.Cleanup(func() { stop(); _ = cmd.Wait() })
	g.Eventually(func() int {
		resp, err := http.Get(url + "readyz")
		if err != nil {
			return 0
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}, 3*time.Minute, 100*time.Millisecond).Should(Equal(http.StatusOK))
	return cmd, url
}

// subjectAccessReviews is how many SubjectAccessReviews the apiserver has answered, from its own metrics.
func subjectAccessReviews(t *testing.T, env *testenv.Env) float64 {
	t.Helper()
	cs, err := kubernetes.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	data, err := cs.Discovery().RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var total float64
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "apiserver_request_total{") || !strings.Contains(line, `resource="subjectaccessreviews"`) ||
			!strings.Contains(line, `verb="POST"`) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err == nil {
			total += v
		}
	}
	return total
}
