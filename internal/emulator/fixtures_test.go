package emulator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultFixtures(t *testing.T) {
	fx := DefaultFixtures()
	if err := fx.Validate(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(fx.Zones, ",") != "SEL-A,HKG-A" {
		t.Errorf("zones %v", fx.Zones)
	}
	if len(fx.LoadBalancers) != 1 || fx.LoadBalancers[0].ID != "lb-demo" || len(fx.LoadBalancers[0].Listeners) != 3 {
		t.Fatalf("load balancers %+v", fx.LoadBalancers)
	}
	byID := map[string]InstanceFixture{}
	counts := map[string]int{}
	for _, in := range fx.Instances {
		byID[in.ID] = in
		counts[in.Type]++
	}
	if counts["BM"] != 1201 || counts["VM"] != 20 {
		t.Errorf("instance counts %v", counts)
	}
	if byID["bm-0001"].Name != "web-0001" || byID["bm-1200"].Name != "web-1200" || byID["vm-0020"].Type != "VM" ||
		!byID["bm-fail-01"].Fails || byID["bm-0001"].Fails {
		t.Errorf("instances %+v %+v %+v", byID["bm-0001"], byID["bm-1200"], byID["bm-fail-01"])
	}

	e := New(Options{})
	lbs := e.LoadBalancers()
	if len(lbs) != 1 || lbs[0].Status != StatusRunning || lbs[0].VIPs[0] != "192.0.2.1" {
		t.Errorf("LoadBalancers() = %+v", lbs)
	}
	ls := e.Listeners(FixtureLoadBalancerID)
	if len(ls) != 3 || ls[2].Kind != "DR" || ls[2].Protocol != "UDP" || ls[1].Ports[1] != 8443 || ls[0].Status != StatusAvailable {
		t.Errorf("Listeners() = %+v", ls)
	}
}

func TestInstanceCount(t *testing.T) {
	e, c := startEmulator(t, Options{InstanceCount: 3})
	c.register(FixtureListenerWeb, "bm-0003", "a", nil)
	c.fails("RegisterBackend", map[string]any{"listenerId": FixtureListenerWeb, "backendName": "a", "instanceId": "bm-0004", "clientToken": "b"},
		404, "INVALID_INSTANCE_NOT_FOUND")
	c.register(FixtureListenerWeb, "vm-0001", "c", map[string]any{"instanceType": "VM"})
	c.register(FixtureListenerWeb, FixtureFailingInstance, "d", nil)
	if n := len(e.Fixtures().Instances); n != 3+20+1 {
		t.Errorf("%d instances", n)
	}
}

func TestLoadFixtures(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fx.json")
	doc := `{
  "zones": ["FRA-A"],
  "loadBalancers": [{"id": "lb-x", "listeners": [{"id": "lsn-x", "ports": [443]}, {"id": "lsn-y", "ports": [443], "protocol": "UDP"}]}],
  "instances": [{"id": "i-1", "name": "one"}, {"id": "i-2", "type": "VM", "fails": true}]
}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	fx, err := LoadFixtures(path)
	if err != nil {
		t.Fatal(err)
	}
	lb := fx.LoadBalancers[0]
	if lb.ZoneID != "FRA-A" || lb.IPType != "IPv4" || lb.Name != "lb-x" || lb.Listeners[0].Kind != "FNAT" ||
		lb.Listeners[1].BackendProtocol != "UDP" || fx.Instances[1].Name != "i-2" || fx.Instances[0].Type != "BM" {
		t.Errorf("defaults not filled: %+v", fx)
	}

	e, c := startEmulator(t, Options{Fixtures: fx})
	id := c.register("lsn-x", "i-1", "a", nil)
	_, items := c.backends(map[string]any{"listenerId": "lsn-x"})
	if items[0]["port"] != "443" || items[0]["instanceName"] != "one" {
		t.Errorf("backend %v", items[0])
	}
	c.register("lsn-x", "i-2", "b", map[string]any{"instanceType": "VM"})
	if v, _ := e.Backend(id); v.Status != StatusAvailable {
		t.Errorf("status %s", v.Status)
	}
	if v := e.Backends("lsn-x")[1]; v.Status != StatusRegisterFailed {
		t.Errorf("failing instance status %s", v.Status)
	}

	for name, bad := range map[string]string{
		"syntax":        `{`,
		"unknown field": `{"zones":["A"],"lbs":[]}`,
		"no zones":      `{"zones":[]}`,
		"unknown zone":  `{"zones":["A"],"loadBalancers":[{"id":"lb","zoneId":"B"}]}`,
		"duplicate":     `{"zones":["A"],"instances":[{"id":"i"},{"id":"i"}]}`,
		"colon":         `{"zones":["A"],"instances":[{"id":"i:1"}]}`,
		"port clash":    `{"zones":["A"],"loadBalancers":[{"id":"lb","listeners":[{"id":"a","ports":[1]},{"id":"b","ports":[1]}]}]}`,
		"bad kind":      `{"zones":["A"],"loadBalancers":[{"id":"lb","listeners":[{"id":"a","ports":[1],"kind":"NAT"}]}]}`,
		"bad type":      `{"zones":["A"],"instances":[{"id":"i","type":"XX"}]}`,
	} {
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadFixtures(path); err == nil {
			t.Errorf("%s: LoadFixtures accepted %s", name, bad)
		}
	}
	if _, err := LoadFixtures(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("LoadFixtures accepted a missing file")
	}
}

func TestNewPanicsOnInvalidFixtures(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New accepted fixtures without zones")
		}
	}()
	New(Options{Fixtures: &Fixtures{}})
}
