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
	"flag"
	"os"
	"time"

	"github.com/roadmap-operator/roadmap-operator/internal/fleet"
)

// Options configure the evidence watcher's connections to the clusters that checks name.
type Options struct {
	// ClusterSecretsNamespace is the namespace of the kubeconfig Secrets that register the clusters evidence
	// checks may look in. It is the only namespace the operator reads Secrets in.
	ClusterSecretsNamespace string
	// ClusterUnreachableGrace is how long the last known results of checks on a cluster that stopped answering
	// stand before they fail with ClusterUnreachable.
	ClusterUnreachableGrace time.Duration
	// ClusterProbeInterval is how often a remote cluster that checks name is asked whether it answers.
	ClusterProbeInterval time.Duration
	// RemoteTimeout bounds every call to a remote cluster that a reconcile waits for.
	RemoteTimeout time.Duration
	// InsecureKubeconfigTLS allows cluster kubeconfigs that skip TLS verification or name a plain http://
	// server; AllowKubeconfigProxyURL allows those that set proxy-url. Both are refused by default
	// (KubeconfigInvalid): whoever may write a cluster Secret would choose where the manager's requests, with
	// the cluster's credentials, go.
	InsecureKubeconfigTLS   bool
	AllowKubeconfigProxyURL bool
	// MaxWatches bounds the objects watched for evidence checks, in all clusters together (one watch each); a
	// check beyond it reports WatchLimitReached. 0 sizes it from the manager's memory limit
	// (fleet.MaxWatchesFor).
	MaxWatches int
}

// KubeconfigPolicy is what cluster kubeconfigs may ask for beyond embedded credentials over verified TLS.
func (o Options) KubeconfigPolicy() fleet.Policy {
	return fleet.Policy{InsecureTLS: o.InsecureKubeconfigTLS, ProxyURL: o.AllowKubeconfigProxyURL}
}

// defaultClusterSecretsNamespace is the namespace config/default deploys the manager to.
const defaultClusterSecretsNamespace = "roadmap-operator-system"

// DefaultOptions are the defaults of the evidence flags.
func DefaultOptions() Options {
	var o Options
	o.ClusterSecretsNamespace = os.Getenv("POD_NAMESPACE") // the downward API in config/manager
	if o.ClusterSecretsNamespace == "" {
		o.ClusterSecretsNamespace = defaultClusterSecretsNamespace
	}
	o.ClusterUnreachableGrace, o.ClusterProbeInterval, o.RemoteTimeout = 2*time.Minute, 10*time.Second, 10*time.Second
	return o
}

// BindFlags registers the options as flags, with DefaultOptions as defaults.
func (o *Options) BindFlags(fs *flag.FlagSet) {
	d := DefaultOptions()
	fs.StringVar(&o.ClusterSecretsNamespace, "cluster-secrets-namespace", d.ClusterSecretsNamespace,
		"Namespace of the kubeconfig Secrets that register clusters for evidence checks (default: the namespace "+
			"the manager runs in, from POD_NAMESPACE, else "+defaultClusterSecretsNamespace+").")
	fs.DurationVar(&o.ClusterUnreachableGrace, "cluster-unreachable-grace", d.ClusterUnreachableGrace,
		"How long the last known results of checks on an unreachable cluster stand before they fail with ClusterUnreachable.")
	fs.DurationVar(&o.ClusterProbeInterval, "cluster-probe-interval", d.ClusterProbeInterval,
		"How often a cluster that evidence checks name is asked whether it answers.")
	fs.DurationVar(&o.RemoteTimeout, "cluster-request-timeout", d.RemoteTimeout,
		"Timeout of the calls to a cluster that evidence checks name (discovery, probes, first list).")
	fs.BoolVar(&o.InsecureKubeconfigTLS, fleet.InsecureTLSFlag, d.InsecureKubeconfigTLS,
		"Allow cluster kubeconfigs that set insecure-skip-tls-verify or name a plain http:// server (refused by default).")
	fs.BoolVar(&o.AllowKubeconfigProxyURL, fleet.ProxyURLFlag, d.AllowKubeconfigProxyURL,
		"Allow cluster kubeconfigs that set proxy-url (refused by default).")
	fs.IntVar(&o.MaxWatches, "max-evidence-watches", d.MaxWatches,
		"Objects watched for evidence checks at most, in all clusters together; checks beyond it report "+
			"WatchLimitReached. 0 sizes it from the memory limit (GOMEMLIMIT, else the container's): half of it at "+
			"256 KiB a watch, at least 100; 1000 without a limit.")
}
