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

// Package image builds the manager's container image without a container engine: the static manager binary of
// each platform goes into a one-layer image with no base image (nothing but the binary, a passwd entry for the
// nonroot user and the host's CA bundle), and the images go into one multi-platform OCI image index, written as
// an OCI image layout tarball. The layout matches the Dockerfile's: /manager as entrypoint, user 65532:65532.
package image

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	// User is the uid:gid the manager runs as: distroless's "nonroot", as in the Dockerfile.
	User = "65532:65532"
	// Entrypoint is the manager binary's path in the image.
	Entrypoint = "/manager"
	// DefaultCABundle is where Debian and Ubuntu keep the CA bundle the image carries, for the manager's TLS
	// connections to clusters whose kubeconfig names no CA of its own.
	DefaultCABundle = "/etc/ssl/certs/ca-certificates.crt"

	// LabelSource and the other Label constants are OCI annotation keys (image-spec annotations.md), set as
	// config labels and as index annotations.
	LabelSource = "org.opencontainers.image.source"
	// LabelVersion is the release version, e.g. v0.1.0.
	LabelVersion = "org.opencontainers.image.version"
	// LabelRevision is the git commit built.
	LabelRevision = "org.opencontainers.image.revision"
	// LabelLicenses is the SPDX licence expression.
	LabelLicenses = "org.opencontainers.image.licenses"
	// LabelTitle is the image's name.
	LabelTitle = "org.opencontainers.image.title"
	// LabelCreated is the build date (the epoch unless SOURCE_DATE_EPOCH says otherwise).
	LabelCreated = "org.opencontainers.image.created"
	// RefName names the index inside the layout (index.json), so tools can address it by tag.
	RefName = "org.opencontainers.image.ref.name"
)

// DefaultPlatforms are the platforms the release image is built for.
var DefaultPlatforms = []string{"linux/amd64", "linux/arm64"}

// Options say what to build.
type Options struct {
	// Root is the repository root (holding go.mod and cmd/manager).
	Root string
	// Platforms are os/arch pairs; only linux is meaningful for the image.
	Platforms []string
	// Source, Version and Revision become the org.opencontainers.image.* labels.
	Source, Version, Revision string
	// Created is the image's creation time; the zero time (the epoch) keeps builds reproducible.
	Created time.Time
	// CABundle is a PEM file copied to /etc/ssl/certs/ca-certificates.crt; empty leaves it out.
	CABundle string
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// Labels are the OCI labels of the image's config (and annotations of its index).
func (o Options) Labels() map[string]string {
	return map[string]string{
		LabelTitle:    "roadmap-operator",
		LabelSource:   o.Source,
		LabelVersion:  o.Version,
		LabelRevision: o.Revision,
		LabelLicenses: "Apache-2.0",
		LabelCreated:  o.Created.UTC().Format(time.RFC3339),
	}
}

// Build compiles the manager for every platform and returns the multi-platform image index.
func Build(ctx context.Context, o Options) (v1.ImageIndex, error) {
	if len(o.Platforms) == 0 {
		o.Platforms = DefaultPlatforms
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	workDir, err := os.MkdirTemp("", "roadmap-image-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(workDir) }()

	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	var adds []mutate.IndexAddendum
	for _, p := range o.Platforms {
		platform, err := v1.ParsePlatform(p)
		if err != nil {
			return nil, fmt.Errorf("platform %q: %w", p, err)
		}
		binary := filepath.Join(workDir, platform.OS+"-"+platform.Architecture, "manager")
		if err := buildManager(ctx, o, *platform, binary); err != nil {
			return nil, err
		}
		img, err := platformImage(o, *platform, binary)
		if err != nil {
			return nil, fmt.Errorf("image for %s: %w", p, err)
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: platform}})
	}
	idx = mutate.AppendManifests(idx, adds...)
	return mutate.Annotations(idx, o.Labels()).(v1.ImageIndex), nil
}

// buildManager builds the static manager binary, as the Dockerfile does: no cgo, no local paths, no symbols, the
// version stamped in (--version and the start-up log show it).
func buildManager(ctx context.Context, o Options, platform v1.Platform, out string) error {
	fmt.Fprintf(o.Log, "building the manager for %s\n", platform.String())
	ldflags := "-s -w"
	if o.Version != "" { // otherwise the binary keeps its own default, "dev"
		ldflags += " -X main.version=" + o.Version
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags="+ldflags, "-o", out, "./cmd/manager")
	cmd.Dir = o.Root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+platform.OS, "GOARCH="+platform.Architecture)
	if platform.Variant != "" && platform.Architecture == "arm" {
		cmd.Env = append(cmd.Env, "GOARM="+strings.TrimPrefix(platform.Variant, "v"))
	}
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/manager for %s: %w\n%s", platform.String(), err, output)
	}
	return nil
}

