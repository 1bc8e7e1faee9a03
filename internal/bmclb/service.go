// Package bmclb is the layer between the Terraform resources and the Zenlayer API client: it
// shares reads of one listener's backends between resources, serializes writes per listener,
// and waits for asynchronous operations to finish.
package bmclb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/keylock"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

// API is the part of the Zenlayer API client the service uses.
type API interface {
	RegisterBackend(ctx context.Context, req *zcapi.RegisterBackendRequest) (*zcapi.RegisterBackendResponse, error)
	DeregisterBackend(ctx context.Context, backendID string) error
	DescribeBackends(ctx context.Context, req *zcapi.DescribeBackendsRequest) (*zcapi.DescribeBackendsResponse, error)
	ModifyBackendWeight(ctx context.Context, backendID string, weight int) error
	DescribeListeners(ctx context.Context, req *zcapi.DescribeListenersRequest) (*zcapi.DescribeListenersResponse, error)
	LoadBalancingAPI
}

// ErrNotFound reports that an object, or the parent it belongs to, no longer exists.
var ErrNotFound = errors.New("not found")

// Options tune a Service.
type Options struct {
	// WritesPerListener is how many writes may run at once on one listener; default 1.
	WritesPerListener int
	// PollMin and PollMax bound the interval between status polls; defaults 100 ms and 750 ms.
	PollMin, PollMax time.Duration
	// LockScope names the account and endpoint, so that every Service of one provider process
	// talking to the same account shares one table of listener locks.
	LockScope string
}

// Service carries out backend and listener operations for the resources.
type Service struct {
	api      API
	locks    *keylock.Table
	backends *snapshotCache[backendSnapshot]
	lsn      *snapshotCache[*zcapi.Listener]
	pollMin  time.Duration
	pollMax  time.Duration
}

var (
	lockTablesMu sync.Mutex
	lockTables   = map[string]*keylock.Table{}
)

// sharedLocks returns the process-wide lock table for scope, so that two provider
// configurations of one account (aliases) still serialize their writes to a listener. The
// table lives in this process only: two Terraform runs at once against one listener are not
// coordinated, because the API offers no lock to take.
func sharedLocks(scope string, limit int) *keylock.Table {
	lockTablesMu.Lock()
	defer lockTablesMu.Unlock()
	key := fmt.Sprintf("%s|%d", scope, limit)
	t, ok := lockTables[key]
	if !ok {
		t = keylock.New(limit)
		lockTables[key] = t
	}
	return t
}

// New returns a Service over api.
func New(api API, opts Options) *Service {
	if opts.WritesPerListener < 1 {
		opts.WritesPerListener = 1
	}
	if opts.PollMin <= 0 {
		opts.PollMin = 100 * time.Millisecond
	}
	if opts.PollMax < opts.PollMin {
		opts.PollMax = 750 * time.Millisecond
		if opts.PollMax < opts.PollMin {
			opts.PollMax = opts.PollMin
		}
	}
	return &Service{
		api:      api,
		locks:    sharedLocks(opts.LockScope, opts.WritesPerListener),
		backends: newSnapshotCache[backendSnapshot](),
		lsn:      newSnapshotCache[*zcapi.Listener](),
		pollMin:  opts.PollMin,
		pollMax:  opts.PollMax,
	}
}

// lockListener holds one of the listener's write places until the returned function is
// called, and marks what was read of the listener stale both now and when the write ends.
func (s *Service) lockListener(ctx context.Context, listenerID string) (func(), error) {
	release, err := s.locks.Acquire(ctx, listenerID)
	if err != nil {
		return nil, fmt.Errorf("waiting for another change to listener %s to finish: %w", listenerID, err)
	}
	s.backends.invalidate(listenerID)
	return func() {
		s.backends.invalidate(listenerID)
		release()
	}, nil
}

// InvalidateListener forgets what was read of a listener and its backends; callers that
// change a listener by other means call it.
func (s *Service) InvalidateListener(listenerID string) {
	s.backends.invalidate(listenerID)
	s.lsn.invalidate(listenerID)
}

// IsAvailable reports whether a status means ready. Statuses compare case-insensitively.
func IsAvailable(status string) bool {
	return strings.EqualFold(strings.TrimSpace(status), "Available")
}

// IsFailed reports whether a status means the operation failed.
func IsFailed(status string) bool {
	return strings.Contains(strings.ToUpper(status), "FAIL")
}

// sleep waits for d or until the context ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// poller yields growing intervals between status checks, from PollMin up to PollMax.
type poller struct {
	next, max time.Duration
}

func (s *Service) newPoller() *poller {
	return &poller{next: s.pollMin, max: s.pollMax}
}

// step returns the interval to wait now and grows the next one by half, up to the bound.
func (p *poller) step() time.Duration {
	d := p.next
	p.next = min(p.next*3/2, p.max)
	return d
}

func (p *poller) wait(ctx context.Context) error {
	return sleep(ctx, p.step())
}

// transient reports whether err may pass if the same read is tried again later: anything but
// a refusal of the request itself (a 4xx) or the end of the context.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	return !zcapi.IsClientError(err)
}

// logWait records one status check of a wait at debug level.
func logWait(ctx context.Context, what, id, status string, attempt int, elapsed time.Duration) {
	tflog.Debug(ctx, "waiting for "+what, map[string]any{
		"id":         id,
		"status":     status,
		"attempt":    attempt,
		"elapsed_ms": elapsed.Milliseconds(),
	})
}
