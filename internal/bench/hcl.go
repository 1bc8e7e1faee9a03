package main

import (
	"fmt"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

// benchListener is the fixture listener every backend of the benchmark is registered to.
const benchListener = emulator.FixtureListenerWeb

// instancesLocal is a locals block mapping the instance IDs bm-0001 … bm-<n>, the numbered
// instances of the emulator's fixtures, to backend names. The for_each value is a map on
// purpose: with a set of strings, Terraform 1.11's own time grew with the square of n (a plan
// of 500 terraform_data took 12 s of CPU instead of 2.7 s), which hid the provider's share
// and made a run at n = 1000 take several minutes longer.
func instancesLocal(n int) string {
	return fmt.Sprintf(`locals {
  instances = { for i in range(1, %[1]d + 1) : format("bm-%%04d", i) => format("web-%%04d", i) }
}
`, n)
}

// providerConfig is n backends on one listener, managed by the provider under test.
func providerConfig(domain string, n, writesPerListener int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    zenlayer = {
      source = "zenlayer/zenlayer"
    }
  }
}

provider "zenlayer" {
  access_key_id                      = %[1]q
  access_key_password                = %[2]q
  domain                             = %[3]q
  scheme                             = "HTTP"
  max_concurrent_writes_per_listener = %[4]d
}

%[5]s
resource "zenlayer_bmc_lb_backend" "web" {
  for_each = local.instances

  listener_id  = %[6]q
  instance_id  = each.key
  backend_name = each.value
  ports        = [80]
}
`, emulator.DefaultAccessKeyID, emulator.DefaultAccessKeyPassword, domain, writesPerListener,
		instancesLocal(n), benchListener)
}

// baselineConfig is the same n objects as terraform_data resources: Terraform's own cost of
// n resources, with no provider process and no API.
func baselineConfig(n int) string {
	return fmt.Sprintf(`%[1]s
resource "terraform_data" "web" {
  for_each = local.instances

  input = {
    listener_id  = %[2]q
    instance_id  = each.key
    backend_name = each.value
    ports        = [80]
  }
}
`, instancesLocal(n), benchListener)
}
