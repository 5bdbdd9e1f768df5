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

package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// TestUntraced: `kubectl roadmap untraced` and the standup report the workloads of an opted-in namespace that
// no initiative explains, read as metadata from the real apiserver; a user who may not list namespaces gets a
// note, not an error. The namespace's opt-in is removed afterwards, so the golden standups stay as they are.
func TestUntraced(t *testing.T) {
	g := NewWithT(t)
	g.SetDefaultEventuallyTimeout(2 * time.Minute)
	const ns = "team-shadow"
	testenv.EnsureNamespace(t, k, ns)
	testenv.Create(g, k, testenv.Initiative(ns, "known"),
		testenv.Deployment(ns, "legit", "known"),
		testenv.Deployment(ns, "side-project", ""),
		testenv.Deployment(ns, "orphan", "renamed-initiative"))
	label := func(value string) {
		testenv.Update(g, k, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, func(n *corev1.Namespace) {
			if value == "" {
				delete(n.Labels, roadmapv1.LabelWorkloads)
				return
			}
			n.Labels[roadmapv1.LabelWorkloads] = value
		})
	}
	label("enforcing")
	t.Cleanup(func() { label("") })

	out, err := kubectlRoadmap(adminConfig, "untraced", "-A")
	g.Expect(err).NotTo(HaveOccurred())
	want := `team-shadow (roadmap.dev/workloads=enforce)
  ! label roadmap.dev/workloads="enforcing" is not one of enforce, warn, audit: treated as enforce
  untraced     Deployment side-project: no label roadmap.dev/initiative
  dangling     Deployment orphan: initiative team-shadow/renamed-initiative does not exist
`
	g.Expect(cmp.Diff(want, out)).To(BeEmpty())

	out, err = kubectlRoadmap(adminConfig, "standup", "-n", ns)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("Work no initiative explains\n  team-shadow: 1 untraced, 1 dangling " +
		"(kubectl roadmap untraced -n team-shadow)\n"))

	out, err = kubectlRoadmap(nobodyConfig, "untraced", "-A")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("Note: you may not list namespaces, so untraced workloads are not shown"))

}
