import {
  to = zenlayer_bmc_lb_backend.web["bm-0001"]
  id = "lsn-web:bk-0001"
}
