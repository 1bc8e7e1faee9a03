# The listeners of one load balancer.
data "zenlayer_bmc_lb_listeners" "demo" {
  load_balancer_ids = ["lb-demo"]
}

output "listener_ports" {
  value = { for l in data.zenlayer_bmc_lb_listeners.demo.listeners : l.id => l.ports }
}
