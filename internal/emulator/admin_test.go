package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func adminCall(t *testing.T, e *Emulator, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, e.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %q: %v", method, path, raw, err)
	}
	return resp.StatusCode, out
}

func TestAdminEndpoints(t *testing.T) {
	e, c := startEmulator(t, Options{})
	c.register(FixtureListenerWeb, "bm-0001", "a", nil)
	c.ok("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb})

	status, stats := adminCall(t, e, "GET", "/_emulator/stats", "")
	if status != 200 {
		t.Fatalf("stats: %d", status)
	}
	calls := asMap(t, stats["calls"])
	if calls["RegisterBackend"] != float64(1) || calls["DescribeBackends"] != float64(1) ||
		stats["writeCalls"] != float64(1) || stats["backends"] != float64(1) ||
		asMap(t, stats["appliedWrites"])["RegisterBackend"] != float64(1) ||
		stats["peakInFlight"] != float64(1) {
		t.Errorf("stats %v", stats)
	}

	status, f := adminCall(t, e, "POST", "/_emulator/faults", `{"throttleRate":1,"actions":["DescribeBackends"]}`)
	if status != 200 || f["throttleRate"] != float64(1) {
		t.Errorf("faults: %d %v", status, f)
	}
	c.fails("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb}, 429, "REQUEST_LIMIT_EXCEEDED")
	if status, _ := adminCall(t, e, "POST", "/_emulator/faults", `{"throttleRate":2}`); status != 400 {
		t.Errorf("invalid rate: %d", status)
	}
	if status, _ := adminCall(t, e, "POST", "/_emulator/faults", `{"throttle":1}`); status != 400 {
		t.Errorf("unknown field: %d", status)
	}
	if status, f := adminCall(t, e, "GET", "/_emulator/faults", ""); status != 200 || f["throttleRate"] != float64(1) {
		t.Errorf("GET faults: %d %v", status, f)
	}
	adminCall(t, e, "POST", "/_emulator/faults", `{}`)

	if status, _ := adminCall(t, e, "POST", "/_emulator/latency?ms=60", ""); status != 200 {
		t.Errorf("latency: %d", status)
	}
	start := time.Now()
	c.ok("DescribeLoadBalancerZones", nil)
	if time.Since(start) < 60*time.Millisecond {
		t.Errorf("latency not applied")
	}
	if status, _ := adminCall(t, e, "POST", "/_emulator/latency?ms=-1", ""); status != 400 {
		t.Errorf("negative latency: %d", status)
	}
	adminCall(t, e, "POST", "/_emulator/latency?ms=0", "")

	if status, _ := adminCall(t, e, "POST", "/_emulator/reset", ""); status != 200 {
		t.Errorf("reset: %d", status)
	}
	if len(e.Calls()) != 0 || e.BackendCount() != 1 {
		t.Errorf("after reset: %v, %d backends", e.Calls(), e.BackendCount())
	}
	adminCall(t, e, "POST", "/_emulator/reset?state=1", "")
	if e.BackendCount() != 0 {
		t.Errorf("after reset?state=1: %d backends", e.BackendCount())
	}
	if status, _ := adminCall(t, e, "GET", "/_emulator/nothing", ""); status != 404 {
		t.Errorf("unknown endpoint: %d", status)
	}
	if len(e.Calls()) != 0 {
		t.Errorf("admin calls were counted: %v", e.Calls())
	}
}

func TestAdminRefusesRemoteClients(t *testing.T) {
	e := New(Options{})
	req := httptest.NewRequest("GET", "/_emulator/stats", nil)
	req.RemoteAddr = "203.0.113.9:4000"
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("remote stats: %d", rec.Code)
	}
	req.RemoteAddr = "[::1]:4000"
	rec = httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("loopback stats: %d", rec.Code)
	}
}
