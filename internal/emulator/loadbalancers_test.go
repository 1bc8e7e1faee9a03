package emulator

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func lbBody(change map[string]any) map[string]any {
	b := map[string]any{
		"zoneId": "HKG-A", "loadBalancerName": "edge-1", "chargeType": "POSTPAID", "bandwidth": 100, "ipType": "IPv4",
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

func describeLB(t *testing.T, c *testClient, id string) map[string]any {
	t.Helper()
	total, items := listOf(t, c.ok("DescribeLoadBalancers", map[string]any{"loadBalancerIds": []string{id}}))
	if total != 1 {
		t.Fatalf("DescribeLoadBalancers(%s): total %d", id, total)
	}
	return items[0]
}

func TestCreateLoadBalancer(t *testing.T) {
	clock := newFakeClock()
	_, c := startEmulator(t, Options{Now: clock.Now, PendingFor: time.Minute})
	resp := c.ok("CreateLoadBalancer", lbBody(map[string]any{
		"clientToken": "lb-1", "tags": map[string]any{"tags": []map[string]any{{"key": "env", "value": "test"}}},
		"subnetId": "subnet-1", "masterIp": "10.0.0.1", "backupIp": "10.0.0.2", "vipCount": 2,
	}))
	id, order := asString(t, resp["loadBalancerId"]), asString(t, resp["orderNumber"])
	if !strings.HasPrefix(id, "lb-") || strings.Contains(id, ":") || order == "" {
		t.Fatalf("response %v", resp)
	}
	again := c.ok("CreateLoadBalancer", lbBody(map[string]any{"clientToken": "lb-1"}))
	if again["loadBalancerId"] != id || again["orderNumber"] != order {
		t.Errorf("replay %v", again)
	}

	lb := describeLB(t, c, id)
	want := map[string]any{
		"loadBalancerId": id, "zoneId": "HKG-A", "loadBalancerName": "edge-1", "specName": "lb.standard",
		"chargeType": "POSTPAID", "createTime": "2026-03-01T12:00:00Z", "expiredTime": nil, "status": StatusCreating,
		"masterIp": "10.0.0.1", "backupIp": "10.0.0.2", "ipType": "IPv4", "bandwidth": float64(100), "isWorking": false,
	}
	for k, v := range want {
		if lb[k] != v {
			t.Errorf("%s = %#v, want %#v", k, lb[k], v)
		}
	}
	vips := asList(t, lb["vipList"])
	prefix := netip.MustParsePrefix("192.0.2.0/24")
	if len(vips) != 2 {
		t.Fatalf("vipList %v", vips)
	}
	for _, v := range vips {
		vip := asMap(t, v)
		addr, err := netip.ParseAddr(asString(t, vip["ipAddress"]))
		if err != nil || !prefix.Contains(addr) || vip["vipId"] == "" || vip["type"] != "IPv4" {
			t.Errorf("VIP %v", vip)
		}
	}
	tags := asList(t, lb["tags"])
	if len(tags) != 1 || asMap(t, tags[0])["key"] != "env" || asMap(t, tags[0])["value"] != "test" {
		t.Errorf("tags %v", tags)
	}
	if l := asList(t, lb["listenerList"]); len(l) != 0 {
		t.Errorf("listenerList %v", l)
	}

	clock.Advance(time.Minute)
	lb = describeLB(t, c, id)
	if lb["status"] != StatusRunning || lb["isWorking"] != true {
		t.Errorf("after PendingFor: %v %v", lb["status"], lb["isWorking"])
	}

	// Prepaid and IPv6.
	id6 := asString(t, c.ok("CreateLoadBalancer", lbBody(map[string]any{
		"chargeType": "PREPAID", "instanceChargePrepaid": map[string]any{"period": 3}, "ipType": "IPv6", "cidrBlockId": "cidr-1",
	}))["loadBalancerId"])
	lb = describeLB(t, c, id6)
	if lb["expiredTime"] != "2026-06-01T12:01:00Z" {
		t.Errorf("expiredTime %v", lb["expiredTime"])
	}
	vip := asMap(t, asList(t, lb["vipList"])[0])
	if addr, err := netip.ParseAddr(asString(t, vip["ipAddress"])); err != nil || !netip.MustParsePrefix("2001:db8::/32").Contains(addr) {
		t.Errorf("IPv6 VIP %v", vip)
	}
}

func TestCreateLoadBalancerValidation(t *testing.T) {
	_, c := startEmulator(t, Options{})
	cases := []struct {
		name   string
		change map[string]any
		code   string
		field  string
	}{
		{"no zone", map[string]any{"zoneId": nil}, "MISSING_PARAMETER", "zoneId"},
		{"unknown zone", map[string]any{"zoneId": "FRA-A"}, "INVALID_PARAMETER", "zoneId"},
		{"no name", map[string]any{"loadBalancerName": nil}, "MISSING_PARAMETER", "loadBalancerName"},
		{"bad name", map[string]any{"loadBalancerName": "edge/1"}, "INVALID_PARAMETER", "loadBalancerName"},
		{"no charge type", map[string]any{"chargeType": nil}, "MISSING_PARAMETER", "chargeType"},
		{"bad charge type", map[string]any{"chargeType": "MONTHLY"}, "INVALID_PARAMETER", "chargeType"},
		{"no bandwidth", map[string]any{"bandwidth": nil}, "MISSING_PARAMETER", "bandwidth"},
		{"bandwidth low", map[string]any{"bandwidth": 0}, "INVALID_PARAMETER", "bandwidth"},
		{"bandwidth high", map[string]any{"bandwidth": 1025}, "INVALID_PARAMETER", "bandwidth"},
		{"no ip type", map[string]any{"ipType": nil}, "MISSING_PARAMETER", "ipType"},
		{"bad ip type", map[string]any{"ipType": "ipv4"}, "INVALID_PARAMETER", "ipType"},
		{"prepaid without period", map[string]any{"chargeType": "PREPAID"}, "MISSING_PARAMETER", "instanceChargePrepaid.period"},
		{"prepaid period zero", map[string]any{"chargeType": "PREPAID", "instanceChargePrepaid": map[string]any{"period": 0}}, "INVALID_PARAMETER", "instanceChargePrepaid.period"},
		{"subnet on IPv6", map[string]any{"ipType": "IPv6", "subnetId": "s"}, "INVALID_PARAMETER", "subnetId"},
		{"cidr block on IPv4", map[string]any{"cidrBlockId": "c"}, "INVALID_PARAMETER", "cidrBlockId"},
		{"vip count", map[string]any{"vipCount": 0}, "INVALID_PARAMETER", "vipCount"},
		{"master ip", map[string]any{"masterIp": "10.0.0"}, "INVALID_PARAMETER", "masterIp"},
		{"tags as list", map[string]any{"tags": []map[string]any{{"key": "a"}}}, "INVALID_PARAMETER", "tags"},
		{"tag without key", map[string]any{"tags": map[string]any{"tags": []map[string]any{{"value": "a"}}}}, "MISSING_PARAMETER", "tags.tags[0].key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := *c
			cc.t = t
			r := cc.fails("CreateLoadBalancer", lbBody(tc.change), 400, tc.code)
			if !strings.Contains(r.message, tc.field) {
				t.Errorf("message %q does not name %s", r.message, tc.field)
			}
		})
	}
	if n := len(c.e.LoadBalancers()); n != 1 {
		t.Errorf("failed calls created load balancers: %d", n)
	}
}

func TestDescribeLoadBalancers(t *testing.T) {
	_, c := startEmulator(t, Options{})
	bk := c.register(FixtureListenerWeb, "bm-0001", "a", nil)
	lb := describeLB(t, c, FixtureLoadBalancerID)
	if lb["status"] != StatusRunning || lb["zoneId"] != "SEL-A" || len(asList(t, lb["listenerList"])) != 3 {
		t.Errorf("fixture load balancer %v", lb)
	}
	backends := asList(t, lb["backendList"])
	if len(backends) != 1 || asMap(t, backends[0])["backendId"] != bk || asMap(t, backends[0])["port"] != "80" {
		t.Errorf("backendList %v", backends)
	}
	if l := asMap(t, asList(t, lb["listenerList"])[1]); l["port"] != "8080,8443" {
		t.Errorf("listenerList port %v", l["port"])
	}

	tag := func(k, v string) map[string]any {
		return map[string]any{"tags": []map[string]any{{"key": k, "value": v}}}
	}
	a := c.ok("CreateLoadBalancer", lbBody(map[string]any{"loadBalancerName": "alpha", "tags": tag("env", "prod"), "resourceGroupId": "rg-1"}))["loadBalancerId"]
	b := c.ok("CreateLoadBalancer", lbBody(map[string]any{"loadBalancerName": "beta", "tags": tag("env", "dev")}))["loadBalancerId"]
	ids := func(body map[string]any) string {
		t.Helper()
		_, items := listOf(t, c.ok("DescribeLoadBalancers", body))
		out := []string{}
		for _, it := range items {
			out = append(out, asString(t, it["loadBalancerId"]))
		}
		return strings.Join(out, " ")
	}
	for name, tc := range map[string]struct {
		body map[string]any
		want string
	}{
		"all":            {nil, fmt.Sprintf("%s %s %s", FixtureLoadBalancerID, a, b)},
		"zone":           {map[string]any{"zoneId": "HKG-A"}, fmt.Sprintf("%s %s", a, b)},
		"name":           {map[string]any{"loadBalancerName": "alp"}, fmt.Sprint(a)},
		"tag key":        {map[string]any{"tagKeys": []string{"env"}}, fmt.Sprintf("%s %s", a, b)},
		"tag":            {map[string]any{"tags": []map[string]any{{"key": "env", "value": "dev"}}}, fmt.Sprint(b)},
		"tag wrapped":    {map[string]any{"tags": tag("env", "prod")}, fmt.Sprint(a)},
		"resource group": {map[string]any{"resourceGroupId": "rg-1"}, fmt.Sprint(a)},
		"ids":            {map[string]any{"loadBalancerIds": []string{fmt.Sprint(b), FixtureLoadBalancerID}}, fmt.Sprintf("%s %s", FixtureLoadBalancerID, b)},
		"page":           {map[string]any{"pageSize": 1, "pageNum": 2}, fmt.Sprint(a)},
	} {
		if got := ids(tc.body); got != tc.want {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
	total, _ := listOf(t, c.ok("DescribeLoadBalancers", map[string]any{"pageSize": 1}))
	if total != 3 {
		t.Errorf("totalCount %d", total)
	}
	c.fails("DescribeLoadBalancers", map[string]any{"pageSize": 2000}, 400, "INVALID_PARAMETER")
}

func TestModifyLoadBalancersName(t *testing.T) {
	e, c := startEmulator(t, Options{})
	c.ok("ModifyLoadBalancersName", map[string]any{"loadBalancerIds": []string{FixtureLoadBalancerID}, "loadBalancerName": "renamed"})
	if e.LoadBalancers()[0].LoadBalancerName != "renamed" {
		t.Errorf("name %q", e.LoadBalancers()[0].LoadBalancerName)
	}
	c.fails("ModifyLoadBalancersName", map[string]any{"loadBalancerIds": []string{"lb-none"}, "loadBalancerName": "x"}, 404, "OPERATION_FAILED_RESOURCE_NOT_FOUND")
	c.fails("ModifyLoadBalancersName", map[string]any{"loadBalancerIds": []string{}, "loadBalancerName": "x"}, 400, "MISSING_PARAMETER")
	c.fails("ModifyLoadBalancersName", map[string]any{"loadBalancerIds": []string{FixtureLoadBalancerID}}, 400, "MISSING_PARAMETER")
	c.fails("ModifyLoadBalancersName", map[string]any{"loadBalancerIds": []string{FixtureLoadBalancerID}, "loadBalancerName": "a b"}, 400, "INVALID_PARAMETER")
}

func TestLoadBalancerLifecycle(t *testing.T) {
	e, c := startEmulator(t, Options{})
	c.register(FixtureListenerWeb, "bm-0001", "a", nil)
	c.register(FixtureListenerAPI, "bm-0002", "b", nil)
	body := map[string]any{"loadBalancerId": FixtureLoadBalancerID}

	c.fails("ReleaseLoadBalancer", body, 409, "OPERATION_DENIED_NOT_IN_RECYCLE_BIN")
	c.fails("RestoreLoadBalancer", body, 409, "OPERATION_DENIED_NOT_IN_RECYCLE_BIN")

	c.ok("TerminateLoadBalancer", body)
	if s := describeLB(t, c, FixtureLoadBalancerID)["status"]; s != StatusRecycled {
		t.Errorf("status after terminate: %v", s)
	}
	if len(e.Listeners(FixtureLoadBalancerID)) != 0 || e.BackendCount() != 0 {
		t.Errorf("terminate left %d listeners, %d backends", len(e.Listeners(FixtureLoadBalancerID)), e.BackendCount())
	}
	c.fails("DescribeBackends", map[string]any{"listenerId": FixtureListenerWeb}, 404, "INVALID_LISTENER_NOT_FOUND")
	c.fails("TerminateLoadBalancer", body, 409, "OPERATION_DENIED_ALREADY_IN_RECYCLE_BIN")
	c.fails("CreateListener", listenerBody(nil), 409, "OPERATION_DENIED_LOAD_BALANCER_NOT_READY")

	c.ok("RestoreLoadBalancer", body)
	lb := describeLB(t, c, FixtureLoadBalancerID)
	if lb["status"] != StatusRunning || len(asList(t, lb["listenerList"])) != 0 {
		t.Errorf("after restore: %v, %v", lb["status"], lb["listenerList"])
	}
	c.ok("CreateListener", listenerBody(nil))

	c.ok("TerminateLoadBalancer", body)
	c.ok("ReleaseLoadBalancer", body)
	if len(e.LoadBalancers()) != 0 {
		t.Errorf("release left %v", e.LoadBalancers())
	}
	for _, action := range []string{"TerminateLoadBalancer", "ReleaseLoadBalancer", "RestoreLoadBalancer"} {
		c.fails(action, body, 404, "OPERATION_FAILED_RESOURCE_NOT_FOUND")
		c.fails(action, map[string]any{}, 400, "MISSING_PARAMETER")
	}

	// The released VIP is handed out again.
	id := asString(t, c.ok("CreateLoadBalancer", lbBody(nil))["loadBalancerId"])
	if vips := asList(t, describeLB(t, c, id)["vipList"]); asMap(t, vips[0])["ipAddress"] != "192.0.2.1" {
		t.Errorf("VIP %v", vips)
	}
}

func TestZonesAndSpecs(t *testing.T) {
	_, c := startEmulator(t, Options{})
	zones := asList(t, c.ok("DescribeLoadBalancerZones", map[string]any{"chargeType": "PREPAID"})["zoneIdList"])
	if fmt.Sprint(zones) != "[SEL-A HKG-A]" {
		t.Errorf("zones %v", zones)
	}
	c.fails("DescribeLoadBalancerZones", map[string]any{"chargeType": "FREE"}, 400, "INVALID_PARAMETER")
	specs := asList(t, c.ok("DescribeLoadBalancerSpecs", map[string]any{"zoneId": "SEL-A", "chargeType": "POSTPAID"})["specList"])
	if len(specs) != 1 || asMap(t, specs[0])["specName"] != "lb.standard" {
		t.Errorf("specs %v", specs)
	}
	c.fails("DescribeLoadBalancerSpecs", map[string]any{"zoneId": "NOPE"}, 400, "INVALID_PARAMETER")
}
