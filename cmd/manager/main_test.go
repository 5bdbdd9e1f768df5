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

package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeCertificate writes a self-signed serving certificate and its key as cert-manager lays out a Secret.
func writeCertificate(t *testing.T, dir string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1),
		Subject:   pkix.Name{CommonName: "roadmap-controller-manager-metrics-service.roadmap-operator-system.svc"},
		DNSNames:  []string{"roadmap-controller-manager-metrics-service.roadmap-operator-system.svc"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for name, block := range map[string]*pem.Block{
		"tls.crt": {Type: "CERTIFICATE", Bytes: der}, "tls.key": {Type: "EC PRIVATE KEY", Bytes: keyDER}} {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return der
}

func TestMetricsServerServesTheMountedCertificate(t *testing.T) {
	dir := t.TempDir()
	der := writeCertificate(t, dir)
	opts, watcher, err := metricsServerOptions(":8443", true, nil, dir, "tls.crt", "tls.key")
	if err != nil {
		t.Fatal(err)
	}
	if watcher == nil || len(opts.TLSOpts) != 1 || opts.FilterProvider == nil {
		t.Fatalf("with --metrics-cert-path: watcher %v, %d TLS options, authn/authz filter %v", watcher, len(opts.TLSOpts),
			opts.FilterProvider != nil)
	}
	cfg := &tls.Config{}
	for _, o := range opts.TLSOpts {
		o(cfg)
	}
	cert, err := cfg.GetCertificate(&tls.ClientHelloInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cert.Certificate) == 0 || !bytes.Equal(cert.Certificate[0], der) {
		t.Error("the metrics server does not serve the certificate in --metrics-cert-path")
	}
}

func TestMetricsServerWithoutCertificate(t *testing.T) {
	opts, watcher, err := metricsServerOptions(":8443", true, nil, "", "tls.crt", "tls.key")
	if err != nil || watcher != nil || len(opts.TLSOpts) != 0 {
		t.Errorf("without --metrics-cert-path controller-runtime generates its own: watcher %v, %d TLS options, %v",
			watcher, len(opts.TLSOpts), err)
	}
	_, _, err = metricsServerOptions(":8443", true, nil, t.TempDir(), "tls.crt", "tls.key")
	if err == nil || !strings.Contains(err.Error(), "reading tls.crt and tls.key in") {
		t.Errorf("a certificate directory without the files must fail clearly, got %v", err)
	}
}
