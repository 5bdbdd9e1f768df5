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
	"context"
	"fmt"
	"sort"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/workloads"
)

// LoadUntraced reads, for the namespaces that opt in with the label roadmap.dev/workloads (namespace, or all
// when empty), the workloads the roadmap does not explain, into s.Untraced. It reads metadata only. A user who
// may not list namespaces or workloads gets a note in s.UntracedNote rather than an error: the rest of the
// roadmap is still worth showing.
func (s *Snapshot) LoadUntraced(ctx context.Context, c client.Reader, namespace string) error {
	var namespaces []metav1.PartialObjectMetadata
	if namespace != "" {
		ns := workloads.Metadata(workloads.NamespaceGVK)
		err := c.Get(ctx, client.ObjectKey{Name: namespace}, ns)
		switch {
		case apierrors.IsForbidden(err):
			s.UntracedNote = "you may not read namespace " + namespace + ", so its untraced workloads are not shown"
			return nil
		case apierrors.IsNotFound(err):
			return nil
		case err != nil:
			return fmt.Errorf("reading namespace %s: %w", namespace, err)
		}
		namespaces = append(namespaces, *ns)
	} else {
		list := workloads.MetadataList(workloads.NamespaceGVK)
		err := c.List(ctx, list, client.HasLabels{roadmapv1.LabelWorkloads})
		switch {
		case apierrors.IsForbidden(err):
			s.UntracedNote = "you may not list namespaces, so untraced workloads are not shown (try -n NAMESPACE)"
			return nil
		case err != nil:
			return fmt.Errorf("listing namespaces labelled %s: %w", roadmapv1.LabelWorkloads, err)
		}
		namespaces = list.Items
	}
	s.Untraced = nil
	for _, ns := range namespaces {
		value, labelled := ns.Labels[roadmapv1.LabelWorkloads]
		if !labelled {
			continue
		}
		mode, modeErr := workloads.ParseMode(value, labelled)
		var ws []workloads.Workload
		for _, gvk := range workloads.DefaultKinds {
			list := workloads.MetadataList(gvk)
			err := c.List(ctx, list, client.InNamespace(ns.Name))
			switch {
			case apierrors.IsForbidden(err):
				s.UntracedNote = fmt.Sprintf("you may not list %s in namespace %s, so the untraced report leaves them out",
					gvk.Kind, ns.Name)
				continue
			case apimeta.IsNoMatchError(err):
				continue
			case err != nil:
				return fmt.Errorf("listing %s in namespace %s: %w", gvk.Kind, ns.Name, err)
			}
			for _, o := range list.Items {
				v, has := o.Labels[roadmapv1.LabelInitiative]
				ws = append(ws, workloads.Workload{Kind: workloads.KindName(gvk), Namespace: o.Namespace, Name: o.Name,
					Initiative: v, Labelled: has, BreakGlass: o.Annotations[roadmapv1.AnnotationBreakGlass],
					Controlled: metav1.GetControllerOfNoCopy(&o) != nil})
			}
		}
		states, err := s.initiativeStates(ctx, c, ns.Name)
		if err != nil {
			return err
		}
		workloads.Sort(ws)
		if r := workloads.Classify(ns.Name, mode, modeErr, ws, states); !r.Empty() {
			s.Untraced = append(s.Untraced, r)
		}
	}
	sort.Slice(s.Untraced, func(i, j int) bool { return s.Untraced[i].Namespace < s.Untraced[j].Namespace })
	return nil
}

// initiativeStates are the declared states of the initiatives of a namespace: from the snapshot when it holds
// some of that namespace, else listed (the snapshot may not have been loaded at all, as for
// `kubectl roadmap untraced`).
func (s *Snapshot) initiativeStates(ctx context.Context, c client.Reader, namespace string) (
	map[string]roadmapv1.InitiativeState, error) {
	states := map[string]roadmapv1.InitiativeState{}
	if s.Visible(namespace) {
		for _, ini := range s.Initiatives {
			if ini.Namespace == namespace {
				states[ini.Name] = ini.Spec.State
			}
		}
		if len(states) > 0 {
			return states, nil
		}
	}
	list := &roadmapv1.InitiativeList{}
	if err := c.List(ctx, list, client.InNamespace(namespace)); err != nil {
		return nil, explain(err, "list", "initiatives", namespace)
	}
	for _, ini := range list.Items {
		states[ini.Name] = ini.Spec.State
	}
	return states, nil
}
