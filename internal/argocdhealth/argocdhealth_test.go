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

func TestEvaluateReadsTheScriptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "health.lua")
	script := `return {status = "Suspended", message = obj.kind .. " " .. tostring(obj.metadata.generation)}`
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	// Integers as runtime.DefaultUnstructuredConverter produces them.
	obj := map[string]interface{}{"kind": "Initiative", "metadata": map[string]interface{}{"generation": int64(3)}}
	status, message, err := Evaluate(path, obj)
	if err != nil || status != "Suspended" || message != "Initiative 3" {
		t.Fatalf("Evaluate = %q, %q, %v; want Suspended, \"Initiative 3\", nil", status, message, err)
	}

	if _, _, err := Evaluate(filepath.Join(t.TempDir(), "missing.lua"), obj); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing script should fail with ErrNotExist, got %v", err)
	}
	if err := os.WriteFile(path, []byte(`error("boom")`), 0o644); err != nil {
		t.Fatal(err)
	}
	var apiErr *lua.ApiError
	if _, _, err := Evaluate(path, obj); !errors.As(err, &apiErr) || !strings.Contains(err.Error(), path) {
		t.Fatalf("a Lua error should surface as *lua.ApiError naming the script, got %v", err)
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
