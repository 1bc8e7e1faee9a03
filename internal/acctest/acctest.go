// Package acctest holds what the provider's acceptance tests share: an emulator per test,
// provider factories, HCL for the provider block, and the Terraform CLI setup.
package acctest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/server"
)

// ProviderFactories serves the provider under test in-process, through the same server as
// the released binary.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"zenlayer": func() (tfprotov6.ProviderServer, error) {
		return server.New("test")(), nil
	},
}

// Setup prepares the environment the Terraform CLI runs in: acceptance tests switched on
// (they only ever talk to the emulator), the terraform binary found explicitly, and a CLI
// configuration file of the tests' own. Call it from TestMain; it returns a cleanup function.
func Setup() (func(), error) {
	dir, err := os.MkdirTemp("", "zenlayer-acc-")
	if err != nil {
		return nil, err
	}
	cleanup := func() { _ = os.RemoveAll(dir) }

	cliConfig := filepath.Join(dir, "terraform.rc")
	if err := os.WriteFile(cliConfig, []byte("# written by the acceptance tests\n"), 0o600); err != nil {
		cleanup()
		return nil, err
	}
	os.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
	if os.Getenv("TF_ACC") == "" {
		os.Setenv("TF_ACC", "1")
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		bin, err := exec.LookPath("terraform")
		if err != nil {
			cleanup()
			return nil, fmt.Errorf("the acceptance tests need the terraform CLI on PATH or in TF_ACC_TERRAFORM_PATH: %w", err)
		}
		os.Setenv("TF_ACC_TERRAFORM_PATH", bin)
	}
	return cleanup, nil
}

// Main runs a package's tests after Setup.
func Main(m *testing.M) {
	cleanup, err := Setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// StartEmulator starts an emulator on 127.0.0.1 for one test and stops it when the test ends.
func StartEmulator(t testing.TB, opts emulator.Options) *emulator.Emulator {
	t.Helper()
	e := emulator.New(opts)
	if err := e.Start(); err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(e.Close)
	return e
}

// ProviderBlock returns a provider block that points at the emulator, followed by extra
// arguments (one per line) when given.
func ProviderBlock(e *emulator.Emulator, extra ...string) string {
	args := ""
	for _, a := range extra {
		args += "  " + a + "\n"
	}
	return fmt.Sprintf(`
provider "zenlayer" {
  access_key_id       = %[1]q
  access_key_password = %[2]q
  domain              = %[3]q
  scheme              = "HTTP"
%[4]s}
`, emulator.DefaultAccessKeyID, emulator.DefaultAccessKeyPassword, e.Domain(), args)
}

// ErrorPattern matches a diagnostic as the Terraform CLI prints it, where long lines may be
// wrapped: each space in text matches any run of white space, and ".*" matches anything.
func ErrorPattern(text string) *regexp.Regexp {
	quoted := regexp.QuoteMeta(text)
	quoted = strings.ReplaceAll(quoted, `\.\*`, `.*`)
	quoted = strings.ReplaceAll(quoted, " ", `\s+`)
	return regexp.MustCompile(`(?s)` + quoted)
}

// Expect is a state check that runs f, for assertions about the emulator rather than about
// Terraform's state.
func Expect(f func() error) statecheck.StateCheck {
	return expectation(f)
}

type expectation func() error

func (e expectation) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = e()
}