// platformImage is the one-layer image of one platform.
func platformImage(o Options, platform v1.Platform, binary string) (v1.Image, error) {
	layerTar, err := rootFS(binary, o.CABundle, o.Created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{
		Created:   v1.Time{Time: o.Created},
		CreatedBy: "roadmap-operator hack/dist/image: COPY manager /manager",
	}})
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture, cfg.Variant = platform.OS, platform.Architecture, platform.Variant
	cfg.Created = v1.Time{Time: o.Created}
	cfg.Config.User = User
	cfg.Config.Entrypoint = []string{Entrypoint}
	cfg.Config.WorkingDir = "/"
	cfg.Config.Env = []string{"PATH=/", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"}
	cfg.Config.Labels = o.Labels()
	return mutate.ConfigFile(img, cfg)
}

// rootFS is the layer: the binary at /manager (root-owned, world-executable), the nonroot user in /etc/passwd and
// /etc/group, and the CA bundle when there is one.
func rootFS(binary, caBundle string, created time.Time) ([]byte, error) {
	manager, err := os.ReadFile(binary)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dir := func(name string) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755, ModTime: created, Format: tar.FormatPAX})
	}
	file := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)),
			ModTime: created, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	steps := []func() error{
		func() error { return file("manager", 0o755, manager) },
		func() error { return dir("etc/") },
		func() error {
			return file("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"))
		},
		func() error { return file("etc/group", 0o644, []byte("root:x:0:\nnonroot:x:65532:\n")) },
		// A writable-looking /tmp for libraries that want one; the Deployment mounts the root read-only anyway.
		func() error {
			return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777, ModTime: created, Format: tar.FormatPAX})
		},
	}
	if caBundle != "" {
		pem, err := os.ReadFile(caBundle)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("CA bundle %s not found (pass an empty path to leave it out): %w", caBundle, err)
		case err != nil:
			return nil, err
		}
		steps = append(steps,
			func() error { return dir("etc/ssl/") },
			func() error { return dir("etc/ssl/certs/") },
			func() error { return file("etc/ssl/certs/ca-certificates.crt", 0o644, pem) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteLayoutTarball writes idx as an OCI image layout (index.json naming it by tag, oci-layout, blobs/) packed
// into the tar file path.
func WriteLayoutTarball(idx v1.ImageIndex, tag, path string) error {
	dir, err := os.MkdirTemp("", "roadmap-layout-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{RefName: tag})); err != nil {
		return fmt.Errorf("writing the OCI layout: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return tarDir(dir, path)
}

// ReadLayoutTarball unpacks an OCI image layout tarball into dir and returns the image index it names.
func ReadLayoutTarball(path, dir string) (v1.ImageIndex, error) {
	if err := untar(path, dir); err != nil {
		return nil, fmt.Errorf("unpacking %s: %w", path, err)
	}
	top, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the OCI layout of %s: %w", path, err)
	}
	manifest, err := top.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(manifest.Manifests) != 1 || !manifest.Manifests[0].MediaType.IsIndex() {
		return nil, fmt.Errorf("%s: index.json should name exactly one image index, it names %d manifests", path, len(manifest.Manifests))
	}
	return top.ImageIndex(manifest.Manifests[0].Digest)
}

// Push pushes the image index of the layout tarball at layoutPath to ref, with the registry credentials docker
// login and crane auth login keep (~/.docker/config.json), as crane does (remote.WriteIndex). It returns the
// pushed index by digest (repository@sha256:...), what cosign signs. insecure allows a plain-HTTP registry.
func Push(ctx context.Context, layoutPath, ref string, insecure bool) (string, error) {
	var opts []name.Option
	if insecure {
		opts = append(opts, name.Insecure)
	}
	tag, err := name.ParseReference(ref, opts...)
	if err != nil {
		return "", fmt.Errorf("image reference %q: %w", ref, err)
	}
	dir, err := os.MkdirTemp("", "roadmap-push-")
	if err != nil {
		return "", err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	idx, err := ReadLayoutTarball(layoutPath, dir)
	if err != nil {
		return "", err
	}
	if err := remote.WriteIndex(tag, idx, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
		return "", fmt.Errorf("pushing %s: %w", tag, err)
	}
	digest, err := idx.Digest()
	if err != nil {
		return "", err
	}
	return tag.Context().Digest(digest.String()).String(), nil
}

func tarDir(dir, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	walkErr := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if d.IsDir() {
			hdr.Name += "/"
		}
		hdr.ModTime, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = time.Unix(0, 0), 0, 0, "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	return errors.Join(walkErr, tw.Close(), f.Close())
}

func untar(path, dir string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(hdr.Name))
		if !strings.HasPrefix(target, filepath.Clean(dir)+string(filepath.Separator)) {
			return fmt.Errorf("entry %q leaves the target directory", hdr.Name)
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			if err := os.WriteFile(target, data, 0o644); err != nil {
				return err
			}
		}
	}
}
