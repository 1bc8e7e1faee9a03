import {
  to = zenlayer_bmc_lb_listener.https
  id = "lsn-web"
}
