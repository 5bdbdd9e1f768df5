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

package controllers_test

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// Tests of what a hostile or careless writer of cluster Secrets, or a hostile server behind a registered
// cluster's address, can make the operator do, and what every roadmap viewer then reads in status.

// checkingCluster creates a capability whose one check names monitoring/prometheus in the cluster of a Secret.
func checkingCluster(t *testing.T, g *WithT, name, secret string) {
	t.Helper()
	c := capability(name, roadmapv1.LifecycleAvailable)
	check := prometheusCheck()
	check.Cluster = &roadmapv1.ClusterReference{SecretRef: roadmapv1.SecretReference{Name: roadmapv1.ResourceName(secret)}}
	c.Spec.Checks = []roadmapv1.CheckReference{check}
	create(t, g, c)
	t.Cleanup(func() { _ = k.Delete(ctx(), capability(name, "")) })
}

// checkResult waits until the capability's status reflects its spec and reports its check with reason.
func checkResult(g *WithT, name, reason string) (*roadmapv1.Capability, roadmapv1.CheckStatus) {
	var c *roadmapv1.Capability
	g.Eventually(func(g Gomega) {
		c = getCapability(g, name)
		g.Expect(c.Status.ObservedGeneration).To(Equal(c.Generation))
		g.Expect(c.Status.Checks).To(HaveLen(1))
		g.Expect(c.Status.Checks[0].Reason).To(Equal(reason))
	}).Should(Succeed())
	return c, c.Status.Checks[0]
}

// expectNothingQuoted fails when a capability's status quotes what only the kubeconfig or the server said.
func expectNothingQuoted(g *WithT, c *roadmapv1.Capability, quoted ...string) {
	data, err := json.Marshal(c.Status)
	g.Expect(err).NotTo(HaveOccurred())
	// Every server of these tests, envtest's and the hostile ones, listens on 127.0.0.1.
	for _, q := range append(quoted, "127.0.0.1", "localhost", "<html", "secret-body", "/version", "/apis") {
		g.Expect(string(data)).NotTo(ContainSubstring(q), "the status of %s quotes %q", c.Name, q)
	}
}

// editKubeconfig changes the cluster of a kubeconfig's current context.
func editKubeconfig(g *WithT, kubeconfig []byte, edit func(*clientcmdapi.Cluster)) []byte {
	cfg, err := clientcmd.Load(kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	edit(cfg.Clusters[cfg.Contexts[cfg.CurrentContext].Cluster])
	data, err := clientcmd.Write(*cfg)
	g.Expect(err).NotTo(HaveOccurred())
	return data
}

// TestFleetClusterSecretOptIn: a check may name only a Secret labelled roadmap.dev/cluster=true. A Secret of the
// namespace without the label, even one holding a working kubeconfig (a Cluster API <cluster>-kubeconfig, say),
// reads exactly as a Secret that does not exist: the check learns neither that it exists nor anything through
// it. Labelling it registers the cluster; removing the label unregisters it and stops its watches.
func TestFleetClusterSecretOptIn(t *testing.T) {
	g := newG(t)
	namespace(t, clusterSecretsNamespace)
	monitoring := namespace(t, "monitoring")
	d := deployment(monitoring, "prometheus", 1)
	create(t, g, d)
	setDeploymentStatusWith(g, k, d, 1)
	admin, err := env.Kubeconfig(testenv.Admin)
	g.Expect(err).NotTo(HaveOccurred())

	secret := clusterSecret("optin-capi-kubeconfig", admin, nil)
	create(t, g, secret)
	checkingCluster(t, g, "optin-unlabelled", "optin-capi-kubeconfig")
	checkingCluster(t, g, "optin-missing", "optin-absent")
	c, unlabelled := checkResult(g, "optin-unlabelled", roadmapv1.CheckReasonKubeconfigInvalid)
	_, missing := checkResult(g, "optin-missing", roadmapv1.CheckReasonKubeconfigInvalid)
	g.Expect(unlabelled.Message).To(Equal(strings.ReplaceAll(missing.Message, "optin-absent", "optin-capi-kubeconfig")),
		"an unlabelled Secret reads as one that does not exist")
	g.Expect(conditionStatus(c.Status.Conditions, roadmapv1.ConditionStalled)).To(Equal(metav1.ConditionTrue))
	g.Expect(evidenceWatches(g, "optin-capi-kubeconfig")).To(BeZero())

	update(g, secret, func(s *corev1.Secret) { s.Labels = registered })
	expectCapability(g, "optin-unlabelled", metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)
	g.Expect(evidenceWatches(g, "optin-capi-kubeconfig")).To(BeEquivalentTo(1))

	update(g, secret, func(s *corev1.Secret) { s.Labels = nil })
	checkResult(g, "optin-unlabelled", roadmapv1.CheckReasonKubeconfigInvalid)
	g.Eventually(func(g Gomega) float64 { return evidenceWatches(g, "optin-capi-kubeconfig") }).Should(BeZero())
}

// TestFleetInsecureKubeconfigs: a kubeconfig that skips TLS verification, names a plain http:// server or sends
// the requests through a proxy of its choosing is refused (the manager runs without --insecure-kubeconfig-tls
// and --allow-kubeconfig-proxy-url), with a message that names the flag and quotes nothing of the kubeconfig.
func TestFleetInsecureKubeconfigs(t *testing.T) {
	g := newG(t)
	namespace(t, clusterSecretsNamespace)
	admin, err := env.Kubeconfig(testenv.Admin)
	g.Expect(err).NotTo(HaveOccurred())
	for _, tc := range []struct {
		name string
		edit func(*clientcmdapi.Cluster)
		want string
	}{
		{"insecure-tls", func(c *clientcmdapi.Cluster) { c.InsecureSkipTLSVerify, c.CertificateAuthorityData = true, nil },
			"the kubeconfig in Secret roadmap-operator-system/insecure-tls sets insecure-skip-tls-verify, which is " +
				"refused; start the manager with --insecure-kubeconfig-tls to allow it"},
		{"insecure-http", func(c *clientcmdapi.Cluster) {
			c.Server, c.CertificateAuthorityData = strings.Replace(c.Server, "https://", "http://", 1), nil
		}, "the kubeconfig in Secret roadmap-operator-system/insecure-http has a server that is not https://, which " +
			"is refused; start the manager with --insecure-kubeconfig-tls to allow it"},
		{"insecure-proxy", func(c *clientcmdapi.Cluster) { c.ProxyURL = "http://169.254.169.254:80" },
			"the kubeconfig in Secret roadmap-operator-system/insecure-proxy sets proxy-url, which is refused; start " +
				"the manager with --allow-kubeconfig-proxy-url to allow it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newG(t)
			create(t, g, clusterSecret(tc.name, editKubeconfig(g, admin, tc.edit), registered))
			checkingCluster(t, g, tc.name, tc.name)
			c, st := checkResult(g, tc.name, roadmapv1.CheckReasonKubeconfigInvalid)
			g.Expect(st.Message).To(Equal(tc.want))
			expectNothingQuoted(g, c, "169.254")
		})
	}
}

