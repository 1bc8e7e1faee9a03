package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func listenerBody(change map[string]any) map[string]any {
	b := map[string]any{
		"loadBalancerId": FixtureLoadBalancerID, "listenerName": "smtp", "portList": []int{25},
		"clientToken": "lsn-tok", "protocol": "TCP", "backendProtocol": "TCP",
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

func describeListener(t *testing.T, c *testClient, id string) map[string]any {
	t.Helper()
	total, items := listOf(t, c.ok("DescribeListeners", map[string]any{"listenerIds": []string{id}}))
	if total != 1 {
		t.Fatalf("DescribeListeners(%s): total %d", id, total)
	}
	return items[0]
}

func TestCreateListener(t *testing.T) {
	clock := newFakeClock()
	e, c := startEmulator(t, Options{Now: clock.Now, PendingFor: 5 * time.Second})
	id := asString(t, c.ok("CreateListener", listenerBody(nil))["listenerId"])
	if !strings.HasPrefix(id, "lsn-") || strings.Contains(id, ":") {
		t.Errorf("listener ID %q", id)
	}
	l := describeListener(t, c, id)
	want := map[string]any{
		"loadBalancerId": FixtureLoadBalancerID, "listenerId": id, "listenerName": "smtp", "status": StatusCreating,
		"port": "25", "protocol": "TCP", "backendProtocol": "TCP", "scheduler": "wrr", "kind": "FNAT",
		"createTime": "2026-03-01T12:00:00Z",
	}
	for k, v := range want {
		if l[k] != v {
			t.Errorf("%s = %#v, want %#v", k, l[k], v)
		}
	}
	if hc := asMap(t, l["healthCheck"]); hc["checkEnabled"] != false {
		t.Errorf("default healthCheck %v", hc)
	}
	if n := asMap(t, l["notify"]); n["enable"] != false {
		t.Errorf("default notify %v", n)
	}

	// No backend on a listener that is still being created.
	c.fails("RegisterBackend", map[string]any{"listenerId": id, "backendName": "a", "instanceId": "bm-0001", "clientToken": "x"},
		409, "OPERATION_DENIED_LISTENER_NOT_READY")
	clock.Advance(5 * time.Second)
	if s := describeListener(t, c, id)["status"]; s != StatusAvailable {
		t.Errorf("status after PendingFor: %v", s)
	}
	c.register(id, "bm-0001", "x", nil)

	// The same client token returns the same listener.
	again := c.ok("CreateListener", listenerBody(map[string]any{"listenerName": "ignored"}))["listenerId"]
	if again != id || len(e.Listeners(FixtureLoadBalancerID)) != 4 {
		t.Errorf("replay: %v, %d listeners", again, len(e.Listeners(FixtureLoadBalancerID)))
	}

	// Options are kept.
	hc := map[string]any{"checkEnabled": true, "checkType": "TCP", "checkPort": 8081, "checkIntervalTime": 5}
	id2 := asString(t, c.ok("CreateListener", listenerBody(map[string]any{
		"clientToken": "two", "portList": []int{5000, 5001}, "protocol": "UDP", "backendProtocol": "UDP",
		"scheduler": "rr", "kind": "DR", "healthCheck": hc, "notify": map[string]any{"enable": true, "apiAddress": "https://example.com/hook"},
	}))["listenerId"])
	clock.Advance(5 * time.Second)
	l = describeListener(t, c, id2)
	if l["port"] != "5000,5001" || l["scheduler"] != "rr" || l["kind"] != "DR" || l["protocol"] != "UDP" {
		t.Errorf("listener %v", l)
	}
	got := asMap(t, l["healthCheck"])
	if got["checkEnabled"] != true || got["checkPort"] != float64(8081) || got["checkType"] != "TCP" {
		t.Errorf("healthCheck %v", got)
	}
	if n := asMap(t, l["notify"]); n["enable"] != true || n["apiAddress"] != "https://example.com/hook" {
		t.Errorf("notify %v", n)
	}
}

func TestCreateListenerValidation(t *testing.T) {
	clock := newFakeClock()
	_, c := startEmulator(t, Options{Now: clock.Now})
	cases := []struct {
		name   string
		change map[string]any
		status int
		code   string
	}{
		{"no load balancer", map[string]any{"loadBalancerId": nil}, 400, "MISSING_PARAMETER"},
		{"no name", map[string]any{"listenerName": nil}, 400, "MISSING_PARAMETER"},
		{"no ports", map[string]any{"portList": nil}, 400, "MISSING_PARAMETER"},
		{"empty ports", map[string]any{"portList": []int{}}, 400, "MISSING_PARAMETER"},
		{"no token", map[string]any{"clientToken": nil}, 400, "MISSING_PARAMETER"},
		{"no protocol", map[string]any{"protocol": nil}, 400, "MISSING_PARAMETER"},
		{"no backend protocol", map[string]any{"backendProtocol": nil}, 400, "MISSING_PARAMETER"},
		{"bad protocol", map[string]any{"protocol": "HTTP"}, 400, "INVALID_PARAMETER"},
		{"bad scheduler", map[string]any{"scheduler": "WRR"}, 400, "INVALID_PARAMETER"},
		{"bad kind", map[string]any{"kind": "NAT"}, 400, "INVALID_PARAMETER"},
		{"bad name", map[string]any{"listenerName": "a b"}, 400, "INVALID_PARAMETER"},
		{"bad port", map[string]any{"portList": []int{70000}}, 400, "INVALID_PARAMETER"},
		{"bad health check", map[string]any{"healthCheck": map[string]any{"checkPort": 0}}, 400, "INVALID_PARAMETER"},
		{"unknown health check field", map[string]any{"healthCheck": map[string]any{"checkPorts": 80}}, 400, "INVALID_PARAMETER"},
		{"health check type", map[string]any{"healthCheck": map[string]any{"checkEnabled": "yes"}}, 400, "INVALID_PARAMETER"},
		{"bad notify", map[string]any{"notify": "on"}, 400, "INVALID_PARAMETER"},
		{"unknown load balancer", map[string]any{"loadBalancerId": "lb-none"}, 404, "OPERATION_FAILED_RESOURCE_NOT_FOUND"},
		{"port clash", map[string]any{"portList": []int{25, 80}}, 409, "OPERATION_DENIED_PORT_CONFLICT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := *c
			cc.t = t
			cc.fails("CreateListener", listenerBody(tc.change), tc.status, tc.code)
		})
	}
	r := c.fails("CreateListener", listenerBody(map[string]any{"healthCheck": map[string]any{"checkPort": 0}}), 400, "INVALID_PARAMETER")
	if !strings.Contains(r.message, "healthCheck.checkPort") {
		t.Errorf("message %q does not name healthCheck.checkPort", r.message)
	}

	// The same port with another protocol does not clash.
	c.ok("CreateListener", listenerBody(map[string]any{"clientToken": "udp80", "portList": []int{80}, "protocol": "UDP", "backendProtocol": "UDP"}))

	// A load balancer that is not Running takes no listeners.
	c.e.SetPendingFor(time.Minute)
	lbID := c.ok("CreateLoadBalancer", map[string]any{
		"zoneId": "SEL-A", "loadBalancerName": "new", "chargeType": "POSTPAID", "bandwidth": 10, "ipType": "IPv4",
	})["loadBalancerId"]
	c.fails("CreateListener", listenerBody(map[string]any{"loadBalancerId": lbID, "clientToken": "n"}), 409, "OPERATION_DENIED_LOAD_BALANCER_NOT_READY")
	clock.Advance(time.Minute)
	c.ok("CreateListener", listenerBody(map[string]any{"loadBalancerId": lbID, "clientToken": "n"}))
}

func TestModifyListenerAttribute(t *testing.T) {
	e, c := startEmulator(t, Options{})
	c.ok("ModifyListenerAttribute", map[string]any{
		"listenerId": FixtureListenerWeb, "listenerName": "web-2", "scheduler": "rr",
		"healthCheck": map[string]any{"checkEnabled": true, "checkType": "HTTP", "httpCheckPath": "/health"},
	})
	l := describeListener(t, c, FixtureListenerWeb)
	if l["listenerName"] != "web-2" || l["scheduler"] != "rr" || l["port"] != "80" || l["kind"] != "FNAT" {
		t.Errorf("listener %v", l)
	}
	// Health check fields merge.
	c.ok("ModifyListenerAttribute", map[string]any{"listenerId": FixtureListenerWeb, "healthCheck": map[string]any{"checkRetry": 3}})
	hc := asMap(t, describeListener(t, c, FixtureListenerWeb)["healthCheck"])
	if hc["checkEnabled"] != true || hc["httpCheckPath"] != "/health" || hc["checkRetry"] != float64(3) {
		t.Errorf("healthCheck %v", hc)
	}
	applied := e.AppliedWrites()["ModifyListenerAttribute"]

	// Unchanged values are accepted; the same ports too.
	c.ok("ModifyListenerAttribute", map[string]any{"listenerId": FixtureListenerWeb, "listenerName": "web-2", "portList": []int{80}})
	if e.AppliedWrites()["ModifyListenerAttribute"] != applied {
		t.Errorf("a change that changed nothing was counted as applied")
	}

	c.fails("ModifyListenerAttribute", map[string]any{"listenerId": FixtureListenerWeb, "portList": []int{81}}, 400, "INVALID_PARAMETER")
	c.fails("ModifyListenerAttribute", map[string]any{"listenerId": FixtureListenerWeb, "scheduler": "lc"}, 400, "INVALID_PARAMETER")
	c.fails("ModifyListenerAttribute", map[string]any{"listenerId": "lsn-none", "scheduler": "rr"}, 404, "INVALID_LISTENER_NOT_FOUND")
	c.fails("ModifyListenerAttribute", map[string]any{"scheduler": "rr"}, 400, "MISSING_PARAMETER")
}

func TestModifyListenerKindAndProtocol(t *testing.T) {
	_, c := startEmulator(t, Options{})
	// lsn-dr is UDP 53; a TCP listener on 53 may exist, but lsn-dr cannot then switch to TCP.
	c.ok("CreateListener", listenerBody(map[string]any{"portList": []int{53}}))
	c.fails("ModifyListenerAttribute", map[string]any{"listenerId": FixtureListenerDR, "protocol": "TCP"}, 409, "OPERATION_DENIED_PORT_CONFLICT")

	c.ok("ModifyListenerAttribute", map[string]any{"listenerId": FixtureListenerWeb, "kind": "DR"})
	c.ok("ModifyListenerAttribute", map[string]any{"listenerId": FixtureListenerWeb, "kind": "FNAT"})
	c.register(FixtureListenerWeb, "bm-0001", "a", nil)
	c.fails("ModifyListenerAttribute", map[string]any{"listenerId": FixtureListenerWeb, "kind": "DR"}, 409, "OPERATION_DENIED_LISTENER_HAS_BACKENDS")
}

func TestDeleteListenerRemovesBackends(t *testing.T) {
	e, c := startEmulator(t, Options{})
	for i := 1; i <= 3; i++ {
		c.register(FixtureListenerWeb, fmt.Sprintf("bm-%04d", i), fmt.Sprint(i), nil)
	}
	kept := c.register(FixtureListenerAPI, "bm-0001", "api", nil)
	c.ok("DeleteListener", map[string]any{"listenerId": FixtureListenerWeb})
	if n := len(e.Backends(FixtureListenerWeb)); n != 0 {
		t.Errorf("%d backends remain on the deleted listener", n)
	}
	if e.BackendCount() != 1 || e.Backends(FixtureListenerAPI)[0].BackendID != kept {
		t.Errorf("other backends were touched: %d", e.BackendCount())
	}
	c.fails("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb}, 404, "INVALID_LISTENER_NOT_FOUND")
	c.fails("DeleteListener", map[string]any{"listenerId": FixtureListenerWeb}, 404, "INVALID_LISTENER_NOT_FOUND")
	c.fails("DeleteListener", map[string]any{}, 400, "MISSING_PARAMETER")
}

func TestDescribeListeners(t *testing.T) {
	_, c := startEmulator(t, Options{})
	total, items := listOf(t, c.ok("DescribeListeners", nil))
	if total != 3 || len(items) != 3 {
		t.Fatalf("total %d", total)
	}
	order := []string{}
	for _, it := range items {
		order = append(order, asString(t, it["listenerId"]))
	}
	if fmt.Sprint(order) != fmt.Sprint([]string{FixtureListenerWeb, FixtureListenerAPI, FixtureListenerDR}) {
		t.Errorf("order %v", order)
	}
	if items[1]["port"] != "8080,8443" || items[2]["kind"] != "DR" || items[2]["protocol"] != "UDP" {
		t.Errorf("listeners %v", items)
	}

	total, items = listOf(t, c.ok("DescribeListeners", map[string]any{"pageSize": 2, "pageNum": 2}))
	if total != 3 || len(items) != 1 || items[0]["listenerId"] != FixtureListenerDR {
		t.Errorf("page 2: %d %v", total, items)
	}
	total, _ = listOf(t, c.ok("DescribeListeners", map[string]any{"loadBalancerIds": []string{FixtureLoadBalancerID}}))
	if total != 3 {
		t.Errorf("by load balancer: %d", total)
	}
	total, _ = listOf(t, c.ok("DescribeListeners", map[string]any{"loadBalancerIds": []string{"lb-other"}}))
	if total != 0 {
		t.Errorf("by other load balancer: %d", total)
	}
	total, items = listOf(t, c.ok("DescribeListeners", map[string]any{"listenerName": "ap"}))
	if total != 1 || items[0]["listenerId"] != FixtureListenerAPI {
		t.Errorf("by name: %v", items)
	}

	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("lsn-%d", i)
	}
	r := c.fails("DescribeListeners", map[string]any{"listenerIds": many}, 400, "INVALID_PARAMETER")
	if !strings.Contains(r.message, "listenerIds") {
		t.Errorf("message %q", r.message)
	}
	c.fails("DescribeListeners", map[string]any{"loadBalancerIds": many}, 400, "INVALID_PARAMETER")
	c.ok("DescribeListeners", map[string]any{"listenerIds": many[:100]})
}
