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

package roadmapview

import (
	"fmt"
	"strings"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// WorkloadsText says in words what an initiative's status.workloads summarises: "3 workloads: CronJob replay;
// Deployment api, worker". Names beyond those the summary keeps are counted: "Deployment a, b, c (+4 more)".
// Empty when there are none.
func WorkloadsText(s *roadmapv1.WorkloadsSummary) string {
	if s == nil || s.Total == 0 {
		return ""
	}
	parts := make([]string, 0, len(s.Kinds))
	for _, k := range s.Kinds {
		part := k.Kind + " " + strings.Join(k.Names, ", ")
		if more := int(k.Count) - len(k.Names); more > 0 {
			part += fmt.Sprintf(" (+%d more)", more)
		}
		parts = append(parts, part)
	}
	noun := "workloads"
	if s.Total == 1 {
		noun = "workload"
	}
	return fmt.Sprintf("%d %s: %s", s.Total, noun, strings.Join(parts, "; "))
}
