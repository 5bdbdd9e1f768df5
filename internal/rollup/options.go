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

package rollup

import (
	"flag"
	"time"
)

// Options coalesce goal rollups: a goal is rolled up once its initiatives have been quiet for Window (or once
// MaxDelay has passed since the first change it has not rolled up), so a burst of initiative changes costs each
// goal one write rather than one per initiative. A zero Window rolls up at once.
type Options struct {
	Window   time.Duration
	MaxDelay time.Duration
}

// DefaultOptions are the defaults of the rollup flags.
func DefaultOptions() Options {
	return Options{Window: time.Second, MaxDelay: time.Minute}
}

// BindFlags registers the options as flags, with DefaultOptions as defaults.
func (o *Options) BindFlags(fs *flag.FlagSet) {
	d := DefaultOptions()
	fs.DurationVar(&o.Window, "goal-rollup-window", d.Window,
		"Roll a goal up once its initiatives have been quiet this long (0: at every change).")
	fs.DurationVar(&o.MaxDelay, "goal-rollup-max-delay", d.MaxDelay,
		"Roll a goal up at the latest this long after the first change it has not rolled up yet.")
}
