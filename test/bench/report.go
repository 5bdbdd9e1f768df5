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
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Headline is the machine-readable summary of the headline scenario.
type Headline struct {
	PropagationRatio float64
	FirstP50Ms       float64
	AllReadyS        float64
	FloorS           float64
	WritesPerChange  float64
	RestartWrites    int
	HeapKiBPerObject float64
	// GoalWritesPerGoal is the writes per goal while the manager first settles the graph (0 without goals).
	GoalWritesPerGoal float64
	// writes and changes are the totals behind WritesPerChange.
	writes, changes int
}

// benchKeys are the fields of the BENCH line, in order.
var benchKeys = []string{"propagation_ratio", "first_p50_ms", "all_ready_s", "floor_s", "writes_per_change",
	"restart_writes", "heap_kib_per_object", "goal_writes_per_goal"}

func median(v []float64) float64 { return percentileOf(v, 50) }

func percentileOf(v []float64, p float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return percentile(s, p)
}

func roundValues(r *Result, f func(Round) float64) []float64 {
	out := make([]float64, len(r.Rounds))
	for i, round := range r.Rounds {
		out[i] = f(round)
	}
	return out
}

// HeadlineOf summarises a result: medians over the rounds for times, totals over the rounds for writes.
func HeadlineOf(r *Result) Headline {
	h := Headline{
		FirstP50Ms:       median(roundValues(r, func(x Round) float64 { return x.FirstMs })),
		AllReadyS:        median(roundValues(r, func(x Round) float64 { return x.AllReadyS })),
		FloorS:           median(roundValues(r, func(x Round) float64 { return x.FloorS })),
		RestartWrites:    r.RestartWrites,
		HeapKiBPerObject: r.HeapKiBPerObject(),
	}
	if r.Goals > 0 {
		h.GoalWritesPerGoal = float64(r.SettleWrites[kindGoal]) / float64(r.Goals)
	}
	// Each round against its own floor, measured right after it: load from elsewhere on a shared machine
	// changes both alike.
	h.PropagationRatio = median(roundRatios(r))
	writes, changes := 0, 0
	for _, x := range r.Rounds {
		writes += x.DependentWrites
		changes += x.Dependents
	}
	h.writes, h.changes = writes, changes
	if changes > 0 {
		h.WritesPerChange = float64(writes) / float64(changes)
	}
	return h
}

// roundRatios are each round's all-Ready time over its floor.
func roundRatios(r *Result) []float64 {
	var out []float64
	for _, x := range r.Rounds {
		if x.FloorS > 0 {
			out = append(out, x.AllReadyS/x.FloorS)
		}
	}
	return out
}

// Line is the final machine-readable line.
func (h Headline) Line() string {
	return fmt.Sprintf("BENCH propagation_ratio=%.2f first_p50_ms=%.1f all_ready_s=%.2f floor_s=%.2f writes_per_change=%.4f restart_writes=%d heap_kib_per_object=%.2f goal_writes_per_goal=%.2f",
		h.PropagationRatio, h.FirstP50Ms, h.AllReadyS, h.FloorS, h.WritesPerChange, h.RestartWrites, h.HeapKiBPerObject,
		h.GoalWritesPerGoal)
}

// ParseLine parses a BENCH line back into its fields; it fails unless every field is present and numeric.
func ParseLine(line string) (map[string]float64, error) {
	fields := strings.Fields(strings.TrimSpace(line))
	if len(fields) == 0 || fields[0] != "BENCH" {
		return nil, fmt.Errorf("not a BENCH line: %q", line)
	}
	out := map[string]float64{}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("field %q is not key=value", f)
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", k, err)
		}
		out[k] = x
	}
	for _, k := range benchKeys {
		if _, ok := out[k]; !ok {
			return nil, fmt.Errorf("BENCH line lacks %s", k)
		}
	}
	return out, nil
}

