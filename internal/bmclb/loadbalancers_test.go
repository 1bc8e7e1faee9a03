package bmclb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

// emulatedService returns a Service over a real API client talking to an emulator started for
// the test.
func emulatedService(t *testing.T, opts emulator.Options) (*Service, *emulator.Emulator) {
	t.Helper()
	e := emulator.New(opts)
	if err := e.Start(); err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(e.Close)
	client, err := zcapi.New(zcapi.Config{
		AccessKeyID:       emulator.DefaultAccessKeyID,
		AccessKeyPassword: emulator.DefaultAccessKeyPassword,
		Domain:            e.Domain(),
		Scheme:            "HTTP",
		BackoffBase:       time.Millisecond,
		BackoffMax:        5 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("creating the API client: %v", err)
	}
	svc := New(client, Options{PollMin: 10 * time.Millisecond, PollMax: 50 * time.Millisecond, LockScope: t.Name()})
	return svc, e
}

// orderLoadBalancer creates a load balancer through svc and waits until it is ready.
func orderLoadBalancer(t *testing.T, svc *Service, name string) string {
	t.Helper()
	ctx := context.Background()
	id, err := svc.CreateLoadBalancer(ctx, &zcapi.CreateLoadBalancerRequest{
		ZoneID: "SEL-A", LoadBalancerName: name, ChargeType: "POSTPAID", Bandwidth: 10, IPType: "IPv4",
		ClientToken: "token-" + name,
	})
	if err != nil {
		t.Fatalf("creating %s: %v", name, err)
	}
	lb, err := svc.WaitLoadBalancerReady(ctx, id)
	if err != nil {
		t.Fatalf("waiting for %s: %v", name, err)
	}
	if lb.Status != emulator.StatusRunning {
		t.Fatalf("%s is %s after the wait, want Running", id, lb.Status)
	}
	return id
}

// statusOf returns a load balancer's status on the emulator, or "gone".
func statusOf(e *emulator.Emulator, id string) string {
	for _, lb := range e.LoadBalancers() {
		if lb.LoadBalancerID == id {
			return lb.Status
		}
	}
	return "gone"
}

func TestStatusClasses(t *testing.T) {
	for _, s := range []string{"Running", "AVAILABLE", " active "} {
		if !IsReady(s) {
			t.Errorf("IsReady(%q) = false", s)
		}
	}
	for _, s := range []string{"Creating", "Recycled", ""} {
		if IsReady(s) {
			t.Errorf("IsReady(%q) = true", s)
		}
	}
	for _, s := range []string{"Recycled", "RECYCLING", "Terminating", "terminated"} {
		if !IsRecycled(s) {
			t.Errorf("IsRecycled(%q) = false", s)
		}
	}
	for _, s := range []string{"Running", "Creating", "CreateFailed"} {
		if IsRecycled(s) {
			t.Errorf("IsRecycled(%q) = true", s)
		}
	}
}

func TestDeleteLoadBalancerRecyclesThenReleases(t *testing.T) {
	svc, e := emulatedService(t, emulator.Options{PendingFor: 50 * time.Millisecond})
	ctx := context.Background()
	id := orderLoadBalancer(t, svc, "recycle-me")

	if err := svc.DeleteLoadBalancer(ctx, id, false); err != nil {
		t.Fatalf("terminating: %v", err)
	}
	if got := statusOf(e, id); got != emulator.StatusRecycled {
		t.Fatalf("after terminating, %s is %s, want Recycled", id, got)
	}

	// Already in the recycle bin: nothing more is sent without release.
	terminations := e.CallCount(zcapi.ActionTerminateLoadBalancer)
	if err := svc.DeleteLoadBalancer(ctx, id, false); err != nil {
		t.Fatalf("terminating a recycled load balancer: %v", err)
	}
	if n := e.CallCount(zcapi.ActionTerminateLoadBalancer) - terminations; n != 0 {
		t.Errorf("%d TerminateLoadBalancer calls for a recycled load balancer", n)
	}

	if err := svc.DeleteLoadBalancer(ctx, id, true); err != nil {
		t.Fatalf("releasing: %v", err)
	}
	if got := statusOf(e, id); got != "gone" {
		t.Fatalf("after releasing, %s is %s, want gone", id, got)
	}
	if err := svc.DeleteLoadBalancer(ctx, id, true); err != nil {
		t.Fatalf("deleting a load balancer that is gone: %v", err)
	}
}

func TestDeleteLoadBalancerWithForceFromRunning(t *testing.T) {
	svc, e := emulatedService(t, emulator.Options{})
	id := orderLoadBalancer(t, svc, "release-me")

	if err := svc.DeleteLoadBalancer(context.Background(), id, true); err != nil {
		t.Fatalf("terminating and releasing: %v", err)
	}
	if got := statusOf(e, id); got != "gone" {
		t.Fatalf("%s is %s, want gone", id, got)
	}
	if n := e.CallCount(zcapi.ActionReleaseLoadBalancer); n != 1 {
		t.Errorf("ReleaseLoadBalancer was called %d times, want 1", n)
	}
}

func TestRenameLoadBalancer(t *testing.T) {
	svc, _ := emulatedService(t, emulator.Options{})
	lb, err := svc.RenameLoadBalancer(context.Background(), emulator.FixtureLoadBalancerID, "demo.renamed")
	if err != nil {
		t.Fatalf("renaming: %v", err)
	}
	if lb.LoadBalancerName != "demo.renamed" {
		t.Errorf("the load balancer is named %q after the rename", lb.LoadBalancerName)
	}
}

func TestRenameMissingLoadBalancerIsNotFound(t *testing.T) {
	svc, _ := emulatedService(t, emulator.Options{})
	_, err := svc.RenameLoadBalancer(context.Background(), "lb-missing", "x")
	if !zcapi.IsNotFound(err) {
		t.Fatalf("renaming a missing load balancer gave %v, want a not-found API error", err)
	}
}

// scriptedAPI serves load balancers and listeners from memory, for the paths the emulator
// cannot take: statuses it never shows, listeners outliving their load balancer, and more
// objects than one page holds.
type scriptedAPI struct {
	mu        sync.Mutex
	lbs       []zcapi.LoadBalancer
	listeners []zcapi.Listener
	statuses  []string // successive statuses of lbs[0], one per DescribeLoadBalancers
	calls     []zcapi.DescribeLoadBalancersRequest
	lcalls    []zcapi.DescribeListenersRequest
}

func (s *scriptedAPI) RegisterBackend(context.Context, *zcapi.RegisterBackendRequest) (*zcapi.RegisterBackendResponse, error) {
	return nil, errors.New("not scripted")
}

func (s *scriptedAPI) DeregisterBackend(context.Context, string) error {
	return errors.New("not scripted")
}

func (s *scriptedAPI) DescribeBackends(context.Context, *zcapi.DescribeBackendsRequest) (*zcapi.DescribeBackendsResponse, error) {
	return nil, errors.New("not scripted")
}

func (s *scriptedAPI) ModifyBackendWeight(context.Context, string, int) error {
	return errors.New("not scripted")
}

func (s *scriptedAPI) CreateListener(context.Context, *zcapi.CreateListenerRequest) (*zcapi.CreateListenerResponse, error) {
	return nil, errors.New("not scripted")
}

func (s *scriptedAPI) ModifyListenerAttribute(context.Context, *zcapi.ModifyListenerAttributeRequest) error {
	return errors.New("not scripted")
}

func (s *scriptedAPI) DeleteListener(context.Context, string) error {
	return errors.New("not scripted")
}

func (s *scriptedAPI) CreateLoadBalancer(context.Context, *zcapi.CreateLoadBalancerRequest) (*zcapi.CreateLoadBalancerResponse, error) {
	return nil, errors.New("not scripted")
}

func (s *scriptedAPI) ModifyLoadBalancersName(context.Context, []string, string) error {
	return errors.New("not scripted")
}

// TerminateLoadBalancer makes lbs[0] show Terminating twice, then Recycled.
func (s *scriptedAPI) TerminateLoadBalancer(context.Context, string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statuses = []string{"Terminating", "Terminating", "Recycled"}
	return nil
}

// ReleaseLoadBalancer removes lbs[0], and refuses while it is not settled in the recycle bin.
func (s *scriptedAPI) ReleaseLoadBalancer(context.Context, string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.lbs) == 0 {
		return &zcapi.APIError{StatusCode: 404, Code: zcapi.CodeResourceNotFound}
	}
	if s.lbs[0].Status != "Recycled" {
		return &zcapi.APIError{StatusCode: 409, Code: "OPERATION_DENIED_NOT_IN_RECYCLE_BIN"}
	}
	s.lbs, s.statuses = nil, nil
	return nil
}