// hostileCluster is a TLS server standing at a registered cluster's address, and a kubeconfig for it that the
// operator accepts (its CA, a token).
func hostileCluster(t *testing.T, handler http.HandlerFunc) (*httptest.Server, []byte) {
	s := httptest.NewTLSServer(handler)
	t.Cleanup(s.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	return s, fmt.Appendf(nil, `apiVersion: v1
kind: Config
current-context: c
contexts: [{name: c, context: {cluster: c, user: u}}]
clusters: [{name: c, cluster: {server: %q, certificate-authority-data: %s}}]
users: [{name: u, user: {token: s3cr3t-token}}]
`, s.URL, base64.StdEncoding.EncodeToString(ca))
}

const htmlPage = "<html><body>Sign in to continue. secret-body</body></html>"

func answerHTML(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	_, _ = w.Write([]byte(htmlPage))
}

func answerJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(body))
}

// apiserverUpTo answers as an apiserver serving apps/v1 Deployments does, up to the requests whose path starts
// with from: those get an HTML page.
func apiserverUpTo(from string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, from):
			answerHTML(w)
		case p == "/version":
			answerJSON(w, `{"major":"1","minor":"37","gitVersion":"v1.37.2"}`)
		case p == "/api":
			answerJSON(w, `{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}`)
		case p == "/apis":
			answerJSON(w, `{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apps","versions":[`+
				`{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}]}`)
		case p == "/apis/apps/v1":
			answerJSON(w, `{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[`+
				`{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment",`+
				`"verbs":["get","list","watch"]}]}`)
		default:
			answerHTML(w)
		}
	}
}

