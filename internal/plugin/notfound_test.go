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

package plugin

import (
	"testing"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview/roadmapviewtest"
)

// TestWhyNamesTheNamespaces: `kubectl roadmap why NAME` without -n looks in the kubeconfig's namespace; when the
// initiative is elsewhere, the error says where instead of only "not found".
func TestWhyNamesTheNamespaces(t *testing.T) {
	s := roadmapviewtest.Roadmap()
	_, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "default", Name: "recs"})
	want := "initiative default/recs not found; initiative recs exists in namespace team-personalisation: " +
		"say -n team-personalisation, or team-personalisation/recs"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	if _, err := roadmapview.Why(s, roadmapview.Ref{Kind: "Initiative", Namespace: "default", Name: "nope"}); err == nil ||
		err.Error() != "initiative default/nope not found" {
		t.Errorf("error = %v", err)
	}
}
