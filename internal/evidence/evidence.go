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

// Package evidence turns what the cluster says about an object named in a Capability's spec.checks into a check
// result, with kstatus (sigs.k8s.io/cli-utils/pkg/kstatus/status): Current passes, everything else fails with
// kstatus's own message. It makes no client calls; the controller observes the objects.
package evidence

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// Observation is what the controller could learn about a check's object.
type Observation struct {
	// KindMissing: the cluster does not serve the apiVersion and kind.
	KindMissing bool
	// AccessDenied: listing the kind was forbidden; Resource names it (e.g. "deployments.apps").
	AccessDenied bool
	Resource     string
	// Synced: the watch on the kind has listed everything, so a missing Object really is missing.
	Synced bool
	// Object is the object, nil when it does not exist.
	Object *unstructured.Unstructured

	// Cluster is the name of the cluster the object was looked for in; empty for the operator's own cluster.
	Cluster string
	// KubeconfigInvalid says why the cluster's kubeconfig cannot be used (never its contents); empty when it can.
	KubeconfigInvalid string
	// Unreachable is set while the cluster does not answer, or answers unlike a Kubernetes apiserver.
	Unreachable *Unreachable
	// WatchLimit is the limit on watches (--max-evidence-watches) when it kept the object from being watched.
	WatchLimit int
}

// Unreachable describes a cluster that fails the operator's requests, and what to do about the results known
// from before.
type Unreachable struct {
	// Since is when the cluster started failing. Reason is the check reason it ends in (ClusterUnreachable when
	// empty; ClusterResponseInvalid, AccessDenied). Error says how it fails, completing "cluster <name> ...", in
	// words of the operator's own: never the cluster's answer or address.
	Since  time.Time
	Reason string
	Error  string
	// Now and Grace decide whether Last still stands: it does until Since+Grace.
	Now   time.Time
	Grace time.Duration
	// Last is the result reported before the cluster stopped answering, nil when none is known.
	Last *roadmapv1.CheckStatus
}

// staleMarker starts the note added to a result that stands while its cluster is unreachable.
const staleMarker = " (stale since "

// Evaluate computes the result of one check.
func Evaluate(ref roadmapv1.CheckReference, obs Observation) roadmapv1.CheckStatus {
	st := roadmapv1.CheckStatus{Cluster: obs.Cluster, APIVersion: ref.APIVersion, Kind: ref.Kind,
		Namespace: ref.Namespace, Name: string(ref.Name)}
	switch {
	case obs.KubeconfigInvalid != "":
		st.Reason, st.Message = roadmapv1.CheckReasonKubeconfigInvalid, obs.KubeconfigInvalid
	case obs.Unreachable != nil:
		u := obs.Unreachable
		since := u.Since.UTC().Format(time.RFC3339)
		if u.stands() {
			// A blip does not flip dependents: the last known result stands for the grace period, marked stale.
			message, _, _ := strings.Cut(u.Last.Message, staleMarker)
			st.Passing, st.Reason = u.Last.Passing, u.Last.Reason
			st.Message = strings.TrimSpace(message + staleMarker + since + ": cluster " + obs.Cluster + " unreachable)")
			break
		}
		st.Reason = u.reason()
		st.Message = fmt.Sprintf("cluster %s %s (since %s)", obs.Cluster, u.Error, since)
	case obs.WatchLimit > 0:
		st.Reason = roadmapv1.CheckReasonWatchLimitReached
		st.Message = fmt.Sprintf("the operator already watches %d objects, the most --max-evidence-watches allows: "+
			"raise it, or check fewer objects (the check is re-evaluated when a watch stops)", obs.WatchLimit)
	case obs.KindMissing:
		st.Reason = roadmapv1.CheckReasonKindNotFound
		st.Message = fmt.Sprintf("the cluster does not serve %s %s; install its CRD (the check is re-evaluated when it appears)",
			ref.APIVersion, ref.Kind)
	case obs.AccessDenied:
		st.Reason = roadmapv1.CheckReasonAccessDenied
		st.Message = fmt.Sprintf("the operator may not list %s: grant get, list and watch on %s to its ClusterRole",
			obs.Resource, obs.Resource)
	case !obs.Synced:
		st.Reason = string(status.UnknownStatus)
		st.Message = fmt.Sprintf("waiting for the watch on %s %s to sync", ref.APIVersion, ref.Kind)
	case obs.Object == nil:
		st.Reason = string(status.NotFoundStatus)
		st.Message = "object not found"
	default:
		res, err := status.Compute(obs.Object)
		if err != nil {
			st.Reason, st.Message = string(status.UnknownStatus), "kstatus could not compute the status: "+err.Error()
			break
		}
		st.Reason, st.Message = string(res.Status), res.Message
		st.Passing = res.Status == status.CurrentStatus
	}
	return st
}

