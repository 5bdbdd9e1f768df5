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

// Package chart generates the Helm chart charts/roadmap-operator from config/, so the chart and the kustomize
// installer have one source: every object of `kustomize build config/default` (and of the optional pieces:
// config/policy, config/board, config/egress, config/flux, config/flux-alert-kinds, config/prometheus, the Argo
// CD health checks of config/argocd) becomes a template, with values put in only where the chart lets users choose (image, replicas and leader election, resources, scheduling,
// the namespace, the optional components and the team roles). `make helm-chart` writes it; `make verify` fails
// when the committed chart differs from what Generate writes.
package chart

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

const (
	// Namespace is the namespace config/default installs into; the chart makes it .Values.namespace.name.
	Namespace = "roadmap-operator-system"
	// Name is the chart's name.
	Name = "roadmap-operator"
	// DefaultRepository is the image repository the release pushes to.
	DefaultRepository = "ghcr.io/roadmap-operator/roadmap-operator"
	// DevVersion is the version of the committed chart; `make helm-package VERSION=...` stamps the release's.
	DevVersion = "0.0.0-dev"
)

// condition says when an object is rendered, by its kind and name in the kustomize output.
type condition struct {
	kind, name string
	value      string // a boolean in values.yaml
}

// The optional objects of config/default. Generate fails when one is no longer there, so a rename in config/
// cannot silently make a component always-on.
var defaultConditions = []condition{
	{"Namespace", Namespace, ".Values.namespace.create"},
	{"FlowSchema", "roadmap-operator", ".Values.apf.enabled"},
	{"FlowSchema", "roadmap-operator-leader-election", ".Values.apf.enabled"},
	{"PriorityLevelConfiguration", "roadmap-operator", ".Values.apf.enabled"},
	{"ClusterRole", "roadmap-platform-editor", ".Values.teamRoles.enabled"},
	{"ClusterRole", "roadmap-product-editor", ".Values.teamRoles.enabled"},
	{"ClusterRole", "roadmap-viewer", ".Values.teamRoles.enabled"},
}

// The optional kustomizations, each behind one value (and off by default, as they are outside config/default).
var components = []struct {
	dir   string
	value func(kind string) string
}{
	{"config/policy", func(string) string { return ".Values.policy.enabled" }},
	{"config/prometheus", func(kind string) string {
		switch kind {
		case "ServiceMonitor":
			return ".Values.monitoring.serviceMonitor"
		case "PrometheusRule":
			return ".Values.monitoring.alerts"
		default:
			return ".Values.monitoring.dashboard"
		}
	}},
	{"config/board", func(string) string { return ".Values.board.enabled" }},
	{"config/egress", func(string) string { return ".Values.egressPolicy.enabled" }},
	{"config/flux", func(string) string { return ".Values.notifications.flux.notificationControllerReader" }},
	// The manager's rights on Flux's Alert CRD; its flag, --flux-alert-kinds, is templated into the Deployment.
	{"config/flux-alert-kinds", func(string) string { return ".Values.notifications.flux.alertKinds" }},
}

