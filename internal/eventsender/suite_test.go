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

package eventsender_test

import (
	"context"
	"os"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/roadmap-operator/roadmap-operator/internal/testenv"
)

var (
	env *testenv.Env
	// k is the test's own client: it reads straight from the apiserver.
	k client.Client
)

// TestMain runs the tests against one control plane, without a manager: the sender is started by each test.
// Once it has stopped, none of the senders' goroutines may outlive it.
func TestMain(m *testing.M) {
	os.Exit(testenv.RunWithoutLeaks(func() int {
		return testenv.Suite{Setup: func(e *testenv.Env) (func() error, error) {
			env, k = e, e.Client
			return nil, nil
		}}.Run(m)
	}))
}

var initiative = testenv.Initiative

// newG returns a Gomega whose Eventually waits long enough for a loaded 2-core machine.
func newG(t *testing.T) *WithT { return testenv.NewG(t, time.Minute) }

func ctx() context.Context { return context.Background() }

func namespace(t *testing.T, name string) string { return testenv.EnsureNamespace(t, k, name) }
