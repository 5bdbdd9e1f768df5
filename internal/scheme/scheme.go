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

// Package scheme holds the one runtime.Scheme of the project: the built-in kinds, the roadmap.dev kinds and
// CustomResourceDefinitions. The manager, the read model behind kubectl-roadmap and the tests all use it, so a
// kind the operator knows is a kind every reader knows.
package scheme

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// Scheme knows the built-in kinds, the roadmap.dev kinds and CustomResourceDefinitions (watched by the manager
// so that a check on a kind whose CRD appears later recovers).
var Scheme = runtime.NewScheme()

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(Scheme))
	utilruntime.Must(roadmapv1.AddToScheme(Scheme))
	utilruntime.Must(apiextensionsv1.AddToScheme(Scheme))
}
