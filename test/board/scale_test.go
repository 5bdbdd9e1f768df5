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
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/board"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var scale = flag.Bool("scale", false, "run TestBoardScale: the board with 1,000 initiatives, 200 capabilities and 50 goals "+
	"(timings and memory are reported, not asserted)")

// TestBoardScale measures the board on a large roadmap: the first render in headless Chromium, how long a change
// takes from the apiserver's answer to the page, and the resident memory of `kubectl roadmap serve`. It reports;
// it asserts only that the page shows everything and follows the changes.
//
//	go test ./test/board -run TestBoardScale -scale -v
func TestBoardScale(t *testing.T) {
	if !*scale {
		t.Skip("a measurement, not a test: run with -scale")
	}
	g := NewWithT(t)
	b := newBrowser(t)
	env := startOperator(t)
	ctx := context.Background()
	k := env.Client

	const goals, capabilities, initiatives, namespaces = 50, 200, 1000, 20
	began := time.Now()
	for _, obj := range largeRoadmap(goals, capabilities, initiatives, namespaces) {
		g.Expect(k.Create(ctx, obj)).To(Succeed())
	}
	t.Logf("created %d goals, %d capabilities, %d initiatives in %v", goals, capabilities, initiatives, time.Since(began).Round(time.Second))
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
	}, 10*time.Minute, time.Second).Should(Equal(initiatives))
	t.Logf("the operator settled the roadmap %v after the first create", time.Since(began).Round(time.Second))

	// `kubectl roadmap serve` as a user runs it: its own process, so its memory is its own.
	dir := t.TempDir()
	bin := filepath.Join(dir, "kubectl-roadmap")
	out, err := exec.Command("go", "build", "-o", bin, filepath.Join(testenv.Root(t), "cmd", "kubectl-roadmap")).CombinedOutput()
	g.Expect(err).NotTo(HaveOccurred(), string(out))
	kubeconfig, err := env.WriteKubeconfig(dir, testenv.Admin)
	g.Expect(err).NotTo(HaveOccurred())
	serveCtx, stop := context.WithCancel(ctx)
	cmd := exec.CommandContext(serveCtx, bin, "serve", "--kubeconfig", kubeconfig, "--address", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	g.Expect(err).NotTo(HaveOccurred())
	cmd.Stderr = os.Stderr
	g.Expect(cmd.Start()).To(Succeed())
	t.Cleanup(func() { stop(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	g.Expect(err).NotTo(HaveOccurred())
	url := regexp.MustCompile(`http://[^ ]+/`).FindString(line)
	g.Expect(url).NotTo(BeEmpty(), line)

	// First render: from navigation to every initiative on the page.
	began = time.Now()
	b.do(t, 2*time.Minute, chromedp.Navigate(url))
	_ = get(t, b, 2*time.Minute, chromedp.Poll[bool](fmt.Sprintf(
		`document.querySelectorAll('#initiatives tbody tr').length === %d && document.querySelectorAll('#timeline .bar').length > 0`, initiatives),
		chromedp.WithPollingMutation()))
	firstRender := time.Since(began)
	t.Logf("first render of %d initiatives, %d capabilities and %d goals: %v", initiatives, capabilities, goals, firstRender.Round(time.Millisecond))

	// The operator keeps writing for a while after the phases are set (goal rollups, priorities), and every write
	// is a new model on the page: measure a change in the steady state, once the page has had no new model for
	// three seconds.
	since := waitSteady(t, g, b)
	t.Logf("the page had its last model %v after the first render", since.Sub(began.Add(firstRender)).Round(time.Second))

	// A change: from the apiserver's answer to the patch until the page shows it.
	latencies := changeLatencies(t, g, k, b)
	t.Logf("change to page: median %v, max %v over %d changes", latencies[len(latencies)/2].Round(time.Millisecond),
		latencies[len(latencies)-1].Round(time.Millisecond), len(latencies))

	// The page's share: how long drawing each model took (the page measures it on its performance timeline).
	renders := get(t, b, 10*time.Second, chromedp.Evaluate[[]float64](
		`performance.getEntriesByName('board-render').map(function (e) { return e.duration; })`))
	g.Expect(renders).NotTo(BeEmpty())
	first, rest := renders[0], append([]float64{}, renders[1:]...)
	sort.Float64s(rest)
	if len(rest) > 0 {
		t.Logf("drawing a model on the page: the first %.0f ms; the %d after it median %.0f ms, max %.0f ms",
			first, len(rest), rest[len(rest)/2], rest[len(rest)-1])
	}

	// The server's share of a change: rebuilding and encoding the model from a snapshot.
	c, err := roadmapview.NewClient(env.Config)
	g.Expect(err).NotTo(HaveOccurred())
	snap, err := roadmapview.Load(ctx, c, roadmapview.Scope{})
	g.Expect(err).NotTo(HaveOccurred())
	began = time.Now()
	data, err := json.Marshal(board.Build(snap, time.Now()))
	g.Expect(err).NotTo(HaveOccurred())
	t.Logf("model rebuild and encoding: %v, %d KiB of JSON", time.Since(began).Round(time.Millisecond), len(data)>>10)

	rss, hwm := memory(t, cmd.Process.Pid)
	t.Logf("kubectl roadmap serve memory: resident %d MiB, peak resident %d MiB", rss>>20, hwm>>20)
	b.noProblems(t)
}

// waitSteady returns once the page has had no new model for three seconds, and since when: the operator goes on
// writing (goal rollups, priorities) for a while after the phases are set, and every write is a new model.
func waitSteady(t *testing.T, g *WithT, b *browser) time.Time {
	version, since := "", time.Now()
	g.Eventually(func() time.Duration {
		v := get(t, b, 10*time.Second, chromedp.Evaluate[string](`document.body.dataset.version`))
		if v != version {
			version, since = v, time.Now()
		}
		return time.Since(since)
	}, 5*time.Minute, 250*time.Millisecond).Should(BeNumerically(">=", 3*time.Second))
	return since
}

// changeLatencies renames the initiative team-07/initiative-0007 five times and returns, sorted, how long each
// rename took from the apiserver's answer to the patch until the page showed it.
func changeLatencies(t *testing.T, g *WithT, k client.Client, b *browser) []time.Duration {
	var latencies []time.Duration
	for i := range 5 {
		title := fmt.Sprintf("renamed %d", i)
		ini := &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: "team-07", Name: "initiative-0007"}}
		g.Expect(k.Patch(context.Background(), ini, client.RawPatch(types.MergePatchType, []byte(`{"spec":{"title":"`+title+`"}}`)))).To(Succeed())
		patched := time.Now()
		_ = get(t, b, time.Minute, chromedp.Poll[bool](fmt.Sprintf(
			`(document.querySelector('tr[data-node="initiative/team-07/initiative-0007"] .title') || {}).textContent === %q`, title),
			chromedp.WithPollingMutation()))
		latencies = append(latencies, time.Since(patched))
	}
	slices.Sort(latencies)
	return latencies
}

// memory reads the resident set size and its peak from /proc (Linux).
func memory(t *testing.T, pid int) (rss, hwm int64) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Logf("no memory figure: %v", err)
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			hwm = kb << 10
		}
	}
	return rss, hwm
}

