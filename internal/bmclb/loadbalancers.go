package bmclb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

// LoadBalancingAPI is the part of the Zenlayer API client that the listener and load balancer
// operations use; API includes it.
type LoadBalancingAPI interface {
	CreateListener(ctx context.Context, req *zcapi.CreateListenerRequest) (*zcapi.CreateListenerResponse, error)
	ModifyListenerAttribute(ctx context.Context, req *zcapi.ModifyListenerAttributeRequest) error
	DeleteListener(ctx context.Context, listenerID string) error
	CreateLoadBalancer(ctx context.Context, req *zcapi.CreateLoadBalancerRequest) (*zcapi.CreateLoadBalancerResponse, error)
	DescribeLoadBalancers(ctx context.Context, req *zcapi.DescribeLoadBalancersRequest) (*zcapi.DescribeLoadBalancersResponse, error)
	ModifyLoadBalancersName(ctx context.Context, ids []string, name string) error
	TerminateLoadBalancer(ctx context.Context, id string) error
	ReleaseLoadBalancer(ctx context.Context, id string) error
}

var _ LoadBalancingAPI = (*zcapi.Client)(nil)

// describeFilterLimit is the most IDs one Describe query may filter on.
const describeFilterLimit = 100

// orderVisibleWithin is how long a load balancer that was just ordered may be missing from
// DescribeLoadBalancers before the wait for it gives up: an order is processed
// asynchronously, and the API does not say how soon it shows.
const orderVisibleWithin = 30 * time.Second

// IsReady reports whether a load balancer status means it is ready to serve: Running,
// Available or Active, in any case.
func IsReady(status string) bool {
	switch strings.ToUpper(strings.TrimSpace(status)) {
	case "RUNNING", "AVAILABLE", "ACTIVE":
		return true
	}
	return false
}

// IsRecycled reports whether a load balancer status means it has been terminated: it is in
// the recycle bin (Recycled, Recycling) or on its way there (Terminating, Terminated).
func IsRecycled(status string) bool {
	up := strings.ToUpper(status)
	return strings.Contains(up, "RECYCL") || strings.Contains(up, "TERMINAT")
}

// settledInRecycleBin reports whether a terminated load balancer has finished moving to the
// recycle bin (Recycled, Terminated) rather than being on its way (Recycling, Terminating), so
// that it can be released.
func settledInRecycleBin(status string) bool {
	return IsRecycled(status) && !strings.Contains(strings.ToUpper(status), "ING")
}

// LoadBalancer reads one load balancer directly, or returns ErrNotFound. A load balancer in
// the recycle bin is returned with its status; IsRecycled tells it apart.
func (s *Service) LoadBalancer(ctx context.Context, id string) (*zcapi.LoadBalancer, error) {
	resp, err := s.api.DescribeLoadBalancers(ctx, &zcapi.DescribeLoadBalancersRequest{
		LoadBalancerIDs: []string{id},
		PageNum:         1,
		PageSize:        describePageSize,
	})
	if err != nil {
		return nil, err
	}
	for i := range resp.DataSet {
		if resp.DataSet[i].LoadBalancerID == id {
			return &resp.DataSet[i], nil
		}
	}
	return nil, fmt.Errorf("load balancer %s: %w", id, ErrNotFound)
}

// LoadBalancers returns every load balancer that matches query, following all pages. A
// query for more IDs than one call accepts is split into several calls. The order is the
// API's, query by query.
func (s *Service) LoadBalancers(ctx context.Context, query zcapi.DescribeLoadBalancersRequest) ([]zcapi.LoadBalancer, error) {
	var all []zcapi.LoadBalancer
	for _, ids := range chunks(query.LoadBalancerIDs) {
		q := query
		q.LoadBalancerIDs = ids
		found, err := allPages(func(pageNum, pageSize int) ([]zcapi.LoadBalancer, int, error) {
			q.PageNum, q.PageSize = pageNum, pageSize
			resp, err := s.api.DescribeLoadBalancers(ctx, &q)
			if err != nil {
				return nil, 0, err
			}
			return resp.DataSet, resp.TotalCount, nil
		})
		if err != nil {
			return nil, err
		}
		all = append(all, found...)
	}
	return all, nil
}

