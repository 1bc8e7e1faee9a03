package zcapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestShouldRetry(t *testing.T) {
	api := func(status int, code string) error { return &APIError{StatusCode: status, Code: code} }
	transport := func(err error) error { return &TransportError{Err: &url.Error{Op: "Post", URL: "x", Err: err}} }
	timeout := &net.OpError{Op: "read", Err: timeoutErr{}}

	tests := []struct {
		name        string
		err         error
		read        bool // DescribeBackends
		write       bool // RegisterBackend without retryWrites
		retryWrites bool // RegisterBackend with retryWrites
	}{
		{"429 without code", api(429, ""), true, true, true},
		{"request limit", api(400, "REQUEST_LIMIT_EXCEEDED"), true, true, true},
		{"request limit dotted", api(429, "Request.Limit.Exceeded"), true, true, true},
		{"temporary unavailable", api(503, "SERVICE_TEMPORARY_UNAVAILABLE"), true, true, true},
		{"operation timeout", api(400, "INVALID_OPERATION_TIMEOUT"), true, true, true},
		{"internal error", api(500, "INTERNAL_SERVER_ERROR"), true, false, true},
		{"bare 502", api(502, ""), true, false, true},
		{"missing parameter", api(400, "MISSING_PARAMETER"), false, false, false},
		{"not found", api(404, "INVALID_INSTANCE_NOT_FOUND"), false, false, false},
		{"unknown 4xx", api(409, "SOMETHING_ELSE"), false, false, false},
		{"edge block", &APIError{StatusCode: 403, EdgeBlocked: true}, false, false, false},
		{"edge block with retry code", &APIError{StatusCode: 451, Code: "REQUEST_LIMIT_EXCEEDED", EdgeBlocked: true}, false, false, false},
		{"connection reset", transport(syscall.ECONNRESET), true, false, true},
		{"connection refused", transport(&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), true, false, true},
		{"unexpected EOF", transport(io.ErrUnexpectedEOF), true, false, true},
		{"EOF", transport(io.EOF), true, false, true},
		{"attempt timeout", transport(context.DeadlineExceeded), true, false, true},
		{"network timeout", transport(timeout), true, false, true},
		{"redirect", transport(fmt.Errorf("%w: to x", ErrRedirectRefused)), false, false, false},
		{"canceled", transport(context.Canceled), false, false, false},
		{"other transport", transport(errors.New("tls: handshake failure")), false, false, false},
		{"plain error", errors.New("encoding"), false, false, false},
		{"nil", nil, false, false, false},
		{"wrapped 429", fmt.Errorf("outer: %w", api(429, "")), true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shouldRetry(ActionDescribeBackends, false, tt.err); got != tt.read {
				t.Errorf("read: shouldRetry = %v, want %v", got, tt.read)
			}
			if got := shouldRetry(ActionRegisterBackend, false, tt.err); got != tt.write {
				t.Errorf("write: shouldRetry = %v, want %v", got, tt.write)
			}
			if got := shouldRetry(ActionRegisterBackend, true, tt.err); got != tt.retryWrites {
				t.Errorf("write with retryWrites: shouldRetry = %v, want %v", got, tt.retryWrites)
			}
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestAttemptsEqualMaxRetriesPlusOne(t *testing.T) {
	tests := []struct {
		name        string
		maxRetries  int
		action      string
		retryWrites bool
		status      int
		code        string
		want        int
	}{
		{"read, no retries", 0, ActionDescribeBackends, false, 500, "INTERNAL_SERVER_ERROR", 1},
		{"read, negative retries", -1, ActionDescribeBackends, false, 500, "", 1},
		{"read, one retry", 1, ActionDescribeBackends, false, 500, "", 2},
		{"read, five retries", 5, ActionDescribeBackends, false, 503, "SERVICE_TEMPORARY_UNAVAILABLE", 6},
		{"write 500 not retried", 3, ActionRegisterBackend, false, 500, "INTERNAL_SERVER_ERROR", 1},
		{"write 500 with retryWrites", 3, ActionRegisterBackend, true, 500, "INTERNAL_SERVER_ERROR", 4},
		{"write throttled", 3, ActionRegisterBackend, false, 429, "REQUEST_LIMIT_EXCEEDED", 4},
		{"write temporary unavailable", 2, ActionCreateListener, false, 503, "SERVICE_TEMPORARY_UNAVAILABLE", 3},
		{"read bad request", 3, ActionDescribeBackends, false, 400, "MISSING_PARAMETER", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, srv := newRecorder(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, tt.status, `{"requestId":"r","code":"`+tt.code+`","message":"m"}`)
			})
			c := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = tt.maxRetries })
			err := c.Call(context.Background(), tt.action, VersionCurrent, map[string]string{}, nil, tt.retryWrites)
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status {
				t.Fatalf("error = %v, want the last APIError with status %d", err, tt.status)
			}
			if rec.count() != tt.want {
				t.Errorf("attempts = %d, want %d", rec.count(), tt.want)
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	rec, srv := newRecorder(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n <= 2 {
			writeJSON(w, http.StatusInternalServerError, `{"requestId":"r","code":"INTERNAL_SERVER_ERROR","message":"m"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"requestId":"r","response":{"requestId":"r","listenerId":"lsn-9"}}`)
	})
	c := newTestClient(t, srv, nil)
	out, err := c.CreateListener(context.Background(), &CreateListenerRequest{LoadBalancerID: "lb", ClientToken: "tok"})
	if err != nil {
		t.Fatalf("CreateListener: %v", err)
	}
	if out.ListenerID != "lsn-9" || rec.count() != 3 {
		t.Errorf("listener %q after %d attempts, want lsn-9 after 3", out.ListenerID, rec.count())
	}
}

func TestBackoffDelay(t *testing.T) {
	base, limit := 10*time.Millisecond, 200*time.Millisecond
	lowest := func(int64) int64 { return 0 }
	highest := func(n int64) int64 { return n - 1 }

	wantCeilingsMS := []int64{10, 20, 40, 80, 160, 200, 200, 200}
	for i, ms := range wantCeilingsMS {
		attempt := i + 1
		ceiling := time.Duration(ms) * time.Millisecond
		if got := backoffDelay(attempt, base, limit, lowest); got != ceiling/2 {
			t.Errorf("attempt %d lowest = %v, want %v", attempt, got, ceiling/2)
		}
		if got := backoffDelay(attempt, base, limit, highest); got != ceiling {
			t.Errorf("attempt %d highest = %v, want %v", attempt, got, ceiling)
		}
	}

	r := rand.New(rand.NewPCG(1, 2))
	previousMean := time.Duration(0)
	for attempt := 1; attempt <= 12; attempt++ {
		ceiling := min(base<<(attempt-1), limit)
		var sum time.Duration
		const samples = 500
		for range samples {
			d := backoffDelay(attempt, base, limit, r.Int64N)
			if d < ceiling/2 || d > ceiling || d > limit {
				t.Fatalf("attempt %d: delay %v outside [%v, %v]", attempt, d, ceiling/2, ceiling)
			}
			sum += d
		}
		mean := sum / samples
		if ceiling < limit && mean <= previousMean {
			t.Errorf("attempt %d: mean delay %v did not grow from %v", attempt, mean, previousMean)
		}
		if mean < previousMean*9/10 {
			t.Errorf("attempt %d: mean delay %v shrank from %v", attempt, mean, previousMean)
		}
		previousMean = mean
	}

	if got := backoffDelay(1000, time.Second, 20*time.Second, highest); got != 20*time.Second {
		t.Errorf("huge attempt = %v, want the cap", got)
	}
	if got := backoffDelay(0, base, limit, highest); got != 0 {
		t.Errorf("attempt 0 = %v, want 0", got)
	}
}

func TestRetryDelayHonoursRetryAfter(t *testing.T) {
	highest := func(n int64) int64 { return n - 1 }
	tests := []struct {
		name string
		err  error
		want time.Duration
	}{
		{"retry-after below cap", &APIError{StatusCode: 429, RetryAfter: 3 * time.Second}, 3 * time.Second},
		{"retry-after above cap", &APIError{StatusCode: 429, RetryAfter: time.Minute}, 20 * time.Second},
		{"no retry-after", &APIError{StatusCode: 429}, 2 * time.Second},
		{"transport", &TransportError{Err: io.EOF}, 2 * time.Second},
	}
	for _, tt := range tests {
		if got := retryDelay(tt.err, 2, time.Second, 20*time.Second, highest); got != tt.want {
			t.Errorf("%s: retryDelay = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"5", 5 * time.Second},
		{" 2 ", 2 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"soon", 0},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// recordWaits replaces the sleep of c with one that records the waits and returns at once.
func recordWaits(c *Client) *[]time.Duration {
	var mu sync.Mutex
	waits := &[]time.Duration{}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		*waits = append(*waits, d)
		return ctx.Err()
	}
	return waits
}

func TestCallHonoursRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter string
		backoffMax time.Duration
		want       time.Duration
	}{
		{"under the cap", "2", 5 * time.Second, 2 * time.Second},
		{"capped", "60", 3 * time.Second, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, srv := newRecorder(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					w.Header().Set("Retry-After", tt.retryAfter)
					writeJSON(w, http.StatusTooManyRequests, `{"requestId":"r","code":"REQUEST_LIMIT_EXCEEDED","message":"m"}`)
					return
				}
				writeJSON(w, http.StatusOK, `{"requestId":"r","response":{"requestId":"r"}}`)
			})
			c := newTestClient(t, srv, func(cfg *Config) { cfg.BackoffMax = tt.backoffMax })
			waits := recordWaits(c)
			if err := c.TerminateLoadBalancer(context.Background(), "lb-1"); err != nil {
				t.Fatalf("TerminateLoadBalancer: %v", err)
			}
			if rec.count() != 2 || len(*waits) != 1 || (*waits)[0] != tt.want {
				t.Errorf("attempts %d, waits %v; want 2 attempts and one wait of %v", rec.count(), *waits, tt.want)
			}
		})
	}
}

