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

package fleet

import (
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

const testToken = "s3cr3t-token"

// kubeconfigFor is a kubeconfig for a test server, trusting caOf's certificate (nil: no CA data).
func kubeconfigFor(server string, caOf *httptest.Server) []byte {
	ca := ""
	if caOf != nil {
		data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caOf.Certificate().Raw})
		ca = ", certificate-authority-data: " + base64.StdEncoding.EncodeToString(data)
	}
	return fmt.Appendf(nil, `apiVersion: v1
kind: Config
current-context: c
contexts: [{name: c, context: {cluster: c, user: u}}]
clusters: [{name: c, cluster: {server: %q%s}}]
users: [{name: u, user: {token: %s}}]
`, server, ca, testToken)
}

// restConfigFor loads a test server's kubeconfig as the evidence watcher does.
func restConfigFor(t *testing.T, kubeconfig []byte, p Policy) *rest.Config {
	t.Helper()
	cfg, invalid := Load(kubeconfig, "test/cluster", p)
	if invalid != "" {
		t.Fatal(invalid)
	}
	cfg.Timeout = 5 * time.Second
	return cfg
}

// counter is an HTTP server that counts the requests reaching it, and the credentials they carry: the
// "metadata service" a hostile cluster redirects to.
type counter struct {
	*httptest.Server
	mu            sync.Mutex
	requests      int
	authorization []string
}

func newCounter(t *testing.T) *counter {
	c := &counter{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.requests++
		c.authorization = append(c.authorization, r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"major":"1","minor":"37"}`))
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *counter) seen() (int, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests, append([]string(nil), c.authorization...)
}

// redirector is a TLS "apiserver" that answers every request with a redirect to target, keeping the path.
func redirector(t *testing.T, target string, code int) *httptest.Server {
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target+r.URL.RequestURI(), code)
	}))
	t.Cleanup(s.Close)
	return s
}

// everyRequest makes the requests the evidence watcher makes of a cluster: the probe (/version), discovery
// (/api, /apis) and a list, each with a client built from cfg as the watcher builds them.
func everyRequest(t *testing.T, cfg *rest.Config) []error {
	t.Helper()
	disco, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, versionErr := disco.ServerVersion()
	_, groupsErr := disco.ServerGroups()
	_, listErr := dyn.Resource(schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}).
		Namespace("monitoring").List(t.Context(), metav1.ListOptions{})
	return []error{versionErr, groupsErr, listErr}
}

// TestRefuseRedirects: a cluster that redirects the manager's requests elsewhere (the cloud's metadata address,
// say) sends nothing there, whatever the redirect's status, and each request fails with ErrRedirect. Without
// RefuseRedirects, client-go follows the redirects and its bearer round-tripper sends the kubeconfig's token to
// the target: the test shows that too, so it cannot pass for a reason other than the refusal.
func TestRefuseRedirects(t *testing.T) {
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			metadata := newCounter(t)
			cluster := redirector(t, metadata.URL, code)

			cfg := restConfigFor(t, kubeconfigFor(cluster.URL, cluster), Policy{})
			RefuseRedirects(cfg)
			for i, err := range everyRequest(t, cfg) {
				if !errors.Is(err, ErrRedirect) {
					t.Errorf("request %d: err = %v, want ErrRedirect", i, err)
				}
			}
			if n, _ := metadata.seen(); n != 0 {
				t.Fatalf("%d requests reached the redirect's target", n)
			}

			follows := restConfigFor(t, kubeconfigFor(cluster.URL, cluster), Policy{})
			everyRequest(t, follows)
			n, auth := metadata.seen()
			if n == 0 || auth[0] != "Bearer "+testToken {
				t.Fatalf("without RefuseRedirects: %d requests reached the target, with Authorization %q; the "+
					"test no longer shows what the refusal prevents", n, auth)
			}
		})
	}
}
