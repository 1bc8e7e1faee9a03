# The backends registered to one listener.
data "zenlayer_bmc_lb_backends" "web" {
  listener_id = "lsn-web"
}

output "backend_instances" {
  value = [for b in data.zenlayer_bmc_lb_backends.web.backends : "${b.instance_id} (${b.status})"]
}
