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
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// Kubeconfig keys of a cluster Secret, in the order they are looked for: Cluster API and Flux write "value",
// some tools "value.yaml".
var kubeconfigKeys = []string{"value", "value.yaml"}

// clusterConn is a connection to one cluster: the local one (no Secret, never probed) or a remote one built from
// a kubeconfig Secret.
type clusterConn struct {
	secret, name string
	// digest identifies the kubeconfig the connection was built from: a new one (rotated credentials) replaces it.
	digest  [sha256.Size]byte
	dynamic dynamic.Interface
	mapper  meta.RESTMapper
	probes  rest.Interface

	// ctx ends when the connection is replaced or dropped; the watches and the probe loop of a remote cluster
	// run under it. nil for the local cluster.
	ctx    context.Context
	cancel context.CancelFunc

	mu sync.Mutex
	h  clusterHealth
}

// clusterHealth is what the last probe learned.
type clusterHealth struct {
	// unreachableSince is when the cluster stopped answering; zero while it answers. err is the last error.
	unreachableSince time.Time
	err              string
	// rejected says why the cluster refused the kubeconfig's credentials; empty when it accepts them.
	rejected string
}

func (c *clusterConn) context(parent context.Context) context.Context {
	if c.ctx != nil {
		return c.ctx
	}
	return parent
}

func (c *clusterConn) stop() {
	if c.cancel != nil {
		c.cancel()
	}
}

func (c *clusterConn) health() clusterHealth {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.h
}

