package emulator

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// timeLayout is the format of createTime and expiredTime: ISO 8601 in UTC.
const timeLayout = "2006-01-02T15:04:05Z"

// Status values of load balancers, listeners and backends.
const (
	// StatusCreating is a load balancer or listener during PendingFor after its creation.
	StatusCreating = "Creating"
	// StatusRunning is a load balancer that is ready.
	StatusRunning = "Running"
	// StatusRecycled is a terminated load balancer in the recycle bin.
	StatusRecycled = "Recycled"
	// StatusAvailable is a listener or backend that is ready.
	StatusAvailable = "Available"
	// StatusRegistering is a backend during PendingFor after its registration.
	StatusRegistering = "Registering"
	// StatusRegisterFailed is a backend on a failing instance once PendingFor has passed.
	StatusRegisterFailed = "RegisterFailed"
	// StatusDeregistering is a backend during DeletingFor after its deregistration.
	StatusDeregistering = "Deregistering"
)

// defaultSpecName is the specification every load balancer gets.
const defaultSpecName = "lb.standard"

// defaultResourceGroupID is the resource group of load balancers created without one.
const defaultResourceGroupID = "rg-default"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// joinPorts renders ports the way the API's port fields do: "80", "80,443" or "".
func joinPorts(ports []int) string {
	parts := make([]string, len(ports))
	for i, p := range ports {
		parts[i] = strconv.Itoa(p)
	}
	return strings.Join(parts, ",")
}

type instance struct {
	id, name, typ string
	fails         bool
}

type vip struct {
	id      string
	address netip.Addr
}

// Tag is a key and value attached to a load balancer.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type loadBalancer struct {
	seq                                       int
	id, name, zoneID, chargeType, ipType      string
	subnetID, cidrBlockID, masterIP, backupIP string
	resourceGroupID, orderNumber              string
	bandwidth, period                         int
	vips                                      []vip
	tags                                      []Tag
	created, readyAt, expires                 time.Time
	recycled                                  bool
}

func (lb *loadBalancer) status(now time.Time) string {
	switch {
	case lb.recycled:
		return StatusRecycled
	case now.Before(lb.readyAt):
		return StatusCreating
	}
	return StatusRunning
}

type listener struct {
	seq                                        int
	id, lbID, name                             string
	ports                                      []int
	protocol, backendProtocol, scheduler, kind string
	healthCheck                                map[string]any
	notify                                     map[string]any
	created, readyAt                           time.Time
}

func (l *listener) status(now time.Time) string {
	if now.Before(l.readyAt) {
		return StatusCreating
	}
	return StatusAvailable
}

type backend struct {
	seq                                    int
	id, listenerID, name                   string
	instanceID, instanceType, instanceName string
	ports                                  []int
	weight                                 int
	fails                                  bool
	created, readyAt                       time.Time
	deregistering                          bool
	goneAt                                 time.Time
}

func (b *backend) status(now time.Time) string {
	switch {
	case b.deregistering:
		return StatusDeregistering
	case now.Before(b.readyAt):
		return StatusRegistering
	case b.fails:
		return StatusRegisterFailed
	}
	return StatusAvailable
}

// tokenKey scopes a client token to the access key and the action that used it.
type tokenKey struct{ keyID, action, token string }

type tokenRecord struct{ id, orderNumber string }

// store is the state of the emulated service. Its methods assume that the
// emulator's mutex is held.
type store struct {
	zones     []string
	instances map[string]*instance
	lbs       map[string]*loadBalancer
	listeners map[string]*listener
	backends  map[string]*backend
	tokens    map[tokenKey]tokenRecord

	seq      int
	counters map[string]int
	ipv4Used map[netip.Addr]bool
	ipv6Next int
}

func newStore(fx *Fixtures, now time.Time) *store {
	s := &store{
		zones:     slices.Clone(fx.Zones),
		instances: map[string]*instance{},
		lbs:       map[string]*loadBalancer{},
		listeners: map[string]*listener{},
		backends:  map[string]*backend{},
		tokens:    map[tokenKey]tokenRecord{},
		counters:  map[string]int{},
		ipv4Used:  map[netip.Addr]bool{},
	}
	for _, in := range fx.Instances {
		s.instances[in.ID] = &instance{id: in.ID, name: in.Name, typ: in.Type, fails: in.Fails}
	}
	for _, lf := range fx.LoadBalancers {
		lb := &loadBalancer{
			seq:             s.nextSeq(),
			id:              lf.ID,
			name:            lf.Name,
			zoneID:          lf.ZoneID,
			chargeType:      lf.ChargeType,
			ipType:          lf.IPType,
			bandwidth:       lf.Bandwidth,
			resourceGroupID: defaultResourceGroupID,
			orderNumber:     s.nextOrderNumber(),
			created:         now,
			readyAt:         now,
		}
		if lb.chargeType == "PREPAID" {
			lb.period = 1
			lb.expires = now.AddDate(0, 1, 0)
		}
		lb.vips = s.allocateVIPs(lb.ipType, 1)
		s.lbs[lb.id] = lb
		for _, f := range lf.Listeners {
			l := &listener{
				seq:             s.nextSeq(),
				id:              f.ID,
				lbID:            lb.id,
				name:            f.Name,
				ports:           slices.Clone(f.Ports),
				protocol:        f.Protocol,
				backendProtocol: f.BackendProtocol,
				scheduler:       f.Scheduler,
				kind:            f.Kind,
				healthCheck:     defaultHealthCheck(),
				notify:          defaultNotify(),
				created:         now,
				readyAt:         now,
			}
			s.listeners[l.id] = l
		}
	}
	return s
}

