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
	"io"

	"github.com/go-logr/logr"
	"go.uber.org/zap/zapcore"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// managerLogger logs the manager's errors only, so that the table stays readable, and drops those of the event
// recorder: events still waiting for the client's rate limiter fail with "context canceled" each time the bench
// stops a manager. Reconcile errors are counted from the metrics and reported in the table either way.
func managerLogger(w io.Writer) logr.Logger {
	return logr.New(quietSink{LogSink: zap.New(zap.WriteTo(w), zap.Level(zapcore.ErrorLevel)).GetSink()})
}

type quietSink struct {
	logr.LogSink
	drop bool
}

func (s quietSink) Enabled(level int) bool { return !s.drop && s.LogSink.Enabled(level) }

func (s quietSink) Info(level int, msg string, kv ...any) {
	if !s.drop {
		s.LogSink.Info(level, msg, kv...)
	}
}

func (s quietSink) Error(err error, msg string, kv ...any) {
	if !s.drop {
		s.LogSink.Error(err, msg, kv...)
	}
}

func (s quietSink) WithValues(kv ...any) logr.LogSink {
	return quietSink{LogSink: s.LogSink.WithValues(kv...), drop: s.drop}
}

func (s quietSink) WithName(name string) logr.LogSink {
	return quietSink{LogSink: s.LogSink.WithName(name), drop: s.drop || name == "events"}
}
