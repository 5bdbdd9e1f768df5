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

// Command chart generates charts/roadmap-operator from config/ (generate) and packages and pushes it as an OCI
// artifact (package, push). The Makefile's manifests (and helm-chart), helm-package and helm-push targets run it;
// make verify fails when the committed chart is not what generate writes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/roadmap-operator/roadmap-operator/hack/dist/chart"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: chart generate|package|push [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	root := fs.String("root", "../..", "repository root")
	version := fs.String("version", "", "package: the chart version and appVersion (a leading v is dropped from the version)")
	out := fs.String("out", "../../dist", "package: directory for the .tgz")
	pkg := fs.String("chart", "", "push: the packaged chart .tgz")
	remote := fs.String("remote", "", "push: OCI repository, e.g. oci://ghcr.io/org/charts")
	_ = fs.Parse(os.Args[2:])
	dir := filepath.Join(*root, "charts", chart.Name)

	var err error
	switch os.Args[1] {
	case "generate":
		err = chart.Generate(*root, dir)
	case "package":
		err = packageChart(dir, *version, *out)
	case "push":
		err = push(*pkg, *remote)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "chart:", err)
		os.Exit(1)
	}
}

func packageChart(dir, version, out string) error {
	path, err := chart.Package(dir, version, out)
	if err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}

func push(pkg, remote string) error {
	if pkg == "" || remote == "" {
		return fmt.Errorf("push needs --chart and --remote")
	}
	out, err := chart.Push(pkg, remote, chart.RegistryConfig(), false)
	if err != nil {
		return err
	}
	fmt.Print(out)
	return nil
}
