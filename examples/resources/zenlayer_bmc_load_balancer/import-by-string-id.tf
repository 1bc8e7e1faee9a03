import {
  to = zenlayer_bmc_load_balancer.web
  id = "lb-demo"
}
