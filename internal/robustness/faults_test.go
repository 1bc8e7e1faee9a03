package robustness_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

// faultSeeds are the seeds of the fault suite; each one gives its own sequence of faults.
var faultSeeds = []int64{3, 1009, 65537}

// injectedFaults fail 20% of all calls: 5% throttled, 5% server faults and 5% reset
// connections before handling, and 5% of writes applied and then answered with nothing.
var injectedFaults = emulator.Faults{
	ThrottleRate:     0.05,
	ServerErrorRate:  0.05,
	ResetRate:        0.05,
	DropResponseRate: 0.05,
}

// Backend counts of the fault suite: 100 in all, split over two listeners so that the
// writes of one listener, which are serialized, are not all waiting behind each other.
const (
	faultPool    = 100
	faultPoolWeb = 55
	faultPoolAPI = faultPool - faultPoolWeb
)

// TestFaults applies 100 backends while the emulator throttles, fails, resets connections and
// drops the answers of applied writes, then changes every weight and destroys them all. It
// runs once per seed.
func TestFaults(t *testing.T) {
	t.Parallel()
	for _, seed := range faultSeeds {
		t.Run(fmt.Sprintf("seed_%d", seed), func(t *testing.T) {
			testFaultsWithSeed(t, seed)
		})
	}
}

func faultConfig(e *emulator.Emulator, weight int) string {
	return acctest.ProviderBlock(e, "max_retries = 10") +
		poolHCL("web", faultPoolWeb, 1, emulator.FixtureListenerWeb, "[80]", weight) +
		poolHCL("api", faultPoolAPI, faultPoolWeb+1, emulator.FixtureListenerAPI, "[8080]", weight)
}

func testFaultsWithSeed(t *testing.T, seed int64) {
	e := acctest.StartEmulator(t, emulator.Options{Seed: seed, Faults: injectedFaults})
	want := map[string]int{emulator.FixtureListenerWeb: faultPoolWeb, emulator.FixtureListenerAPI: faultPoolAPI}
	none := map[string]int{emulator.FixtureListenerWeb: 0, emulator.FixtureListenerAPI: 0}
	var started, stepStart time.Time

	// expectApplied fails unless action was applied exactly n times so far: a write repeated
	// after a lost answer must replay (client token) or find nothing to change.
	expectApplied := func(action string, n int) error {
		if got := e.AppliedWrites()[action]; got != n {
			return fmt.Errorf("%s was applied %d times, want %d", action, got, n)
		}
		return nil
	}
	// expectRetried fails unless action was called more often than it was applied, which shows
	// that faults hit it and were retried.
	expectRetried := func(action string) error {
		calls, applied := e.CallCount(action), e.AppliedWrites()[action]
		if calls <= applied {
			return fmt.Errorf("%s: %d calls for %d applied writes; no fault was retried, so this run proves nothing", action, calls, applied)
		}
		return nil
	}
	logStep := func(name string) {
		t.Logf("seed %d: %s took %s; calls so far %v; applied writes %v",
			seed, name, time.Since(stepStart).Round(time.Millisecond), e.Calls(), e.AppliedWrites())
		stepStart = time.Now()
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { started, stepStart = time.Now(), time.Now() },
				Config:    faultConfig(e, 100),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("zenlayer_bmc_lb_backend.web[0]", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("zenlayer_bmc_lb_backend.api[44]", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(func() error { return checkListeners(e, want, 100) }),
					acctest.Expect(func() error { return expectApplied("RegisterBackend", faultPool) }),
					acctest.Expect(func() error { return expectRetried("RegisterBackend") }),
					acctest.Expect(func() error { logStep("create"); return nil }),
				},
			},
			{
				Config: faultConfig(e, 35),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("zenlayer_bmc_lb_backend.web[54]", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("zenlayer_bmc_lb_backend.api[0]", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(func() error { return checkListeners(e, want, 35) }),
					acctest.Expect(func() error { return expectApplied("ModifyBackendWeight", faultPool) }),
					acctest.Expect(func() error { return expectApplied("RegisterBackend", faultPool) }),
					acctest.Expect(func() error { logStep("weight change"); return nil }),
				},
			},
		},
	})

	logStep("the last refresh plans and destroy")
	if err := checkListeners(e, none, 0); err != nil {
		t.Errorf("after destroy: %v", err)
	}
	if n := e.BackendCount(); n != 0 {
		t.Errorf("%d backends are left after destroy", n)
	}
	if err := expectApplied("DeregisterBackend", faultPool); err != nil {
		t.Error(err)
	}
	calls := e.Calls()
	t.Logf("seed %d: %d backends created, reweighted and destroyed in %s with %d calls (%d writes, %d applied); per action %v",
		seed, faultPool, time.Since(started).Round(time.Millisecond), sum(calls), e.WriteCalls(), e.AppliedWriteCount(), calls)
}
