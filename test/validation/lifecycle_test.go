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

package validation

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// lifecycleNamespace carries no roadmap.dev/policy label: the lifecycle rules are the CRD's and hold in every
// namespace, opted into the admission policy or not.
const lifecycleNamespace = "lifecycle"

func finishedInitiative(name string) *roadmapv1.Initiative {
	return &roadmapv1.Initiative{
		ObjectMeta: metav1.ObjectMeta{Namespace: lifecycleNamespace, Name: name},
		Spec: roadmapv1.InitiativeSpec{
			Title: "Observability stack", Track: roadmapv1.TrackOperations, Owner: "team-sre",
			Goals:     []roadmapv1.ResourceName{"reduce-incident-minutes"},
			Requires:  []roadmapv1.ResourceName{"kubernetes-platform", "object-storage"},
			DependsOn: []roadmapv1.InitiativeReference{{Name: "log-pipeline"}, {Namespace: "team-platform", Name: "multi-zone"}},
			Provides:  []roadmapv1.ResourceName{"observability"},
			Value:     new(int32(8)), Urgency: new(int32(6)), RiskReduction: new(int32(9)), Effort: new(int32(5)),
			TargetDate: "2026-09-30", State: roadmapv1.StateDone,
		},
	}
}

// edit applies change to the stored initiative with an update, as kubectl edit or a GitOps sync does, and
// returns the apiserver's answer.
func edit(t *testing.T, name string, change func(*roadmapv1.Initiative)) error {
	t.Helper()
	ini := &roadmapv1.Initiative{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: lifecycleNamespace, Name: name}, ini); err != nil {
		t.Fatal(err)
	}
	change(ini)
	return env.Client.Update(context.Background(), ini)
}

func stored(g Gomega, name string) roadmapv1.InitiativeSpec {
	ini := &roadmapv1.Initiative{}
	g.Expect(env.Client.Get(context.Background(), client.ObjectKey{Namespace: lifecycleNamespace, Name: name}, ini)).To(Succeed())
	return ini.Spec
}

// TestDoneIsFinal: a Done initiative cannot move to another state, not even through Cancelled, in a namespace
// without the admission policy; the refusal says why and what to do instead, and leaves the object as it was.
func TestDoneIsFinal(t *testing.T) {
	g := NewWithT(t)
	ensureNamespace(t, lifecycleNamespace)
	g.Expect(env.Client.Create(context.Background(), finishedInitiative("finished"))).To(Succeed())
	before := stored(g, "finished")

	for _, state := range []roadmapv1.InitiativeState{roadmapv1.StateActive, roadmapv1.StateProposed, roadmapv1.StateCancelled} {
		err := edit(t, "finished", func(i *roadmapv1.Initiative) { i.Spec.State = state })
		g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "Done -> %s: want Invalid, got %v", state, err)
		g.Expect(err.Error()).To(ContainSubstring("spec.state: Invalid value"))
		g.Expect(err.Error()).To(ContainSubstring("Done is final: a Done initiative cannot become " + string(state) +
			"; create a new initiative for further work (delete and re-create this one only if it was marked Done by mistake)"))
	}
	// Dropping the field is no way around it: the CRD defaults it to Proposed.
	err := edit(t, "finished", func(i *roadmapv1.Initiative) { i.Spec.State = "" })
	g.Expect(err).To(HaveOccurred())
	g.Expect(err.Error()).To(ContainSubstring("a Done initiative cannot become Proposed"))

	g.Expect(stored(g, "finished")).To(Equal(before), "a refused transition changes nothing")

	// Re-applying it unchanged (every GitOps sync) is accepted, and so is the operator's status write.
	g.Expect(edit(t, "finished", func(*roadmapv1.Initiative) {})).To(Succeed())
	ini := &roadmapv1.Initiative{}
	g.Expect(env.Client.Get(context.Background(), client.ObjectKey{Namespace: lifecycleNamespace, Name: "finished"}, ini)).To(Succeed())
	ini.Status.Phase = roadmapv1.PhaseDone
	g.Expect(env.Client.Status().Update(context.Background(), ini)).To(Succeed())
}

