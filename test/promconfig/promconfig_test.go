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

// Package promconfig checks the monitoring files in config/prometheus against the metrics the operator
// exposes: every metric an alert or a dashboard panel queries must exist, so renaming a metric breaks this
// test until the alerts and the dashboard follow.
package promconfig

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// roadmapMetrics are the metrics the operator registers, as defined in internal/metrics/metrics.go. Keep this list
// in step with that file. Histograms are also queried as <name>_bucket, _sum and _count.
var roadmapMetrics = []struct {
	name      string
	histogram bool
}{
	{name: "roadmap_initiatives"},
	{name: "roadmap_capabilities"},
	{name: "roadmap_initiative_blocked_seconds", histogram: true},
	{name: "roadmap_propagation_seconds", histogram: true},
	{name: "roadmap_dependency_cycles"},
	{name: "roadmap_goals_at_risk"},
	{name: "roadmap_initiative_blocked_since_timestamp_seconds"},
	{name: "roadmap_evidence_watches"},
	{name: "roadmap_evidence_watch_refusals_total"},
	{name: "roadmap_initiatives_started_early"},
	{name: "roadmap_events_dropped_total"},
	{name: "roadmap_events_queued"},
	{name: "roadmap_goal_rollups_pending"},
	{name: "roadmap_workloads_untraced"},
	{name: "roadmap_workloads_dangling"},
	{name: "roadmap_workloads_break_glass"},
}

// frameworkPrefixes are the metric families controller-runtime registers for every manager.
var frameworkPrefixes = []string{"controller_runtime_", "workqueue_"}

// known reports whether a metric name queried by an alert or a panel is exposed by the operator.
func known(metric string) bool {
	for _, p := range frameworkPrefixes {
		if strings.HasPrefix(metric, p) {
			return true
		}
	}
	for _, m := range roadmapMetrics {
		if metric == m.name {
			return true
		}
		if m.histogram {
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if metric == m.name+suffix {
					return true
				}
			}
		}
	}
	return false
}

var (
	stringLiteral = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	labelMatchers = regexp.MustCompile(`\{[^{}]*\}`)
	rangeOrOffset = regexp.MustCompile(`\[[^\[\]]*\]`)
	// Grafana's label_values(metric, label): the metric is what it queries, the label is not a metric.
	labelValues = regexp.MustCompile(`label_values\(\s*([^,()]*?)\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)`)
	// Clauses whose parenthesised list holds label names, not series.
	labelLists = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	grafanaVar = regexp.MustCompile(`\$\{[^}]*\}|\$[a-zA-Z_][a-zA-Z0-9_]*`)
	identifier = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	// Durations (5m, 1d) and numbers in exponent form are not names.
	duration = regexp.MustCompile(`^\d`)
	keywords = []string{"and", "or", "unless", "bool", "offset", "inf", "nan", "by", "without", "on", "ignoring",
		"group_left", "group_right", "e"}
)

// metricNames returns the metric names a PromQL expression (or a Grafana query with template variables)
// selects: identifiers outside string literals, label matchers, ranges and label lists that are neither
// function calls nor keywords.
func metricNames(expr string) []string {
	s := labelValues.ReplaceAllString(expr, "$1")
	s = stringLiteral.ReplaceAllString(s, " ")
	s = grafanaVar.ReplaceAllString(s, " ")
	for prev := ""; prev != s; {
		prev = s
		s = labelMatchers.ReplaceAllString(s, " ")
		s = rangeOrOffset.ReplaceAllString(s, " ")
		s = labelLists.ReplaceAllString(s, " ")
	}
	var names []string
	for _, loc := range identifier.FindAllStringIndex(s, -1) {
		name := s[loc[0]:loc[1]]
		if loc[0] > 0 && duration.MatchString(s[loc[0]-1:loc[0]]) { // the "m" of 5m, the "e" of 1e3
			continue
		}
		if rest := strings.TrimLeft(s[loc[1]:], " \t\n"); strings.HasPrefix(rest, "(") { // a function call
			continue
		}
		if slices.Contains(keywords, strings.ToLower(name)) {
			continue
		}
		names = append(names, name)
	}
	return names
}

func TestMetricNamesParser(t *testing.T) {
	cases := []struct {
		expr string
		want []string
	}{
		{`roadmap_goals_at_risk > 0`, []string{"roadmap_goals_at_risk"}},
		{`sum by (controller, result) (rate(controller_runtime_reconcile_total{job=~"$job", x='a b'}[$__rate_interval]))`,
			[]string{"controller_runtime_reconcile_total"}},
		{`(time() - max by (namespace, name) (foo_seconds > 0)) > 14 * 24 * 3600`, []string{"foo_seconds"}},
		{`histogram_quantile(0.99, sum by (le) (rate(a_bucket[5m] offset 1h))) / on (x) group_left (y) b`, []string{"a_bucket", "b"}},
		{`label_values(roadmap_initiatives{namespace="${ns}"}, namespace)`, []string{"roadmap_initiatives"}},
		{`sum without (instance, pod) (x) and bool y unless z or 1e3`, []string{"x", "y", "z"}},
	}
	for _, tc := range cases {
		if got := metricNames(tc.expr); !slices.Equal(got, tc.want) {
			t.Errorf("metricNames(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
}

// TestMetricListMatchesControllers keeps roadmapMetrics honest: it holds exactly the roadmap_ metric names
// that appear as string literals in the (non-test) sources of internal/metrics, where every one is defined.
func TestMetricListMatchesControllers(t *testing.T) {
	files, err := filepath.Glob("../../internal/metrics/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no internal/metrics sources: %v", err)
	}
	literal := regexp.MustCompile(`"(roadmap_[a-z0-9_]+)"`)
	inCode := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			inCode[m[1]] = true
		}
	}
	inList := map[string]bool{}
	for _, m := range roadmapMetrics {
		inList[m.name] = true
		if !inCode[m.name] {
			t.Errorf("%s is listed here but not defined in internal/metrics", m.name)
		}
	}
	for m := range inCode {
		if !inList[m] {
			t.Errorf("internal/metrics defines %s: add it to roadmapMetrics (and to the dashboard)", m)
		}
	}
}

