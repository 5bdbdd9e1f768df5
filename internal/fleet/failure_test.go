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
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// hostile answers every request with status and body, as a web server or a proxy in front of a cluster does.
func hostile(t *testing.T, status int, contentType, body string) *httptest.Server {
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s
}

// TestClassify: every way a cluster can fail the manager's requests (asked of real servers, through the client
// the manager uses) ends in a named reason, and the summary quotes neither the server's address nor its answer.
func TestClassify(t *testing.T) {
	const page = "<html><body>Moved to the login page, secret-body</body></html>"
	closed := httptest.NewTLSServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	hangup := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	t.Cleanup(hangup.Close)
	slow := httptest.NewTLSServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(slow.Close)

	type server struct {
		url string
		ca  *httptest.Server
	}
	self := func(s *httptest.Server) server { return server{s.URL, s} }
	for _, tc := range []struct {
		name    string
		server  server
		reason  string
		summary string
	}{
		{"HTML page", self(hostile(t, http.StatusOK, "text/html", page)), roadmapv1.CheckReasonClusterResponseInvalid,
			"not a Kubernetes API response"},
		{"JSON of something else", self(hostile(t, http.StatusOK, "application/json", `["secret-body"]`)),
			roadmapv1.CheckReasonClusterResponseInvalid, "not a Kubernetes API response"},
		{"not found, HTML", self(hostile(t, http.StatusNotFound, "text/html", page)), roadmapv1.CheckReasonClusterResponseInvalid,
			"answered 404 Not Found"},
		{"teapot", self(hostile(t, http.StatusTeapot, "text/plain", page)), roadmapv1.CheckReasonClusterResponseInvalid,
			"answered 418 I'm a teapot"},
		{"redirect", self(redirector(t, "http://169.254.169.254", http.StatusFound)), roadmapv1.CheckReasonClusterResponseInvalid,
			"answered with a redirect"},
		{"forbidden", self(hostile(t, http.StatusForbidden, "text/html", page)), roadmapv1.CheckReasonAccessDenied, "403 Forbidden"},
		{"unauthorized", self(hostile(t, http.StatusUnauthorized, "text/html", page)), roadmapv1.CheckReasonKubeconfigInvalid,
			"rejected the credentials"},
		{"bad gateway", self(hostile(t, http.StatusBadGateway, "text/html", page)), roadmapv1.CheckReasonClusterUnreachable,
			"answered 502 Bad Gateway"},
		{"connection refused", server{closedURL, nil}, roadmapv1.CheckReasonClusterUnreachable, "refused the connection"},
		{"plain HTTP behind https://", server{strings.Replace(plain.URL, "http:", "https:", 1), nil},
			roadmapv1.CheckReasonClusterResponseInvalid, "does not speak TLS"},
		{"untrusted certificate", server{hostile(t, http.StatusOK, "application/json", "{}").URL, nil},
			roadmapv1.CheckReasonClusterUnreachable, "certificate the kubeconfig's CA does not verify"},
		// client-go retries a GET the server hung up on, until the timeout.
		{"hangs up", self(hangup), roadmapv1.CheckReasonClusterUnreachable, ""},
		{"slow", self(slow), roadmapv1.CheckReasonClusterUnreachable, "did not answer in time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := restConfigFor(t, kubeconfigFor(tc.server.url, tc.server.ca), Policy{})
			// Long enough for a loaded machine's TLS handshake; the slow server is let time out sooner.
			cfg.Timeout = 5 * time.Second
			if tc.name == "slow" {
				cfg.Timeout = time.Second
			}
			RefuseRedirects(cfg)
			disco, err := discovery.NewDiscoveryClientForConfig(cfg)
			if err != nil {
				t.Fatal(err)
			}
			// The probe's request, as the evidence watcher makes it.
			err = VersionAnswer(disco.RESTClient().Get().AbsPath("/version").Do(t.Context()).Raw())
			if err == nil {
				t.Fatal("the request succeeded")
			}
			f := Classify(err)
			if f.Reason != tc.reason || !strings.Contains(f.Summary, tc.summary) {
				t.Fatalf("Classify(%v) = %+v, want %s saying %q", err, f, tc.reason, tc.summary)
			}
			host, _, _ := net.SplitHostPort(strings.TrimPrefix(tc.server.url, "https://"))
			for _, quoted := range []string{host, "169.254", "secret-body", "html", "https://", "/version"} {
				if strings.Contains(f.Summary, quoted) {
					t.Fatalf("the summary quotes %q: %q (error: %v)", quoted, f.Summary, err)
				}
			}
		})
	}
	if f := Classify(&net.DNSError{Err: "no such host", Name: "prod-eu.example", IsNotFound: true}); f.Reason !=
		roadmapv1.CheckReasonClusterUnreachable || strings.Contains(f.Summary, "prod-eu") {
		t.Fatalf("Classify(DNS error) = %+v", f)
	}
	if f := Classify(errors.New("anything else, https://10.0.0.1")); f.Reason != roadmapv1.CheckReasonClusterUnreachable ||
		strings.Contains(f.Summary, "10.0.0.1") {
		t.Fatalf("Classify(unknown error) = %+v", f)
	}
}

// TestClassifyEveryRequest: an HTML page answers every request the evidence watcher makes of a cluster
// (discovery through controller-runtime's REST mapper, lists through the dynamic client), whatever form
// client-go's error takes (JSON syntax, a kind missing from the "object", no decoder for the content type),
// each is ClusterResponseInvalid.
func TestClassifyEveryRequest(t *testing.T) {
	for _, contentType := range []string{"text/html", "application/json", ""} {
		t.Run(contentType, func(t *testing.T) {
			s := hostile(t, http.StatusOK, contentType, "<html><body>secret-body</body></html>")
			cfg := restConfigFor(t, kubeconfigFor(s.URL, s), Policy{})
			RefuseRedirects(cfg)
			httpClient, err := rest.HTTPClientFor(cfg)
			if err != nil {
				t.Fatal(err)
			}
			mapper, err := apiutil.NewDynamicRESTMapper(cfg, httpClient)
			if err != nil {
				t.Fatal(err)
			}
			_, mappingErr := mapper.RESTMapping(schema.GroupKind{Group: "apps", Kind: "Deployment"}, "v1")
			errs := append(everyRequest(t, cfg), mappingErr)
			for i, err := range errs {
				if err == nil {
					t.Fatalf("request %d succeeded", i)
				}
				if f := Classify(err); f.Reason != roadmapv1.CheckReasonClusterResponseInvalid {
					t.Errorf("request %d: Classify(%v) = %+v", i, err, f)
				}
			}
		})
	}
}
