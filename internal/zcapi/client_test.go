package zcapi

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

const (
	testKeyID    = "AKIDTEST0001"
	testPassword = "s3cret-Password-Never-Logged"
)

// recorded is one request as the test server saw it.
type recorded struct {
	header http.Header
	host   string
	method string
	path   string
	body   []byte
}

// recorder is a test server that records every request and answers with reply.
type recorder struct {
	mu       sync.Mutex
	requests []recorded
	reply    func(n int, w http.ResponseWriter, r *http.Request)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.requests = append(rec.requests, recorded{
		header: r.Header.Clone(), host: r.Host, method: r.Method, path: r.URL.Path, body: body,
	})
	n := len(rec.requests)
	rec.mu.Unlock()
	rec.reply(n, w, r)
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.requests)
}

func (rec *recorder) all() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]recorded(nil), rec.requests...)
}

// newRecorder starts a server on 127.0.0.1 that answers with reply.
func newRecorder(t *testing.T, reply func(n int, w http.ResponseWriter, r *http.Request)) (*recorder, *httptest.Server) {
	t.Helper()
	rec := &recorder{reply: reply}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return rec, srv
}

// newTestClient returns a client for srv with tiny backoff, changed by mutate.
func newTestClient(t *testing.T, srv *httptest.Server, mutate func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		AccessKeyID:       testKeyID,
		AccessKeyPassword: testPassword,
		Domain:            srv.Listener.Addr().String(),
		Scheme:            "http",
		Timeout:           2 * time.Second,
		MaxRetries:        3,
		BackoffBase:       time.Millisecond,
		BackoffMax:        4 * time.Millisecond,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// writeJSON writes status and a JSON body.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func okReply(response string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"requestId":"req-ok","response":`+response+`}`)
	}
}

// signatureOf returns the Signature part of an Authorization header.
func signatureOf(t *testing.T, authorization string) string {
	t.Helper()
	_, sig, ok := strings.Cut(authorization, ", Signature=")
	if !ok {
		t.Fatalf("Authorization %q has no signature", authorization)
	}
	return sig
}

// verify recomputes the signature of a recorded request.
func verify(t *testing.T, r recorded) {
	t.Helper()
	want := Sign(testPassword, r.header.Get("X-ZC-Timestamp"), r.host, r.header.Get("Content-Type"), r.body)
	if got := signatureOf(t, r.header.Get("Authorization")); got != want {
		t.Errorf("signature %s does not verify; recomputed %s", got, want)
	}
}

func TestNewValidation(t *testing.T) {
	valid := Config{AccessKeyID: "id", AccessKeyPassword: "pw"}
	tests := []struct {
		name     string
		mutate   func(*Config)
		wantErr  string
		endpoint string
	}{
		{"defaults", func(*Config) {}, "", "https://console.zenlayer.com/api/v2/bmc"},
		{"scheme upper case", func(c *Config) { c.Scheme = "HTTP"; c.Domain = "127.0.0.1:8080" }, "", "http://127.0.0.1:8080/api/v2/bmc"},
		{"scheme mixed case", func(c *Config) { c.Scheme = "Https" }, "", "https://console.zenlayer.com/api/v2/bmc"},
		{"ipv6 with port", func(c *Config) { c.Domain = "[::1]:9000" }, "", "https://[::1]:9000/api/v2/bmc"},
		{"empty key id", func(c *Config) { c.AccessKeyID = " " }, "access key ID is empty", ""},
		{"empty password", func(c *Config) { c.AccessKeyPassword = "" }, "access key password is empty", ""},
		{"bad scheme", func(c *Config) { c.Scheme = "ftp" }, `scheme "ftp" is not supported`, ""},
		{"domain with scheme", func(c *Config) { c.Domain = "https://console.zenlayer.com" }, "is not valid", ""},
		{"domain with path", func(c *Config) { c.Domain = "console.zenlayer.com/api" }, "is not valid", ""},
		{"domain port zero", func(c *Config) { c.Domain = "example.test:0" }, "port is out of range", ""},
		{"domain empty port", func(c *Config) { c.Domain = "example.test:" }, "is not valid", ""},
		{"domain bad port", func(c *Config) { c.Domain = "example.test:http" }, "is not valid", ""},
		{"ca not pem", func(c *Config) { c.CACertPEM = []byte("not a certificate") }, "no PEM certificate", ""},
		{"ca with http client", func(c *Config) {
			c.CACertPEM = []byte("x")
			c.HTTPClient = &http.Client{}
		}, "cannot be combined", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.mutate(&cfg)
			c, err := New(cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := c.Endpoint(); got != tt.endpoint {
				t.Errorf("Endpoint = %q, want %q", got, tt.endpoint)
			}
			if got := c.AccessKeyID(); got != cfg.AccessKeyID {
				t.Errorf("AccessKeyID = %q, want %q", got, cfg.AccessKeyID)
			}
		})
	}
}

