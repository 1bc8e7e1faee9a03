package bmclb

import (
	"context"
	"fmt"

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
