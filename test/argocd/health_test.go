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

// Package argocd tests the Argo CD health checks in config/argocd/resource_customizations the way Argo CD runs
// them (internal/argocdhealth holds the harness): each case runs the script of the argocd-cm patch of the
// config/argocd kustomize Component, the kind's health.lua behind its group's prelude.lua, and the patch must be
// what hack/gen-argocd-cm.sh generates from them.
package argocd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"sigs.k8s.io/yaml"

	"github.com/roadmap-operator/roadmap-operator/internal/argocdhealth"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// customizationsDir is where the health checks live, laid out like Argo CD's own resource_customizations tree:
// <group>/<Kind>/health.lua with health_test.yaml and testdata/ beside it.
const customizationsDir = "config/argocd/resource_customizations"

// customization is one <group>/<Kind> directory holding a health.lua.
type customization struct {
	Group, Kind string
	Dir         string // absolute
}

// ConfigMapKey is the argocd-cm key Argo CD reads the health check of this kind from.
func (c customization) ConfigMapKey() string {
	return argocdhealth.HealthKey(c.Group, c.Kind)
}

// discover finds every <group>/<Kind>/health.lua under the customizations tree, sorted, so a new kind is tested
// as soon as its directory exists.
func discover(t *testing.T, root string) []customization {
	t.Helper()
	base := filepath.Join(root, customizationsDir)
	var found []customization
	err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "health.lua" {
			return err
		}
		rel, err := filepath.Rel(base, filepath.Dir(path))
		if err != nil {
			return err
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 2 {
			return fmt.Errorf("%s: health.lua must be at <group>/<Kind>/health.lua", path)
		}
		found = append(found, customization{Group: parts[0], Kind: parts[1], Dir: filepath.Dir(path)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Fatalf("no health.lua under %s", base)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].ConfigMapKey() < found[j].ConfigMapKey() })
	return found
}

func TestHealthChecks(t *testing.T) {
	root := testenv.Root(t)
	checks, err := argocdhealth.ReadHealthChecks(filepath.Join(root, argocdhealth.ConfigMapPatch))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range discover(t, root) {
		t.Run(c.Group+"/"+c.Kind, func(t *testing.T) {
			script, ok := checks[c.ConfigMapKey()]
			if !ok {
				t.Fatalf("%s has no %s: run hack/gen-argocd-cm.sh (make argocd)", argocdhealth.ConfigMapPatch, c.ConfigMapKey())
			}
			testCustomization(t, root, c, script)
		})
	}
}

// testCustomization runs every case of the kind's health_test.yaml through script, the check as Argo CD gets it.
func testCustomization(t *testing.T, root string, c customization, script string) {
	testsPath := filepath.Join(c.Dir, "health_test.yaml")
	raw, err := os.ReadFile(testsPath)
	if err != nil {
		t.Fatalf("every health.lua needs a health_test.yaml beside it: %v", err)
	}
	var tests argocdhealth.TestFile
	if err := yaml.UnmarshalStrict(raw, &tests); err != nil {
		t.Fatalf("%s: %v", rel(root, testsPath), err)
	}
	if len(tests.Tests) == 0 {
		t.Fatalf("%s: no tests", rel(root, testsPath))
	}

	used := map[string]bool{}
	for i, tc := range tests.Tests {
		name := fmt.Sprintf("%d_%s", i, strings.TrimSuffix(filepath.Base(tc.InputPath), filepath.Ext(tc.InputPath)))
		t.Run(name, func(t *testing.T) {
			where := fmt.Sprintf("%s case %d (inputPath %s)", rel(root, testsPath), i, tc.InputPath)
			inputPath := filepath.Join(c.Dir, filepath.FromSlash(tc.InputPath))
			used[filepath.Clean(inputPath)] = true
			if !argocdhealth.IsValidStatus(tc.HealthStatus.Status) {
				t.Fatalf("%s: want status %q is not an Argo CD health status", where, tc.HealthStatus.Status)
			}
			obj := readObject(t, inputPath)
			if got, want := obj["apiVersion"], c.Group+"/v1alpha1"; got != want {
				t.Errorf("%s: apiVersion %v, want %s", where, got, want)
			}
			if got := obj["kind"]; got != c.Kind {
				t.Errorf("%s: kind %v, want %s", where, got, c.Kind)
			}
			got, err := argocdhealth.EvaluateScript(script, obj)
			if err != nil {
				t.Fatalf("%s: %s %s: %v", where, argocdhealth.ConfigMapPatch, c.ConfigMapKey(), err)
			}
			if got != tc.HealthStatus {
				t.Errorf("%s:\n  want status %q message %q\n  got  status %q message %q",
					where, tc.HealthStatus.Status, tc.HealthStatus.Message, got.Status, got.Message)
			}
		})
	}

	// Every testdata file is some case's input, so none is left behind untested.
	testdata, err := filepath.Glob(filepath.Join(c.Dir, "testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range testdata {
		if !used[filepath.Clean(f)] {
			t.Errorf("%s is not the inputPath of any case in %s", rel(root, f), rel(root, testsPath))
		}
	}
}

// readObject decodes a testdata YAML file the way Argo CD sees a live object: as unstructured JSON values.
func readObject(t *testing.T, path string) map[string]interface{} {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]interface{}
	if err := yaml.Unmarshal(raw, &obj); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return obj
}

func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}

// TestRunHealthLuaLikeArgoCD checks the harness (internal/argocdhealth) itself: a script using a library Argo CD does not load must
// fail here as it would there, and a bad return must be caught.
func TestRunHealthLuaLikeArgoCD(t *testing.T) {
	obj := map[string]interface{}{"metadata": map[string]interface{}{"name": "x", "generation": float64(2)}}
	for _, tc := range []struct {
		name, script string
		want         argocdhealth.HealthStatus
		wantErr      bool
	}{
		{name: "obj fields", script: `return {status = "Healthy", message = obj.metadata.name .. " " .. tostring(obj.metadata.generation)}`,
			want: argocdhealth.HealthStatus{Status: "Healthy", Message: "x 2"}},
		{name: "table library", script: `local t = {} table.insert(t, "a") return {status = "Healthy", message = t[1]}`,
			want: argocdhealth.HealthStatus{Status: "Healthy", Message: "a"}},
		{name: "no string library", script: `return {status = "Healthy", message = string.format("%d", 1)}`, wantErr: true},
		{name: "no math library", script: `return {status = "Healthy", message = tostring(math.floor(1.5))}`, wantErr: true},
		{name: "invalid status", script: `return {status = "Fine"}`, wantErr: true},
		{name: "not a table", script: `return "Healthy"`, wantErr: true},
		{name: "nil index", script: `return {status = obj.status.phase}`, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := argocdhealth.EvaluateScript(tc.script, obj)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	var apiErr *lua.ApiError
	_, err := argocdhealth.EvaluateScript(`error("boom")`, obj)
	if !errors.As(err, &apiErr) {
		t.Fatalf("a Lua error should surface as *lua.ApiError, got %v", err)
	}
}
