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

package fleet

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/version"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// ErrNotKubernetes is the error of an answer that is not what a Kubernetes apiserver answers (an HTML page with
// status 200, say).
var ErrNotKubernetes = errors.New("the answer is not a Kubernetes API response")

// VersionAnswer checks the answer to GET /version, the probe of a cluster: besides the request's error, an
// answer that is not a version (a web server's page) fails the probe too, with ErrNotKubernetes.
func VersionAnswer(body []byte, err error) error {
	if err != nil {
		return err
	}
	var v version.Info
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("%w: %w", ErrNotKubernetes, err)
	}
	if v.Major == "" && v.GitVersion == "" {
		return fmt.Errorf("%w: no version in the answer to /version", ErrNotKubernetes)
	}
	return nil
}

// Failure is what status tells of a failed request to a cluster: a check reason and a short summary that quotes
// nothing the cluster or the kubeconfig said (no URL, no address, no response body). The error itself goes to
// the manager's log only.
type Failure struct {
	// Reason is the check reason it ends in: ClusterUnreachable, ClusterResponseInvalid, AccessDenied, or
	// KubeconfigInvalid (credentials rejected).
	Reason string
	// Summary completes "the cluster ...", e.g. "refused the connection".
	Summary string
}

// Classify turns the error of a request to a cluster into a Failure. Every error gets one: what is not
// recognised is told as "the request failed", under ClusterUnreachable.
func Classify(err error) Failure {
	unreachable := func(summary string) Failure {
		return Failure{Reason: roadmapv1.CheckReasonClusterUnreachable, Summary: summary}
	}
	invalid := func(summary string) Failure {
		return Failure{Reason: roadmapv1.CheckReasonClusterResponseInvalid, Summary: summary}
	}
	var (
		status      apierrors.APIStatus
		dns         *net.DNSError
		unknownCA   x509.UnknownAuthorityError
		hostname    x509.HostnameError
		certInvalid x509.CertificateInvalidError
		verify      *tls.CertificateVerificationError
		record      tls.RecordHeaderError
	)
	switch {
	case err == nil:
		return Failure{}
	case errors.Is(err, ErrRedirect):
		return invalid("answered with a redirect, which the operator does not follow")
	case errors.As(err, &status) && status.Status().Code != 0:
		return classifyStatus(int(status.Status().Code))
	case errors.Is(err, ErrNotKubernetes) || notKubernetes(err):
		return invalid("answered with something that is not a Kubernetes API response")
	case errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err):
		return unreachable("did not answer in time")
	case errors.Is(err, context.Canceled):
		return unreachable("the request was cancelled")
	case errors.As(err, &dns):
		return unreachable("has a server name that does not resolve")
	case errors.Is(err, syscall.ECONNREFUSED):
		return unreachable("refused the connection")
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return unreachable("has no route to its server")
	case errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &certInvalid) ||
		errors.As(err, &verify):
		return unreachable("presented a certificate the kubeconfig's CA does not verify")
	case errors.As(err, &record) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return invalid("does not speak TLS")
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		return unreachable("closed the connection")
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return unreachable("could not be reached")
	}
	return unreachable("failed the request")
}

// notKubernetes recognises the errors of answers that are not Kubernetes API responses. client-go formats some
// with %v (e.g. "unable to parse the server version: invalid character '<' ..."), and net/http reports a plain
// HTTP answer to a TLS client in text only (see Classify), so the text is looked at too.
func notKubernetes(err error) bool {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	if errors.As(err, &syntax) || errors.As(err, &typeErr) || runtime.IsNotRegisteredError(err) ||
		runtime.IsMissingKind(err) || runtime.IsMissingVersion(err) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"invalid character", "cannot unmarshal", "unexpected end of JSON input",
		"serializer for"} { // "serializer for text/html doesn't exist": a 200 in a content type no decoder reads
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// classifyStatus classifies an HTTP status the cluster answered with.
func classifyStatus(code int) Failure {
	text := strings.TrimSpace(fmt.Sprintf("%d %s", code, http.StatusText(code)))
	switch {
	case code == http.StatusUnauthorized:
		return Failure{Reason: roadmapv1.CheckReasonKubeconfigInvalid,
			Summary: "rejected the credentials of the kubeconfig (401 Unauthorized): rotate them in the Secret"}
	case code == http.StatusForbidden:
		return Failure{Reason: roadmapv1.CheckReasonAccessDenied,
			Summary: "denied the kubeconfig's identity access to its API (403 Forbidden)"}
	case code == http.StatusTooManyRequests || code >= 500:
		return Failure{Reason: roadmapv1.CheckReasonClusterUnreachable, Summary: "answered " + text}
	}
	return Failure{Reason: roadmapv1.CheckReasonClusterResponseInvalid,
		Summary: "answered " + text + ", which a Kubernetes apiserver does not answer to the operator's requests"}
}
