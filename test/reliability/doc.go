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

// Package reliability holds the operator's reliability tests, against a real kube-apiserver and etcd (envtest):
// leader handover between two managers during a fan-out, a kube-apiserver restart during a fan-out, a storm of
// conflicting spec edits while capabilities flip, deleting a capability with many dependents, and a cold start
// over a settled cluster that must write nothing.
//
// `go test ./test/reliability/` (part of `make test`) runs each at a few hundred objects, in seconds;
// `go test ./test/reliability/ -args -long` (`make test-long`) adds the versions with thousands of objects.
package reliability
