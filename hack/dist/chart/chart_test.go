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

package chart_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/roadmap-operator/roadmap-operator/hack/dist/chart"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func chartDir(t *testing.T) string { return filepath.Join(repoRoot(t), "charts", chart.Name) }

// render renders the chart as `helm template --namespace roadmap-operator-system` does, and returns its objects
// in file order.
func render(t *testing.T, values map[string]any) []*unstructured.Unstructured {
	t.Helper()
	ch, err := loader.Load(chartDir(t))
	if err != nil {
		t.Fatalf("loading the chart: %v", err)
	}
	vals, err := util.ToRenderValues(ch, values, common.ReleaseOptions{Name: "roadmap", Namespace: chart.Namespace, IsInstall: true}, common.DefaultCapabilities)
	if err != nil {
		t.Fatalf("values %v: %v", values, err)
	}
	files, err := engine.Render(ch, vals)
	if err != nil {
		t.Fatalf("rendering the chart with %v: %v", values, err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		if strings.HasSuffix(name, ".yaml") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var objs []*unstructured.Unstructured
	for _, name := range names {
		for _, doc := range strings.Split(files[name], "\n---") {
			obj := map[string]any{}
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Fatalf("%s does not render to YAML: %v\n%s", name, err, doc)
			}
			if len(obj) > 0 {
				objs = append(objs, &unstructured.Unstructured{Object: normalize(t, obj)})
			}
		}
	}
	return objs
}

// normalize round-trips obj through JSON, so rendered and kustomized objects hold the same Go types.
func normalize(t *testing.T, obj map[string]any) map[string]any {
	t.Helper()
	data, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// kustomize builds dir under config/ as `kustomize build` does.
func kustomize(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	return kustomizePath(t, filepath.Join(repoRoot(t), "config", dir))
}

// kustomizePath builds the kustomization in dir as `kustomize build` does.
func kustomizePath(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	var objs []*unstructured.Unstructured
	for _, r := range m.Resources() {
		obj, err := r.Map()
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, &unstructured.Unstructured{Object: normalize(t, obj)})
	}
	return objs
}

func key(u *unstructured.Unstructured) string {
	return fmt.Sprintf("%s %s/%s", u.GetKind(), u.GetNamespace(), u.GetName())
}

// byKey indexes objects, without the labels Helm adds (helm.sh/chart, managed-by, instance).
func byKey(objs []*unstructured.Unstructured) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, u := range objs {
		u = u.DeepCopy()
		labels := u.GetLabels()
		for _, l := range []string{"helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/instance"} {
			delete(labels, l)
		}
		u.SetLabels(labels)
		out[key(u)] = u.Object
	}
	return out
}

func find(objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	for _, u := range objs {
		if u.GetKind() == kind && u.GetName() == name {
			return u
		}
	}
	return nil
}

func managerArgs(t *testing.T, objs []*unstructured.Unstructured) []string {
	t.Helper()
	d := find(objs, "Deployment", "roadmap-controller-manager")
	if d == nil {
		t.Fatal("no manager Deployment in the render")
	}
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	var args []string
	for _, a := range containers[0].(map[string]any)["args"].([]any) {
		args = append(args, a.(string))
	}
	return args
}