// CreateLoadBalancer orders a load balancer and returns its ID. The request should carry a
// client token, which makes every retry of the order safe.
func (s *Service) CreateLoadBalancer(ctx context.Context, req *zcapi.CreateLoadBalancerRequest) (string, error) {
	resp, err := s.api.CreateLoadBalancer(ctx, req)
	if err != nil {
		return "", err
	}
	if resp.LoadBalancerID == "" {
		return "", fmt.Errorf("CreateLoadBalancer answered without a load balancer ID (request ID %s, order %s)",
			resp.RequestID, resp.OrderNumber)
	}
	return resp.LoadBalancerID, nil
}

// WaitLoadBalancerReady polls a load balancer until IsReady holds for its status. A status
// containing FAIL, or one that means it was terminated, ends the wait with an error; any other
// status counts as pending. It returns the load balancer as last seen.
func (s *Service) WaitLoadBalancerReady(ctx context.Context, id string) (*zcapi.LoadBalancer, error) {
	var last *zcapi.LoadBalancer
	start := time.Now()
	err := s.waitUntil(ctx, "load balancer to become ready", id, func(ctx context.Context) (string, bool, error) {
		lb, err := s.LoadBalancer(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound) && time.Since(start) < orderVisibleWithin:
			return "not listed yet", false, nil
		case errors.Is(err, ErrNotFound):
			return "", false, stop(fmt.Errorf("load balancer %s is not listed by the API: %w", id, err))
		case err != nil:
			return "", false, err
		}
		last = lb
		switch {
		case IsReady(lb.Status):
			return lb.Status, true, nil
		case IsFailed(lb.Status):
			return "", false, stop(fmt.Errorf("load balancer %s reports status %q", id, lb.Status))
		case IsRecycled(lb.Status):
			return "", false, stop(fmt.Errorf("load balancer %s was terminated while waiting for it to become ready (status %q)", id, lb.Status))
		}
		return lb.Status, false, nil
	})
	if err != nil {
		return last, err
	}
	return last, nil
}

// RenameLoadBalancer gives a load balancer a new name and waits until the API reports it.
func (s *Service) RenameLoadBalancer(ctx context.Context, id, name string) (*zcapi.LoadBalancer, error) {
	if err := s.api.ModifyLoadBalancersName(ctx, []string{id}, name); err != nil {
		return nil, err
	}

	var last *zcapi.LoadBalancer
	err := s.waitUntil(ctx, "load balancer name to change", id, func(ctx context.Context) (string, bool, error) {
		lb, err := s.LoadBalancer(ctx, id)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return "", false, stop(fmt.Errorf("load balancer %s disappeared while it was being renamed: %w", id, err))
			}
			return "", false, err
		}
		last = lb
		return "name " + lb.LoadBalancerName, lb.LoadBalancerName == name, nil
	})
	if err != nil {
		return last, err
	}
	return last, nil
}

// DeleteLoadBalancer terminates a load balancer, which moves it to the recycle bin together
// with its listeners and backends, and waits until its status says so (IsRecycled) or it is
// gone. With release set it waits until the move has finished, then releases it from the
// recycle bin and waits until it is gone for good. A load balancer that is already gone counts
// as deleted; one already terminated is not terminated again.
func (s *Service) DeleteLoadBalancer(ctx context.Context, id string, release bool) error {
	lb, err := s.LoadBalancer(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	// The listeners go with the load balancer; forget what was read of them.
	defer func() {
		for _, l := range lb.ListenerList {
			s.InvalidateListener(l.ListenerID)
		}
	}()

	if !IsRecycled(lb.Status) {
		gone, err := s.loadBalancerAction(ctx, id, s.api.TerminateLoadBalancer, IsRecycled)
		if err != nil || gone {
			return err
		}
	}
	// Without release, a status that means terminated is enough; a release waits until the
	// move to the recycle bin has finished.
	terminated := IsRecycled
	if release {
		terminated = settledInRecycleBin
	}
	gone := false
	err = s.waitUntil(ctx, "load balancer to be terminated", id, func(ctx context.Context) (string, bool, error) {
		lb, err := s.LoadBalancer(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound):
			gone = true
			return "gone", true, nil
		case err != nil:
			return "", false, err
		}
		return lb.Status, terminated(lb.Status), nil
	})
	if err != nil || !release || gone {
		return err
	}

	gone, err = s.loadBalancerAction(ctx, id, s.api.ReleaseLoadBalancer, func(string) bool { return false })
	if err != nil || gone {
		return err
	}
	return s.waitUntil(ctx, "load balancer to be released", id, func(ctx context.Context) (string, bool, error) {
		lb, err := s.LoadBalancer(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound):
			return "gone", true, nil
		case err != nil:
			return "", false, err
		}
		return lb.Status, false, nil
	})
}

