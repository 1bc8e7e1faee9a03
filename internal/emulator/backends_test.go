package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestRegisterAndDescribeBackend(t *testing.T) {
	clock := newFakeClock()
	e, c := startEmulator(t, Options{Now: clock.Now})
	id := c.register(FixtureListenerWeb, "bm-0007", "tok-1", nil)
	if !strings.HasPrefix(id, "bk-") || strings.Contains(id, ":") {
		t.Errorf("backend ID %q", id)
	}

	total, items := c.backends(map[string]any{"listenerId": FixtureListenerWeb})
	if total != 1 || len(items) != 1 {
		t.Fatalf("total %d, items %v", total, items)
	}
	want := map[string]any{
		"listenerId": FixtureListenerWeb, "backendId": id, "backendName": "bk-bm-0007", "status": "Available",
		"port": "80", "weight": float64(100), "instanceId": "bm-0007", "instanceType": "BM",
		"instanceName": "web-0007", "createTime": "2026-03-01T12:00:00Z",
	}
	for k, v := range want {
		if items[0][k] != v {
			t.Errorf("%s = %#v, want %#v", k, items[0][k], v)
		}
	}
	if len(items[0]) != len(want) {
		t.Errorf("unexpected fields: %v", items[0])
	}

	// The snapshot agrees.
	views := e.Backends(FixtureListenerWeb)
	if len(views) != 1 || views[0].BackendID != id || views[0].Weight != 100 || views[0].Status != StatusAvailable {
		t.Errorf("Backends() = %+v", views)
	}
	if e.BackendCount() != 1 {
		t.Errorf("BackendCount() = %d", e.BackendCount())
	}
}

func TestBackendPortString(t *testing.T) {
	_, c := startEmulator(t, Options{})
	cases := []struct {
		listener string
		ports    []int
		want     string
	}{
		{FixtureListenerWeb, []int{8000}, "8000"},
		{FixtureListenerWeb, []int{81, 443}, "81,443"},
		{FixtureListenerAPI, nil, "8080,8443"}, // FNAT without ports: the listener's
		{FixtureListenerDR, nil, ""},           // DR: no ports
	}
	for i, tc := range cases {
		extra := map[string]any{}
		if tc.ports != nil {
			extra["portList"] = tc.ports
		}
		id := c.register(tc.listener, fmt.Sprintf("bm-%04d", i+1), fmt.Sprintf("t%d", i), extra)
		_, items := c.backends(map[string]any{"listenerId": tc.listener, "backendIds": []string{id}})
		if len(items) != 1 || items[0]["port"] != tc.want {
			t.Errorf("%s %v: port %#v, want %q", tc.listener, tc.ports, items, tc.want)
		}
	}
}

