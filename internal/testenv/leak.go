package testenv

import "go.uber.org/goleak"

// LeakOptions are the goleak options of the packages that start and stop managers: after every manager and
// control plane has stopped, no goroutine of ours (informers, evidence watches, probes, event sends) may be left.
// What is ignored belongs to libraries that keep process-wide goroutines by design.
func LeakOptions() []goleak.Option {
	return []goleak.Option{
		// klog's flush daemon and the process-wide log sink live as long as the process.
		goleak.IgnoreTopFunction("k8s.io/klog/v2.(*flushDaemon).run.func1"),
		// client-go's shared HTTP transports keep idle connections until their idle timeout; they are closed
		// when the peer is, and hold nothing of ours.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	}
}