// Generate writes the chart into out (charts/roadmap-operator) from the kustomizations under root/config.
func Generate(root, out string) error {
	files, err := Files(root)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for name, data := range files {
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Files returns the chart's files by path relative to the chart directory.
func Files(root string) (map[string][]byte, error) {
	files := map[string][]byte{
		"Chart.yaml":             []byte(chartYAML),
		".helmignore":            []byte("# Patterns to ignore when packaging the chart.\n.DS_Store\n*.tmp\n*.orig\n"),
		"templates/_helpers.tpl": []byte(helpersTPL),
		"templates/NOTES.txt":    []byte(notesTXT),
		"values.schema.json":     []byte(valuesSchema),
	}
	base, err := build(filepath.Join(root, "config", "default"))
	if err != nil {
		return nil, err
	}
	g := &generator{}
	var resources map[string]any
	seen := map[condition]bool{}
	for i, r := range base {
		var cond string
		for _, c := range defaultConditions {
			if r.GetKind() == c.kind && r.GetName() == c.name {
				cond, seen[c] = c.value, true
			}
		}
		obj, err := r.Map()
		if err != nil {
			return nil, err
		}
		if r.GetKind() == "Deployment" {
			if resources, err = g.templateDeployment(obj); err != nil {
				return nil, err
			}
		}
		name, data, err := g.template(fmt.Sprintf("%02d", i), obj, cond)
		if err != nil {
			return nil, err
		}
		files[name] = data
	}
	for _, c := range defaultConditions {
		if !seen[c] {
			return nil, fmt.Errorf("config/default no longer has %s %s, which the chart makes optional with %s: update hack/dist/chart", c.kind, c.name, c.value)
		}
	}
	if resources == nil {
		return nil, fmt.Errorf("config/default has no manager Deployment")
	}
	var boardConfig map[string]any
	for i, c := range components {
		objs, err := build(filepath.Join(root, c.dir))
		if err != nil {
			return nil, err
		}
		for j, r := range objs {
			obj, err := r.Map()
			if err != nil {
				return nil, err
			}
			if c.dir == "config/board" {
				if boardConfig, err = g.templateBoard(obj, boardConfig); err != nil {
					return nil, err
				}
			}
			name, data, err := g.template(fmt.Sprintf("%d%d", 5+i, j), obj, c.value(r.GetKind()))
			if err != nil {
				return nil, err
			}
			files[name] = data
		}
	}
	argo, err := argocdHealthChecks(root)
	if err != nil {
		return nil, err
	}
	name, data, err := g.template("90", argo, ".Values.argocd.healthChecks.enabled")
	if err != nil {
		return nil, err
	}
	files[name] = data

	if boardConfig == nil {
		return nil, fmt.Errorf("config/board has no ConfigMap roadmap-board: update hack/dist/chart")
	}
	values, err := valuesYAML(resources, boardConfig)
	if err != nil {
		return nil, err
	}
	files["values.yaml"] = values
	return files, nil
}

// build runs kustomize on dir, as `kustomize build dir` does.
func build(dir string) ([]*resource.Resource, error) {
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	return m.Resources(), nil
}

// argocdHealthChecks is config/argocd's argocd-cm patch as an object of its own: applied server-side (Helm 4, or
// Argo CD with ServerSideApply=true) it adds the health-check keys to Argo CD's argocd-cm and leaves the rest.
// It is never pruned or deleted with the release: that would delete Argo CD's whole configuration.
func argocdHealthChecks(root string) (map[string]any, error) {
	data, err := os.ReadFile(filepath.Join(root, "config", "argocd", "argocd-cm-patch.yaml"))
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	if err := yaml.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("config/argocd/argocd-cm-patch.yaml: %w", err)
	}
	meta := obj["metadata"].(map[string]any)
	meta["namespace"] = "__ARGOCD_NAMESPACE__"
	meta["annotations"] = map[string]any{
		"helm.sh/resource-policy":         "keep",
		"argocd.argoproj.io/sync-options": "Delete=false,Prune=false,ServerSideApply=true",
	}
	return obj, nil
}

// generator turns objects into templates. Values a template expression replaces are first set to tokens, the
// object is marshalled, and the tokens are then replaced in the YAML text: a token that is a whole line becomes
// lines of template (a block of values), any other a quoted scalar.
type generator struct {
	lines   map[string]string // token -> template lines, {indent} replaced by the token line's indentation
	scalars map[string]string // token -> template text standing for a whole YAML scalar
}

func (g *generator) lineToken(tpl string) string {
	if g.lines == nil {
		g.lines = map[string]string{}
	}
	// "zzz" sorts a token used as a map key after the real keys (marshalling sorts them), so it never becomes the
	// first key of a list item, which the "- " would have to be written before.
	tok := fmt.Sprintf("zzz__LINE_%d__", len(g.lines))
	g.lines[tok] = tpl
	return tok
}

func (g *generator) scalarToken(tpl string) string {
	if g.scalars == nil {
		g.scalars = map[string]string{}
	}
	tok := fmt.Sprintf("__SCALAR_%d__", len(g.scalars))
	g.scalars[tok] = tpl
	return tok
}

// templateDeployment puts the values into the manager Deployment and returns its resources (the default of
// .Values.resources).
func (g *generator) templateDeployment(obj map[string]any) (map[string]any, error) {
	spec := obj["spec"].(map[string]any)
	spec["replicas"] = g.scalarToken("{{ .Values.replicas }}")
	pod := spec["template"].(map[string]any)["spec"].(map[string]any)
	pod[g.lineToken("{{- with .Values.nodeSelector }}\n{indent}nodeSelector:\n{indent}  {{- toYaml . | nindent {n+2} }}\n{indent}{{- end }}")] = ""
	pod[g.lineToken("{{- with .Values.tolerations }}\n{indent}tolerations:\n{indent}  {{- toYaml . | nindent {n+2} }}\n{indent}{{- end }}")] = ""
	pod[g.lineToken("{{- with .Values.affinity }}\n{indent}affinity:\n{indent}  {{- toYaml . | nindent {n+2} }}\n{indent}{{- end }}")] = ""
	containers := pod["containers"].([]any)
	for _, c := range containers {
		container := c.(map[string]any)
		if container["name"] != "manager" {
			continue
		}
		container["image"] = g.scalarToken(`"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"`)
		container[g.lineToken("{{- with .Values.image.pullPolicy }}\n{indent}imagePullPolicy: {{ . }}\n{indent}{{- end }}")] = ""
		var args []any
		leaderElect := false
		for _, a := range container["args"].([]any) {
			if a == "--leader-elect" {
				leaderElect = true
				// One replica does the work; with more, the others must wait for the lease.
				args = append(args, g.lineToken("{{- if or .Values.leaderElection (gt (int .Values.replicas) 1) }}\n{indent}- --leader-elect\n{indent}{{- end }}"))
				continue
			}
			args = append(args, a)
		}
		// Notifications (docs/notifications.md): each flag only when its value is set.
		for _, n := range []struct{ value, flag string }{
			{".Values.notifications.flux.eventsAddr", "--events-addr"},
			{".Values.notifications.cloudEventsSink", "--cloudevents-sink"},
			{".Values.notifications.boardURL", "--board-url"},
		} {
			args = append(args, g.lineToken(fmt.Sprintf("{{- with %s }}\n{indent}- {{ printf \"%s=%%s\" . | quote }}\n{indent}{{- end }}", n.value, n.flag)))
		}
		// config/flux-alert-kinds' flag, with its ClusterRole.
		args = append(args, g.lineToken("{{- if .Values.notifications.flux.alertKinds }}\n{indent}- --flux-alert-kinds\n{indent}{{- end }}"))
		if !leaderElect {
			return nil, fmt.Errorf("the manager Deployment no longer passes --leader-elect: update hack/dist/chart")
		}
		container["args"] = args
		resources, _ := container["resources"].(map[string]any)
		delete(container, "resources")
		container[g.lineToken("{{- with .Values.resources }}\n{indent}resources:\n{indent}  {{- toYaml . | nindent {n+2} }}\n{indent}{{- end }}")] = ""
		return resources, nil
	}
	return nil, fmt.Errorf("the Deployment has no container named manager")
}

// templateBoard gives the board's Deployment the chart's image and its ConfigMap the values of board.config,
// whose defaults are the ConfigMap's data in config/board (returned, or config when obj is something else).
func (g *generator) templateBoard(obj map[string]any, config map[string]any) (map[string]any, error) {
	name, _ := obj["metadata"].(map[string]any)["name"].(string)
	switch {
	case obj["kind"] == "ConfigMap" && name == "roadmap-board":
		data, _ := obj["data"].(map[string]any)
		delete(obj, "data")
		obj[g.lineToken("data:\n{indent}  {{- toYaml .Values.board.config | nindent {n+2} }}")] = ""
		return data, nil
	case obj["kind"] == "Deployment":
		pod := obj["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
		for _, c := range pod["containers"].([]any) {
			container := c.(map[string]any)
			container["image"] = g.scalarToken(`"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"`)
			container[g.lineToken("{{- with .Values.image.pullPolicy }}\n{indent}imagePullPolicy: {{ . }}\n{indent}{{- end }}")] = ""
		}
	}
	return config, nil
}

var (
	lineTokenRE   = regexp.MustCompile(`^( *)(- )?(zzz__LINE_\d+__)(: "")?$`)
	scalarTokenRE = regexp.MustCompile(`__SCALAR_\d+__`)
	tokenRE       = regexp.MustCompile(`^(zzz__LINE_\d+__|__SCALAR_\d+__)$`)
)

// template returns the template file name and text for obj, rendered only when cond (if any) holds.
func (g *generator) template(prefix string, obj map[string]any, cond string) (string, []byte, error) {
	meta := obj["metadata"].(map[string]any)
	kind, _ := obj["kind"].(string)
	name, _ := meta["name"].(string)
	labels, _ := meta["labels"].(map[string]any)
	if labels == nil {
		labels = map[string]any{}
		meta["labels"] = labels
	}
	labels[g.lineToken(`{{- include "roadmap-operator.labels" . | nindent {n} }}`)] = ""
	g.escape(obj)
	data, err := yaml.Marshal(obj)
	if err != nil {
		return "", nil, err
	}
	var out bytes.Buffer
	if cond != "" {
		fmt.Fprintf(&out, "{{- if %s }}\n", cond)
	}
	out.WriteString("# Generated by hack/dist/chart (make helm-chart) from config/. DO NOT EDIT.\n")
	for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if m := lineTokenRE.FindStringSubmatch(line); m != nil {
			if m[2] != "" && m[4] != "" {
				return "", nil, fmt.Errorf("%s %s: template line %q as the first key of a list item", kind, name, line)
			}
			indent := len(m[1])
			tpl := g.lines[m[3]]
			tpl = strings.ReplaceAll(tpl, "{n+2}", fmt.Sprint(indent+2))
			tpl = strings.ReplaceAll(tpl, "{n}", fmt.Sprint(indent))
			tpl = strings.ReplaceAll(tpl, "{indent}", strings.Repeat(" ", indent))
			out.WriteString(strings.Repeat(" ", indent) + tpl + "\n")
			continue
		}
		if strings.Contains(line, "__LINE_") {
			return "", nil, fmt.Errorf("%s %s: unplaced template line %q", kind, name, line)
		}
		line = scalarTokenRE.ReplaceAllStringFunc(line, func(tok string) string { return g.scalars[tok] })
		out.WriteString(line + "\n")
	}
	if cond != "" {
		out.WriteString("{{- end }}\n")
	}
	file := fmt.Sprintf("templates/%s-%s-%s.yaml", prefix, strings.ToLower(kind), name)
	return file, out.Bytes(), nil
}

// escape replaces, throughout obj, every string holding the namespace or template delimiters ("{{" of Prometheus
// alert annotations and Grafana legends) by a token standing for a double-quoted YAML string whose namespace is
// .Values.namespace.name and whose delimiters are printed, not interpreted, by Helm.
func (g *generator) escape(v any) any {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v[k] = g.escape(v[k])
		}
		return v
	case []any:
		for i := range v {
			v[i] = g.escape(v[i])
		}
		return v
	case string:
		switch {
		case v == "__ARGOCD_NAMESPACE__":
			return g.scalarToken("{{ .Values.argocd.namespace | quote }}")
		case tokenRE.MatchString(v): // a token already
			return v
		case !strings.Contains(v, Namespace) && !strings.Contains(v, "{{"):
			return v
		}
		var b strings.Builder
		b.WriteByte('"')
		for i, part := range strings.Split(v, Namespace) {
			if i > 0 {
				b.WriteString("{{ .Values.namespace.name }}")
			}
			b.WriteString(strings.ReplaceAll(quoteInner(part), "{{", `{{ "{{" }}`))
		}
		b.WriteByte('"')
		return g.scalarToken(b.String())
	default:
		return v
	}
}

// quoteInner escapes s for the inside of a YAML double-quoted scalar.
func quoteInner(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func valuesYAML(resources, boardConfig map[string]any) ([]byte, error) {
	res, err := yaml.Marshal(map[string]any{"resources": resources})
	if err != nil {
		return nil, err
	}
	cfg, err := yaml.Marshal(boardConfig)
	if err != nil {
		return nil, err
	}
	indented := "  config:\n    " + strings.ReplaceAll(strings.TrimRight(string(cfg), "\n"), "\n", "\n    ") + "\n"
	values := strings.Replace(valuesTemplate, "resources: {}\n", string(res), 1)
	return []byte(strings.Replace(values, "  config: {}\n", indented, 1)), nil
}
