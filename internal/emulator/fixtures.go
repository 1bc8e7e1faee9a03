package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
)

// Fixtures is the state an emulator starts with. Fixture load balancers are
// Running and fixture listeners Available from the start.
type Fixtures struct {
	Zones         []string              `json:"zones"`
	LoadBalancers []LoadBalancerFixture `json:"loadBalancers"`
	Instances     []InstanceFixture     `json:"instances"`
}

// LoadBalancerFixture is a load balancer of the fixtures. Empty fields get
// defaults: Name the ID, ZoneID the first zone, IPType IPv4, ChargeType
// POSTPAID, Bandwidth 100.
type LoadBalancerFixture struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	ZoneID     string            `json:"zoneId"`
	IPType     string            `json:"ipType"`
	ChargeType string            `json:"chargeType"`
	Bandwidth  int               `json:"bandwidth"`
	Listeners  []ListenerFixture `json:"listeners"`
}

// ListenerFixture is a listener of a fixture load balancer. Empty fields get
// defaults: Name the ID, Protocol TCP, BackendProtocol the protocol, Kind
// FNAT, Scheduler wrr.
type ListenerFixture struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Ports           []int  `json:"ports"`
	Protocol        string `json:"protocol"`
	BackendProtocol string `json:"backendProtocol"`
	Kind            string `json:"kind"`
	Scheduler       string `json:"scheduler"`
}

// InstanceFixture is a BMC or VM instance that backends can be registered on.
// Type is BM or VM (default BM); with Fails set every backend registered on
// the instance ends in RegisterFailed.
type InstanceFixture struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Fails bool   `json:"fails"`
}

// IDs and sizes of DefaultFixtures.
const (
	// FixtureLoadBalancerID is the Running load balancer in zone SEL-A.
	FixtureLoadBalancerID = "lb-demo"
	// FixtureListenerWeb is the FNAT listener on TCP port 80.
	FixtureListenerWeb = "lsn-web"
	// FixtureListenerAPI is the FNAT listener on TCP ports 8080 and 8443.
	FixtureListenerAPI = "lsn-api"
	// FixtureListenerDR is the DR listener on UDP port 53.
	FixtureListenerDR = "lsn-dr"
	// FixtureFailingInstance is the BM instance on which every registration fails.
	FixtureFailingInstance = "bm-fail-01"
	// DefaultInstanceCount is the number of BM instances bm-0001, bm-0002, ...
	DefaultInstanceCount = 1200
	// DefaultVMCount is the number of VM instances vm-0001, vm-0002, ...
	DefaultVMCount = 20
)

// DefaultFixtures returns the zones SEL-A and HKG-A; the Running load
// balancer lb-demo in SEL-A (IPv4) with the listeners lsn-web (TCP 80, FNAT),
// lsn-api (TCP 8080 and 8443, FNAT) and lsn-dr (UDP 53, DR); the BM instances
// bm-0001 to bm-1200 named web-0001 to web-1200; the VM instances vm-0001 to
// vm-0020 named app-0001 to app-0020; and the BM instance bm-fail-01, on
// which every registration fails.
func DefaultFixtures() *Fixtures {
	fx := &Fixtures{
		Zones: []string{"SEL-A", "HKG-A"},
		LoadBalancers: []LoadBalancerFixture{{
			ID: FixtureLoadBalancerID, Name: "demo", ZoneID: "SEL-A", IPType: "IPv4",
			Listeners: []ListenerFixture{
				{ID: FixtureListenerWeb, Name: "web", Ports: []int{80}, Protocol: "TCP", BackendProtocol: "TCP", Kind: "FNAT", Scheduler: "wrr"},
				{ID: FixtureListenerAPI, Name: "api", Ports: []int{8080, 8443}, Protocol: "TCP", BackendProtocol: "TCP", Kind: "FNAT", Scheduler: "wrr"},
				{ID: FixtureListenerDR, Name: "dns", Ports: []int{53}, Protocol: "UDP", BackendProtocol: "UDP", Kind: "DR", Scheduler: "wrr"},
			},
		}},
	}
	fx.setNumberedInstances(DefaultInstanceCount)
	for i := 1; i <= DefaultVMCount; i++ {
		fx.Instances = append(fx.Instances, InstanceFixture{
			ID: fmt.Sprintf("vm-%04d", i), Name: fmt.Sprintf("app-%04d", i), Type: "VM",
		})
	}
	fx.Instances = append(fx.Instances, InstanceFixture{ID: FixtureFailingInstance, Name: "fail-01", Type: "BM", Fails: true})
	return fx.withDefaults()
}