// loadBalancerAction sends TerminateLoadBalancer or ReleaseLoadBalancer. It reports gone when
// the load balancer no longer exists. A refusal (4xx) may only mean that the action already
// happened, which the API may say with a code this provider cannot know, so a read settles it:
// the refusal is ignored when the load balancer is gone or its status satisfies done.
func (s *Service) loadBalancerAction(ctx context.Context, id string, action func(context.Context, string) error, done func(string) bool) (bool, error) {
	err := action(ctx, id)
	switch {
	case err == nil:
		return false, nil
	case zcapi.IsNotFound(err):
		return true, nil
	case !zcapi.IsClientError(err):
		return false, err
	}
	lb, rerr := s.LoadBalancer(ctx, id)
	switch {
	case errors.Is(rerr, ErrNotFound):
		return true, nil
	case rerr == nil && done(lb.Status):
		return false, nil
	}
	return false, err
}

// stopError marks an error that ends a wait at once, whatever its kind.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }

func (e *stopError) Unwrap() error { return e.err }

// stop marks err as the end of a wait.
func stop(err error) error { return &stopError{err: err} }

// waitUntil polls check, with growing intervals, until it reports done. check returns the
// status it saw, for the debug log. An error marked with stop ends the wait at once; any other
// error ends it only when it is not transient, and is logged and tried again otherwise.
func (s *Service) waitUntil(ctx context.Context, what, id string, check func(context.Context) (string, bool, error)) error {
	start := time.Now()
	p := s.newPoller()
	status := "unknown"
	for attempt := 1; ; attempt++ {
		seen, done, err := check(ctx)
		var final *stopError
		switch {
		case err == nil && done:
			return nil
		case err == nil:
			status = seen
			logWait(ctx, what, id, seen, attempt, time.Since(start))
		case errors.As(err, &final):
			return final.err
		case !transient(ctx, err):
			return err
		default:
			logWait(ctx, what+" (read failed, trying again)", id, err.Error(), attempt, time.Since(start))
		}
		if werr := p.wait(ctx); werr != nil {
			return fmt.Errorf("gave up after %s waiting for %s (ID %s, last status %q): %w",
				time.Since(start).Round(time.Millisecond), what, id, status, werr)
		}
	}
}

// allPages calls fetch for page 1, 2, ... with the largest page size until a page is short
// or the reported total is reached, and returns every item.
func allPages[T any](fetch func(pageNum, pageSize int) ([]T, int, error)) ([]T, error) {
	var all []T
	for page := 1; ; page++ {
		items, total, err := fetch(page, describePageSize)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if len(items) < describePageSize || len(all) >= total {
			return all, nil
		}
	}
}

// chunks splits IDs, without duplicates, into groups that one query accepts. No IDs give one
// empty group, so that a query without an ID filter still runs once.
func chunks(ids []string) [][]string {
	if len(ids) == 0 {
		return [][]string{nil}
	}
	unique := slices.Clone(ids)
	slices.Sort(unique)
	unique = slices.Compact(unique)
	var out [][]string
	for len(unique) > describeFilterLimit {
		out = append(out, unique[:describeFilterLimit])
		unique = unique[describeFilterLimit:]
	}
	return append(out, unique)
}
