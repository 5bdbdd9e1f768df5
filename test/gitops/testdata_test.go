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

package gitops_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/roadmap-operator/roadmap-operator/internal/argocdhealth"
)

// customizationsDir holds one directory per kind of the roadmap.dev group, in Argo CD's resource_customizations
// layout: <Kind>/health.lua, <Kind>/health_test.yaml, <Kind>/testdata/.
const customizationsDir = "config/argocd/resource_customizations/roadmap.dev"

// fixedTransitionTime replaces every condition's lastTransitionTime in recorded objects, so that recording the
// same state twice writes the same bytes.
const fixedTransitionTime = "2026-01-01T00:00:00Z"

const recordedHeader = "# Live object produced by the controller in test/gitops (case %q); do not edit, regenerate with\n" +
	"#   go test ./test/gitops/ -args -update-testdata\n"

// argocdCM is the generated argocd-cm patch, which holds each health check as Argo CD runs it.
func argocdCM() string {
	return filepath.Join(root, argocdhealth.ConfigMapPatch)
}

// checkTestdata keeps the live object of an Argo CD case as a static case of its kind's health.lua: with
// -update-testdata it writes testdata/live-<name>.yaml and adds or updates the case in health_test.yaml;
// otherwise it fails when either differs from what the controller produced in this run.
func checkTestdata(t *testing.T, kind, name string, obj map[string]interface{}, want argocdhealth.HealthStatus) {
	t.Helper()
	dir := filepath.Join(root, customizationsDir, kind)
	tc := argocdhealth.TestCase{HealthStatus: want, InputPath: "testdata/live-" + name + ".yaml"}
	rendered, err := renderLive(name, obj)
	if err != nil {
		t.Fatal(err)
	}
	inputPath := filepath.Join(dir, filepath.FromSlash(tc.InputPath))
	testsPath := filepath.Join(dir, "health_test.yaml")
	tests, err := os.ReadFile(testsPath)
	if err != nil {
		t.Fatal(err)
	}

	if *updateTestdata {
		if err := os.WriteFile(inputPath, rendered, 0o644); err != nil {
			t.Fatal(err)
		}
		updated, err := upsertCase(tests, tc)
		if err != nil {
			t.Fatalf("%s: %v", testsPath, err)
		}
		if !bytes.Equal(updated, tests) {
			if err := os.WriteFile(testsPath, updated, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}

	const refresh = "the controller's output changed: run go test ./test/gitops/ -args -update-testdata and review the diff"
	committed, err := os.ReadFile(inputPath)
	switch {
	case os.IsNotExist(err):
		t.Errorf("%s does not exist: %s", rel(inputPath), refresh)
	case err != nil:
		t.Fatal(err)
	case !bytes.Equal(committed, rendered):
		t.Errorf("%s differs from the live object (-committed +live):\n%s\n%s", rel(inputPath),
			cmp.Diff(strings.Split(string(committed), "\n"), strings.Split(string(rendered), "\n")), refresh)
	}
	var file argocdhealth.TestFile
	if err := yaml.UnmarshalStrict(tests, &file); err != nil {
		t.Fatalf("%s: %v", rel(testsPath), err)
	}
	var found []argocdhealth.TestCase
	for _, c := range file.Tests {
		if c.InputPath == tc.InputPath {
			found = append(found, c)
		}
	}
	if len(found) != 1 || found[0] != tc {
		t.Errorf("%s: want exactly one case %+v, got %+v: %s", rel(testsPath), tc, found, refresh)
	}
}

// renderLive renders a live object for testdata: metadata without uid, resourceVersion, creationTimestamp and
// managedFields, every condition's lastTransitionTime (and an initiative's completedAt) set to
// fixedTransitionTime, and conditions in a fixed order.
func renderLive(name string, obj map[string]interface{}) ([]byte, error) {
	u := runtime.DeepCopyJSON(obj)
	if md, ok := u["metadata"].(map[string]interface{}); ok {
		for _, f := range []string{"uid", "resourceVersion", "creationTimestamp", "managedFields"} {
			delete(md, f)
		}
	}
	if st, ok := u["status"].(map[string]interface{}); ok {
		if _, ok := st["completedAt"]; ok {
			st["completedAt"] = fixedTransitionTime
		}
		if conds, ok := st["conditions"].([]interface{}); ok {
			for _, c := range conds {
				if cm, ok := c.(map[string]interface{}); ok {
					cm["lastTransitionTime"] = fixedTransitionTime
				}
			}
			// The order of conditions follows the object's history (a condition that appears later is appended),
			// which races in a scenario applied at once; Argo CD and kstatus look conditions up by type.
			sort.SliceStable(conds, func(i, j int) bool { return conditionRank(conds[i]) < conditionRank(conds[j]) })
		}
	}
	out, err := yaml.Marshal(u)
	if err != nil {
		return nil, err
	}
	return append([]byte(fmt.Sprintf(recordedHeader, name)), out...), nil
}

// conditionRank orders conditions Ready first, then by type.
func conditionRank(c interface{}) string {
	typ, _ := c.(map[string]interface{})["type"].(string)
	if typ == "Ready" {
		return ""
	}
	return typ
}

// upsertCase replaces the case of tests (a health_test.yaml) whose inputPath is tc's, or appends tc, editing the
// text so that the file keeps its layout and comments: Argo CD's format, one "- healthStatus:" item per case.
func upsertCase(tests []byte, tc argocdhealth.TestCase) ([]byte, error) {
	entry, err := renderCase(tc)
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(string(tests), "\n")
	var starts []int
	for i, l := range lines {
		if strings.HasPrefix(l, "- ") {
			starts = append(starts, i)
		}
	}
	if len(starts) == 0 {
		return nil, errors.New(`no case items (lines starting with "- ") under "tests"`)
	}
	// An item runs from its "- " line over the lines indented under it.
	end := func(start int) int {
		for i := start + 1; i < len(lines); i++ {
			if !strings.HasPrefix(lines[i], "  ") {
				return i
			}
		}
		return len(lines)
	}
	replaced := false
	for _, s := range starts {
		e := end(s)
		var items []argocdhealth.TestCase
		if err := yaml.Unmarshal([]byte(strings.Join(lines[s:e], "")), &items); err != nil {
			return nil, fmt.Errorf("line %d: %w", s+1, err)
		}
		if len(items) == 1 && items[0].InputPath == tc.InputPath {
			lines = append(lines[:s], append([]string{entry}, lines[e:]...)...)
			replaced = true
			break
		}
	}
	if !replaced {
		last := end(starts[len(starts)-1])
		if last > 0 && !strings.HasSuffix(lines[last-1], "\n") {
			lines[last-1] += "\n"
		}
		lines = append(lines[:last], append([]string{entry}, lines[last:]...)...)
	}
	out := []byte(strings.Join(lines, ""))

	var file argocdhealth.TestFile
	if err := yaml.UnmarshalStrict(out, &file); err != nil {
		return nil, fmt.Errorf("after updating the case of %s: %w", tc.InputPath, err)
	}
	n := 0
	for _, c := range file.Tests {
		if c.InputPath == tc.InputPath {
			n++
			if c != tc {
				return nil, fmt.Errorf("after updating: case %+v, want %+v", c, tc)
			}
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("after updating: %d cases of %s, want 1", n, tc.InputPath)
	}
	return out, nil
}

// renderCase renders a case as the hand-written ones are: status, then the message as a double-quoted scalar.
func renderCase(tc argocdhealth.TestCase) (string, error) {
	var msg bytes.Buffer
	enc := json.NewEncoder(&msg) // a JSON string is a YAML double-quoted scalar
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tc.HealthStatus.Message); err != nil {
		return "", err
	}
	return "- healthStatus:\n" +
		"    status: " + tc.HealthStatus.Status + "\n" +
		"    message: " + strings.TrimSuffix(msg.String(), "\n") + "\n" +
		"  inputPath: " + tc.InputPath + "\n", nil
}

func rel(path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}

// TestUpsertCase checks the health_test.yaml editing on its own: replace in place, append, keep comments.
func TestUpsertCase(t *testing.T) {
	in := "# comment\ntests:\n" +
		"- healthStatus:\n    status: Healthy\n    message: \"a\"\n  inputPath: testdata/a.yaml\n" +
		"# between\n" +
		"- healthStatus:\n    status: Degraded\n    message: \"b\"\n  inputPath: testdata/live-b.yaml\n"
	replaced, err := upsertCase([]byte(in), argocdhealth.TestCase{
		HealthStatus: argocdhealth.HealthStatus{Status: "Suspended", Message: `b -> "c" <d>`}, InputPath: "testdata/live-b.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(in, "status: Degraded\n    message: \"b\"", `status: Suspended`+"\n    message: \"b -> \\\"c\\\" <d>\"", 1)
	if d := cmp.Diff(want, string(replaced)); d != "" {
		t.Fatalf("replace (-want +got):\n%s", d)
	}
	appended, err := upsertCase([]byte(strings.TrimSuffix(in, "\n")), argocdhealth.TestCase{
		HealthStatus: argocdhealth.HealthStatus{Status: "Healthy", Message: "e"}, InputPath: "testdata/live-e.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	want = in + "- healthStatus:\n    status: Healthy\n    message: \"e\"\n  inputPath: testdata/live-e.yaml\n"
	if d := cmp.Diff(want, string(appended)); d != "" {
		t.Fatalf("append (-want +got):\n%s", d)
	}
}
