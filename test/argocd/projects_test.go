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

package argocd

import (
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

type groupKind struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
}

// manifestHeader is what the tests read of a manifest besides its content: its kind and name.
type manifestHeader struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

type appProject struct {
	manifestHeader
	Spec struct {
		Description  string   `json:"description"`
		SourceRepos  []string `json:"sourceRepos"`
		Destinations []struct {
			Server    string `json:"server"`
			Namespace string `json:"namespace"`
		} `json:"destinations"`
		// Pointers: Argo CD treats an absent namespaceResourceWhitelist as "every namespaced kind".
		ClusterResourceWhitelist   *[]groupKind `json:"clusterResourceWhitelist"`
		NamespaceResourceWhitelist *[]groupKind `json:"namespaceResourceWhitelist"`
	} `json:"spec"`
}

func readProject(t *testing.T, path string) appProject {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p appProject
	if err := yaml.UnmarshalStrict(data, &p); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if p.Kind != "AppProject" {
		t.Fatalf("%s: kind %q", path, p.Kind)
	}
	return p
}

// TestAppProjects: the shipped AppProjects isolate teams as docs/security.md says: a product team's project
// deploys only Initiatives, only into its namespace, nothing cluster-scoped; the platform team's adds only
// Capabilities to that; and the sample Application uses the product team's project and its namespace.
func TestAppProjects(t *testing.T) {
	dir := filepath.Join(testenv.Root(t), "config", "argocd")
	initiatives := []groupKind{{Group: "roadmap.dev", Kind: "Initiative"}}
	for _, tc := range []struct {
		file, namespace string
		cluster         []groupKind
	}{
		{file: "team-personalisation.yaml", namespace: "team-personalisation", cluster: []groupKind{}},
		{file: "platform.yaml", namespace: "team-platform", cluster: []groupKind{{Group: "roadmap.dev", Kind: "Capability"}}},
	} {
		p := readProject(t, filepath.Join(dir, "projects", tc.file))
		if len(p.Spec.SourceRepos) == 0 || slicesContain(p.Spec.SourceRepos, "*") {
			t.Errorf("%s: sourceRepos must name the team's repositories, got %q", tc.file, p.Spec.SourceRepos)
		}
		if len(p.Spec.Destinations) != 1 || p.Spec.Destinations[0].Namespace != tc.namespace {
			t.Errorf("%s: destinations %+v, want only namespace %s", tc.file, p.Spec.Destinations, tc.namespace)
		}
		if p.Spec.ClusterResourceWhitelist == nil || !equalKinds(*p.Spec.ClusterResourceWhitelist, tc.cluster) {
			t.Errorf("%s: clusterResourceWhitelist %v, want %v", tc.file, p.Spec.ClusterResourceWhitelist, tc.cluster)
		}
		if p.Spec.NamespaceResourceWhitelist == nil || !equalKinds(*p.Spec.NamespaceResourceWhitelist, initiatives) {
			t.Errorf("%s: namespaceResourceWhitelist %v, want only Initiatives", tc.file, p.Spec.NamespaceResourceWhitelist)
		}
	}

	data, err := os.ReadFile(filepath.Join(dir, "sample-application.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var app struct {
		Spec struct {
			Project     string `json:"project"`
			Destination struct {
				Namespace string `json:"namespace"`
			} `json:"destination"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &app); err != nil {
		t.Fatal(err)
	}
	team := readProject(t, filepath.Join(dir, "projects", "team-personalisation.yaml"))
	if app.Spec.Project != team.Metadata.Name || app.Spec.Destination.Namespace != team.Spec.Destinations[0].Namespace {
		t.Errorf("sample Application: project %q, namespace %q; want %q and %q", app.Spec.Project,
			app.Spec.Destination.Namespace, team.Metadata.Name, team.Spec.Destinations[0].Namespace)
	}
}

func equalKinds(a, b []groupKind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
