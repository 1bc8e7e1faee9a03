# A backend is imported by its listener ID and backend ID, joined by a colon.
terraform import 'zenlayer_bmc_lb_backend.web["bm-0001"]' lsn-web:bk-0001