func TestCallWaitsGrow(t *testing.T) {
	_, srv := newRecorder(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusServiceUnavailable, `{"requestId":"r","code":"SERVICE_TEMPORARY_UNAVAILABLE","message":"m"}`)
	})
	c := newTestClient(t, srv, func(cfg *Config) {
		cfg.MaxRetries = 5
		cfg.BackoffBase = time.Second
		cfg.BackoffMax = 20 * time.Second
	})
	waits := recordWaits(c)
	c.int64n = func(n int64) int64 { return n - 1 }
	_ = c.RestoreLoadBalancer(context.Background(), "lb-1")
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}
	if fmt.Sprint(*waits) != fmt.Sprint(want) {
		t.Errorf("waits = %v, want %v", *waits, want)
	}
}

func TestContextCancellationStopsRetries(t *testing.T) {
	rec, srv := newRecorder(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusServiceUnavailable, `{"requestId":"req-busy","code":"SERVICE_TEMPORARY_UNAVAILABLE","message":"m"}`)
	})
	c := newTestClient(t, srv, func(cfg *Config) {
		cfg.BackoffBase = 10 * time.Second
		cfg.BackoffMax = 10 * time.Second
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)

	start := time.Now()
	_, err := c.DescribeLoadBalancers(ctx, nil)
	elapsed := time.Since(start)

	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want it to wrap context.Canceled", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.RequestID != "req-busy" {
		t.Errorf("error = %v, want it to wrap the last APIError", err)
	}
	if elapsed > 2*time.Second {
		t.Errorf("call took %v after cancellation, want it to stop promptly", elapsed)
	}
	if rec.count() != 1 {
		t.Errorf("attempts = %d, want 1", rec.count())
	}
}

