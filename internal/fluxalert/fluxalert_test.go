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

package fluxalert_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/roadmap-operator/roadmap-operator/internal/fluxalert"
)

// version is a CRD version whose spec.eventSources[].kind enumerates kinds (no enum when kinds is nil).
func version(name string, served bool, kinds ...string) apiextensionsv1.CustomResourceDefinitionVersion {
	kind := apiextensionsv1.JSONSchemaProps{Type: "string"}
	for _, k := range kinds {
		kind.Enum = append(kind.Enum, apiextensionsv1.JSON{Raw: []byte(`"` + k + `"`)})
	}
	return apiextensionsv1.CustomResourceDefinitionVersion{Name: name, Served: served,
		Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
			Type: "object",
			Properties: map[string]apiextensionsv1.JSONSchemaProps{"spec": {Type: "object",
				Properties: map[string]apiextensionsv1.JSONSchemaProps{"eventSources": {Type: "array",
					Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{Type: "object",
						Properties: map[string]apiextensionsv1.JSONSchemaProps{"kind": kind}}}}}}}}}}
}

func crd(versions ...apiextensionsv1.CustomResourceDefinitionVersion) *apiextensionsv1.CustomResourceDefinition {
	c := &apiextensionsv1.CustomResourceDefinition{Spec: apiextensionsv1.CustomResourceDefinitionSpec{Versions: versions}}
	c.Name = fluxalert.CRDName
	return c
}

var fluxKinds = []string{"Bucket", "GitRepository", "Kustomization", "HelmRelease"}

func TestMissingKinds(t *testing.T) {
	noSchema := version("v1beta1", true)
	noSchema.Schema = nil
	for _, tc := range []struct {
		name string
		crd  *apiextensionsv1.CustomResourceDefinition
		want []fluxalert.Missing
	}{
		{"Flux's own CRD: all three", crd(version("v1beta3", true, fluxKinds...)),
			[]fluxalert.Missing{{Version: "v1beta3", Index: 0, Kinds: []string{"Capability", "Initiative", "Goal"}}}},
		{"already patched: nothing", crd(version("v1beta3", true, append(fluxKinds, "Goal", "Capability", "Initiative")...)), nil},
		{"one already there: the other two", crd(version("v1beta3", true, append(fluxKinds, "Initiative")...)),
			[]fluxalert.Missing{{Version: "v1beta3", Index: 0, Kinds: []string{"Capability", "Goal"}}}},
		{"every served version with the enum", crd(version("v1beta2", true, fluxKinds...), version("v1beta3", true, append(fluxKinds, "Goal")...)),
			[]fluxalert.Missing{
				{Version: "v1beta2", Index: 0, Kinds: []string{"Capability", "Initiative", "Goal"}},
				{Version: "v1beta3", Index: 1, Kinds: []string{"Capability", "Initiative"}}}},
		{"a version no longer served is left alone", crd(version("v1beta2", false, fluxKinds...), version("v1beta3", true, fluxKinds...)),
			[]fluxalert.Missing{{Version: "v1beta3", Index: 1, Kinds: []string{"Capability", "Initiative", "Goal"}}}},
		{"a version without the enum accepts any kind", crd(version("v1beta3", true)), nil},
		{"a version without a schema", crd(noSchema), nil},
		{"no versions", crd(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fluxalert.MissingKinds(tc.crd, fluxalert.Kinds)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("MissingKinds (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMissingKindsRefusesANonStringEnum(t *testing.T) {
	c := crd(version("v1beta3", true, fluxKinds...))
	kind := c.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["eventSources"].Items.Schema.Properties["kind"]
	kind.Enum = append(kind.Enum, apiextensionsv1.JSON{Raw: []byte(`42`)})
	c.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["eventSources"].Items.Schema.Properties["kind"] = kind
	_, err := fluxalert.MissingKinds(c, fluxalert.Kinds)
	if err == nil || !strings.Contains(err.Error(), "version v1beta3") || !strings.Contains(err.Error(), "42") {
		t.Errorf("MissingKinds with a number in the enum: %v, want an error naming the version and the value", err)
	}
}

func TestPatch(t *testing.T) {
	const enum = "/schema/openAPIV3Schema/properties/spec/properties/eventSources/items/properties/kind/enum/-"
	for _, tc := range []struct {
		name    string
		missing []fluxalert.Missing
		want    []map[string]any
	}{
		{"nothing missing: no patch", nil, nil},
		{"guarded by the resourceVersion, appends only what is missing, where it is missing", []fluxalert.Missing{
			{Version: "v1beta2", Index: 0, Kinds: []string{"Goal"}},
			{Version: "v1beta3", Index: 2, Kinds: []string{"Capability", "Initiative"}}},
			[]map[string]any{
				{"op": "test", "path": "/metadata/resourceVersion", "value": "4711"},
				{"op": "add", "path": "/spec/versions/0" + enum, "value": "Goal"},
				{"op": "add", "path": "/spec/versions/2" + enum, "value": "Capability"},
				{"op": "add", "path": "/spec/versions/2" + enum, "value": "Initiative"},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := fluxalert.Patch("4711", tc.missing)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				if data != nil {
					t.Errorf("Patch = %s, want none", data)
				}
				return
			}
			var got []map[string]any
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatalf("Patch is not a JSON patch: %v\n%s", err, data)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Patch (-want +got):\n%s", diff)
			}
		})
	}
}