func (s *store) nextSeq() int {
	s.seq++
	return s.seq
}

// newID returns an unused ID such as "bk-000001" for the prefix "bk".
func (s *store) newID(prefix string, used func(string) bool) string {
	for {
		s.counters[prefix]++
		id := fmt.Sprintf("%s-%06d", prefix, s.counters[prefix])
		if !used(id) {
			return id
		}
	}
}

func (s *store) nextOrderNumber() string {
	s.counters["order"]++
	return strconv.Itoa(880000000000 + s.counters["order"])
}

// allocateVIPs takes n addresses from 192.0.2.0/24 (IPv4) or 2001:db8::/32
// (IPv6), the ranges reserved for documentation. It returns nil when the
// IPv4 range is exhausted.
func (s *store) allocateVIPs(ipType string, n int) []vip {
	var out []vip
	if ipType == "IPv6" {
		for range n {
			s.ipv6Next++
			a := netip.MustParseAddr("2001:db8::").As16()
			a[12], a[13], a[14], a[15] = byte(s.ipv6Next>>24), byte(s.ipv6Next>>16), byte(s.ipv6Next>>8), byte(s.ipv6Next)
			out = append(out, vip{id: s.newID("vip", s.vipUsed), address: netip.AddrFrom16(a)})
		}
		return out
	}
	for host := 1; host <= 254 && len(out) < n; host++ {
		a := netip.AddrFrom4([4]byte{192, 0, 2, byte(host)})
		if s.ipv4Used[a] {
			continue
		}
		out = append(out, vip{id: s.newID("vip", s.vipUsed), address: a})
	}
	if len(out) < n {
		return nil
	}
	for _, v := range out {
		s.ipv4Used[v.address] = true
	}
	return out
}

func (s *store) vipUsed(id string) bool {
	for _, lb := range s.lbs {
		for _, v := range lb.vips {
			if v.id == id {
				return true
			}
		}
	}
	return false
}

func (s *store) freeVIPs(lb *loadBalancer) {
	for _, v := range lb.vips {
		delete(s.ipv4Used, v.address)
	}
}

// sweep removes the backends whose deregistration has finished.
func (s *store) sweep(now time.Time) {
	for id, b := range s.backends {
		if b.deregistering && !now.Before(b.goneAt) {
			delete(s.backends, id)
		}
	}
}

// sortedBySeq returns the values of m in creation order.
func sortedBySeq[T any](m map[string]*T, seq func(*T) int) []*T {
	out := slices.Collect(maps.Values(m))
	sort.Slice(out, func(i, j int) bool { return seq(out[i]) < seq(out[j]) })
	return out
}

func (s *store) backendsInOrder() []*backend {
	return sortedBySeq(s.backends, func(b *backend) int { return b.seq })
}

func (s *store) listenersInOrder() []*listener {
	return sortedBySeq(s.listeners, func(l *listener) int { return l.seq })
}

func (s *store) loadBalancersInOrder() []*loadBalancer {
	return sortedBySeq(s.lbs, func(lb *loadBalancer) int { return lb.seq })
}

// removeListener deletes a listener and its backends.
func (s *store) removeListener(id string) {
	delete(s.listeners, id)
	for bid, b := range s.backends {
		if b.listenerID == id {
			delete(s.backends, bid)
		}
	}
}

// recycle moves a load balancer to the recycle bin and deletes its listeners and backends.
func (s *store) recycle(lb *loadBalancer) {
	lb.recycled = true
	for id, l := range s.listeners {
		if l.lbID == lb.id {
			s.removeListener(id)
		}
	}
}

// BackendView is a snapshot of one backend.
type BackendView struct {
	BackendID    string
	ListenerID   string
	BackendName  string
	Status       string
	Ports        []int
	Weight       int
	InstanceID   string
	InstanceType string
	InstanceName string
	CreateTime   time.Time
}

// ListenerView is a snapshot of one listener.
type ListenerView struct {
	ListenerID      string
	LoadBalancerID  string
	ListenerName    string
	Status          string
	Ports           []int
	Protocol        string
	BackendProtocol string
	Scheduler       string
	Kind            string
	BackendCount    int
	CreateTime      time.Time
}

// LoadBalancerView is a snapshot of one load balancer.
type LoadBalancerView struct {
	LoadBalancerID   string
	LoadBalancerName string
	ZoneID           string
	Status           string
	IPType           string
	ChargeType       string
	Bandwidth        int
	VIPs             []string
	Tags             []Tag
	ListenerIDs      []string
	CreateTime       time.Time
}

