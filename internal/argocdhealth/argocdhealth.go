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

// Package argocdhealth runs Argo CD health checks written in Lua the way Argo CD runs a check configured in
// argocd-cm, so that tests can evaluate them on static testdata and on live objects alike. The checks are read from
// the generated argocd-cm patch, which holds each config/argocd/resource_customizations/<group>/<Kind>/health.lua
// behind its group's prelude.lua: exactly the script Argo CD runs. It also holds the types of Argo CD's
// health_test.yaml format.
package argocdhealth

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// ConfigMapPatch is the argocd-cm patch, relative to the repository root, that hack/gen-argocd-cm.sh generates
// from config/argocd/resource_customizations: the health checks as Argo CD receives them.
const ConfigMapPatch = "config/argocd/argocd-cm-patch.yaml"

// healthKeyPrefix starts every argocd-cm key that holds a health check.
const healthKeyPrefix = "resource.customizations.health."

// HealthKey is the argocd-cm key Argo CD reads the health check of the kind group/kind from.
func HealthKey(group, kind string) string {
	return healthKeyPrefix + group + "_" + kind
}

// Argo CD health statuses.
const (
	StatusHealthy     = "Healthy"
	StatusProgressing = "Progressing"
	StatusDegraded    = "Degraded"
	StatusSuspended   = "Suspended"
	StatusMissing     = "Missing"
	StatusUnknown     = "Unknown"
)

// IsValidStatus reports whether Argo CD accepts status from a Lua health check; it reports any other as Unknown.
func IsValidStatus(status string) bool {
	switch status {
	case StatusHealthy, StatusProgressing, StatusDegraded, StatusSuspended, StatusMissing, StatusUnknown:
		return true
	}
	return false
}

// TestFile is Argo CD's health_test.yaml format: the cases of one health.lua.
type TestFile struct {
	Tests []TestCase `json:"tests"`
}

// TestCase is one case of a health_test.yaml: the object in InputPath (relative to the health.lua's directory)
// must get HealthStatus.
type TestCase struct {
	HealthStatus HealthStatus `json:"healthStatus"`
	InputPath    string       `json:"inputPath"`
}

// HealthStatus is what a health check returns.
type HealthStatus struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// ReadHealthChecks reads the health checks of the argocd-cm manifest (or patch) at path, by argocd-cm key.
func ReadHealthChecks(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cm struct {
		Data map[string]string `json:"data"`
	}
	if err := yaml.Unmarshal(raw, &cm); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	checks := map[string]string{}
	for key, script := range cm.Data {
		if strings.HasPrefix(key, healthKeyPrefix) {
			checks[key] = script
		}
	}
	return checks, nil
}

// Evaluate runs on obj, an object as decoded from JSON (or converted by runtime.DefaultUnstructuredConverter), the
// health check Argo CD would pick for it from the argocd-cm manifest (or patch) at cmPath: the one of obj's
// apiVersion group and kind. It returns the health status and message the check reports.
func Evaluate(cmPath string, obj map[string]interface{}) (status, message string, err error) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil || apiVersion == "" || kind == "" {
		return "", "", fmt.Errorf("the object has apiVersion %q and kind %q; a health check is picked by both", apiVersion, kind)
	}
	checks, err := ReadHealthChecks(cmPath)
	if err != nil {
		return "", "", err
	}
	key := HealthKey(gv.Group, kind)
	script, ok := checks[key]
	if !ok {
		return "", "", fmt.Errorf("%s has no %s", cmPath, key)
	}
	hs, err := EvaluateScript(script, obj)
	if err != nil {
		return "", "", fmt.Errorf("%s %s: %w", cmPath, key, err)
	}
	return hs.Status, hs.Message, nil
}

// EvaluateScript runs a health script as Argo CD does for a check configured in argocd-cm: without Lua's
// standard libraries except package, base and table (Argo CD adds a reduced os library, which the project's
// scripts do not use), with a one-second deadline and the object as the global obj. The script must return a
// table whose status is an Argo CD health status and whose message, if any, is a string. A Lua error, which
// Argo CD shows as Unknown, is returned wrapping the *lua.ApiError.
func EvaluateScript(script string, obj map[string]interface{}) (HealthStatus, error) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		if err := L.CallByParam(lua.P{Fn: L.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return HealthStatus{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	L.SetContext(ctx)
	L.SetGlobal("obj", ToLua(L, obj))
	if err := L.DoString(script); err != nil {
		return HealthStatus{}, fmt.Errorf("the script failed (Argo CD would report Unknown): %w", err)
	}
	ret, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		return HealthStatus{}, fmt.Errorf("returned %s, want a table", L.Get(-1).Type())
	}
	var hs HealthStatus
	switch v := ret.RawGetString("status").(type) {
	case lua.LString:
		hs.Status = string(v)
	default:
		return HealthStatus{}, fmt.Errorf("returned status %s %q, want a string", v.Type(), v.String())
	}
	if !IsValidStatus(hs.Status) {
		return HealthStatus{}, fmt.Errorf("returned status %q, which Argo CD replaces with Unknown", hs.Status)
	}
	switch v := ret.RawGetString("message").(type) {
	case lua.LString:
		hs.Message = string(v)
	case *lua.LNilType:
	default:
		return HealthStatus{}, fmt.Errorf("returned message %s %q, want a string", v.Type(), v.String())
	}
	return hs, nil
}

// ToLua converts a decoded JSON value to Lua as Argo CD does: maps to tables, slices to 1-based array tables,
// numbers to LNumber, booleans and strings as they are, nil left out. Integers, which
// runtime.DefaultUnstructuredConverter produces where JSON decoding gives float64, are numbers too.
func ToLua(L *lua.LState, value interface{}) lua.LValue {
	switch v := value.(type) {
	case map[string]interface{}:
		tbl := L.CreateTable(0, len(v))
		for key, item := range v {
			if item != nil {
				tbl.RawSetString(key, ToLua(L, item))
			}
		}
		return tbl
	case []interface{}:
		arr := L.CreateTable(len(v), 0)
		for _, item := range v {
			if item != nil {
				arr.Append(ToLua(L, item))
			}
		}
		return arr
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case int:
		return lua.LNumber(v)
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	default:
		return lua.LNil
	}
}
