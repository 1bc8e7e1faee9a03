package emulator

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// outcomes performs n calls and records each as a status code or "conn".
func outcomes(t *testing.T, c *testClient, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		r, err := c.send(context.Background(), "DescribeLoadBalancerZones", nil)
		if err != nil {
			out[i] = "conn"
			continue
		}
		out[i] = fmt.Sprint(r.status)
		if r.status != 200 && r.code == "" {
			t.Errorf("fault without a code: %s", r.raw)
		}
	}
	return out
}

func TestFaultsAreDeterministic(t *testing.T) {
	faults := Faults{ThrottleRate: 0.2, ServerErrorRate: 0.2, ResetRate: 0.1}
	run := func(seed int64) []string {
		_, c := startEmulator(t, Options{Seed: seed, Faults: faults})
		return outcomes(t, c, 80)
	}
	a, b := run(7), run(7)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("same seed, different outcomes:\n%v\n%v", a, b)
	}
	seen := map[string]int{}
	for _, o := range a {
		seen[o]++
	}
	for _, kind := range []string{"200", "429", "500", "503", "conn"} {
		if seen[kind] == 0 {
			t.Errorf("seed 7 produced no %s in %v", kind, a)
		}
	}
	if c := run(8); fmt.Sprint(c) == fmt.Sprint(a) {
		t.Errorf("seeds 7 and 8 gave the same outcomes")
	}

	// SetSeed restarts the sequence.
	e, c := startEmulator(t, Options{Seed: 1, Faults: faults})
	outcomes(t, c, 10)
	e.SetSeed(7)
	if got := outcomes(t, c, 80); fmt.Sprint(got) != fmt.Sprint(a) {
		t.Errorf("after SetSeed(7): %v", got)
	}
}

func TestFaultedCallsAreNotApplied(t *testing.T) {
	e, c := startEmulator(t, Options{})
	body := map[string]any{"listenerId": FixtureListenerWeb, "backendName": "a", "instanceId": "bm-0001", "clientToken": "t"}
	for _, f := range []Faults{{ThrottleRate: 1}, {ServerErrorRate: 1}, {ResetRate: 1}} {
		e.SetFaults(f)
		r, err := c.send(context.Background(), "RegisterBackend", body)
		switch {
		case f.ThrottleRate == 1 && (err != nil || r.status != 429 || r.code != "REQUEST_LIMIT_EXCEEDED"):
			t.Errorf("throttle: %v %v", r, err)
		case f.ServerErrorRate == 1 && (err != nil || !isServerError(r)):
			t.Errorf("server error: %v %v", r, err)
		case f.ResetRate == 1 && err == nil:
			t.Errorf("reset: got a response %d", r.status)
		}
	}
	if e.BackendCount() != 0 || e.AppliedWriteCount() != 0 {
		t.Errorf("faulted calls were applied: %d backends, %d applied", e.BackendCount(), e.AppliedWriteCount())
	}
	if e.CallCount("RegisterBackend") != 3 || e.WriteCalls() != 3 {
		t.Errorf("calls %v, writes %d", e.Calls(), e.WriteCalls())
	}
	e.SetFaults(Faults{})
	c.register(FixtureListenerWeb, "bm-0001", "t", nil)
}

func TestDropResponseAppliesTheWrite(t *testing.T) {
	e, c := startEmulator(t, Options{Faults: Faults{DropResponseRate: 1, Actions: []string{"RegisterBackend", "DescribeBackends"}}})
	body := map[string]any{"listenerId": FixtureListenerWeb, "backendName": "a", "instanceId": "bm-0001", "clientToken": "t"}
	_, err := c.send(context.Background(), "RegisterBackend", body)
	if err == nil || !strings.Contains(err.Error(), "EOF") {
		t.Fatalf("want an EOF, got %v", err)
	}
	// Reads are never dropped.
	total, _ := c.backends(map[string]any{"listenerId": FixtureListenerWeb})
	if total != 1 || e.AppliedWrites()["RegisterBackend"] != 1 {
		t.Errorf("the dropped write was not applied: %d backends", total)
	}
	// Actions outside the list are not affected.
	c.ok("CreateListener", listenerBody(nil))

	// The retry with the same token finds the backend instead of adding one.
	e.SetFaults(Faults{})
	first := e.Backends(FixtureListenerWeb)[0].BackendID
	if id := c.register(FixtureListenerWeb, "bm-0001", "t", nil); id != first || e.BackendCount() != 1 {
		t.Errorf("retry returned %s (first %s), %d backends", id, first, e.BackendCount())
	}
}

