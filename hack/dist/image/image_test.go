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

package image_test

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	. "github.com/onsi/gomega"

	"github.com/roadmap-operator/roadmap-operator/hack/dist/image"
)

// TestImageLayoutTarball builds the image as `make image` does, into a temporary directory, reads the tarball back
// and checks what a container runtime would run: both platforms, the nonroot user, the entrypoint, the OCI labels;
// then it runs the amd64 image's binary with --help.
func TestImageLayoutTarball(t *testing.T) {
	g := NewWithT(t)
	root, err := filepath.Abs("../../..")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(filepath.Join(root, "cmd", "manager")).To(BeADirectory())

	opts := image.Options{
		Root: root, Platforms: image.DefaultPlatforms, Source: "https://github.com/roadmap-operator/roadmap-operator",
		Version: "v0.0.0-test", Revision: "0123456789abcdef", Created: time.Unix(0, 0).UTC(),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	idx, err := image.Build(ctx, opts)
	g.Expect(err).NotTo(HaveOccurred())
	tarPath := filepath.Join(t.TempDir(), "roadmap-operator-image.tar")
	g.Expect(image.WriteLayoutTarball(idx, opts.Version, tarPath)).To(Succeed())

	readBack, err := image.ReadLayoutTarball(tarPath, t.TempDir())
	g.Expect(err).NotTo(HaveOccurred())
	manifest, err := readBack.IndexManifest()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(manifest.MediaType).To(Equal(types.OCIImageIndex))
	g.Expect(manifest.Annotations).To(HaveKeyWithValue(image.LabelVersion, "v0.0.0-test"))

	var platforms []string
	var amd64 v1.Image
	for _, desc := range manifest.Manifests {
		g.Expect(desc.Platform).NotTo(BeNil(), "manifest %s has no platform", desc.Digest)
		platforms = append(platforms, desc.Platform.String())
		img, err := readBack.Image(desc.Digest)
		g.Expect(err).NotTo(HaveOccurred())
		cfg, err := img.ConfigFile()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(cfg.OS + "/" + cfg.Architecture).To(Equal(desc.Platform.String()))
		g.Expect(cfg.Config.User).To(Equal("65532:65532"))
		g.Expect(cfg.Config.Entrypoint).To(Equal([]string{"/manager"}))
		g.Expect(cfg.Config.Labels).To(And(
			HaveKeyWithValue("org.opencontainers.image.source", "https://github.com/roadmap-operator/roadmap-operator"),
			HaveKeyWithValue("org.opencontainers.image.version", "v0.0.0-test"),
			HaveKeyWithValue("org.opencontainers.image.revision", "0123456789abcdef"),
			HaveKeyWithValue("org.opencontainers.image.licenses", "Apache-2.0"),
		))
		layers, err := img.Layers()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(layers).To(HaveLen(1), "scratch-based: the one layer holding the binary, no base image")
		if desc.Platform.Architecture == "amd64" {
			amd64 = img
		}
	}
	g.Expect(platforms).To(ConsistOf("linux/amd64", "linux/arm64"))

	// make image-push: the same index, digest for digest, in a registry (go-containerregistry's own, in memory).
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	host := strings.TrimPrefix(reg.URL, "http://")
	pushed, err := image.Push(ctx, tarPath, host+"/roadmap-operator:v0.0.0-test", true)
	g.Expect(err).NotTo(HaveOccurred())
	wantDigest, err := readBack.Digest()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(pushed).To(Equal(host + "/roadmap-operator@" + wantDigest.String()))
	ref, err := name.ParseReference(host+"/roadmap-operator:v0.0.0-test", name.Insecure)
	g.Expect(err).NotTo(HaveOccurred())
	remoteIdx, err := remote.Index(ref, remote.WithContext(ctx))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(remoteIdx.Digest()).To(Equal(wantDigest))
	remoteManifest, err := remoteIdx.IndexManifest()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(remoteManifest.Manifests).To(HaveLen(2))

	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Logf("not running the amd64 binary on %s/%s", runtime.GOOS, runtime.GOARCH)
		return
	}
	binary := filepath.Join(t.TempDir(), "manager")
	g.Expect(extract(amd64, "manager", binary)).To(Succeed())
	// The manager prints its flags on --help and exits 0 (the flag package's ErrHelp), without a cluster.
	out, err := exec.CommandContext(ctx, binary, "--help").CombinedOutput()
	g.Expect(err).NotTo(HaveOccurred(), "%s", out)
	g.Expect(string(out)).To(And(ContainSubstring("-leader-elect"), ContainSubstring("-metrics-bind-address"),
		ContainSubstring("-health-probe-bind-address")))
	// The release's version is stamped into the binary.
	out, err = exec.CommandContext(ctx, binary, "--version").CombinedOutput()
	g.Expect(err).NotTo(HaveOccurred(), "%s", out)
	g.Expect(string(out)).To(Equal("roadmap-operator v0.0.0-test\n"))
}

// extract writes the file name of img's flattened filesystem to path, executable.
func extract(img v1.Image, name, path string) error {
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for _, layer := range layers {
		rc, err := layer.Uncompressed()
		if err != nil {
			return err
		}
		tr := tar.NewReader(rc)
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			if hdr.Name != name {
				continue
			}
			if hdr.Mode&0o111 == 0 {
				return errors.New(name + " is not executable in the image")
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			_ = rc.Close()
			return os.WriteFile(path, data, 0o755)
		}
		_ = rc.Close()
	}
	return errors.New(name + " not found in the image")
}

// TestDockerfileMatchesImage: the Dockerfile, for people with Docker, builds the same layout as make image.
func TestDockerfileMatchesImage(t *testing.T) {
	g := NewWithT(t)
	data, err := os.ReadFile("../../../Dockerfile")
	g.Expect(err).NotTo(HaveOccurred())
	dockerfile := string(data)
	g.Expect(dockerfile).To(ContainSubstring("\nUSER " + image.User + "\n"))
	g.Expect(dockerfile).To(ContainSubstring(`ENTRYPOINT ["` + image.Entrypoint + `"]`))
	g.Expect(dockerfile).To(ContainSubstring("CGO_ENABLED=0"))
	g.Expect(dockerfile).To(ContainSubstring("-trimpath"))
	g.Expect(dockerfile).To(ContainSubstring("-X main.version=${VERSION}"), "the Dockerfile stamps the version as make image does")
	for label, value := range (image.Options{Source: "https://github.com/roadmap-operator/roadmap-operator", Version: "${VERSION}",
		Revision: "${REVISION}"}).Labels() {
		if label == image.LabelCreated {
			continue
		}
		g.Expect(dockerfile).To(ContainSubstring(label+`="`+value+`"`), "the Dockerfile's LABEL %s", label)
	}
}