func (s *scriptedAPI) DescribeLoadBalancers(_ context.Context, req *zcapi.DescribeLoadBalancersRequest) (*zcapi.DescribeLoadBalancersResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, *req)
	if len(s.statuses) > 0 && len(s.lbs) > 0 {
		s.lbs[0].Status = s.statuses[0]
		if len(s.statuses) > 1 {
			s.statuses = s.statuses[1:]
		}
	}
	var matched []zcapi.LoadBalancer
	for _, lb := range s.lbs {
		if len(req.LoadBalancerIDs) == 0 || contains(req.LoadBalancerIDs, lb.LoadBalancerID) {
			matched = append(matched, lb)
		}
	}
	return &zcapi.DescribeLoadBalancersResponse{TotalCount: len(matched), DataSet: pageOf(matched, req.PageNum, req.PageSize)}, nil
}

func (s *scriptedAPI) DescribeListeners(_ context.Context, req *zcapi.DescribeListenersRequest) (*zcapi.DescribeListenersResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lcalls = append(s.lcalls, *req)
	var matched []zcapi.Listener
	for _, l := range s.listeners {
		if (len(req.ListenerIDs) == 0 || contains(req.ListenerIDs, l.ListenerID)) &&
			(len(req.LoadBalancerIDs) == 0 || contains(req.LoadBalancerIDs, l.LoadBalancerID)) {
			matched = append(matched, l)
		}
	}
	return &zcapi.DescribeListenersResponse{TotalCount: len(matched), DataSet: pageOf(matched, req.PageNum, req.PageSize)}, nil
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func pageOf[T any](items []T, num, size int) []T {
	start := (num - 1) * size
	if start >= len(items) {
		return nil
	}
	return items[start:min(start+size, len(items))]
}

func scriptedService(api *scriptedAPI) *Service {
	return New(api, Options{PollMin: time.Millisecond, PollMax: 2 * time.Millisecond, LockScope: "scripted"})
}

func TestWaitLoadBalancerReadyFollowsStatuses(t *testing.T) {
	cases := []struct {
		statuses []string
		wantErr  string
	}{
		{[]string{"Creating", "Deploying", "ACTIVE"}, ""},
		{[]string{"Creating", "Available"}, ""},
		{[]string{"Creating", "CreateFailed"}, `reports status "CreateFailed"`},
		{[]string{"Creating", "Terminating"}, "was terminated while waiting"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.statuses, ","), func(t *testing.T) {
			api := &scriptedAPI{lbs: []zcapi.LoadBalancer{{LoadBalancerID: "lb-1"}}, statuses: c.statuses}
			lb, err := scriptedService(api).WaitLoadBalancerReady(context.Background(), "lb-1")
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, c.wantErr)
			case lb == nil || lb.Status != c.statuses[len(c.statuses)-1]:
				t.Fatalf("last seen %+v, want status %s", lb, c.statuses[len(c.statuses)-1])
			}
		})
	}
}

