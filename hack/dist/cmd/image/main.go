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

// Command image builds the manager's multi-platform image as an OCI image layout tarball with no container
// engine (build), and pushes such a tarball to a registry (push). The Makefile's image and image-push targets
// run it.
//
//	go run ./cmd/image build --out ../../dist/roadmap-operator-image.tar --version v0.1.0
//	go run ./cmd/image push --layout ../../dist/roadmap-operator-image.tar --image ghcr.io/org/roadmap-operator:v0.1.0
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/roadmap-operator/roadmap-operator/hack/dist/image"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: image build|push [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = build(ctx, os.Args[2:])
	case "push":
		err = push(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want build or push", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func build(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("build", flag.ExitOnError)
	root := fs.String("root", "../..", "repository root (holding cmd/manager)")
	out := fs.String("out", "../../dist/roadmap-operator-image.tar", "OCI image layout tarball to write")
	platforms := fs.String("platforms", strings.Join(image.DefaultPlatforms, ","), "comma-separated os/arch list")
	version := fs.String("version", "dev", "org.opencontainers.image.version, and the tag naming the index in the layout")
	revision := fs.String("revision", "", "org.opencontainers.image.revision (the git commit)")
	source := fs.String("source", "https://github.com/roadmap-operator/roadmap-operator", "org.opencontainers.image.source")
	caBundle := fs.String("ca-bundle", image.DefaultCABundle, "PEM CA bundle to ship in the image; empty for none")
	_ = fs.Parse(args)

	// SOURCE_DATE_EPOCH (reproducible-builds.org) dates the image; without it the image is dated at the epoch, so
	// the same sources give the same digest.
	created := time.Unix(0, 0).UTC()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		secs, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH=%q: %w", s, err)
		}
		created = time.Unix(secs, 0).UTC()
	}
	absRoot, err := filepath.Abs(*root)
	if err != nil {
		return err
	}
	idx, err := image.Build(ctx, image.Options{
		Root: absRoot, Platforms: strings.Split(*platforms, ","), Source: *source, Version: *version,
		Revision: *revision, Created: created, CABundle: *caBundle, Log: os.Stderr,
	})
	if err != nil {
		return err
	}
	if err := image.WriteLayoutTarball(idx, *version, *out); err != nil {
		return err
	}
	digest, err := idx.Digest()
	if err != nil {
		return err
	}
	fmt.Printf("%s %s\n", *out, digest)
	return nil
}

func push(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("push", flag.ExitOnError)
	layoutPath := fs.String("layout", "../../dist/roadmap-operator-image.tar", "OCI image layout tarball written by build")
	ref := fs.String("image", "", "where to push, e.g. ghcr.io/org/roadmap-operator:v0.1.0")
	digestFile := fs.String("digest-file", "", "write the pushed reference by digest (repo@sha256:...) here, for signing")
	insecure := fs.Bool("insecure", false, "allow a plain-HTTP registry (a local test registry)")
	_ = fs.Parse(args)
	if *ref == "" {
		return fmt.Errorf("push needs --image")
	}
	pushed, err := image.Push(ctx, *layoutPath, *ref, *insecure)
	if err != nil {
		return err
	}
	fmt.Println(pushed)
	if *digestFile != "" {
		return os.WriteFile(*digestFile, []byte(pushed+"\n"), 0o644)
	}
	return nil
}
