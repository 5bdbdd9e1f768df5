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
}

// Evaluate computes the result of one check.
func Evaluate(ref roadmapv1.CheckReference, obs Observation) roadmapv1.CheckStatus {
	st := roadmapv1.CheckStatus{APIVersion: ref.APIVersion, Kind: ref.Kind, Namespace: ref.Namespace, Name: string(ref.Name)}
	switch {
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

// Describe renders a check result in one line, e.g. "check Deployment kafka/broker: InProgress: Available: 1/3".
func Describe(c roadmapv1.CheckStatus) string {
	name := c.Name
	if c.Namespace != "" {
		name = c.Namespace + "/" + c.Name
	}
	s := fmt.Sprintf("check %s %s: %s", c.Kind, name, c.Reason)
	if c.Message != "" {
		s += ": " + c.Message
	}
	return s
}

// Broken reports whether a failing check needs a person to fix configuration or the object itself, rather than
// time: the kind is not served, access is denied, or kstatus says the object Failed.
func Broken(c roadmapv1.CheckStatus) bool {
	switch c.Reason {
	case roadmapv1.CheckReasonKindNotFound, roadmapv1.CheckReasonAccessDenied, string(status.FailedStatus):
		return true
	}
	return false
}