func TestCallSendsSignedHeaders(t *testing.T) {
	rec, srv := newRecorder(t, okReply(`{"requestId":"req-1","backendId":"bk-1"}`))
	fixed := time.Unix(1700000000, 0)
	c := newTestClient(t, srv, func(cfg *Config) {
		cfg.Now = func() time.Time { return fixed }
		cfg.RequestClient = "terraform-provider-zenlayer/1.2.3 (linux; amd64)"
	})

	weight := 50
	out, err := c.RegisterBackend(context.Background(), &RegisterBackendRequest{
		ListenerID: "lsn-1", BackendName: "web-1", InstanceID: "ins-1", ClientToken: "tok-1",
		PortList: []int{80, 443}, Weight: &weight,
	})
	if err != nil {
		t.Fatalf("RegisterBackend: %v", err)
	}
	if out.BackendID != "bk-1" || out.RequestID != "req-1" {
		t.Errorf("response = %+v, want backendId bk-1 and requestId req-1", out)
	}

	reqs := rec.all()
	if len(reqs) != 1 {
		t.Fatalf("server saw %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodPost || r.path != "/api/v2/bmc" {
		t.Errorf("request line = %s %s, want POST /api/v2/bmc", r.method, r.path)
	}
	if r.host != srv.Listener.Addr().String() {
		t.Errorf("Host = %q, want %q", r.host, srv.Listener.Addr().String())
	}
	wantHeaders := map[string]string{
		"Content-Type":          "application/json; charset=utf-8",
		"X-ZC-Action":           "RegisterBackend",
		"X-ZC-Version":          "2026-02-01",
		"X-ZC-Timestamp":        "1700000000",
		"X-ZC-Signature-Method": "ZC2-HMAC-SHA256",
		"X-ZC-Service":          "bmc",
		"X-ZC-Request-Client":   "terraform-provider-zenlayer1.2.3 linux; amd64",
	}
	for name, want := range wantHeaders {
		if got := r.header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	wantAuthPrefix := "ZC2-HMAC-SHA256 Credential=" + testKeyID + ", SignedHeaders=content-type;host, Signature="
	if auth := r.header.Get("Authorization"); !strings.HasPrefix(auth, wantAuthPrefix) {
		t.Errorf("Authorization = %q, want prefix %q", auth, wantAuthPrefix)
	}
	want := Sign(testPassword, "1700000000", srv.Listener.Addr().String(), ContentType, r.body)
	if got := signatureOf(t, r.header.Get("Authorization")); got != want || len(got) != 64 {
		t.Errorf("signature = %q, want %q", got, want)
	}

	var body map[string]any
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	wantBody := `{"listenerId":"lsn-1","backendName":"web-1","instanceId":"ins-1","clientToken":"tok-1","portList":[80,443],"weight":50}`
	if string(r.body) != wantBody {
		t.Errorf("body = %s, want %s", r.body, wantBody)
	}
}

func TestCallNilInputSendsEmptyObject(t *testing.T) {
	rec, srv := newRecorder(t, okReply(`{"requestId":"r"}`))
	c := newTestClient(t, srv, nil)
	if err := c.Call(context.Background(), "DescribeLoadBalancerZones", VersionCurrent, nil, nil, false); err != nil {
		t.Fatalf("Call: %v", err)
	}
	if got := string(rec.all()[0].body); got != "{}" {
		t.Errorf("body = %q, want {}", got)
	}
	verify(t, rec.all()[0])
}

func TestCallFreshSignaturePerAttempt(t *testing.T) {
	rec, srv := newRecorder(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n < 3 {
			writeJSON(w, http.StatusServiceUnavailable, `{"requestId":"r","code":"SERVICE_TEMPORARY_UNAVAILABLE","message":"busy"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"requestId":"r","response":{"requestId":"r","totalCount":0,"dataSet":[]}}`)
	})
	var mu sync.Mutex
	clock := time.Unix(1700000000, 0)
	c := newTestClient(t, srv, func(cfg *Config) {
		cfg.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			clock = clock.Add(time.Second)
			return clock
		}
	})
	if _, err := c.DescribeBackends(context.Background(), &DescribeBackendsRequest{ListenerID: "lsn-1"}); err != nil {
		t.Fatalf("DescribeBackends: %v", err)
	}
	reqs := rec.all()
	if len(reqs) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(reqs))
	}
	timestamps := map[string]bool{}
	signatures := map[string]bool{}
	for _, r := range reqs {
		verify(t, r)
		timestamps[r.header.Get("X-ZC-Timestamp")] = true
		signatures[signatureOf(t, r.header.Get("Authorization"))] = true
	}
	if len(timestamps) != 3 || len(signatures) != 3 {
		t.Errorf("got %d distinct timestamps and %d distinct signatures over 3 attempts, want 3 each", len(timestamps), len(signatures))
	}
	if !timestamps["1700000001"] || !timestamps["1700000003"] {
		t.Errorf("timestamps = %v, want 1700000001..1700000003", timestamps)
	}
}

