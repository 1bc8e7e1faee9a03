package robustness_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

// IDs of the second load balancer the outside-change suite adds to the default fixtures, so
// that something is left standing when lb-demo is terminated.
const (
	otherLoadBalancer = "lb-other"
	otherListener     = "lsn-other"
)

// outsideFixtures returns the default fixtures plus lb-other with one TCP listener on 9000.
func outsideFixtures() *emulator.Fixtures {
	fx := emulator.DefaultFixtures()
	fx.LoadBalancers = append(fx.LoadBalancers, emulator.LoadBalancerFixture{
		ID: otherLoadBalancer, Name: "other", ZoneID: "HKG-A",
		Listeners: []emulator.ListenerFixture{{ID: otherListener, Name: "other", Ports: []int{9000}}},
	})
	return fx
}

// outsideBackend is one backend of the outside-change suite.
type outsideBackend struct {
	name, listener, instance, ports string
}

var (
	webA   = outsideBackend{"web-a", emulator.FixtureListenerWeb, "bm-0401", "[80]"}
	webB   = outsideBackend{"web-b", emulator.FixtureListenerWeb, "bm-0402", "[80]"}
	apiA   = outsideBackend{"api-a", emulator.FixtureListenerAPI, "bm-0403", "[8080]"}
	drA    = outsideBackend{"dr-a", emulator.FixtureListenerDR, "bm-0404", ""}
	otherA = outsideBackend{"other-a", otherListener, "bm-0405", "[9000]"}
)

func (b outsideBackend) addr() string { return "zenlayer_bmc_lb_backend." + b.name }

func outsideConfig(e *emulator.Emulator, backends ...outsideBackend) string {
	hcl := acctest.ProviderBlock(e)
	for _, b := range backends {
		hcl += backendHCL(b.name, b.listener, b.instance, b.ports)
	}
	return hcl
}

// backendOf returns the ID of the backend of an instance on a listener, or "".
func backendOf(e *emulator.Emulator, listenerID, instanceID string) string {
	for _, b := range e.Backends(listenerID) {
		if b.InstanceID == instanceID {
			return b.BackendID
		}
	}
	return ""
}

// expectActions is a plan check list: each backend planned with the given action.
func expectActions(action plancheck.ResourceActionType, backends ...outsideBackend) []plancheck.PlanCheck {
	var checks []plancheck.PlanCheck
	for _, b := range backends {
		checks = append(checks, plancheck.ExpectResourceAction(b.addr(), action))
	}
	return checks
}

