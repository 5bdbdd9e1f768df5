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

package evidencewatch

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

// TestEvidenceSendStopsWithTheManager: an informer handler that sends to a controller that stopped consuming
// returns when the manager's context ends, instead of blocking its informer (and the manager's shutdown) forever.
// (TestMain checks with goleak that no goroutine outlives the managers.)
func TestEvidenceSendStopsWithTheManager(t *testing.T) {
	w := New(nil, nil, nil, nil, DefaultOptions(), nil, logr.Discard())
	w.Events = make(chan event.GenericEvent, 1) // nobody consumes it
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.send(ctx, []string{"a", "b", "c"})
	}()
	// The first event fits the buffer; the second blocks until the context ends.
	select {
	case <-done:
		t.Fatal("send returned with events left to send and the context alive")
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("send still blocked after the manager's context ended")
	}
}

// TestRestConfigFromKubeconfig: only kubeconfigs with embedded credentials are used, and what is wrong with one
// is said without quoting it.
func TestRestConfigFromKubeconfig(t *testing.T) {
	const head = `apiVersion: v1
kind: Config
current-context: c
contexts: [{name: c, context: {cluster: c, user: u}}]
clusters: [{name: c, cluster: {server: "https://prod-eu.example:6443", certificate-authority-data: Zm9v}}]
`
	for _, tc := range []struct {
		name, kubeconfig, want string
	}{
		{"embedded token", head + `users: [{name: u, user: {token: s3cr3t-token}}]`, ""},
		{"exec plugin", head + `users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh}}}]`,
			"uses a credential plugin"},
		{"token file", head + `users: [{name: u, user: {tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token}}]`,
			"refers to files"},
		{"client certificate file", head + `users: [{name: u, user: {client-certificate: /etc/cert.pem, client-key: /etc/key.pem}}]`,
			"refers to files"},
		{"CA file", strings.Replace(head, "certificate-authority-data: Zm9v", "certificate-authority: /etc/ca.pem", 1) +
			`users: [{name: u, user: {token: s3cr3t-token}}]`, "refers to files"},
		{"no current context", "apiVersion: v1\nkind: Config\nusers: [{name: u, user: {token: s3cr3t-token}}]", "is incomplete"},
		{"not a kubeconfig", "users: [{token: s3cr3t-token", "cannot be parsed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, invalid := restConfigFromKubeconfig([]byte(tc.kubeconfig), "ns/prod-eu")
			switch {
			case tc.want == "" && (invalid != "" || cfg == nil):
				t.Fatalf("refused: %s", invalid)
			case tc.want != "" && !strings.Contains(invalid, tc.want):
				t.Fatalf("invalid = %q, want it to say %q", invalid, tc.want)
			case strings.Contains(invalid, "s3cr3t") || strings.Contains(invalid, "/bin/sh") || strings.Contains(invalid, "serviceaccount"):
				t.Fatalf("the message quotes the kubeconfig: %q", invalid)
			}
		})
	}
}
