package provider_test

import (
	"context"
	"fmt"
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

// apiClient returns an API client for the emulator, to set up what a test reads.
func apiClient(t *testing.T, e *emulator.Emulator) *zcapi.Client {
	t.Helper()
	c, err := zcapi.New(zcapi.Config{
		AccessKeyID:       emulator.DefaultAccessKeyID,
		AccessKeyPassword: emulator.DefaultAccessKeyPassword,
		Domain:            e.Domain(),
		Scheme:            "HTTP",
	})
	if err != nil {
		t.Fatalf("creating the API client: %v", err)
	}
	return c
}

// registerBackend registers an instance on a listener and returns the backend ID.
func registerBackend(t *testing.T, c *zcapi.Client, listenerID, instanceID, name string) string {
	t.Helper()
	resp, err := c.RegisterBackend(context.Background(), &zcapi.RegisterBackendRequest{
		ListenerID: listenerID, BackendName: name, InstanceID: instanceID, ClientToken: "setup-" + name,
	})
	if err != nil {
		t.Fatalf("registering %s: %v", name, err)
	}
	return resp.BackendID
}

// backendIDs checks a list of backends by their IDs, in order.
func backendIDs(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(ids))
	for _, id := range ids {
		checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}))
	}
	return knownvalue.ListExact(checks)
}

func TestAccBackendsDataSource(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	c := apiClient(t, e)
	// Registered out of name order; the result is ordered by ID.
	web3 := registerBackend(t, c, emulator.FixtureListenerWeb, "bm-0003", "web-c")
	web1 := registerBackend(t, c, emulator.FixtureListenerWeb, "bm-0001", "web-b")
	web2 := registerBackend(t, c, emulator.FixtureListenerWeb, "bm-0002", "web-b2")
	registerBackend(t, c, emulator.FixtureListenerAPI, "bm-0004", "api-a")
	config := acctest.ProviderBlock(e) + fmt.Sprintf(`
data "zenlayer_bmc_lb_backends" "all" {
  listener_id = %[1]q
}

data "zenlayer_bmc_lb_backends" "by_name" {
  listener_id = %[1]q
  name        = "web-b"
}

data "zenlayer_bmc_lb_backends" "by_ids" {
  listener_id = %[1]q
  ids         = [%[2]q, %[3]q]
}

data "zenlayer_bmc_lb_backends" "dr" {
  listener_id = %[4]q
}
`, emulator.FixtureListenerWeb, web2, web3, emulator.FixtureListenerDR)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.zenlayer_bmc_lb_backends.all", tfjsonpath.New("backends"), backendIDs(web3, web1, web2)),
					statecheck.ExpectKnownValue("data.zenlayer_bmc_lb_backends.all", tfjsonpath.New("backends").AtSliceIndex(0),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":            knownvalue.StringExact(web3),
							"listener_id":   knownvalue.StringExact(emulator.FixtureListenerWeb),
							"backend_name":  knownvalue.StringExact("web-c"),
							"instance_id":   knownvalue.StringExact("bm-0003"),
							"instance_type": knownvalue.StringExact("BM"),
							"instance_name": knownvalue.StringExact("web-0003"),
							"ports":         knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(80)}),
							"weight":        knownvalue.Int64Exact(100),
							"status":        knownvalue.StringExact("Available"),
							"create_time":   knownvalue.NotNull(),
						})),
					// The name filter is exact, although the API matches parts of names.
					statecheck.ExpectKnownValue("data.zenlayer_bmc_lb_backends.by_name", tfjsonpath.New("backends"), backendIDs(web1)),
					statecheck.ExpectKnownValue("data.zenlayer_bmc_lb_backends.by_ids", tfjsonpath.New("backends"), backendIDs(web3, web2)),
					statecheck.ExpectKnownValue("data.zenlayer_bmc_lb_backends.dr", tfjsonpath.New("backends"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config: acctest.ProviderBlock(e) + `
data "zenlayer_bmc_lb_backends" "missing" {
  listener_id = "lsn-missing"
}
`,
				ExpectError: acctest.ErrorPattern(`Unable to List Backends.*Listener lsn-missing does not exist`),
			},
		},
	})
}
