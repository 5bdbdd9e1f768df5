package roadmapview

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestChecksOfSkipsMalformedEntries(t *testing.T) {
	got := checksOf(map[string]any{"status": map[string]any{"checks": []any{
		"garbage",
		map[string]any{"kind": "Deployment"},
		map[string]any{"kind": "Deployment", "name": "x", "passing": "yes"},
		map[string]any{"kind": "Deployment", "name": "ok", "passing": true, "reason": "Current"},
	}}})
	if d := cmp.Diff([]CheckResult{{Kind: "Deployment", Name: "ok", Passing: true, Reason: "Current"}}, got); d != "" {
		t.Errorf("checks (-want +got):\n%s", d)
	}
	if checksOf(map[string]any{"status": map[string]any{}}) != nil {
		t.Error("no status.checks must read as nil")
	}
}
