package zcapi

import (
	"context"
	"errors"
	"fmt"
)

// The methods below are the BMC load-balancing actions. Each one picks the API version and
// says whether a failed write may be repeated: writes that carry a client token, and writes
// that are idempotent by nature (deleting, setting a value), are retried like reads; others
// are retried only on the codes that say the request was not carried out.

// RegisterBackend registers one instance as a backend of a listener. It is retried like a
// read when the request carries a client token.
func (c *Client) RegisterBackend(ctx context.Context, req *RegisterBackendRequest) (*RegisterBackendResponse, error) {
	if req == nil {
		return nil, errors.New("zenlayer: RegisterBackend: the request is nil")
	}
	var out RegisterBackendResponse
	if err := c.Call(ctx, ActionRegisterBackend, VersionCurrent, req, &out, req.ClientToken != ""); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeregisterBackend removes a backend from its listener.
func (c *Client) DeregisterBackend(ctx context.Context, backendID string) error {
	if err := requireID(ActionDeregisterBackend, "backend", backendID); err != nil {
		return err
	}
	return c.Call(ctx, ActionDeregisterBackend, VersionCurrent, &DeregisterBackendRequest{BackendID: backendID}, nil, true)
}

// DescribeBackends lists the backends of a listener, one page at a time.
func (c *Client) DescribeBackends(ctx context.Context, req *DescribeBackendsRequest) (*DescribeBackendsResponse, error) {
	if req == nil {
		req = &DescribeBackendsRequest{}
	}
	var out DescribeBackendsResponse
	if err := c.Call(ctx, ActionDescribeBackends, VersionCurrent, req, &out, false); err != nil {
		return nil, err
	}
	return &out, nil
}

// ModifyBackendWeight sets the weight of a backend. Only API version 2022-11-20 has this
// action, so it is sent with VersionLegacy.
func (c *Client) ModifyBackendWeight(ctx context.Context, backendID string, weight int) error {
	if err := requireID(ActionModifyBackendWeight, "backend", backendID); err != nil {
		return err
	}
	req := &ModifyBackendWeightRequest{BackendID: backendID, Weight: weight}
	return c.Call(ctx, ActionModifyBackendWeight, VersionLegacy, req, nil, true)
}

// CreateListener creates a listener on a load balancer. It is retried like a read when the
// request carries a client token.
func (c *Client) CreateListener(ctx context.Context, req *CreateListenerRequest) (*CreateListenerResponse, error) {
	if req == nil {
		return nil, errors.New("zenlayer: CreateListener: the request is nil")
	}
	var out CreateListenerResponse
	if err := c.Call(ctx, ActionCreateListener, VersionCurrent, req, &out, req.ClientToken != ""); err != nil {
		return nil, err
	}
	return &out, nil
}

// ModifyListenerAttribute changes the fields of a listener that are set in req.
func (c *Client) ModifyListenerAttribute(ctx context.Context, req *ModifyListenerAttributeRequest) error {
	if req == nil {
		return errors.New("zenlayer: ModifyListenerAttribute: the request is nil")
	}
	if err := requireID(ActionModifyListenerAttribute, "listener", req.ListenerID); err != nil {
		return err
	}
	return c.Call(ctx, ActionModifyListenerAttribute, VersionCurrent, req, nil, true)
}

// DeleteListener deletes a listener.
func (c *Client) DeleteListener(ctx context.Context, listenerID string) error {
	if err := requireID(ActionDeleteListener, "listener", listenerID); err != nil {
		return err
	}
	return c.Call(ctx, ActionDeleteListener, VersionCurrent, &DeleteListenerRequest{ListenerID: listenerID}, nil, true)
}

// DescribeListeners lists listeners, one page at a time.
func (c *Client) DescribeListeners(ctx context.Context, req *DescribeListenersRequest) (*DescribeListenersResponse, error) {
	if req == nil {
		req = &DescribeListenersRequest{}
	}
	var out DescribeListenersResponse
	if err := c.Call(ctx, ActionDescribeListeners, VersionCurrent, req, &out, false); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateLoadBalancer orders a load balancer. It is retried like a read when the request
// carries a client token.
func (c *Client) CreateLoadBalancer(ctx context.Context, req *CreateLoadBalancerRequest) (*CreateLoadBalancerResponse, error) {
	if req == nil {
		return nil, errors.New("zenlayer: CreateLoadBalancer: the request is nil")
	}
	var out CreateLoadBalancerResponse
	if err := c.Call(ctx, ActionCreateLoadBalancer, VersionCurrent, req, &out, req.ClientToken != ""); err != nil {
		return nil, err
	}
	return &out, nil
}

// DescribeLoadBalancers lists load balancers, one page at a time.
func (c *Client) DescribeLoadBalancers(ctx context.Context, req *DescribeLoadBalancersRequest) (*DescribeLoadBalancersResponse, error) {
	if req == nil {
		req = &DescribeLoadBalancersRequest{}
	}
	var out DescribeLoadBalancersResponse
	if err := c.Call(ctx, ActionDescribeLoadBalancers, VersionCurrent, req, &out, false); err != nil {
		return nil, err
	}
	return &out, nil
}

// ModifyLoadBalancersName gives every load balancer in ids the same name.
func (c *Client) ModifyLoadBalancersName(ctx context.Context, ids []string, name string) error {
	if len(ids) == 0 {
		return errors.New("zenlayer: ModifyLoadBalancersName: no load balancer ID given")
	}
	for _, id := range ids {
		if err := requireID(ActionModifyLoadBalancersName, "load balancer", id); err != nil {
			return err
		}
	}
	req := &ModifyLoadBalancersNameRequest{LoadBalancerIDs: ids, LoadBalancerName: name}
	return c.Call(ctx, ActionModifyLoadBalancersName, VersionCurrent, req, nil, true)
}

// TerminateLoadBalancer moves a load balancer to the recycle bin.
func (c *Client) TerminateLoadBalancer(ctx context.Context, id string) error {
	return c.loadBalancerAction(ctx, ActionTerminateLoadBalancer, id)
}

// ReleaseLoadBalancer deletes a load balancer from the recycle bin for good.
func (c *Client) ReleaseLoadBalancer(ctx context.Context, id string) error {
	return c.loadBalancerAction(ctx, ActionReleaseLoadBalancer, id)
}

// RestoreLoadBalancer brings a load balancer back from the recycle bin.
func (c *Client) RestoreLoadBalancer(ctx context.Context, id string) error {
	return c.loadBalancerAction(ctx, ActionRestoreLoadBalancer, id)
}

// loadBalancerAction sends an action whose only input is one load balancer ID.
func (c *Client) loadBalancerAction(ctx context.Context, action, id string) error {
	if err := requireID(action, "load balancer", id); err != nil {
		return err
	}
	return c.Call(ctx, action, VersionCurrent, &LoadBalancerIDRequest{LoadBalancerID: id}, nil, true)
}

// requireID refuses an empty ID before anything is sent.
func requireID(action, what, id string) error {
	if id == "" {
		return fmt.Errorf("zenlayer: %s: the %s ID is empty", action, what)
	}
	return nil
}
