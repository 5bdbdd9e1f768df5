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

// Command bench measures how fast the operator unblocks dependents when a capability becomes Ready, how many
// writes it sends to the apiserver, and how much memory it holds, against a local envtest control plane and
// the real manager running in this process. Every time is a watch observation by the bench's own client, and
// the headline is a ratio against a floor measured in the same run. See docs/performance.md.
//
//	go run ./test/bench                      # full: 1 capability x 10,000 dependents, and a mixed graph
//	go run ./test/bench --quick              # CI: 1 capability x 300 dependents, no timing assertions
//	go run ./test/bench --scenario fanout --initiatives 3000 --rounds 1
//
// It prints a Markdown table per run and ends with one machine-readable line:
//
//	BENCH propagation_ratio=<x> first_p50_ms=<x> all_ready_s=<x> floor_s=<x> writes_per_change=<x> restart_writes=<n> heap_kib_per_object=<x> goal_writes_per_goal=<x>
//
// It exits non-zero when a correctness check fails (a dependent never unblocks, restart_writes is not 0);
// the timing targets are reported, never asserted.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/roadmap-operator/roadmap-operator/controllers"
)

// Options are the command line of the bench.
type Options struct {
	Quick                            bool
	Scenario                         string
	Capabilities, Initiatives, Goals int
	Namespaces, Rounds               int
	Manager                          controllers.Options
	FloorWriters                     string
	FanoutGoals                      int
	NoStripManagedFields             bool
	CreateQPS                        float64
	CreateWorkers                    int
	Seed                             int64
	Timeout                          time.Duration
	CPUProfile, MemProfile           string
	APIServerProfile                 string
	APIServerProfileFor              time.Duration
	DropEvents                       bool
	Workloads                        int
	SinkFault                        string
	// Separate runs each scenario of a multi-scenario run in its own process (this binary again), so that
	// one scenario's heap measurement starts clean of the previous one's leftovers.
	Separate bool
	// ResultJSON, set by the parent of such a run, receives the scenario's Result.
	ResultJSON string
	// Admission also runs the admission benchmark (AdmissionConfig) after the propagation scenarios, with
	// AdmissionInitiatives initiatives in the gated namespace and AdmissionCreates creates in each namespace.
	Admission                              bool
	AdmissionInitiatives, AdmissionCreates int
}