// TestDoneInitiativeEdits: of a Done initiative's spec, title, owner and goals may still change; what the work was
// and how it was planned may not, and the refusal names exactly the fields that changed.
func TestDoneInitiativeEdits(t *testing.T) {
	g := NewWithT(t)
	ensureNamespace(t, lifecycleNamespace)
	g.Expect(env.Client.Create(context.Background(), finishedInitiative("edited"))).To(Succeed())

	g.Expect(edit(t, "edited", func(i *roadmapv1.Initiative) {
		i.Spec.Title = "Observability stack (metrics, logs, traces)"
		i.Spec.Owner = "team-observability"
		i.Spec.Goals = []roadmapv1.ResourceName{"reduce-incident-minutes", "detect-incidents-in-5-minutes"}
	})).To(Succeed(), "a typo, a renamed team or reorganised goals are still fixable")
	// The lists are sets and maps: the same items in another order are no change.
	g.Expect(edit(t, "edited", func(i *roadmapv1.Initiative) {
		i.Spec.Requires = []roadmapv1.ResourceName{"object-storage", "kubernetes-platform"}
		i.Spec.DependsOn = []roadmapv1.InitiativeReference{{Namespace: "team-platform", Name: "multi-zone"}, {Name: "log-pipeline"}}
	})).To(Succeed())

	const frozen = "a Done initiative is the record of finished work: "
	const allowed = " cannot change any more (only spec.title, spec.owner and spec.goals may); create a new initiative for further work"
	cases := []struct {
		name   string
		change func(*roadmapv1.Initiative)
		fields string
	}{
		{"target date moved", func(i *roadmapv1.Initiative) { i.Spec.TargetDate = "2027-03-31" }, "spec.targetDate"},
		{"target date dropped", func(i *roadmapv1.Initiative) { i.Spec.TargetDate = "" }, "spec.targetDate"},
		{"estimates rewritten", func(i *roadmapv1.Initiative) { i.Spec.Value, i.Spec.Effort = new(int32(10)), nil }, "spec.value, spec.effort"},
		{"track changed", func(i *roadmapv1.Initiative) { i.Spec.Track = roadmapv1.TrackInnovation }, "spec.track"},
		{"requirement dropped", func(i *roadmapv1.Initiative) { i.Spec.Requires = i.Spec.Requires[:1] }, "spec.requires"},
		{"dependencies dropped", func(i *roadmapv1.Initiative) { i.Spec.DependsOn = nil }, "spec.dependsOn"},
		{"provides another capability", func(i *roadmapv1.Initiative) {
			i.Spec.Provides = []roadmapv1.ResourceName{"tracing"}
		}, "spec.provides"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			before := stored(g, "edited")
			err := edit(t, "edited", tc.change)
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want Invalid, got %v", err)
			g.Expect(err.Error()).To(ContainSubstring("spec: Invalid value"))
			g.Expect(err.Error()).To(ContainSubstring(frozen + tc.fields + allowed))
			g.Expect(stored(g, "edited")).To(Equal(before))
		})
	}
}

// TestOpenStatesMoveFreely: every state but Done may be left: work is started, paused, cancelled, and a
// Cancelled initiative revived (a decision revisited, under the same name its dependents refer to) or declared
// Done. Only then is it final.
func TestOpenStatesMoveFreely(t *testing.T) {
	g := NewWithT(t)
	ensureNamespace(t, lifecycleNamespace)
	ini := finishedInitiative("revived")
	ini.Spec.State = roadmapv1.StateProposed
	g.Expect(env.Client.Create(context.Background(), ini)).To(Succeed())
	for _, state := range []roadmapv1.InitiativeState{roadmapv1.StateActive, roadmapv1.StateProposed, roadmapv1.StateCancelled,
		roadmapv1.StateActive, roadmapv1.StateCancelled, roadmapv1.StateProposed, roadmapv1.StateCancelled, roadmapv1.StateDone} {
		g.Expect(edit(t, "revived", func(i *roadmapv1.Initiative) {
			i.Spec.State = state
			i.Spec.TargetDate = "2027-06-30" // plans change while the work is open
		})).To(Succeed(), "-> %s", state)
	}
	g.Expect(stored(g, "revived").State).To(Equal(roadmapv1.StateDone))
	g.Expect(edit(t, "revived", func(i *roadmapv1.Initiative) { i.Spec.State = roadmapv1.StateCancelled })).
		To(MatchError(ContainSubstring("Done is final")))
}
