package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

const backendAddr = "zenlayer_bmc_lb_backend.web"

// backendConfig returns one backend on a listener with the given weight.
func backendConfig(e *emulator.Emulator, listenerID, instanceID string, weight int) string {
	return acctest.ProviderBlock(e) + fmt.Sprintf(`
resource "zenlayer_bmc_lb_backend" "web" {
  listener_id  = %[1]q
  instance_id  = %[2]q
  backend_name = "web-1"
  ports        = [80]
  weight       = %[3]d
}
`, listenerID, instanceID, weight)
}

// backendImportID returns the import ID of a backend in state.
func backendImportID(addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s is not in state", addr)
		}
		return rs.Primary.Attributes["listener_id"] + ":" + rs.Primary.ID, nil
	}
}

// expectNoBackends fails the test when the emulator still holds any backend; it is called
// after the test case, whose last act is terraform destroy.
func expectNoBackends(t *testing.T, e *emulator.Emulator) {
	t.Helper()
	if n := e.BackendCount(); n != 0 {
		t.Errorf("%d backends are still registered after destroy", n)
	}
}

// checkBackendWeight fails unless the emulator holds exactly one backend on lsn-web, with the
// given weight.
func checkBackendWeight(e *emulator.Emulator, weight int) func() error {
	const listenerID = "lsn-web"
	return func() error {
		got := e.Backends(listenerID)
		if len(got) != 1 {
			return fmt.Errorf("listener %s has %d backends, want 1", listenerID, len(got))
		}
		if got[0].Weight != weight {
			return fmt.Errorf("backend %s has weight %d on the emulator, want %d", got[0].BackendID, got[0].Weight, weight)
		}
		return nil
	}
}

func TestAccBackendResource_lifecycle(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{PendingFor: 300 * time.Millisecond, DeletingFor: 200 * time.Millisecond})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: backendConfig(e, "lsn-web", "bm-0001", 100),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(backendAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(backendAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
					statecheck.ExpectKnownValue(backendAddr, tfjsonpath.New("status"), knownvalue.StringExact("Available")),
					statecheck.ExpectKnownValue(backendAddr, tfjsonpath.New("weight"), knownvalue.Int64Exact(100)),
					statecheck.ExpectKnownValue(backendAddr, tfjsonpath.New("instance_type"), knownvalue.StringExact("BM")),
					statecheck.ExpectKnownValue(backendAddr, tfjsonpath.New("instance_name"), knownvalue.StringExact("web-0001")),
					statecheck.ExpectKnownValue(backendAddr, tfjsonpath.New("load_balancer_id"), knownvalue.StringExact("lb-demo")),
					statecheck.ExpectKnownValue(backendAddr, tfjsonpath.New("ports"), knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(80)})),
					statecheck.ExpectKnownValue(backendAddr, tfjsonpath.New("create_time"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\d`))),
					acctest.Expect(checkBackendWeight(e, 100)),
				},
			},
			{
				Config: backendConfig(e, "lsn-web", "bm-0001", 40),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backendAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(backendAddr, tfjsonpath.New("weight"), knownvalue.Int64Exact(40)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(backendAddr, tfjsonpath.New("weight"), knownvalue.Int64Exact(40)),
					acctest.Expect(checkBackendWeight(e, 40)),
				},
			},
			{
				// Drift: the weight changed in the console is put back in place.
				PreConfig: func() {
					for _, b := range e.Backends("lsn-web") {
						e.SetBackendWeightDirect(b.BackendID, 7)
					}
				},
				Config: backendConfig(e, "lsn-web", "bm-0001", 40),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backendAddr, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(checkBackendWeight(e, 40))},
			},
			{
				ResourceName:            backendAddr,
				ImportState:             true,
				ImportStateIdFunc:       backendImportID(backendAddr),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:      backendAddr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: backendImportID(backendAddr),
				Config:            backendConfig(e, "lsn-web", "bm-0001", 40),
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backendAddr, plancheck.ResourceActionNoop),
					},
				},
			},
			{
				// terraform plan -generate-config-out writes a configuration that imports the
				// backend with nothing left to change.
				ResourceName:      backendAddr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: backendImportID(backendAddr),
				GenerateConfig:    true,
				Config:            acctest.ProviderBlock(e),
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("zenlayer_bmc_lb_backend.generated", plancheck.ResourceActionNoop),
						plancheck.ExpectKnownValue("zenlayer_bmc_lb_backend.generated", tfjsonpath.New("weight"), knownvalue.Int64Exact(40)),
					},
				},
			},
			{
				ResourceName:  backendAddr,
				ImportState:   true,
				ImportStateId: "lsn-web/bk-1",
				Config:        backendConfig(e, "lsn-web", "bm-0001", 40),
				ExpectError:   regexp.MustCompile(`(?s)not of the form\s+<listener_id>:<backend_id>`),
			},
		},
	})
	expectNoBackends(t, e)
}

func TestAccBackendResource_removedOutsideTerraform(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: backendConfig(e, "lsn-web", "bm-0002", 100),
			},
			{
				// Deregistered in the console: the refresh drops it and the plan creates it anew.
				PreConfig: func() {
					for _, b := range e.Backends("lsn-web") {
						e.DeleteBackendDirect(b.BackendID)
					}
				},
				Config: backendConfig(e, "lsn-web", "bm-0002", 100),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(backendAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(checkBackendWeight(e, 100))},
			},
		},
	})
	expectNoBackends(t, e)
}

func TestAccBackendResource_listenerRemovedOutsideTerraform(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	var deregisters int

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: backendConfig(e, "lsn-api", "bm-0003", 100) + `
resource "zenlayer_bmc_lb_backend" "other" {
  listener_id  = "lsn-web"
  instance_id  = "bm-0004"
  backend_name = "web-4"
}
`,
			},
			{
				// The listener is deleted in the console, taking its backend with it. The backend
				// leaves state on refresh; the plan only concerns what still exists.
				PreConfig: func() {
					e.DeleteListenerDirect("lsn-api")
					deregisters = e.Calls()["DeregisterBackend"]
				},
				Config: acctest.ProviderBlock(e) + `
resource "zenlayer_bmc_lb_backend" "other" {
  listener_id  = "lsn-web"
  instance_id  = "bm-0004"
  backend_name = "web-4"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(func() error {
					if n := e.Calls()["DeregisterBackend"] - deregisters; n != 0 {
						return fmt.Errorf("%d DeregisterBackend calls for a backend whose listener was gone", n)
					}
					return nil
				})},
			},
			{
				// Destroy with the listener gone and the backend still in state.
				PreConfig: func() { e.DeleteListenerDirect("lsn-web") },
				Config:    acctest.ProviderBlock(e),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
	expectNoBackends(t, e)
}

func TestAccBackendResource_forEachUnderThrottling(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{
		Seed:       7,
		PendingFor: 200 * time.Millisecond,
		Faults:     emulator.Faults{ThrottleRate: 0.3},
	})
	var instances []string
	for i := 1; i <= 20; i++ {
		instances = append(instances, fmt.Sprintf("%q", fmt.Sprintf("bm-%04d", 100+i)))
	}
	config := acctest.ProviderBlock(e, "max_retries = 10") + fmt.Sprintf(`
resource "zenlayer_bmc_lb_backend" "pool" {
  for_each     = toset([%[1]s])
  listener_id  = "lsn-web"
  instance_id  = each.key
  backend_name = "pool-${each.key}"
  ports        = [80]
}
`, strings.Join(instances, ", "))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(func() error {
					if n := len(e.Backends("lsn-web")); n != 20 {
						return fmt.Errorf("listener has %d backends, want 20", n)
					}
					if n := e.Calls()["RegisterBackend"]; n <= 20 {
						return fmt.Errorf("RegisterBackend was called %d times: throttling never happened, so this test proves nothing", n)
					}
					return nil
				})},
			},
			{
				// The test framework cannot read back a state holding for_each instances, so
				// the backends are destroyed by an apply without them rather than by its own
				// final destroy.
				Config: acctest.ProviderBlock(e, "max_retries = 10"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(`zenlayer_bmc_lb_backend.pool["bm-0101"]`, plancheck.ResourceActionDestroy),
					},
				},
			},
		},
	})
	expectNoBackends(t, e)
}

