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
	"errors"
	"math"
	"testing"
)

func TestMaxWatchesFor(t *testing.T) {
	for _, tc := range []struct {
		limit int64
		want  int
	}{
		{0, DefaultMaxWatches},
		{math.MaxInt64, DefaultMaxWatches}, // GOMEMLIMIT unset
		{256 << 20, 512},                   // the shipped limit: half of 256 MiB at 256 KiB a watch
		{1 << 30, 2048},
		{16 << 20, MinMaxWatches},
	} {
		if got := MaxWatchesFor(tc.limit); got != tc.want {
			t.Errorf("MaxWatchesFor(%d) = %d, want %d", tc.limit, got, tc.want)
		}
	}
}

func TestCgroupMemoryLimit(t *testing.T) {
	files := func(content map[string]string) func(string) ([]byte, error) {
		return func(path string) ([]byte, error) {
			if c, ok := content[path]; ok {
				return []byte(c), nil
			}
			return nil, errors.New("no such file")
		}
	}
	for _, tc := range []struct {
		name    string
		content map[string]string
		want    int64
	}{
		{"v2 limit", map[string]string{"/sys/fs/cgroup/memory.max": "268435456\n"}, 256 << 20},
		{"v2 no limit", map[string]string{"/sys/fs/cgroup/memory.max": "max\n"}, 0},
		{"v1 limit", map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "536870912\n"}, 512 << 20},
		{"v1 no limit", map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n"}, 0},
		{"garbage", map[string]string{"/sys/fs/cgroup/memory.max": "lots"}, 0},
		{"no cgroup", nil, 0},
	} {
		if got := cgroupMemoryLimit(files(tc.content)); got != tc.want {
			t.Errorf("%s: cgroupMemoryLimit = %d, want %d", tc.name, got, tc.want)
		}
	}
}