func TestCanceledContextSendsNothing(t *testing.T) {
	rec, srv := newRecorder(t, okReply(`{}`))
	c := newTestClient(t, srv, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.DescribeBackends(ctx, &DescribeBackendsRequest{ListenerID: "l"})
	if !errors.Is(err, context.Canceled) || rec.count() != 0 {
		t.Errorf("error %v after %d requests, want context.Canceled and none sent", err, rec.count())
	}
}

func TestDeadlineNotOverslept(t *testing.T) {
	rec, srv := newRecorder(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusServiceUnavailable, `{"requestId":"req-late","code":"SERVICE_TEMPORARY_UNAVAILABLE","message":"m"}`)
	})
	c := newTestClient(t, srv, func(cfg *Config) {
		cfg.BackoffBase = 5 * time.Second
		cfg.BackoffMax = 5 * time.Second
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()

	start := time.Now()
	_, err := c.DescribeBackends(ctx, &DescribeBackendsRequest{ListenerID: "l"})
	elapsed := time.Since(start)

	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.RequestID != "req-late" {
		t.Fatalf("error = %v, want the last APIError", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error wraps DeadlineExceeded; the call should have given up before the deadline")
	}
	if elapsed > time.Second {
		t.Errorf("call took %v, want it to return at once instead of sleeping past the deadline", elapsed)
	}
	if rec.count() != 1 {
		t.Errorf("attempts = %d, want 1", rec.count())
	}
}

func TestAttemptTimeoutIsRetriedForReads(t *testing.T) {
	rec, srv := newRecorder(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		writeJSON(w, http.StatusOK, `{"requestId":"r","response":{"totalCount":1,"dataSet":[{"listenerId":"lsn-1"}]}}`)
	})
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Timeout = 100 * time.Millisecond })
	out, err := c.DescribeListeners(context.Background(), nil)
	if err != nil {
		t.Fatalf("DescribeListeners: %v", err)
	}
	if rec.count() != 2 || out.TotalCount != 1 {
		t.Errorf("attempts %d, total %d; want 2 and 1", rec.count(), out.TotalCount)
	}
}