// TestChartIsGeneratedFromConfig fails when config/ changed and the chart was not regenerated (make helm-chart).
func TestChartIsGeneratedFromConfig(t *testing.T) {
	root := repoRoot(t)
	want, err := chart.Files(root)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := loader.Load(chartDir(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range ch.Templates {
		if _, ok := want[tpl.Name]; !ok {
			t.Errorf("charts/%s/%s is not generated from config/ any more: run make helm-chart", chart.Name, tpl.Name)
		}
	}
	for name, data := range want {
		if strings.HasPrefix(name, "templates/") {
			found := false
			for _, tpl := range ch.Templates {
				if tpl.Name == name {
					found = true
					if diff := cmp.Diff(string(data), string(tpl.Data)); diff != "" {
						t.Errorf("charts/%s/%s is stale (run make helm-chart); -generated +committed:\n%s", chart.Name, name, diff)
					}
				}
			}
			if !found {
				t.Errorf("charts/%s/%s is missing: run make helm-chart", chart.Name, name)
			}
		}
	}
}

// TestChartLint runs Helm's lint (helm lint --strict) with the default values and with every component on.
func TestChartLint(t *testing.T) {
	for name, values := range map[string]map[string]any{"defaults": nil, "everything on": allOn()} {
		t.Run(name, func(t *testing.T) {
			lint := action.NewLint()
			lint.Strict = true
			result := lint.Run([]string{chartDir(t)}, values)
			for _, err := range result.Errors {
				t.Errorf("helm lint: %v", err)
			}
			for _, m := range result.Messages {
				t.Logf("helm lint: %s", m.Error())
			}
		})
	}
}

func allOn() map[string]any {
	return map[string]any{
		"replicas":     2,
		"namespace":    map[string]any{"name": "roadmap-ops"},
		"policy":       map[string]any{"enabled": true},
		"egressPolicy": map[string]any{"enabled": true},
		"monitoring":   map[string]any{"serviceMonitor": true, "alerts": true, "dashboard": true},
		"argocd":       map[string]any{"healthChecks": map[string]any{"enabled": true}},
		"board":        map[string]any{"enabled": true},
		"notifications": map[string]any{"flux": map[string]any{"notificationControllerReader": true, "alertKinds": true,
			"eventsAddr": "http://notification-controller.flux-system.svc.cluster.local./"}},
		"image": map[string]any{"repository": "registry.example/roadmap", "tag": "v9.9.9", "pullPolicy": "IfNotPresent"},
	}
}

// TestChartDefaultsMatchInstaller: with the default values, the chart renders what `make build-installer`
// writes into dist/install.yaml (kustomize build config/default with the image set), object for object and field
// for field: names, kinds, RBAC rules, security context, args; only Helm's own labels are added.
func TestChartDefaultsMatchInstaller(t *testing.T) {
	ch, err := loader.Load(chartDir(t))
	if err != nil {
		t.Fatal(err)
	}
	installer := kustomize(t, "default")
	// What `make build-installer IMG=<repository>:<appVersion>` sets (kustomize edit set image controller=IMG).
	setImage(t, installer, "roadmap-controller-manager", chart.DefaultRepository+":"+ch.Metadata.AppVersion)

	rendered := render(t, nil)
	if diff := cmp.Diff(byKey(installer), byKey(rendered)); diff != "" {
		t.Errorf("the chart with default values differs from kustomize build config/default (-installer +chart):\n%s", diff)
	}
	for _, u := range rendered {
		g := NewWithT(t)
		g.Expect(u.GetLabels()).To(And(HaveKeyWithValue("app.kubernetes.io/managed-by", "Helm"),
			HaveKeyWithValue("app.kubernetes.io/instance", "roadmap")), key(u))
	}

	// The optional components, when on, render what their own kustomizations build (the board from the
	// chart's image, as the installer's manager).
	on := render(t, map[string]any{"policy": map[string]any{"enabled": true}, "board": map[string]any{"enabled": true},
		"egressPolicy":  map[string]any{"enabled": true},
		"notifications": map[string]any{"flux": map[string]any{"notificationControllerReader": true, "alertKinds": true}},
		"monitoring":    map[string]any{"serviceMonitor": true, "alerts": true, "dashboard": true}})
	for _, dir := range []string{"policy", "egress", "prometheus", "board", "flux", "flux-alert-kinds"} {
		objs := kustomize(t, dir)
		if dir == "board" {
			setImage(t, objs, "roadmap-board", chart.DefaultRepository+":"+ch.Metadata.AppVersion)
		}
		want := byKey(objs)
		got := byKey(on)
		for k, obj := range want {
			if diff := cmp.Diff(obj, got[k]); diff != "" {
				t.Errorf("%s: the chart differs from kustomize build config/%s (-kustomize +chart):\n%s", k, dir, diff)
			}
		}
	}
}

// TestChartFluxAlertKindsMatchesOverlay: with notifications.flux.alertKinds, the chart renders what an overlay of
// config/default with the config/flux-alert-kinds component builds, the manager's flag included.
func TestChartFluxAlertKindsMatchesOverlay(t *testing.T) {
	ch, err := loader.Load(chartDir(t))
	if err != nil {
		t.Fatal(err)
	}
	overlay := kustomizePath(t, filepath.Join(repoRoot(t), "hack", "dist", "chart", "testdata", "flux-alert-kinds"))
	setImage(t, overlay, "roadmap-controller-manager", chart.DefaultRepository+":"+ch.Metadata.AppVersion)
	rendered := render(t, map[string]any{"notifications": map[string]any{"flux": map[string]any{"alertKinds": true}}})
	if diff := cmp.Diff(byKey(overlay), byKey(rendered)); diff != "" {
		t.Errorf("the chart with notifications.flux.alertKinds differs from config/default with config/flux-alert-kinds (-kustomize +chart):\n%s", diff)
	}
	if !slices.Contains(managerArgs(t, rendered), "--flux-alert-kinds") {
		t.Errorf("the manager runs without --flux-alert-kinds: %q", managerArgs(t, rendered))
	}
}

// setImage sets the image of the first container of Deployment name in objs, as `kustomize edit set image` does.
func setImage(t *testing.T, objs []*unstructured.Unstructured, name, image string) {
	t.Helper()
	d := find(objs, "Deployment", name)
	if d == nil {
		t.Fatalf("no Deployment %s", name)
	}
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	containers[0].(map[string]any)["image"] = image
	if err := unstructured.SetNestedSlice(d.Object, containers, "spec", "template", "spec", "containers"); err != nil {
		t.Fatal(err)
	}
}

// TestChartValues checks what each value changes.
func TestChartValues(t *testing.T) {
	g := NewWithT(t)
	defaults := render(t, nil)
	g.Expect(managerArgs(t, defaults)).To(ContainElement("--leader-elect"))
	g.Expect(find(defaults, "ValidatingAdmissionPolicy", "roadmap-initiative-governance")).To(BeNil())
	g.Expect(find(defaults, "ServiceMonitor", "roadmap-controller-manager-metrics-monitor")).To(BeNil())
	g.Expect(find(defaults, "ConfigMap", "argocd-cm")).To(BeNil())
	g.Expect(find(defaults, "NetworkPolicy", "roadmap-manager-egress")).To(BeNil())
	g.Expect(find(defaults, "Deployment", "roadmap-board")).To(BeNil(), "the board service is off by default")
	board := render(t, map[string]any{"board": map[string]any{"enabled": true,
		"config": map[string]any{"oidc-issuer-url": "https://login.example.org", "allowed-hosts": "board.example.org"}}})
	g.Expect(find(board, "ConfigMap", "roadmap-board").Object["data"]).To(And(
		HaveKeyWithValue("oidc-issuer-url", "https://login.example.org"), HaveKeyWithValue("allowed-hosts", "board.example.org"),
		HaveKeyWithValue("oidc-client-id", "roadmap-board")), "board.config overrides the ConfigMap's defaults key by key")

	// values.schema.json refuses wrong types and misspelt keys.
	ch, err := loader.Load(chartDir(t))
	g.Expect(err).NotTo(HaveOccurred())
	for _, bad := range []map[string]any{{"replicas": "two"}, {"policy": map[string]any{"enable": true}},
		{"board": map[string]any{"config": map[string]any{"oidc-issuer": "https://x"}}},
		{"image": map[string]any{"pullPolicy": "Sometimes"}}, {"replica": 2}} {
		_, err := util.ToRenderValues(ch, bad, common.ReleaseOptions{Name: "roadmap", Namespace: chart.Namespace, IsInstall: true}, common.DefaultCapabilities)
		g.Expect(err).To(HaveOccurred(), "values %v", bad)
	}

	// Notifications: no sink by default; each value sets its flag.
	for _, flag := range []string{"--events-addr", "--cloudevents-sink", "--board-url"} {
		g.Expect(managerArgs(t, defaults)).NotTo(ContainElement(HavePrefix(flag)))
	}
	g.Expect(find(defaults, "ClusterRole", "flux-notification-roadmap-reader")).To(BeNil())
	g.Expect(find(defaults, "ClusterRole", "roadmap-flux-alert-kinds")).To(BeNil())
	g.Expect(managerArgs(t, defaults)).NotTo(ContainElement("--flux-alert-kinds"))
	alertKinds := render(t, map[string]any{"notifications": map[string]any{"flux": map[string]any{"alertKinds": true}}})
	g.Expect(managerArgs(t, alertKinds)).To(ContainElement("--flux-alert-kinds"))
	g.Expect(find(alertKinds, "ClusterRole", "roadmap-flux-alert-kinds")).NotTo(BeNil())
	g.Expect(find(alertKinds, "ClusterRoleBinding", "roadmap-flux-alert-kinds")).NotTo(BeNil())
	notifying := render(t, map[string]any{"notifications": map[string]any{
		"flux":            map[string]any{"eventsAddr": "http://notification-controller.flux-system.svc.cluster.local./"},
		"cloudEventsSink": "http://broker-ingress.knative-eventing.svc/roadmap/default",
		"boardURL":        "https://roadmap.example.com"}})
	g.Expect(managerArgs(t, notifying)).To(ContainElements(
		"--events-addr=http://notification-controller.flux-system.svc.cluster.local./",
		"--cloudevents-sink=http://broker-ingress.knative-eventing.svc/roadmap/default",
		"--board-url=https://roadmap.example.com"))
	_, err = util.ToRenderValues(ch, map[string]any{"notifications": map[string]any{"flux": map[string]any{"eventsAddr": "notification-controller"}}},
		common.ReleaseOptions{Name: "roadmap", Namespace: chart.Namespace, IsInstall: true}, common.DefaultCapabilities)
	g.Expect(err).To(HaveOccurred(), "an events address that is not a URL")

	// Leader election: off for a single replica when asked, on whatever is asked with more than one.
	single := render(t, map[string]any{"leaderElection": false})
	g.Expect(managerArgs(t, single)).NotTo(ContainElement("--leader-elect"))
	g.Expect(managerArgs(t, single)).To(ContainElement("--metrics-bind-address=:8443"))
	two := render(t, map[string]any{"leaderElection": false, "replicas": 2})
	g.Expect(managerArgs(t, two)).To(ContainElement("--leader-elect"))
	g.Expect(find(two, "Deployment", "roadmap-controller-manager").Object).To(HaveKeyWithValue("spec", HaveKeyWithValue("replicas", BeNumerically("==", 2))))

	// Optional pieces off.
	off := render(t, map[string]any{"apf": map[string]any{"enabled": false}, "teamRoles": map[string]any{"enabled": false},
		"namespace": map[string]any{"create": false}})
	for _, gone := range [][2]string{{"FlowSchema", "roadmap-operator"}, {"FlowSchema", "roadmap-operator-leader-election"},
		{"PriorityLevelConfiguration", "roadmap-operator"}, {"ClusterRole", "roadmap-viewer"},
		{"ClusterRole", "roadmap-platform-editor"}, {"ClusterRole", "roadmap-product-editor"}, {"Namespace", chart.Namespace}} {
		g.Expect(find(off, gone[0], gone[1])).To(BeNil(), "%s %s", gone[0], gone[1])
	}
	g.Expect(find(off, "ClusterRole", "roadmap-manager-role")).NotTo(BeNil())
	g.Expect(off).To(HaveLen(len(defaults) - 7))

	// Everything on, in another namespace, with another image and resources.
	all := allOn()
	all["resources"] = map[string]any{"requests": map[string]any{"cpu": "50m", "memory": "128Mi"}}
	on := render(t, all)
	d := find(on, "Deployment", "roadmap-controller-manager")
	container := d.Object["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	g.Expect(container).To(And(
		HaveKeyWithValue("image", "registry.example/roadmap:v9.9.9"),
		HaveKeyWithValue("imagePullPolicy", "IfNotPresent"),
		// Helm merges the given requests into the default resources: the limits stay.
		HaveKeyWithValue("resources", Equal(map[string]any{"requests": map[string]any{"cpu": "50m", "memory": "128Mi"},
			"limits": map[string]any{"cpu": "500m", "memory": "256Mi"}}))))
	for _, u := range on {
		if u.GetKind() == "ConfigMap" && u.GetName() == "argocd-cm" {
			g.Expect(u.GetNamespace()).To(Equal("argocd"))
			g.Expect(u.GetAnnotations()).To(HaveKeyWithValue("helm.sh/resource-policy", "keep"))
			continue
		}
		if u.GetNamespace() != "" {
			g.Expect(u.GetNamespace()).To(Equal("roadmap-ops"), key(u))
		}
		g.Expect(strings.Contains(fmt.Sprint(u.Object), chart.Namespace)).To(BeFalse(), "%s still names %s", key(u), chart.Namespace)
	}
	g.Expect(find(on, "Namespace", "roadmap-ops")).NotTo(BeNil())
	g.Expect(find(on, "ValidatingAdmissionPolicy", "roadmap-initiative-governance")).NotTo(BeNil())
	rule := find(on, "PrometheusRule", "roadmap-operator-alerts")
	g.Expect(rule).NotTo(BeNil())
	// Prometheus' own template delimiters reach the cluster unchanged.
	g.Expect(fmt.Sprint(rule.Object)).To(ContainSubstring("{{ $labels.namespace }}"))
}

// TestChartAppliesToAPIServer applies the chart's render server-side to a real kube-apiserver, as Helm 4 does,
// with the default values and with every component on: the apiserver accepts every object. The Argo CD health
// checks add their keys to an existing argocd-cm and leave its other keys.
func TestChartAppliesToAPIServer(t *testing.T) {
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	g := NewWithT(t)

	// Argo CD's own argocd-cm, and the Prometheus Operator's CRDs (served, schema-less) for the monitoring objects.
	testenv.EnsureNamespace(t, env.Client, "argocd")
	g.Expect(env.Client.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "argocd-cm", Namespace: "argocd"},
		Data: map[string]string{"url": "https://argocd.example"}})).To(Succeed())
	for _, kind := range []string{"ServiceMonitor", "PrometheusRule"} {
		g.Expect(env.Client.Create(ctx, looseCRD("monitoring.coreos.com", "v1", kind))).To(Succeed())
	}
	g.Eventually(func() error {
		_, err := env.Client.RESTMapper().RESTMapping(schemaGK("monitoring.coreos.com", "PrometheusRule"), "v1")
		return err
	}).WithTimeout(30 * time.Second).Should(Succeed())

	for name, values := range map[string]map[string]any{"defaults": nil, "everything on": allOn()} {
		objs := render(t, values)
		// Namespaces and CRDs first, as Helm orders them.
		sort.SliceStable(objs, func(i, j int) bool { return rank(objs[i]) < rank(objs[j]) })
		for _, u := range objs {
			err := env.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner("helm"), client.ForceOwnership)
			g.Expect(err).NotTo(HaveOccurred(), "%s: the apiserver refuses %s", name, key(u))
		}
	}
	cm := &corev1.ConfigMap{}
	g.Expect(env.Client.Get(ctx, client.ObjectKey{Namespace: "argocd", Name: "argocd-cm"}, cm)).To(Succeed())
	g.Expect(cm.Data).To(And(HaveKeyWithValue("url", "https://argocd.example"),
		HaveKey("resource.customizations.health.roadmap.dev_Initiative")))
}

func rank(u *unstructured.Unstructured) int {
	switch u.GetKind() {
	case "Namespace":
		return 0
	case "CustomResourceDefinition":
		return 1
	default:
		return 2
	}
}

func schemaGK(group, kind string) schema.GroupKind { return schema.GroupKind{Group: group, Kind: kind} }

func looseCRD(group, version, kind string) *apiextensionsv1.CustomResourceDefinition {
	plural := strings.ToLower(kind) + "s"
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: plural + "." + group},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: group, Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Kind: kind, ListKind: kind + "List", Plural: plural, Singular: strings.ToLower(kind)},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{Name: version, Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object", XPreserveUnknownFields: ptr.To(true)}}}},
		},
	}
}
