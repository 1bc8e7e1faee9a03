package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

// oneBackend is a backend resource that makes Terraform configure the provider.
const oneBackend = `
resource "zenlayer_bmc_lb_backend" "web" {
  listener_id  = "lsn-web"
  instance_id  = "bm-0001"
  backend_name = "web-1"
}
`

func TestAccProvider_configuration(t *testing.T) {
	for _, env := range []string{"ZENLAYERCLOUD_ACCESS_KEY_ID", "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD", "ZENLAYERCLOUD_DOMAIN", "ZENLAYERCLOUD_SCHEME"} {
		t.Setenv(env, "")
	}
	e := acctest.StartEmulator(t, emulator.Options{})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      "provider \"zenlayer\" {}\n" + oneBackend,
				PlanOnly:    true,
				ExpectError: acctest.ErrorPattern(`Missing Access Key ID.*ZENLAYERCLOUD_ACCESS_KEY_ID environment variable`),
			},
			{
				Config:      "provider \"zenlayer\" {\n  access_key_id = \"AK\"\n}\n" + oneBackend,
				PlanOnly:    true,
				ExpectError: acctest.ErrorPattern(`Missing Access Key Password.*ZENLAYERCLOUD_ACCESS_KEY_PASSWORD environment variable`),
			},
			{
				Config: fmt.Sprintf(`
resource "terraform_data" "key" {
  input = "AK"
}

provider "zenlayer" {
  access_key_id       = terraform_data.key.output
  access_key_password = "secret"
  domain              = %[1]q
  scheme              = "HTTP"
}
`, e.Domain()) + oneBackend,
				PlanOnly:    true,
				ExpectError: acctest.ErrorPattern(`Unknown Provider Argument.*access_key_id is not known until apply.*ZENLAYERCLOUD_ACCESS_KEY_ID`),
			},
			{
				Config:      "provider \"zenlayer\" {\n  scheme = \"FTP\"\n}\n" + oneBackend,
				PlanOnly:    true,
				ExpectError: acctest.ErrorPattern(`Attribute scheme value must be one of`),
			},
			{
				Config:      "provider \"zenlayer\" {\n  domain = \"https://console.zenlayer.com/\"\n}\n" + oneBackend,
				PlanOnly:    true,
				ExpectError: acctest.ErrorPattern(`Invalid Domain.*not a host or host:port`),
			},
		},
	})
	if n := e.Calls(); len(n) != 0 {
		t.Fatalf("configuration errors still reached the API: %v", n)
	}
}

func TestAccProvider_environment(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	t.Setenv("ZENLAYERCLOUD_ACCESS_KEY_ID", emulator.DefaultAccessKeyID)
	t.Setenv("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD", emulator.DefaultAccessKeyPassword)
	t.Setenv("ZENLAYERCLOUD_DOMAIN", e.Domain())
	t.Setenv("ZENLAYERCLOUD_SCHEME", "http")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: "provider \"zenlayer\" {}\n" + oneBackend,
			},
		},
	})
	if n := e.CallCount("RegisterBackend"); n != 1 {
		t.Fatalf("RegisterBackend was called %d times through the environment's settings, want 1", n)
	}
	expectNoBackends(t, e)
}
