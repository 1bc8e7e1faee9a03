package zcapi

// This file holds the request and response bodies of the BMC load-balancing actions, with the
// JSON field names of Zenlayer Cloud API 2.0. Optional request fields are pointers or use
// omitempty so that an unset field is not sent.

// Action names.
const (
	ActionRegisterBackend         = "RegisterBackend"
	ActionDeregisterBackend       = "DeregisterBackend"
	ActionDescribeBackends        = "DescribeBackends"
	ActionModifyBackendWeight     = "ModifyBackendWeight"
	ActionCreateListener          = "CreateListener"
	ActionModifyListenerAttribute = "ModifyListenerAttribute"
	ActionDeleteListener          = "DeleteListener"
	ActionDescribeListeners       = "DescribeListeners"
	ActionCreateLoadBalancer      = "CreateLoadBalancer"
	ActionDescribeLoadBalancers   = "DescribeLoadBalancers"
	ActionModifyLoadBalancersName = "ModifyLoadBalancersName"
	ActionTerminateLoadBalancer   = "TerminateLoadBalancer"
	ActionReleaseLoadBalancer     = "ReleaseLoadBalancer"
	ActionRestoreLoadBalancer     = "RestoreLoadBalancer"
)

// API versions.
const (
	// VersionCurrent is the BMC API version used for every action but ModifyBackendWeight.
	VersionCurrent = "2026-02-01"
	// VersionLegacy is the older BMC API version, the only one that has ModifyBackendWeight.
	VersionLegacy = "2022-11-20"
)

// RegisterBackendRequest is the body of RegisterBackend.
type RegisterBackendRequest struct {
	ListenerID   string `json:"listenerId"`
	BackendName  string `json:"backendName"`
	InstanceID   string `json:"instanceId"`
	ClientToken  string `json:"clientToken"`
	InstanceType string `json:"instanceType,omitempty"`
	PortList     []int  `json:"portList,omitempty"`
	Weight       *int   `json:"weight,omitempty"`
}

// RegisterBackendResponse is the output of RegisterBackend.
type RegisterBackendResponse struct {
	RequestID string `json:"requestId"`
	BackendID string `json:"backendId"`
}

// DeregisterBackendRequest is the body of DeregisterBackend.
type DeregisterBackendRequest struct {
	BackendID string `json:"backendId"`
}

// DescribeBackendsRequest is the body of DescribeBackends.
type DescribeBackendsRequest struct {
	ListenerID   string   `json:"listenerId"`
	BackendIDs   []string `json:"backendIds,omitempty"`
	BackendName  string   `json:"backendName,omitempty"`
	InstanceType string   `json:"instanceType,omitempty"`
	PageNum      int      `json:"pageNum,omitempty"`
	PageSize     int      `json:"pageSize,omitempty"`
}

