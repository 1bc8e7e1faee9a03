// Command terraform-provider-zenlayer serves the Zenlayer BMC load-balancing provider to
// Terraform over plugin protocol 6.
package main

import (
	"flag"
	"log"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/server"
)

// version is set by the release build with -ldflags "-X main.version=...".
var version = "dev"

// commit is set by the release build with -ldflags "-X main.commit=...".
var commit = "none"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	if err := server.Serve(version, debug); err != nil {
		log.Fatalf("provider %s (%s): %s", version, commit, err)
	}
}