func (b *backend) view(now time.Time) BackendView {
	return BackendView{
		BackendID: b.id, ListenerID: b.listenerID, BackendName: b.name, Status: b.status(now),
		Ports: slices.Clone(b.ports), Weight: b.weight,
		InstanceID: b.instanceID, InstanceType: b.instanceType, InstanceName: b.instanceName,
		CreateTime: b.created,
	}
}

// Backends returns the backends of a listener in creation order, including
// those still deregistering. It is empty for an unknown listener.
func (e *Emulator) Backends(listenerID string) []BackendView {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	e.st.sweep(now)
	out := []BackendView{}
	for _, b := range e.st.backendsInOrder() {
		if b.listenerID == listenerID {
			out = append(out, b.view(now))
		}
	}
	return out
}

// Backend returns one backend and whether it exists.
func (e *Emulator) Backend(backendID string) (BackendView, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	e.st.sweep(now)
	b, ok := e.st.backends[backendID]
	if !ok {
		return BackendView{}, false
	}
	return b.view(now), true
}

// BackendCount returns the number of backends on all listeners, including
// those still deregistering.
func (e *Emulator) BackendCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.sweep(e.now())
	return len(e.st.backends)
}

// Listeners returns the listeners of a load balancer in creation order; an
// empty lbID returns the listeners of every load balancer.
func (e *Emulator) Listeners(lbID string) []ListenerView {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	e.st.sweep(now)
	counts := map[string]int{}
	for _, b := range e.st.backends {
		counts[b.listenerID]++
	}
	out := []ListenerView{}
	for _, l := range e.st.listenersInOrder() {
		if lbID != "" && l.lbID != lbID {
			continue
		}
		out = append(out, ListenerView{
			ListenerID: l.id, LoadBalancerID: l.lbID, ListenerName: l.name, Status: l.status(now),
			Ports: slices.Clone(l.ports), Protocol: l.protocol, BackendProtocol: l.backendProtocol,
			Scheduler: l.scheduler, Kind: l.kind, BackendCount: counts[l.id], CreateTime: l.created,
		})
	}
	return out
}

// LoadBalancers returns every load balancer, including those in the recycle
// bin, in creation order.
func (e *Emulator) LoadBalancers() []LoadBalancerView {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	out := []LoadBalancerView{}
	listeners := e.st.listenersInOrder()
	for _, lb := range e.st.loadBalancersInOrder() {
		v := LoadBalancerView{
			LoadBalancerID: lb.id, LoadBalancerName: lb.name, ZoneID: lb.zoneID, Status: lb.status(now),
			IPType: lb.ipType, ChargeType: lb.chargeType, Bandwidth: lb.bandwidth,
			Tags: slices.Clone(lb.tags), CreateTime: lb.created, VIPs: []string{}, ListenerIDs: []string{},
		}
		for _, vp := range lb.vips {
			v.VIPs = append(v.VIPs, vp.address.String())
		}
		for _, l := range listeners {
			if l.lbID == lb.id {
				v.ListenerIDs = append(v.ListenerIDs, l.id)
			}
		}
		out = append(out, v)
	}
	return out
}

// DeleteBackendDirect removes a backend at once, as if someone deleted it in
// the console. It reports whether the backend existed. It is not counted as a call.
func (e *Emulator) DeleteBackendDirect(backendID string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.sweep(e.now())
	if _, ok := e.st.backends[backendID]; !ok {
		return false
	}
	delete(e.st.backends, backendID)
	return true
}

// DeleteListenerDirect removes a listener and its backends at once, as if
// someone deleted it in the console. It reports whether the listener existed.
func (e *Emulator) DeleteListenerDirect(listenerID string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.st.listeners[listenerID]; !ok {
		return false
	}
	e.st.removeListener(listenerID)
	return true
}

// TerminateLoadBalancerDirect moves a load balancer to the recycle bin and
// deletes its listeners and backends, as if someone did so in the console. It
// reports whether the load balancer existed and was not already recycled.
func (e *Emulator) TerminateLoadBalancerDirect(lbID string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	lb, ok := e.st.lbs[lbID]
	if !ok || lb.recycled {
		return false
	}
	e.st.recycle(lb)
	return true
}

// SetBackendWeightDirect changes the weight of a backend, as if someone did
// so in the console. It reports whether the backend exists.
func (e *Emulator) SetBackendWeightDirect(backendID string, weight int) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.sweep(e.now())
	b, ok := e.st.backends[backendID]
	if !ok {
		return false
	}
	b.weight = weight
	return true
}

// SetInstanceFails marks an instance so that backends registered on it from
// now on end in RegisterFailed (or clears the mark). It reports whether the
// instance exists.
func (e *Emulator) SetInstanceFails(instanceID string, fails bool) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	in, ok := e.st.instances[instanceID]
	if !ok {
		return false
	}
	in.fails = fails
	return true
}
