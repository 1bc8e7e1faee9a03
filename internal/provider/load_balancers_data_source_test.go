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

// loadBalancerIDs checks a list of load balancers by their IDs, in order.
func loadBalancerIDs(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(ids))
	for _, id := range ids {
		checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}))
	}
	return knownvalue.ListExact(checks)
}

func TestAccLoadBalancersDataSource(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	c := apiClient(t, e)
	order := func(name, zone string) string {
		resp, err := c.CreateLoadBalancer(context.Background(), &zcapi.CreateLoadBalancerRequest{
			ZoneID: zone, LoadBalancerName: name, ChargeType: "POSTPAID", Bandwidth: 10, IPType: "IPv4",
			ClientToken: "setup-" + name,
			Tags:        &zcapi.TagAssociation{Tags: []zcapi.Tag{{Key: "owner", Value: name}}},
		})
		if err != nil {
			t.Fatalf("ordering %s: %v", name, err)
		}
		return resp.LoadBalancerID
	}
	zeta := order("zeta", "SEL-A")
	hk := order("demo-hk", "HKG-A")
	old := order("old", "SEL-A")
	e.TerminateLoadBalancerDirect(old)
	web := registerBackend(t, c, emulator.FixtureListenerWeb, "bm-0001", "web-1")
	api := registerBackend(t, c, emulator.FixtureListenerAPI, "bm-0002", "api-1")
	const ds = "data.zenlayer_bmc_load_balancers."

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(e) + `
data "zenlayer_bmc_load_balancers" "all" {}

data "zenlayer_bmc_load_balancers" "with_recycled" {
  include_recycled = true
}

data "zenlayer_bmc_load_balancers" "seoul" {
  zone_id = "SEL-A"
}

data "zenlayer_bmc_load_balancers" "demo" {
  name = "demo"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds+"all", tfjsonpath.New("load_balancers"), loadBalancerIDs(zeta, hk, emulator.FixtureLoadBalancerID)),
					statecheck.ExpectKnownValue(ds+"with_recycled", tfjsonpath.New("load_balancers"), loadBalancerIDs(zeta, hk, old, emulator.FixtureLoadBalancerID)),
					statecheck.ExpectKnownValue(ds+"with_recycled", tfjsonpath.New("load_balancers").AtSliceIndex(2).AtMapKey("status"), knownvalue.StringExact("Recycled")),
					statecheck.ExpectKnownValue(ds+"seoul", tfjsonpath.New("load_balancers"), loadBalancerIDs(zeta, emulator.FixtureLoadBalancerID)),
					statecheck.ExpectKnownValue(ds+"all", tfjsonpath.New("load_balancers").AtSliceIndex(1),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name":        knownvalue.StringExact("demo-hk"),
							"zone_id":     knownvalue.StringExact("HKG-A"),
							"charge_type": knownvalue.StringExact("POSTPAID"),
							"bandwidth":   knownvalue.Int64Exact(10),
							"status":      knownvalue.StringExact("Running"),
							"tags":        knownvalue.MapExact(map[string]knownvalue.Check{"owner": knownvalue.StringExact("demo-hk")}),
							"vips":        knownvalue.ListSizeExact(1),
							"listeners":   knownvalue.ListSizeExact(0),
						})),
					// The name filter is exact, although the API matches parts of names.
					statecheck.ExpectKnownValue(ds+"demo", tfjsonpath.New("load_balancers"), loadBalancerIDs(emulator.FixtureLoadBalancerID)),
					statecheck.ExpectKnownValue(ds+"demo", tfjsonpath.New("load_balancers").AtSliceIndex(0).AtMapKey("listeners"),
						listenerIDs("lsn-api", "lsn-dr", "lsn-web")),
					statecheck.ExpectKnownValue(ds+"demo", tfjsonpath.New("load_balancers").AtSliceIndex(0).AtMapKey("backends"),
						backendIDs(web, api)),
					statecheck.ExpectKnownValue(ds+"demo", tfjsonpath.New("load_balancers").AtSliceIndex(0).AtMapKey("backends").AtSliceIndex(1),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"listener_id": knownvalue.StringExact(emulator.FixtureListenerAPI),
							"ports":       knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(8080), knownvalue.Int64Exact(8443)}),
						})),
				},
			},
			{
				Config: acctest.ProviderBlock(e) + `
data "zenlayer_bmc_load_balancers" "by_ids" {
  ids = ["lb-demo", "lb-missing"]
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds+"by_ids", tfjsonpath.New("load_balancers"), loadBalancerIDs(emulator.FixtureLoadBalancerID)),
				},
			},
		},
	})
}
