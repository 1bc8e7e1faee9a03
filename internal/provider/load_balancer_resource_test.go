package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

const loadBalancerAddr = "zenlayer_bmc_load_balancer.main"

// loadBalancerConfig returns one POSTPAID load balancer in SEL-A; extra holds further argument
// lines.
func loadBalancerConfig(e *emulator.Emulator, name string, bandwidth int, extra string) string {
	return acctest.ProviderBlock(e) + fmt.Sprintf(`
resource "zenlayer_bmc_load_balancer" "main" {
  zone_id     = "SEL-A"
  name        = %[1]q
  charge_type = "POSTPAID"
  bandwidth   = %[2]d
%[3]s
}
`, name, bandwidth, extra)
}

// createdLoadBalancers returns the load balancers the test created, leaving out the fixture.
func createdLoadBalancers(e *emulator.Emulator) []emulator.LoadBalancerView {
	var out []emulator.LoadBalancerView
	for _, lb := range e.LoadBalancers() {
		if lb.LoadBalancerID != emulator.FixtureLoadBalancerID {
			out = append(out, lb)
		}
	}
	return out
}

// runningLoadBalancer returns the one created load balancer that is not in the recycle bin.
func runningLoadBalancer(e *emulator.Emulator) (emulator.LoadBalancerView, error) {
	var found []emulator.LoadBalancerView
	for _, lb := range createdLoadBalancers(e) {
		if lb.Status != emulator.StatusRecycled {
			found = append(found, lb)
		}
	}
	if len(found) != 1 {
		return emulator.LoadBalancerView{}, fmt.Errorf("%d created load balancers are outside the recycle bin, want 1", len(found))
	}
	return found[0], nil
}

// checkLoadBalancer fails unless the emulator holds one running created load balancer with
// this name and bandwidth.
func checkLoadBalancer(e *emulator.Emulator, name string, bandwidth int) func() error {
	return func() error {
		lb, err := runningLoadBalancer(e)
		if err != nil {
			return err
		}
		if lb.LoadBalancerName != name || lb.Bandwidth != bandwidth || lb.Status != emulator.StatusRunning {
			return fmt.Errorf("load balancer %s is %q, %d Mbps, %s on the emulator; want %q, %d Mbps, Running",
				lb.LoadBalancerID, lb.LoadBalancerName, lb.Bandwidth, lb.Status, name, bandwidth)
		}
		return nil
	}
}

// expectAllRecycled fails the test unless every load balancer the test created is in the
// recycle bin; it is called after the test case, whose last act is terraform destroy.
func expectAllRecycled(t *testing.T, e *emulator.Emulator, want int) {
	t.Helper()
	created := createdLoadBalancers(e)
	if len(created) != want {
		t.Errorf("the emulator holds %d created load balancers, want %d", len(created), want)
	}
	for _, lb := range created {
		if lb.Status != emulator.StatusRecycled {
			t.Errorf("load balancer %s is %s after destroy, want %s", lb.LoadBalancerID, lb.Status, emulator.StatusRecycled)
		}
	}
}

