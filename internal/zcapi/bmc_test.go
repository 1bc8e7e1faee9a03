package zcapi

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestBMCMethods(t *testing.T) {
	name := "renamed"
	tests := []struct {
		name     string
		call     func(context.Context, *Client) error
		action   string
		version  string
		body     string
		retries  bool // retried on a 500
		response string
	}{
		{
			name: "RegisterBackend with token",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.RegisterBackend(ctx, &RegisterBackendRequest{ListenerID: "l", BackendName: "b", InstanceID: "i", ClientToken: "t"})
				return err
			},
			action: "RegisterBackend", version: VersionCurrent, retries: true,
			body: `{"listenerId":"l","backendName":"b","instanceId":"i","clientToken":"t"}`,
		},
		{
			name: "RegisterBackend without token",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.RegisterBackend(ctx, &RegisterBackendRequest{ListenerID: "l", BackendName: "b", InstanceID: "i"})
				return err
			},
			action: "RegisterBackend", version: VersionCurrent, retries: false,
			body: `{"listenerId":"l","backendName":"b","instanceId":"i","clientToken":""}`,
		},
		{
			name:   "DeregisterBackend",
			call:   func(ctx context.Context, c *Client) error { return c.DeregisterBackend(ctx, "bk") },
			action: "DeregisterBackend", version: VersionCurrent, retries: true, body: `{"backendId":"bk"}`,
		},
		{
			name: "DescribeBackends",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.DescribeBackends(ctx, &DescribeBackendsRequest{ListenerID: "l", BackendIDs: []string{"a", "b"}, PageSize: 100})
				return err
			},
			action: "DescribeBackends", version: VersionCurrent, retries: true,
			body: `{"listenerId":"l","backendIds":["a","b"],"pageSize":100}`,
		},
		{
			name:   "ModifyBackendWeight",
			call:   func(ctx context.Context, c *Client) error { return c.ModifyBackendWeight(ctx, "bk", 70) },
			action: "ModifyBackendWeight", version: VersionLegacy, retries: true, body: `{"backendId":"bk","weight":70}`,
		},
		{
			name: "CreateListener with token",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateListener(ctx, &CreateListenerRequest{LoadBalancerID: "lb", ListenerName: "n", PortList: []int{80}, ClientToken: "t", Protocol: "TCP", BackendProtocol: "TCP"})
				return err
			},
			action: "CreateListener", version: VersionCurrent, retries: true,
			body: `{"loadBalancerId":"lb","listenerName":"n","portList":[80],"clientToken":"t","protocol":"TCP","backendProtocol":"TCP"}`,
		},
		{
			name: "CreateListener without token",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateListener(ctx, &CreateListenerRequest{LoadBalancerID: "lb"})
				return err
			},
			action: "CreateListener", version: VersionCurrent, retries: false,
			body: `{"loadBalancerId":"lb","listenerName":"","portList":null,"clientToken":"","protocol":"","backendProtocol":""}`,
		},
		{
			name: "ModifyListenerAttribute",
			call: func(ctx context.Context, c *Client) error {
				return c.ModifyListenerAttribute(ctx, &ModifyListenerAttributeRequest{ListenerID: "l", ListenerName: &name})
			},
			action: "ModifyListenerAttribute", version: VersionCurrent, retries: true, body: `{"listenerId":"l","listenerName":"renamed"}`,
		},
		{
			name:   "DeleteListener",
			call:   func(ctx context.Context, c *Client) error { return c.DeleteListener(ctx, "l") },
			action: "DeleteListener", version: VersionCurrent, retries: true, body: `{"listenerId":"l"}`,
		},
		{
			name: "DescribeListeners nil request",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.DescribeListeners(ctx, nil)
				return err
			},
			action: "DescribeListeners", version: VersionCurrent, retries: true, body: `{}`,
		},
		{
			name: "CreateLoadBalancer with token",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateLoadBalancer(ctx, &CreateLoadBalancerRequest{ZoneID: "z", LoadBalancerName: "n", ChargeType: "POSTPAID", Bandwidth: 10, IPType: "IPv4", ClientToken: "t",
					Tags: &TagAssociation{Tags: []Tag{{Key: "k", Value: "v"}}}})
				return err
			},
			action: "CreateLoadBalancer", version: VersionCurrent, retries: true,
			body: `{"zoneId":"z","loadBalancerName":"n","chargeType":"POSTPAID","bandwidth":10,"ipType":"IPv4","clientToken":"t","tags":{"tags":[{"key":"k","value":"v"}]}}`,
		},
		{
			name: "CreateLoadBalancer without token",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateLoadBalancer(ctx, &CreateLoadBalancerRequest{ZoneID: "z", LoadBalancerName: "n", ChargeType: "POSTPAID", Bandwidth: 10, IPType: "IPv4"})
				return err
			},
			action: "CreateLoadBalancer", version: VersionCurrent, retries: false,
			body: `{"zoneId":"z","loadBalancerName":"n","chargeType":"POSTPAID","bandwidth":10,"ipType":"IPv4"}`,
		},
		{
			name: "DescribeLoadBalancers",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.DescribeLoadBalancers(ctx, &DescribeLoadBalancersRequest{LoadBalancerIDs: []string{"lb"}})
				return err
			},
			action: "DescribeLoadBalancers", version: VersionCurrent, retries: true, body: `{"loadBalancerIds":["lb"]}`,
		},
		{
			name: "ModifyLoadBalancersName",
			call: func(ctx context.Context, c *Client) error {
				return c.ModifyLoadBalancersName(ctx, []string{"lb1", "lb2"}, "n")
			},
			action: "ModifyLoadBalancersName", version: VersionCurrent, retries: true,
			body: `{"loadBalancerIds":["lb1","lb2"],"loadBalancerName":"n"}`,
		},
		{
			name:   "TerminateLoadBalancer",
			call:   func(ctx context.Context, c *Client) error { return c.TerminateLoadBalancer(ctx, "lb") },
			action: "TerminateLoadBalancer", version: VersionCurrent, retries: true, body: `{"loadBalancerId":"lb"}`,
		},
		{
			name:   "ReleaseLoadBalancer",
			call:   func(ctx context.Context, c *Client) error { return c.ReleaseLoadBalancer(ctx, "lb") },
			action: "ReleaseLoadBalancer", version: VersionCurrent, retries: true, body: `{"loadBalancerId":"lb"}`,
		},
		{
			name:   "RestoreLoadBalancer",
			call:   func(ctx context.Context, c *Client) error { return c.RestoreLoadBalancer(ctx, "lb") },
			action: "RestoreLoadBalancer", version: VersionCurrent, retries: true, body: `{"loadBalancerId":"lb"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, srv := newRecorder(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusInternalServerError, `{"requestId":"r","code":"INTERNAL_SERVER_ERROR","message":"m"}`)
			})
			c := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = 2 })
			if err := tt.call(context.Background(), c); err == nil {
				t.Fatalf("call succeeded against a failing server")
			}
			reqs := rec.all()
			want := 1
			if tt.retries {
				want = 3
			}
			if len(reqs) != want {
				t.Fatalf("attempts = %d, want %d", len(reqs), want)
			}
			r := reqs[0]
			if got := r.header.Get("X-ZC-Action"); got != tt.action {
				t.Errorf("action = %q, want %q", got, tt.action)
			}
			if got := r.header.Get("X-ZC-Version"); got != tt.version {
				t.Errorf("version = %q, want %q", got, tt.version)
			}
			if string(r.body) != tt.body {
				t.Errorf("body = %s, want %s", r.body, tt.body)
			}
			verify(t, r)
		})
	}
}

func TestBMCMethodsRefuseEmptyInput(t *testing.T) {
	rec, srv := newRecorder(t, okReply(`{}`))
	c := newTestClient(t, srv, nil)
	ctx := context.Background()
	calls := map[string]func() error{
		"DeregisterBackend":       func() error { return c.DeregisterBackend(ctx, "") },
		"ModifyBackendWeight":     func() error { return c.ModifyBackendWeight(ctx, "", 1) },
		"DeleteListener":          func() error { return c.DeleteListener(ctx, "") },
		"ModifyListenerAttribute": func() error { return c.ModifyListenerAttribute(ctx, &ModifyListenerAttributeRequest{}) },
		"ModifyLoadBalancersName": func() error { return c.ModifyLoadBalancersName(ctx, nil, "n") },
		"TerminateLoadBalancer":   func() error { return c.TerminateLoadBalancer(ctx, "") },
		"RegisterBackend": func() error {
			_, err := c.RegisterBackend(ctx, nil)
			return err
		},
	}
	for name, call := range calls {
		if err := call(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s with empty input: error = %v, want one naming the action", name, err)
		}
	}
	if rec.count() != 0 {
		t.Errorf("server saw %d requests, want 0", rec.count())
	}
}

func TestDescribeDecodesLenientForms(t *testing.T) {
	_, srv := newRecorder(t, okReply(`{"requestId":"req-lb","totalCount":1,"dataSet":[{
		"loadBalancerId":"lb-1","bandwidth":10,"isWorking":true,
		"vipList":[{"vipId":"v","ipAddress":"10.0.0.1","type":"IPv4","status":"Available"}],
		"listenerList":[{"listenerId":"lsn-1","port":8080}],
		"backendList":[{"backendId":"bk-1","port":["80","443"],"weight":100}],
		"tags":{"tags":[{"key":"env","value":"prod"}]}}]}`))
	c := newTestClient(t, srv, nil)
	out, err := c.DescribeLoadBalancers(context.Background(), nil)
	if err != nil {
		t.Fatalf("DescribeLoadBalancers: %v", err)
	}
	if out.RequestID != "req-lb" || len(out.DataSet) != 1 {
		t.Fatalf("response = %+v", out)
	}
	lb := out.DataSet[0]
	if lb.LoadBalancerID != "lb-1" || lb.Bandwidth != 10 || !lb.IsWorking || len(lb.VIPList) != 1 || lb.VIPList[0].IPAddress != "10.0.0.1" {
		t.Errorf("load balancer = %+v", lb)
	}
	if len(lb.ListenerList) != 1 || lb.ListenerList[0].Port != "8080" {
		t.Errorf("listeners = %+v, want port 8080", lb.ListenerList)
	}
	if len(lb.BackendList) != 1 || lb.BackendList[0].Port != "80,443" || lb.BackendList[0].Weight != 100 {
		t.Errorf("backends = %+v, want port 80,443 and weight 100", lb.BackendList)
	}
	if len(lb.Tags) != 1 || lb.Tags[0] != (Tag{Key: "env", Value: "prod"}) {
		t.Errorf("tags = %+v", lb.Tags)
	}
}
