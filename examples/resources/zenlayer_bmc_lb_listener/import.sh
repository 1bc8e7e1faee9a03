# A listener is imported by its ID.
terraform import zenlayer_bmc_lb_listener.https lsn-web
