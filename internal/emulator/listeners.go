package emulator

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

var (
	protocols  = []string{"TCP", "UDP"}
	kinds      = []string{"FNAT", "DR"}
	schedulers = []string{"wrr", "rr"}
)

// Fields of the healthCheck object, by JSON type.
var (
	healthCheckBools   = []string{"checkEnabled"}
	healthCheckStrings = []string{"checkType", "httpVersion", "httpCheckPath", "miscCheckPath"}
	healthCheckInts    = []string{
		"checkConnectTimeout", "checkRetry", "checkDelayBeforeRetry", "checkIntervalTime",
		"checkPort", "httpCheckDigest", "httpCode", "miscTimeout",
	}
)

func defaultHealthCheck() map[string]any { return map[string]any{"checkEnabled": false} }

func defaultNotify() map[string]any { return map[string]any{"enable": false} }

// listenerJSON is a listener as DescribeListeners and DescribeLoadBalancers show it.
type listenerJSON struct {
	LoadBalancerID  string         `json:"loadBalancerId"`
	ListenerID      string         `json:"listenerId"`
	ListenerName    string         `json:"listenerName"`
	Status          string         `json:"status"`
	Port            string         `json:"port"`
	Protocol        string         `json:"protocol"`
	BackendProtocol string         `json:"backendProtocol"`
	Scheduler       string         `json:"scheduler"`
	Kind            string         `json:"kind"`
	HealthCheck     map[string]any `json:"healthCheck"`
	Notify          map[string]any `json:"notify"`
	CreateTime      string         `json:"createTime"`
}

func (l *listener) toJSON(c *call) listenerJSON {
	return listenerJSON{
		LoadBalancerID:  l.lbID,
		ListenerID:      l.id,
		ListenerName:    l.name,
		Status:          l.status(c.now),
		Port:            joinPorts(l.ports),
		Protocol:        l.protocol,
		BackendProtocol: l.backendProtocol,
		Scheduler:       l.scheduler,
		Kind:            l.kind,
		HealthCheck:     maps.Clone(l.healthCheck),
		Notify:          maps.Clone(l.notify),
		CreateTime:      formatTime(l.created),
	}
}

func listenerNotReady(id, status string) *apiError {
	return newError(http.StatusConflict, "OPERATION_DENIED_LISTENER_NOT_READY",
		"The listener %s is %s, not %s.", id, status, StatusAvailable)
}

// readHealthCheck merges the healthCheck field, when present, into a copy of base.
func readHealthCheck(p *params, base map[string]any) map[string]any {
	out := maps.Clone(base)
	hc, ok := p.object("healthCheck")
	if !ok {
		return out
	}
	hc.only(slices.Concat(healthCheckBools, healthCheckStrings, healthCheckInts)...)
	for _, f := range healthCheckBools {
		if v, ok := hc.boolean(f); ok {
			out[f] = v
		}
	}
	for _, f := range healthCheckStrings {
		if v, ok := hc.str(f); ok {
			if len(v) > 256 {
				hc.invalid(f, "at most 256 characters are allowed")
			}
			out[f] = v
		}
	}
	for _, f := range healthCheckInts {
		if v, ok := hc.integer(f); ok {
			if f == "checkPort" {
				hc.checkUpTo(f, v, 65535)
			} else if v < 0 {
				hc.invalid(f, "%d is negative", v)
			}
			out[f] = v
		}
	}
	return out
}

// readNotify merges the notify field, when present, into a copy of base.
func readNotify(p *params, base map[string]any) map[string]any {
	out := maps.Clone(base)
	n, ok := p.object("notify")
	if !ok {
		return out
	}
	n.only("enable", "apiAddress")
	if v, ok := n.boolean("enable"); ok {
		out["enable"] = v
	}
	if v, ok := n.str("apiAddress"); ok {
		if len(v) > 1024 {
			n.invalid("apiAddress", "at most 1024 characters are allowed")
		}
		out["apiAddress"] = v
	}
	return out
}

// portClash returns a listener of the load balancer, other than self, that
// uses one of ports with the same protocol.
func (s *store) portClash(lbID, self, protocol string, ports []int) *listener {
	for _, o := range s.listenersInOrder() {
		if o.lbID == lbID && o.id != self && o.protocol == protocol && portsOverlap(o.ports, ports) {
			return o
		}
	}
	return nil
}

func portConflict(o *listener) *apiError {
	return newError(http.StatusConflict, "OPERATION_DENIED_PORT_CONFLICT",
		"The ports clash with the listener %s (%s %s) of the same load balancer.", o.id, o.protocol, joinPorts(o.ports))
}

