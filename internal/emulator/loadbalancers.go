package emulator

import (
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

var (
	chargeTypes = []string{"PREPAID", "POSTPAID"}
	ipTypes     = []string{"IPv4", "IPv6"}
)

// maxVIPCount bounds vipCount, which has no published limit.
const maxVIPCount = 10

// maxTags bounds the tags of one load balancer.
const maxTags = 50

type vipJSON struct {
	VIPID     string `json:"vipId"`
	IPAddress string `json:"ipAddress"`
	Type      string `json:"type"`
	Status    string `json:"status"`
}

// loadBalancerJSON is a load balancer as DescribeLoadBalancers shows it.
type loadBalancerJSON struct {
	LoadBalancerID   string         `json:"loadBalancerId"`
	ZoneID           string         `json:"zoneId"`
	LoadBalancerName string         `json:"loadBalancerName"`
	SpecName         string         `json:"specName"`
	VIPList          []vipJSON      `json:"vipList"`
	ChargeType       string         `json:"chargeType"`
	CreateTime       string         `json:"createTime"`
	ExpiredTime      *string        `json:"expiredTime"`
	Status           string         `json:"status"`
	ResourceGroupID  string         `json:"resourceGroupId"`
	MasterIP         string         `json:"masterIp"`
	BackupIP         string         `json:"backupIp"`
	IPType           string         `json:"ipType"`
	Bandwidth        int            `json:"bandwidth"`
	IsWorking        bool           `json:"isWorking"`
	ListenerList     []listenerJSON `json:"listenerList"`
	BackendList      []backendJSON  `json:"backendList"`
	Tags             []Tag          `json:"tags"`
}

func (s *store) loadBalancerJSON(lb *loadBalancer, c *call) loadBalancerJSON {
	status := lb.status(c.now)
	out := loadBalancerJSON{
		LoadBalancerID:   lb.id,
		ZoneID:           lb.zoneID,
		LoadBalancerName: lb.name,
		SpecName:         defaultSpecName,
		VIPList:          []vipJSON{},
		ChargeType:       lb.chargeType,
		CreateTime:       formatTime(lb.created),
		Status:           status,
		ResourceGroupID:  lb.resourceGroupID,
		MasterIP:         lb.masterIP,
		BackupIP:         lb.backupIP,
		IPType:           lb.ipType,
		Bandwidth:        lb.bandwidth,
		IsWorking:        status == StatusRunning,
		ListenerList:     []listenerJSON{},
		BackendList:      []backendJSON{},
		Tags:             slices.Clone(lb.tags),
	}
	if out.Tags == nil {
		out.Tags = []Tag{}
	}
	if !lb.expires.IsZero() {
		t := formatTime(lb.expires)
		out.ExpiredTime = &t
	}
	for _, v := range lb.vips {
		out.VIPList = append(out.VIPList, vipJSON{VIPID: v.id, IPAddress: v.address.String(), Type: lb.ipType, Status: status})
	}
	own := map[string]bool{}
	for _, l := range s.listenersInOrder() {
		if l.lbID == lb.id {
			own[l.id] = true
			out.ListenerList = append(out.ListenerList, l.toJSON(c))
		}
	}
	for _, b := range s.backendsInOrder() {
		if own[b.listenerID] {
			out.BackendList = append(out.BackendList, b.toJSON(c))
		}
	}
	return out
}

// readTags reads a list of {key, value} objects.
func readTags(list []*params) []Tag {
	tags := []Tag{}
	seen := map[string]bool{}
	for _, t := range list {
		t.only("key", "value")
		key := t.requiredStr("key")
		value, _ := t.str("value")
		if len(key) > 128 {
			t.invalid("key", "at most 128 characters are allowed")
		}
		if len(value) > 256 {
			t.invalid("value", "at most 256 characters are allowed")
		}
		if seen[key] {
			t.invalid("key", "the key %q appears twice", key)
		}
		seen[key] = true
		tags = append(tags, Tag{Key: key, Value: value})
	}
	return tags
}

func createLoadBalancer(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("zoneId", "loadBalancerName", "chargeType", "bandwidth", "ipType", "clientToken",
		"instanceChargePrepaid", "vipCount", "subnetId", "cidrBlockId", "masterIp", "backupIp", "tags",
		"resourceGroupId")
	zoneID := p.requiredStr("zoneId")
	if zoneID != "" && !slices.Contains(s.zones, zoneID) {
		p.invalid("zoneId", "the zone %q does not exist; known zones are %s", zoneID, strings.Join(s.zones, ", "))
	}
	name := p.requiredStr("loadBalancerName")
	if name != "" {
		p.checkName("loadBalancerName", name)
	}
	chargeType := p.reqEnum("chargeType", chargeTypes...)
	bandwidth, ok := p.integer("bandwidth")
	if ok {
		p.checkUpTo("bandwidth", bandwidth, 1024)
	} else if !p.has("bandwidth") {
		p.missing("bandwidth")
	}
	ipType := p.reqEnum("ipType", ipTypes...)
	token := p.clientToken(false)
	period := 0
	if prepaid, ok := p.object("instanceChargePrepaid"); ok {
		prepaid.only("period")
		if v, ok := prepaid.integer("period"); ok {
			if v < 1 {
				prepaid.invalid("period", "%d is less than 1", v)
			}
			period = v
		}
	}
	if chargeType == "PREPAID" && period == 0 {
		p.missing("instanceChargePrepaid.period")
	}
	vipCount := 1
	if v, ok := p.integer("vipCount"); ok {
		p.checkUpTo("vipCount", v, maxVIPCount)
		vipCount = v
	}
	subnetID, _ := p.str("subnetId")
	cidrBlockID, _ := p.str("cidrBlockId")
	if subnetID != "" && ipType == "IPv6" {
		p.invalid("subnetId", "applies only to ipType IPv4")
	}
	if cidrBlockID != "" && ipType == "IPv4" {
		p.invalid("cidrBlockId", "applies only to ipType IPv6")
	}
	masterIP, _ := p.str("masterIp")
	backupIP, _ := p.str("backupIp")
	for _, f := range [][2]string{{"masterIp", masterIP}, {"backupIp", backupIP}} {
		if _, err := netip.ParseAddr(f[1]); f[1] != "" && err != nil {
			p.invalid(f[0], "%q is not an IP address", f[1])
		}
	}
	tags := []Tag{}
	if wrapper, ok := p.object("tags"); ok {
		wrapper.only("tags")
		if list, ok := wrapper.objectList("tags"); ok {
			if len(list) > maxTags {
				wrapper.invalid("tags", "at most %d tags are allowed", maxTags)
			}
			tags = readTags(list)
		}
	}
	resourceGroupID, _ := p.str("resourceGroupId")
	if resourceGroupID == "" {
		resourceGroupID = defaultResourceGroupID
	}
	if p.root.err != nil {
		return nil, false, p.root.err
	}

	key := tokenKey{keyID: c.keyID, action: c.action, token: token}
	if token != "" {
		if rec, ok := s.tokens[key]; ok {
			return map[string]any{"loadBalancerId": rec.id, "orderNumber": rec.orderNumber}, false, nil
		}
	}
	vips := s.allocateVIPs(ipType, vipCount)
	if vips == nil {
		return nil, false, newError(http.StatusConflict, "OPERATION_DENIED_INSUFFICIENT_VIP",
			"There are not enough free %s addresses for %d VIPs.", ipType, vipCount)
	}
	lb := &loadBalancer{
		seq:             s.nextSeq(),
		id:              s.newID("lb", func(id string) bool { return s.lbs[id] != nil }),
		name:            name,
		zoneID:          zoneID,
		chargeType:      chargeType,
		ipType:          ipType,
		subnetID:        subnetID,
		cidrBlockID:     cidrBlockID,
		masterIP:        masterIP,
		backupIP:        backupIP,
		resourceGroupID: resourceGroupID,
		orderNumber:     s.nextOrderNumber(),
		bandwidth:       bandwidth,
		period:          period,
		vips:            vips,
		tags:            tags,
		created:         c.now,
		readyAt:         c.now.Add(c.knobs.pendingFor),
	}
	if chargeType == "PREPAID" {
		lb.expires = c.now.AddDate(0, period, 0)
	}
	s.lbs[lb.id] = lb
	if token != "" {
		s.tokens[key] = tokenRecord{id: lb.id, orderNumber: lb.orderNumber}
	}
	return map[string]any{"loadBalancerId": lb.id, "orderNumber": lb.orderNumber}, true, nil
}

// readTagFilter reads the tags filter of DescribeLoadBalancers, given either
// as a list of {key, value} or, like CreateLoadBalancer, as {tags: [...]}.
func readTagFilter(p *params) []Tag {
	v, ok := p.raw("tags")
	if !ok {
		return nil
	}
	if strings.HasPrefix(strings.TrimSpace(string(v)), "[") {
		list, _ := p.objectList("tags")
		return readTags(list)
	}
	wrapper, ok := p.object("tags")
	if !ok {
		return nil
	}
	wrapper.only("tags")
	list, _ := wrapper.objectList("tags")
	return readTags(list)
}

func hasTag(tags []Tag, key string) (string, bool) {
	for _, t := range tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

func describeLoadBalancers(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("loadBalancerIds", "zoneId", "loadBalancerName", "pageNum", "pageSize", "resourceGroupId", "tagKeys", "tags")
	ids := p.idList("loadBalancerIds", maxFilterIDs)
	zoneID, _ := p.str("zoneId")
	name, _ := p.str("loadBalancerName")
	resourceGroupID, _ := p.str("resourceGroupId")
	tagKeys, _ := p.strList("tagKeys")
	tagFilter := readTagFilter(p)
	pageNum, pageSize := p.paging()
	if p.root.err != nil {
		return nil, false, p.root.err
	}

	var matched []*loadBalancer
next:
	for _, lb := range s.loadBalancersInOrder() {
		switch {
		case len(ids) > 0 && !slices.Contains(ids, lb.id):
			continue
		case zoneID != "" && lb.zoneID != zoneID:
			continue
		case name != "" && !strings.Contains(lb.name, name):
			continue
		case resourceGroupID != "" && lb.resourceGroupID != resourceGroupID:
			continue
		}
		for _, k := range tagKeys {
			if _, ok := hasTag(lb.tags, k); !ok {
				continue next
			}
		}
		for _, t := range tagFilter {
			if v, ok := hasTag(lb.tags, t.Key); !ok || v != t.Value {
				continue next
			}
		}
		matched = append(matched, lb)
	}
	data := []loadBalancerJSON{}
	for _, lb := range page(matched, pageNum, pageSize) {
		data = append(data, s.loadBalancerJSON(lb, c))
	}
	return map[string]any{"totalCount": len(matched), "dataSet": data}, false, nil
}

func modifyLoadBalancersName(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("loadBalancerIds", "loadBalancerName")
	ids := p.idList("loadBalancerIds", maxFilterIDs)
	if len(ids) == 0 && p.root.err == nil {
		p.missing("loadBalancerIds")
	}
	name := p.requiredStr("loadBalancerName")
	if name != "" {
		p.checkName("loadBalancerName", name)
	}
	if p.root.err != nil {
		return nil, false, p.root.err
	}
	for _, id := range ids {
		if _, ok := s.lbs[id]; !ok {
			return nil, false, resourceNotFound("load balancer", id)
		}
	}
	changed := false
	for _, id := range ids {
		if lb := s.lbs[id]; lb.name != name {
			lb.name = name
			changed = true
		}
	}
	return nil, changed, nil
}

// readLoadBalancer reads the loadBalancerId field and finds the load balancer.
func readLoadBalancer(s *store, c *call) (*loadBalancer, *apiError) {
	p := c.params
	p.only("loadBalancerId")
	id := p.requiredStr("loadBalancerId")
	if p.root.err != nil {
		return nil, p.root.err
	}
	lb, ok := s.lbs[id]
	if !ok {
		return nil, resourceNotFound("load balancer", id)
	}
	return lb, nil
}

func notInRecycleBin(id string) *apiError {
	return newError(http.StatusConflict, "OPERATION_DENIED_NOT_IN_RECYCLE_BIN",
		"The load balancer %s is not in the recycle bin.", id)
}

func terminateLoadBalancer(s *store, c *call) (map[string]any, bool, *apiError) {
	lb, err := readLoadBalancer(s, c)
	if err != nil {
		return nil, false, err
	}
	if lb.recycled {
		return nil, false, newError(http.StatusConflict, "OPERATION_DENIED_ALREADY_IN_RECYCLE_BIN",
			"The load balancer %s is already in the recycle bin.", lb.id)
	}
	s.recycle(lb)
	return nil, true, nil
}

func releaseLoadBalancer(s *store, c *call) (map[string]any, bool, *apiError) {
	lb, err := readLoadBalancer(s, c)
	if err != nil {
		return nil, false, err
	}
	if !lb.recycled {
		return nil, false, notInRecycleBin(lb.id)
	}
	s.freeVIPs(lb)
	delete(s.lbs, lb.id)
	return nil, true, nil
}

func restoreLoadBalancer(s *store, c *call) (map[string]any, bool, *apiError) {
	lb, err := readLoadBalancer(s, c)
	if err != nil {
		return nil, false, err
	}
	if !lb.recycled {
		return nil, false, notInRecycleBin(lb.id)
	}
	lb.recycled = false
	if lb.readyAt.After(c.now) {
		lb.readyAt = c.now
	}
	return nil, true, nil
}

func describeLoadBalancerZones(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("chargeType")
	p.optEnum("chargeType", "", chargeTypes...)
	if p.root.err != nil {
		return nil, false, p.root.err
	}
	return map[string]any{"zoneIdList": slices.Clone(s.zones)}, false, nil
}

type specJSON struct {
	SpecName     string `json:"specName"`
	ZoneID       string `json:"zoneId"`
	ChargeType   string `json:"chargeType"`
	BandwidthMin int    `json:"bandwidthMin"`
	BandwidthMax int    `json:"bandwidthMax"`
}

func describeLoadBalancerSpecs(s *store, c *call) (map[string]any, bool, *apiError) {
	p := c.params
	p.only("chargeType", "zoneId")
	chargeType := p.optEnum("chargeType", "", chargeTypes...)
	zoneID, _ := p.str("zoneId")
	if zoneID != "" && !slices.Contains(s.zones, zoneID) {
		p.invalid("zoneId", "the zone %q does not exist", zoneID)
	}
	if p.root.err != nil {
		return nil, false, p.root.err
	}
	specs := []specJSON{}
	for _, z := range s.zones {
		if zoneID != "" && z != zoneID {
			continue
		}
		for _, ct := range chargeTypes {
			if chargeType == "" || ct == chargeType {
				specs = append(specs, specJSON{SpecName: defaultSpecName, ZoneID: z, ChargeType: ct, BandwidthMin: 1, BandwidthMax: 1024})
			}
		}
	}
	return map[string]any{"specList": specs}, false, nil
}