func (u *Unreachable) reason() string {
	if u.Reason == "" {
		return roadmapv1.CheckReasonClusterUnreachable
	}
	return u.Reason
}

// stands reports whether the last known result stands: one learned while the cluster answered, within the grace
// period.
func (u *Unreachable) stands() bool {
	return u.Last != nil && !ClusterFailure(u.Last.Reason) && u.Now.Before(u.Since.Add(u.Grace))
}

// ClusterFailure reports whether a check reason is one a failing cluster ends in, rather than a result learned
// from the cluster.
func ClusterFailure(reason string) bool {
	return reason == roadmapv1.CheckReasonClusterUnreachable || reason == roadmapv1.CheckReasonClusterResponseInvalid
}

// StaleUntil returns when a result that stands while its cluster is unreachable stops standing, and false when
// the result is not such a one.
func StaleUntil(obs Observation) (time.Time, bool) {
	if obs.Unreachable == nil || obs.KubeconfigInvalid != "" || !obs.Unreachable.stands() {
		return time.Time{}, false
	}
	return obs.Unreachable.Since.Add(obs.Unreachable.Grace), true
}

// Describe renders a check result in one line, e.g. "check Deployment kafka/broker: InProgress: Available: 1/3",
// or "check Deployment monitoring/prometheus in cluster prod-eu: InProgress: ..." for another cluster.
func Describe(c roadmapv1.CheckStatus) string {
	s := fmt.Sprintf("check %s %s", c.Kind, ObjectName(c))
	if c.Cluster != "" {
		s += " in cluster " + c.Cluster
	}
	s += ": " + c.Reason
	if c.Message != "" {
		s += ": " + c.Message
	}
	return s
}

// ObjectName is namespace/name, or name for a cluster-scoped object.
func ObjectName(c roadmapv1.CheckStatus) string {
	if c.Namespace != "" {
		return c.Namespace + "/" + c.Name
	}
	return c.Name
}

// DescribeFleet renders the failing results of one fleet check (one check, several clusters) in one line, e.g.
// "check Deployment monitoring/prometheus not Current in 2 of 5 clusters: prod-us (InProgress), prod-ap
// (ClusterUnreachable)". results are the check's results in every selected cluster, failing or not.
func DescribeFleet(results []roadmapv1.CheckStatus) string {
	if len(results) == 0 {
		return ""
	}
	var failing []string
	for _, r := range results {
		if !r.Passing {
			failing = append(failing, fmt.Sprintf("%s (%s)", r.Cluster, r.Reason))
		}
	}
	cluster := "clusters"
	if len(results) == 1 {
		cluster = "cluster"
	}
	return fmt.Sprintf("check %s %s not Current in %d of %d %s: %s", results[0].Kind, ObjectName(results[0]),
		len(failing), len(results), cluster, strings.Join(failing, ", "))
}

// Broken reports whether a failing check needs a person to fix configuration or the object itself, rather than
// time: the kind is not served, access is denied, the kubeconfig cannot be used, no cluster is selected, the
// cluster answers unlike an apiserver (after the grace period), the watch limit is reached, or kstatus says the
// object Failed.
func Broken(c roadmapv1.CheckStatus) bool {
	switch c.Reason {
	case roadmapv1.CheckReasonKindNotFound, roadmapv1.CheckReasonAccessDenied, string(status.FailedStatus),
		roadmapv1.CheckReasonKubeconfigInvalid, roadmapv1.CheckReasonNoClusterSelected,
		roadmapv1.CheckReasonClusterResponseInvalid, roadmapv1.CheckReasonWatchLimitReached:
		return true
	}
	return false
}
