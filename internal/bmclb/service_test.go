package bmclb

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

// fakeAPI is an in-memory API that counts calls and can fail registrations after applying
// them.
type fakeAPI struct {
	// LoadBalancingAPI is left nil: these tests never manage listeners or load balancers.
	LoadBalancingAPI

	mu        sync.Mutex
	backends  map[string][]zcapi.Backend // by listener
	listeners map[string]zcapi.Listener
	calls     map[string]int
	next      int
	// loseRegisterAnswer applies a registration and then returns this error, for the next
	// loseRegisterAnswers registrations (every one when that is zero).
	loseRegisterAnswer  error
	loseRegisterAnswers int
	tokens              map[string]string
	describeDelay       time.Duration
	inWrite             atomic.Int32
	overlaps            atomic.Int32
}

func newFakeAPI(listenerIDs ...string) *fakeAPI {
	f := &fakeAPI{
		backends:  map[string][]zcapi.Backend{},
		listeners: map[string]zcapi.Listener{},
		calls:     map[string]int{},
		tokens:    map[string]string{},
	}
	for _, id := range listenerIDs {
		f.listeners[id] = zcapi.Listener{ListenerID: id, LoadBalancerID: "lb-1"}
	}
	return f
}

func (f *fakeAPI) count(action string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[action]++
}

func (f *fakeAPI) callCount(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[action]
}

func (f *fakeAPI) write() func() {
	if f.inWrite.Add(1) > 1 {
		f.overlaps.Add(1)
	}
	time.Sleep(time.Millisecond)
	return func() { f.inWrite.Add(-1) }
}

func (f *fakeAPI) RegisterBackend(_ context.Context, req *zcapi.RegisterBackendRequest) (*zcapi.RegisterBackendResponse, error) {
	f.count(zcapi.ActionRegisterBackend)
	defer f.write()()
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.listeners[req.ListenerID]; !ok {
		return nil, &zcapi.APIError{StatusCode: 404, Code: "INVALID_LISTENER_NOT_FOUND"}
	}
	id, repeated := f.tokens[req.ClientToken]
	if !repeated {
		f.next++
		id = fmt.Sprintf("bk-%d", f.next)
		f.tokens[req.ClientToken] = id
		f.backends[req.ListenerID] = append(f.backends[req.ListenerID], zcapi.Backend{
			ListenerID: req.ListenerID, BackendID: id, BackendName: req.BackendName,
			InstanceID: req.InstanceID, Status: "Available", Weight: 100,
		})
	}
	if lost := f.loseRegisterAnswer; lost != nil {
		if f.loseRegisterAnswers > 0 {
			f.loseRegisterAnswers--
			if f.loseRegisterAnswers == 0 {
				f.loseRegisterAnswer = nil
			}
		}
		return nil, lost
	}
	return &zcapi.RegisterBackendResponse{BackendID: id}, nil
}

func (f *fakeAPI) DeregisterBackend(_ context.Context, backendID string) error {
	f.count(zcapi.ActionDeregisterBackend)
	defer f.write()()
	f.mu.Lock()
	defer f.mu.Unlock()
	for l, list := range f.backends {
		for i, b := range list {
			if b.BackendID == backendID {
				f.backends[l] = append(list[:i:i], list[i+1:]...)
				return nil
			}
		}
	}
	return &zcapi.APIError{StatusCode: 404, Code: zcapi.CodeResourceNotFound}
}

func (f *fakeAPI) DescribeBackends(_ context.Context, req *zcapi.DescribeBackendsRequest) (*zcapi.DescribeBackendsResponse, error) {
	f.count(zcapi.ActionDescribeBackends)
	time.Sleep(f.describeDelay)
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.listeners[req.ListenerID]; !ok {
		return nil, &zcapi.APIError{StatusCode: 404, Code: "SOMETHING_UNPUBLISHED"}
	}
	var match []zcapi.Backend
	for _, b := range f.backends[req.ListenerID] {
		if req.BackendName != "" && b.BackendName != req.BackendName {
			continue
		}
		if len(req.BackendIDs) > 0 && b.BackendID != req.BackendIDs[0] {
			continue
		}
		match = append(match, b)
	}
	start := (req.PageNum - 1) * req.PageSize
	end := min(start+req.PageSize, len(match))
	resp := &zcapi.DescribeBackendsResponse{TotalCount: len(match)}
	if start < end {
		resp.DataSet = append([]zcapi.Backend(nil), match[start:end]...)
	}
	return resp, nil
}

