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
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/controllers"
	"github.com/roadmap-operator/roadmap-operator/internal/operatortest"
	"github.com/roadmap-operator/roadmap-operator/internal/scheme"
	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// AdmissionConfig is one run of the admission benchmark: what the workload gate of config/policy adds to a
// workload create, in a namespace labelled roadmap.dev/workloads=enforce holding Initiatives Ready initiatives,
// against the same creates in an unlabelled namespace (no binding matches it) in the same run.
type AdmissionConfig struct {
	Initiatives, Creates int
	// Options are the manager's tunables; the manager runs until the initiatives are Ready and the gate
	// admits, and is stopped before the timed creates, so that they measure the apiserver alone.
	Options controllers.Options
	Timeout time.Duration
	// APIServerProfile, when set, receives a CPU profile of the kube-apiserver over the first APIServerProfileFor
	// of the timed creates.
	APIServerProfile    string
	APIServerProfileFor time.Duration
	Log                 io.Writer
}

// AdmissionResult is the admission benchmark's measurements, in milliseconds per create as the client sees it
// (request to response).
type AdmissionResult struct {
	Initiatives, Creates           int
	GatedP50Ms, GatedP99Ms         float64
	UngatedP50Ms, UngatedP99Ms     float64
	GatedMeanMs, UngatedMeanMs     float64
	SettleS                        float64
	DeniedUnlabelled, DeniedNoSuch bool
}

// P50Ratio and P99Ratio are the gated creates' percentiles over the ungated ones'.
func (r AdmissionResult) P50Ratio() float64 { return ratio(r.GatedP50Ms, r.UngatedP50Ms) }

// P99Ratio is the gated p99 over the ungated p99.
func (r AdmissionResult) P99Ratio() float64 { return ratio(r.GatedP99Ms, r.UngatedP99Ms) }

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

const (
	admissionGated   = "bench-gated"
	admissionUngated = "bench-ungated"
	// admissionWarmup creates in each namespace are left out of the figures: the first requests pay for
	// connections and the apiserver's first compilation of the policy.
	admissionWarmup = 10
)

// Admission starts a control plane, installs config/policy, creates the initiatives in the gated namespace,
// runs the manager until every one is Ready and the gate admits a workload for it, stops the manager, and times
// Creates Deployment creates in each namespace, one at a time and alternating between the two, so that load from
// elsewhere on the machine falls on both alike.
func Admission(ctx context.Context, cfg AdmissionConfig) (*AdmissionResult, error) {
	env, err := testenv.Start()
	if err != nil {
		return nil, err
	}
	defer func() { _ = env.Stop() }()
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "bench: admission: "+format+"\n", args...)
		}
	}
	rc := rest.CopyConfig(env.Config)
	rc.QPS, rc.Burst = -1, 0 // no client-side limit: the figures are the apiserver's
	c, err := client.New(rc, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		return nil, err
	}
	root, err := testenv.RepoRoot()
	if err != nil {
		return nil, err
	}
	if out, err := env.Kubectl("apply", "-k", filepath.Join(root, "config", "policy")); err != nil {
		return nil, fmt.Errorf("installing config/policy: %w: %s", err, out)
	}
	for ns, mode := range map[string]string{admissionGated: roadmapv1.WorkloadsModeEnforce, admissionUngated: ""} {
		n := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}
		if mode != "" {
			n.Labels = map[string]string{roadmapv1.LabelWorkloads: mode}
		}
		if err := c.Create(ctx, n); err != nil {
			return nil, fmt.Errorf("creating namespace %s: %w", ns, err)
		}
	}
	start := time.Now()
	names := make([]string, cfg.Initiatives)
	for i := range names {
		names[i] = fmt.Sprintf("initiative-%05d", i)
		ini := &roadmapv1.Initiative{ObjectMeta: metav1.ObjectMeta{Namespace: admissionGated, Name: names[i]},
			Spec: roadmapv1.InitiativeSpec{Title: names[i], Track: roadmapv1.TrackOperations, Owner: "bench"}}
		if err := c.Create(ctx, ini); err != nil {
			return nil, fmt.Errorf("creating initiative %s: %w", names[i], err)
		}
	}
	mgr, err := operatortest.StartManager(env, cfg.Options)
	if err != nil {
		return nil, err
	}
	settled := waitFor(ctx, cfg.Timeout, func() (bool, error) {
		list := &roadmapv1.InitiativeList{}
		if err := c.List(ctx, list, client.InNamespace(admissionGated)); err != nil {
			return false, err
		}
		ready := 0
		for _, ini := range list.Items {
			if ini.Status.Phase == roadmapv1.PhaseReady && ini.Status.ObservedGeneration == ini.Generation {
				ready++
			}
		}
		if ready < cfg.Initiatives {
			return false, nil
		}
		// The gate admits a workload for the last initiative once the apiserver has loaded the policy and
		// what it reads.
		err := c.Create(ctx, testenv.Deployment(admissionGated, "probe", names[len(names)-1]), client.DryRunAll)
		return err == nil, nil
	})
	stopErr := mgr.Stop()
	if settled != nil {
		return nil, fmt.Errorf("waiting for %d Ready initiatives and the gate to admit: %w", cfg.Initiatives, settled)
	}
	if stopErr != nil {
		return nil, stopErr
	}
	res := &AdmissionResult{Initiatives: cfg.Initiatives, Creates: cfg.Creates, SettleS: time.Since(start).Seconds()}
	logf("%d initiatives Ready and the gate admitting in %.1fs", cfg.Initiatives, res.SettleS)

	// The gate is on: without these, a fast gated create would measure a policy that is not there.
	denied := func(d client.Object) bool {
		err := c.Create(ctx, d, client.DryRunAll)
		return apierrors.IsInvalid(err) || apierrors.IsForbidden(err)
	}
	res.DeniedUnlabelled = denied(testenv.Deployment(admissionGated, "unlabelled", ""))
	res.DeniedNoSuch = denied(testenv.Deployment(admissionGated, "no-such", "no-such-initiative"))
	if !res.DeniedUnlabelled || !res.DeniedNoSuch {
		return res, fmt.Errorf("%w: the gate admitted an unlabelled workload (%t) or one naming no initiative (%t) in namespace %s",
			errTargets, !res.DeniedUnlabelled, !res.DeniedNoSuch, admissionGated)
	}

	var profiled chan error
	var gated, ungated []float64
	for i := range admissionWarmup + cfg.Creates {
		if i == admissionWarmup && cfg.APIServerProfile != "" {
			profiled = make(chan error, 1)
			go func() { profiled <- apiserverProfile(ctx, env.Config, cfg.APIServerProfileFor, cfg.APIServerProfile) }()
		}
		initiative := names[i%len(names)]
		for _, ns := range []string{admissionUngated, admissionGated} {
			d := testenv.Deployment(ns, fmt.Sprintf("workload-%05d", i), initiative)
			t0 := time.Now()
			if err := c.Create(ctx, d); err != nil {
				return res, fmt.Errorf("creating Deployment %s/%s: %w", ns, d.Name, err)
			}
			if i < admissionWarmup {
				continue
			}
			if ns == admissionGated {
				gated = append(gated, ms(time.Since(t0)))
			} else {
				ungated = append(ungated, ms(time.Since(t0)))
			}
		}
	}
	if profiled != nil {
		if err := <-profiled; err != nil {
			return res, fmt.Errorf("profiling the kube-apiserver: %w", err)
		}
	}
	res.GatedP50Ms, res.GatedP99Ms, res.GatedMeanMs = percentileOf(gated, 50), percentileOf(gated, 99), mean(gated)
	res.UngatedP50Ms, res.UngatedP99Ms, res.UngatedMeanMs = percentileOf(ungated, 50), percentileOf(ungated, 99), mean(ungated)
	logf("gated p50 %.2f ms p99 %.2f ms; ungated p50 %.2f ms p99 %.2f ms", res.GatedP50Ms, res.GatedP99Ms,
		res.UngatedP50Ms, res.UngatedP99Ms)
	return res, nil
}