// TestOutsideChanges changes the API behind Terraform's back between applies: a backend is
// deregistered, a listener is deleted, and a load balancer is terminated. A backend removed
// outside is registered again. A backend whose listener or load balancer is gone leaves state
// on refresh; while the configuration still lists it, the apply fails with the API's
// INVALID_LISTENER_NOT_FOUND message and registers nothing, and the configuration that no
// longer lists it converges with an empty plan.
func TestOutsideChanges(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{Fixtures: outsideFixtures()})
	all := []outsideBackend{webA, webB, apiA, drA, otherA}
	ids := map[string]string{}
	remember := func() error {
		for _, b := range all {
			ids[b.name] = backendOf(e, b.listener, b.instance)
		}
		return nil
	}
	// unchanged fails unless the backends still have the IDs remembered.
	unchanged := func(backends ...outsideBackend) func() error {
		return func() error {
			for _, b := range backends {
				if got := backendOf(e, b.listener, b.instance); got == "" || got != ids[b.name] {
					return fmt.Errorf("%s is backend %q on the emulator, want the unchanged %q", b.name, got, ids[b.name])
				}
			}
			return nil
		}
	}
	var before map[string]int
	snapshot := func() { before = e.Calls() }
	// registerAttempts fails unless the last step sent exactly n RegisterBackend calls and
	// applied none of them.
	registerAttempts := func(n int, applied int) error {
		d := callDelta(before, e.Calls())
		if d["RegisterBackend"] != n {
			return fmt.Errorf("RegisterBackend was called %d times, want %d (one per backend, no repeats)", d["RegisterBackend"], n)
		}
		if got := e.AppliedWrites()["RegisterBackend"]; got != applied {
			return fmt.Errorf("RegisterBackend was applied %d times in all, want %d", got, applied)
		}
		if d["DeregisterBackend"] != 0 {
			return fmt.Errorf("DeregisterBackend was called %d times for backends that were already gone", d["DeregisterBackend"])
		}
		return nil
	}
	var stepErr error

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: outsideConfig(e, all...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(func() error {
						return checkListeners(e, map[string]int{
							emulator.FixtureListenerWeb: 2, emulator.FixtureListenerAPI: 1,
							emulator.FixtureListenerDR: 1, otherListener: 1,
						}, 100)
					}),
					acctest.Expect(remember),
				},
			},
			{
				// A backend deregistered in the console is registered again; nothing else moves.
				PreConfig: func() {
					if !e.DeleteBackendDirect(ids[webA.name]) {
						stepErr = fmt.Errorf("backend %s of %s was not on the emulator", ids[webA.name], webA.name)
					}
					snapshot()
					t.Logf("deregistered %s (%s) outside Terraform", ids[webA.name], webA.name)
				},
				Config: outsideConfig(e, all...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: append(expectActions(plancheck.ResourceActionCreate, webA),
						expectActions(plancheck.ResourceActionNoop, webB, apiA, drA, otherA)...),
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(func() error { return stepErr }),
					acctest.Expect(func() error { return registerAttempts(1, 6) }),
					acctest.Expect(unchanged(webB, apiA, drA, otherA)),
					acctest.Expect(func() error {
						if got := backendOf(e, webA.listener, webA.instance); got == "" || got == ids[webA.name] {
							return fmt.Errorf("%s is backend %q, want a new registration", webA.name, got)
						}
						return nil
					}),
					acctest.Expect(remember),
				},
			},
			{
				// The listener lsn-api is deleted in the console with its backend. While the
				// configuration lists api-a, the apply tries to register it once and fails with
				// what the API said.
				PreConfig: func() {
					e.DeleteListenerDirect(emulator.FixtureListenerAPI)
					snapshot()
					t.Logf("deleted listener %s outside Terraform", emulator.FixtureListenerAPI)
				},
				Config: outsideConfig(e, all...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: append(expectActions(plancheck.ResourceActionCreate, apiA),
						expectActions(plancheck.ResourceActionNoop, webA, webB, drA, otherA)...),
				},
				ExpectError: acctest.ErrorPattern(`Unable to Register Backend .*backend "api-a" on listener lsn-api failed. Nothing was registered.*` +
					`HTTP 404 Not Found: code INVALID_LISTENER_NOT_FOUND, message "The listener lsn-api does not exist."`),
			},
			{
				// The configuration without api-a converges: nothing of it is left in state.
				PreConfig: func() {
					stepErr = registerAttempts(1, 6)
					snapshot()
				},
				Config: outsideConfig(e, webA, webB, drA, otherA),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(func() error { return stepErr }),
					acctest.Expect(func() error { return registerAttempts(0, 6) }),
					acctest.Expect(unchanged(webA, webB, drA, otherA)),
				},
			},
			{
				// lb-demo is terminated in the console, taking lsn-web and lsn-dr with it.
				PreConfig: func() {
					if !e.TerminateLoadBalancerDirect(emulator.FixtureLoadBalancerID) {
						stepErr = fmt.Errorf("load balancer %s could not be terminated", emulator.FixtureLoadBalancerID)
					}
					snapshot()
					t.Logf("terminated load balancer %s outside Terraform", emulator.FixtureLoadBalancerID)
				},
				Config: outsideConfig(e, webA, webB, drA, otherA),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: append(expectActions(plancheck.ResourceActionCreate, webA, webB, drA),
						expectActions(plancheck.ResourceActionNoop, otherA)...),
				},
				ExpectError: acctest.ErrorPattern(`code INVALID_LISTENER_NOT_FOUND, message "The listener lsn-web does not exist."` +
					`.*code INVALID_LISTENER_NOT_FOUND, message "The listener lsn-`),
			},
			{
				PreConfig: func() {
					if stepErr == nil {
						stepErr = registerAttempts(3, 6)
					}
					snapshot()
				},
				Config: outsideConfig(e, otherA),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(func() error { return stepErr }),
					acctest.Expect(func() error { return registerAttempts(0, 6) }),
					acctest.Expect(unchanged(otherA)),
					acctest.Expect(func() error {
						if n := len(e.Listeners(emulator.FixtureLoadBalancerID)); n != 0 {
							return fmt.Errorf("terminated %s still has %d listeners", emulator.FixtureLoadBalancerID, n)
						}
						if n := e.BackendCount(); n != 1 {
							return fmt.Errorf("%d backends on the emulator, want only %s", n, otherA.name)
						}
						return nil
					}),
				},
			},
		},
	})

	if n := e.BackendCount(); n != 0 {
		t.Errorf("%d backends are left after destroy", n)
	}
	if n := e.CallCount("DeregisterBackend"); n != 1 {
		t.Errorf("DeregisterBackend was called %d times, want 1 (only %s still existed at destroy)", n, otherA.name)
	}
	t.Logf("outside changes: calls %v, applied writes %v", e.Calls(), e.AppliedWrites())
}