func TestAttemptTimeoutNotRetriedForPlainWrites(t *testing.T) {
	rec, srv := newRecorder(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Timeout = 100 * time.Millisecond })
	_, err := c.CreateLoadBalancer(context.Background(), &CreateLoadBalancerRequest{ZoneID: "z"})
	var transportErr *TransportError
	if !errors.As(err, &transportErr) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want a TransportError for the attempt timeout", err)
	}
	if rec.count() != 1 {
		t.Errorf("attempts = %d, want 1", rec.count())
	}
}

func TestDroppedConnection(t *testing.T) {
	hangUp := func(w http.ResponseWriter) {
		hijacker, ok := w.(http.Hijacker)
		if !ok {
			panic("the test server cannot hijack connections")
		}
		if conn, _, err := hijacker.Hijack(); err == nil {
			_ = conn.Close()
		}
	}
	tests := []struct {
		name         string
		call         func(*Client) error
		wantAttempts int
		wantErr      bool
	}{
		{"read retried", func(c *Client) error {
			_, err := c.DescribeBackends(context.Background(), &DescribeBackendsRequest{ListenerID: "l"})
			return err
		}, 2, false},
		{"write with token retried", func(c *Client) error {
			_, err := c.RegisterBackend(context.Background(), &RegisterBackendRequest{ClientToken: "t"})
			return err
		}, 2, false},
		{"write without token not retried", func(c *Client) error {
			_, err := c.CreateLoadBalancer(context.Background(), &CreateLoadBalancerRequest{})
			return err
		}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, srv := newRecorder(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					hangUp(w)
					return
				}
				writeJSON(w, http.StatusOK, `{"requestId":"r","response":{"requestId":"r"}}`)
			})
			c := newTestClient(t, srv, nil)
			err := tt.call(c)
			if tt.wantErr {
				var transportErr *TransportError
				if !errors.As(err, &transportErr) {
					t.Errorf("error = %v, want a TransportError", err)
				}
			} else if err != nil {
				t.Errorf("call: %v", err)
			}
			if rec.count() != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", rec.count(), tt.wantAttempts)
			}
		})
	}
}

func TestConnectionRefusedRetriedForReads(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}

	c, err := New(Config{
		AccessKeyID: testKeyID, AccessKeyPassword: testPassword, Domain: addr, Scheme: "HTTP",
		MaxRetries: 2, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	waits := recordWaits(c)
	_, err = c.DescribeBackends(context.Background(), &DescribeBackendsRequest{ListenerID: "l"})
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("error = %v, want connection refused", err)
	}
	if len(*waits) != 2 {
		t.Errorf("waited %d times, want 2 (MaxRetries)", len(*waits))
	}
	if !strings.Contains(err.Error(), "DescribeBackends") {
		t.Errorf("error %q does not name the action", err)
	}
}

func TestParentDeadlineDuringAttempt(t *testing.T) {
	rec, srv := newRecorder(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Timeout = 10 * time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()

	start := time.Now()
	_, err := c.DescribeBackends(ctx, &DescribeBackendsRequest{ListenerID: "l"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want it to wrap context.DeadlineExceeded", err)
	}
	var transportErr *TransportError
	if !errors.As(err, &transportErr) {
		t.Errorf("error = %v, want it to wrap the failed attempt", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("call took %v, want it to end at the deadline", elapsed)
	}
	if rec.count() != 1 {
		t.Errorf("attempts = %d, want 1", rec.count())
	}
}
