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

package fleet

import (
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Watch budget: every object a check names, in every cluster it is checked in, costs the manager one watch
// (an informer: a few goroutines, a watch stream, a small cache), whoever wrote the check. Capabilities are
// cluster-scoped, so no ResourceQuota bounds them; --max-evidence-watches does.
const (
	// WatchBytes is what one evidence watch is budgeted, generously: a watch measures well under it (its
	// goroutines' stacks, buffers and the one object it caches; docs/performance.md).
	WatchBytes = 256 << 10
	// DefaultMaxWatches is the limit when the manager has no memory limit to size it from.
	DefaultMaxWatches = 1000
	// MinMaxWatches is the smallest limit sized from a memory limit, however small.
	MinMaxWatches = 100
)

// MaxWatchesFor is the default --max-evidence-watches for a memory limit in bytes (0 or less: none known):
// evidence watches may take half of it, at WatchBytes each, and never fewer than MinMaxWatches.
func MaxWatchesFor(memoryLimit int64) int {
	if memoryLimit <= 0 || memoryLimit == math.MaxInt64 {
		return DefaultMaxWatches
	}
	return int(max(memoryLimit/2/WatchBytes, MinMaxWatches))
}

// MemoryLimit is the manager's memory limit in bytes: GOMEMLIMIT when it is set, else the limit of its cgroup
// (v2 memory.max, or v1 memory.limit_in_bytes), else 0.
func MemoryLimit() int64 {
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		return limit
	}
	return cgroupMemoryLimit(os.ReadFile)
}

// cgroupMemoryLimit reads the memory limit of the process's cgroup; 0 when there is none.
func cgroupMemoryLimit(readFile func(string) ([]byte, error)) int64 {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		data, err := readFile(path)
		if err != nil {
			continue
		}
		limit, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
		// "max" (v2), or v1's "no limit", a page-rounded math.MaxInt64.
		if err != nil || limit <= 0 || limit >= math.MaxInt64/2 {
			return 0
		}
		return limit
	}
	return 0
}
