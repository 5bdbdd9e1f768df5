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

package testenv

import (
	"context"

	"github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// What the tests read to know the operator is idle, or wrote nothing: controller-runtime's metrics and the
// objects' resourceVersions.

// Metric returns the samples of a metric of controller-runtime's registry, which every manager of the process
// shares: none while it has none (a vector has its first sample once a controller uses it).
func Metric(g gomega.Gomega, name string) []*dto.Metric {
	families, err := ctrlmetrics.Registry.Gather()
	g.Expect(err).NotTo(gomega.HaveOccurred())
	for _, f := range families {
		if f.GetName() == name {
			return f.GetMetric()
		}
	}
	return nil
}

// RegisteredMetric is Metric for a metric that must have samples by now: it fails when it has none, so that a
// misspelt name does not read as zero.
func RegisteredMetric(g gomega.Gomega, name string) []*dto.Metric {
	samples := Metric(g, name)
	g.Expect(samples).NotTo(gomega.BeEmpty(), "metric %s not registered", name)
	return samples
}

// Label is the value of a sample's label, "" when it has none.
func Label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// ControllerValue sums the counter or gauge values of the samples of one controller (label controller, or name
// as the workqueue metrics call it).
func ControllerValue(samples []*dto.Metric, controller string) float64 {
	sum := 0.0
	for _, m := range samples {
		if Label(m, "controller") == controller || Label(m, "name") == controller {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return sum
}

// Versions is the resourceVersion of every roadmap object of a cluster, by kind, keyed by namespace/name (name
// for the cluster-scoped kinds): a reading equal to an earlier one means nothing was written in between.
type Versions struct {
	Initiatives, Capabilities, Goals map[string]string
}

// ResourceVersions reads the Versions of the roadmap objects in the cluster.
func ResourceVersions(g gomega.Gomega, c client.Client) Versions {
	v := Versions{Initiatives: map[string]string{}, Capabilities: map[string]string{}, Goals: map[string]string{}}
	inis := &roadmapv1.InitiativeList{}
	g.Expect(c.List(context.Background(), inis)).To(gomega.Succeed())
	for _, i := range inis.Items {
		v.Initiatives[client.ObjectKeyFromObject(&i).String()] = i.ResourceVersion
	}
	capabilities := &roadmapv1.CapabilityList{}
	g.Expect(c.List(context.Background(), capabilities)).To(gomega.Succeed())
	for _, capability := range capabilities.Items {
		v.Capabilities[capability.Name] = capability.ResourceVersion
	}
	goals := &roadmapv1.GoalList{}
	g.Expect(c.List(context.Background(), goals)).To(gomega.Succeed())
	for _, goal := range goals.Items {
		v.Goals[goal.Name] = goal.ResourceVersion
	}
	return v
}