// Backend is one backend as DescribeBackends reports it. Port is a string in the API ("80");
// ParsePorts turns it into numbers.
type Backend struct {
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

// DescribeBackendsResponse is the output of DescribeBackends.
type DescribeBackendsResponse struct {
	RequestID  string    `json:"requestId"`
	TotalCount int       `json:"totalCount"`
	DataSet    []Backend `json:"dataSet"`
}

// ModifyBackendWeightRequest is the body of ModifyBackendWeight (API version 2022-11-20).
type ModifyBackendWeightRequest struct {
	BackendID string `json:"backendId"`
	Weight    int    `json:"weight"`
}

// HealthCheck is a listener's health check. Every field is optional.
type HealthCheck struct {
	CheckEnabled          *bool   `json:"checkEnabled,omitempty"`
	CheckType             *string `json:"checkType,omitempty"`
	CheckConnectTimeout   *int    `json:"checkConnectTimeout,omitempty"`
	CheckRetry            *int    `json:"checkRetry,omitempty"`
	CheckDelayBeforeRetry *int    `json:"checkDelayBeforeRetry,omitempty"`
	CheckIntervalTime     *int    `json:"checkIntervalTime,omitempty"`
	CheckPort             *int    `json:"checkPort,omitempty"`
	HTTPVersion           *string `json:"httpVersion,omitempty"`
	HTTPCheckPath         *string `json:"httpCheckPath,omitempty"`
	HTTPCheckDigest       *int    `json:"httpCheckDigest,omitempty"`
	HTTPCode              *int    `json:"httpCode,omitempty"`
	MiscCheckPath         *string `json:"miscCheckPath,omitempty"`
	MiscTimeout           *int    `json:"miscTimeout,omitempty"`
}

// Notify is a listener's notification setting.
type Notify struct {
	Enable     *bool   `json:"enable,omitempty"`
	APIAddress *string `json:"apiAddress,omitempty"`
}

// CreateListenerRequest is the body of CreateListener.
type CreateListenerRequest struct {
	LoadBalancerID  string       `json:"loadBalancerId"`
	ListenerName    string       `json:"listenerName"`
	PortList        []int        `json:"portList"`
	ClientToken     string       `json:"clientToken"`
	Protocol        string       `json:"protocol"`
	BackendProtocol string       `json:"backendProtocol"`
	Scheduler       string       `json:"scheduler,omitempty"`
	Kind            string       `json:"kind,omitempty"`
	HealthCheck     *HealthCheck `json:"healthCheck,omitempty"`
	Notify          *Notify      `json:"notify,omitempty"`
}

// CreateListenerResponse is the output of CreateListener.
type CreateListenerResponse struct {
	RequestID  string `json:"requestId"`
	ListenerID string `json:"listenerId"`
}

// ModifyListenerAttributeRequest is the body of ModifyListenerAttribute. Only the fields that
// are set are changed.
type ModifyListenerAttributeRequest struct {
	ListenerID      string       `json:"listenerId"`
	ListenerName    *string      `json:"listenerName,omitempty"`
	Protocol        *string      `json:"protocol,omitempty"`
	BackendProtocol *string      `json:"backendProtocol,omitempty"`
	Scheduler       *string      `json:"scheduler,omitempty"`
	Kind            *string      `json:"kind,omitempty"`
	HealthCheck     *HealthCheck `json:"healthCheck,omitempty"`
	Notify          *Notify      `json:"notify,omitempty"`
}

// DeleteListenerRequest is the body of DeleteListener.
type DeleteListenerRequest struct {
	ListenerID string `json:"listenerId"`
}

// DescribeListenersRequest is the body of DescribeListeners.
type DescribeListenersRequest struct {
	ListenerIDs     []string `json:"listenerIds,omitempty"`
	LoadBalancerIDs []string `json:"loadBalancerIds,omitempty"`
	ListenerName    string   `json:"listenerName,omitempty"`
	PageNum         int      `json:"pageNum,omitempty"`
	PageSize        int      `json:"pageSize,omitempty"`
}

// Listener is one listener as DescribeListeners reports it.
type Listener struct {
	LoadBalancerID  string       `json:"loadBalancerId"`
	ListenerID      string       `json:"listenerId"`
	ListenerName    string       `json:"listenerName"`
	Status          string       `json:"status"`
	Port            string       `json:"port"`
	Protocol        string       `json:"protocol"`
	BackendProtocol string       `json:"backendProtocol"`
	Scheduler       string       `json:"scheduler"`
	Kind            string       `json:"kind"`
	HealthCheck     *HealthCheck `json:"healthCheck"`
	Notify          *Notify      `json:"notify"`
	CreateTime      string       `json:"createTime"`
}

// DescribeListenersResponse is the output of DescribeListeners.
type DescribeListenersResponse struct {
	RequestID  string     `json:"requestId"`
	TotalCount int        `json:"totalCount"`
	DataSet    []Listener `json:"dataSet"`
}

// Tag is one key and value pair on a load balancer.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// TagAssociation is the tags wrapper of CreateLoadBalancer.
type TagAssociation struct {
	Tags []Tag `json:"tags"`
}

// ChargePrepaid holds the prepaid period in months.
type ChargePrepaid struct {
	Period int `json:"period"`
}

// CreateLoadBalancerRequest is the body of CreateLoadBalancer.
type CreateLoadBalancerRequest struct {
	ZoneID                string          `json:"zoneId"`
	LoadBalancerName      string          `json:"loadBalancerName"`
	ChargeType            string          `json:"chargeType"`
	Bandwidth             int             `json:"bandwidth"`
	IPType                string          `json:"ipType"`
	ClientToken           string          `json:"clientToken,omitempty"`
	InstanceChargePrepaid *ChargePrepaid  `json:"instanceChargePrepaid,omitempty"`
	VIPCount              *int            `json:"vipCount,omitempty"`
	SubnetID              string          `json:"subnetId,omitempty"`
	CIDRBlockID           string          `json:"cidrBlockId,omitempty"`
	MasterIP              string          `json:"masterIp,omitempty"`
	BackupIP              string          `json:"backupIp,omitempty"`
	Tags                  *TagAssociation `json:"tags,omitempty"`
}

// CreateLoadBalancerResponse is the output of CreateLoadBalancer.
type CreateLoadBalancerResponse struct {
	RequestID      string `json:"requestId"`
	LoadBalancerID string `json:"loadBalancerId"`
	OrderNumber    string `json:"orderNumber"`
}

// DescribeLoadBalancersRequest is the body of DescribeLoadBalancers.
type DescribeLoadBalancersRequest struct {
	LoadBalancerIDs  []string `json:"loadBalancerIds,omitempty"`
	ZoneID           string   `json:"zoneId,omitempty"`
	LoadBalancerName string   `json:"loadBalancerName,omitempty"`
	ResourceGroupID  string   `json:"resourceGroupId,omitempty"`
	TagKeys          []string `json:"tagKeys,omitempty"`
	Tags             []Tag    `json:"tags,omitempty"`
	PageNum          int      `json:"pageNum,omitempty"`
	PageSize         int      `json:"pageSize,omitempty"`
}

// VIP is one virtual IP of a load balancer.
type VIP struct {
	VIPID     string `json:"vipId"`
	IPAddress string `json:"ipAddress"`
	Type      string `json:"type"`
	Status    string `json:"status"`
}

// LoadBalancer is one load balancer as DescribeLoadBalancers reports it.
type LoadBalancer struct {
	LoadBalancerID   string     `json:"loadBalancerId"`
	ZoneID           string     `json:"zoneId"`
	LoadBalancerName string     `json:"loadBalancerName"`
	SpecName         string     `json:"specName"`
	VIPList          []VIP      `json:"vipList"`
	ChargeType       string     `json:"chargeType"`
	CreateTime       string     `json:"createTime"`
	ExpiredTime      string     `json:"expiredTime"`
	Status           string     `json:"status"`
	ResourceGroupID  string     `json:"resourceGroupId"`
	MasterIP         string     `json:"masterIp"`
	BackupIP         string     `json:"backupIp"`
	IPType           string     `json:"ipType"`
	Bandwidth        int        `json:"bandwidth"`
	IsWorking        bool       `json:"isWorking"`
	ListenerList     []Listener `json:"listenerList"`
	BackendList      []Backend  `json:"backendList"`
	Tags             []Tag      `json:"tags"`
}

// DescribeLoadBalancersResponse is the output of DescribeLoadBalancers.
type DescribeLoadBalancersResponse struct {
	RequestID  string         `json:"requestId"`
	TotalCount int            `json:"totalCount"`
	DataSet    []LoadBalancer `json:"dataSet"`
}

// ModifyLoadBalancersNameRequest is the body of ModifyLoadBalancersName.
type ModifyLoadBalancersNameRequest struct {
	LoadBalancerIDs  []string `json:"loadBalancerIds"`
	LoadBalancerName string   `json:"loadBalancerName"`
}

// LoadBalancerIDRequest is the body of TerminateLoadBalancer, ReleaseLoadBalancer and
// RestoreLoadBalancer.
type LoadBalancerIDRequest struct {
	LoadBalancerID string `json:"loadBalancerId"`
}

// EmptyResponse is the output of an action that returns only a request ID.
type EmptyResponse struct {
	RequestID string `json:"requestId"`
}
