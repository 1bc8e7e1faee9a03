package bmclb

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

func TestListenerLifecycle(t *testing.T) {
	svc, e := emulatedService(t, emulator.Options{PendingFor: 30 * time.Millisecond})
	ctx := context.Background()

	id, err := svc.CreateListener(ctx, &zcapi.CreateListenerRequest{
		LoadBalancerID: emulator.FixtureLoadBalancerID, ListenerName: "l-9000", PortList: []int{9000},
		ClientToken: "token-l-9000", Protocol: "TCP", BackendProtocol: "TCP",
	})
	if err != nil {
		t.Fatalf("creating: %v", err)
	}
	l, err := svc.WaitListenerAvailable(ctx, id)
	if err != nil || l.Status != emulator.StatusAvailable {
		t.Fatalf("waiting: %v (last seen %+v)", err, l)
	}

	// A read kept from before a change is not served after it.
	if _, err := svc.Listener(ctx, id); err != nil {
		t.Fatal(err)
	}
	name, scheduler := "l-9000b", "rr"
	l, err = svc.ModifyListener(ctx, &zcapi.ModifyListenerAttributeRequest{ListenerID: id, ListenerName: &name, Scheduler: &scheduler})
	if err != nil {
		t.Fatalf("modifying: %v", err)
	}
	if l.ListenerName != name || l.Scheduler != scheduler {
		t.Fatalf("after the change the listener is %q, %s", l.ListenerName, l.Scheduler)
	}
	if cached, err := svc.Listener(ctx, id); err != nil || cached.ListenerName != name {
		t.Fatalf("the kept read after a change is %+v, %v", cached, err)
	}

	if err := svc.DeleteListener(ctx, id); err != nil {
		t.Fatalf("deleting: %v", err)
	}
	if _, err := svc.ExistingListener(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("reading a deleted listener gave %v, want ErrNotFound", err)
	}
	// Deleting again is done at once: the refusal is checked by a read.
	if err := svc.DeleteListener(ctx, id); err != nil {
		t.Fatalf("deleting a deleted listener: %v", err)
	}
	if n := len(e.Listeners(emulator.FixtureLoadBalancerID)); n != 3 {
		t.Fatalf("lb-demo has %d listeners, want the 3 fixtures", n)
	}
}

func TestListenerOfTerminatedLoadBalancerIsGone(t *testing.T) {
	svc, e := emulatedService(t, emulator.Options{})
	ctx := context.Background()
	e.TerminateLoadBalancerDirect(emulator.FixtureLoadBalancerID)

	if _, err := svc.ExistingListener(ctx, emulator.FixtureListenerWeb); !errors.Is(err, ErrNotFound) {
		t.Fatalf("reading a listener of a terminated load balancer gave %v, want ErrNotFound", err)
	}
	if err := svc.DeleteListener(ctx, emulator.FixtureListenerWeb); err != nil {
		t.Fatalf("deleting a listener of a terminated load balancer: %v", err)
	}
	if err := svc.DeregisterBackend(ctx, emulator.FixtureListenerWeb, "bk-000001"); err != nil {
		t.Fatalf("deregistering a backend of a terminated load balancer: %v", err)
	}
}

func TestListenerStillListedUnderRecycledLoadBalancerIsGone(t *testing.T) {
	api := &scriptedAPI{
		lbs:       []zcapi.LoadBalancer{{LoadBalancerID: "lb-1", Status: "Recycled"}},
		listeners: []zcapi.Listener{{ListenerID: "lsn-1", LoadBalancerID: "lb-1", Status: "Available"}},
	}
	if _, err := scriptedService(api).ExistingListener(context.Background(), "lsn-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
	api.lbs = nil
	if _, err := scriptedService(api).ExistingListener(context.Background(), "lsn-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("with the load balancer gone, got %v, want ErrNotFound", err)
	}
}

func TestLostCreateListenerAnswerIsRecovered(t *testing.T) {
	svc, e := emulatedService(t, emulator.Options{
		Faults: emulator.Faults{DropResponseRate: 1, Actions: []string{zcapi.ActionCreateListener}},
	})
	id, err := svc.CreateListener(context.Background(), &zcapi.CreateListenerRequest{
		LoadBalancerID: emulator.FixtureLoadBalancerID, ListenerName: "lost", PortList: []int{9443, 9080},
		ClientToken: "token-lost", Protocol: "TCP", BackendProtocol: "TCP",
	})
	if err != nil {
		t.Fatalf("creating with every answer lost: %v", err)
	}
	var found bool
	for _, l := range e.Listeners(emulator.FixtureLoadBalancerID) {
		found = found || l.ListenerID == id && l.ListenerName == "lost"
	}
	if !found {
		t.Fatalf("the recovered ID %s is not the listener that was created", id)
	}
}
