# Every running load balancer in Seoul, with its listeners and backends.
data "zenlayer_bmc_load_balancers" "seoul" {
  zone_id = "SEL-A"
}

output "seoul_load_balancers" {
  value = {
    for lb in data.zenlayer_bmc_load_balancers.seoul.load_balancers :
    lb.name => [for v in lb.vips : v.ip_address]
  }
}
