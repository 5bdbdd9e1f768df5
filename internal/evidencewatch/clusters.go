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

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/fleet"
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

	mu        sync.Mutex
	h         clusterHealth
	discovery *discoveryFailure
}

// clusterHealth is what the last probe learned.
type clusterHealth struct {
	// failingSince is when the cluster stopped answering as an apiserver; zero while it does. failure says how,
	// in words fit for status.
	failingSince time.Time
	failure      fleet.Failure
	// rejected says why the cluster refused the kubeconfig's credentials; empty when it accepts them.
	rejected string
}

// discoveryFailure is what the last failed discovery (or list) on a cluster learned: a cluster that answers its
// probe can still fail discovery (a proxy answering HTML for /apis, say). It is cleared by the next one that
// works.
type discoveryFailure struct {
	since   time.Time
	failure fleet.Failure
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

// discoveryFailed records a failed discovery and returns since when discovery has been failing; first is true
// when it worked (or was not tried) before.
func (c *clusterConn) discoveryFailed(f fleet.Failure, now time.Time) (since time.Time, first bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.discovery == nil || c.discovery.failure != f {
		since, first = now, c.discovery == nil
		if c.discovery != nil {
			since = c.discovery.since // another failure of the same cluster: it has been failing since then
		}
		c.discovery = &discoveryFailure{since: since, failure: f}
	}
	return c.discovery.since, first
}

func (c *clusterConn) discoveryWorked() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.discovery = nil
}

// rejectedMessage is the KubeconfigInvalid message of a cluster that rejects a kubeconfig's credentials.
func rejectedMessage(cluster, secret string) string {
	return fmt.Sprintf("cluster %s rejected the credentials of the kubeconfig in Secret %s (401 Unauthorized): "+
		"rotate them in the Secret", cluster, secret)
}

