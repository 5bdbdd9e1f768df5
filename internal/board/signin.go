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

package board

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"github.com/roadmap-operator/roadmap-operator/internal/board/access"
	"github.com/roadmap-operator/roadmap-operator/internal/board/auth"
)

// SignInFlags are the sign-in settings of `kubectl roadmap serve` and of the in-cluster board, named after the
// apiserver's own OIDC flags.
type SignInFlags struct {
	IssuerURL, ClientID, ClientSecretFile string
	UsernameClaim, UsernamePrefix         string
	GroupsClaim, GroupsPrefix             string
	ExternalURL, SessionKeyFile           string
	AccessTTL                             time.Duration
	// Public serves everyone who reaches the board, without sign-in, what the board's credentials read.
	Public bool
}

// Bind adds the flags to fs.
func (f *SignInFlags) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&f.IssuerURL, "oidc-issuer-url", "", "Sign users in with this OpenID Connect issuer; each then "+
		"sees what RBAC lets them list (SubjectAccessReviews).")
	fs.StringVar(&f.ClientID, "oidc-client-id", "", "The board's client ID at the issuer.")
	fs.StringVar(&f.ClientSecretFile, "oidc-client-secret-file", "", "File holding the board's client secret "+
		"(none for a public client: PKCE protects the code).")
	fs.StringVar(&f.UsernameClaim, "oidc-username-claim", "sub", "ID token claim naming the user, as the apiserver's flag.")
	fs.StringVar(&f.UsernamePrefix, "oidc-username-prefix", "", "Prefix of user names, as the apiserver's flag "+
		"(empty: the issuer URL and # unless the claim is email; - for none).")
	fs.StringVar(&f.GroupsClaim, "oidc-groups-claim", "", "ID token claim holding the user's groups, as the apiserver's flag.")
	fs.StringVar(&f.GroupsPrefix, "oidc-groups-prefix", "", "Prefix of group names, as the apiserver's flag.")
	fs.StringVar(&f.ExternalURL, "external-url", "", "The board's address as browsers reach it "+
		"(https://roadmap.example.com/); the identity provider redirects to its /auth/callback.")
	fs.StringVar(&f.SessionKeyFile, "session-key-file", "", "File holding the key (32 bytes or more) that signs "+
		"session cookies; without it a key is generated at start, and sessions end when the board restarts.")
	fs.DurationVar(&f.AccessTTL, "access-cache-ttl", access.DefaultTTL, "How long what a user may see is "+
		"remembered before the apiserver is asked again.")
	fs.BoolVar(&f.Public, "public", false, "Serve without sign-in: EVERYONE who reaches the board sees EVERYTHING "+
		"its credentials can read. For a wall screen on a trusted network only.")
}

// SignInEnabled reports whether users sign in.
func (f *SignInFlags) SignInEnabled() bool { return f.IssuerURL != "" }

// Apply sets the sign-in and the access reviews of o from the flags; without an issuer it leaves o as it is.
func (f *SignInFlags) Apply(o *ServeOptions, cfg *rest.Config, now func() time.Time, log logr.Logger) error {
	if !f.SignInEnabled() {
		if f.ClientID != "" || f.ExternalURL != "" {
			return errors.New("--oidc-client-id and --external-url need --oidc-issuer-url")
		}
		return nil
	}
	if f.Public {
		return errors.New("--public serves the board without sign-in: drop it, or drop --oidc-issuer-url")
	}
	secret, err := readSecret(f.ClientSecretFile, "--oidc-client-secret-file")
	if err != nil {
		return err
	}
	key, err := readSecret(f.SessionKeyFile, "--session-key-file")
	if err != nil {
		return err
	}
	a, err := auth.New(auth.Config{IssuerURL: f.IssuerURL, ClientID: f.ClientID, ClientSecret: string(secret),
		UsernameClaim: f.UsernameClaim, UsernamePrefix: f.UsernamePrefix, GroupsClaim: f.GroupsClaim,
		GroupsPrefix: f.GroupsPrefix, ExternalURL: f.ExternalURL, SessionKey: key, Now: now, Log: log.WithName("signin")})
	if err != nil {
		return err
	}
	r, err := access.NewReviewer(cfg, f.AccessTTL, now)
	if err != nil {
		return err
	}
	o.SignIn, o.Reviewer = a, r
	return nil
}

func readSecret(path, flag string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	return []byte(strings.TrimSpace(string(data))), nil
}
