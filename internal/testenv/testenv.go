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

// Package testenv starts a real kube-apiserver and etcd (controller-runtime's envtest) with the project's CRDs
// installed, for the project's tests. The binaries come from hack/envtest-assets.sh, which builds them from Go
// module sources and caches them; `make test` sets KUBEBUILDER_ASSETS, and a plain `go test` runs the script.
//
// It is the project's test kit; a test takes from it rather than copying (the operator itself runs from
// internal/operatortest, which builds on this package):
//   - a control plane: Suite (shared by a package, from TestMain), New (one test's), StartRestartable;
//   - users: Admin, Env.Kubeconfig, Env.WriteKubeconfig, Env.UserConfig, Env.Kubectl;
//   - objects: Capability, Initiative, Goal, EnsureNamespace, Create, Update (conflict-safe);
//   - waits and readings: NewG, ExpectInitiative, ExpectCapability, ReadyCondition, Metric, ControllerValue,
//     ResourceVersions;
//   - the goroutine leak check: RunWithoutLeaks.
package testenv

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
)

// Env is a running control plane with the CRDs installed.
type Env struct {
	*envtest.Environment
	Config *rest.Config
	Client client.Client
}

// RepoRoot returns the directory holding the project's go.mod, found from the working directory upwards
// (go test runs each package in its own directory).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil &&
			bytes.HasPrefix(data, []byte("module github.com/roadmap-operator/roadmap-operator\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no roadmap-operator go.mod above the working directory")
		}
		dir = parent
	}
}

// Assets returns the directory of kube-apiserver, etcd and kubectl: KUBEBUILDER_ASSETS when set, otherwise the
// last line printed by hack/envtest-assets.sh (which builds them on first use).
func Assets(root string) (string, error) {
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" {
		return dir, nil
	}
	var stdout bytes.Buffer
	cmd := exec.Command(filepath.Join(root, "hack", "envtest-assets.sh"))
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building envtest assets with hack/envtest-assets.sh: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	return lines[len(lines)-1], nil
}

// Start starts the control plane and installs the CRDs from config/crd/bases.
func Start() (*Env, error) {
	return start(nil)
}

// StartRestartable starts the control plane like Start, with a kube-apiserver that StopAPIServer and
// StartAPIServer can stop and start again while etcd, and so every object, stays. certDir holds kube-apiserver's
// certificates, so that the restarted kube-apiserver serves the same certificate on the same address and every
// client made from Config (the managers' included) reconnects by itself; the caller removes it after Stop.
func StartRestartable(certDir string) (*Env, error) {
	return start(func(env *envtest.Environment) {
		env.ControlPlane.APIServer = &envtest.APIServer{CertDir: certDir}
		// Without a grace period for watches, kube-apiserver keeps serving the watches open when it is told to
		// stop until its shutdown timeout (envtest kills it after 20s); with one, it closes them and exits in a
		// second or two.
		env.ControlPlane.APIServer.Configure().Set("shutdown-watch-termination-grace-period", "1s")
	})
}

// StartWith starts the control plane like Start, after configure has had a chance to change the environment
// (kube-apiserver flags such as an audit policy, say).
func StartWith(configure func(*envtest.Environment)) (*Env, error) {
	return start(configure)
}

func start(configure func(*envtest.Environment)) (*Env, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	assets, err := Assets(root)
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		Scheme:                scheme.Scheme,
	}
	if configure != nil {
		configure(env)
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting envtest control plane from %s: %w", assets, err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("creating client: %w", err)
	}
	return &Env{Environment: env, Config: cfg, Client: c}, nil
}

// Kubectl runs the kubectl built with the assets against this control plane, as Admin, and returns its stdout.
func (e *Env) Kubectl(args ...string) (string, error) {
	stdout, stderr, err := e.KubectlStreams(args...)
	if err != nil {
		return stdout, fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, stderr)
	}
	return stdout, nil
}

// KubectlStreams runs kubectl like Kubectl, and returns its stdout and its stderr (where warnings go) apart.
func (e *Env) KubectlStreams(args ...string) (stdout, stderr string, err error) {
	user, err := e.AddUser(Admin, nil)
	if err != nil {
		return "", "", fmt.Errorf("adding a kubectl user to the control plane: %w", err)
	}
	kubectl, err := user.Kubectl()
	if err != nil {
		return "", "", fmt.Errorf("configuring kubectl: %w", err)
	}
	out, errOut, err := kubectl.Run(args...)
	o, _ := io.ReadAll(out)
	errText, _ := io.ReadAll(errOut)
	return string(o), string(errText), err
}

// StopAPIServer stops the kube-apiserver of an Env from StartRestartable, and leaves etcd as it is.
func (e *Env) StopAPIServer() error {
	if err := e.ControlPlane.APIServer.Stop(); err != nil {
		return fmt.Errorf("stopping kube-apiserver: %w", err)
	}
	return nil
}

// StartAPIServer starts the kube-apiserver StopAPIServer stopped, on the same address, and returns once it is
// healthy.
func (e *Env) StartAPIServer() error {
	if err := e.ControlPlane.APIServer.Start(); err != nil {
		return fmt.Errorf("starting kube-apiserver again: %w", err)
	}
	return nil
}
