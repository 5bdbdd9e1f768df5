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

package controllers

import (
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
)

// forKind adapts a predicate written for one kind (predicate.TypedFuncs[*roadmapv1.Initiative]) to the untyped
// predicate builder.WithPredicates takes. It is the one place an event's objects are asserted to their kind, so
// the predicates themselves read typed fields; an object of another type passes, so a wiring mistake costs
// reconciles rather than losing them.
func forKind[T client.Object](p predicate.TypedPredicate[T]) predicate.Predicate {
	return predicate.Funcs{
		CreateFunc: func(e event.CreateEvent) bool {
			o, ok := e.Object.(T)
			return !ok || p.Create(event.TypedCreateEvent[T]{Object: o})
		},
		DeleteFunc: func(e event.DeleteEvent) bool {
			o, ok := e.Object.(T)
			return !ok || p.Delete(event.TypedDeleteEvent[T]{Object: o, DeleteStateUnknown: e.DeleteStateUnknown})
		},
		UpdateFunc: func(e event.UpdateEvent) bool {
			o, okOld := e.ObjectOld.(T)
			n, okNew := e.ObjectNew.(T)
			return !okOld || !okNew || p.Update(event.TypedUpdateEvent[T]{ObjectOld: o, ObjectNew: n})
		},
		GenericFunc: func(e event.GenericEvent) bool {
			o, ok := e.Object.(T)
			return !ok || p.Generic(event.TypedGenericEvent[T]{Object: o})
		},
	}
}
