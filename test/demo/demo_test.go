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

// Package demo runs `make demo` (hack/demo.sh) end to end, as a newcomer would: a local control plane from
// hack/local-cluster.sh, the sample roadmap, the event bus declared Available, the innovation work it gated
// unblocked by the watches. It runs in its own DEMO_DIR, so a developer's running demo is left alone.
package demo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// The sample roadmap's initiatives and their phases after the demo has declared the event bus Available.
var phasesAfter = map[string]string{
	"team-checkout/order-events":                    "Ready",   // was Blocked by event-bus
	"team-personalisation/clickstream-ingestion":    "Ready",   // was Blocked by event-bus
	"team-personalisation/realtime-recommendations": "Blocked", // still needs feature-flags
	"team-marketing/marketing-chatbot":              "Ready",
	"team-platform/kafka-cluster":                   "Ready",
	"team-platform/feature-flag-service":            "Ready",
	"team-platform/multi-zone-kubernetes":           "Done",
	"team-sre/observability-stack":                  "Done",
	"team-sre/slo-alerting":                         "Ready",
}

var processes = []string{"etcd", "kube-apiserver", "manager", "board"}

func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane and builds the manager")
	}
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	assets, err := testenv.Assets(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	script := func(args ...string) (string, error) {
		return runScript(ctx, root, dir, args...)
	}
	// Registered after t.TempDir, so it runs before the directory is removed; with its own context, since the
	// test's is cancelled by then.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if out, err := runScript(ctx, root, dir, "local-cluster.sh", "down"); err != nil {
			t.Errorf("hack/local-cluster.sh down: %v\n%s", err, out)
		}
	})
	kubectl := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, filepath.Join(assets, "kubectl"), args...)
		cmd.Env = append(os.Environ(), "KUBECONFIG="+filepath.Join(dir, "kubeconfig"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return string(out)
	}

	out, err := script("demo.sh")
	if err != nil {
		t.Fatalf("hack/demo.sh: %v\n%s", err, out)
	}
	t.Logf("hack/demo.sh output:\n%s", out)
	assertStory(t, out)
	assertCluster(t, kubectl)
	assertBoard(t, out)
	pids := readPids(t, dir)

	// Re-running is safe: `up` keeps the running processes, and the demo resets the story and tells it again.
	out, err = script("demo.sh")
	if err != nil {
		t.Fatalf("hack/demo.sh, second run: %v\n%s", err, out)
	}
	if !strings.Contains(out, "local-cluster: already up") {
		t.Errorf("second run did not find the control plane up:\n%s", out)
	}
	assertStory(t, out)
	assertCluster(t, kubectl)
	if again := readPids(t, dir); again != pids {
		t.Errorf("second run restarted processes: pids %v, then %v", pids, again)
	}

	// down stops exactly the recorded processes, and waits for them.
	if out, err := script("local-cluster.sh", "down"); err != nil {
		t.Fatalf("hack/local-cluster.sh down: %v\n%s", err, out)
	}
	for i, name := range processes {
		if alive(pids[i]) {
			t.Errorf("%s (pid %d) still running after down", name, pids[i])
		}
		if _, err := os.Stat(filepath.Join(dir, name+".pid")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s.pid not removed by down (stat: %v)", name, err)
		}
	}
}

// runScript runs a script of hack/ with DEMO_DIR=dir and returns its combined output.
func runScript(ctx context.Context, root, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(root, "hack", args[0]), args[1:]...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "DEMO_DIR="+dir)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// assertStory checks the demo's output: the before view, the after view and the list of what changed.
func assertStory(t *testing.T, out string) {
	t.Helper()
	before := section(t, out, "==> The standup view:", "==> The platform team declares")
	after := section(t, out, "==> The standup view again", "==> What changed")
	changed := section(t, out, "==> What changed", "==> Keep exploring")
	gate := section(t, out, "==> The workload gate: team-checkout", "==> The platform team declares")
	admitted := section(t, out, "==> The workload gate again", "==> The standup view again")

	// The workload gate refuses order-events while the event bus is Planned, and names what must happen; the
	// unlabelled Deployment of team-marketing (audit) is admitted and shows in the standup as untraced.
	for _, row := range []string{
		`initiative team-checkout/order-events is Blocked by capability event-bus \(Planned\); it may deploy once event-bus is Ready`,
		`deployment\.apps/campaign-bot created`,
		`team-marketing: 1 untraced, 0 dangling`,
	} {
		assertRow(t, "workload gate", gate, row)
	}
	if strings.Contains(gate, "deployment.apps/order-events created") {
		t.Errorf("order-events was admitted while event-bus is Planned:\n%s", gate)
	}
	assertRow(t, "workload gate after the flip", admitted, `deployment\.apps/order-events created`)

	// Before: kubectl get goals,capabilities,initiatives -A prefixes names with the resource.
	for _, row := range []string{
		`capability\.roadmap\.dev/event-bus\s+Planned\s+False`,
		`capability\.roadmap\.dev/kubernetes-platform\s+Available\s+True`,
		`initiative\.roadmap\.dev/clickstream-ingestion\s+Innovation\s+Blocked\s+capability event-bus: Planned`,
		`initiative\.roadmap\.dev/order-events\s+Innovation\s+Blocked\s+capability event-bus: Planned`,
		`initiative\.roadmap\.dev/realtime-recommendations\s+Innovation\s+Blocked\s+` +
			`capability event-bus: Planned, capability feature-flags: Planned`,
		`initiative\.roadmap\.dev/kafka-cluster\s+Operations\s+Ready`,
		`goal\.roadmap\.dev/realtime-personalisation\s+2027-12-31`,
	} {
		assertRow(t, "before", before, row)
	}
	for _, row := range []string{
		`event-bus\s+Available\s+True\s+Ready`,
		`feature-flags\s+Planned\s+False`,
		`clickstream-ingestion\s+Innovation\s+Ready`,
		`order-events\s+Innovation\s+Ready`,
		`realtime-recommendations\s+Innovation\s+Blocked\s+capability feature-flags: Planned\s`,
	} {
		assertRow(t, "after", after, row)
	}
	for _, row := range []string{
		`team-checkout/order-events\s+Blocked -> Ready`,
		`team-personalisation/clickstream-ingestion\s+Blocked -> Ready`,
		`team-personalisation/realtime-recommendations\s+still Blocked, now only by: capability feature-flags: Planned`,
	} {
		assertRow(t, "what changed", changed, row)
	}
	if n := len(strings.Split(strings.TrimSpace(changed), "\n")); n != 3 {
		t.Errorf("what changed lists %d initiatives, want 3:\n%s", n, changed)
	}
	if !strings.Contains(out, "export KUBECONFIG=") || !strings.Contains(out, "make demo-down") {
		t.Errorf("the demo does not end by saying how to keep exploring:\n%s", out)
	}
}