// printTable writes a Markdown table with one column per scenario.
func printTable(w io.Writer, results []*Result) {
	row := func(name string, f func(r *Result) string) {
		cells := []string{name}
		for _, r := range results {
			cells = append(cells, f(r))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	header := []string{"measure"}
	sep := []string{"---"}
	for _, r := range results {
		header = append(header, r.Scenario)
		sep = append(sep, "---")
	}
	fmt.Fprintf(w, "| %s |\n| %s |\n", strings.Join(header, " | "), strings.Join(sep, " | "))
	per := func(a, b int) string {
		if b == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", float64(a)/float64(b))
	}
	sumRounds := func(r *Result, f func(Round) int) int {
		n := 0
		for _, x := range r.Rounds {
			n += f(x)
		}
		return n
	}
	spread := func(r *Result, unit string, scale float64, f func(Round) float64) string {
		v := roundValues(r, f)
		if len(v) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.*f %s (%.*f-%.*f)", prec(scale), median(v)*scale, unit, prec(scale), slices.Min(v)*scale,
			prec(scale), slices.Max(v)*scale)
	}
	row("tunables: workers / client QPS / event QPS / goal rollup window / strip managedFields", func(r *Result) string {
		qps := "unlimited"
		if r.Options.KubeAPIQPS > 0 {
			qps = fmt.Sprintf("%.0f (burst %d)", r.Options.KubeAPIQPS, r.Options.KubeAPIBurst)
		}
		s := fmt.Sprintf("%d / %s / %.0f / %s / %t", r.Options.MaxConcurrentReconciles, qps, r.Options.Events.QPS,
			r.Options.GoalRollup.Window, r.StripManagedFields)
		if r.DropEvents {
			s += " (experiment: events dropped)"
		}
		return s
	})
	row("capabilities / initiatives / goals", func(r *Result) string {
		return fmt.Sprintf("%d / %d / %d", r.Capabilities, r.Initiatives, r.Goals)
	})
	row("dependents that unblock (capabilities / goals that change)", func(r *Result) string {
		return fmt.Sprintf("%d (%d / %d)", r.Dependents, r.ChangedCapabilities, r.ChangedGoals)
	})
	row("rounds (flips to Available)", func(r *Result) string { return strconv.Itoa(len(r.Rounds)) })
	row("create graph (bench client)", func(r *Result) string { return fmt.Sprintf("%.1f s", r.CreateS) })
	row("first settle: manager start to idle", func(r *Result) string { return fmt.Sprintf("%.1f s", r.SettleS) })
	row("first settle: writes per capability / initiative / goal", func(r *Result) string {
		return per(r.SettleWrites[kindCapability], r.Capabilities) + " / " + per(r.SettleWrites[kindInitiative], r.Initiatives) +
			" / " + per(r.SettleWrites[kindGoal], r.Goals)
	})
	row("spec patch to capability Ready, median (min-max)", func(r *Result) string {
		return spread(r, "ms", 1, func(x Round) float64 { return x.FlipMs })
	})
	row("**first dependent Ready**, median (min-max) over rounds", func(r *Result) string {
		return spread(r, "ms", 1, func(x Round) float64 { return x.FirstMs })
	})
	row("first dependent Ready, p99 over rounds", func(r *Result) string {
		return fmt.Sprintf("%.1f ms", percentileOf(roundValues(r, func(x Round) float64 { return x.FirstMs }), 99))
	})
	row("each dependent Ready, p50 over dependents, median (min-max) over rounds", func(r *Result) string {
		return spread(r, "s", 0.001, func(x Round) float64 { return x.P50Ms })
	})
	row("each dependent Ready, p99 over dependents, median (min-max) over rounds", func(r *Result) string {
		return spread(r, "s", 0.001, func(x Round) float64 { return x.P99Ms })
	})
	row("**all dependents Ready**, median (min-max) over rounds", func(r *Result) string {
		return spread(r, "s", 1, func(x Round) float64 { return x.AllReadyS })
	})
	row("**floor** after each round: plain client, no rate limit, one status patch per dependent, best of its writers; median (min-max)", func(r *Result) string {
		return spread(r, "s", 1, func(x Round) float64 { return x.FloorS }) + fmt.Sprintf(" for %d patches", r.Dependents)
	})
	row("floor by parallel writers, median over rounds", func(r *Result) string {
		byWriters := map[int][]float64{}
		for _, x := range r.Rounds {
			for w, d := range x.FloorByWriters {
				byWriters[w] = append(byWriters[w], d)
			}
		}
		var writers []int
		for w := range byWriters {
			writers = append(writers, w)
		}
		slices.Sort(writers)
		var parts []string
		for _, w := range writers {
			parts = append(parts, fmt.Sprintf("%d: %.2f s", w, median(byWriters[w])))
		}
		if len(parts) == 0 {
			return "-"
		}
		return strings.Join(parts, ", ")
	})
	row("**propagation_ratio**: median over rounds of all Ready / that round's floor", func(r *Result) string {
		var parts []string
		for _, v := range roundRatios(r) {
			parts = append(parts, fmt.Sprintf("%.2f", v))
		}
		return fmt.Sprintf("%.2f (rounds: %s)", HeadlineOf(r).PropagationRatio, strings.Join(parts, ", "))
	})
	row("dependents Ready per second, median round (floor)", func(r *Result) string {
		h := HeadlineOf(r)
		if h.AllReadyS == 0 || h.FloorS == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f (%.0f)", float64(r.Dependents)/h.AllReadyS, float64(r.Dependents)/h.FloorS)
	})
	row("**writes per dependent per change**", func(r *Result) string {
		return per(sumRounds(r, func(x Round) int { return x.DependentWrites }), sumRounds(r, func(x Round) int { return x.Dependents }))
	})
	row("writes per changed capability / changed goal per change", func(r *Result) string {
		n := len(r.Rounds)
		return per(sumRounds(r, func(x Round) int { return x.CapabilityWrites }), n*r.ChangedCapabilities) + " / " +
			per(sumRounds(r, func(x Round) int { return x.GoalWrites }), n*r.ChangedGoals)
	})
	row("writes to objects that should not change", func(r *Result) string {
		return strconv.Itoa(sumRounds(r, func(x Round) int { return x.CollateralWrites }))
	})
	row("manager requests in round 1 (flip to idle)", func(r *Result) string {
		if len(r.Rounds) == 0 {
			return "-"
		}
		return requestSummary(r.Rounds[0].Requests)
	})
	row("status patch body: operator / floor to Ready / floor back to Blocked", func(r *Result) string {
		if len(r.Rounds) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f B / %.0f B / %.0f B", r.Rounds[0].PatchBytes, r.FloorPatchBytes, r.FloorReversePatchBytes)
	})
	row("writes of the manager restarted after each floor (capability Planned again)", func(r *Result) string {
		var parts []string
		for _, x := range r.Rounds[:max(len(r.Rounds)-1, 0)] {
			parts = append(parts, strconv.Itoa(x.ResyncWrites))
		}
		if len(parts) == 0 {
			return "-"
		}
		return strings.Join(parts, ", ")
	})
	row("**restart_writes** (new manager over a settled cluster)", func(r *Result) string {
		return fmt.Sprintf("%d (reconciled all and idle in %.1f s)", r.RestartWrites, r.RestartS)
	})
	row("heap after GC: before manager / with graph loaded", func(r *Result) string {
		return fmt.Sprintf("%.1f MiB / %.1f MiB", float64(r.HeapBaselineBytes)/(1<<20), float64(r.HeapLoadedBytes)/(1<<20))
	})
	row("**heap per cached object**", func(r *Result) string {
		return fmt.Sprintf("%.2f KiB (%d objects)", r.HeapKiBPerObject(), r.CachedObjects)
	})
	row("heap per cached object, restarted manager (no recent events)", func(r *Result) string {
		return fmt.Sprintf("%.2f KiB", r.HeapKiBPerObjectRestarted())
	})
	row("CPU, round 1 flip to all Ready: apiserver / etcd / this process", func(r *Result) string {
		if len(r.Rounds) == 0 {
			return "-"
		}
		c := r.Rounds[0].CPU
		return fmt.Sprintf("%.1f / %.1f / %.1f s (%.2f / %.2f / %.2f ms per dependent)", c.APIServer, c.Etcd, c.Self,
			perMs(c.APIServer, r.Dependents), perMs(c.Etcd, r.Dependents), perMs(c.Self, r.Dependents))
	})
	row("CPU, round 1 floor: apiserver / etcd / this process", func(r *Result) string {
		if len(r.Rounds) == 0 {
			return "-"
		}
		c := r.Rounds[0].FloorCPU
		return fmt.Sprintf("%.1f / %.1f / %.1f s (%.2f / %.2f / %.2f ms per patch)", c.APIServer, c.Etcd, c.Self,
			perMs(c.APIServer, r.Dependents), perMs(c.Etcd, r.Dependents), perMs(c.Self, r.Dependents))
	})
	row("reconcile errors", func(r *Result) string { return strconv.Itoa(r.ReconcileErrors) })
}

func perMs(seconds float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return seconds * 1000 / float64(n)
}

func prec(scale float64) int {
	if scale < 1 {
		return 2
	}
	return 1
}

// requestSummary lists the mutating requests, then the total.
func requestSummary(reqs map[string]int) string {
	var keys []string
	total := 0
	for k, v := range reqs {
		total += v
		if !strings.HasPrefix(k, "GET ") && !strings.HasPrefix(k, "WATCH ") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, reqs[k]))
	}
	return fmt.Sprintf("%s; %d in all", strings.Join(parts, ", "), total)
}

