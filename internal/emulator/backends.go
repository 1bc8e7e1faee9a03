package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// backendJSON is a backend as DescribeBackends and DescribeLoadBalancers show it.
type backendJSON struct {
	ListenerID   string `json:"listenerId"`
	BackendID    string `json:"backendId"`
	BackendName  string `json:"backendName"`
	Status       string `json:"status"`
	Port         string `json:"port"`
	Weight       int    `json:"weight"`
	InstanceID   string `json:"instanceId"`
	InstanceType string `json:"instanceType"`
	InstanceName string `json:"instanceName"`
	CreateTime   string `json:"createTime"`
}

func (b *backend) toJSON(c *call) backendJSON {
	return backendJSON{
		ListenerID:   b.listenerID,
		BackendID:    b.id,
		BackendName:  b.name,
		Status:       b.status(c.now),
		Port:         joinPorts(b.ports),
		Weight:       b.weight,
		InstanceID:   b.instanceID,
		InstanceType: b.instanceType,
		InstanceName: b.instanceName,
		CreateTime:   formatTime(b.created),
	}
}

func listenerNotFound(id string) *apiError {
	return newError(http.StatusNotFound, "INVALID_LISTENER_NOT_FOUND", "The listener %s does not exist.", id)
}

func backendNotFound(id string) *apiError {
	return resourceNotFound("backend", id)
}

func samePorts(a, b []int) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// listenerOfParam names the listener a write addresses through its listenerId field.
func listenerOfParam(s *store, p *params) string {
	id, _ := p.str("listenerId")
	if _, ok := s.listeners[id]; ok {
		return id
	}
	return ""
}

// listenerOfBackend names the listener of the backend a write addresses through its backendId field.
func listenerOfBackend(s *store, p *params) string {
	id, _ := p.str("backendId")
	if b, ok := s.backends[id]; ok {
		return b.listenerID
	}
	return ""
}

func registerBackend(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("listenerId", "backendName", "instanceId", "clientToken", "instanceType", "portList", "weight")
	listenerID := p.requiredStr("listenerId")
	name := p.requiredStr("backendName")
	if name != "" {
		p.checkName("backendName", name)
	}
	instanceID := p.requiredStr("instanceId")
	token := p.clientToken(true)
	instanceType := p.optEnum("instanceType", "BM", "BM", "VM")
	ports, _ := p.ports("portList")
	weight := 100
	if w, ok := p.integer("weight"); ok {
		p.checkUpTo("weight", w, 100)
		weight = w
	}
	if p.root.err != nil {
		return nil, false, p.root.err
	}

	key := tokenKey{keyID: c.keyID, action: c.action, token: token}
	if rec, ok := s.tokens[key]; ok {
		return map[string]any{"backendId": rec.id}, false, nil
	}

	l, ok := s.listeners[listenerID]
	if !ok {
		return nil, false, listenerNotFound(listenerID)
	}
	if st := l.status(c.now); st != StatusAvailable {
		return nil, false, listenerNotReady(l.id, st)
	}
	in, ok := s.instances[instanceID]
	if !ok {
		return nil, false, newError(http.StatusNotFound, "INVALID_INSTANCE_NOT_FOUND",
			"The instance %s does not exist.", instanceID)
	}
	if in.typ != instanceType {
		return nil, false, invalidParameter("instanceType",
			"the instance %s is of type %s, not %s", instanceID, in.typ, instanceType)
	}
	switch {
	case l.kind == "DR" && len(ports) > 0:
		return nil, false, invalidParameter("portList", "must be empty for the listener %s, which is in DR mode", l.id)
	case l.kind != "DR" && len(ports) == 0:
		ports = slices.Clone(l.ports)
	}
	for _, b := range s.backendsInOrder() {
		if b.listenerID == l.id && b.instanceID == in.id && !b.deregistering && samePorts(b.ports, ports) {
			return nil, false, newError(http.StatusConflict, "OPERATION_DENIED_BACKEND_EXISTS",
				"The instance %s is already registered on the listener %s with the ports %q as the backend %s.",
				in.id, l.id, joinPorts(ports), b.id)
		}
	}

	b := &backend{
		seq:          s.nextSeq(),
		id:           s.newID("bk", func(id string) bool { return s.backends[id] != nil }),
		listenerID:   l.id,
		name:         name,
		instanceID:   in.id,
		instanceType: in.typ,
		instanceName: in.name,
		ports:        ports,
		weight:       weight,
		fails:        in.fails,
		created:      c.now,
		readyAt:      c.now.Add(c.knobs.pendingFor),
	}
	s.backends[b.id] = b
	s.tokens[key] = tokenRecord{id: b.id}
	return map[string]any{"backendId": b.id}, true, nil
}

func describeBackends(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("listenerId", "backendIds", "backendName", "instanceType", "pageNum", "pageSize")
	listenerID := p.requiredStr("listenerId")
	ids := p.idList("backendIds", 0)
	name, _ := p.str("backendName")
	instanceType := p.optEnum("instanceType", "", "BM", "VM")
	pageNum, pageSize := p.paging()
	if p.root.err != nil {
		return nil, false, p.root.err
	}
	if _, ok := s.listeners[listenerID]; !ok {
		return nil, false, listenerNotFound(listenerID)
	}

	var matched []*backend
	for _, b := range s.backendsInOrder() {
		switch {
		case b.listenerID != listenerID:
		case len(ids) > 0 && !slices.Contains(ids, b.id):
		case name != "" && !strings.Contains(b.name, name):
		case instanceType != "" && b.instanceType != instanceType:
		default:
			matched = append(matched, b)
		}
	}
	data := []backendJSON{}
	for _, b := range page(matched, pageNum, pageSize) {
		data = append(data, b.toJSON(c))
	}
	return map[string]any{"totalCount": len(matched), "dataSet": data}, false, nil
}

func deregisterBackend(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("backendId")
	id := p.requiredStr("backendId")
	if p.root.err != nil {
		return nil, false, p.root.err
	}
	b, ok := s.backends[id]
	if !ok {
		return nil, false, backendNotFound(id)
	}
	if b.deregistering {
		return nil, false, nil
	}
	if d := c.knobs.deletingFor; d > 0 {
		b.deregistering = true
		b.goneAt = c.now.Add(d)
	} else {
		delete(s.backends, id)
	}
	return nil, true, nil
}

func modifyBackendWeight(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("backendId", "weight")
	id := p.requiredStr("backendId")
	weight, ok := p.integer("weight")
	if !ok && !p.has("weight") {
		p.missing("weight")
	}
	if ok {
		p.checkUpTo("weight", weight, 100)
	}
	if p.root.err != nil {
		return nil, false, p.root.err
	}
	b, found := s.backends[id]
	if !found {
		return nil, false, backendNotFound(id)
	}
	if b.deregistering {
		return nil, false, newError(http.StatusConflict, "OPERATION_DENIED_BACKEND_DEREGISTERING",
			"The backend %s is being deregistered.", id)
	}
	if b.weight == weight {
		return nil, false, nil
	}
	b.weight = weight
	return nil, true, nil
}
