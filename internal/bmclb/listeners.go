package bmclb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

// Listener returns a listener, read once and kept until a write to it, or ErrNotFound.
func (s *Service) Listener(ctx context.Context, listenerID string) (*zcapi.Listener, error) {
	return s.lsn.get(ctx, listenerID, func(ctx context.Context) (*zcapi.Listener, error) {
		return s.describeListener(ctx, listenerID)
	})
}

// describeListener reads one listener directly.
func (s *Service) describeListener(ctx context.Context, listenerID string) (*zcapi.Listener, error) {
	resp, err := s.api.DescribeListeners(ctx, &zcapi.DescribeListenersRequest{
		ListenerIDs: []string{listenerID},
		PageNum:     1,
		PageSize:    describePageSize,
	})
	if err != nil {
		return nil, err
	}
	for i := range resp.DataSet {
		if resp.DataSet[i].ListenerID == listenerID {
			return &resp.DataSet[i], nil
		}
	}
	return nil, fmt.Errorf("listener %s: %w", listenerID, ErrNotFound)
}

// ExistingListener returns a listener as Listener does, but gives ErrNotFound also when the
// listener's load balancer is gone or terminated: a listener cannot outlive its load
// balancer, even if the API still lists it for a while.
func (s *Service) ExistingListener(ctx context.Context, listenerID string) (*zcapi.Listener, error) {
	l, err := s.Listener(ctx, listenerID)
	if err != nil {
		return nil, err
	}
	if l.LoadBalancerID == "" {
		return l, nil
	}
	lb, err := s.LoadBalancer(ctx, l.LoadBalancerID)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, fmt.Errorf("listener %s: its load balancer %s is gone: %w", listenerID, l.LoadBalancerID, ErrNotFound)
	case err != nil:
		return nil, err
	case IsRecycled(lb.Status):
		return nil, fmt.Errorf("listener %s: its load balancer %s was terminated (status %q): %w",
			listenerID, l.LoadBalancerID, lb.Status, ErrNotFound)
	}
	return l, nil
}

// Listeners returns every listener that matches query, following all pages. A query for more
// IDs than one call accepts is split into several calls. The order is the API's, query by
// query.
func (s *Service) Listeners(ctx context.Context, query zcapi.DescribeListenersRequest) ([]zcapi.Listener, error) {
	var all []zcapi.Listener
	for _, lbIDs := range chunks(query.LoadBalancerIDs) {
		for _, ids := range chunks(query.ListenerIDs) {
			q := query
			q.LoadBalancerIDs, q.ListenerIDs = lbIDs, ids
			found, err := allPages(func(pageNum, pageSize int) ([]zcapi.Listener, int, error) {
				q.PageNum, q.PageSize = pageNum, pageSize
				resp, err := s.api.DescribeListeners(ctx, &q)
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
	}
	return all, nil
}

// CreateListener creates a listener and returns its ID. The request's client token makes every
// retry of it safe. When the answer is lost (a connection fault, a service fault, or the
// operation being interrupted), it looks for a listener of the same name and ports on the load
// balancer, so that a listener that was created is never lost.
func (s *Service) CreateListener(ctx context.Context, req *zcapi.CreateListenerRequest) (string, error) {
	resp, err := s.api.CreateListener(ctx, req)
	if err == nil {
		if resp.ListenerID == "" {
			return "", fmt.Errorf("CreateListener answered without a listener ID (request ID %s)", resp.RequestID)
		}
		return resp.ListenerID, nil
	}
	if zcapi.IsClientError(err) {
		return "", err
	}

	lookupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lookupTimeout)
	defer cancel()
	found, lerr := s.Listeners(lookupCtx, zcapi.DescribeListenersRequest{
		LoadBalancerIDs: []string{req.LoadBalancerID},
		ListenerName:    req.ListenerName,
	})
	if lerr != nil {
		tflog.Warn(ctx, "could not check whether a failed listener creation happened", map[string]any{
			"load_balancer_id": req.LoadBalancerID, "listener_name": req.ListenerName, "error": lerr.Error(),
		})
		return "", err
	}
	want := slices.Sorted(slices.Values(req.PortList))
	for _, l := range found {
		ports, perr := zcapi.ParsePorts(l.Port)
		if perr == nil && l.ListenerName == req.ListenerName && slices.Equal(ports, want) {
			tflog.Info(ctx, "listener creation answer was lost, but the listener exists", map[string]any{
				"load_balancer_id": req.LoadBalancerID, "listener_id": l.ListenerID,
			})
			return l.ListenerID, nil
		}
	}
	return "", err
}

// WaitListenerAvailable polls a listener until its status is Available. A status containing
// FAIL ends the wait with an error; any other status counts as pending. It returns the
// listener as last seen.
func (s *Service) WaitListenerAvailable(ctx context.Context, listenerID string) (*zcapi.Listener, error) {
	var last *zcapi.Listener
	err := s.waitUntil(ctx, "listener to become available", listenerID, func(ctx context.Context) (string, bool, error) {
		l, err := s.describeListener(ctx, listenerID)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return "", false, stop(fmt.Errorf("listener %s disappeared while waiting for it to become available: %w", listenerID, err))
			}
			return "", false, err
		}
		last = l
		if IsFailed(l.Status) {
			return "", false, stop(fmt.Errorf("listener %s reports status %q", listenerID, l.Status))
		}
		return l.Status, IsAvailable(l.Status), nil
	})
	if err != nil {
		return last, err
	}
	return last, nil
}