// largeRoadmap: goals in cascades of five; capabilities in chains of four (each requires the one before), a
// quarter of them Available; initiatives across namespaces, each serving a goal and requiring two capabilities,
// one in five providing one, due over two years.
func largeRoadmap(goals, capabilities, initiatives, namespaces int) []client.Object {
	var objs []client.Object
	for i := range namespaces {
		objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("team-%02d", i)}})
	}
	for i := range goals {
		g := &roadmapv1.Goal{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("goal-%02d", i)},
			Spec: roadmapv1.GoalSpec{Title: fmt.Sprintf("Goal %d", i), Owner: "leadership", TargetDate: "2028-12-31"}}
		if i%5 != 0 {
			g.Spec.Parent = roadmapv1.ResourceName(fmt.Sprintf("goal-%02d", i-i%5))
		}
		objs = append(objs, g)
	}
	for i := range capabilities {
		c := &roadmapv1.Capability{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("capability-%03d", i)},
			Spec: roadmapv1.CapabilitySpec{Title: fmt.Sprintf("Capability %d", i), Owner: fmt.Sprintf("platform-%d", i%5),
				Lifecycle: roadmapv1.LifecyclePlanned}}
		if i%4 != 0 {
			c.Spec.Requires = []roadmapv1.ResourceName{roadmapv1.ResourceName(fmt.Sprintf("capability-%03d", i-1))}
		}
		if i%4 == 0 {
			c.Spec.Lifecycle = roadmapv1.LifecycleAvailable
		}
		objs = append(objs, c)
	}
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range initiatives {
		ns := fmt.Sprintf("team-%02d", i%namespaces)
		ini := &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("initiative-%04d", i)},
			Spec: roadmapv1.InitiativeSpec{Title: fmt.Sprintf("Initiative %d", i), Owner: ns, Track: roadmapv1.TrackInnovation,
				TargetDate: roadmapv1.Date(start.AddDate(0, 0, (i*7)%730).Format(time.DateOnly)),
				Goals:      []roadmapv1.ResourceName{roadmapv1.ResourceName(fmt.Sprintf("goal-%02d", i%goals))},
				Requires: []roadmapv1.ResourceName{roadmapv1.ResourceName(fmt.Sprintf("capability-%03d", i%capabilities)),
					roadmapv1.ResourceName(fmt.Sprintf("capability-%03d", (i*7)%capabilities))}}}
		if i%5 == 0 {
			ini.Spec.Track, ini.Spec.Requires = roadmapv1.TrackOperations, nil
			ini.Spec.Provides = []roadmapv1.ResourceName{roadmapv1.ResourceName(fmt.Sprintf("capability-%03d", (i/5)%capabilities))}
		}
		objs = append(objs, ini)
	}
	return objs
}
