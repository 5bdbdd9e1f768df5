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

package promconfig

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

func build(t *testing.T, dir string) resmap.ResMap {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	return m
}

// field reads a string (or, with a list, the list) at path from the only resource of kind in m.
func field(t *testing.T, m resmap.ResMap, kind string, path ...string) any {
	t.Helper()
	var found []map[string]any
	for _, r := range m.Resources() {
		if r.GetKind() == kind {
			obj, err := r.Map()
			if err != nil {
				t.Fatal(err)
			}
			found = append(found, obj)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s, got %d", kind, len(found))
	}
	var v any = found[0]
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			if len(x) == 0 {
				return nil
			}
			v = x[0].(map[string]any)[p]
		default:
			return nil
		}
	}
	return v
}

func args(t *testing.T, m resmap.ResMap) []string {
	t.Helper()
	var out []string
	for _, a := range field(t, m, "Deployment", "spec", "template", "spec", "containers", "args").([]any) {
		out = append(out, a.(string))
	}
	return out
}

// copyTree copies config/ so that a test can switch the optional component on without touching the repository.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMetricsTLS: the deployed manager logs JSON and serves a self-signed certificate the ServiceMonitor cannot
// verify; with the cert-manager component it serves the issued certificate, and config/prometheus-tls verifies
// it (no insecureSkipVerify) against the Secret that certificate writes, for the name of the Service.
func TestMetricsTLS(t *testing.T) {
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	shipped := build(t, filepath.Join(root, "config", "default"))
	if a := args(t, shipped); !slices.Contains(a, "--zap-devel=false") || slices.ContainsFunc(a, func(s string) bool {
		return strings.HasPrefix(s, "--metrics-cert-path")
	}) {
		t.Errorf("shipped manager args %q: want JSON logs (--zap-devel=false) and no --metrics-cert-path", a)
	}
	if v := field(t, build(t, filepath.Join(root, "config", "prometheus")), "ServiceMonitor",
		"spec", "endpoints", "tlsConfig", "insecureSkipVerify"); v != true {
		t.Errorf("config/prometheus: insecureSkipVerify = %v, want true for the self-signed certificate", v)
	}

	config := filepath.Join(t.TempDir(), "config")
	copyTree(t, filepath.Join(root, "config"), config)
	// The component sits with the operator's namespace and name prefix (config/operator); config/default, which
	// installs the CRDs beside it, is what is built.
	kustomization := filepath.Join(config, "operator", "kustomization.yaml")
	raw, err := os.ReadFile(kustomization)
	if err != nil {
		t.Fatal(err)
	}
	enabled := strings.Replace(string(raw), "#components:\n#  - ../certmanager\n", "components:\n  - ../certmanager\n", 1)
	if enabled == string(raw) {
		t.Fatal("config/operator/kustomization.yaml no longer offers the cert-manager component commented out")
	}
	if err := os.WriteFile(kustomization, []byte(enabled), 0o644); err != nil {
		t.Fatal(err)
	}
	withCerts := build(t, filepath.Join(config, "default"))
	secret := field(t, withCerts, "Certificate", "spec", "secretName")
	if got := field(t, withCerts, "Deployment", "spec", "template", "spec", "volumes", "secret", "secretName"); got != secret {
		t.Errorf("the manager mounts Secret %v, the Certificate writes %v", got, secret)
	}
	if a := args(t, withCerts); !slices.Contains(a, "--metrics-cert-path=/tmp/k8s-metrics-server/metrics-certs") {
		t.Errorf("manager args %q: want --metrics-cert-path at the mounted Secret", a)
	}
	if got, want := field(t, withCerts, "Certificate", "spec", "issuerRef", "name"), field(t, withCerts, "Issuer", "metadata", "name"); got != want {
		t.Errorf("the Certificate names Issuer %v, the Issuer is %v", got, want)
	}
	service := field(t, withCerts, "Service", "metadata", "name").(string) + "." +
		field(t, withCerts, "Service", "metadata", "namespace").(string) + ".svc"
	if got := field(t, withCerts, "Certificate", "spec", "dnsNames"); !slices.Contains(got.([]any), any(service)) {
		t.Errorf("the Certificate's dnsNames %v lack the metrics Service %s", got, service)
	}

	monitor := build(t, filepath.Join(root, "config", "prometheus-tls"))
	tlsConfig := field(t, monitor, "ServiceMonitor", "spec", "endpoints", "tlsConfig").(map[string]any)
	if _, skip := tlsConfig["insecureSkipVerify"]; skip {
		t.Errorf("config/prometheus-tls still skips verification: %v", tlsConfig)
	}
	if tlsConfig["serverName"] != service {
		t.Errorf("serverName %v, want the metrics Service %s", tlsConfig["serverName"], service)
	}
	if got := field(t, monitor, "ServiceMonitor", "spec", "endpoints", "tlsConfig", "ca", "secret", "name"); got != secret {
		t.Errorf("the ServiceMonitor verifies with Secret %v, the Certificate writes %v", got, secret)
	}
	if field(t, monitor, "ServiceMonitor", "metadata", "namespace") != field(t, withCerts, "Certificate", "metadata", "namespace") {
		t.Error("the ServiceMonitor must live in the namespace of the certificate's Secret to read its CA")
	}
}
