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

package v1alpha1_test

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	"k8s.io/apimachinery/pkg/api/equality"
	metafuzzer "k8s.io/apimachinery/pkg/apis/meta/fuzzer"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"sigs.k8s.io/randfill"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
)

// Round-trip tests of the API types, in the style of Kubernetes' own (k8s.io/apimachinery/pkg/api/apitesting):
// randfill fills every field of every kind with random data, using apimachinery's fill functions for metadata
// and times (so only data the wire format can carry is generated), and each object must survive
//   - encoding/json, as clients and kubectl read it,
//   - the scheme's strict JSON serializer, as controller-runtime's clients encode and decode it, which also
//     catches two fields claiming the same JSON name,
//   - the unstructured converter, as server-side apply and unstructured clients use it,
//   - DeepCopy, which must be equal and share no memory with the original.

var (
	scheme = func() *runtime.Scheme {
		s := runtime.NewScheme()
		if err := roadmapv1.AddToScheme(s); err != nil {
			panic(err)
		}
		return s
	}()
	codecs = serializer.NewCodecFactory(scheme)
	strict = kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme, kjson.SerializerOptions{Strict: true})
)

// kinds are the types under test, root kinds and lists.
var kinds = []func() runtime.Object{
	func() runtime.Object { return &roadmapv1.Capability{} },
	func() runtime.Object { return &roadmapv1.CapabilityList{} },
	func() runtime.Object { return &roadmapv1.Initiative{} },
	func() runtime.Object { return &roadmapv1.InitiativeList{} },
	func() runtime.Object { return &roadmapv1.Goal{} },
	func() runtime.Object { return &roadmapv1.GoalList{} },
	func() runtime.Object { return &roadmapv1.InitiativeIndex{} },
	func() runtime.Object { return &roadmapv1.InitiativeIndexList{} },
}

// TestRoundTripRandomized round-trips many randomly filled objects of each kind, with a fixed seed so a failure
// reproduces. Raise roundTripIterations locally to search further.
func TestRoundTripRandomized(t *testing.T) {
	const seed, roundTripIterations = 20260801, 200
	filler := fuzzer.FuzzerFor(metafuzzer.Funcs, rand.NewSource(seed), codecs).NilChance(.3).NumElements(0, 3)
	for _, newObj := range kinds {
		kind := reflect.TypeOf(newObj()).Elem().Name()
		t.Run(kind, func(t *testing.T) {
			for i := 0; i < roundTripIterations; i++ {
				obj := newObj()
				filler.Fill(obj)
				checkRoundTrip(t, filler, obj)
				if t.Failed() {
					t.Fatalf("iteration %d of seed %d failed", i, seed)
				}
			}
		})
	}
}

// FuzzRoundTrip is the same check driven by go test -fuzz: the fuzz bytes are randfill's source of randomness.
// Its seeds (f.Add and testdata/fuzz/FuzzRoundTrip) run with plain `go test`.
func FuzzRoundTrip(f *testing.F) {
	for i := range kinds {
		f.Add(uint8(i), []byte{})
		f.Add(uint8(i), []byte("an initiative requires the event-bus capability"))
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		filler := randfill.NewFromGoFuzz(data).Funcs(metafuzzer.Funcs(codecs)...).NilChance(.3).NumElements(0, 3)
		obj := kinds[int(kind)%len(kinds)]()
		filler.Fill(obj)
		checkRoundTrip(t, filler, obj)
	})
}

func checkRoundTrip(t *testing.T, _ *randfill.Filler, obj runtime.Object) {
	t.Helper()
	newLike := func() runtime.Object { return reflect.New(reflect.TypeOf(obj).Elem()).Interface().(runtime.Object) }

	// encoding/json.
	data, err := json.Marshal(obj)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	out := newLike()
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("json.Unmarshal: %v\n%s", err, data)
	}
	if !equality.Semantic.DeepEqual(obj, out) {
		t.Errorf("encoding/json round trip changed the object (-want +got):\n%s\n%s", cmp.Diff(obj, out), data)
	}

	// The scheme's strict serializer, with apiVersion and kind set on the way out and read on the way in.
	var buf bytes.Buffer
	if err := codecs.EncoderForVersion(strict, roadmapv1.GroupVersion).Encode(obj, &buf); err != nil {
		t.Fatalf("encode: %v", err)
	}
	decoded, gvk, err := strict.Decode(buf.Bytes(), nil, newLike())
	if err != nil {
		t.Fatalf("strict decode: %v\n%s", err, buf.Bytes())
	}
	if want := roadmapv1.GroupVersion.WithKind(reflect.TypeOf(obj).Elem().Name()); *gvk != want {
		t.Errorf("decoded as %v, want %v", gvk, want)
	}
	decoded.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
	if !equality.Semantic.DeepEqual(obj, decoded) {
		t.Errorf("serializer round trip changed the object (-want +got):\n%s\n%s", cmp.Diff(obj, decoded), buf.Bytes())
	}

	// The unstructured converter.
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatalf("ToUnstructured: %v", err)
	}
	fromU := newLike()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u, fromU); err != nil {
		t.Fatalf("FromUnstructured: %v", err)
	}
	if !equality.Semantic.DeepEqual(obj, fromU) {
		t.Errorf("unstructured round trip changed the object (-want +got):\n%s", cmp.Diff(obj, fromU))
	}

	// DeepCopy: equal, exactly, and independent: scribbling over every field of the copy, through every
	// pointer, slice and map, leaves the original as it was.
	cp := obj.DeepCopyObject()
	if !reflect.DeepEqual(obj, cp) {
		t.Fatalf("DeepCopy differs (-want +got):\n%s", cmp.Diff(obj, cp))
	}
	scribble(reflect.ValueOf(cp))
	after, err := json.Marshal(obj)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	if !bytes.Equal(data, after) {
		t.Errorf("changing the DeepCopy changed the original: memory is shared\nbefore: %s\nafter:  %s", data, after)
	}
}

// scribble overwrites every settable string, integer, bool and time reachable from v, and every map entry, in place.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok { // unexported fields: replace the whole value
			if v.CanSet() {
				v.Set(reflect.ValueOf(t.Add(time.Hour)))
			}
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				scribble(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			scribble(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			scribble(e)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(v.String() + "~scribbled")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.CanSet() {
			v.SetInt(v.Int() ^ 0x5a5a)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.CanSet() {
			v.SetUint(v.Uint() ^ 0x5a)
		}
	case reflect.Bool:
		if v.CanSet() {
			v.SetBool(!v.Bool())
		}
	}
}
