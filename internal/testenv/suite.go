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

package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-logr/logr"
	"go.uber.org/goleak"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
)

// The bootstrap of the suites: a control plane shared by a package's tests (Suite, from TestMain), or one
// started for a single test (New), the users and kubeconfigs tests act as, and the goroutine
// leak check of the packages that start and stop managers.

// Suite is the control plane a package's tests share, started and stopped by its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testenv.Suite{Setup: setup}.Run(m)) }
type Suite struct {
	// Start starts the control plane: Start when nil (StartRestartable or StartWith otherwise).
	Start func() (*Env, error)
	// Setup prepares the running control plane for the tests (keeps it in the package's variables, installs
	// RBAC, starts the manager, ...) and returns what stops what it started (nil when nothing), which runs after
	// the tests and before the control plane stops.
	Setup func(*Env) (stop func() error, err error)
}

// Run sets the manager logger (SetManagerLogger), starts the control plane, sets it up, runs the tests and stops
// everything, and returns the exit code for os.Exit: 1 when the control plane or the setup fails, the tests'
// code otherwise. A failure to stop is printed.
func (s Suite) Run(m *testing.M) int {
	SetManagerLogger()
	start := s.Start
	if start == nil {
		start = Start
	}
	env, err := start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping envtest:", err)
		}
	}()
	if s.Setup != nil {
		stop, err := s.Setup(env)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if stop != nil {
			defer func() {
				if err := stop(); err != nil {
					fmt.Fprintln(os.Stderr, "stopping what the suite set up:", err)
				}
			}()
		}
	}
	return m.Run()
}

// SetManagerLogger sets controller-runtime's logger, which the managers of the tests log to: development logs on
// stderr when TEST_LOGS is set (to debug a failing test), nothing otherwise.
func SetManagerLogger() {
	if os.Getenv("TEST_LOGS") != "" {
		ctrl.SetLogger(zap.New(zap.UseDevMode(true)))
	} else {
		ctrl.SetLogger(logr.Discard())
	}
}

// RunWithoutLeaks runs run (a TestMain's m.Run, or Suite.Run) and then fails the run (exit code 1) when
// goroutines started meanwhile are left once everything has stopped (see FindLeaks).
func RunWithoutLeaks(run func() int) int {
	before := goleak.IgnoreCurrent()
	code := run()
	if err := FindLeaks(before); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, "goroutines left after the managers stopped:", err)
		code = 1
	}
	return code
}

// RunInTempDir runs run with a new temporary directory (pattern as os.MkdirTemp's), removed once run returns:
// t.TempDir for what a TestMain keeps as long as the control plane (certificates, an audit policy,
// kubeconfigs). It returns run's exit code, 1 when there is no directory.
func RunInTempDir(pattern string, run func(dir string) int) int {
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	return run(dir)
}

// New starts a control plane for one test, after configure (when given) has changed the environment, and stops
// it when the test ends; it fails the test when the control plane does not start.
func New(t testing.TB, configure ...func(*envtest.Environment)) *Env {
	t.Helper()
	env, err := start(func(e *envtest.Environment) {
		for _, c := range configure {
			c(e)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Logf("stopping envtest: %v", err)
		}
	})
	return env
}

// Root is RepoRoot for a test, which fails when there is none.
func Root(t testing.TB) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// ClientWithRate returns a client of the control plane whose client-side rate limits let a test create
// thousands of objects quickly.
func (e *Env) ClientWithRate(qps float32, burst int) (client.Client, error) {
	cfg := rest.CopyConfig(e.Config)
	cfg.QPS, cfg.Burst = qps, burst
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		return nil, fmt.Errorf("creating a client at %v QPS: %w", qps, err)
	}
	return c, nil
}

// Admin is a user who may do anything (group system:masters).
var Admin = envtest.User{Name: "envtest-admin", Groups: []string{"system:masters"}}

// Kubeconfig adds user to the control plane (with a client certificate) and returns a kubeconfig with its
// credentials embedded, as a user or a cluster Secret holds it.
func (e *Env) Kubeconfig(user envtest.User) ([]byte, error) {
	authn, err := e.addUser(user)
	if err != nil {
		return nil, err
	}
	data, err := authn.KubeConfig()
	if err != nil {
		return nil, fmt.Errorf("writing the kubeconfig of user %s: %w", user.Name, err)
	}
	return data, nil
}

// WriteKubeconfig writes the kubeconfig of user (see Kubeconfig) to dir/<user>.kubeconfig and returns its path.
func (e *Env) WriteKubeconfig(dir string, user envtest.User) (string, error) {
	data, err := e.Kubeconfig(user)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, user.Name+".kubeconfig")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("writing the kubeconfig of user %s: %w", user.Name, err)
	}
	return path, nil
}

// UserConfig adds user to the control plane and returns its client configuration.
func (e *Env) UserConfig(user envtest.User) (*rest.Config, error) {
	authn, err := e.addUser(user)
	if err != nil {
		return nil, err
	}
	return authn.Config(), nil
}

func (e *Env) addUser(user envtest.User) (*envtest.AuthenticatedUser, error) {
	authn, err := e.AddUser(user, nil)
	if err != nil {
		return nil, fmt.Errorf("adding user %s to the control plane: %w", user.Name, err)
	}
	return authn, nil
}

// KubeconfigOf returns a kubeconfig with the server, CA and credentials (client certificate or token) of cfg
// embedded, for identities the control plane does not issue (rejected credentials, say).
func KubeconfigOf(cfg *rest.Config) ([]byte, error) {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["c"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["u"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData,
		Token: cfg.BearerToken}
	kc.Contexts["c"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	kc.CurrentContext = "c"
	data, err := clientcmd.Write(*kc)
	if err != nil {
		return nil, fmt.Errorf("writing a kubeconfig for %s: %w", cfg.Host, err)
	}
	return data, nil
}