// numberedInstance matches the IDs of generated BM instances.
var numberedInstance = regexp.MustCompile(`^bm-[0-9]+$`)

// setNumberedInstances replaces the instances bm-NNNN with bm-0001 to bm-n,
// named web-0001 to web-n, placed before the other instances.
func (f *Fixtures) setNumberedInstances(n int) {
	kept := slices.DeleteFunc(slices.Clone(f.Instances), func(in InstanceFixture) bool {
		return numberedInstance.MatchString(in.ID)
	})
	gen := make([]InstanceFixture, 0, n+len(kept))
	for i := 1; i <= n; i++ {
		gen = append(gen, InstanceFixture{ID: fmt.Sprintf("bm-%04d", i), Name: fmt.Sprintf("web-%04d", i), Type: "BM"})
	}
	f.Instances = append(gen, kept...)
}

// LoadFixtures reads fixtures from a JSON file shaped like Fixtures, fills
// defaults and validates them.
func LoadFixtures(path string) (*Fixtures, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read fixtures: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var fx Fixtures
	if err := dec.Decode(&fx); err != nil {
		return nil, fmt.Errorf("parse fixtures %s: %w", path, err)
	}
	out := fx.withDefaults()
	if err := out.Validate(); err != nil {
		return nil, fmt.Errorf("fixtures %s: %w", path, err)
	}
	return out, nil
}

// clone returns a deep copy.
func (f *Fixtures) clone() *Fixtures {
	out := &Fixtures{
		Zones:     slices.Clone(f.Zones),
		Instances: slices.Clone(f.Instances),
	}
	for _, lb := range f.LoadBalancers {
		lb.Listeners = slices.Clone(lb.Listeners)
		for i := range lb.Listeners {
			lb.Listeners[i].Ports = slices.Clone(lb.Listeners[i].Ports)
		}
		out.LoadBalancers = append(out.LoadBalancers, lb)
	}
	return out.withDefaults()
}

// withDefaults fills the empty fields that have defaults, in place, and returns f.
func (f *Fixtures) withDefaults() *Fixtures {
	for i := range f.LoadBalancers {
		lb := &f.LoadBalancers[i]
		if lb.Name == "" {
			lb.Name = lb.ID
		}
		if lb.ZoneID == "" && len(f.Zones) > 0 {
			lb.ZoneID = f.Zones[0]
		}
		if lb.IPType == "" {
			lb.IPType = "IPv4"
		}
		if lb.ChargeType == "" {
			lb.ChargeType = "POSTPAID"
		}
		if lb.Bandwidth == 0 {
			lb.Bandwidth = 100
		}
		for j := range lb.Listeners {
			l := &lb.Listeners[j]
			if l.Name == "" {
				l.Name = l.ID
			}
			if l.Protocol == "" {
				l.Protocol = "TCP"
			}
			if l.BackendProtocol == "" {
				l.BackendProtocol = l.Protocol
			}
			if l.Kind == "" {
				l.Kind = "FNAT"
			}
			if l.Scheduler == "" {
				l.Scheduler = "wrr"
			}
		}
	}
	for i := range f.Instances {
		if f.Instances[i].Type == "" {
			f.Instances[i].Type = "BM"
		}
		if f.Instances[i].Name == "" {
			f.Instances[i].Name = f.Instances[i].ID
		}
	}
	return f
}

