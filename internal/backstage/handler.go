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

package backstage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// CatalogPath is where the board service serves the entities, the URL Backstage registers as a Location.
const CatalogPath = "/backstage/catalog-info.yaml"

// ContentType of the served entities.
const ContentType = "application/yaml"

// MinTokenLength is the shortest read token accepted: 32 characters, such as `openssl rand -hex 16` prints.
const MinTokenLength = 32

// LoadFunc returns the roadmap as it is now, for one request.
type LoadFunc func(ctx context.Context) (*roadmapview.Snapshot, error)

// NewHandler serves the entities of the roadmap that load returns, as Write writes them, to requests that carry
// the read token as `Authorization: Bearer TOKEN`. Backstage cannot sign in: the token is the only way in, so
// it is compared in constant time, and any other request gets 401 saying what is missing. GET and HEAD only.
func NewHandler(token string, load LoadFunc, o Options) (http.Handler, error) {
	if err := CheckToken(token); err != nil {
		return nil, err
	}
	if load == nil {
		return nil, errors.New("the Backstage catalog handler needs a function that loads the roadmap")
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	// Comparing digests keeps the comparison constant-time in the token's length too.
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if msg, ok := authorized(r, want); !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="roadmap-operator backstage catalog"`+msg.challenge)
			plain(w, http.StatusUnauthorized, msg.text)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			plain(w, http.StatusMethodNotAllowed, "the Backstage catalog is read-only: use GET")
			return
		}
		s, err := load(r.Context())
		if err != nil {
			plain(w, http.StatusServiceUnavailable, "cannot read the roadmap from the cluster: "+err.Error())
			return
		}
		var b bytes.Buffer
		if err := Write(&b, s, o); err != nil {
			plain(w, http.StatusInternalServerError, "cannot write the roadmap as Backstage entities: "+err.Error())
			return
		}
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(b.Bytes())
		}
	}), nil
}

type refusal struct{ text, challenge string }

// authorized checks the bearer token; when it is missing or wrong, it says which, in the body and in the
// WWW-Authenticate challenge (RFC 6750).
func authorized(r *http.Request, want [sha256.Size]byte) (refusal, bool) {
	header := r.Header.Get("Authorization")
	scheme, token, found := strings.Cut(header, " ")
	if header == "" || !found || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return refusal{text: "401 Unauthorized: no read token. Send the catalog read token as the header " +
			"`Authorization: Bearer <token>` (Backstage: see docs/backstage.md)"}, false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return refusal{text: "401 Unauthorized: the bearer token is not the catalog read token",
			challenge: `, error="invalid_token"`}, false
	}
	return refusal{}, true
}

func plain(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = fmt.Fprintln(w, msg)
}

// CheckToken refuses a read token that is empty or too short to stand guessing.
func CheckToken(token string) error {
	if len(token) < MinTokenLength {
		return fmt.Errorf("the Backstage catalog read token has %d characters, fewer than %d: generate one with "+
			"`openssl rand -hex 32`", len(token), MinTokenLength)
	}
	if strings.TrimSpace(token) != token || strings.ContainsAny(token, " \t\r\n") {
		return errors.New("the Backstage catalog read token must not contain spaces or line breaks")
	}
	return nil
}

// ReadTokenFile reads the read token from a file, such as a Secret's key mounted as a volume; a final line break
// (as `echo` and many editors leave) is dropped.
func ReadTokenFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the Backstage catalog read token: %w", err)
	}
	token := strings.TrimRight(string(data), "\r\n")
	if err := CheckToken(token); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return token, nil
}
