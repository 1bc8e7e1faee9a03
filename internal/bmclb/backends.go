package bmclb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

// describePageSize is the largest page DescribeBackends and DescribeListeners serve.
const describePageSize = 1000

// lookupTimeout bounds the read that looks for a registration whose answer was lost.
const lookupTimeout = 30 * time.Second

// backendSnapshot is what one series of DescribeBackends pages returned for a listener, in
// the API's order and indexed by backend ID.
type backendSnapshot struct {
	list []zcapi.Backend
	byID map[string]int
}

// listenerSnapshot returns the shared snapshot of a listener's backends: concurrent callers
// share one series of DescribeBackends calls (pages of 1,000), and the result is kept until
// the next write to the listener. A listener that does not exist gives ErrNotFound.
func (s *Service) listenerSnapshot(ctx context.Context, listenerID string) (backendSnapshot, error) {
	return s.backends.get(ctx, listenerID, func(ctx context.Context) (backendSnapshot, error) {
		list, err := s.describeBackends(ctx, &zcapi.DescribeBackendsRequest{ListenerID: listenerID})
		if err != nil {
			return backendSnapshot{}, err
		}
		byID := make(map[string]int, len(list))
		for i := range list {
			byID[list[i].BackendID] = i
		}
		return backendSnapshot{list: list, byID: byID}, nil
	})
}

// ListenerBackends returns every backend of a listener in the API's order, from the shared
// snapshot. A listener that does not exist gives ErrNotFound.
func (s *Service) ListenerBackends(ctx context.Context, listenerID string) ([]zcapi.Backend, error) {
	snap, err := s.listenerSnapshot(ctx, listenerID)
	if err != nil {
		return nil, err
	}
	return slices.Clone(snap.list), nil
}

// describeBackends follows every page of one DescribeBackends query. A refusal (4xx) is
// checked against the listener: if the listener is gone, the answer is ErrNotFound.
func (s *Service) describeBackends(ctx context.Context, query *zcapi.DescribeBackendsRequest) ([]zcapi.Backend, error) {
	var all []zcapi.Backend
	for page := 1; ; page++ {
		req := *query
		req.PageNum, req.PageSize = page, describePageSize
		resp, err := s.api.DescribeBackends(ctx, &req)
		if err != nil {
			if zcapi.IsClientError(err) && !zcapi.IsAuthFailure(err) {
				if _, lerr := s.describeListener(ctx, query.ListenerID); errors.Is(lerr, ErrNotFound) {
					return nil, fmt.Errorf("listener %s: %w", query.ListenerID, ErrNotFound)
				}
			}
			return nil, err
		}
		all = append(all, resp.DataSet...)
		if len(resp.DataSet) < describePageSize || len(all) >= resp.TotalCount {
			return all, nil
		}
	}
}

// Backend returns one backend from the listener's shared snapshot, or ErrNotFound when the
// backend or its listener is gone.
func (s *Service) Backend(ctx context.Context, listenerID, backendID string) (*zcapi.Backend, error) {
	snap, err := s.listenerSnapshot(ctx, listenerID)
	if err != nil {
		return nil, err
	}
	if i, ok := snap.byID[backendID]; ok {
		b := snap.list[i]
		return &b, nil
	}
	return nil, fmt.Errorf("backend %s on listener %s: %w", backendID, listenerID, ErrNotFound)
}

// freshBackend reads one backend directly, bypassing the shared snapshot.
func (s *Service) freshBackend(ctx context.Context, listenerID, backendID string) (*zcapi.Backend, error) {
	found, err := s.describeBackends(ctx, &zcapi.DescribeBackendsRequest{
		ListenerID: listenerID,
		BackendIDs: []string{backendID},
	})
	if err != nil {
		return nil, err
	}
	for i := range found {
		if found[i].BackendID == backendID {
			return &found[i], nil
		}
	}
	return nil, fmt.Errorf("backend %s on listener %s: %w", backendID, listenerID, ErrNotFound)
}

// RegisterBackend registers one backend and returns its ID. The request's client token makes
// every retry of it safe. When the answer may have been lost (a connection fault, a service
// fault, or the operation being interrupted), it asks once more with the same token, which
// returns the backend if the first request was carried out, and failing that looks for a
// backend of the same name and instance: a registration that did happen is never lost.
func (s *Service) RegisterBackend(ctx context.Context, req *zcapi.RegisterBackendRequest) (string, error) {
	unlock, err := s.lockListener(ctx, req.ListenerID)
	if err != nil {
		return "", err
	}
	defer unlock()

	resp, err := s.api.RegisterBackend(ctx, req)
	if err == nil {
		return resp.BackendID, nil
	}
	if !zcapi.MayHaveApplied(err) {
		return "", err
	}

	// The caller may have been interrupted: settle the outcome regardless, briefly.
	settleCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lookupTimeout)
	defer cancel()
	if again, aerr := s.api.RegisterBackend(settleCtx, req); aerr == nil {
		tflog.Info(ctx, "registration answer was lost; asking again with the same client token found it", map[string]any{
			"listener_id": req.ListenerID, "backend_id": again.BackendID, "first_error": err.Error(),
		})
		return again.BackendID, nil
	}
	found, lerr := s.describeBackends(settleCtx, &zcapi.DescribeBackendsRequest{
		ListenerID:  req.ListenerID,
		BackendName: req.BackendName,
	})
	if lerr != nil {
		tflog.Warn(ctx, "could not check whether a failed registration happened", map[string]any{
			"listener_id": req.ListenerID, "backend_name": req.BackendName, "error": lerr.Error(),
		})
		return "", fmt.Errorf("%w (the registration may still have happened: a read of the listener "+
			"to find out failed too: %v)", err, lerr)
	}
	for _, b := range found {
		if b.BackendName == req.BackendName && b.InstanceID == req.InstanceID {
			tflog.Info(ctx, "registration answer was lost, but the backend exists", map[string]any{
				"listener_id": req.ListenerID, "backend_id": b.BackendID,
			})
			return b.BackendID, nil
		}
	}
	return "", err
}

