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
	"strings"
	"testing"
)

// TestLoad: only kubeconfigs with embedded credentials over verified TLS are used (unless the policy allows
// more), and what is wrong with one is said without quoting it.
func TestLoad(t *testing.T) {
	const (
		users = `users: [{name: u, user: {token: s3cr3t-token}}]` + "\n"
		head  = `apiVersion: v1
kind: Config
current-context: c
contexts: [{name: c, context: {cluster: c, user: u}}]
`
		secure = head + `clusters: [{name: c, cluster: {server: "https://prod-eu.example:6443", certificate-authority-data: Zm9v}}]` + "\n"
	)
	cluster := func(fields string) string { return head + `clusters: [{name: c, cluster: {` + fields + `}}]` + "\n" }
	insecure := "sets insecure-skip-tls-verify, which is refused; start the manager with --insecure-kubeconfig-tls to allow it"
	notHTTPS := "has a server that is not https://, which is refused; start the manager with --insecure-kubeconfig-tls"
	proxy := "sets proxy-url, which is refused; start the manager with --allow-kubeconfig-proxy-url to allow it"
	for _, tc := range []struct {
		name, kubeconfig string
		policy           Policy
		want             string // "" when the kubeconfig is used
	}{
		{"embedded token", secure + users, Policy{}, ""},
		{"system roots", cluster(`server: "https://prod-eu.example:6443"`) + users, Policy{}, ""},
		{"exec plugin", secure + `users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh}}}]`,
			Policy{InsecureTLS: true, ProxyURL: true}, "uses a credential plugin"},
		{"auth provider", secure + `users: [{name: u, user: {auth-provider: {name: oidc, config: {idp-issuer-url: "https://idp.example"}}}}]`,
			Policy{}, "uses a credential plugin"},
		{"token file", secure + `users: [{name: u, user: {tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token}}]`,
			Policy{}, "refers to files"},
		{"client certificate file", secure + `users: [{name: u, user: {client-certificate: /etc/cert.pem, client-key: /etc/key.pem}}]`,
			Policy{}, "refers to files"},
		{"CA file", strings.Replace(secure, "certificate-authority-data: Zm9v", "certificate-authority: /etc/ca.pem", 1) + users,
			Policy{}, "refers to files"},
		{"no current context", "apiVersion: v1\nkind: Config\n" + users, Policy{}, "is incomplete"},
		{"not a kubeconfig", "users: [{token: s3cr3t-token", Policy{}, "cannot be parsed"},

		{"insecure-skip-tls-verify", cluster(`server: "https://prod-eu.example:6443", insecure-skip-tls-verify: true`) + users,
			Policy{ProxyURL: true}, insecure},
		{"insecure-skip-tls-verify allowed", cluster(`server: "https://prod-eu.example:6443", insecure-skip-tls-verify: true`) + users,
			Policy{InsecureTLS: true}, ""},
		{"http server", cluster(`server: "http://prod-eu.example:8080"`) + users, Policy{}, notHTTPS},
		{"HTTP server in capitals", cluster(`server: "HTTP://prod-eu.example:8080"`) + users, Policy{}, notHTTPS},
		{"no scheme, no TLS settings: plain HTTP", cluster(`server: "prod-eu.example:6443"`) + users, Policy{}, notHTTPS},
		{"no scheme, even with a CA: client-go speaks plain HTTP", cluster(`server: "prod-eu.example:6443", certificate-authority-data: Zm9v`) + users,
			Policy{}, notHTTPS},
		{"http server allowed", cluster(`server: "http://prod-eu.example:8080"`) + users, Policy{InsecureTLS: true}, ""},
		{"proxy", cluster(`server: "https://prod-eu.example:6443", proxy-url: "http://169.254.169.254:80"`) + users,
			Policy{InsecureTLS: true}, proxy},
		{"socks proxy", cluster(`server: "https://prod-eu.example:6443", proxy-url: "socks5://10.0.0.1:1080"`) + users,
			Policy{}, proxy},
		{"proxy allowed", cluster(`server: "https://prod-eu.example:6443", proxy-url: "http://proxy.example:3128"`) + users,
			Policy{ProxyURL: true}, ""},
		{"credentials in the server URL", cluster(`server: "https://admin:s3cr3t-token@prod-eu.example:6443"`) + users,
			Policy{}, "has credentials in its server URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, invalid := Load([]byte(tc.kubeconfig), "ns/prod-eu", tc.policy)
			switch {
			case tc.want == "" && (invalid != "" || cfg == nil):
				t.Fatalf("refused: %s", invalid)
			case tc.want != "" && !strings.Contains(invalid, tc.want):
				t.Fatalf("invalid = %q, want it to say %q", invalid, tc.want)
			case tc.want != "" && cfg != nil:
				t.Fatalf("refused with %q but returned a config", invalid)
			}
			for _, quoted := range []string{"s3cr3t", "/bin/sh", "serviceaccount", "prod-eu.example", "169.254", "10.0.0.1", "idp.example"} {
				if strings.Contains(invalid, quoted) {
					t.Fatalf("the message quotes the kubeconfig (%s): %q", quoted, invalid)
				}
			}
		})
	}
}
