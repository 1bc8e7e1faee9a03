package emulator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestEnvelope(t *testing.T) {
	_, c := startEmulator(t, Options{})
	r := c.call("DescribeLoadBalancerZones", nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(r.raw, &env); err != nil {
		t.Fatal(err)
	}
	if len(env) != 2 || env["requestId"] == nil || env["response"] == nil {
		t.Errorf("envelope keys: %s", r.raw)
	}
	if r.response["requestId"] != r.requestID {
		t.Errorf("inner requestId %v, outer %s", r.response["requestId"], r.requestID)
	}

	// An action without output has only requestId in its response.
	resp := c.ok("DeleteListener", map[string]any{"listenerId": FixtureListenerWeb})
	if len(resp) != 1 {
		t.Errorf("DeleteListener response: %v", resp)
	}

	// Failures carry requestId, code and message at the top level.
	r = c.fails("NoSuchAction", nil, 400, "INVALID_ACTION")
	var fail map[string]any
	_ = json.Unmarshal(r.raw, &fail)
	if len(fail) != 3 {
		t.Errorf("error body: %s", r.raw)
	}
}

func TestVersionsAndHeaders(t *testing.T) {
	_, c := startEmulator(t, Options{})
	c.ok("DescribeLoadBalancerZones", nil)
	c.withVersion(LegacyVersion).ok("DescribeLoadBalancerZones", nil)
	c.withVersion("2023-01-01").fails("DescribeLoadBalancerZones", nil, 400, "INVALID_VERSION")
	c.withVersion("").fails("DescribeLoadBalancerZones", nil, 400, "MISSING_PARAMETER")
	c.fails("", nil, 400, "MISSING_PARAMETER")
	c.fails("DescribeSomething", nil, 400, "INVALID_ACTION")

	cc := *c
	cc.contentType = "text/plain"
	cc.fails("DescribeLoadBalancerZones", nil, 415, "UNSUPPORTED_MEDIA_TYPE")

	cc = *c
	cc.mutate = func(r *http.Request) { r.Header.Set("X-ZC-Request-Client", "terraform/1.0 (bad)") }
	cc.fails("DescribeLoadBalancerZones", nil, 400, "INVALID_PARAMETER")
	cc.mutate = func(r *http.Request) {
		r.Header.Set("X-ZC-Request-Client", "terraform-provider-zenlayer 0.1.0; go1.26")
	}
	cc.ok("DescribeLoadBalancerZones", nil)
	cc.mutate = func(r *http.Request) { r.Header.Set("X-ZC-Service", "vm") }
	cc.fails("DescribeLoadBalancerZones", nil, 400, "INVALID_PARAMETER")
}

func TestBodyParsing(t *testing.T) {
	_, c := startEmulator(t, Options{})
	c.ok("DescribeLoadBalancerZones", "")
	c.fails("DescribeLoadBalancerZones", "[1,2]", 400, "INVALID_PARAMETER")
	c.fails("DescribeLoadBalancerZones", "{} {}", 400, "INVALID_PARAMETER")
	c.fails("DescribeLoadBalancerZones", "{", 400, "INVALID_PARAMETER")
	r := c.fails("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb, "pagesize": 5}, 400, "INVALID_PARAMETER")
	if !strings.Contains(r.message, "pagesize") {
		t.Errorf("message %q does not name the unknown field", r.message)
	}
	r = c.fails("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb, "pageSize": "5"}, 400, "INVALID_PARAMETER")
	if !strings.Contains(r.message, "pageSize") {
		t.Errorf("message %q does not name the field", r.message)
	}
	c.fails("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb, "pageSize": 5.5}, 400, "INVALID_PARAMETER")
	// null counts as absent.
	c.ok("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb, "pageSize": nil})
}

func TestPathAndMethod(t *testing.T) {
	e, _ := startEmulator(t, Options{})
	resp, err := http.Get(e.URL() + APIPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET %s: %d", APIPath, resp.StatusCode)
	}
	resp, err = http.Post(e.URL()+"/api/v2/vm", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /api/v2/vm: %d", resp.StatusCode)
	}
	if n := len(e.Calls()); n != 0 {
		t.Errorf("calls outside the API path were counted: %v", e.Calls())
	}
}

func TestStartAddressAndDomain(t *testing.T) {
	e := New(Options{})
	if e.Domain() != "" || e.URL() != "" {
		t.Errorf("Domain or URL set before Start")
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if !strings.HasPrefix(e.Domain(), "127.0.0.1:") || e.URL() != "http://"+e.Domain() || e.Scheme() != "HTTP" {
		t.Errorf("Domain %q URL %q Scheme %q", e.Domain(), e.URL(), e.Scheme())
	}
	if err := e.Start(); err == nil {
		t.Errorf("second Start succeeded")
	}
	if err := New(Options{Addr: "0.0.0.0:0"}).Start(); err == nil {
		t.Errorf("Start on a non-loopback address succeeded")
	}
	e.Close()
	e.Close()
}

func TestStartTLS(t *testing.T) {
	caPEM, cert, err := NewTestCA()
	if err != nil {
		t.Fatal(err)
	}
	e := New(Options{})
	if err := e.StartTLS(cert); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	if !strings.HasPrefix(e.URL(), "https://127.0.0.1:") || e.Scheme() != "HTTPS" {
		t.Fatalf("URL %q Scheme %q", e.URL(), e.Scheme())
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("CA PEM does not parse")
	}
	c := &testClient{
		t: t, e: e, base: e.URL(), keyID: DefaultAccessKeyID, password: DefaultAccessKeyPassword,
		version: CurrentVersion, contentType: "application/json", now: time.Now,
		http: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool},
		}},
	}
	c.ok("DescribeLoadBalancerZones", nil)

	// The same holds under the name localhost.
	c.base = strings.Replace(e.URL(), "127.0.0.1", "localhost", 1)
	c.ok("DescribeLoadBalancerZones", nil)

	// A client that does not trust the CA is refused.
	plain := &http.Client{Timeout: 5 * time.Second}
	if _, err := plain.Post(e.URL()+APIPath, "application/json", strings.NewReader("{}")); err == nil {
		t.Error("a client without the CA connected")
	}

	// Dropped responses work over TLS too.
	e.SetFaults(Faults{DropResponseRate: 1})
	if _, err := c.send(context.Background(), "RegisterBackend", map[string]any{
		"listenerId": FixtureListenerWeb, "backendName": "a", "instanceId": "bm-0001", "clientToken": "t1",
	}); err == nil {
		t.Error("dropped response reached the client")
	}
	if n := e.BackendCount(); n != 1 {
		t.Errorf("backend count after a dropped response = %d, want 1", n)
	}
}

func TestLatencyAndCancellation(t *testing.T) {
	e, c := startEmulator(t, Options{Latency: 80 * time.Millisecond})
	start := time.Now()
	c.ok("DescribeLoadBalancerZones", nil)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("call took %s, less than the latency", d)
	}

	e.SetLatency(2 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.send(ctx, "RegisterBackend", map[string]any{
		"listenerId": FixtureListenerWeb, "backendName": "a", "instanceId": "bm-0001", "clientToken": "t1",
	})
	if err == nil {
		t.Fatal("the call returned before the latency ended")
	}
	waitFor(t, func() bool { return e.InFlight() == 0 })
	if n := e.BackendCount(); n != 0 {
		t.Errorf("a canceled call was applied: %d backends", n)
	}
	e.SetLatency(0)
	c.ok("DescribeLoadBalancerZones", nil)
}

// waitFor polls cond for up to two seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 2s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestServeHTTPAsHandler(t *testing.T) {
	e := New(Options{})
	srv := httptest.NewServer(e)
	defer srv.Close()
	c := &testClient{
		t: t, e: e, base: srv.URL, keyID: DefaultAccessKeyID, password: DefaultAccessKeyPassword,
		version: CurrentVersion, contentType: "application/json", now: time.Now, http: srv.Client(),
	}
	c.ok("DescribeLoadBalancerZones", nil)
	if !IsWriteAction("RegisterBackend") || IsWriteAction("DescribeBackends") {
		t.Error("IsWriteAction misclassifies actions")
	}
	if got := len(Actions()); got != 16 {
		t.Errorf("Actions() has %d names, want 16", got)
	}
}
