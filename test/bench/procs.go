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
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/rest"

	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

// procs are the processes whose CPU time the bench reads from /proc: the control plane's kube-apiserver and
// etcd, found by their command lines, and this process (the manager and the bench's own watches).
type procs struct {
	apiserver, etcd int
}

// cpu is CPU time per process, in seconds.
type cpu struct {
	APIServer, Etcd, Self float64
}

func (c cpu) sub(o cpu) cpu {
	return cpu{APIServer: c.APIServer - o.APIServer, Etcd: c.Etcd - o.Etcd, Self: c.Self - o.Self}
}

// findProcs finds the envtest processes of env: the apiserver listens on the port of env's config, and etcd
// on the URL the apiserver was given. Either is 0 when not found (e.g. no /proc).
func findProcs(env *testenv.Env) procs {
	var p procs
	u, err := url.Parse(env.Config.Host)
	if err != nil {
		return p
	}
	port := u.Port()
	cmdlines := map[int][]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		cmdlines[pid] = strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
	}
	var etcdURL string
	for pid, args := range cmdlines {
		if len(args) == 0 || filepath.Base(args[0]) != "kube-apiserver" {
			continue
		}
		var mine bool
		var etcd string
		for _, a := range args {
			mine = mine || a == "--secure-port="+port
			if v, ok := strings.CutPrefix(a, "--etcd-servers="); ok {
				etcd = v
			}
		}
		if mine {
			p.apiserver, etcdURL = pid, etcd
		}
	}
	for pid, args := range cmdlines {
		if len(args) == 0 || filepath.Base(args[0]) != "etcd" || etcdURL == "" {
			continue
		}
		for _, a := range args {
			if a == "--listen-client-urls="+etcdURL || a == "--advertise-client-urls="+etcdURL {
				p.etcd = pid
			}
		}
	}
	return p
}

// cpuSeconds reads a process's user and system time from /proc/<pid>/stat (0 when it cannot).
func cpuSeconds(pid string) float64 {
	data, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) / 100 // USER_HZ, 100 on Linux
}

func (p procs) read() cpu {
	c := cpu{Self: cpuSeconds("self")}
	if p.apiserver != 0 {
		c.APIServer = cpuSeconds(strconv.Itoa(p.apiserver))
	}
	if p.etcd != 0 {
		c.Etcd = cpuSeconds(strconv.Itoa(p.etcd))
	}
	return c
}

// apiserverProfile fetches a CPU profile of the kube-apiserver (its /debug/pprof endpoint, which envtest's
// administrator may read) over the given duration, into path.
func apiserverProfile(ctx context.Context, cfg *rest.Config, d time.Duration, path string) error {
	c, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return err
	}
	u := strings.TrimRight(cfg.Host, "/") + fmt.Sprintf("/debug/pprof/profile?seconds=%d", int(d.Seconds()))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("apiserver profile: %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.ReadFrom(resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
