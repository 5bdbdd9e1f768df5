// Package argocd tests the Argo CD health checks in config/argocd/resource_customizations the way Argo CD runs
// them, and that the argocd-cm patch of the config/argocd kustomize Component is what hack/gen-argocd-cm.sh
// generates from them.
package argocd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
	"sigs.k8s.io/yaml"
)

// customizationsDir is where the health checks live, laid out like Argo CD's own resource_customizations tree:
// <group>/<Kind>/health.lua with health_test.yaml and testdata/ beside it.
const customizationsDir = "config/argocd/resource_customizations"

// healthTestFile is Argo CD's health_test.yaml format.
type healthTestFile struct {
	Tests []healthTestCase `json:"tests"`
}

type healthTestCase struct {
	HealthStatus healthStatus `json:"healthStatus"`
	InputPath    string       `json:"inputPath"`
}

type healthStatus struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// validStatuses are the health statuses Argo CD accepts from a Lua script; it reports any other as Unknown.
var validStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true, "Missing": true, "Unknown": true,
}

// customization is one <group>/<Kind> directory holding a health.lua.
type customization struct {
	Group, Kind string
	Dir         string // absolute
}

// ConfigMapKey is the argocd-cm key Argo CD reads the health check of this kind from.
func (c customization) ConfigMapKey() string {
	return "resource.customizations.health." + c.Group + "_" + c.Kind
}

// repoRoot walks up from the working directory to the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
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
	root := repoRoot(t)
	for _, c := range discover(t, root) {
		t.Run(c.Group+"/"+c.Kind, func(t *testing.T) {
			testCustomization(t, root, c)
		})
	}
}

func testCustomization(t *testing.T, root string, c customization) {
	scriptPath := filepath.Join(c.Dir, "health.lua")
	script, err := os.ReadFile(scriptPath)
	if err != nil {
		t.Fatal(err)
	}
	testsPath := filepath.Join(c.Dir, "health_test.yaml")
	raw, err := os.ReadFile(testsPath)
	if err != nil {
		t.Fatalf("every health.lua needs a health_test.yaml beside it: %v", err)
	}
	var tests healthTestFile
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
			if !validStatuses[tc.HealthStatus.Status] {
				t.Fatalf("%s: want status %q is not an Argo CD health status", where, tc.HealthStatus.Status)
			}
			obj := readObject(t, inputPath)
			if got, want := obj["apiVersion"], c.Group+"/v1alpha1"; got != want {
				t.Errorf("%s: apiVersion %v, want %s", where, got, want)
			}
			if got := obj["kind"]; got != c.Kind {
				t.Errorf("%s: kind %v, want %s", where, got, c.Kind)
			}
			got, err := runHealthLua(string(script), obj)
			if err != nil {
				t.Fatalf("%s: %s: %v", where, rel(root, scriptPath), err)
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

// runHealthLua runs a health script as Argo CD does for a check configured in argocd-cm: without Lua's
// standard libraries except package, base and table (Argo CD adds a reduced os library, which these scripts
// do not use), with a one-second deadline and the object as the global obj; the script must return a table
// whose status is an Argo CD health status and whose message, if any, is a string.
func runHealthLua(script string, obj map[string]interface{}) (healthStatus, error) {
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
			return healthStatus{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	L.SetContext(ctx)
	L.SetGlobal("obj", toLua(L, obj))
	if err := L.DoString(script); err != nil {
		return healthStatus{}, fmt.Errorf("Lua error (Argo CD would report Unknown): %w", err)
	}
	ret, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		return healthStatus{}, fmt.Errorf("returned %s, want a table", L.Get(-1).Type())
	}
	var hs healthStatus
	switch v := ret.RawGetString("status").(type) {
	case lua.LString:
		hs.Status = string(v)
	default:
		return healthStatus{}, fmt.Errorf("returned status %s %q, want a string", v.Type(), v.String())
	}
	if !validStatuses[hs.Status] {
		return healthStatus{}, fmt.Errorf("returned status %q, which Argo CD replaces with Unknown", hs.Status)
	}
	switch v := ret.RawGetString("message").(type) {
	case lua.LString:
		hs.Message = string(v)
	case *lua.LNilType:
	default:
		return healthStatus{}, fmt.Errorf("returned message %s %q, want a string", v.Type(), v.String())
	}
	return hs, nil
}

// toLua converts a decoded JSON value to Lua as Argo CD does: maps to tables, slices to 1-based array tables,
// numbers to LNumber, booleans and strings as they are, nil left out.
func toLua(L *lua.LState, value interface{}) lua.LValue {
	switch v := value.(type) {
	case map[string]interface{}:
		tbl := L.CreateTable(0, len(v))
		for key, item := range v {
			if item != nil {
				tbl.RawSetString(key, toLua(L, item))
			}
		}
		return tbl
	case []interface{}:
		arr := L.CreateTable(len(v), 0)
		for _, item := range v {
			if item != nil {
				arr.Append(toLua(L, item))
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

func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}

// TestRunHealthLuaLikeArgoCD checks the harness itself: a script using a library Argo CD does not load must
// fail here as it would there, and a bad return must be caught.
func TestRunHealthLuaLikeArgoCD(t *testing.T) {
	obj := map[string]interface{}{"metadata": map[string]interface{}{"name": "x", "generation": float64(2)}}
	for _, tc := range []struct {
		name, script string
		want         healthStatus
		wantErr      bool
	}{
		{name: "obj fields", script: `return {status = "Healthy", message = obj.metadata.name .. " " .. tostring(obj.metadata.generation)}`,
			want: healthStatus{Status: "Healthy", Message: "x 2"}},
		{name: "table library", script: `local t = {} table.insert(t, "a") return {status = "Healthy", message = t[1]}`,
			want: healthStatus{Status: "Healthy", Message: "a"}},
		{name: "no string library", script: `return {status = "Healthy", message = string.format("%d", 1)}`, wantErr: true},
		{name: "no math library", script: `return {status = "Healthy", message = tostring(math.floor(1.5))}`, wantErr: true},
		{name: "invalid status", script: `return {status = "Fine"}`, wantErr: true},
		{name: "not a table", script: `return "Healthy"`, wantErr: true},
		{name: "nil index", script: `return {status = obj.status.phase}`, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runHealthLua(tc.script, obj)
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
	_, err := runHealthLua(`error("boom")`, obj)
	if !errors.As(err, &apiErr) {
		t.Fatalf("a Lua error should surface as *lua.ApiError, got %v", err)
	}
}
