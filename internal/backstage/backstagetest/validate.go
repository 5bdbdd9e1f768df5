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

// Package backstagetest checks catalog-info.yaml files with Backstage's own validators: the npm package
// @backstage/catalog-model, pinned in test/backstage/package-lock.json and run by Node (test/backstage/validate.js).
// The packages are installed with `npm ci` into test/backstage/node_modules the first time. Without node or
// npm the tests that need them are skipped, except under CI=true, where they fail: CI must prove the entities
// valid.
package backstagetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// CatalogModelVersion is the version of @backstage/catalog-model the entities are checked with.
const CatalogModelVersion = "1.10.1"

// Rejection is an entity (or a document) Backstage refuses, and why.
type Rejection struct {
	// Entity is the entity's reference (kind:namespace/name), or empty when the document has none.
	Entity   string `json:"entity"`
	Document int    `json:"document"`
	Error    string `json:"error"`
}

// Result is validate.js's verdict on a catalog-info.yaml.
type Result struct {
	// Accepted are the references of the entities every validator accepted, in document order.
	Accepted []string `json:"accepted"`
	// Rejected are the entities, or documents, that a validator refused.
	Rejected []Rejection `json:"rejected"`
}

var (
	install    sync.Once
	installErr error
)

// Validate runs the catalog through test/backstage/validate.js and returns its verdict; it fails the test when
// the validator cannot run, and skips it when node or npm is missing outside CI.
func Validate(t testing.TB, catalog []byte) Result {
	t.Helper()
	dir := filepath.Join(testenv.Root(t), "test", "backstage")
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed: CI must validate the Backstage entities with Node (%v)", tool, err)
			}
			t.Skipf("%s is not installed, so Backstage's validators cannot run (CI=true makes this a failure)", tool)
		}
	}
	install.Do(func() { installErr = ensureInstalled(dir) })
	if installErr != nil {
		t.Fatal(installErr)
	}
	cmd := exec.Command("node", "validate.js")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(catalog)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); err != nil && code != 1 {
		t.Fatalf("node validate.js: %v\n%s%s", err, stderr.String(), stdout.String())
	}
	var res Result
	if jerr := json.Unmarshal(stdout.Bytes(), &res); jerr != nil {
		t.Fatalf("node validate.js printed no verdict (%v): %s%s", jerr, stdout.String(), stderr.String())
	}
	if (err == nil) != (len(res.Rejected) == 0) {
		t.Fatalf("node validate.js: exit status %v disagrees with its verdict %+v", err, res)
	}
	return res
}

// ensureInstalled runs `npm ci` unless node_modules holds the pinned catalog model already.
func ensureInstalled(dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, "node_modules", "@backstage", "catalog-model", "package.json"))
	if err == nil {
		var pkg struct{ Version string }
		if json.Unmarshal(data, &pkg) == nil && pkg.Version == CatalogModelVersion {
			return nil
		}
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("npm ci in %s (installing @backstage/catalog-model %s): %w\n%s", dir, CatalogModelVersion, err,
			strings.TrimSpace(string(out)))
	}
	return nil
}
