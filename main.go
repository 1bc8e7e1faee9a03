// Command terraform-provider-zenlayer serves the Zenlayer BMC load-balancing provider to
// Terraform over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/provider"
)

// version is set by the release build with -ldflags "-X main.version=...".
var version = "dev"

// commit is set by the release build with -ldflags "-X main.commit=...".
var commit = "none"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.RegistryAddress,
		Debug:   debug,
	})
	if err != nil {
		log.Fatalf("provider %s (%s): %s", version, commit, err)
	}
}
