# The configuration `make demo` applies against the local emulator. The
# emulator's start-up output lists the fixture IDs used here.
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

variable "listener_id" {
  type    = string
  default = "lsn-web"
}

variable "instances" {
  type    = set(string)
  default = ["bm-0001", "bm-0002", "bm-0003"]
}

resource "zenlayer_bmc_lb_backend" "web" {
  for_each = var.instances

  listener_id  = var.listener_id
  instance_id  = each.key
  backend_name = "demo-${each.key}"
  ports        = [80]
  weight       = 100
}

output "backends" {
  value = { for k, b in zenlayer_bmc_lb_backend.web : k => "${b.id} (${b.status})" }
}