func TestFaultsLimitedToActions(t *testing.T) {
	e, c := startEmulator(t, Options{Faults: Faults{ThrottleRate: 1, Actions: []string{"DeregisterBackend"}}})
	id := c.register(FixtureListenerWeb, "bm-0001", "t", nil)
	c.fails("DeregisterBackend", map[string]any{"backendId": id}, 429, "REQUEST_LIMIT_EXCEEDED")
	if got := e.Faults(); got.ThrottleRate != 1 || len(got.Actions) != 1 {
		t.Errorf("Faults() = %+v", got)
	}
	e.SetFaults(Faults{ThrottleRate: 3, ResetRate: -1})
	if got := e.Faults(); got.ThrottleRate != 1 || got.ResetRate != 0 {
		t.Errorf("rates not clamped: %+v", got)
	}
	if err := (Faults{ThrottleRate: 0.6, ServerErrorRate: 0.6}).Validate(); err == nil {
		t.Error("Validate accepted rates adding up to more than 1")
	}
	if err := (Faults{Actions: []string{"Nope"}}).Validate(); err == nil {
		t.Error("Validate accepted an unknown action")
	}
}

// concurrently runs the calls at the same time and returns their answers in order.
func concurrently(t *testing.T, c *testClient, calls ...func(*testClient) *reply) []*reply {
	t.Helper()
	out := make([]*reply, len(calls))
	var wg sync.WaitGroup
	for i, f := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = f(c)
		}()
	}
	wg.Wait()
	return out
}

func registerCall(listenerID, instanceID, token string) func(*testClient) *reply {
	return func(c *testClient) *reply {
		r, err := c.send(context.Background(), "RegisterBackend", map[string]any{
			"listenerId": listenerID, "backendName": "b", "instanceId": instanceID, "clientToken": token,
		})
		if err != nil {
			return &reply{code: err.Error()}
		}
		return r
	}
}

