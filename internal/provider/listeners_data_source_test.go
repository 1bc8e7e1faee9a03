package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

// listenerIDs checks a list of listeners by their IDs, in order.
func listenerIDs(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(ids))
	for _, id := range ids {
		checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}))
	}
	return knownvalue.ListExact(checks)
}

func TestAccListenersDataSource(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	enabled, checkType, port := true, "TCP", 81
	resp, err := apiClient(t, e).CreateListener(context.Background(), &zcapi.CreateListenerRequest{
		LoadBalancerID: emulator.FixtureLoadBalancerID, ListenerName: "web-2", PortList: []int{81},
		ClientToken: "setup-web-2", Protocol: "TCP", BackendProtocol: "TCP", Scheduler: "rr",
		HealthCheck: &zcapi.HealthCheck{CheckEnabled: &enabled, CheckType: &checkType, CheckPort: &port},
	})
	if err != nil {
		t.Fatalf("creating a listener: %v", err)
	}
	web2 := resp.ListenerID
	const ds = "data.zenlayer_bmc_lb_listeners."

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(e) + `
data "zenlayer_bmc_lb_listeners" "demo" {
  load_balancer_ids = ["lb-demo"]
}

data "zenlayer_bmc_lb_listeners" "by_name" {
  name = "web"
}

data "zenlayer_bmc_lb_listeners" "by_ids" {
  ids = ["lsn-web", "lsn-dr"]
}

data "zenlayer_bmc_lb_listeners" "none" {
  load_balancer_ids = ["lb-other"]
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds+"demo", tfjsonpath.New("listeners"), listenerIDs(web2, "lsn-api", "lsn-dr", "lsn-web")),
					statecheck.ExpectKnownValue(ds+"demo", tfjsonpath.New("listeners").AtSliceIndex(0),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"load_balancer_id": knownvalue.StringExact(emulator.FixtureLoadBalancerID),
							"name":             knownvalue.StringExact("web-2"),
							"scheduler":        knownvalue.StringExact("rr"),
							"status":           knownvalue.StringExact("Available"),
							"health_check": knownvalue.ObjectPartial(map[string]knownvalue.Check{
								"check_enabled": knownvalue.Bool(true),
								"check_type":    knownvalue.StringExact("TCP"),
								"check_port":    knownvalue.Int64Exact(81),
								"check_retry":   knownvalue.Null(),
							}),
						})),
					statecheck.ExpectKnownValue(ds+"demo", tfjsonpath.New("listeners").AtSliceIndex(1),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"ports": knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(8080), knownvalue.Int64Exact(8443)}),
							"kind":  knownvalue.StringExact("FNAT"),
						})),
					statecheck.ExpectKnownValue(ds+"demo", tfjsonpath.New("listeners").AtSliceIndex(2),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"protocol": knownvalue.StringExact("UDP"),
							"kind":     knownvalue.StringExact("DR"),
							"notify":   knownvalue.ObjectPartial(map[string]knownvalue.Check{"enable": knownvalue.Bool(false)}),
						})),
					// The name filter is exact, although the API matches parts of names.
					statecheck.ExpectKnownValue(ds+"by_name", tfjsonpath.New("listeners"), listenerIDs("lsn-web")),
					statecheck.ExpectKnownValue(ds+"by_ids", tfjsonpath.New("listeners"), listenerIDs("lsn-dr", "lsn-web")),
					statecheck.ExpectKnownValue(ds+"none", tfjsonpath.New("listeners"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}
