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
	"errors"
	"fmt"
	"net/http"

	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/rest"
)

// ErrRedirect is the error of a request a cluster answered with a redirect.
var ErrRedirect = errors.New("the server answered with a redirect, which the operator does not follow")

// RefuseRedirects makes every client built from cfg fail a request whose answer is a redirect, instead of
// following it.
//
// Go's http.Client follows redirects, and client-go's authentication round-trippers (bearer token, basic auth)
// sit above the transport, so they would add the kubeconfig's credentials to the request sent to the redirect's
// target too, and a client certificate goes wherever the TLS configuration goes: a cluster (or whoever answers
// for its address) could send the manager, with the cluster's credentials, to any address it can reach, the
// cloud's metadata service included. An apiserver never redirects the requests the manager makes. The wrapper
// is the innermost round-tripper (rest.Config.WrapTransport), so it sees the answer before anything follows it;
// it applies to every client built from cfg (discovery, dynamic, watches), however it is built.
func RefuseRedirects(cfg *rest.Config) {
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return redirectRefuser{next: rt} })
}

type redirectRefuser struct{ next http.RoundTripper }

func (r redirectRefuser) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 300 || resp.StatusCode > 399 || resp.StatusCode == http.StatusNotModified {
		return resp, err
	}
	_ = resp.Body.Close()
	return nil, fmt.Errorf("%w (%d)", ErrRedirect, resp.StatusCode)
}

// WrappedRoundTripper lets client-go's transport utilities see through the wrapper (e.g. to cancel requests).
func (r redirectRefuser) WrappedRoundTripper() http.RoundTripper { return r.next }

var _ utilnet.RoundTripperWrapper = redirectRefuser{}
