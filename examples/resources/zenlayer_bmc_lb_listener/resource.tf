variable "load_balancer_id" {
  description = "The load balancer that receives the listener."
  type        = string
}

# A TCP listener on port 443 that checks its backends over TCP every few seconds.
resource "zenlayer_bmc_lb_listener" "https" {
  load_balancer_id = var.load_balancer_id
  name             = "https"
  ports            = [443]
  protocol         = "TCP"
  backend_protocol = "TCP"
  scheduler        = "wrr"

  health_check = {
    check_enabled       = true
    check_type          = "TCP"
    check_port          = 443
    check_interval_time = 5
    check_retry         = 3
  }
}

# A UDP listener in direct routing mode; its backends are registered without ports.
resource "zenlayer_bmc_lb_listener" "dns" {
  load_balancer_id = var.load_balancer_id
  name             = "dns"
  ports            = [53]
  protocol         = "UDP"
  backend_protocol = "UDP"
  kind             = "DR"
}
