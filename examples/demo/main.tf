# The configuration `make demo` applies against the local emulator: a load balancer,
# a TCP listener on port 80 with a health check, and one backend per instance.
terraform {
  required_providers {
    zenlayer = {
      source = "zenlayer/zenlayer"
    }
  }
}

# Endpoint and credentials come from the ZENLAYERCLOUD_* environment
# variables that the demo script exports for the emulator.
provider "zenlayer" {}

variable "instances" {
  description = "The BMC instances to register as backends."
  type        = set(string)
  default     = ["bm-0001", "bm-0002", "bm-0003", "bm-0004"]
}

resource "zenlayer_bmc_load_balancer" "demo" {
  zone_id     = "SEL-A"
  name        = "demo-stack"
  charge_type = "POSTPAID"
  bandwidth   = 100
}

resource "zenlayer_bmc_lb_listener" "web" {
  load_balancer_id = zenlayer_bmc_load_balancer.demo.id
  name             = "web"
  ports            = [80]
  protocol         = "TCP"
  backend_protocol = "TCP"

  health_check = {
    check_enabled       = true
    check_type          = "TCP"
    check_port          = 80
    check_interval_time = 5
  }
}

# One backend per instance, keyed by instance ID: adding or removing an
# instance touches only that backend.
resource "zenlayer_bmc_lb_backend" "web" {
  for_each = var.instances

  listener_id  = zenlayer_bmc_lb_listener.web.id
  instance_id  = each.key
  backend_name = "demo-${each.key}"
  ports        = [80]
}

output "load_balancer" {
  value = {
    id     = zenlayer_bmc_load_balancer.demo.id
    status = zenlayer_bmc_load_balancer.demo.status
    vips   = [for v in zenlayer_bmc_load_balancer.demo.vips : v.ip_address]
  }
}

output "listener_id" {
  value = zenlayer_bmc_lb_listener.web.id
}

output "backends" {
  value = { for k, b in zenlayer_bmc_lb_backend.web : k => "${b.id} (${b.status})" }
}
