package controllers

import (
	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// evidenceWatches is 1 for each kind the evidence watcher runs an informer for: it shows that watches follow
// the checks capabilities declare, and are dropped when no capability checks a kind any more.
var evidenceWatches = prometheus.NewGaugeVec(prometheus.GaugeOpts{
	Name: "roadmap_evidence_watches",
	Help: "Kinds watched for capability evidence checks (1 per watched group/version/kind).",
}, []string{"kind"})

func init() {
	ctrlmetrics.Registry.MustRegister(evidenceWatches)
}
