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

// Package operatortest runs the operator in tests: a manager with the project's controllers, wired as
// cmd/manager wires it (controllers.ManagerOptions, the client rate limits of controllers.Options applied to its
// REST config), against a control plane of internal/testenv. It is apart from internal/testenv so that what
// needs only a control plane (the distribution's module, the plugin's tests) does not build the operator.
package operatortest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// Manager is a running controller manager, wired exactly as cmd/manager wires it.
type Manager struct {
	ctrl.Manager
	cancel context.CancelFunc
	done   chan error
}

// StartManager starts a manager with the project's controllers against the control plane, as an administrator.
func StartManager(env *testenv.Env, opts controllers.Options) (*Manager, error) {
	return StartManagerAs(env.Config, opts)
}

// StartManagerAs starts a manager with the given client configuration, e.g. one that impersonates the
// operator's service account so that tests exercise the RBAC the operator ships with.
func StartManagerAs(cfg *rest.Config, opts controllers.Options) (*Manager, error) {
	return StartManagerWith(cfg, opts, nil)
}

// StartManagerWith is StartManagerAs with a chance to change the manager's options first (metrics address,
// leader election, ...). The client rate limits of opts are applied to a copy of cfg, as cmd/manager applies
// them to its own.
func StartManagerWith(cfg *rest.Config, opts controllers.Options, customize func(*ctrl.Options)) (*Manager, error) {
	cfg = rest.CopyConfig(cfg)
	opts.ApplyToRESTConfig(cfg)
	mgrOpts := controllers.ManagerOptions()
	mgrOpts.Metrics = metricsserver.Options{BindAddress: "0"}
	// Several managers start and stop in one test process; names must not collide.
	mgrOpts.Controller = config.Controller{SkipNameValidation: ptr.To(true)}
	if customize != nil {
		customize(&mgrOpts)
	}
	mgr, err := ctrl.NewManager(cfg, mgrOpts)
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

// RunManager starts a manager like StartManager and stops it when the test ends (before a control plane of
// testenv.New, started earlier); it fails the test when the manager does not start.
func RunManager(t testing.TB, env *testenv.Env, opts controllers.Options) *Manager {
	t.Helper()
	mgr, err := StartManager(env, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := mgr.Stop(); err != nil {
			t.Errorf("stopping the manager: %v", err)
		}
	})
	return mgr
}

// LeaderElection is a customize function for StartManagerWith that turns leader election on as cmd/manager does
// (Lease controllers.LeaderElectionID, here in namespace), with lease timings short enough for tests.
// releaseOnCancel is what cmd/manager sets (true): a manager that stops hands the Lease over at once; without
// it, the other candidates wait for the Lease to expire, as after a crash. Each manager gets its own identity
// (hostname_uuid): read the Lease's holderIdentity, or the manager's Elected channel, to learn which one leads.
func LeaderElection(namespace string, leaseDuration, renewDeadline, retryPeriod time.Duration, releaseOnCancel bool) func(*ctrl.Options) {
	return func(o *ctrl.Options) {
		o.LeaderElection = true
		o.LeaderElectionNamespace = namespace
		o.LeaderElectionReleaseOnCancel = releaseOnCancel
		o.LeaseDuration = ptr.To(leaseDuration)
		o.RenewDeadline = ptr.To(renewDeadline)
		o.RetryPeriod = ptr.To(retryPeriod)
	}
}