func (o *Options) bind(fs *flag.FlagSet) {
	d := controllers.DefaultOptions()
	o.Manager = d // the manager's defaults for every tunable the flags below do not name
	fs.BoolVar(&o.Quick, "quick", false, "CI mode (a few minutes): unless given, --scenario fanout,workloads --initiatives 300 --workloads 1000; timings reported, not asserted.")
	fs.StringVar(&o.Scenario, "scenario", "all", "fanout (one capability, --initiatives dependents), mixed (layered graph), "+
		"workloads (--workloads labelled Deployments: heap per workload, time to StartedEarly), admission (the workload gate's "+
		"admission benchmark alone), a comma-separated list, or all (fanout, mixed, workloads; then the admission benchmark).")
	fs.IntVar(&o.Workloads, "workloads", 20000, "Labelled workloads of the workloads scenario (20 per initiative).")
	fs.StringVar(&o.SinkFault, "sink-fault", "", "Point the manager's Flux and CloudEvents sinks at a sink that is "+
		strings.Join(sinkFaults, ", ")+" (500: answers 500), and report what it received and what was dropped.")
	fs.IntVar(&o.Capabilities, "capabilities", 1000, "Capabilities in the mixed graph (the fanout scenario has one).")
	fs.IntVar(&o.Initiatives, "initiatives", 10000, "Initiatives: the dependents of the fanout scenario, and the initiatives of the mixed graph.")
	fs.IntVar(&o.Goals, "goals", 100, "Goals in the mixed graph (the fanout scenario has --fanout-goals).")
	fs.IntVar(&o.Namespaces, "namespaces", 10, "Namespaces the initiatives are spread over.")
	fs.IntVar(&o.Rounds, "rounds", 3, "Flips of the capability to Available per scenario (flipped back to Planned between rounds).")
	fs.IntVar(&o.Manager.MaxConcurrentReconciles, "workers", d.MaxConcurrentReconciles, "Manager: concurrent reconciles per controller.")
	fs.Float64Var(&o.Manager.KubeAPIQPS, "qps", d.KubeAPIQPS, "Manager client QPS; 0 or less: no client-side rate limit (the manager's default).")
	fs.IntVar(&o.Manager.KubeAPIBurst, "burst", d.KubeAPIBurst, "Manager client burst, with a positive --qps.")
	fs.Float64Var(&o.Manager.Events.QPS, "event-qps", d.Events.QPS, "Manager: event writes per second.")
	fs.StringVar(&o.Manager.Notify.EventsAddr, "events-addr", "", "Manager: Flux event server to post transitions to; "+
		"a dead one (http://127.0.0.1:9/) shows that a sink that is down leaves the propagation figures alone.")
	fs.StringVar(&o.Manager.Notify.CloudEventsSink, "cloudevents-sink", "", "Manager: CloudEvents sink (a dead one, as --events-addr).")
	fs.DurationVar(&o.Manager.GoalRollup.Window, "goal-rollup-window", d.GoalRollup.Window, "Manager: goal rollup coalescing window (0: off).")
	fs.StringVar(&o.FloorWriters, "floor-writers", "16,4,1", "Parallel writers of the floor's passes (comma-separated); the floor is the best pass.")
	fs.IntVar(&o.FanoutGoals, "fanout-goals", 10, "Goals the fanout scenario's initiatives serve, round robin.")
	fs.BoolVar(&o.NoStripManagedFields, "no-strip-managed-fields", false, "Run the manager without the cache transform that drops managedFields.")
	fs.Float64Var(&o.CreateQPS, "create-qps", 1000, "QPS of the bench's own client (creating the graph, barriers); burst is twice it.")
	fs.IntVar(&o.CreateWorkers, "create-workers", 16, "Parallel requests while creating the graph.")
	fs.Int64Var(&o.Seed, "seed", 1, "Seed of the generated graphs.")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Minute, "Bound on every wait for a condition.")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "Write a CPU profile of this process (manager and bench) during the first round's propagation (per scenario: cpu-fanout.prof, cpu-mixed.prof).")
	fs.StringVar(&o.MemProfile, "memprofile", "", "Write a heap profile with the graph loaded (per scenario, as --cpuprofile).")
	fs.StringVar(&o.APIServerProfile, "apiserver-cpuprofile", "", "Write a CPU profile of the kube-apiserver over the start of the first round's propagation (per scenario, as --cpuprofile), and over the start of the admission benchmark's timed creates.")
	fs.DurationVar(&o.APIServerProfileFor, "apiserver-cpuprofile-duration", 10*time.Second, "Duration of the kube-apiserver CPU profile (whole seconds).")
	fs.StringVar(&o.ResultJSON, "result-json", "", "Internal: write the scenario's result as JSON to this file (used when each scenario runs in its own process).")
	fs.BoolVar(&o.Admission, "admission", true, "Also measure the workload gate's admission overhead (after the propagation scenarios; --scenario admission runs it alone).")
	fs.IntVar(&o.AdmissionInitiatives, "admission-initiatives", 1000, "Admission benchmark: Ready initiatives in the namespace the gate enforces.")
	fs.IntVar(&o.AdmissionCreates, "admission-creates", 300, "Admission benchmark: timed Deployment creates in each namespace (gated and ungated).")
	fs.BoolVar(&o.DropEvents, "drop-events", false, "Experiment: answer the manager's event writes in its transport instead of the apiserver, to measure what events cost.")
}

