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

package evidence

import (
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

func object(t *testing.T, manifest string) *unstructured.Unstructured {
	t.Helper()
	// Decode as the apiserver's clients do, with integers as int64 (kstatus insists on it).
	data, err := yaml.YAMLToJSON([]byte(manifest))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	return u
}

const deploymentTemplate = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: broker, namespace: kafka, generation: 2}
spec: {replicas: 3}
status:
  observedGeneration: 2
  replicas: 3
  updatedReplicas: 3
  readyReplicas: %s
  availableReplicas: %s
  conditions:
  - {type: Available, status: "True", reason: MinimumReplicasAvailable}
  - {type: Progressing, status: "%s", reason: %s}
`

func TestEvaluate(t *testing.T) {
	ref := roadmapv1.CheckReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "kafka", Name: "broker"}
	deploy := func(available, progressing, reason string) *unstructured.Unstructured {
		return object(t, fmt.Sprintf(deploymentTemplate, available, available, progressing, reason))
	}
	terminating := deploy("3", "True", "NewReplicaSetAvailable")
	deleted := metav1.Now()
	terminating.SetDeletionTimestamp(&deleted)
	cases := []struct {
		name        string
		obs         Observation
		wantReason  string
		wantPassing bool
		wantLine    string
	}{
		{"available", Observation{Synced: true, Object: deploy("3", "True", "NewReplicaSetAvailable")}, "Current", true,
			"check Deployment kafka/broker: Current: Deployment is available. Replicas: 3"},
		{"rolling out", Observation{Synced: true, Object: deploy("1", "True", "ReplicaSetUpdated")}, "InProgress", false,
			"check Deployment kafka/broker: InProgress: Available: 1/3"},
		{"progress deadline exceeded", Observation{Synced: true, Object: deploy("1", "False", "ProgressDeadlineExceeded")}, "Failed", false,
			"check Deployment kafka/broker: Failed: Progress deadline exceeded"},
		{"terminating", Observation{Synced: true, Object: terminating}, "Terminating", false,
			"check Deployment kafka/broker: Terminating: Resource scheduled for deletion"},
		{"not found", Observation{Synced: true}, "NotFound", false, "check Deployment kafka/broker: NotFound: object not found"},
		{"watch not synced", Observation{}, "Unknown", false,
			"check Deployment kafka/broker: Unknown: waiting for the watch on apps/v1 Deployment to sync"},
		{"kind not served", Observation{KindMissing: true}, "KindNotFound", false,
			"check Deployment kafka/broker: KindNotFound: the cluster does not serve apps/v1 Deployment; install its CRD (the check is re-evaluated when it appears)"},
		{"forbidden", Observation{AccessDenied: true, Resource: "deployments.apps"}, "AccessDenied", false,
			"check Deployment kafka/broker: AccessDenied: the operator may not list deployments.apps: grant get, list and watch on deployments.apps to its ClusterRole"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Evaluate(ref, tc.obs)
			if got.Reason != tc.wantReason || got.Passing != tc.wantPassing {
				t.Errorf("Evaluate = %+v, want reason %s passing %v", got, tc.wantReason, tc.wantPassing)
			}
			if line := Describe(got); line != tc.wantLine {
				t.Errorf("Describe = %q\n          want %q", line, tc.wantLine)
			}
		})
	}
}

func TestBroken(t *testing.T) {
	for reason, want := range map[string]bool{"KindNotFound": true, "AccessDenied": true, "Failed": true,
		"InProgress": false, "NotFound": false, "Unknown": false, "Terminating": false, "Current": false,
		"ClusterUnreachable": false, "ClusterResponseInvalid": true, "WatchLimitReached": true, "KubeconfigInvalid": true} {
		if got := Broken(roadmapv1.CheckStatus{Reason: reason}); got != want {
			t.Errorf("Broken(%s) = %v, want %v", reason, got, want)
		}
	}
}

// TestEvaluateRemote: what a cluster that cannot be looked at gives, and the grace period of an unreachable one.
func TestEvaluateRemote(t *testing.T) {
	ref := roadmapv1.CheckReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "monitoring", Name: "prometheus"}
	since := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	grace := 2 * time.Minute
	current := &roadmapv1.CheckStatus{Cluster: "prod-eu", Passing: true, Reason: "Current", Message: "Deployment is available. Replicas: 3"}
	cases := []struct {
		name        string
		obs         Observation
		wantReason  string
		wantPassing bool
		wantMessage string
		wantStale   bool
	}{
		{"bad kubeconfig", Observation{Cluster: "prod-eu", KubeconfigInvalid: "the kubeconfig in Secret ns/prod-eu cannot be parsed"},
			"KubeconfigInvalid", false, "the kubeconfig in Secret ns/prod-eu cannot be parsed", false},
		{"unreachable within the grace period: the last result stands, stale", Observation{Cluster: "prod-eu",
			Unreachable: &Unreachable{Since: since, Error: "refused the connection", Now: since.Add(time.Minute), Grace: grace, Last: current}},
			"Current", true, "Deployment is available. Replicas: 3 (stale since 2026-03-01T10:00:00Z: cluster prod-eu unreachable)", true},
		{"still stale: the note is not repeated", Observation{Cluster: "prod-eu",
			Unreachable: &Unreachable{Since: since, Error: "refused the connection", Now: since.Add(time.Minute), Grace: grace,
				Last: &roadmapv1.CheckStatus{Passing: true, Reason: "Current",
					Message: "Deployment is available. Replicas: 3 (stale since 2026-03-01T10:00:00Z: cluster prod-eu unreachable)"}}},
			"Current", true, "Deployment is available. Replicas: 3 (stale since 2026-03-01T10:00:00Z: cluster prod-eu unreachable)", true},
		{"unreachable past the grace period", Observation{Cluster: "prod-eu",
			Unreachable: &Unreachable{Since: since, Error: "refused the connection", Now: since.Add(grace), Grace: grace, Last: current}},
			"ClusterUnreachable", false, "cluster prod-eu refused the connection (since 2026-03-01T10:00:00Z)", false},
		{"unreachable with nothing known", Observation{Cluster: "prod-eu",
			Unreachable: &Unreachable{Since: since, Error: "refused the connection", Now: since, Grace: grace}},
			"ClusterUnreachable", false, "cluster prod-eu refused the connection (since 2026-03-01T10:00:00Z)", false},
		{"answering unlike an apiserver within the grace period: the last result stands", Observation{Cluster: "prod-eu",
			Unreachable: &Unreachable{Since: since, Reason: "ClusterResponseInvalid", Error: "answered with a redirect",
				Now: since.Add(time.Minute), Grace: grace, Last: current}},
			"Current", true, "Deployment is available. Replicas: 3 (stale since 2026-03-01T10:00:00Z: cluster prod-eu unreachable)", true},
		{"answering unlike an apiserver past the grace period", Observation{Cluster: "prod-eu",
			Unreachable: &Unreachable{Since: since, Reason: "ClusterResponseInvalid", Error: "answered with a redirect",
				Now: since.Add(grace), Grace: grace, Last: current}},
			"ClusterResponseInvalid", false, "cluster prod-eu answered with a redirect (since 2026-03-01T10:00:00Z)", false},
		{"a failure does not stand for another", Observation{Cluster: "prod-eu",
			Unreachable: &Unreachable{Since: since, Error: "did not answer in time", Now: since.Add(time.Minute), Grace: grace,
				Last: &roadmapv1.CheckStatus{Reason: "ClusterResponseInvalid", Message: "cluster prod-eu answered with a redirect"}}},
			"ClusterUnreachable", false, "cluster prod-eu did not answer in time (since 2026-03-01T10:00:00Z)", false},
		{"denied discovery", Observation{Cluster: "prod-eu",
			Unreachable: &Unreachable{Since: since, Reason: "AccessDenied", Error: "denied access (403 Forbidden)", Now: since, Grace: grace}},
			"AccessDenied", false, "cluster prod-eu denied access (403 Forbidden) (since 2026-03-01T10:00:00Z)", false},
		{"watch limit", Observation{Cluster: "prod-eu", WatchLimit: 512}, "WatchLimitReached", false,
			"the operator already watches 512 objects, the most --max-evidence-watches allows: raise it, or check fewer " +
				"objects (the check is re-evaluated when a watch stops)", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Evaluate(ref, tc.obs)
			if got.Reason != tc.wantReason || got.Passing != tc.wantPassing || got.Message != tc.wantMessage || got.Cluster != "prod-eu" {
				t.Errorf("Evaluate = %+v, want reason %s passing %v message %q", got, tc.wantReason, tc.wantPassing, tc.wantMessage)
			}
			until, stale := StaleUntil(tc.obs)
			if stale != tc.wantStale || (stale && !until.Equal(since.Add(grace))) {
				t.Errorf("StaleUntil = %v, %v; want stale %v until %v", until, stale, tc.wantStale, since.Add(grace))
			}
		})
	}
}