func TestAccLoadBalancerResource_lifecycle(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{PendingFor: 200 * time.Millisecond})
	tags := `  tags = { env = "test", team = "edge" }`

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: loadBalancerConfig(e, "edge-1", 10, tags),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(loadBalancerAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("status"), knownvalue.StringExact("Running")),
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("ip_type"), knownvalue.StringExact("IPv4")),
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("vip_count"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("vips"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"ip_address": knownvalue.StringRegexp(regexp.MustCompile(`^192\.0\.2\.\d+$`)),
							"status":     knownvalue.StringExact("Running"),
						}),
					})),
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"env": knownvalue.StringExact("test"), "team": knownvalue.StringExact("edge"),
					})),
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("spec_name"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("expired_time"), knownvalue.Null()),
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("force_delete"), knownvalue.Bool(false)),
					acctest.Expect(checkLoadBalancer(e, "edge-1", 10)),
				},
			},
			{
				Config: loadBalancerConfig(e, "edge-1.renamed", 10, tags),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(loadBalancerAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("name"), knownvalue.StringExact("edge-1.renamed")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("name"), knownvalue.StringExact("edge-1.renamed")),
					acctest.Expect(checkLoadBalancer(e, "edge-1.renamed", 10)),
				},
			},
			{
				ResourceName:            loadBalancerAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:    loadBalancerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				Config:          loadBalancerConfig(e, "edge-1.renamed", 10, tags),
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(loadBalancerAddr, plancheck.ResourceActionNoop)},
				},
			},
			{
				// terraform plan -generate-config-out writes a configuration that imports it
				// with nothing left to change.
				ResourceName:    loadBalancerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				GenerateConfig:  true,
				Config:          acctest.ProviderBlock(e),
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("zenlayer_bmc_load_balancer.generated", plancheck.ResourceActionNoop)},
				},
			},
			{
				// The API cannot change the bandwidth: the load balancer is replaced, and the old
				// one goes to the recycle bin.
				Config: loadBalancerConfig(e, "edge-1.renamed", 20, tags),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(loadBalancerAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("bandwidth"), knownvalue.Int64Exact(20)),
					acctest.Expect(checkLoadBalancer(e, "edge-1.renamed", 20)),
				},
			},
			{
				// Tags cannot change in place either.
				Config: loadBalancerConfig(e, "edge-1.renamed", 20, `  tags = { env = "prod" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(loadBalancerAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Terminated in the console: the refresh drops it and the plan orders a new one.
				PreConfig: func() {
					if lb, err := runningLoadBalancer(e); err == nil {
						e.TerminateLoadBalancerDirect(lb.LoadBalancerID)
					}
				},
				Config: loadBalancerConfig(e, "edge-1.renamed", 20, `  tags = { env = "prod" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(loadBalancerAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(checkLoadBalancer(e, "edge-1.renamed", 20))},
			},
			{
				ResourceName:  loadBalancerAddr,
				ImportState:   true,
				ImportStateId: "lb:demo",
				Config:        loadBalancerConfig(e, "edge-1.renamed", 20, `  tags = { env = "prod" }`),
				ExpectError:   acctest.ErrorPattern(`The import ID "lb:demo" is not a load balancer ID`),
			},
		},
	})
	// One per create: the first, two replacements, and the one ordered after the termination.
	expectAllRecycled(t, e, 4)
}