func (o Options) configs(log io.Writer) []Config {
	var scenarios []string
	for _, s := range strings.Split(o.Scenario, ",") {
		switch s {
		case "all":
			scenarios = append(scenarios, "fanout", "mixed", "workloads")
		case "admission": // not a scenario of its own process: Bench runs it after them
		default:
			scenarios = append(scenarios, s)
		}
	}
	var out []Config
	for _, s := range scenarios {
		c := Config{Scenario: s, Capabilities: o.Capabilities, Initiatives: o.Initiatives, Goals: o.Goals,
			Namespaces: o.Namespaces, Rounds: max(o.Rounds, 1), Options: o.Manager, StripManagedFields: !o.NoStripManagedFields,
			CreateQPS: float32(o.CreateQPS), CreateWorkers: max(o.CreateWorkers, 1), Seed: o.Seed, Timeout: o.Timeout,
			DropEvents: o.DropEvents, APIServerProfileFor: o.APIServerProfileFor, Log: log,
			FloorWriters: parseWriters(o.FloorWriters), FanoutGoals: o.FanoutGoals, Workloads: o.Workloads, SinkFault: o.SinkFault}
		if s == "fanout" {
			c.Goals = o.FanoutGoals
		}
		c.CPUProfile = profilePath(o.CPUProfile, s, len(scenarios))
		c.MemProfile = profilePath(o.MemProfile, s, len(scenarios))
		c.APIServerProfile = profilePath(o.APIServerProfile, s, len(scenarios))
		out = append(out, c)
	}
	return out
}

