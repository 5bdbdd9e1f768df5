// Package testenv starts a real kube-apiserver and etcd (controller-runtime's envtest) with the project's CRDs
// installed, for the project's tests. The binaries come from hack/envtest-assets.sh, which builds them from Go
// module sources and caches them; `make test` sets KUBEBUILDER_ASSETS, and a plain `go test` runs the script.
package testenv

import (
	"bytes"
	"context"
	"fmt"
	"io"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
)

// Scheme knows the built-in kinds and the roadmap.dev kinds.
var Scheme = runtime.NewScheme()

func init() {
	if err := clientgoscheme.AddToScheme(Scheme); err != nil {
		panic(err)
	}
	if err := roadmapv1.AddToScheme(Scheme); err != nil {
		panic(err)
	}
	if err := apiextensionsv1.AddToScheme(Scheme); err != nil {
		panic(err)
	}
}

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
		Scheme:                Scheme,
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting envtest control plane from %s: %w", assets, err)
	}
	c, err := client.New(cfg, client.Options{Scheme: Scheme})
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("creating client: %w", err)
	}
	return &Env{Environment: env, Config: cfg, Client: c}, nil
}

// Kubectl runs the kubectl built with the assets against this control plane and returns its stdout.
func (e *Env) Kubectl(args ...string) (string, error) {
	stdout, stderr, err := e.ControlPlane.KubeCtl().Run(args...)
	out, _ := io.ReadAll(stdout)
	if err != nil {
		errOut, _ := io.ReadAll(stderr)
		return string(out), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, errOut)
	}
	return string(out), nil
}

// Manager is a running controller manager, wired exactly as cmd/manager wires it.
type Manager struct {
	ctrl.Manager
	cancel context.CancelFunc
	done   chan error
}

// StartManager starts a manager with the project's controllers against the control plane, as an administrator.
func (e *Env) StartManager(opts controllers.Options) (*Manager, error) {
	return e.StartManagerAs(e.Config, opts)
}

// StartManagerAs starts a manager with the given client configuration, e.g. one that impersonates the
// operator's service account so that tests exercise the RBAC the operator ships with.
func (e *Env) StartManagerAs(cfg *rest.Config, opts controllers.Options) (*Manager, error) {
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:  Scheme,
		Metrics: metricsserver.Options{BindAddress: "0"},
		Cache:   controllers.CacheOptions(),
		// Several managers start and stop in one test process; names must not collide.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return nil, fmt.Errorf("creating manager: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := controllers.Setup(ctx, mgr, opts); err != nil {
		cancel()
		return nil, err
	}
	m := &Manager{Manager: mgr, cancel: cancel, done: make(chan error, 1)}
	go func() { m.done <- mgr.Start(ctx) }()
	syncCtx, syncCancel := context.WithTimeout(ctx, time.Minute)
	defer syncCancel()
	if !mgr.GetCache().WaitForCacheSync(syncCtx) {
		_ = m.Stop()
		return nil, fmt.Errorf("manager cache did not sync")
	}
	return m, nil
}

// Stop stops the manager and waits for it to return.
func (m *Manager) Stop() error {
	m.cancel()
	return <-m.done
}
