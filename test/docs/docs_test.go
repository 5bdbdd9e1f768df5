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

// Package docs applies every manifest of the README and docs/ to a real apiserver, after the sample roadmap, with
// the operator running: each must be accepted, and each roadmap object must reach the phase the text around it
// claims. An example that stops working as written fails here.
package docs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// claimedPhases is, for every roadmap object of the docs, the phase its text claims once applied after the
// samples: file#Kind/namespace/name. A roadmap manifest missing here fails the test, so a new example comes with
// its claim.
var claimedPhases = map[string]string{
	// README: realtime-recommendations as in the samples, Blocked by event-bus and feature-flags.
	"README.md#Initiative/team-personalisation/realtime-recommendations": "Blocked",
	// Product teams: needs event-bus and feature-flags (Planned) and clickstream-ingestion (not Done).
	"docs/product-teams.md#Initiative/team-personalisation/realtime-recommendations": "Blocked",
	// GitOps: event-bus and feature-flags are Planned, team-platform/kafka-cluster is not Done.
	"docs/gitops.md#Initiative/team-personalisation/realtime-recommendations": "Blocked",
	// Platform teams: the event bus as declared (Planned), and the initiative that builds it, whose
	// prerequisites (kubernetes-platform, observability) are Ready.
	"docs/platform-teams.md#Capability//event-bus":                  "Planned",
	"docs/platform-teams.md#Initiative/team-platform/kafka-cluster": "Ready",
	// Platform teams, fleet evidence: no cluster is registered here, so the check selecting clusters fails
	// with NoClusterSelected and the capability is Blocked.
	"docs/platform-teams.md#Capability//observability": "Blocked",
	// Workloads: order-events as in the samples, in the sync wave before its Deployment; event-bus is Planned.
	"docs/workloads.md#Initiative/team-checkout/order-events": "Blocked",
}

// notServed are the kinds of docs manifests the test's control plane has no API for (Argo CD, Flux and kustomize
// files, Backstage entities), and the placeholder Deployment of a sync-wave example (`# spec: ...`): they are
// parsed, not applied.
var notServed = map[string]bool{
	"argoproj.io/Application": true, "argoproj.io/AppProject": true,
	"kustomize.toolkit.fluxcd.io/Kustomization": true, "kustomize.config.k8s.io/Kustomization": true,
	"notification.toolkit.fluxcd.io/Provider": true, "notification.toolkit.fluxcd.io/Alert": true,
	"apps/Deployment": true,
	// Backstage catalog entities (docs/backstage.md): read by Backstage, not by Kubernetes.
	"backstage.io/Component": true,
}

type manifest struct {
	file string
	line int
	obj  *unstructured.Unstructured
}

// manifests extracts the objects of every ```yaml block of a markdown file. Fragments (no apiVersion or kind,
// such as a `metadata:` snippet) are left out.
func manifests(t *testing.T, root, file string) []manifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	var out []manifest
	var block bytes.Buffer
	in, start := false, 0
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; scanner.Scan(); n++ {
		line := scanner.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case !in && (trimmed == "```yaml" || trimmed == "```yml"):
			in, start = true, n
			block.Reset()
		case in && trimmed == "```":
			in = false
			decoder := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(dedent(block.String())), 4096)
			for {
				obj := map[string]any{}
				if err := decoder.Decode(&obj); err != nil {
					if errors.Is(err, io.EOF) {
						break
					}
					t.Fatalf("%s:%d: a yaml block that does not parse: %v", file, start, err)
				}
				u := &unstructured.Unstructured{Object: obj}
				if u.GetAPIVersion() == "" || u.GetKind() == "" {
					continue
				}
				out = append(out, manifest{file: file, line: start, obj: u})
			}
		case in:
			block.WriteString(line + "\n")
		}
	}
	return out
}

// dedent removes the indentation common to every non-empty line.
func dedent(s string) []byte {
	lines := strings.Split(s, "\n")
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i, l := range lines {
		if len(l) >= indent && indent > 0 {
			lines[i] = l[indent:]
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

func docFiles(t *testing.T, root string) []string {
	t.Helper()
	files := []string{"README.md"}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if filepath.Base(d) == "api-reference.md" { // generated from the types; holds no manifest
			continue
		}
		files = append(files, filepath.Join("docs", filepath.Base(d)))
	}
	sort.Strings(files[1:])
	return files
}

func TestDocsManifests(t *testing.T) {
	g := testenv.NewG(t, 90*time.Second)
	ctx := context.Background()
	root := testenv.Root(t)

	env := testenv.New(t)
	k := env.Client
	operatortest.RunManager(t, env, controllers.DefaultOptions())
	// The docs' own objects (the board's Ingress, say) go where the installer puts the operator.
	testenv.EnsureNamespace(t, k, "roadmap-operator-system")

	// The samples first, as docs/install.md and the README apply them.
	samples, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), filepath.Join(root, "config", "samples"))
	g.Expect(err).NotTo(HaveOccurred())
	for _, r := range samples.Resources() {
		m, err := r.Map()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(k.Create(ctx, &unstructured.Unstructured{Object: m})).To(Succeed())
	}

	seen := map[string]bool{}
	applied := 0
	for _, file := range docFiles(t, root) {
		for _, m := range manifests(t, root, file) {
			gk := m.obj.GroupVersionKind().GroupKind()
			where := fmt.Sprintf("%s:%d: %s %s", m.file, m.line, m.obj.GetKind(), m.obj.GetName())
			if notServed[gk.Group+"/"+gk.Kind] {
				continue
			}
			mapping, err := k.RESTMapper().RESTMapping(gk, m.obj.GroupVersionKind().Version)
			g.Expect(err).NotTo(HaveOccurred(), "%s: the apiserver does not know this kind", where)
			if mapping.Scope.Name() == meta.RESTScopeNameNamespace && m.obj.GetNamespace() == "" {
				t.Errorf("%s: a namespaced object without metadata.namespace; kubectl apply -f would put it in whatever namespace the kubeconfig says", where)
				continue
			}
			err = k.Apply(ctx, client.ApplyConfigurationFromUnstructured(m.obj.DeepCopy()),
				client.FieldOwner("docs-reader"), client.ForceOwnership)
			g.Expect(err).NotTo(HaveOccurred(), "%s: refused", where)
			applied++
			if gk.Group != "roadmap.dev" {
				continue
			}
			want, ok := claimedPhases[key(m)]
			if !ok {
				t.Errorf("%s: no claimed phase for %s in claimedPhases", where, key(m))
				continue
			}
			seen[key(m)] = true
			g.Eventually(func(g Gomega) string {
				got := &unstructured.Unstructured{}
				got.SetGroupVersionKind(m.obj.GroupVersionKind())
				g.Expect(k.Get(ctx, client.ObjectKeyFromObject(m.obj), got)).To(Succeed())
				observed, _, _ := unstructured.NestedInt64(got.Object, "status", "observedGeneration")
				g.Expect(observed).To(Equal(got.GetGeneration()), "not evaluated yet")
				phase, _, _ := unstructured.NestedString(got.Object, "status", "phase")
				return phase
			}).Should(Equal(want), where)
		}
	}
	for k := range claimedPhases {
		if !seen[k] {
			t.Errorf("claimedPhases has %s, which no doc manifest is", k)
		}
	}
	g.Expect(applied).To(BeNumerically(">", 10), "the docs' manifests were not found")
}

func key(m manifest) string {
	return m.file + "#" + m.obj.GetKind() + "/" + m.obj.GetNamespace() + "/" + m.obj.GetName()
}
