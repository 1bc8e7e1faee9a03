package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

const listenerAddr = "zenlayer_bmc_lb_listener.web"

// listenerArgs are the arguments of the listener the tests manage on lb-demo.
type listenerArgs struct {
	name, ports, protocol, scheduler, extra string
}

// listenerConfig returns one listener on lb-demo; extra holds further argument lines.
func listenerConfig(e *emulator.Emulator, a listenerArgs) string {
	return acctest.ProviderBlock(e) + fmt.Sprintf(`
resource "zenlayer_bmc_lb_listener" "web" {
  load_balancer_id = %[1]q
  name             = %[2]q
  ports            = %[3]s
  protocol         = %[4]q
  backend_protocol = %[4]q
  scheduler        = %[5]q
%[6]s
}
`, emulator.FixtureLoadBalancerID, a.name, a.ports, a.protocol, a.scheduler, a.extra)
}

// managedListener returns the one listener of lb-demo that is not a fixture.
func managedListener(e *emulator.Emulator) (emulator.ListenerView, error) {
	var found []emulator.ListenerView
	for _, l := range e.Listeners(emulator.FixtureLoadBalancerID) {
		if !slices.Contains([]string{emulator.FixtureListenerWeb, emulator.FixtureListenerAPI, emulator.FixtureListenerDR}, l.ListenerID) {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		return emulator.ListenerView{}, fmt.Errorf("lb-demo has %d listeners besides the fixtures, want 1", len(found))
	}
	return found[0], nil
}

// checkListener fails unless the emulator holds one managed listener with this name,
// scheduler and these ports.
func checkListener(e *emulator.Emulator, name, scheduler string, ports ...int) func() error {
	return func() error {
		l, err := managedListener(e)
		if err != nil {
			return err
		}
		if l.ListenerName != name || l.Scheduler != scheduler || !slices.Equal(l.Ports, ports) {
			return fmt.Errorf("listener %s is %q, scheduler %s, ports %v on the emulator; want %q, %s, %v",
				l.ListenerID, l.ListenerName, l.Scheduler, l.Ports, name, scheduler, ports)
		}
		return nil
	}
}

// expectOnlyFixtureListeners fails the test when lb-demo still has a listener that is not a
// fixture; it is called after the test case, whose last act is terraform destroy.
func expectOnlyFixtureListeners(t *testing.T, e *emulator.Emulator) {
	t.Helper()
	if n := len(e.Listeners(emulator.FixtureLoadBalancerID)); n != 3 {
		t.Errorf("lb-demo has %d listeners after destroy, want the 3 fixtures", n)
	}
}

func TestAccListenerResource_lifecycle(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{PendingFor: 200 * time.Millisecond})
	healthCheck := `
  health_check = {
    check_enabled       = true
    check_type          = "TCP"
    check_port          = 9000
    check_interval_time = 5
  }
`
	initial := listenerArgs{name: "web-9000", ports: "[9000]", protocol: "TCP", scheduler: "wrr"}
	changed := listenerArgs{name: "web-9000b", ports: "[9000]", protocol: "TCP", scheduler: "rr", extra: healthCheck}
	leftOut := changed
	leftOut.extra = ""
	replaced := changed
	replaced.ports = "[9000, 9001]"
	var modifies int

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: listenerConfig(e, initial),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(listenerAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("status"), knownvalue.StringExact("Available")),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("kind"), knownvalue.StringExact("FNAT")),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("scheduler"), knownvalue.StringExact("wrr")),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("ports"), knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(9000)})),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("health_check").AtMapKey("check_enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("health_check").AtMapKey("check_port"), knownvalue.Null()),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("notify").AtMapKey("enable"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("create_time"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\d`))),
					acctest.Expect(checkListener(e, "web-9000", "wrr", 9000)),
				},
			},
			{
				PreConfig: func() { modifies = e.CallCount("ModifyListenerAttribute") },
				Config:    listenerConfig(e, changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(listenerAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("scheduler"), knownvalue.StringExact("rr")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("name"), knownvalue.StringExact("web-9000b")),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("health_check"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"check_enabled":       knownvalue.Bool(true),
						"check_type":          knownvalue.StringExact("TCP"),
						"check_port":          knownvalue.Int64Exact(9000),
						"check_interval_time": knownvalue.Int64Exact(5),
						"check_retry":         knownvalue.Null(),
					})),
					acctest.Expect(checkListener(e, "web-9000b", "rr", 9000)),
					acctest.Expect(func() error {
						if n := e.CallCount("ModifyListenerAttribute") - modifies; n != 1 {
							return fmt.Errorf("ModifyListenerAttribute was called %d times for one change, want 1", n)
						}
						return nil
					}),
				},
			},
			{
				// Leaving the health check out keeps the listener's current one, without changes.
				Config: listenerConfig(e, leftOut),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("health_check").AtMapKey("check_enabled"), knownvalue.Bool(true)),
				},
			},
			{
				ResourceName:            listenerAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:    listenerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				Config:          listenerConfig(e, changed),
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(listenerAddr, plancheck.ResourceActionNoop)},
				},
			},
			{
				// terraform plan -generate-config-out writes a configuration that imports it
				// with nothing left to change.
				ResourceName:    listenerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				GenerateConfig:  true,
				Config:          acctest.ProviderBlock(e),
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("zenlayer_bmc_lb_listener.generated", plancheck.ResourceActionNoop)},
				},
			},
			{
				// The API cannot change ports: the listener is replaced, the old one first, so
				// that the two never clash on port 9000.
				Config: listenerConfig(e, replaced),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(listenerAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("ports"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.Int64Exact(9000), knownvalue.Int64Exact(9001),
					})),
					acctest.Expect(checkListener(e, "web-9000b", "rr", 9000, 9001)),
				},
			},
			{
				// Deleted in the console: the refresh drops it and the plan creates it anew.
				PreConfig: func() {
					if l, err := managedListener(e); err == nil {
						e.DeleteListenerDirect(l.ListenerID)
					}
				},
				Config: listenerConfig(e, replaced),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(listenerAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(checkListener(e, "web-9000b", "rr", 9000, 9001))},
			},
			{
				ResourceName:  listenerAddr,
				ImportState:   true,
				ImportStateId: "lsn web",
				Config:        listenerConfig(e, replaced),
				ExpectError:   acctest.ErrorPattern(`The import ID "lsn web" is not a listener ID`),
			},
		},
	})
	expectOnlyFixtureListeners(t, e)
}