func TestAccLoadBalancerResource_prepaidForceDelete(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{PendingFor: 200 * time.Millisecond})
	prepaid := func(forceDelete bool) string {
		return acctest.ProviderBlock(e) + fmt.Sprintf(`
resource "zenlayer_bmc_load_balancer" "main" {
  zone_id        = "HKG-A"
  name           = "prepaid-1"
  charge_type    = "PREPAID"
  prepaid_period = 3
  bandwidth      = 100
  vip_count      = 2
  master_ip      = "10.0.0.5"
  backup_ip      = "10.0.0.6"
  force_delete   = %[1]t
}
`, forceDelete)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: prepaid(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("expired_time"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\d`))),
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("vips"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("master_ip"), knownvalue.StringExact("10.0.0.5")),
				},
			},
			{
				// force_delete changes in place, without any API call.
				Config: prepaid(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(loadBalancerAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("force_delete"), knownvalue.Bool(true)),
				},
			},
			{
				ResourceName:            loadBalancerAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "force_delete", "prepaid_period"},
			},
			{
				// The API reports neither the prepaid period nor force_delete, so importing plans
				// to record them in place; nothing is replaced.
				ResourceName:       loadBalancerAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				Config:             prepaid(true),
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(loadBalancerAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(loadBalancerAddr, tfjsonpath.New("prepaid_period"), knownvalue.Int64Exact(3)),
					},
				},
			},
		},
	})
	// With force_delete the load balancer is released, not only recycled.
	if n := len(createdLoadBalancers(e)); n != 0 {
		t.Errorf("%d created load balancers remain after a destroy with force_delete", n)
	}
}

func TestAccLoadBalancerResource_invalidArguments(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	config := func(args string) string {
		return acctest.ProviderBlock(e) + fmt.Sprintf(`
resource "zenlayer_bmc_load_balancer" "bad" {
  zone_id = "SEL-A"
  name    = "bad-1"
%[1]s
}
`, args)
	}
	postpaid := "  charge_type = \"POSTPAID\"\n  bandwidth   = 10\n"

	cases := []struct {
		name, args, want string
	}{
		{"prepaid without period", "  charge_type = \"PREPAID\"\n  bandwidth = 10", `Missing Prepaid Period.*with zenlayer_bmc_load_balancer.bad,`},
		{"period with postpaid", postpaid + "  prepaid_period = 1", `Unexpected Prepaid Period.*: prepaid_period = 1`},
		{"period zero", "  charge_type = \"PREPAID\"\n  bandwidth = 10\n  prepaid_period = 0", `Attribute prepaid_period value must be at least 1`},
		{"subnet with IPv6", postpaid + "  ip_type = \"IPv6\"\n  subnet_id = \"subnet-1\"", `Subnet for IPv6 Load Balancer.*: subnet_id = "subnet-1"`},
		{"cidr block with IPv4", postpaid + "  cidr_block_id = \"cidr-1\"", `CIDR Block for IPv4 Load Balancer.*: cidr_block_id = "cidr-1"`},
		{"bandwidth zero", "  charge_type = \"POSTPAID\"\n  bandwidth = 0", `Attribute bandwidth value must be between 1 and 1024, got: 0`},
		{"bandwidth too high", "  charge_type = \"POSTPAID\"\n  bandwidth = 1025", `Attribute bandwidth value must be between 1 and 1024, got: 1025`},
		{"charge type", "  charge_type = \"MONTHLY\"\n  bandwidth = 10", `Attribute charge_type value must be one of`},
		{"ip type", postpaid + "  ip_type = \"ipv4\"", `Attribute ip_type value must be one of`},
		{"vip count", postpaid + "  vip_count = 0", `Attribute vip_count value must be at least 1`},
		{"master ip", postpaid + "  master_ip = \"10.0.0\"", `Invalid IP Address.*: master_ip = "10.0.0"`},
		{"empty tag key", postpaid + "  tags = { \"\" = \"x\" }", `tags.*string length must be at least 1`},
		{"missing bandwidth", "  charge_type = \"POSTPAID\"", `The argument "bandwidth" is required`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      config(c.args),
			PlanOnly:    true,
			ExpectError: acctest.ErrorPattern(c.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config: acctest.ProviderBlock(e) + fmt.Sprintf(`
resource "zenlayer_bmc_load_balancer" "bad" {
  zone_id     = "SEL-A"
  name        = %[1]q
  charge_type = "POSTPAID"
  bandwidth   = 10
}
`, strings.Repeat("n", 65)),
		PlanOnly:    true,
		ExpectError: acctest.ErrorPattern(`Attribute name string length must be between 1 and 64`),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
	if n := e.WriteCalls(); n != 0 {
		t.Fatalf("invalid configurations caused %d write calls on the emulator", n)
	}
}

// stackConfig returns a load balancer, a TCP listener on port 80 with a health check, and
// backends for the given instances; each backend is a resource of its own (stack_<n>), so that
// the test framework can read the state back.
func stackConfig(e *emulator.Emulator, instances ...string) string {
	var backends strings.Builder
	for i, id := range instances {
		fmt.Fprintf(&backends, `
resource "zenlayer_bmc_lb_backend" "stack_%[1]d" {
  listener_id  = zenlayer_bmc_lb_listener.web.id
  instance_id  = %[2]q
  backend_name = "stack-%[2]s"
  ports        = [80]
}
`, i, id)
	}
	return acctest.ProviderBlock(e) + fmt.Sprintf(`
resource "zenlayer_bmc_load_balancer" "main" {
  zone_id     = "SEL-A"
  name        = "stack"
  charge_type = "POSTPAID"
  bandwidth   = 50
}

resource "zenlayer_bmc_lb_listener" "web" {
  load_balancer_id = zenlayer_bmc_load_balancer.main.id
  name             = "web"
  ports            = [80]
  protocol         = "TCP"
  backend_protocol = "TCP"

  health_check = {
    check_enabled = true
    check_type    = "TCP"
    check_port    = 80
  }
}
%[1]s`, backends.String())
}

// expectNothingUnderCreated fails the test when a created load balancer still has listeners,
// or any listener still has backends.
func expectNothingUnderCreated(t *testing.T, e *emulator.Emulator) {
	t.Helper()
	for _, lb := range createdLoadBalancers(e) {
		if len(lb.ListenerIDs) != 0 {
			t.Errorf("load balancer %s still has listeners %v", lb.LoadBalancerID, lb.ListenerIDs)
		}
	}
	expectNoBackends(t, e)
}

func TestAccLoadBalancerResource_fullStack(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{PendingFor: 200 * time.Millisecond})
	config := acctest.ProviderBlock(e) + `
resource "zenlayer_bmc_load_balancer" "main" {
  zone_id     = "SEL-A"
  name        = "stack"
  charge_type = "POSTPAID"
  bandwidth   = 50
}

resource "zenlayer_bmc_lb_listener" "web" {
  load_balancer_id = zenlayer_bmc_load_balancer.main.id
  name             = "web"
  ports            = [80]
  protocol         = "TCP"
  backend_protocol = "TCP"

  health_check = {
    check_enabled       = true
    check_type          = "TCP"
    check_port          = 80
    check_interval_time = 3
  }
}

resource "zenlayer_bmc_lb_backend" "web" {
  for_each = toset(["bm-0001", "bm-0002", "bm-0003"])

  listener_id  = zenlayer_bmc_lb_listener.web.id
  instance_id  = each.key
  backend_name = "web-${each.key}"
  ports        = [80]
}
`
	first := `zenlayer_bmc_lb_backend.web["bm-0001"]`

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs(first, tfjsonpath.New("load_balancer_id"),
						loadBalancerAddr, tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs(first, tfjsonpath.New("listener_id"),
						listenerAddr, tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue(listenerAddr, tfjsonpath.New("health_check").AtMapKey("check_interval_time"), knownvalue.Int64Exact(3)),
					acctest.Expect(func() error {
						lb, err := runningLoadBalancer(e)
						if err != nil {
							return err
						}
						if len(lb.ListenerIDs) != 1 {
							return fmt.Errorf("load balancer %s has listeners %v, want one", lb.LoadBalancerID, lb.ListenerIDs)
						}
						if n := len(e.Backends(lb.ListenerIDs[0])); n != 3 {
							return fmt.Errorf("listener %s has %d backends, want 3", lb.ListenerIDs[0], n)
						}
						return nil
					}),
				},
			},
			{
				// The test framework cannot read back a state holding for_each instances, so
				// the stack is destroyed by an apply without it rather than by its own final
				// destroy.
				Config: acctest.ProviderBlock(e),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(loadBalancerAddr, plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction(listenerAddr, plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction(first, plancheck.ResourceActionDestroy),
					},
				},
			},
		},
	})
	expectAllRecycled(t, e, 1)
	expectNothingUnderCreated(t, e)
}

func TestAccLoadBalancerResource_terminatedWithChildren(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{PendingFor: 200 * time.Millisecond})
	config := stackConfig(e, "bm-0001", "bm-0002")
	terminate := func() {
		if lb, err := runningLoadBalancer(e); err == nil {
			e.TerminateLoadBalancerDirect(lb.LoadBalancerID)
		}
	}
	var writes int

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Terminated in the console with its listener and backends: the refresh drops
				// all of them and the plan builds the stack anew, without deleting anything.
				PreConfig: func() {
					terminate()
					writes = e.CallCount("DeleteListener") + e.CallCount("DeregisterBackend") + e.CallCount("TerminateLoadBalancer")
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(loadBalancerAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(listenerAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("zenlayer_bmc_lb_backend.stack_0", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("zenlayer_bmc_lb_backend.stack_1", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(func() error {
					n := e.CallCount("DeleteListener") + e.CallCount("DeregisterBackend") + e.CallCount("TerminateLoadBalancer") - writes
					if n != 0 {
						return fmt.Errorf("%d delete calls for objects that were already gone", n)
					}
					return nil
				})},
			},
			{
				// Terminated once more, then destroyed: the refresh of the destroy finds nothing
				// left to delete.
				PreConfig:          terminate,
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
	expectAllRecycled(t, e, 2)
	expectNothingUnderCreated(t, e)
}

// A load balancer whose wait fails is kept in state as tainted: the next apply replaces it,
// terminating the first one.
func TestAccLoadBalancerResource_waitFailsKeepsLoadBalancer(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{PendingFor: time.Minute})
	config := loadBalancerConfig(e, "slow", 10, `  timeouts = { create = "1s" }`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: acctest.ErrorPattern(`Error: Load Balancer Did Not Become Ready .* is kept in state as tainted`),
			},
			{
				PreConfig: func() { e.SetPendingFor(0) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(loadBalancerAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(checkLoadBalancer(e, "slow", 10)),
					acctest.Expect(func() error {
						if n := len(createdLoadBalancers(e)); n != 2 {
							return fmt.Errorf("the emulator holds %d created load balancers, want the replaced one and its successor", n)
						}
						return nil
					}),
				},
			},
		},
	})
	expectAllRecycled(t, e, 2)
}
