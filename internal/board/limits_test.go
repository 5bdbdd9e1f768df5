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

package board

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/roadmap-operator/roadmap-operator/internal/board/access"
)

// limitsForTest are DefaultLimits with timeouts short enough for a test to outlast them.
func limitsForTest() Limits {
	l := DefaultLimits()
	l.ReadHeaderTimeout, l.ReadTimeout, l.WriteTimeout, l.IdleTimeout = 300*time.Millisecond, 500*time.Millisecond,
		500*time.Millisecond, 500*time.Millisecond
	l.MaxEventStreams = 3
	return l
}

// serveForTest serves s on a free loopback port with the options and returns its address.
func serveForTest(t *testing.T, s *Server, o ServeOptions) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l, o) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return l.Addr().String()
}

// closedWithin reads from conn until the server closes it, and fails unless that happens within d.
func closedWithin(t *testing.T, conn net.Conn, r io.Reader, d time.Duration) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, r)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server still held the connection after %v", d)
	}
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func TestHostCheckOnEveryAddress(t *testing.T) {
	s := &Server{model: []byte(`{}`), subs: map[chan uint64]access.Rights{}}
	addr := serveForTest(t, s, ServeOptions{AllowedHosts: []string{"roadmap.example.com"}, Limits: limitsForTest()})
	for host, want := range map[string]int{
		"rebind.attacker.example": http.StatusForbidden, "roadmap.example.com": http.StatusOK,
		"ROADMAP.example.com.:8080": http.StatusOK, "evil.roadmap.example.com": http.StatusForbidden,
		"localhost": http.StatusOK, addr: http.StatusOK,
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/api/roadmap", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
}

func TestLoopbackAddress(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "localhost:0": true, "[::1]:80": true,
		"0.0.0.0:8080": false, ":8080": false, "10.0.0.1:8080": false, "[::]:8080": false} {
		if got, err := loopbackAddress(addr); err != nil || got != want {
			t.Errorf("loopbackAddress(%s) = %v, %v; want %v", addr, got, err, want)
		}
	}
	if _, err := loopbackAddress("8080"); err == nil {
		t.Error("an address without a port is refused")
	}
}

// A client that sends half a request header, or a body that never ends, or nothing after its response, has
// its connection closed by the server.
func TestServerClosesHeldConnections(t *testing.T) {
	s := &Server{model: []byte(`{}`), subs: map[chan uint64]access.Rights{}}
	lim := limitsForTest()
	addr := serveForTest(t, s, ServeOptions{Limits: lim})

	t.Run("slow header", func(t *testing.T) {
		conn := dial(t, addr)
		if _, err := io.WriteString(conn, "GET /api/roadmap HTTP/1.1\r\nHost: localhost\r\n"); err != nil {
			t.Fatal(err)
		}
		closedWithin(t, conn, conn, lim.ReadHeaderTimeout+2*time.Second)
	})
	t.Run("slow body", func(t *testing.T) {
		conn := dial(t, addr)
		if _, err := io.WriteString(conn, "GET /api/roadmap HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nab"); err != nil {
			t.Fatal(err)
		}
		closedWithin(t, conn, conn, lim.ReadTimeout+2*time.Second)
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		conn := dial(t, addr)
		resp, br := getModel(t, conn)
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusOK || resp.Close {
			t.Fatalf("first response: %d, close %v", resp.StatusCode, resp.Close)
		}
		closedWithin(t, conn, br, lim.IdleTimeout+2*time.Second)
	})
	t.Run("body too large", func(t *testing.T) {
		conn := dial(t, addr)
		if _, err := fmt.Fprintf(conn, "GET /api/roadmap HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n", lim.MaxBodyBytes+1); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "request body too large") {
			t.Errorf("body over the limit: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("headers too large", func(t *testing.T) {
		conn := dial(t, addr)
		if _, err := fmt.Fprintf(conn, "GET /api/roadmap HTTP/1.1\r\nHost: localhost\r\nX-Big: %s\r\n\r\n",
			strings.Repeat("a", 2*lim.MaxHeaderBytes)); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("headers over the limit: %d", resp.StatusCode)
		}
	})
}

// getModel asks for the model on a raw connection, as a browser's keep-alive request would, and reads the
// response's header; the body is the caller's to read (or not).
func getModel(t *testing.T, conn net.Conn) (*http.Response, *bufio.Reader) {
	t.Helper()
	if _, err := io.WriteString(conn, "GET /api/roadmap HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp, br
}

// A client that asks for the model and never reads it holds the server's handler for the write timeout only.
func TestWriteDeadline(t *testing.T) {
	big := make([]byte, 0, 64<<20)
	big = append(big, '"')
	big = append(big, strings.Repeat("x", 64<<20-2)...)
	big = append(big, '"')
	s := &Server{model: big, subs: map[chan uint64]access.Rights{}}
	lim := limitsForTest()
	addr := serveForTest(t, s, ServeOptions{Limits: lim})
	conn := dial(t, addr)
	resp, _ := getModel(t, conn)
	// The client holds the response unread for longer than the write deadline: the server gives up writing
	// and closes the connection, so the client can never read the whole model.
	time.Sleep(3 * lim.WriteTimeout)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil || n >= int64(len(big)) {
		t.Fatalf("read %d of %d bytes, err %v: the server kept writing past its deadline", n, len(big), err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server held the connection open: %v", err)
	}
}

// Event streams outlive the read and write timeouts; past the cap, one more is refused with a clear 503 until
// another closes.
func TestEventStreams(t *testing.T) {
	s := &Server{subs: map[chan uint64]access.Rights{}}
	s.publish(snapshot(), []byte(`{}`))
	lim := limitsForTest()
	addr := serveForTest(t, s, ServeOptions{Limits: lim})
	open := func() *http.Response {
		t.Helper()
		resp, err := http.Get("http://" + addr + "/api/events")
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	var streams []*http.Response
	for range lim.MaxEventStreams {
		resp := open()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("stream %d: %d", len(streams)+1, resp.StatusCode)
		}
		streams = append(streams, resp)
	}
	defer func() {
		for _, r := range streams {
			_ = r.Body.Close()
		}
	}()
	over := open()
	body, _ := io.ReadAll(over.Body)
	_ = over.Body.Close()
	if over.StatusCode != http.StatusServiceUnavailable || over.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(body), "3 open event streams, its limit") {
		t.Errorf("one stream over the cap: %d %q", over.StatusCode, body)
	}

	// A stream held open longer than the read and write timeouts still hears of the next version.
	time.Sleep(2 * (lim.ReadTimeout + lim.WriteTimeout))
	s.publish(snapshot(), []byte(`{}`))
	readUntil(t, streams[0].Body, "data: {\"version\":2}")

	// Closing one makes room for another.
	_ = streams[len(streams)-1].Body.Close()
	streams = streams[:len(streams)-1]
	NewWithT(t).Eventually(func() int {
		resp := open()
		if resp.StatusCode != http.StatusOK {
			_ = resp.Body.Close()
			return resp.StatusCode
		}
		streams = append(streams, resp)
		return resp.StatusCode
	}).WithTimeout(10*time.Second).WithPolling(50*time.Millisecond).Should(Equal(http.StatusOK),
		"a closed stream makes room for another")
}

func readUntil(t *testing.T, r io.Reader, want string) {
	t.Helper()
	var got strings.Builder
	buf := make([]byte, 256)
	for !strings.Contains(got.String(), want) {
		n, err := r.Read(buf)
		if err != nil {
			t.Fatalf("reading the stream: %v (got %q, want %q)", err, got.String(), want)
		}
		got.Write(buf[:n])
	}
}
