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

package workloads

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// NamespaceGVK is the kind whose label roadmap.dev/workloads opts a namespace in; the operator and the board
// read namespaces as metadata only, as they read workloads.
var NamespaceGVK = schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}

// Metadata is an empty metadata-only object of a kind, for watches, indexes and Get: the roadmap reads
// workloads' and namespaces' metadata, never their specs.
func Metadata(gvk schema.GroupVersionKind) *metav1.PartialObjectMetadata {
	o := &metav1.PartialObjectMetadata{}
	o.SetGroupVersionKind(gvk)
	return o
}

// MetadataList is an empty metadata-only list of a kind.
func MetadataList(gvk schema.GroupVersionKind) *metav1.PartialObjectMetadataList {
	l := &metav1.PartialObjectMetadataList{}
	l.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	return l
}

// StripMetadata is the cache transform of the metadata-only objects (workloads, namespaces) of the operator and
// the board: only the roadmap.dev/ labels and annotations and the controller reference are kept. The rest
// (last-applied configurations, Helm and Argo CD annotations, most labels) is often most of a workload's
// metadata, and nothing here reads it: at 20,000 workloads, that is the cache's heap.
func StripMetadata(o *metav1.PartialObjectMetadata) {
	o.ManagedFields = nil
	o.Labels = roadmapOnly(o.Labels)
	o.Annotations = roadmapOnly(o.Annotations)
	var owners []metav1.OwnerReference
	for _, ref := range o.OwnerReferences {
		if ref.Controller != nil && *ref.Controller {
			owners = append(owners, ref)
		}
	}
	o.OwnerReferences = owners
}

func roadmapOnly(m map[string]string) map[string]string {
	var out map[string]string
	for k, v := range m {
		if strings.HasPrefix(k, "roadmap.dev/") {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}