type prometheusRule struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Alert       string            `json:"alert"`
				Record      string            `json:"record"`
				Expr        string            `json:"expr"`
				For         string            `json:"for"`
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
			} `json:"rules"`
		} `json:"groups"`
	} `json:"spec"`
}

func TestAlertsUseKnownMetrics(t *testing.T) {
	data, err := os.ReadFile("../../config/prometheus/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rule prometheusRule
	if err := yaml.Unmarshal(data, &rule); err != nil {
		t.Fatalf("alerts.yaml: %v", err)
	}
	if rule.APIVersion != "monitoring.coreos.com/v1" || rule.Kind != "PrometheusRule" {
		t.Fatalf("alerts.yaml is %s %s, want monitoring.coreos.com/v1 PrometheusRule", rule.APIVersion, rule.Kind)
	}

	// The alerts the operator documents, with how long each condition must hold.
	want := map[string]string{"InitiativeBlockedTooLong": "1h", "GoalAtRisk": "1h", "DependencyCycle": "10m",
		"RoadmapReconcileErrors": "15m"}
	got := map[string]string{}
	used := map[string]bool{}
	for _, g := range rule.Spec.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				t.Errorf("group %s: a rule without an alert name (recording rules are not expected here)", g.Name)
				continue
			}
			got[r.Alert] = r.For
			if r.Labels["severity"] == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("alert %s needs a severity label and summary and description annotations", r.Alert)
			}
			names := metricNames(r.Expr)
			if len(names) == 0 {
				t.Errorf("alert %s: no metric found in %q", r.Alert, r.Expr)
			}
			for _, m := range names {
				used[m] = true
				if !known(m) {
					t.Errorf("alert %s queries %s, which the operator does not expose (internal/metrics/metrics.go)", r.Alert, m)
				}
			}
		}
	}
	for name, forDuration := range want {
		if got[name] != forDuration {
			t.Errorf("alert %s: for = %q, want %q", name, got[name], forDuration)
		}
	}
	t.Logf("metrics used by alerts: %v", sortedKeys(used))
}

// TestDashboardUsesKnownMetrics checks every query of the Grafana dashboard (panel targets and template
// variables), and that every roadmap metric has a panel.
func TestDashboardUsesKnownMetrics(t *testing.T) {
	data, err := os.ReadFile("../../config/prometheus/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash map[string]any
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	if dash["uid"] == "" || dash["title"] == "" {
		t.Errorf("the dashboard needs a uid and a title")
	}

	var queries []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(k, e)
			}
		case []any:
			for _, e := range v {
				walk(key, e)
			}
		case string:
			if key == "expr" || (key == "query" && strings.Contains(v, "label_values(")) || key == "definition" {
				queries = append(queries, v)
			}
		}
	}
	walk("", dash)
	if len(queries) < len(roadmapMetrics) {
		t.Fatalf("found only %d queries in the dashboard", len(queries))
	}

	used := map[string]bool{}
	for _, q := range queries {
		names := metricNames(q)
		if len(names) == 0 {
			t.Errorf("no metric found in query %q", q)
		}
		for _, m := range names {
			used[m] = true
			if !known(m) {
				t.Errorf("dashboard queries %s (in %q), which the operator does not expose (internal/metrics/metrics.go)", m, q)
			}
		}
	}
	for _, m := range roadmapMetrics {
		found := used[m.name] || (m.histogram && (used[m.name+"_bucket"] || used[m.name+"_count"] || used[m.name+"_sum"]))
		if !found {
			t.Errorf("no dashboard panel shows %s", m.name)
		}
	}
	for _, m := range []string{"controller_runtime_reconcile_total", "controller_runtime_reconcile_time_seconds_bucket", "workqueue_depth"} {
		if !used[m] {
			t.Errorf("no dashboard panel shows %s", m)
		}
	}

	// Panel ids must be unique, or Grafana silently drops panels.
	ids := map[float64]bool{}
	panels, _ := dash["panels"].([]any)
	for _, p := range panels {
		id, _ := p.(map[string]any)["id"].(float64)
		if ids[id] {
			t.Errorf("panel id %v is used twice", id)
		}
		ids[id] = true
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
