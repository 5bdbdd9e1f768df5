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

// Command manager runs the roadmap-operator controllers against the cluster in the environment's kubeconfig
// (or in-cluster configuration).
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	_ "k8s.io/client-go/plugin/pkg/client/auth" // exec and OIDC auth providers for out-of-cluster runs
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/board"
)

// version is the release the binary was built from, stamped by the image build (-ldflags "-X main.version=v1.2.3",
// `make image`, the Dockerfile); "dev" for a plain go build.
var version = "dev"

func main() {
	// `manager board ...` serves the roadmap board (config/board) from the same image.
	if len(os.Args) > 1 && os.Args[1] == "board" {
		os.Exit(runBoard(os.Args[2:]))
	}
	var (
		metricsAddr, probeAddr                           string
		metricsCertPath, metricsCertName, metricsCertKey string
		secureMetrics                                    bool
		enableHTTP2                                      bool
		enableLeaderElection                             bool
		printVersion                                     bool
		opts                                             controllers.Options
	)
	flag.StringVar(&metricsAddr, "metrics-bind-address", "0", "The address the metrics endpoint binds to. "+
		"Use :8443 for HTTPS or :8080 for HTTP, or leave as 0 to disable the metrics service.")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "The address the probe endpoint binds to.")
	flag.BoolVar(&enableLeaderElection, "leader-elect", false,
		"Enable leader election for controller manager. Enabling this will ensure there is only one active controller manager.")
	flag.BoolVar(&secureMetrics, "metrics-secure", true,
		"If set, the metrics endpoint is served securely via HTTPS, with authentication and authorization.")
	flag.StringVar(&metricsCertPath, "metrics-cert-path", "",
		"The directory holding the metrics server's certificate and key (e.g. a cert-manager Secret mounted there); "+
			"empty serves a self-signed certificate generated at start-up.")
	flag.StringVar(&metricsCertName, "metrics-cert-name", "tls.crt", "The metrics server's certificate file in --metrics-cert-path.")
	flag.StringVar(&metricsCertKey, "metrics-cert-key", "tls.key", "The metrics server's key file in --metrics-cert-path.")
	flag.BoolVar(&enableHTTP2, "enable-http2", false,
		"If set, HTTP/2 will be enabled for the metrics server (off by default: CVE-2023-44487).")
	flag.BoolVar(&printVersion, "version", false, "Print the version of the manager and exit.")
	opts.BindFlags(flag.CommandLine)
	zapOpts := zap.Options{Development: true}
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()
	if printVersion {
		fmt.Println("roadmap-operator " + version)
		return
	}

	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	setupLog := ctrl.Log.WithName("setup")

	var tlsOpts []func(*tls.Config)
	if !enableHTTP2 {
		tlsOpts = append(tlsOpts, func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} })
	}
	metricsOpts, metricsCertWatcher, err := metricsServerOptions(metricsAddr, secureMetrics, tlsOpts,
		metricsCertPath, metricsCertName, metricsCertKey)
	if err != nil {
		setupLog.Error(err, "unable to load the metrics server certificate")
		os.Exit(1)
	}

	restConfig := ctrl.GetConfigOrDie()
	opts.ApplyToRESTConfig(restConfig)
	mgrOpts := controllers.ManagerOptions()
	mgrOpts.Metrics = metricsOpts
	mgrOpts.HealthProbeBindAddress = probeAddr
	mgrOpts.LeaderElection = enableLeaderElection
	mgr, err := ctrl.NewManager(restConfig, mgrOpts)
	if err != nil {
		setupLog.Error(err, "unable to create manager")
		os.Exit(1)
	}
	if metricsCertWatcher != nil {
		// Reloads the certificate when cert-manager renews it.
		if err := mgr.Add(metricsCertWatcher); err != nil {
			setupLog.Error(err, "unable to add the metrics certificate watcher")
			os.Exit(1)
		}
	}

	ctx := ctrl.SetupSignalHandler()
	if err := controllers.Setup(ctx, mgr, opts); err != nil {
		setupLog.Error(err, "unable to set up controllers")
		os.Exit(1)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		setupLog.Error(err, "unable to set up health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		setupLog.Error(err, "unable to set up ready check")
		os.Exit(1)
	}

	setupLog.Info("starting manager", "version", version)
	if err := mgr.Start(ctx); err != nil {
		setupLog.Error(err, "problem running manager")
		os.Exit(1)
	}
}

// metricsServerOptions configures the metrics endpoint: HTTPS with authentication and authorization when secure,
// with the certificate in certPath when one is given (watched, so a renewed certificate is served without a
// restart) or else a self-signed one controller-runtime generates at start-up.
func metricsServerOptions(addr string, secure bool, tlsOpts []func(*tls.Config), certPath, certName, certKey string) (
	metricsserver.Options, *certwatcher.CertWatcher, error) {
	opts := metricsserver.Options{BindAddress: addr, SecureServing: secure, TLSOpts: tlsOpts}
	if secure {
		opts.FilterProvider = filters.WithAuthenticationAndAuthorization
	}
	if certPath == "" {
		return opts, nil, nil
	}
	watcher, err := certwatcher.New(filepath.Join(certPath, certName), filepath.Join(certPath, certKey))
	if err != nil {
		return opts, nil, fmt.Errorf("reading %s and %s in %s: %w", certName, certKey, certPath, err)
	}
	opts.TLSOpts = append(opts.TLSOpts, func(c *tls.Config) { c.GetCertificate = watcher.GetCertificate })
	return opts, watcher, nil
}

// runBoard runs the board service with the in-cluster configuration, logging as the manager does.
func runBoard(args []string) int {
	log := zap.New(zap.UseDevMode(false))
	ctrl.SetLogger(log)
	catalog := &backstageCatalog{log: log.WithName("backstage")}
	cmd := board.ServiceCommand(ctrl.GetConfig, log.WithName("board"), catalog.routes)
	catalog.bind(cmd)
	cmd.SetArgs(args)
	if err := cmd.ExecuteContext(ctrl.SetupSignalHandler()); err != nil {
		log.Error(err, "The board stopped")
		return 1
	}
	return 0
}