// probe asks the cluster for its version (allowed to every authenticated user) and records whether it answered
// as an apiserver does. It reports whether what dependents see changed: answering or not (and how not),
// credentials accepted or not. The error itself is logged, never put in status.
func (c *clusterConn) probe(ctx context.Context, timeout time.Duration, now time.Time, log logr.Logger) bool {
	probeCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := fleet.VersionAnswer(c.probes.Get().AbsPath("/version").Do(probeCtx).Raw())
	if ctx.Err() != nil {
		return false // shutting down: learned nothing about the cluster
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	previous := c.h
	failure := fleet.Classify(err)
	switch {
	case err == nil:
		c.h = clusterHealth{}
	case failure.Reason == roadmapv1.CheckReasonKubeconfigInvalid:
		c.h = clusterHealth{rejected: rejectedMessage(c.name, c.secret)}
	default:
		since := previous.failingSince
		if since.IsZero() {
			since = now
		}
		c.h = clusterHealth{failingSince: since, failure: failure}
	}
	changed := previous.rejected != c.h.rejected || previous.failingSince.IsZero() != c.h.failingSince.IsZero() ||
		previous.failure != c.h.failure
	if changed && err != nil {
		log.Info("cluster fails its probe", "cluster", c.name, "secret", c.secret, "reason", failure.Reason,
			"error", err.Error())
	}
	return changed
}

// connect returns the connection to the cluster a Secret registers, building it (or rebuilding it after the
// Secret changed) if needed. invalid says, without any of the kubeconfig's contents, why the Secret cannot be
// used.
func (w *Watcher) connect(ctx context.Context, secretName, name string) (_ *clusterConn, invalid string) {
	where := types.NamespacedName{Namespace: w.opts.ClusterSecretsNamespace, Name: secretName}.String()
	secret, err := w.clusterSecret(ctx, secretName)
	if err != nil {
		w.dropCluster(secretName)
		if apierrors.IsNotFound(err) {
			return nil, notRegistered(where)
		}
		w.log.Error(err, "reading a cluster Secret", "secret", where)
		return nil, fmt.Sprintf("Secret %s cannot be read: see the operator's log", where)
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

	cfg, invalid := fleet.Load(data, where, w.opts.KubeconfigPolicy())
	if invalid != "" {
		w.dropCluster(secretName)
		return nil, invalid
	}
	conn, err := w.newClusterConn(cfg, secretName, name, digest)
	if err != nil {
		w.dropCluster(secretName)
		// The error may quote the kubeconfig's certificates: the log only.
		w.log.Info("a cluster kubeconfig cannot be used", "secret", where, "error", err.Error())
		return nil, fmt.Sprintf("the kubeconfig in Secret %s cannot be used: its certificates or keys are not "+
			"valid PEM (details in the operator's log)", where)
	}
	// The first probe is part of connecting, so that the first evaluation says whether the cluster answers.
	conn.probe(ctx, w.opts.RemoteTimeout, w.now(), w.log)

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

// clusterSecret reads a cluster Secret: one labelled roadmap.dev/cluster=true, the opt-in of whoever manages the
// namespace's Secrets. An unlabelled Secret is not found, the same answer as for a Secret that does not exist, so
// that a check naming any Secret of the namespace learns nothing about it. (The cache holds only labelled
// Secrets; the label is checked again here, whatever reader the watcher is given.)
func (w *Watcher) clusterSecret(ctx context.Context, name string) (*corev1.Secret, error) {
	secret := &corev1.Secret{}
	key := client.ObjectKey{Namespace: w.opts.ClusterSecretsNamespace, Name: name}
	if err := w.secrets.Get(ctx, key, secret); err != nil {
		return nil, err
	}
	if secret.Labels[roadmapv1.ClusterLabel] != "true" {
		return nil, apierrors.NewNotFound(corev1.Resource("secrets"), name)
	}
	return secret, nil
}

// notRegistered is the KubeconfigInvalid message of a Secret that does not exist or is not labelled.
func notRegistered(where string) string {
	return fmt.Sprintf("no cluster Secret %s: create it with the cluster's kubeconfig under the key value and "+
		"label it %s=true", where, roadmapv1.ClusterLabel)
}

func (w *Watcher) newClusterConn(cfg *rest.Config, secretName, name string, digest [sha256.Size]byte) (*clusterConn, error) {
	if w.rateLimits != nil {
		w.rateLimits(cfg)
	}
	// Before any client is built from it: every one of them (discovery, dynamic, watches) refuses redirects.
	fleet.RefuseRedirects(cfg)
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
		if !conn.probe(conn.ctx, w.opts.RemoteTimeout, w.now(), w.log) {
			continue
		}
		if h := conn.health(); h.rejected == "" && h.failingSince.IsZero() {
			w.log.Info("cluster answers again", "cluster", conn.name)
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

// NewClusterSecretsCache is a cache of the cluster Secrets (labelled roadmap.dev/cluster=true) of one namespace, the cluster secrets namespace, so that the
// operator needs no right to read Secrets anywhere else (a Role, not a ClusterRole), and the manager's own cache
// stays as it is. It runs with the manager.
func NewClusterSecretsCache(mgr ctrl.Manager, namespace string) (cache.Cache, error) {
	c, err := cache.New(mgr.GetConfig(), cache.Options{
		Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper(), HTTPClient: mgr.GetHTTPClient(),
		DefaultNamespaces: map[string]cache.Config{namespace: {}},
		// Only the Secrets labelled as clusters are listed, watched and kept: the namespace's other Secrets
		// never reach the operator's memory, and no check can name them.
		DefaultLabelSelector: labels.SelectorFromSet(labels.Set{roadmapv1.ClusterLabel: "true"}),
		DefaultTransform:     cache.TransformStripManagedFields(),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the cache of cluster Secrets in %s: %w", namespace, err)
	}
	if err := mgr.Add(c); err != nil {
		return nil, fmt.Errorf("adding the cache of cluster Secrets: %w", err)
	}
	return c, nil
}
