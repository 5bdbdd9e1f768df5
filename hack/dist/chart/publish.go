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

package chart

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/registry"
)

// Package packages the chart in dir as out/roadmap-operator-<version>.tgz, with version (a leading v dropped)
// as the chart's version and version as its appVersion, as `helm package --version --app-version` does. It
// returns the package's path.
func Package(dir, version, out string) (string, error) {
	if version == "" {
		return "", fmt.Errorf("packaging the chart needs a version")
	}
	p := action.NewPackage()
	p.Version = strings.TrimPrefix(version, "v")
	p.AppVersion = version
	p.Destination = out
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	path, err := p.Run(dir, nil)
	if err != nil {
		return "", fmt.Errorf("packaging %s: %w", dir, err)
	}
	return path, nil
}

// Push pushes a packaged chart to remote (oci://registry/path) as an OCI artifact, as `helm push` does, with the
// credentials of credentialsFile (a Docker config.json). plainHTTP is for a registry without TLS.
func Push(pkg, remote, credentialsFile string, plainHTTP bool) (string, error) {
	opts := []registry.ClientOption{registry.ClientOptCredentialsFile(credentialsFile)}
	if plainHTTP {
		opts = append(opts, registry.ClientOptPlainHTTP())
	}
	client, err := registry.NewClient(opts...)
	if err != nil {
		return "", err
	}
	push := action.NewPushWithOpts(action.WithPushConfig(&action.Configuration{RegistryClient: client}), action.WithPlainHTTP(plainHTTP))
	out, err := push.Run(pkg, remote)
	if err != nil {
		return "", fmt.Errorf("pushing %s to %s: %w", pkg, remote, err)
	}
	return out, nil
}

// RegistryConfig is the credentials file for Push: HELM_REGISTRY_CONFIG, else Docker's config.json (docker login,
// crane auth login, or what the release workflow writes).
func RegistryConfig() string {
	if p := os.Getenv("HELM_REGISTRY_CONFIG"); p != "" {
		return p
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".docker", "config.json")
}
