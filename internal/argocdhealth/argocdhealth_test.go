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

package argocdhealth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestEvaluatePicksTheCheckOfTheObjectsKind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "argocd-cm.yaml")
	cm := `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
data:
  resource.customizations.health.roadmap.dev_Initiative: |
    return {status = "Suspended", message = obj.kind .. " " .. tostring(obj.metadata.generation)}
  resource.customizations.health.roadmap.dev_Goal: |
    error("boom")
  resource.customizations.ignoreDifferences.roadmap.dev_Capability: |
    jsonPointers: [/spec]
`
	if err := os.WriteFile(path, []byte(cm), 0o644); err != nil {
		t.Fatal(err)
	}
	object := func(apiVersion, kind string) map[string]interface{} {
		// Integers as runtime.DefaultUnstructuredConverter produces them.
		return map[string]interface{}{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]interface{}{"generation": int64(3)}}
	}

	status, message, err := Evaluate(path, object("roadmap.dev/v1alpha1", "Initiative"))
	if err != nil || status != "Suspended" || message != "Initiative 3" {
		t.Fatalf("Evaluate = %q, %q, %v; want Suspended, \"Initiative 3\", nil", status, message, err)
	}

	checks, err := ReadHealthChecks(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 2 || checks[HealthKey("roadmap.dev", "Goal")] != "error(\"boom\")\n" {
		t.Fatalf("ReadHealthChecks = %q, want the two health keys only", checks)
	}

	var apiErr *lua.ApiError
	if _, _, err := Evaluate(path, object("roadmap.dev/v1alpha1", "Goal")); !errors.As(err, &apiErr) ||
		!strings.Contains(err.Error(), HealthKey("roadmap.dev", "Goal")) {
		t.Fatalf("a Lua error should surface as *lua.ApiError naming the check, got %v", err)
	}
	for _, tc := range []struct{ apiVersion, kind, wantErr string }{
		{"roadmap.dev/v1alpha1", "Capability", "has no resource.customizations.health.roadmap.dev_Capability"},
		{"other.dev/v1alpha1", "Initiative", "has no resource.customizations.health.other.dev_Initiative"},
		{"", "Initiative", "a health check is picked by both"},
		{"roadmap.dev/v1alpha1", "", "a health check is picked by both"},
	} {
		if _, _, err := Evaluate(path, object(tc.apiVersion, tc.kind)); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("Evaluate(%s %s) = %v, want an error containing %q", tc.apiVersion, tc.kind, err, tc.wantErr)
		}
	}
	if _, _, err := Evaluate(filepath.Join(t.TempDir(), "missing.yaml"), object("roadmap.dev/v1alpha1", "Initiative")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing argocd-cm should fail with ErrNotExist, got %v", err)
	}
}

func TestToLua(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	v := ToLua(L, map[string]interface{}{
		"s": "x", "f": 1.5, "i": int64(2), "n": 3, "b": true, "nil": nil,
		"list": []interface{}{"a", nil, map[string]interface{}{"k": "v"}},
	})
	L.SetGlobal("v", v)
	script := `return tostring(v.s) .. " " .. tostring(v.f) .. " " .. tostring(v.i) .. " " .. tostring(v.n) .. " " ..
		tostring(v.b) .. " " .. tostring(v["nil"]) .. " " .. tostring(#v.list) .. " " .. v.list[1] .. " " .. v.list[2].k`
	if err := L.DoString(script); err != nil {
		t.Fatal(err)
	}
	if got, want := L.Get(-1).String(), "x 1.5 2 3 true nil 2 a v"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
