# A pay-as-you-go load balancer with one IPv4 address in Seoul.
resource "zenlayer_bmc_load_balancer" "web" {
  zone_id     = "SEL-A"
  name        = "web-lb"
  charge_type = "POSTPAID"
  bandwidth   = 100

  tags = {
    env = "production"
  }
}

# A load balancer paid twelve months in advance, with two addresses. Destroying it
# releases it at once instead of keeping it in the recycle bin.
resource "zenlayer_bmc_load_balancer" "reserved" {
  zone_id        = "HKG-A"
  name           = "reserved-lb"
  charge_type    = "PREPAID"
  prepaid_period = 12
  bandwidth      = 500
  vip_count      = 2
  force_delete   = true

  timeouts = {
    create = "45m"
  }
}