// probe asks the cluster for its version (allowed to every authenticated user) and records whether it answered.
// It reports whether what dependents see changed: reachable or not, credentials accepted or not.
func (c *clusterConn) probe(ctx context.Context, timeout time.Duration, now time.Time) bool {
	probeCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := c.probes.Get().AbsPath("/version").Do(probeCtx).Error()
	if ctx.Err() != nil {
		return false // shutting down: learned nothing about the cluster
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	previous := c.h
	switch {
	case err == nil:
		c.h = clusterHealth{}
	case apierrors.IsUnauthorized(err):
		c.h = clusterHealth{rejected: fmt.Sprintf("cluster %s rejected the credentials of the kubeconfig in Secret %s "+
			"(401 Unauthorized): rotate them in the Secret", c.name, c.secret)}
	default:
		since := previous.unreachableSince
		if since.IsZero() {
			since = now
		}
		c.h = clusterHealth{unreachableSince: since, err: err.Error()}
	}
	return previous.rejected != c.h.rejected || previous.unreachableSince.IsZero() != c.h.unreachableSince.IsZero()
}

// connect returns the connection to the cluster a Secret registers, building it (or rebuilding it after the
// Secret changed) if needed. invalid says, without any of the kubeconfig's contents, why the Secret cannot be
// used.
func (w *Watcher) connect(ctx context.Context, secretName, name string) (_ *clusterConn, invalid string) {
	where := types.NamespacedName{Namespace: w.opts.ClusterSecretsNamespace, Name: secretName}.String()
	secret := &corev1.Secret{}
	if err := w.secrets.Get(ctx, client.ObjectKey{Namespace: w.opts.ClusterSecretsNamespace, Name: secretName}, secret); err != nil {
		w.dropCluster(secretName)
		if apierrors.IsNotFound(err) {
			return nil, fmt.Sprintf("Secret %s not found: create it with the cluster's kubeconfig under the key value", where)
		}
		return nil, fmt.Sprintf("Secret %s cannot be read: %v", where, err)
	}
	var data []byte
	for _, key := range kubeconfigKeys {
		if v := secret.Data[key]; len(v) > 0 {
			data = v
			break
		}
	}
	if data == nil {
		w.dropCluster(secretName)
		return nil, fmt.Sprintf("Secret %s has no kubeconfig under the key value or value.yaml", where)
	}
	digest := sha256.Sum256(data)
	w.mu.Lock()
	if conn := w.remotes[secretName]; conn != nil && conn.digest == digest {
		w.mu.Unlock()
		return conn, ""
	}
	w.mu.Unlock()

	cfg, invalid := restConfigFromKubeconfig(data, where)
	if invalid != "" {
		w.dropCluster(secretName)
		return nil, invalid
	}
	conn, err := w.newClusterConn(cfg, secretName, name, digest)
	if err != nil {
		w.dropCluster(secretName)
		return nil, fmt.Sprintf("the kubeconfig in Secret %s cannot be used: %v", where, err)
	}
	// The first probe is part of connecting, so that the first evaluation says whether the cluster answers.
	conn.probe(ctx, w.opts.RemoteTimeout, w.now())

	w.mu.Lock()
	defer w.mu.Unlock()
	if existing := w.remotes[secretName]; existing != nil {
		if existing.digest == digest { // another worker connected first
			conn.stop()
			return existing, ""
		}
		w.dropClusterLocked(secretName)
		w.log.Info("cluster Secret changed: reconnecting", "cluster", name, "secret", where)
		// Other capabilities' watches on the cluster stopped with the old connection: re-evaluate them.
		go w.enqueueCluster(w.ctx, secretName)
	}
	w.remotes[secretName] = conn
	go w.probeLoop(conn)
	return conn, ""
}

// restConfigFromKubeconfig parses a kubeconfig. It accepts only kubeconfigs whose credentials are embedded: a
// kubeconfig that runs a command (exec, auth-provider) or reads a file would run or read it in the operator's
// pod, with the operator's rights, for whoever may write Secrets in its namespace.
func restConfigFromKubeconfig(data []byte, where string) (*rest.Config, string) {
	raw, err := clientcmd.Load(data)
	if err != nil {
		// The parser's error may quote the kubeconfig; say only that it failed.
		return nil, fmt.Sprintf("the kubeconfig in Secret %s cannot be parsed", where)
	}
	plugin := fmt.Sprintf("the kubeconfig in Secret %s uses a credential plugin (exec or auth-provider), which the "+
		"operator does not run: embed a token or a client certificate", where)
	files := fmt.Sprintf("the kubeconfig in Secret %s refers to files, which the operator does not read: embed the "+
		"credentials and the CA (token, client-certificate-data, certificate-authority-data)", where)
	// Looked at before the kubeconfig is validated, since validating it reads the files it names.
	for _, user := range raw.AuthInfos {
		switch {
		case user.Exec != nil || user.AuthProvider != nil:
			return nil, plugin
		case user.TokenFile != "" || user.ClientCertificate != "" || user.ClientKey != "":
			return nil, files
		}
	}
	for _, cluster := range raw.Clusters {
		if cluster.CertificateAuthority != "" {
			return nil, files
		}
	}
	cfg, err := clientcmd.NewDefaultClientConfig(*raw, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, fmt.Sprintf("the kubeconfig in Secret %s is incomplete: it needs a current context with a "+
			"cluster (server) and a user", where)
	}
	switch { // what the checks above cover, checked again on the result
	case cfg.ExecProvider != nil || cfg.AuthProvider != nil:
		return nil, plugin
	case cfg.BearerTokenFile != "" || cfg.CertFile != "" || cfg.KeyFile != "" || cfg.CAFile != "":
		return nil, files
	}
	return cfg, ""
}

func (w *Watcher) newClusterConn(cfg *rest.Config, secretName, name string, digest [sha256.Size]byte) (*clusterConn, error) {
	if w.rateLimits != nil {
		w.rateLimits(cfg)
	}
	cfg.UserAgent = rest.DefaultKubernetesUserAgent() + " roadmap-operator/evidence"
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	// Discovery and probes run in reconciles: they get a timeout. Watches must not (it would cut them off).
	bounded := rest.CopyConfig(cfg)
	bounded.Timeout = w.opts.RemoteTimeout
	httpClient, err := rest.HTTPClientFor(bounded)
	if err != nil {
		return nil, err
	}
	mapper, err := apiutil.NewDynamicRESTMapper(bounded, httpClient)
	if err != nil {
		return nil, err
	}
	disco, err := discovery.NewDiscoveryClientForConfigAndClient(bounded, httpClient)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(w.ctx)
	return &clusterConn{secret: secretName, name: name, digest: digest, dynamic: dyn, mapper: mapper,
		probes: disco.RESTClient(), ctx: ctx, cancel: cancel}, nil
}

// probeLoop probes a remote cluster until its connection ends, and re-evaluates the checks on it when it stops
// or starts answering.
func (w *Watcher) probeLoop(conn *clusterConn) {
	ticker := time.NewTicker(w.opts.ClusterProbeInterval)
	defer ticker.Stop()
	for {
		select {
		case <-conn.ctx.Done():
			return
		case <-ticker.C:
		}
		if !conn.probe(conn.ctx, w.opts.RemoteTimeout, w.now()) {
			continue
		}
		h := conn.health()
		switch {
		case h.rejected != "":
			w.log.Info("cluster rejects the kubeconfig's credentials", "cluster", conn.name)
		case !h.unreachableSince.IsZero():
			w.log.Info("cluster unreachable", "cluster", conn.name, "error", h.err)
		default:
			w.log.Info("cluster reachable again", "cluster", conn.name)
		}
		w.enqueueCluster(conn.ctx, conn.secret)
	}
}

// dropCluster disconnects from a cluster whose Secret went away or became unusable; its checks stay referenced,
// so a fixed Secret reconnects them.
func (w *Watcher) dropCluster(secretName string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.dropClusterLocked(secretName)
}

func (w *Watcher) dropClusterLocked(secretName string) {
	conn, ok := w.remotes[secretName]
	if !ok {
		return
	}
	for key := range w.watches {
		if key.cluster == secretName {
			w.stopWatchLocked(key)
		}
	}
	conn.stop()
	delete(w.remotes, secretName)
}

// NewClusterSecretsCache is a cache of the Secrets of one namespace, the cluster secrets namespace, so that the
// operator needs no right to read Secrets anywhere else (a Role, not a ClusterRole), and the manager's own cache
// stays as it is. It runs with the manager.
func NewClusterSecretsCache(mgr ctrl.Manager, namespace string) (cache.Cache, error) {
	c, err := cache.New(mgr.GetConfig(), cache.Options{
		Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper(), HTTPClient: mgr.GetHTTPClient(),
		DefaultNamespaces: map[string]cache.Config{namespace: {}},
		DefaultTransform:  cache.TransformStripManagedFields(),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the cache of cluster Secrets in %s: %w", namespace, err)
	}
	if err := mgr.Add(c); err != nil {
		return nil, fmt.Errorf("adding the cache of cluster Secrets: %w", err)
	}
	return c, nil
}