// assertCluster checks the state the demo leaves behind, with kubectl.
func assertCluster(t *testing.T, kubectl func(...string) string) {
	t.Helper()
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(kubectl("get", "initiatives", "-A", "-o",
		`jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{" "}{.status.phase}{"\n"}{end}`)), "\n") {
		key, phase, _ := strings.Cut(line, " ")
		got[key] = phase
	}
	for key, want := range phasesAfter {
		if got[key] != want {
			t.Errorf("initiative %s: phase %q, want %q", key, got[key], want)
		}
	}
	if len(got) != len(phasesAfter) {
		t.Errorf("initiatives in the cluster: %v, want those of %v", got, phasesAfter)
	}
	blockers := kubectl("get", "initiative", "realtime-recommendations", "-n", "team-personalisation",
		"-o", `jsonpath={range .status.blockedBy[*]}{.kind}/{.name}={.reason}{"\n"}{end}`)
	if strings.TrimSpace(blockers) != "Capability/feature-flags=CapabilityNotReady" {
		t.Errorf("realtime-recommendations blocked by %q, want only Capability/feature-flags=CapabilityNotReady", blockers)
	}
	ready := kubectl("get", "capability", "event-bus", "-o",
		`jsonpath={.spec.lifecycle} {.status.conditions[?(@.type=="Ready")].status}`)
	if ready != "Available True" {
		t.Errorf("capability event-bus: lifecycle and Ready %q, want %q", ready, "Available True")
	}
}

func section(t *testing.T, out, from, to string) string {
	t.Helper()
	_, rest, ok := strings.Cut(out, from)
	if !ok {
		t.Fatalf("no %q in the demo's output:\n%s", from, out)
	}
	s, _, ok := strings.Cut(rest, to)
	if !ok {
		t.Fatalf("no %q after %q in the demo's output:\n%s", to, from, out)
	}
	return s
}

func assertRow(t *testing.T, where, text, row string) {
	t.Helper()
	if !regexp.MustCompile(row).MatchString(text) {
		t.Errorf("%s: no line matching %q in:\n%s", where, row, text)
	}
}

// assertBoard checks the demo printed the board's URL and the board answers there.
func assertBoard(t *testing.T, out string) {
	t.Helper()
	m := regexp.MustCompile(`Roadmap board: (http://127\.0\.0\.1:[0-9]+/)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo printed no board URL:\n%s", out)
	}
	resp, err := http.Get(m[1] + "api/roadmap")
	if err != nil {
		t.Fatalf("the board at %s: %v", m[1], err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"initiative/team-checkout/order-events"`) {
		t.Errorf("the board at %s answered %d: %.200s", m[1], resp.StatusCode, body)
	}
}

// readPids returns the pids of etcd, kube-apiserver, the manager and the board, and checks they are running.
func readPids(t *testing.T, dir string) [4]int {
	t.Helper()
	var pids [4]int
	for i, name := range processes {
		data, err := os.ReadFile(filepath.Join(dir, name+".pid"))
		if err != nil {
			t.Fatalf("reading %s.pid: %v", name, err)
		}
		pids[i], err = strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil {
			t.Fatalf("%s.pid: %v", name, err)
		}
		if !alive(pids[i]) {
			t.Errorf("%s (pid %d) is not running", name, pids[i])
		}
	}
	return pids
}

// alive reports whether a process exists and is not a zombie waiting to be reaped.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true // no /proc (macOS): kill(pid, 0) said it exists
	}
	// The state follows the command name in parentheses: "pid (comm) S ...".
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndex(s, ")")+1:])
	return len(fields) == 0 || fields[0] != "Z"
}