// printTargets compares the headline with the targets.
func printTargets(w io.Writer, h Headline) {
	check := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	fmt.Fprintf(w, "\n| target | measured | |\n| --- | --- | --- |\n")
	fmt.Fprintf(w, "| propagation_ratio <= 1.5 | %.2f | %s |\n", h.PropagationRatio, check(h.PropagationRatio <= 1.5))
	fmt.Fprintf(w, "| first-dependent p50 <= 100 ms | %.1f ms | %s |\n", h.FirstP50Ms, check(h.FirstP50Ms <= 100))
	fmt.Fprintf(w, "| writes_per_change <= 1.02 | %.4f (%d writes for %d changes) | %s |\n", h.WritesPerChange, h.writes, h.changes,
		check(h.WritesPerChange <= 1.02))
	fmt.Fprintf(w, "| restart_writes = 0 | %d | %s |\n", h.RestartWrites, check(h.RestartWrites == 0))
	fmt.Fprintf(w, "| heap <= 4 KiB per cached object | %.2f KiB | %s |\n", h.HeapKiBPerObject, check(h.HeapKiBPerObject <= 4))
	fmt.Fprintf(w, "| goal writes per goal while first settling <= 3 | %.2f | %s |\n", h.GoalWritesPerGoal, check(h.GoalWritesPerGoal <= 3))
}
