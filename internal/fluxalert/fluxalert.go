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

// Package fluxalert holds the rule that lets Flux's Alert accept the roadmap kinds: Flux's Alert CRD enumerates
// the kinds spec.eventSources[].kind may name, and Flux's maintainers ask third-party controllers to add theirs
// to that enum. Which kinds each served version of the CRD lacks, and the JSON patch that adds only those, are
// decided here, without a client; the manager's flux-alert-kinds controller (--flux-alert-kinds) applies them.
package fluxalert

import (
	"encoding/json"
	"fmt"
	"slices"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// CRDName is the name of Flux's Alert CRD (notification.toolkit.fluxcd.io).
const CRDName = "alerts.notification.toolkit.fluxcd.io"

// Kinds are the kinds the operator tells Flux about, in the order config/flux adds them.
var Kinds = []string{"Capability", "Initiative", "Goal"}

// Missing is what one version of the CRD lacks: the kinds its eventSources enum does not list yet.
type Missing struct {
	// Version is the CRD version's name (v1beta3, ...).
	Version string
	// Index is the version's position in spec.versions, where the patch adds the kinds.
	Index int
	// Kinds are the kinds to add, in the order of the kinds asked for.
	Kinds []string
}

// MissingKinds returns, for each served version of crd whose spec.eventSources[].kind has an enum, the kinds of
// want that enum lacks; nothing when every such version lists them all. A version without the enum accepts
// any kind and is left alone, as is a version that is not served: no Alert can be written in it.
func MissingKinds(crd *apiextensionsv1.CustomResourceDefinition, want []string) ([]Missing, error) {
	var out []Missing
	for i, v := range crd.Spec.Versions {
		if !v.Served {
			continue
		}
		kind := eventSourceKind(v)
		if kind == nil || len(kind.Enum) == 0 {
			continue
		}
		listed := make([]string, 0, len(kind.Enum))
		for _, e := range kind.Enum {
			var s string
			if err := json.Unmarshal(e.Raw, &s); err != nil {
				return nil, fmt.Errorf("version %s of CRD %s: eventSources[].kind enum value %s is not a string: %w",
					v.Name, crd.Name, e.Raw, err)
			}
			listed = append(listed, s)
		}
		var missing []string
		for _, k := range want {
			if !slices.Contains(listed, k) && !slices.Contains(missing, k) {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			out = append(out, Missing{Version: v.Name, Index: i, Kinds: missing})
		}
	}
	return out, nil
}

// eventSourceKind is the schema of spec.eventSources[].kind in version v, nil when the version has none.
func eventSourceKind(v apiextensionsv1.CustomResourceDefinitionVersion) *apiextensionsv1.JSONSchemaProps {
	if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
		return nil
	}
	spec, ok := v.Schema.OpenAPIV3Schema.Properties["spec"]
	if !ok {
		return nil
	}
	sources, ok := spec.Properties["eventSources"]
	if !ok || sources.Items == nil || sources.Items.Schema == nil {
		return nil
	}
	kind, ok := sources.Items.Schema.Properties["kind"]
	if !ok {
		return nil
	}
	return &kind
}

// operation is one RFC 6902 JSON patch operation.
type operation struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// Patch is the JSON patch (RFC 6902) that appends the missing kinds to the enums of the CRD as it was at
// resourceVersion, and nothing else. It first tests that resourceVersion, so the apiserver refuses it when the
// CRD has changed since it was read (a new Flux apply may have reordered or replaced the versions, and the
// indexes with them): the change's own watch event then brings the fresh copy to compute the patch from.
// Patch returns nil when nothing is missing.
func Patch(resourceVersion string, missing []Missing) ([]byte, error) {
	if len(missing) == 0 {
		return nil, nil
	}
	ops := []operation{{Op: "test", Path: "/metadata/resourceVersion", Value: resourceVersion}}
	for _, m := range missing {
		path := fmt.Sprintf("/spec/versions/%d/schema/openAPIV3Schema/properties/spec/properties/eventSources/items/properties/kind/enum/-", m.Index)
		for _, k := range m.Kinds {
			ops = append(ops, operation{Op: "add", Path: path, Value: k})
		}
	}
	data, err := json.Marshal(ops)
	if err != nil {
		return nil, fmt.Errorf("encoding the JSON patch: %w", err)
	}
	return data, nil
}
