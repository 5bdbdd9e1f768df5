// Package reliability holds the operator's reliability tests, against a real kube-apiserver and etcd (envtest):
// leader handover between two managers during a fan-out, a kube-apiserver restart during a fan-out, a storm of
// conflicting spec edits while capabilities flip, deleting a capability with many dependents, and a cold start
// over a settled cluster that must write nothing.
//
// `go test ./test/reliability/` (part of `make test`) runs each at a few hundred objects, in seconds;
// `go test ./test/reliability/ -args -long` (`make test-long`) adds the versions with thousands of objects.
package reliability