// TestFleetHostileClusters: whatever a server at a registered cluster's address answers (HTML to discovery, to
// the list of the object, a redirect to the metadata address, a 403), the check ends in a named reason, the
// capability gets its conditions (observedGeneration follows), nothing the server said reaches status, and a
// redirect is never followed: not one request reaches its target.
func TestFleetHostileClusters(t *testing.T) {
	namespace(t, clusterSecretsNamespace)

	var metadataRequests atomic.Int64
	metadata := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		metadataRequests.Add(1)
		answerJSON(w, `{"major":"1","minor":"37","gitVersion":"v1.37.2"}`)
	}))
	t.Cleanup(metadata.Close)
	var redirected atomic.Int64

	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		reason  string
		summary string
	}{
		{"hostile-html-discovery", apiserverUpTo("/api"), roadmapv1.CheckReasonClusterResponseInvalid,
			"answered with something that is not a Kubernetes API response"},
		{"hostile-html-list", apiserverUpTo("/apis/apps/v1/"), roadmapv1.CheckReasonClusterResponseInvalid,
			"answered with something that is not a Kubernetes API response"},
		{"hostile-forbidden-discovery", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/version" {
				apiserverUpTo("/nothing")(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(htmlPage))
		}, roadmapv1.CheckReasonAccessDenied, "denied the kubeconfig's identity access to its API (403 Forbidden)"},
		{"hostile-redirect", func(w http.ResponseWriter, r *http.Request) {
			redirected.Add(1)
			http.Redirect(w, r, metadata.URL+r.URL.RequestURI(), http.StatusFound)
		}, roadmapv1.CheckReasonClusterResponseInvalid, "answered with a redirect, which the operator does not follow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newG(t)
			_, kubeconfig := hostileCluster(t, tc.handler)
			create(t, g, clusterSecret(tc.name, kubeconfig, registered))
			checkingCluster(t, g, tc.name, tc.name)
			c, st := checkResult(g, tc.name, tc.reason)
			g.Expect(st.Message).To(HavePrefix("cluster " + tc.name + " " + tc.summary + " (since "))
			g.Expect(conditionStatus(c.Status.Conditions, roadmapv1.ConditionStalled)).To(Equal(metav1.ConditionTrue))
			g.Expect(readyCondition(c.Status.Conditions).ObservedGeneration).To(Equal(c.Generation))
			expectNothingQuoted(g, c, "s3cr3t")
			if tc.name == "hostile-redirect" {
				// The cluster is probed on: once it has answered several more requests with redirects, the
				// metadata address has still seen none.
				seen := redirected.Load()
				g.Eventually(redirected.Load).Should(BeNumerically(">=", seen+3))
				g.Expect(metadataRequests.Load()).To(BeZero(), "requests followed a redirect")
			}
		})
	}
}

// TestEvidenceWatchLimit: past --max-evidence-watches, a check reports WatchLimitReached (Stalled), the refusal
// is counted, and nothing else changes; when a watch stops, the refused check gets one. The series of a kind
// nobody checks any more is deleted, not left at zero. (A control plane and manager of its own, for the limit.)
func TestEvidenceWatchLimit(t *testing.T) {
	g := newG(t)
	e := testenv.New(t)
	opts := managerOptions()
	opts.Evidence.MaxWatches = 2
	operatortest.RunManager(t, e, opts)
	c := e.Client
	ns := testenv.EnsureNamespace(t, c, "limit")
	refusals := func(g Gomega) float64 {
		sum := 0.0
		for _, m := range testenv.Metric(g, "roadmap_evidence_watch_refusals_total") {
			sum += m.GetCounter().GetValue()
		}
		return sum
	}
	serviceAccountSeries := func(g Gomega) []float64 {
		var values []float64
		for _, m := range evidenceSeries(g) {
			if label(m, "cluster") == "local" && label(m, "kind") == "/v1, Kind=ServiceAccount" {
				values = append(values, m.GetGauge().GetValue())
			}
		}
		return values
	}
	before := refusals(g)
	names := []string{"limit-a", "limit-b", "limit-c"}
	for _, name := range names {
		testenv.Create(g, c, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}})
		capability := capability(name, roadmapv1.LifecycleAvailable)
		capability.Spec.Checks = []roadmapv1.CheckReference{checkOf("v1", "ServiceAccount", ns, name)}
		testenv.Create(g, c, capability)
	}
	byReason := func(g Gomega) map[string][]string {
		reasons := map[string][]string{}
		for _, name := range names {
			capability := &roadmapv1.Capability{}
			g.Expect(c.Get(ctx(), client.ObjectKey{Name: name}, capability)).To(Succeed())
			g.Expect(capability.Status.Checks).To(HaveLen(1))
			reasons[capability.Status.Checks[0].Reason] = append(reasons[capability.Status.Checks[0].Reason], name)
		}
		return reasons
	}
	var refused string
	g.Eventually(func(g Gomega) {
		reasons := byReason(g)
		g.Expect(reasons["Current"]).To(HaveLen(2))
		g.Expect(reasons[roadmapv1.CheckReasonWatchLimitReached]).To(HaveLen(1))
		refused = reasons[roadmapv1.CheckReasonWatchLimitReached][0]
	}).Should(Succeed())
	limited := testenv.ExpectCapability(g, c, refused, metav1.ConditionFalse, roadmapv1.CapabilityReasonChecksFailing)
	g.Expect(limited.Status.Checks[0].Message).To(ContainSubstring("already watches 2 objects"))
	g.Expect(conditionStatus(limited.Status.Conditions, roadmapv1.ConditionStalled)).To(Equal(metav1.ConditionTrue))
	g.Expect(refusals(g)).To(BeNumerically(">", before))
	g.Expect(serviceAccountSeries(g)).To(Equal([]float64{2}))

	// One capability goes: its watch stops, and the refused check gets one.
	for _, name := range names {
		if name != refused {
			g.Expect(c.Delete(ctx(), capability(name, ""))).To(Succeed())
			break
		}
	}
	testenv.ExpectCapability(g, c, refused, metav1.ConditionTrue, roadmapv1.CapabilityReasonReady)

	for _, name := range names {
		g.Expect(client.IgnoreNotFound(c.Delete(ctx(), capability(name, "")))).To(Succeed())
	}
	g.Eventually(serviceAccountSeries).Should(BeEmpty(), "the series goes with its last watch")
}
