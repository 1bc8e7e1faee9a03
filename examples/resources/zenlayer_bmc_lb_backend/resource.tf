variable "listener_id" {
  description = "The listener that receives the backends."
  type        = string
}

variable "web_instances" {
  description = "BMC instance IDs to register, each with its weight."
  type        = map(number)
  default = {
    "bm-0001" = 100
    "bm-0002" = 100
    "bm-0003" = 50
  }
}

# One backend per instance, keyed by instance ID: adding or removing an
# instance touches only that backend.
resource "zenlayer_bmc_lb_backend" "web" {
  for_each = var.web_instances

  listener_id  = var.listener_id
  instance_id  = each.key
  backend_name = "web-${each.key}"
  ports        = [80]
  weight       = each.value

  timeouts = {
    create = "15m"
    delete = "15m"
  }
}