func createListener(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("loadBalancerId", "listenerName", "portList", "clientToken", "protocol", "backendProtocol",
		"scheduler", "kind", "healthCheck", "notify")
	lbID := p.requiredStr("loadBalancerId")
	name := p.requiredStr("listenerName")
	if name != "" {
		p.checkName("listenerName", name)
	}
	ports, ok := p.ports("portList")
	if !ok && !p.has("portList") || ok && len(ports) == 0 && p.root.err == nil {
		p.missing("portList")
	}
	token := p.clientToken(true)
	protocol := p.reqEnum("protocol", protocols...)
	backendProtocol := p.reqEnum("backendProtocol", protocols...)
	scheduler := p.optEnum("scheduler", "wrr", schedulers...)
	kind := p.optEnum("kind", "FNAT", kinds...)
	healthCheck := readHealthCheck(p, defaultHealthCheck())
	notify := readNotify(p, defaultNotify())
	if p.root.err != nil {
		return nil, false, p.root.err
	}

	key := tokenKey{keyID: c.keyID, action: c.action, token: token}
	if rec, ok := s.tokens[key]; ok {
		return map[string]any{"listenerId": rec.id}, false, nil
	}
	lb, ok := s.lbs[lbID]
	if !ok {
		return nil, false, resourceNotFound("load balancer", lbID)
	}
	if st := lb.status(c.now); st != StatusRunning {
		return nil, false, newError(http.StatusConflict, "OPERATION_DENIED_LOAD_BALANCER_NOT_READY",
			"The load balancer %s is %s, not %s.", lb.id, st, StatusRunning)
	}
	if o := s.portClash(lb.id, "", protocol, ports); o != nil {
		return nil, false, portConflict(o)
	}

	l := &listener{
		seq:             s.nextSeq(),
		id:              s.newID("lsn", func(id string) bool { return s.listeners[id] != nil }),
		lbID:            lb.id,
		name:            name,
		ports:           ports,
		protocol:        protocol,
		backendProtocol: backendProtocol,
		scheduler:       scheduler,
		kind:            kind,
		healthCheck:     healthCheck,
		notify:          notify,
		created:         c.now,
		readyAt:         c.now.Add(c.knobs.pendingFor),
	}
	s.listeners[l.id] = l
	s.tokens[key] = tokenRecord{id: l.id}
	return map[string]any{"listenerId": l.id}, true, nil
}

func modifyListenerAttribute(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("listenerId", "listenerName", "protocol", "backendProtocol", "scheduler", "kind",
		"healthCheck", "notify", "portList")
	id := p.requiredStr("listenerId")
	name, hasName := p.str("listenerName")
	if hasName {
		p.checkName("listenerName", name)
	}
	protocol, hasProtocol := p.str("protocol")
	if hasProtocol {
		p.checkEnum("protocol", protocol, protocols...)
	}
	backendProtocol, hasBackendProtocol := p.str("backendProtocol")
	if hasBackendProtocol {
		p.checkEnum("backendProtocol", backendProtocol, protocols...)
	}
	scheduler, hasScheduler := p.str("scheduler")
	if hasScheduler {
		p.checkEnum("scheduler", scheduler, schedulers...)
	}
	kind, hasKind := p.str("kind")
	if hasKind {
		p.checkEnum("kind", kind, kinds...)
	}
	ports, hasPorts := p.ports("portList")
	if p.root.err != nil {
		return nil, false, p.root.err
	}
	l, ok := s.listeners[id]
	if !ok {
		return nil, false, listenerNotFound(id)
	}
	healthCheck := readHealthCheck(p, l.healthCheck)
	notify := readNotify(p, l.notify)
	if p.root.err != nil {
		return nil, false, p.root.err
	}
	if hasPorts && !samePorts(ports, l.ports) {
		return nil, false, invalidParameter("portList", "the ports of a listener cannot be changed")
	}
	if st := l.status(c.now); st != StatusAvailable {
		return nil, false, listenerNotReady(l.id, st)
	}
	if hasKind && kind != l.kind {
		for _, b := range s.backends {
			if b.listenerID == l.id {
				return nil, false, newError(http.StatusConflict, "OPERATION_DENIED_LISTENER_HAS_BACKENDS",
					"The kind of the listener %s cannot change while it has backends.", l.id)
			}
		}
	}
	if hasProtocol && protocol != l.protocol {
		if o := s.portClash(l.lbID, l.id, protocol, l.ports); o != nil {
			return nil, false, portConflict(o)
		}
	}

	before := *l
	if hasName {
		l.name = name
	}
	if hasProtocol {
		l.protocol = protocol
	}
	if hasBackendProtocol {
		l.backendProtocol = backendProtocol
	}
	if hasScheduler {
		l.scheduler = scheduler
	}
	if hasKind {
		l.kind = kind
	}
	l.healthCheck, l.notify = healthCheck, notify
	changed := before.name != l.name || before.protocol != l.protocol ||
		before.backendProtocol != l.backendProtocol || before.scheduler != l.scheduler ||
		before.kind != l.kind || !maps.Equal(before.healthCheck, l.healthCheck) || !maps.Equal(before.notify, l.notify)
	return nil, changed, nil
}

func deleteListener(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("listenerId")
	id := p.requiredStr("listenerId")
	if p.root.err != nil {
		return nil, false, p.root.err
	}
	if _, ok := s.listeners[id]; !ok {
		return nil, false, listenerNotFound(id)
	}
	s.removeListener(id)
	return nil, true, nil
}

func describeListeners(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("listenerIds", "loadBalancerIds", "listenerName", "pageNum", "pageSize")
	ids := p.idList("listenerIds", maxFilterIDs)
	lbIDs := p.idList("loadBalancerIds", maxFilterIDs)
	name, _ := p.str("listenerName")
	pageNum, pageSize := p.paging()
	if p.root.err != nil {
		return nil, false, p.root.err
	}
	var matched []*listener
	for _, l := range s.listenersInOrder() {
		switch {
		case len(ids) > 0 && !slices.Contains(ids, l.id):
		case len(lbIDs) > 0 && !slices.Contains(lbIDs, l.lbID):
		case name != "" && !strings.Contains(l.name, name):
		default:
			matched = append(matched, l)
		}
	}
	data := []listenerJSON{}
	for _, l := range page(matched, pageNum, pageSize) {
		data = append(data, l.toJSON(c))
	}
	return map[string]any{"totalCount": len(matched), "dataSet": data}, false, nil
}