func TestRegisterBackendValidation(t *testing.T) {
	_, c := startEmulator(t, Options{})
	base := func(change map[string]any) map[string]any {
		b := map[string]any{
			"listenerId": FixtureListenerWeb, "backendName": "web-1", "instanceId": "bm-0001", "clientToken": "tok",
		}
		for k, v := range change {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	cases := []struct {
		name   string
		change map[string]any
		status int
		code   string
		field  string
	}{
		{"no listener", map[string]any{"listenerId": nil}, 400, "MISSING_PARAMETER", "listenerId"},
		{"empty name", map[string]any{"backendName": ""}, 400, "MISSING_PARAMETER", "backendName"},
		{"no instance", map[string]any{"instanceId": nil}, 400, "MISSING_PARAMETER", "instanceId"},
		{"no token", map[string]any{"clientToken": nil}, 400, "MISSING_PARAMETER", "clientToken"},
		{"name characters", map[string]any{"backendName": "web_1"}, 400, "INVALID_PARAMETER", "backendName"},
		{"name length", map[string]any{"backendName": strings.Repeat("a", 65)}, 400, "INVALID_PARAMETER", "backendName"},
		{"name type", map[string]any{"backendName": 5}, 400, "INVALID_PARAMETER", "backendName"},
		{"weight low", map[string]any{"weight": 0}, 400, "INVALID_PARAMETER", "weight"},
		{"weight high", map[string]any{"weight": 101}, 400, "INVALID_PARAMETER", "weight"},
		{"weight type", map[string]any{"weight": "50"}, 400, "INVALID_PARAMETER", "weight"},
		{"port low", map[string]any{"portList": []int{0}}, 400, "INVALID_PARAMETER", "portList"},
		{"port high", map[string]any{"portList": []int{65536}}, 400, "INVALID_PARAMETER", "portList"},
		{"port twice", map[string]any{"portList": []int{80, 80}}, 400, "INVALID_PARAMETER", "portList"},
		{"ports type", map[string]any{"portList": "80"}, 400, "INVALID_PARAMETER", "portList"},
		{"instance type", map[string]any{"instanceType": "bm"}, 400, "INVALID_PARAMETER", "instanceType"},
		{"type mismatch", map[string]any{"instanceType": "VM"}, 400, "INVALID_PARAMETER", "instanceType"},
		{"unknown listener", map[string]any{"listenerId": "lsn-nope"}, 404, "INVALID_LISTENER_NOT_FOUND", "lsn-nope"},
		{"unknown instance", map[string]any{"instanceId": "bm-9999"}, 404, "INVALID_INSTANCE_NOT_FOUND", "bm-9999"},
		{"DR with ports", map[string]any{"listenerId": FixtureListenerDR, "portList": []int{53}}, 400, "INVALID_PARAMETER", "portList"},
		{"unknown field", map[string]any{"port": 80}, 400, "INVALID_PARAMETER", "port"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := *c
			cc.t = t
			r := cc.fails("RegisterBackend", base(tc.change), tc.status, tc.code)
			if !strings.Contains(r.message, tc.field) {
				t.Errorf("message %q does not name %s", r.message, tc.field)
			}
		})
	}

	// A VM instance registers with instanceType VM, and weight and ports are kept.
	id := c.register(FixtureListenerWeb, "vm-0003", "vm", map[string]any{"instanceType": "VM", "weight": 7, "portList": []int{8080}})
	_, items := c.backends(map[string]any{"listenerId": FixtureListenerWeb, "backendIds": []string{id}})
	if items[0]["instanceType"] != "VM" || items[0]["weight"] != float64(7) || items[0]["instanceName"] != "app-0003" {
		t.Errorf("VM backend: %v", items[0])
	}
	if c.e.BackendCount() != 1 {
		t.Errorf("failed registrations left backends: %d", c.e.BackendCount())
	}
}

func TestRegisterBackendDuplicate(t *testing.T) {
	_, c := startEmulator(t, Options{})
	c.register(FixtureListenerWeb, "bm-0001", "a", map[string]any{"portList": []int{80, 443}})
	r := c.fails("RegisterBackend", map[string]any{
		"listenerId": FixtureListenerWeb, "backendName": "again", "instanceId": "bm-0001", "clientToken": "b",
		"portList": []int{443, 80},
	}, 409, "OPERATION_DENIED_BACKEND_EXISTS")
	if !strings.Contains(r.message, "bm-0001") {
		t.Errorf("message %q", r.message)
	}
	// Other ports, another listener, or another instance are fine.
	c.register(FixtureListenerWeb, "bm-0001", "c", map[string]any{"portList": []int{8080}})
	c.register(FixtureListenerAPI, "bm-0001", "d", map[string]any{"portList": []int{80, 443}})
	c.register(FixtureListenerWeb, "bm-0002", "e", map[string]any{"portList": []int{80, 443}})
	// Without ports on FNAT the listener's ports count.
	c.register(FixtureListenerWeb, "bm-0003", "f", nil)
	c.fails("RegisterBackend", map[string]any{
		"listenerId": FixtureListenerWeb, "backendName": "x", "instanceId": "bm-0003", "clientToken": "g", "portList": []int{80},
	}, 409, "OPERATION_DENIED_BACKEND_EXISTS")
}

func TestRegisterBackendClientToken(t *testing.T) {
	e, c := startEmulator(t, Options{})
	body := map[string]any{"listenerId": FixtureListenerWeb, "backendName": "w", "instanceId": "bm-0001", "clientToken": "same"}
	first := c.ok("RegisterBackend", body)["backendId"]
	second := c.ok("RegisterBackend", body)["backendId"]
	if first != second {
		t.Fatalf("replay returned %v, first %v", second, first)
	}
	if e.BackendCount() != 1 {
		t.Errorf("replay created a backend: %d", e.BackendCount())
	}
	if got := e.AppliedWrites()["RegisterBackend"]; got != 1 {
		t.Errorf("applied RegisterBackend = %d, want 1", got)
	}

	// The token is remembered after the backend is gone.
	c.ok("DeregisterBackend", map[string]any{"backendId": first})
	third := c.ok("RegisterBackend", body)["backendId"]
	if third != first || e.BackendCount() != 0 {
		t.Errorf("after deregistration: ID %v, %d backends", third, e.BackendCount())
	}

	// The token is scoped to the access key.
	e.AddAccessKey("OTHERKEY", "other-password")
	other := c.withKey("OTHERKEY", "other-password").ok("RegisterBackend", body)["backendId"]
	if other == first || e.BackendCount() != 1 {
		t.Errorf("another key got %v (first %v), %d backends", other, first, e.BackendCount())
	}
}

func TestBackendStatusTransitions(t *testing.T) {
	clock := newFakeClock()
	e, c := startEmulator(t, Options{Now: clock.Now, PendingFor: 30 * time.Second, DeletingFor: 10 * time.Second})
	ok := c.register(FixtureListenerWeb, "bm-0001", "a", nil)
	bad := c.register(FixtureListenerWeb, FixtureFailingInstance, "b", nil)
	status := func(id string) string {
		t.Helper()
		_, items := c.backends(map[string]any{"listenerId": FixtureListenerWeb, "backendIds": []string{id}})
		if len(items) == 0 {
			return "gone"
		}
		return asString(t, items[0]["status"])
	}
	if s1, s2 := status(ok), status(bad); s1 != StatusRegistering || s2 != StatusRegistering {
		t.Errorf("at once: %s %s", s1, s2)
	}
	clock.Advance(29 * time.Second)
	if s := status(ok); s != StatusRegistering {
		t.Errorf("after 29s: %s", s)
	}
	clock.Advance(time.Second)
	if s1, s2 := status(ok), status(bad); s1 != StatusAvailable || s2 != StatusRegisterFailed {
		t.Errorf("after 30s: %s %s", s1, s2)
	}
	clock.Advance(time.Hour)
	if s := status(bad); s != StatusRegisterFailed {
		t.Errorf("failed backend became %s", s)
	}

	c.ok("DeregisterBackend", map[string]any{"backendId": ok})
	if s := status(ok); s != StatusDeregistering {
		t.Errorf("after deregistration: %s", s)
	}
	// Deregistering again is accepted and changes nothing.
	c.ok("DeregisterBackend", map[string]any{"backendId": ok})
	if e.BackendCount() != 2 {
		t.Errorf("BackendCount() while deregistering = %d", e.BackendCount())
	}
	clock.Advance(10 * time.Second)
	if s := status(ok); s != "gone" {
		t.Errorf("after DeletingFor: %s", s)
	}
	c.fails("DeregisterBackend", map[string]any{"backendId": ok}, 404, "OPERATION_FAILED_RESOURCE_NOT_FOUND")
	if e.BackendCount() != 1 {
		t.Errorf("BackendCount() = %d", e.BackendCount())
	}
}

func TestPendingWithRealClock(t *testing.T) {
	_, c := startEmulator(t, Options{PendingFor: 40 * time.Millisecond})
	id := c.register(FixtureListenerWeb, "bm-0001", "a", nil)
	_, items := c.backends(map[string]any{"listenerId": FixtureListenerWeb, "backendIds": []string{id}})
	if items[0]["status"] != StatusRegistering {
		t.Errorf("status %v", items[0]["status"])
	}
	time.Sleep(50 * time.Millisecond)
	_, items = c.backends(map[string]any{"listenerId": FixtureListenerWeb, "backendIds": []string{id}})
	if items[0]["status"] != StatusAvailable {
		t.Errorf("status %v", items[0]["status"])
	}
}

func TestDeregisterBackend(t *testing.T) {
	e, c := startEmulator(t, Options{})
	id := c.register(FixtureListenerWeb, "bm-0001", "a", nil)
	c.fails("DeregisterBackend", map[string]any{}, 400, "MISSING_PARAMETER")
	c.fails("DeregisterBackend", map[string]any{"backendId": "bk-none"}, 404, "OPERATION_FAILED_RESOURCE_NOT_FOUND")
	resp := c.ok("DeregisterBackend", map[string]any{"backendId": id})
	if len(resp) != 1 {
		t.Errorf("response %v", resp)
	}
	if e.BackendCount() != 0 {
		t.Errorf("backend remains with DeletingFor 0")
	}
}

func TestDescribeBackendsPagingAndFilters(t *testing.T) {
	_, c := startEmulator(t, Options{})
	var ids []string
	for i := 1; i <= 25; i++ {
		extra := map[string]any{}
		inst := fmt.Sprintf("bm-%04d", i)
		if i > 20 {
			inst = fmt.Sprintf("vm-%04d", i-20)
			extra["instanceType"] = "VM"
		}
		body := map[string]any{"listenerId": FixtureListenerWeb, "backendName": fmt.Sprintf("node-%02d", i),
			"instanceId": inst, "clientToken": fmt.Sprint(i)}
		for k, v := range extra {
			body[k] = v
		}
		ids = append(ids, asString(t, c.ok("RegisterBackend", body)["backendId"]))
	}
	c.register(FixtureListenerAPI, "bm-0100", "other", nil)

	collect := func(items []map[string]any) []string {
		out := []string{}
		for _, it := range items {
			out = append(out, asString(t, it["backendId"]))
		}
		return out
	}
	total, items := c.backends(map[string]any{"listenerId": FixtureListenerWeb})
	if total != 25 || len(items) != 20 || fmt.Sprint(collect(items)) != fmt.Sprint(ids[:20]) {
		t.Errorf("default page: total %d, %v", total, collect(items))
	}
	total, items = c.backends(map[string]any{"listenerId": FixtureListenerWeb, "pageNum": 2})
	if total != 25 || fmt.Sprint(collect(items)) != fmt.Sprint(ids[20:]) {
		t.Errorf("page 2: total %d, %v", total, collect(items))
	}
	total, items = c.backends(map[string]any{"listenerId": FixtureListenerWeb, "pageNum": 3, "pageSize": 10})
	if total != 25 || fmt.Sprint(collect(items)) != fmt.Sprint(ids[20:]) {
		t.Errorf("page 3 of 10: total %d, %v", total, collect(items))
	}
	total, items = c.backends(map[string]any{"listenerId": FixtureListenerWeb, "pageNum": 9})
	if total != 25 || len(items) != 0 {
		t.Errorf("beyond the end: total %d, %d items", total, len(items))
	}
	_, items = c.backends(map[string]any{"listenerId": FixtureListenerWeb, "pageSize": 1000})
	if len(items) != 25 {
		t.Errorf("pageSize 1000: %d items", len(items))
	}

	total, items = c.backends(map[string]any{"listenerId": FixtureListenerWeb, "backendIds": []string{ids[3], ids[1], "bk-none"}})
	if total != 2 || fmt.Sprint(collect(items)) != fmt.Sprint([]string{ids[1], ids[3]}) {
		t.Errorf("backendIds: total %d, %v", total, collect(items))
	}
	total, _ = c.backends(map[string]any{"listenerId": FixtureListenerWeb, "instanceType": "VM"})
	if total != 5 {
		t.Errorf("instanceType VM: total %d", total)
	}
	total, items = c.backends(map[string]any{"listenerId": FixtureListenerWeb, "backendName": "node-07"})
	if total != 1 || items[0]["backendId"] != ids[6] {
		t.Errorf("backendName: total %d, %v", total, items)
	}
	total, _ = c.backends(map[string]any{"listenerId": FixtureListenerWeb, "backendName": "node-1"})
	if total != 10 {
		t.Errorf("backendName substring: total %d", total)
	}

	c.fails("DescribeBackends", map[string]any{}, 400, "MISSING_PARAMETER")
	c.fails("DescribeBackends", map[string]any{"listenerId": "lsn-none"}, 404, "INVALID_LISTENER_NOT_FOUND")
	c.fails("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb, "pageSize": 1001}, 400, "INVALID_PARAMETER")
	c.fails("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb, "pageSize": 0}, 400, "INVALID_PARAMETER")
	c.fails("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb, "pageNum": 0}, 400, "INVALID_PARAMETER")
	c.fails("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb, "instanceType": "XX"}, 400, "INVALID_PARAMETER")
	c.fails("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb, "backendIds": "bk-1"}, 400, "INVALID_PARAMETER")
}

func TestModifyBackendWeight(t *testing.T) {
	clock := newFakeClock()
	e, c := startEmulator(t, Options{Now: clock.Now, DeletingFor: time.Minute})
	id := c.register(FixtureListenerWeb, "bm-0001", "a", nil)
	body := map[string]any{"backendId": id, "weight": 40}

	r := c.fails("ModifyBackendWeight", body, 400, "UNSUPPORTED_OPERATION")
	if !strings.Contains(r.message, LegacyVersion) {
		t.Errorf("message %q does not name the version that has the action", r.message)
	}
	legacy := c.withVersion(LegacyVersion)
	legacy.ok("ModifyBackendWeight", body)
	if v, _ := e.Backend(id); v.Weight != 40 {
		t.Errorf("weight %d", v.Weight)
	}
	legacy.fails("ModifyBackendWeight", map[string]any{"backendId": id}, 400, "MISSING_PARAMETER")
	legacy.fails("ModifyBackendWeight", map[string]any{"backendId": id, "weight": 101}, 400, "INVALID_PARAMETER")
	legacy.fails("ModifyBackendWeight", map[string]any{"backendId": "bk-none", "weight": 5}, 404, "OPERATION_FAILED_RESOURCE_NOT_FOUND")

	c.ok("DeregisterBackend", map[string]any{"backendId": id})
	legacy.fails("ModifyBackendWeight", body, 409, "OPERATION_DENIED_BACKEND_DEREGISTERING")
}
