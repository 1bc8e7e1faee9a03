terraform {
  required_providers {
    zenlayer = {
      source = "zenlayer/zenlayer"
    }
  }
}

# The access key is read from ZENLAYERCLOUD_ACCESS_KEY_ID and
# ZENLAYERCLOUD_ACCESS_KEY_PASSWORD, so no secret is written here.
provider "zenlayer" {
  client_timeout = 30
  max_retries    = 3
}