// TestOutsideChangesDestroyAfterTermination terminates the load balancer of backends that are
// in state, outside Terraform. A refreshing plan proposes to create them anew; a destroy that
// does not refresh calls Delete for each, which finds them gone and succeeds.
func TestOutsideChangesDestroyAfterTermination(t *testing.T) {
	t.Parallel()
	e := acctest.StartEmulator(t, emulator.Options{})
	c := newCLI(t, nil)
	c.write(outsideConfig(e, webA, apiA, drA))
	c.run("apply", "-auto-approve", "-input=false", "-no-color")
	if err := checkListeners(e, map[string]int{
		emulator.FixtureListenerWeb: 1, emulator.FixtureListenerAPI: 1, emulator.FixtureListenerDR: 1,
	}, 100); err != nil {
		t.Fatal(err)
	}

	if !e.TerminateLoadBalancerDirect(emulator.FixtureLoadBalancerID) {
		t.Fatalf("load balancer %s could not be terminated", emulator.FixtureLoadBalancerID)
	}
	plan := c.try("plan", "-detailed-exitcode", "-input=false", "-no-color")
	if plan.ExitCode != 2 || !strings.Contains(plan.Stdout, "Plan: 3 to add, 0 to change, 0 to destroy.") {
		t.Errorf("the plan after the termination (exit %d) does not propose to create the three backends:\n%s",
			plan.ExitCode, plan.Output())
	}
	if n := len(c.stateList()); n != 3 {
		t.Errorf("%d resources in state after a plan, want the 3 applied (a plan does not write state)", n)
	}

	before := e.Calls()
	c.run("destroy", "-refresh=false", "-auto-approve", "-input=false", "-no-color")
	delta := callDelta(before, e.Calls())
	t.Logf("destroy without refresh after the termination: calls %v", delta)
	if delta["DeregisterBackend"] != 3 {
		t.Errorf("destroy sent %d DeregisterBackend calls, want 3 (one per backend in state)", delta["DeregisterBackend"])
	}
	if n := e.AppliedWrites()["DeregisterBackend"]; n != 0 {
		t.Errorf("%d deregistrations applied, want 0: the backends were already gone", n)
	}
	if n := len(c.stateList()); n != 0 {
		t.Errorf("%d resources left in state after destroy", n)
	}
	if n := e.BackendCount(); n != 0 {
		t.Errorf("%d backends on the emulator after destroy", n)
	}
}