func TestAccBackendResource_invalidArguments(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	resourceWith := func(args string) string {
		return acctest.ProviderBlock(e) + fmt.Sprintf(`
resource "zenlayer_bmc_lb_backend" "bad" {
%[1]s
}
`, args)
	}
	base := map[string]string{
		"listener_id":  `"lsn-web"`,
		"instance_id":  `"bm-0005"`,
		"backend_name": `"web-5"`,
	}
	with := func(overrides map[string]string) string {
		args := map[string]string{}
		for k, v := range base {
			args[k] = v
		}
		for k, v := range overrides {
			args[k] = v
		}
		var lines []string
		for _, k := range []string{"listener_id", "instance_id", "instance_type", "backend_name", "ports", "weight"} {
			if v, ok := args[k]; ok && v != "" {
				lines = append(lines, fmt.Sprintf("  %s = %s", k, v))
			}
		}
		return resourceWith(strings.Join(lines, "\n"))
	}

	cases := []struct {
		name      string
		overrides map[string]string
		want      string
	}{
		{"weight zero", map[string]string{"weight": "0"}, `Attribute weight value must be between 1 and 100, got: 0`},
		{"weight too high", map[string]string{"weight": "101"}, `Attribute weight value must be between 1 and 100, got: 101`},
		{"port zero", map[string]string{"ports": "[0]"}, `ports.*value must be between 1 and 65535, got: 0`},
		{"port too high", map[string]string{"ports": "[80, 70000]"}, `ports.*value must be between 1 and 65535, got: 70000`},
		{"name too long", map[string]string{"backend_name": fmt.Sprintf("%q", strings.Repeat("a", 65))}, `Attribute backend_name string length must be between 1 and 64`},
		{"name with space", map[string]string{"backend_name": `"web 5"`}, `Attribute backend_name must contain only letters, digits, hyphens`},
		{"name empty", map[string]string{"backend_name": `""`}, `Attribute backend_name string length must be between 1 and 64`},
		{"instance type", map[string]string{"instance_type": `"bm"`}, `Attribute instance_type value must be one of`},
		{"listener id with colon", map[string]string{"listener_id": `"lsn:web"`}, `Attribute listener_id must be an ID of letters`},
		{"instance id empty", map[string]string{"instance_id": `""`}, `Attribute instance_id must be an ID of letters`},
		{"missing backend name", map[string]string{"backend_name": ""}, `The argument "backend_name" is required`},
		{"missing listener", map[string]string{"listener_id": ""}, `The argument "listener_id" is required`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      with(c.overrides),
			PlanOnly:    true,
			ExpectError: acctest.ErrorPattern(c.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config:   acctest.ProviderBlock(e),
		PlanOnly: true,
		ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(func() error {
			if n := e.WriteCalls(); n != 0 {
				return fmt.Errorf("invalid configurations caused %d write calls", n)
			}
			return nil
		})},
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
	if n := e.WriteCalls(); n != 0 {
		t.Fatalf("invalid configurations caused %d write calls on the emulator", n)
	}
}
