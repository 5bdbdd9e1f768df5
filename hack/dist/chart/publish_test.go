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

package chart_test

import (
	"io"
	"log"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	. "github.com/onsi/gomega"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/registry"

	"github.com/roadmap-operator/roadmap-operator/hack/dist/chart"
)

// TestChartPackageAndPush does what make helm-package and make helm-push do, against an in-memory OCI registry,
// and pulls the chart back: the release's version is stamped, and the artifact is a Helm chart.
func TestChartPackageAndPush(t *testing.T) {
	g := NewWithT(t)
	pkg, err := chart.Package(chartDir(t), "v1.2.3", t.TempDir())
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(filepath.Base(pkg)).To(Equal("roadmap-operator-1.2.3.tgz"))
	packaged, err := loader.Load(pkg)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(packaged.Metadata.Version).To(Equal("1.2.3"))
	g.Expect(packaged.Metadata.AppVersion).To(Equal("v1.2.3"))

	reg := httptest.NewServer(ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	host := strings.TrimPrefix(reg.URL, "http://")
	credentials := filepath.Join(t.TempDir(), "config.json")
	_, err = chart.Push(pkg, "oci://"+host+"/charts", credentials, true)
	g.Expect(err).NotTo(HaveOccurred())

	client, err := registry.NewClient(registry.ClientOptPlainHTTP(), registry.ClientOptCredentialsFile(credentials))
	g.Expect(err).NotTo(HaveOccurred())
	pulled, err := client.Pull(host + "/charts/roadmap-operator:1.2.3")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(pulled.Chart.Meta.Name).To(Equal("roadmap-operator"))
	g.Expect(pulled.Chart.Meta.AppVersion).To(Equal("v1.2.3"))
}
