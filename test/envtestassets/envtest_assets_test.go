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

// Package envtestassets tests hack/envtest-assets.sh offline: the released envtest binaries come from a local
// server playing the controller-tools releases index, and the source build is played by a stand-in go command
// that writes a small script naming the package it was asked to build, so neither path needs the internet or the
// ten minutes of a kube-apiserver build.
package envtestassets

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const kubeVersion = "1.37.2"

var binaries = []string{"etcd", "kube-apiserver", "kubectl"}

// sourcePackages is what the source build must build each binary from.
var sourcePackages = map[string]string{
	"etcd":           "go.etcd.io/etcd/server/v3",
	"kubectl":        "k8s.io/kubernetes/cmd/kubectl",
	"kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
}

// archiveName is the archive of the releases index for this machine, as setup-envtest names it.
func archiveName() string {
	return fmt.Sprintf("envtest-v%s-%s-%s.tar.gz", kubeVersion, runtime.GOOS, runtime.GOARCH)
}

// releasedBinary is the content of a fake released binary: a script that names itself.
func releasedBinary(name string) []byte {
	return []byte("#!/bin/sh\necho released " + name + "\n")
}

// buildArchive is an envtest release archive: controller-tools/envtest/<binary> for each name given.
func buildArchive(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, dir := range []string{"controller-tools/", "controller-tools/envtest/"} {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir, Mode: 0o755}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range names {
		content := releasedBinary(name)
		if err := tw.WriteHeader(&tar.Header{Name: "controller-tools/envtest/" + name, Mode: 0o755, Size: int64(len(content))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sha512Hex(b []byte) string {
	sum := sha512.Sum512(b)
	return hex.EncodeToString(sum[:])
}

// releases serves a releases index in the format of controller-tools' envtest-releases.yaml and one archive,
// and counts the requests it gets.
type releases struct {
	server   *httptest.Server
	requests atomic.Int32
}

// serveReleases serves archive as this machine's archive of kubeVersion, listed in the index with hash, among
// archives of other versions and platforms.
func serveReleases(t *testing.T, archive []byte, hash string) *releases {
	t.Helper()
	r := &releases{}
	mux := http.NewServeMux()
	mux.HandleFunc("/envtest-releases.yaml", func(w http.ResponseWriter, _ *http.Request) {
		r.requests.Add(1)
		link := r.server.URL + "/download/" + archiveName()
		other := strings.Repeat("ab", sha512.Size)
		fmt.Fprintf(w, `releases:
  v1.36.0:
    envtest-v1.36.0-%[1]s-%[2]s.tar.gz:
      hash: %[5]s
      selfLink: %[6]s/download/envtest-v1.36.0-%[1]s-%[2]s.tar.gz
  v%[3]s:
    envtest-v%[3]s-plan9-%[2]s.tar.gz:
      hash: %[5]s
      selfLink: %[6]s/download/envtest-v%[3]s-plan9-%[2]s.tar.gz

    %[4]s:
      hash: %[7]s
      selfLink: %[8]s
    envtest-v%[3]s-%[1]s-mips.tar.gz:
      hash: %[5]s
      selfLink: %[6]s/download/envtest-v%[3]s-%[1]s-mips.tar.gz
`, runtime.GOOS, runtime.GOARCH, kubeVersion, archiveName(), other, r.server.URL, hash, link)
	})
	mux.HandleFunc("/download/"+archiveName(), func(w http.ResponseWriter, _ *http.Request) {
		r.requests.Add(1)
		_, _ = w.Write(archive)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		r.requests.Add(1)
		http.NotFound(w, req)
	})
	r.server = httptest.NewServer(mux)
	t.Cleanup(r.server.Close)
	return r
}

func (r *releases) indexURL() string { return r.server.URL + "/envtest-releases.yaml" }

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// fakeGo writes a go command that stands in for `go build ... -o OUT PKG`: OUT becomes a script naming PKG.
func fakeGo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "go")
	script := `#!/bin/sh
[ "$1" = build ] || { echo "fake go: unexpected $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in -o) out="$2"; shift ;; esac
	pkg="$1"
	shift
done
printf '#!/bin/sh\necho built from %s\n' "$pkg" >"$out"
chmod +x "$out"
`
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// noGo writes a go command that fails: the source build must not run.
func noGo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "go")
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho 'the source build ran' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// run runs hack/envtest-assets.sh with the assets directory assetsDir, the index at indexURL and goCmd as go,
// and returns the last line of its stdout and the lines of its stderr.
func run(t *testing.T, assetsDir, indexURL, goCmd string) (dir string, stderr []string) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", "hack", "envtest-assets.sh"))
	if err != nil {
		t.Fatal(err)
	}
	// Open what the script reads, so that go test's cache sees a change to any of them.
	for _, path := range []string{script, "../../hack/tools/kubernetes/go.mod", "../../hack/tools/etcd/go.mod"} {
		if _, err := os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "KUBE_VERSION", "ETCD_VERSION", "GO", "ENVTEST_ASSETS_DIR", "ENVTEST_INDEX_URL":
		default:
			cmd.Env = append(cmd.Env, kv)
		}
	}
	// A proxy from the environment must not stand between the script and the local server.
	cmd.Env = append(cmd.Env, "ENVTEST_ASSETS_DIR="+assetsDir, "ENVTEST_INDEX_URL="+indexURL, "GO="+goCmd,
		"NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1")
	var stdout, errBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &errBuf
	if err := cmd.Run(); err != nil {
		t.Fatalf("hack/envtest-assets.sh: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), errBuf.String())
	}
	out := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
	return out[len(out)-1], strings.Split(strings.TrimRight(errBuf.String(), "\n"), "\n")
}

// wantBinaries fails unless dir holds the three binaries, executable, each with the content want gives it.
func wantBinaries(t *testing.T, dir string, want func(name string) []byte) {
	t.Helper()
	for _, name := range binaries {
		path := filepath.Join(dir, name)
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o111 == 0 {
			t.Errorf("%s is not executable: %v", path, info.Mode())
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want(name)) {
			t.Errorf("%s is\n%s\nwant\n%s", path, got, want(name))
		}
	}
}

func builtFromSource(name string) []byte {
	return []byte("#!/bin/sh\necho built from " + sourcePackages[name] + "\n")
}

// wantFallback fails unless stderr is the one line that says the released binaries could not be had (because of
// why) and the source build's own progress, nothing else (no curl or tar output).
func wantFallback(t *testing.T, stderr []string, why string) {
	t.Helper()
	if !strings.HasPrefix(stderr[0], "envtest-assets: no released binaries (") ||
		!strings.HasSuffix(stderr[0], "); building from Go module sources") || !strings.Contains(stderr[0], why) {
		t.Errorf("the first line of stderr is %q, want the fallback to the source build because of %q", stderr[0], why)
	}
	progress := regexp.MustCompile(`^envtest-assets: (etcd|kubectl|kube-apiserver): (building \S+ \(|built in \d+s$)`)
	for _, line := range stderr[1:] {
		if !progress.MatchString(line) {
			t.Errorf("stderr line %q is neither the fallback line nor the source build's progress", line)
		}
	}
}

func TestInstallsTheReleasedBinaries(t *testing.T) {
	archive := buildArchive(t, binaries...)
	rel := serveReleases(t, archive, sha512Hex(archive))
	assets := t.TempDir()

	dir, stderr := run(t, assets, rel.indexURL(), noGo(t))
	if want := filepath.Join(assets, kubeVersion); dir != want {
		t.Errorf("the last line of stdout is %q, want %q", dir, want)
	}
	wantLine := "envtest-assets: installed the released " + archiveName() + " (sha512 verified) into " + dir
	if len(stderr) != 1 || stderr[0] != wantLine {
		t.Errorf("stderr is %q, want the one line %q", stderr, wantLine)
	}
	wantBinaries(t, dir, releasedBinary)

	// A second run finds them up to date and asks the network nothing.
	asked := rel.requests.Load()
	dir, stderr = run(t, assets, rel.indexURL(), noGo(t))
	if wantLine := "envtest-assets: kube-apiserver, etcd and kubectl cached in " + dir; len(stderr) != 1 || stderr[0] != wantLine {
		t.Errorf("second run: stderr is %q, want the one line %q", stderr, wantLine)
	}
	if got := rel.requests.Load(); got != asked {
		t.Errorf("second run: %d requests to the releases server, want none", got-asked)
	}
	wantBinaries(t, dir, releasedBinary)
}

// TestRefusesABadRelease: whatever is wrong with the release, nothing of it is installed and the binaries are
// built from source.
func TestRefusesABadRelease(t *testing.T) {
	good := buildArchive(t, binaries...)
	partial := buildArchive(t, "etcd", "kubectl")
	for _, tc := range []struct {
		name    string
		archive []byte
		hash    string
		why     string
	}{
		{name: "wrong checksum", archive: good, hash: sha512Hex([]byte("something else")), why: "does not match the index's"},
		{name: "archive without kube-apiserver", archive: partial, hash: sha512Hex(partial), why: "controller-tools/envtest/kube-apiserver"},
		{name: "no hash in the index", archive: good, hash: "", why: "the index has no " + archiveName()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rel := serveReleases(t, tc.archive, tc.hash)
			dir, stderr := run(t, t.TempDir(), rel.indexURL(), fakeGo(t))
			wantFallback(t, stderr, tc.why)
			wantBinaries(t, dir, builtFromSource)
		})
	}
}

// TestFallsBackToTheSourceBuildWhenTheIndexIsUnreachable is a machine without the internet: the one fallback
// line, the source build, and then a cache that the next run uses without trying the network again.
func TestFallsBackToTheSourceBuildWhenTheIndexIsUnreachable(t *testing.T) {
	indexURL := "http://" + closedPort(t) + "/envtest-releases.yaml"
	assets := t.TempDir()

	dir, stderr := run(t, assets, indexURL, fakeGo(t))
	if want := filepath.Join(assets, kubeVersion); dir != want {
		t.Errorf("the last line of stdout is %q, want %q", dir, want)
	}
	wantFallback(t, stderr, "the index "+indexURL+": ")
	if len(stderr) != 1+2*len(binaries) {
		t.Errorf("stderr is %q, want the fallback line and a building and a built line for each binary", stderr)
	}
	wantBinaries(t, dir, builtFromSource)

	dir, stderr = run(t, assets, indexURL, noGo(t))
	if wantLine := "envtest-assets: kube-apiserver, etcd and kubectl cached in " + dir; len(stderr) != 1 || stderr[0] != wantLine {
		t.Errorf("second run: stderr is %q, want the one line %q", stderr, wantLine)
	}
	wantBinaries(t, dir, builtFromSource)
}