// waitFor polls cond until it holds, fails, or timeout passes. The apiserver's policy load and the operator's
// writes have no event to wait on from here.
func waitFor(ctx context.Context, timeout time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		ok, err := cond()
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		if time.Now().After(deadline) {
			if last != nil {
				return fmt.Errorf("timed out after %s: %w", timeout, last)
			}
			return fmt.Errorf("timed out after %s", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// printAdmission writes the admission benchmark's table.
func printAdmission(w io.Writer, r *AdmissionResult) {
	fmt.Fprintf(w, "\n| admission: Deployment create, %d initiatives in the namespace, %d creates each | gated (enforce) | ungated | ratio |\n",
		r.Initiatives, r.Creates)
	fmt.Fprintf(w, "| --- | --- | --- | --- |\n")
	fmt.Fprintf(w, "| p50 | %.2f ms | %.2f ms | %.2f |\n", r.GatedP50Ms, r.UngatedP50Ms, r.P50Ratio())
	fmt.Fprintf(w, "| p99 | %.2f ms | %.2f ms | %.2f |\n", r.GatedP99Ms, r.UngatedP99Ms, r.P99Ratio())
	fmt.Fprintf(w, "| mean | %.2f ms | %.2f ms | %.2f |\n", r.GatedMeanMs, r.UngatedMeanMs, ratio(r.GatedMeanMs, r.UngatedMeanMs))
	yes := func(b bool) string {
		if b {
			return "denied"
		}
		return "**admitted**"
	}
	fmt.Fprintf(w, "| gate check: unlabelled / label naming no initiative | %s / %s | | |\n",
		yes(r.DeniedUnlabelled), yes(r.DeniedNoSuch))
}

// Line is the admission benchmark's machine-readable line.
func (r AdmissionResult) Line() string {
	return strings.Join([]string{"BENCH_ADMISSION",
		fmt.Sprintf("initiatives=%d", r.Initiatives),
		fmt.Sprintf("gated_p50_ms=%.2f", r.GatedP50Ms), fmt.Sprintf("gated_p99_ms=%.2f", r.GatedP99Ms),
		fmt.Sprintf("ungated_p50_ms=%.2f", r.UngatedP50Ms), fmt.Sprintf("ungated_p99_ms=%.2f", r.UngatedP99Ms),
		fmt.Sprintf("p50_ratio=%.2f", r.P50Ratio()), fmt.Sprintf("p99_ratio=%.2f", r.P99Ratio())}, " ")
}