func TestRejectOverlappingWrites(t *testing.T) {
	e, c := startEmulator(t, Options{RejectOverlappingWrites: true})
	existing := c.register(FixtureListenerWeb, "bm-0009", "first", nil)
	e.SetLatency(200 * time.Millisecond)

	got := concurrently(t, c,
		registerCall(FixtureListenerWeb, "bm-0001", "a"),
		func(c *testClient) *reply {
			time.Sleep(50 * time.Millisecond)
			r, _ := c.send(context.Background(), "DeregisterBackend", map[string]any{"backendId": existing})
			return r
		},
		registerCall(FixtureListenerAPI, "bm-0002", "b"),
	)
	if got[0].status != 200 || got[2].status != 200 {
		t.Errorf("writes on different listeners: %d %d", got[0].status, got[2].status)
	}
	if got[1] == nil || got[1].status != 409 || got[1].code != "OPERATION_DENIED_LISTENER_BUSY" {
		t.Errorf("overlapping write: %+v", got[1])
	}
	// Once the first write is done the listener takes writes again.
	c.ok("DeregisterBackend", map[string]any{"backendId": existing})

	// Reads do not count, and the knob can be turned off.
	got = concurrently(t, c,
		registerCall(FixtureListenerWeb, "bm-0003", "c"),
		func(c *testClient) *reply {
			time.Sleep(50 * time.Millisecond)
			r, _ := c.send(context.Background(), "DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb})
			return r
		},
	)
	if got[0].status != 200 || got[1].status != 200 {
		t.Errorf("write and read: %d %d", got[0].status, got[1].status)
	}
	e.SetRejectOverlappingWrites(false)
	got = concurrently(t, c, registerCall(FixtureListenerWeb, "bm-0004", "d"), registerCall(FixtureListenerWeb, "bm-0005", "e"))
	if got[0].status != 200 || got[1].status != 200 {
		t.Errorf("with the knob off: %d %d", got[0].status, got[1].status)
	}
}

func TestCounters(t *testing.T) {
	e, c := startEmulator(t, Options{})
	c.ok("DescribeLoadBalancerZones", nil)
	c.withKey("NOBODY", "x").fails("DescribeLoadBalancerZones", nil, 401, "AUTH_FAILURE_ACCESS_KEY_NOT_FOUND")
	c.register(FixtureListenerWeb, "bm-0001", "a", nil)
	c.register(FixtureListenerWeb, "bm-0001", "a", nil)
	c.fails("RegisterBackend", map[string]any{"listenerId": "lsn-none", "backendName": "a", "instanceId": "bm-0001", "clientToken": "b"}, 404, "INVALID_LISTENER_NOT_FOUND")
	c.fails("Unknown", nil, 400, "INVALID_ACTION")

	calls := e.Calls()
	if calls["DescribeLoadBalancerZones"] != 2 || calls["RegisterBackend"] != 3 || calls["Unknown"] != 1 {
		t.Errorf("Calls() = %v", calls)
	}
	if e.WriteCalls() != 3 {
		t.Errorf("WriteCalls() = %d", e.WriteCalls())
	}
	if applied := e.AppliedWrites(); applied["RegisterBackend"] != 1 || len(applied) != 1 || e.AppliedWriteCount() != 1 {
		t.Errorf("AppliedWrites() = %v", applied)
	}

	// Direct changes are not calls.
	e.SetBackendWeightDirect(e.Backends(FixtureListenerWeb)[0].BackendID, 5)
	e.DeleteListenerDirect(FixtureListenerAPI)
	if len(e.Calls()) != 3 {
		t.Errorf("direct changes were counted: %v", e.Calls())
	}

	e.ResetCounters()
	if len(e.Calls()) != 0 || e.WriteCalls() != 0 || e.AppliedWriteCount() != 0 || e.PeakInFlight() != 0 {
		t.Errorf("after ResetCounters: %v %d %d %d", e.Calls(), e.WriteCalls(), e.AppliedWriteCount(), e.PeakInFlight())
	}

	e.SetLatency(100 * time.Millisecond)
	calls5 := make([]func(*testClient) *reply, 5)
	for i := range calls5 {
		calls5[i] = func(c *testClient) *reply {
			r, _ := c.send(context.Background(), "DescribeLoadBalancerZones", nil)
			return r
		}
	}
	concurrently(t, c, calls5...)
	if e.PeakInFlight() != 5 || e.InFlight() != 0 {
		t.Errorf("PeakInFlight() = %d, InFlight() = %d", e.PeakInFlight(), e.InFlight())
	}
}

func TestDirectChanges(t *testing.T) {
	e, c := startEmulator(t, Options{})
	a := c.register(FixtureListenerWeb, "bm-0001", "a", nil)
	c.register(FixtureListenerWeb, "bm-0002", "b", nil)
	c.register(FixtureListenerAPI, "bm-0003", "c", nil)

	if !e.SetBackendWeightDirect(a, 33) || e.SetBackendWeightDirect("bk-none", 1) {
		t.Error("SetBackendWeightDirect results")
	}
	_, items := c.backends(map[string]any{"listenerId": FixtureListenerWeb, "backendIds": []string{a}})
	if items[0]["weight"] != float64(33) {
		t.Errorf("weight %v", items[0]["weight"])
	}
	if !e.DeleteBackendDirect(a) || e.DeleteBackendDirect(a) {
		t.Error("DeleteBackendDirect results")
	}
	c.fails("DeregisterBackend", map[string]any{"backendId": a}, 404, "OPERATION_FAILED_RESOURCE_NOT_FOUND")
	if e.BackendCount() != 2 {
		t.Errorf("BackendCount() = %d", e.BackendCount())
	}
	if !e.DeleteListenerDirect(FixtureListenerWeb) || e.DeleteListenerDirect(FixtureListenerWeb) {
		t.Error("DeleteListenerDirect results")
	}
	if e.BackendCount() != 1 || len(e.Listeners("")) != 2 {
		t.Errorf("after DeleteListenerDirect: %d backends, %d listeners", e.BackendCount(), len(e.Listeners("")))
	}
	if !e.TerminateLoadBalancerDirect(FixtureLoadBalancerID) || e.TerminateLoadBalancerDirect(FixtureLoadBalancerID) {
		t.Error("TerminateLoadBalancerDirect results")
	}
	if e.BackendCount() != 0 || len(e.Listeners("")) != 0 || e.LoadBalancers()[0].Status != StatusRecycled {
		t.Errorf("after TerminateLoadBalancerDirect: %+v", e.LoadBalancers())
	}
	if e.AppliedWriteCount() != 3 || e.WriteCalls() != 4 {
		t.Errorf("direct changes touched the counters: %d applied, %d writes", e.AppliedWriteCount(), e.WriteCalls())
	}

	if !e.SetInstanceFails("bm-0004", true) || e.SetInstanceFails("bm-none", true) {
		t.Error("SetInstanceFails results")
	}
	e.ResetState()
	if len(e.Listeners("")) != 3 || e.LoadBalancers()[0].Status != StatusRunning || e.BackendCount() != 0 {
		t.Errorf("after ResetState: %+v", e.LoadBalancers())
	}
}

func isServerError(r *reply) bool {
	return r.status == 503 && r.code == "SERVICE_TEMPORARY_UNAVAILABLE" || r.status == 500 && r.code == "INTERNAL_SERVER_ERROR"
}