func TestRedirectToAnotherHostRefused(t *testing.T) {
	other, otherSrv := newRecorder(t, okReply(`{"requestId":"r"}`))
	target := otherSrv.URL + "/api/v2/bmc"
	rec, srv := newRecorder(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusTemporaryRedirect)
	})
	c := newTestClient(t, srv, nil)

	_, err := c.DescribeListeners(context.Background(), nil)
	if !errors.Is(err, ErrRedirectRefused) {
		t.Fatalf("error = %v, want ErrRedirectRefused", err)
	}
	if !strings.Contains(err.Error(), otherSrv.Listener.Addr().String()) {
		t.Errorf("error %q does not name the redirect target", err)
	}
	if other.count() != 0 {
		t.Errorf("redirect target received %d requests, want 0", other.count())
	}
	if rec.count() != 1 {
		t.Errorf("refused redirect was attempted %d times, want 1 (never retried)", rec.count())
	}
}

func TestRedirectToSameHostRefused(t *testing.T) {
	rec, srv := newRecorder(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		writeJSON(w, http.StatusOK, `{"requestId":"r","response":{}}`)
	})
	c := newTestClient(t, srv, nil)
	err := c.DeleteListener(context.Background(), "lsn-1")
	if !errors.Is(err, ErrRedirectRefused) {
		t.Fatalf("error = %v, want ErrRedirectRefused", err)
	}
	if rec.count() != 1 {
		t.Errorf("server saw %d requests, want 1", rec.count())
	}
}

func TestSanitizeRequestClient(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"terraform", "terraform"},
		{"Terraform/1.9.0 provider-zenlayer_0.1; linux,amd64.", "Terraform1.9.0 provider-zenlayer_0.1; linux,amd64."},
		{"  padded  ", "padded"},
		{"tab\there\nnewline", "tabherenewline"},
		{"ünïcode✓", "ncode"},
		{"///", ""},
		{strings.Repeat("a", 200), strings.Repeat("a", 128)},
		{strings.Repeat("ab/", 100), strings.Repeat("ab", 64)},
	}
	for _, tt := range tests {
		got := SanitizeRequestClient(tt.in)
		if got != tt.want {
			t.Errorf("SanitizeRequestClient(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > MaxRequestClientLength {
			t.Errorf("SanitizeRequestClient(%q) is %d long", tt.in, len(got))
		}
	}
}

func TestRequestClientHeaderOmittedWhenEmpty(t *testing.T) {
	rec, srv := newRecorder(t, okReply(`{"requestId":"r"}`))
	c := newTestClient(t, srv, func(cfg *Config) { cfg.RequestClient = "%%%" })
	if err := c.DeregisterBackend(context.Background(), "bk-1"); err != nil {
		t.Fatalf("DeregisterBackend: %v", err)
	}
	if _, ok := rec.all()[0].header["X-Zc-Request-Client"]; ok {
		t.Errorf("X-ZC-Request-Client sent although nothing valid remained")
	}
}