func (f *fakeAPI) ModifyBackendWeight(_ context.Context, backendID string, weight int) error {
	f.count(zcapi.ActionModifyBackendWeight)
	defer f.write()()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, list := range f.backends {
		for i := range list {
			if list[i].BackendID == backendID {
				list[i].Weight = weight
				return nil
			}
		}
	}
	return &zcapi.APIError{StatusCode: 404, Code: zcapi.CodeResourceNotFound}
}

func (f *fakeAPI) DescribeListeners(_ context.Context, req *zcapi.DescribeListenersRequest) (*zcapi.DescribeListenersResponse, error) {
	f.count(zcapi.ActionDescribeListeners)
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := &zcapi.DescribeListenersResponse{}
	for _, id := range req.ListenerIDs {
		if l, ok := f.listeners[id]; ok {
			resp.DataSet = append(resp.DataSet, l)
		}
	}
	resp.TotalCount = len(resp.DataSet)
	return resp, nil
}

func testService(api API) *Service {
	return New(api, Options{PollMin: time.Millisecond, PollMax: 5 * time.Millisecond, LockScope: fmt.Sprintf("%p", api)})
}

func TestBackendReadsShareOneSeriesOfPages(t *testing.T) {
	api := newFakeAPI("lsn-1")
	api.describeDelay = 5 * time.Millisecond
	svc := testService(api)
	for i := range 2500 {
		api.backends["lsn-1"] = append(api.backends["lsn-1"], zcapi.Backend{ListenerID: "lsn-1", BackendID: fmt.Sprintf("bk-%d", i)})
	}

	var wg sync.WaitGroup
	errs := make(chan error, 2500)
	for i := range 2500 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := svc.Backend(context.Background(), "lsn-1", fmt.Sprintf("bk-%d", i))
			if err == nil && b.BackendID != fmt.Sprintf("bk-%d", i) {
				err = fmt.Errorf("asked for bk-%d, got %s", i, b.BackendID)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := api.callCount(zcapi.ActionDescribeBackends); n != 3 {
		t.Fatalf("2,500 reads made %d DescribeBackends calls, want 3 (pages of 1,000)", n)
	}
}

func TestWriteInvalidatesSharedReads(t *testing.T) {
	api := newFakeAPI("lsn-1")
	svc := testService(api)
	ctx := context.Background()

	if _, err := svc.ListenerBackends(ctx, "lsn-1"); err != nil {
		t.Fatal(err)
	}
	id, err := svc.RegisterBackend(ctx, &zcapi.RegisterBackendRequest{ListenerID: "lsn-1", BackendName: "a", InstanceID: "i-1", ClientToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.Backend(ctx, "lsn-1", id)
	if err != nil {
		t.Fatalf("a backend registered after the listener was read is not seen: %v", err)
	}
	if b.BackendID != id {
		t.Fatalf("got %s, want %s", b.BackendID, id)
	}
	if err := svc.DeregisterBackend(ctx, "lsn-1", id); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Backend(ctx, "lsn-1", id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a deregistered backend is still served: %v", err)
	}
}

func TestMissingListenerIsNotFound(t *testing.T) {
	api := newFakeAPI()
	svc := testService(api)
	_, err := svc.Backend(context.Background(), "lsn-gone", "bk-1")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound for a backend of a missing listener, got %v", err)
	}
	if err := svc.DeregisterBackend(context.Background(), "lsn-gone", "bk-1"); err != nil {
		t.Fatalf("deregistering from a missing listener should count as done: %v", err)
	}
}

func TestLostRegistrationAnswerIsRecovered(t *testing.T) {
	lost := &zcapi.TransportError{Action: zcapi.ActionRegisterBackend, Err: errors.New("unexpected EOF")}
	cases := []struct {
		name        string
		answersLost int // 0: every answer
		wantCalls   int
	}{
		{"asking again with the same token", 1, 2},
		{"looking the backend up when every answer is lost", 0, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := newFakeAPI("lsn-1")
			api.loseRegisterAnswer, api.loseRegisterAnswers = lost, c.answersLost
			svc := testService(api)

			id, err := svc.RegisterBackend(context.Background(), &zcapi.RegisterBackendRequest{ListenerID: "lsn-1", BackendName: "web", InstanceID: "i-1", ClientToken: "t"})
			if err != nil {
				t.Fatalf("the registration happened but was reported as failed: %v", err)
			}
			if id != "bk-1" {
				t.Fatalf("recovered ID %q, want bk-1", id)
			}
			if n := len(api.backends["lsn-1"]); n != 1 {
				t.Fatalf("%d backends registered, want 1", n)
			}
			if n := api.callCount(zcapi.ActionRegisterBackend); n != c.wantCalls {
				t.Fatalf("%d RegisterBackend calls, want %d", n, c.wantCalls)
			}
		})
	}
}

func TestRefusedRegistrationIsNotRetried(t *testing.T) {
	for _, refusal := range []error{
		&zcapi.APIError{StatusCode: 400, Code: "INVALID_PARAMETER"},
		&zcapi.TransportError{Action: zcapi.ActionRegisterBackend, Err: x509.UnknownAuthorityError{}},
	} {
		api := newFakeAPI("lsn-1")
		api.loseRegisterAnswer = refusal
		svc := testService(api)
		if _, err := svc.RegisterBackend(context.Background(), &zcapi.RegisterBackendRequest{ListenerID: "lsn-1", BackendName: "other", InstanceID: "i-2", ClientToken: "u"}); !errors.Is(err, refusal) {
			t.Fatalf("got %v, want the refusal %v", err, refusal)
		}
		if n := api.callCount(zcapi.ActionRegisterBackend); n != 1 {
			t.Fatalf("a registration that cannot have happened was sent %d times", n)
		}
		if n := api.callCount(zcapi.ActionDescribeBackends); n != 0 {
			t.Fatalf("a registration that cannot have happened was looked up %d times", n)
		}
	}
}

func TestWritesToOneListenerAreSerialized(t *testing.T) {
	api := newFakeAPI("lsn-1", "lsn-2")
	svc := testService(api)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.RegisterBackend(context.Background(), &zcapi.RegisterBackendRequest{
				ListenerID: "lsn-1", BackendName: fmt.Sprintf("b%d", i), InstanceID: fmt.Sprintf("i-%d", i), ClientToken: fmt.Sprint(i),
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := api.overlaps.Load(); n != 0 {
		t.Fatalf("%d writes to one listener overlapped", n)
	}
}

func TestWaitBackendAvailable(t *testing.T) {
	api := newFakeAPI("lsn-1")
	svc := testService(api)
	api.backends["lsn-1"] = []zcapi.Backend{
		{ListenerID: "lsn-1", BackendID: "ok", Status: "available"},
		{ListenerID: "lsn-1", BackendID: "bad", Status: "RegisterFailed"},
		{ListenerID: "lsn-1", BackendID: "slow", Status: "Registering"},
	}
	ctx := context.Background()
	if _, err := svc.WaitBackendAvailable(ctx, "lsn-1", "ok"); err != nil {
		t.Fatalf("lower-case available: %v", err)
	}
	if _, err := svc.WaitBackendAvailable(ctx, "lsn-1", "bad"); err == nil {
		t.Fatal("a failed status ended the wait without an error")
	}
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, err := svc.WaitBackendAvailable(short, "lsn-1", "slow"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a pending backend should wait until the deadline, got %v", err)
	}
	if _, err := svc.WaitBackendAvailable(ctx, "lsn-1", "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a vanished backend should end the wait with ErrNotFound, got %v", err)
	}
}

func TestPollerGrowsToItsBound(t *testing.T) {
	svc := New(newFakeAPI(), Options{PollMin: 100 * time.Millisecond, PollMax: 750 * time.Millisecond})
	p := svc.newPoller()
	want := []time.Duration{
		100 * time.Millisecond, 150 * time.Millisecond, 225 * time.Millisecond,
		337500 * time.Microsecond, 506250 * time.Microsecond, 750 * time.Millisecond, 750 * time.Millisecond,
	}
	for i, w := range want {
		if got := p.step(); got != w {
			t.Fatalf("interval %d is %s, want %s", i, got, w)
		}
	}
}
