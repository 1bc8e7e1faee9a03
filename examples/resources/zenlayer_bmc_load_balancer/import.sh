# A load balancer is imported by its ID.
terraform import zenlayer_bmc_load_balancer.web lb-demo