// validID matches fixture IDs: no colon, no spaces.
var validID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Validate reports the first problem of fixtures whose defaults are filled:
// duplicate or malformed IDs, unknown zones, bad enums, names or ports, and
// listeners of one load balancer whose ports clash.
func (f *Fixtures) Validate() error {
	if len(f.Zones) == 0 {
		return fmt.Errorf("no zones")
	}
	ids := map[string]bool{}
	claim := func(kind, id string) error {
		if !validID.MatchString(id) {
			return fmt.Errorf("%s ID %q must be 1 to 64 letters, digits, '.', '_' or '-'", kind, id)
		}
		if ids[kind+"/"+id] {
			return fmt.Errorf("%s ID %q appears twice", kind, id)
		}
		ids[kind+"/"+id] = true
		return nil
	}
	for _, z := range f.Zones {
		if err := claim("zone", z); err != nil {
			return err
		}
	}
	for _, lb := range f.LoadBalancers {
		if err := claim("load balancer", lb.ID); err != nil {
			return err
		}
		switch {
		case !namePattern.MatchString(lb.Name):
			return fmt.Errorf("load balancer %s: name %q is not valid", lb.ID, lb.Name)
		case !slices.Contains(f.Zones, lb.ZoneID):
			return fmt.Errorf("load balancer %s: unknown zone %q", lb.ID, lb.ZoneID)
		case lb.IPType != "IPv4" && lb.IPType != "IPv6":
			return fmt.Errorf("load balancer %s: ipType %q is not IPv4 or IPv6", lb.ID, lb.IPType)
		case lb.ChargeType != "PREPAID" && lb.ChargeType != "POSTPAID":
			return fmt.Errorf("load balancer %s: chargeType %q is not PREPAID or POSTPAID", lb.ID, lb.ChargeType)
		case lb.Bandwidth < 1 || lb.Bandwidth > 1024:
			return fmt.Errorf("load balancer %s: bandwidth %d is outside 1 to 1024", lb.ID, lb.Bandwidth)
		}
		var seen []ListenerFixture
		for _, l := range lb.Listeners {
			if err := claim("listener", l.ID); err != nil {
				return err
			}
			switch {
			case !namePattern.MatchString(l.Name):
				return fmt.Errorf("listener %s: name %q is not valid", l.ID, l.Name)
			case len(l.Ports) == 0:
				return fmt.Errorf("listener %s: no ports", l.ID)
			case !slices.Contains(protocols, l.Protocol) || !slices.Contains(protocols, l.BackendProtocol):
				return fmt.Errorf("listener %s: protocols must be TCP or UDP", l.ID)
			case !slices.Contains(kinds, l.Kind):
				return fmt.Errorf("listener %s: kind %q is not FNAT or DR", l.ID, l.Kind)
			case !slices.Contains(schedulers, l.Scheduler):
				return fmt.Errorf("listener %s: scheduler %q is not wrr or rr", l.ID, l.Scheduler)
			}
			for _, p := range l.Ports {
				if p < 1 || p > 65535 {
					return fmt.Errorf("listener %s: port %d is outside 1 to 65535", l.ID, p)
				}
			}
			for _, o := range seen {
				if o.Protocol == l.Protocol && portsOverlap(o.Ports, l.Ports) {
					return fmt.Errorf("listener %s: ports clash with listener %s", l.ID, o.ID)
				}
			}
			seen = append(seen, l)
		}
	}
	for _, in := range f.Instances {
		if err := claim("instance", in.ID); err != nil {
			return err
		}
		if in.Type != "BM" && in.Type != "VM" {
			return fmt.Errorf("instance %s: type %q is not BM or VM", in.ID, in.Type)
		}
	}
	return nil
}

func portsOverlap(a, b []int) bool {
	for _, p := range a {
		if slices.Contains(b, p) {
			return true
		}
	}
	return false
}

// Fixtures returns a copy of the fixtures the emulator started from, after
// Options.InstanceCount was applied.
func (e *Emulator) Fixtures() *Fixtures {
	return e.fixtures.clone()
}