// parseWriters parses --floor-writers; what does not parse is left out (the default is one pass of 16).
func parseWriters(list string) []int {
	var out []int
	for _, f := range strings.Split(list, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// profilePath names a scenario's profile: the path itself for a single scenario, cpu-fanout.prof and
// cpu-mixed.prof for cpu.prof otherwise.
func profilePath(path, scenario string, scenarios int) string {
	if path == "" || scenarios == 1 {
		return path
	}
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "-" + scenario + ext
}

// quick sets the CI defaults for the flags not given explicitly: the fanout scenario with 300 dependents, the
// workloads scenario with 1,000 workloads, and the admission benchmark with 100 initiatives and 50 creates.
func (o *Options) quick(set map[string]bool) {
	if !set["scenario"] {
		o.Scenario = "fanout,workloads"
	}
	if !set["initiatives"] {
		o.Initiatives = 300
	}
	if !set["workloads"] {
		o.Workloads = 1000
	}
	if !set["admission-initiatives"] {
		o.AdmissionInitiatives = 100
	}
	if !set["admission-creates"] {
		o.AdmissionCreates = 50
	}
}

// Bench runs the scenarios, prints the tables and the BENCH line of the first one (the headline) to out, and
// returns its headline. It fails when a correctness check fails.
func Bench(ctx context.Context, o Options, out, log io.Writer) (Headline, error) {
	var results []*Result
	loadBefore := loadAverage()
	configs := o.configs(log)
	for _, cfg := range configs {
		var r *Result
		var err error
		if o.Separate && len(configs) > 1 {
			r, err = runChild(ctx, cfg, log)
		} else {
			r, err = Run(ctx, cfg)
		}
		if o.ResultJSON != "" && err == nil {
			err = writeJSON(o.ResultJSON, r)
		}
		if err != nil {
			return Headline{}, fmt.Errorf("scenario %s: %w", cfg.Scenario, err)
		}
		results = append(results, r)
	}
	var admission *AdmissionResult
	if o.Admission || slices.Contains(strings.Split(o.Scenario, ","), "admission") {
		r, err := Admission(ctx, AdmissionConfig{Initiatives: max(o.AdmissionInitiatives, 1), Creates: max(o.AdmissionCreates, 1),
			Options: o.Manager, Timeout: o.Timeout, Log: log, APIServerProfileFor: o.APIServerProfileFor,
			APIServerProfile: profilePath(o.APIServerProfile, "admission", len(configs)+1)})
		if err != nil {
			return Headline{}, fmt.Errorf("admission: %w", err)
		}
		admission = r
	}
	fmt.Fprintf(out, "\nroadmap-operator bench: %s; load average %s before, %s after\n\n", machine(), loadBefore, loadAverage())
	if admission != nil {
		printAdmission(out, admission)
		fmt.Fprintf(out, "\n%s\n", admission.Line())
	}
	if len(results) == 0 {
		return Headline{}, nil
	}
	// The propagation scenarios share one table; the workloads scenario, which has no rounds, has its own.
	var propagation []*Result
	for _, r := range results {
		if r.Workloads == nil {
			propagation = append(propagation, r)
		}
	}
	if len(propagation) == 0 {
		for _, r := range results {
			printWorkloads(out, r.Workloads)
		}
		return Headline{}, nil
	}
	printTable(out, propagation)
	for _, r := range results {
		if r.Sink != nil {
			fmt.Fprintf(out, "\n%s: %s\n", r.Scenario, r.Sink)
		}
		if r.Workloads != nil {
			printWorkloads(out, r.Workloads)
		}
	}
	h := HeadlineOf(propagation[0])
	printTargets(out, h)
	fmt.Fprintf(out, "\n%s\n", h.Line())
	for _, r := range propagation {
		if r.RestartWrites != 0 {
			return h, fmt.Errorf("%w: scenario %s: a restart over a settled cluster wrote %d times", errTargets, r.Scenario, r.RestartWrites)
		}
		if len(r.Rounds) == 0 || HeadlineOf(r).FloorS <= 0 {
			return h, fmt.Errorf("%w: scenario %s measured nothing", errTargets, r.Scenario)
		}
	}
	return h, nil
}

func main() {
	var o Options
	o.bind(flag.CommandLine)
	flag.Parse()
	if o.Quick {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		o.quick(set)
	}
	o.Separate = true
	ctrl.SetLogger(managerLogger(os.Stderr))
	if o.MemProfile != "" {
		runtime.MemProfileRate = 4096 // fine enough to attribute a few KiB per object
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	if _, err := Bench(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// machine describes the machine the bench ran on.
func machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb float64
				if _, err := fmt.Sscanf(strings.TrimSpace(v), "%f", &kb); err == nil {
					mem = fmt.Sprintf(", %.1f GiB memory", kb/(1<<20))
				}
			}
		}
	}
	return fmt.Sprintf("%d CPUs (%s)%s, %s/%s, %s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// loadAverage is the 1-minute load average: other work on a shared machine shows here.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	if f := strings.Fields(string(data)); len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

// runChild runs one scenario in a new process of this binary, with this run's flags, and reads its result.
func runChild(ctx context.Context, cfg Config, log io.Writer) (*Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "bench-"+cfg.Scenario+"-*.json")
	if err != nil {
		return nil, err
	}
	_ = f.Close()
	defer func() { _ = os.Remove(f.Name()) }()
	// Later flags win: the scenario, where to write the result, no admission benchmark (the parent runs it), and
	// this scenario's profile names.
	args := append(slices.Clone(os.Args[1:]), "--scenario="+cfg.Scenario, "--result-json="+f.Name(),
		"--admission=false", "--cpuprofile="+cfg.CPUProfile, "--memprofile="+cfg.MemProfile, "--apiserver-cpuprofile="+cfg.APIServerProfile)
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, log // the parent prints the table of all scenarios
	runErr := cmd.Run()
	data, err := os.ReadFile(f.Name())
	if err != nil || len(data) == 0 {
		if runErr != nil {
			return nil, runErr
		}
		return nil, fmt.Errorf("no result from the %s scenario's process", cfg.Scenario)
	}
	// A result means the scenario ran to the end; its correctness is checked again by the parent.
	r := &Result{}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, err
	}
	return r, nil
}

func writeJSON(path string, r *Result) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
