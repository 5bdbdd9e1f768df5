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

// Package fleet holds the rules for talking to the clusters evidence checks name through kubeconfig Secrets:
// which kubeconfigs may be used (Load), the transport they get (no redirects), how a failure to talk to a
// cluster is told in status without quoting the cluster (Classify), and how many watches the manager may keep
// (MaxWatchesFor). It makes no client calls: the evidence watcher in controllers/ uses it.
//
// Whoever may write Secrets in the cluster secrets namespace chooses the kubeconfig, so a kubeconfig is input
// from them, to be checked before any of it is used, and what a remote server answers is input from whoever
// runs that server: neither reaches status, where every roadmap viewer reads it.
package fleet

import (
	"fmt"
	"net/url"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Policy is what the manager's flags allow in a cluster kubeconfig beyond embedded credentials over verified TLS.
type Policy struct {
	// InsecureTLS allows insecure-skip-tls-verify and plain http:// servers (--insecure-kubeconfig-tls).
	InsecureTLS bool
	// ProxyURL allows proxy-url (--allow-kubeconfig-proxy-url).
	ProxyURL bool
}

// Flag names that lift the refusals, as messages name them.
const (
	InsecureTLSFlag = "insecure-kubeconfig-tls"
	ProxyURLFlag    = "allow-kubeconfig-proxy-url"
)

// Load parses a kubeconfig and returns the REST config of its current context, or, in invalid, why it may not be
// used, without any of its contents ("the kubeconfig in Secret <where> ..."). Refused:
//
//   - credential plugins (exec, auth-provider) and file references (tokenFile, client-certificate, client-key,
//     certificate-authority): they would run a command or read a file in the manager's pod, with its rights;
//   - unless the policy allows it, insecure-skip-tls-verify and plain http:// servers (anyone on the path reads
//     and changes what the manager sends, credentials included), and proxy-url (it sends the manager's requests
//     wherever the Secret's writer chooses).
func Load(data []byte, where string, p Policy) (_ *rest.Config, invalid string) {
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
	if invalid := transportRefusal(cfg, where, p); invalid != "" {
		return nil, invalid
	}
	return cfg, ""
}

// transportRefusal says why the transport a REST config asks for is refused by the policy; empty when it is not.
func transportRefusal(cfg *rest.Config, where string, p Policy) string {
	refused := func(what, flag string) string {
		return fmt.Sprintf("the kubeconfig in Secret %s %s, which is refused; start the manager with --%s to allow it",
			where, what, flag)
	}
	if !p.InsecureTLS {
		if cfg.Insecure {
			return refused("sets insecure-skip-tls-verify", InsecureTLSFlag)
		}
		// The URL client-go will use: a server without a scheme is plain HTTP unless TLS settings are given.
		u, _, err := rest.DefaultServerUrlFor(cfg)
		switch {
		case err != nil:
			return fmt.Sprintf("the kubeconfig in Secret %s has a server that is not a URL", where)
		case u.Scheme != "https":
			return refused("has a server that is not https://", InsecureTLSFlag)
		}
	}
	if cfg.Proxy != nil && !p.ProxyURL {
		return refused("sets proxy-url", ProxyURLFlag)
	}
	if u, err := url.Parse(cfg.Host); err == nil && u.User != nil {
		// Credentials in the server URL would be logged with it.
		return fmt.Sprintf("the kubeconfig in Secret %s has credentials in its server URL: embed them as a token "+
			"or client certificate", where)
	}
	return ""
}