func TestWaitLoadBalancerReadyGivesUpAtDeadline(t *testing.T) {
	api := &scriptedAPI{lbs: []zcapi.LoadBalancer{{LoadBalancerID: "lb-1"}}, statuses: []string{"Creating"}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := scriptedService(api).WaitLoadBalancerReady(ctx, "lb-1")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), `last status "Creating"`) {
		t.Fatalf("error %v, want a deadline with the last status", err)
	}
}

func TestListingsFollowPagesAndSplitIDs(t *testing.T) {
	api := &scriptedAPI{}
	var ids []string
	for i := 1; i <= 2500; i++ {
		id := fmt.Sprintf("lb-%05d", i)
		api.lbs = append(api.lbs, zcapi.LoadBalancer{LoadBalancerID: id, Status: "Running"})
		ids = append(ids, id)
	}
	svc := scriptedService(api)

	all, err := svc.LoadBalancers(context.Background(), zcapi.DescribeLoadBalancersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2500 || len(api.calls) != 3 {
		t.Fatalf("got %d load balancers in %d calls, want 2500 in 3", len(all), len(api.calls))
	}

	api.calls = nil
	some, err := svc.LoadBalancers(context.Background(), zcapi.DescribeLoadBalancersRequest{LoadBalancerIDs: append(ids[:250:250], ids[0])})
	if err != nil {
		t.Fatal(err)
	}
	if len(some) != 250 {
		t.Fatalf("got %d load balancers for 250 distinct IDs", len(some))
	}
	for _, c := range api.calls {
		if len(c.LoadBalancerIDs) > describeFilterLimit || c.PageSize != describePageSize {
			t.Fatalf("a call asked for %d IDs with page size %d", len(c.LoadBalancerIDs), c.PageSize)
		}
	}
	if len(api.calls) != 3 {
		t.Fatalf("250 IDs took %d calls, want 3", len(api.calls))
	}
}

func TestListenersSplitBothIDFilters(t *testing.T) {
	api := &scriptedAPI{}
	var lbIDs, ids []string
	for i := 1; i <= 150; i++ {
		lb, l := fmt.Sprintf("lb-%03d", i), fmt.Sprintf("lsn-%03d", i)
		api.listeners = append(api.listeners, zcapi.Listener{ListenerID: l, LoadBalancerID: lb})
		lbIDs, ids = append(lbIDs, lb), append(ids, l)
	}
	found, err := scriptedService(api).Listeners(context.Background(), zcapi.DescribeListenersRequest{
		LoadBalancerIDs: lbIDs, ListenerIDs: ids,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 150 {
		t.Fatalf("got %d listeners, want 150", len(found))
	}
	if len(api.lcalls) != 4 {
		t.Fatalf("%d calls, want 4 (two groups of each filter)", len(api.lcalls))
	}
}

func TestReleaseWaitsUntilTheRecycleBinIsReached(t *testing.T) {
	api := &scriptedAPI{lbs: []zcapi.LoadBalancer{{LoadBalancerID: "lb-1", Status: "Running"}}}
	if err := scriptedService(api).DeleteLoadBalancer(context.Background(), "lb-1", true); err != nil {
		t.Fatalf("terminating and releasing: %v", err)
	}
	if len(api.lbs) != 0 {
		t.Fatalf("the load balancer was not released")
	}
}

func TestTerminateWithoutReleaseAcceptsTerminating(t *testing.T) {
	api := &scriptedAPI{lbs: []zcapi.LoadBalancer{{LoadBalancerID: "lb-1", Status: "Running"}}}
	if err := scriptedService(api).DeleteLoadBalancer(context.Background(), "lb-1", false); err != nil {
		t.Fatalf("terminating: %v", err)
	}
	if got := api.lbs[0].Status; got != "Terminating" {
		t.Fatalf("the wait went on to status %s; Terminating already means terminated", got)
	}
}