// WaitBackendAvailable polls a backend until its status is Available. A status containing
// FAIL ends the wait with an error; any other status counts as pending. It returns the backend
// as last seen.
func (s *Service) WaitBackendAvailable(ctx context.Context, listenerID, backendID string) (*zcapi.Backend, error) {
	start := time.Now()
	p := s.newPoller()
	for attempt := 1; ; attempt++ {
		b, err := s.freshBackend(ctx, listenerID, backendID)
		switch {
		case err == nil && IsAvailable(b.Status):
			return b, nil
		case err == nil && IsFailed(b.Status):
			return b, fmt.Errorf("backend %s reports status %q", backendID, b.Status)
		case err == nil:
			logWait(ctx, "backend to become available", backendID, b.Status, attempt, time.Since(start))
		case errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("backend %s disappeared while waiting for it to become available: %w", backendID, err)
		case !transient(ctx, err):
			return nil, err
		default:
			logWait(ctx, "backend to become available (read failed, trying again)", backendID, err.Error(), attempt, time.Since(start))
		}
		if werr := p.wait(ctx); werr != nil {
			return b, fmt.Errorf("backend %s was not available after %s: %w", backendID, time.Since(start).Round(time.Millisecond), werr)
		}
	}
}

// DeregisterBackend deregisters a backend and waits until it is gone. A backend or listener
// that is already gone counts as done.
func (s *Service) DeregisterBackend(ctx context.Context, listenerID, backendID string) error {
	if err := s.deregister(ctx, listenerID, backendID); err != nil {
		return err
	}

	start := time.Now()
	p := s.newPoller()
	for attempt := 1; ; attempt++ {
		b, err := s.freshBackend(ctx, listenerID, backendID)
		switch {
		case errors.Is(err, ErrNotFound):
			return nil
		case err == nil:
			logWait(ctx, "backend to be deregistered", backendID, b.Status, attempt, time.Since(start))
		case !transient(ctx, err):
			return err
		}
		if werr := p.wait(ctx); werr != nil {
			return fmt.Errorf("backend %s was still registered after %s: %w", backendID, time.Since(start).Round(time.Millisecond), werr)
		}
	}
}

func (s *Service) deregister(ctx context.Context, listenerID, backendID string) error {
	unlock, err := s.lockListener(ctx, listenerID)
	if err != nil {
		return err
	}
	defer unlock()

	err = s.api.DeregisterBackend(ctx, backendID)
	if err == nil || zcapi.IsNotFound(err) {
		return nil
	}
	if zcapi.IsClientError(err) {
		// The refusal may only mean the backend or its listener is already gone, which the
		// API may say with a code this provider cannot know; a read settles it.
		if _, ferr := s.freshBackend(ctx, listenerID, backendID); errors.Is(ferr, ErrNotFound) {
			return nil
		}
	}
	return err
}

// SetBackendWeight changes a backend's weight and waits until the API reports the new value.
func (s *Service) SetBackendWeight(ctx context.Context, listenerID, backendID string, weight int) (*zcapi.Backend, error) {
	if err := s.modifyWeight(ctx, listenerID, backendID, weight); err != nil {
		return nil, err
	}

	start := time.Now()
	p := s.newPoller()
	for attempt := 1; ; attempt++ {
		b, err := s.freshBackend(ctx, listenerID, backendID)
		switch {
		case err == nil && b.Weight == weight:
			return b, nil
		case err == nil:
			logWait(ctx, "backend weight to change", backendID, fmt.Sprintf("weight %d", b.Weight), attempt, time.Since(start))
		case !transient(ctx, err):
			return nil, err
		}
		if werr := p.wait(ctx); werr != nil {
			return b, fmt.Errorf("backend %s did not report weight %d after %s: %w", backendID, weight, time.Since(start).Round(time.Millisecond), werr)
		}
	}
}

func (s *Service) modifyWeight(ctx context.Context, listenerID, backendID string, weight int) error {
	unlock, err := s.lockListener(ctx, listenerID)
	if err != nil {
		return err
	}
	defer unlock()
	return s.api.ModifyBackendWeight(ctx, backendID, weight)
}