func TestCallTLSWithExtraCA(t *testing.T) {
	rec := &recorder{reply: okReply(`{"requestId":"r","totalCount":0,"dataSet":[]}`)}
	srv := httptest.NewUnstartedServer(rec)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})

	base := Config{
		AccessKeyID: testKeyID, AccessKeyPassword: testPassword,
		Domain: srv.Listener.Addr().String(), MaxRetries: 3,
		BackoffBase: time.Millisecond, BackoffMax: 2 * time.Millisecond,
	}

	untrusting, err := New(base)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = untrusting.DescribeListeners(context.Background(), nil)
	var transportErr *TransportError
	if !errors.As(err, &transportErr) {
		t.Fatalf("error without the CA = %v, want a TransportError", err)
	}
	if rec.count() != 0 {
		t.Errorf("server handled %d requests over an untrusted connection", rec.count())
	}

	withCA := base
	withCA.CACertPEM = caPEM
	trusting, err := New(withCA)
	if err != nil {
		t.Fatalf("New with CA: %v", err)
	}
	if !strings.HasPrefix(trusting.Endpoint(), "https://127.0.0.1:") {
		t.Errorf("Endpoint = %q, want https on 127.0.0.1", trusting.Endpoint())
	}
	if _, err := trusting.DescribeListeners(context.Background(), nil); err != nil {
		t.Fatalf("DescribeListeners with the CA: %v", err)
	}
	if rec.count() != 1 {
		t.Errorf("server saw %d requests, want 1", rec.count())
	}
}

func TestCallDecoding(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		out     bool
		wantErr string
	}{
		{"empty response, no output wanted", `{"requestId":"r","response":{"requestId":"r"}}`, false, ""},
		{"response missing, no output wanted", `{"requestId":"r"}`, false, ""},
		{"response missing, output wanted", `{"requestId":"r"}`, true, "without a response object"},
		{"response null, output wanted", `{"requestId":"r","response":null}`, true, "without a response object"},
		{"not JSON", `<html>hello</html>`, true, "not JSON"},
		{"wrong field type", `{"requestId":"r","response":{"totalCount":"many"}}`, true, "decoding the response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, srv := newRecorder(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusOK, tt.body)
			})
			c := newTestClient(t, srv, nil)
			var out any
			if tt.out {
				out = &DescribeBackendsResponse{}
			}
			err := c.Call(context.Background(), ActionDescribeBackends, VersionCurrent, nil, out, false)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Call: %v", err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Call error = %v, want it to contain %q", err, tt.wantErr)
			}
			if rec.count() != 1 {
				t.Errorf("server saw %d requests, want 1", rec.count())
			}
		})
	}
}

func TestCallLogsAttemptsWithoutSecrets(t *testing.T) {
	rec, srv := newRecorder(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			writeJSON(w, http.StatusTooManyRequests, `{"requestId":"req-throttled","code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"requestId":"req-done","response":{"requestId":"req-done"}}`)
	})
	c := newTestClient(t, srv, nil)

	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	if err := c.ModifyBackendWeight(ctx, "bk-1", 10); err != nil {
		t.Fatalf("ModifyBackendWeight: %v", err)
	}

	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatalf("decoding logs: %v", err)
	}
	var attempts, retries []map[string]any
	for _, e := range entries {
		switch e["@message"] {
		case "Zenlayer API call":
			attempts = append(attempts, e)
		case "Retrying Zenlayer API call":
			retries = append(retries, e)
		}
	}
	if len(attempts) != 2 || len(retries) != 1 {
		t.Fatalf("logged %d attempts and %d retries, want 2 and 1: %v", len(attempts), len(retries), entries)
	}
	first, second := attempts[0], attempts[1]
	checks := []struct {
		entry map[string]any
		key   string
		want  any
	}{
		{first, "action", "ModifyBackendWeight"},
		{first, "version", "2022-11-20"},
		{first, "attempt", float64(1)},
		{first, "http_status", float64(429)},
		{first, "code", "REQUEST_LIMIT_EXCEEDED"},
		{first, "request_id", "req-throttled"},
		{second, "attempt", float64(2)},
		{second, "http_status", float64(200)},
		{second, "request_id", "req-done"},
		{retries[0], "next_attempt", float64(2)},
		{first, "@level", "debug"},
	}
	for _, check := range checks {
		if got := check.entry[check.key]; got != check.want {
			t.Errorf("log field %s = %v, want %v", check.key, got, check.want)
		}
	}
	for _, key := range []string{"duration_ms"} {
		if _, ok := first[key]; !ok {
			t.Errorf("attempt log lacks %s", key)
		}
	}
	if _, ok := retries[0]["wait_ms"]; !ok {
		t.Errorf("retry log lacks wait_ms")
	}

	logs := buf.String()
	for _, r := range rec.all() {
		if sig := signatureOf(t, r.header.Get("Authorization")); strings.Contains(logs, sig) {
			t.Errorf("logs contain a signature")
		}
	}
	for _, secret := range []string{testPassword, "Authorization", "Signature="} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}