// ModifyListener changes the fields of a listener that are set in req, under the listener's
// write lock, and waits until the listener is Available and reports the new name, protocols,
// scheduler and kind. It returns the listener as last seen.
func (s *Service) ModifyListener(ctx context.Context, req *zcapi.ModifyListenerAttributeRequest) (*zcapi.Listener, error) {
	if err := s.modifyListener(ctx, req); err != nil {
		return nil, err
	}

	var last *zcapi.Listener
	err := s.waitUntil(ctx, "listener change to take effect", req.ListenerID, func(ctx context.Context) (string, bool, error) {
		l, err := s.describeListener(ctx, req.ListenerID)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return "", false, stop(fmt.Errorf("listener %s disappeared while it was being changed: %w", req.ListenerID, err))
			}
			return "", false, err
		}
		last = l
		if IsFailed(l.Status) {
			return "", false, stop(fmt.Errorf("listener %s reports status %q", req.ListenerID, l.Status))
		}
		return l.Status, IsAvailable(l.Status) && reportsChange(req, l), nil
	})
	if err != nil {
		return last, err
	}
	return last, nil
}

func (s *Service) modifyListener(ctx context.Context, req *zcapi.ModifyListenerAttributeRequest) error {
	unlock, err := s.lockListener(ctx, req.ListenerID)
	if err != nil {
		return err
	}
	defer unlock()
	defer s.InvalidateListener(req.ListenerID)

	return s.api.ModifyListenerAttribute(ctx, req)
}

// reportsChange reports whether a listener shows the plain fields a change set. The nested
// health check and notification are not compared: the API does not say which of their fields
// it echoes back.
func reportsChange(req *zcapi.ModifyListenerAttributeRequest, l *zcapi.Listener) bool {
	for _, f := range []struct {
		want *string
		got  string
	}{
		{req.ListenerName, l.ListenerName},
		{req.Protocol, l.Protocol},
		{req.BackendProtocol, l.BackendProtocol},
		{req.Scheduler, l.Scheduler},
		{req.Kind, l.Kind},
	} {
		if f.want != nil && !strings.EqualFold(*f.want, f.got) {
			return false
		}
	}
	return true
}

// DeleteListener deletes a listener, which also removes its backends, and waits until it is
// gone. A listener that is already gone counts as done.
func (s *Service) DeleteListener(ctx context.Context, listenerID string) error {
	if err := s.deleteListener(ctx, listenerID); err != nil {
		return err
	}

	return s.waitUntil(ctx, "listener to be deleted", listenerID, func(ctx context.Context) (string, bool, error) {
		l, err := s.describeListener(ctx, listenerID)
		switch {
		case errors.Is(err, ErrNotFound):
			return "gone", true, nil
		case err != nil:
			return "", false, err
		}
		return l.Status, false, nil
	})
}

func (s *Service) deleteListener(ctx context.Context, listenerID string) error {
	unlock, err := s.lockListener(ctx, listenerID)
	if err != nil {
		return err
	}
	defer unlock()
	defer s.InvalidateListener(listenerID)

	err = s.api.DeleteListener(ctx, listenerID)
	if err == nil || zcapi.IsNotFound(err) {
		return nil
	}
	if zcapi.IsClientError(err) {
		// The refusal may only mean the listener is already gone, which the API may say with a
		// code this provider cannot know; a read settles it.
		if _, rerr := s.describeListener(ctx, listenerID); errors.Is(rerr, ErrNotFound) {
			return nil
		}
	}
	return err
}