func TestAccListenerResource_notifyAndKind(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	withNotify := listenerArgs{name: "dns-5353", ports: "[5353]", protocol: "UDP", scheduler: "wrr", extra: `
  kind = "DR"
  notify = {
    enable      = true
    api_address = "https://hooks.example.com/lb"
  }
`}
	toFNAT := withNotify
	toFNAT.extra = `
  kind = "FNAT"
  notify = {
    enable      = false
    api_address = "https://hooks.example.com/lb"
  }
`

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: listenerConfig(e, withNotify),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("kind"), knownvalue.StringExact("DR")),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("notify"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"enable":      knownvalue.Bool(true),
						"api_address": knownvalue.StringExact("https://hooks.example.com/lb"),
					})),
				},
			},
			{
				Config: listenerConfig(e, toFNAT),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(listenerAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("kind"), knownvalue.StringExact("FNAT")),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("notify").AtMapKey("enable"), knownvalue.Bool(false)),
					acctest.Expect(func() error {
						l, err := managedListener(e)
						if err != nil {
							return err
						}
						if l.Kind != "FNAT" {
							return fmt.Errorf("listener %s is %s on the emulator, want FNAT", l.ListenerID, l.Kind)
						}
						return nil
					}),
				},
			},
		},
	})
	expectOnlyFixtureListeners(t, e)
}

func TestAccListenerResource_invalidArguments(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	valid := listenerArgs{name: "web-9100", ports: "[9100]", protocol: "TCP", scheduler: "wrr"}
	with := func(change func(*listenerArgs)) string {
		a := valid
		change(&a)
		return listenerConfig(e, a)
	}

	cases := []struct {
		name   string
		config string
		want   string
	}{
		{"port zero", with(func(a *listenerArgs) { a.ports = "[0]" }), `ports.*value must be between 1 and 65535, got: 0`},
		{"port too high", with(func(a *listenerArgs) { a.ports = "[80, 65536]" }), `ports.*value must be between 1 and 65535, got: 65536`},
		{"no ports", with(func(a *listenerArgs) { a.ports = "[]" }), `Attribute ports set must contain at least 1 elements`},
		{"protocol", with(func(a *listenerArgs) { a.protocol = "HTTP" }), `Attribute protocol value must be one of`},
		{"scheduler", with(func(a *listenerArgs) { a.scheduler = "WRR" }), `Attribute scheduler value must be one of`},
		{"kind", with(func(a *listenerArgs) { a.extra = `  kind = "NAT"` }), `Attribute kind value must be one of`},
		{"name with space", with(func(a *listenerArgs) { a.name = "web 1" }), `Attribute name must contain only letters, digits, hyphens`},
		{"name too long", with(func(a *listenerArgs) { a.name = strings.Repeat("w", 65) }), `Attribute name string length must be between 1 and 64`},
		{"check port", with(func(a *listenerArgs) { a.extra = `  health_check = { check_port = 0 }` }), `health_check.check_port value must be between 1 and 65535`},
		{"negative retry", with(func(a *listenerArgs) { a.extra = `  health_check = { check_retry = -1 }` }), `health_check.check_retry value must be at least 0`},
		{"empty check type", with(func(a *listenerArgs) { a.extra = `  health_check = { check_type = "" }` }), `health_check.check_type string length must be at least 1`},
		{"load balancer id", with(func(a *listenerArgs) { a.extra = "" }) + `
resource "zenlayer_bmc_lb_listener" "bad_parent" {
  load_balancer_id = "lb demo"
  name             = "x"
  ports            = [1]
  protocol         = "TCP"
  backend_protocol = "TCP"
}
`, `Attribute load_balancer_id must be an ID of letters`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      c.config,
			PlanOnly:    true,
			ExpectError: acctest.ErrorPattern(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
	if n := e.WriteCalls(); n != 0 {
		t.Fatalf("invalid configurations caused %d write calls on the emulator", n)
	}
}

// A listener whose wait fails is kept in state as tainted: the next apply replaces it, and
// no listener is left behind.
func TestAccListenerResource_waitFailsKeepsListener(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{PendingFor: time.Minute})
	slow := listenerArgs{name: "web-9100", ports: "[9100]", protocol: "TCP", scheduler: "wrr",
		extra: `  timeouts = { create = "1s" }`}
	var first string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      listenerConfig(e, slow),
				ExpectError: acctest.ErrorPattern(`Error: Listener Did Not Become Available .* is kept in state as tainted`),
			},
			{
				PreConfig: func() {
					if l, err := managedListener(e); err == nil {
						first = l.ListenerID
					}
					e.SetPendingFor(0)
				},
				Config: listenerConfig(e, slow),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(listenerAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(func() error {
						if first == "" {
							return fmt.Errorf("the listener whose wait failed was not on the emulator")
						}
						return nil
					}),
					acctest.Expect(checkListener(e, "web-9100", "wrr", 9100)),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("status"), knownvalue.StringExact("Available")),
				},
			},
		},
	})
	expectOnlyFixtureListeners(t, e)
}
