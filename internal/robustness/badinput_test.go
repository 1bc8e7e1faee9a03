package robustness_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/provider"
)

// badInput is one invalid configuration and the error it must give.
type badInput struct {
	name   string
	config string
	want   string
}

// validBackend is a backend that an apply would register if the rest of the configuration
// were valid, so that a validation that let something through would show as a write.
const validBackend = `
resource "zenlayer_bmc_lb_backend" "ok" {
  listener_id  = "lsn-web"
  instance_id  = "bm-0501"
  backend_name = "ok-1"
  ports        = [80]
}
`

// runBadInputs applies each configuration and expects its error from the plan that precedes
// the apply, and then checks that the emulator received no call at all: every one of these
// must be refused before the API is contacted.
func runBadInputs(t *testing.T, e *emulator.Emulator, cases []badInput) {
	t.Helper()
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			PreConfig:   func() { t.Logf("trying %s", c.name) },
			Config:      c.config,
			ExpectError: acctest.ErrorPattern(`Error running pre-apply plan: .*` + c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
	if n := e.WriteCalls(); n != 0 {
		t.Errorf("%d invalid configurations caused %d write calls", len(cases), n)
	}
	if calls := e.Calls(); len(calls) != 0 {
		t.Errorf("invalid configurations reached the API: %v", calls)
	}
	t.Logf("%d invalid configurations refused with %d API calls", len(cases), sum(e.Calls()))
}

// TestBadProviderArguments gives each provider argument a value out of its bounds or form.
func TestBadProviderArguments(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not-a-ca.pem")
	if err := os.WriteFile(notPEM, []byte("this is not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	withArgs := func(extra ...string) string {
		return acctest.ProviderBlock(e, extra...) + validBackend
	}
	// withBlock replaces the connection settings of the provider block.
	withBlock := func(domain, scheme, keyID, password string) string {
		return providerHCL(connection(domain, scheme, keyID, password)...) + validBackend
	}
	key, pw := emulator.DefaultAccessKeyID, emulator.DefaultAccessKeyPassword

	runBadInputs(t, e, []badInput{
		{"scheme FTP", withBlock(e.Domain(), "FTP", key, pw),
			`Attribute scheme value must be one of: ["HTTPS" "HTTP"], got: "FTP"`},
		{"scheme empty", withBlock(e.Domain(), "", key, pw),
			`Attribute scheme value must be one of: ["HTTPS" "HTTP"], got: ""`},
		{"domain with scheme", withBlock("http://"+e.Domain(), "HTTP", key, pw),
			`Error: Invalid Domain .* domain = "http://` + e.Domain() + `" .* is not a host or host:port: it must not contain a scheme, path, user or spaces.`},
		{"domain with path", withBlock(e.Domain()+"/api", "HTTP", key, pw),
			`Error: Invalid Domain .* domain = .* is not a host or host:port: it must not contain a scheme, path, user or spaces.`},
		{"domain empty", withBlock("", "HTTP", key, pw),
			`Error: Invalid Domain .* domain = "" .* The domain "" is not a host or host:port: it is empty.`},
		{"domain port zero", withBlock("127.0.0.1:0", "HTTP", key, pw),
			`Error: Invalid Domain .* domain = "127.0.0.1:0" .* the port "0" is not a number from 1 to 65535.`},
		{"domain port too high", withBlock("127.0.0.1:65536", "HTTP", key, pw),
			`Error: Invalid Domain .* the port "65536" is not a number from 1 to 65535.`},
		{"domain without host", withBlock(":8080", "HTTP", key, pw),
			`Error: Invalid Domain .* domain = ":8080" .* the host is empty.`},
		{"client_timeout zero", withArgs("client_timeout = 0"),
			`Attribute client_timeout value must be between 1 and 3600, got: 0`},
		{"client_timeout too high", withArgs("client_timeout = 3601"),
			`Attribute client_timeout value must be between 1 and 3600, got: 3601`},
		{"max_retries negative", withArgs("max_retries = -1"),
			`Attribute max_retries value must be between 0 and 20, got: -1`},
		{"max_retries too high", withArgs("max_retries = 21"),
			`Attribute max_retries value must be between 0 and 20, got: 21`},
		{"client_timeout fractional", withArgs("client_timeout = 2.5"),
			`Attribute client_timeout must be a whole number, got: 2.5`},
		{"writes per listener zero", withArgs("max_concurrent_writes_per_listener = 0"),
			`Attribute max_concurrent_writes_per_listener value must be between 1 and 64, got: 0`},
		{"writes per listener too high", withArgs("max_concurrent_writes_per_listener = 65"),
			`Attribute max_concurrent_writes_per_listener value must be between 1 and 64, got: 65`},
		{"access_key_id empty", withBlock(e.Domain(), "HTTP", "", pw),
			`Attribute access_key_id string length must be at least 1, got: 0`},
		{"access_key_password empty", withBlock(e.Domain(), "HTTP", key, ""),
			`Attribute access_key_password string length must be at least 1, got: 0`},
		{"ca_cert_file empty", withArgs(`ca_cert_file = ""`),
			`Attribute ca_cert_file string length must be at least 1, got: 0`},
		{"ca_cert_file missing", withArgs(fmt.Sprintf("ca_cert_file = %q", missing)),
			`Error: Unreadable CA Certificate File .* ca_cert_file = .* The file "` + missing + `" could not be read: open ` + missing + `: no such file or directory.`},
		{"ca_cert_file not PEM", withArgs(fmt.Sprintf("ca_cert_file = %q", notPEM)),
			`Error: Invalid CA Certificate File .* ca_cert_file = .* The file "` + notPEM + `" holds no PEM-encoded certificate`},
	})
}

// TestBadProviderEnvironment gives the environment variables that stand in for provider
// arguments values out of their bounds or form. It sets the process environment, so it
// does not run in parallel with other tests.
func TestBadProviderEnvironment(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	key, pw := emulator.DefaultAccessKeyID, emulator.DefaultAccessKeyPassword
	block := func(args ...string) string { return providerHCL(args...) + validBackend }
	base := connection(e.Domain(), "HTTP", key, pw)
	cases := []struct {
		name, env, value string
		config           string
		want             string
	}{
		{"timeout not a number", provider.EnvClientTimeout, "soon", block(base...),
			`Error: Invalid Client Timeout .* The environment variable ` + provider.EnvClientTimeout + ` must be a whole number of seconds from 1 to 3600.`},
		{"timeout zero", provider.EnvClientTimeout, "0", block(base...),
			`Error: Invalid Client Timeout .* must be a whole number of seconds from 1 to 3600.`},
		{"retries too high", provider.EnvMaxRetries, "99", block(base...),
			`Error: Invalid Max Retries .* The environment variable ` + provider.EnvMaxRetries + ` must be a whole number from 0 to 20.`},
		{"scheme FTP", provider.EnvScheme, "ftp", block(base[:3]...),
			`Error: Invalid Scheme .* The scheme "FTP" (from ` + provider.EnvScheme + `) is not HTTPS or HTTP.`},
		{"domain with path", provider.EnvDomain, e.Domain() + "/api", block(base[0], base[1], base[3]),
			`Error: Invalid Domain .* The domain "` + e.Domain() + `/api" is not a host or host:port: it must not contain a scheme, path, user or spaces.`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(c.env, c.value)
			t.Logf("trying %s=%q", c.env, c.value)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: c.config, ExpectError: acctest.ErrorPattern(c.want)}},
			})
		})
	}
	if calls := e.Calls(); len(calls) != 0 {
		t.Errorf("invalid environment settings reached the API: %v", calls)
	}
}

// TestBadBackendArguments gives each argument of zenlayer_bmc_lb_backend a value out of its
// bounds or form.
func TestBadBackendArguments(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	args := map[string]string{
		"listener_id":  `"lsn-web"`,
		"instance_id":  `"bm-0502"`,
		"backend_name": `"web-502"`,
	}
	order := []string{"listener_id", "instance_id", "instance_type", "backend_name", "ports", "weight", "timeouts"}
	with := func(overrides map[string]string) string {
		var lines []string
		for _, k := range order {
			v, ok := overrides[k]
			if !ok {
				v = args[k]
			}
			if v != "" {
				lines = append(lines, fmt.Sprintf("  %s = %s", k, v))
			}
		}
		return acctest.ProviderBlock(e) + fmt.Sprintf("\nresource \"zenlayer_bmc_lb_backend\" \"bad\" {\n%s\n}\n",
			strings.Join(lines, "\n"))
	}
	idRule := `must be an ID of letters, digits, dots (.), hyphens (-) and underscores (_)`
	nameRule := `must contain only letters, digits, hyphens (-) and dots (.)`

	runBadInputs(t, e, []badInput{
		{"listener_id missing", with(map[string]string{"listener_id": ""}), `The argument "listener_id" is required`},
		{"listener_id empty", with(map[string]string{"listener_id": `""`}), `listener_id = "" .* Attribute listener_id ` + idRule + `, got:`},
		{"listener_id with colon", with(map[string]string{"listener_id": `"lsn:web"`}), `Attribute listener_id ` + idRule + `, got: lsn:web`},
		{"listener_id with space", with(map[string]string{"listener_id": `"lsn web"`}), `Attribute listener_id ` + idRule},
		{"instance_id missing", with(map[string]string{"instance_id": ""}), `The argument "instance_id" is required`},
		{"instance_id empty", with(map[string]string{"instance_id": `""`}), `instance_id = "" .* Attribute instance_id ` + idRule + `, got:`},
		{"instance_id with slash", with(map[string]string{"instance_id": `"bm/1"`}), `Attribute instance_id ` + idRule + `, got: bm/1`},
		{"instance_type lower case", with(map[string]string{"instance_type": `"bm"`}), `Attribute instance_type value must be one of: ["BM" "VM"], got: "bm"`},
		{"instance_type unknown", with(map[string]string{"instance_type": `"BMC"`}), `Attribute instance_type value must be one of: ["BM" "VM"], got: "BMC"`},
		{"backend_name missing", with(map[string]string{"backend_name": ""}), `The argument "backend_name" is required`},
		{"backend_name empty", with(map[string]string{"backend_name": `""`}), `Attribute backend_name string length must be between 1 and 64, got: 0`},
		{"backend_name too long", with(map[string]string{"backend_name": fmt.Sprintf("%q", strings.Repeat("b", 65))}),
			`Attribute backend_name string length must be between 1 and 64, got: 65`},
		{"backend_name underscore", with(map[string]string{"backend_name": `"web_1"`}), `Attribute backend_name ` + nameRule + `, got: web_1`},
		{"backend_name space", with(map[string]string{"backend_name": `"web 1"`}), `Attribute backend_name ` + nameRule + `, got: web 1`},
		{"port zero", with(map[string]string{"ports": "[0]"}), `Attribute ports[Value(0)] value must be between 1 and 65535, got: 0`},
		{"port too high", with(map[string]string{"ports": "[80, 65536]"}), `Attribute ports[Value(65536)] value must be between 1 and 65535, got: 65536`},
		{"port negative", with(map[string]string{"ports": "[-80]"}), `value must be between 1 and 65535, got: -80`},
		{"weight zero", with(map[string]string{"weight": "0"}), `Attribute weight value must be between 1 and 100, got: 0`},
		{"weight too high", with(map[string]string{"weight": "101"}), `Attribute weight value must be between 1 and 100, got: 101`},
		{"weight fractional", with(map[string]string{"weight": "50.5"}),
			`Error: Invalid Attribute Value .* weight = 50.5 .* Attribute weight must be a whole number, got: 50.5`},
		{"port fractional", with(map[string]string{"ports": "[80, 80.5]"}),
			`Error: Invalid Attribute Value .* Attribute ports[80.5] must be a whole number, got: 80.5`},
		{"weight fractional and backend_name bad", with(map[string]string{"weight": "0.5", "backend_name": `"web_1"`}),
			`Attribute backend_name ` + nameRule + `, got: web_1 .* Attribute weight must be a whole number, got: 0.5`},
		{"timeouts create not a duration", with(map[string]string{"timeouts": `{ create = "soon" }`}),
			`Error: Invalid Attribute Value Time Duration .* "soon" must be a string containing a sequence of decimal numbers, each with optional fraction and a unit suffix`},
	})
}

// TestBadImportIDs imports with IDs that are not <listener_id>:<backend_id>.
func TestBadImportIDs(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	importing := func(id string) string {
		return acctest.ProviderBlock(e) + fmt.Sprintf(`
import {
  to = zenlayer_bmc_lb_backend.imported
  id = %[1]q
}

resource "zenlayer_bmc_lb_backend" "imported" {
  listener_id  = "lsn-web"
  instance_id  = "bm-0503"
  backend_name = "imported-1"
}
`, id)
	}
	form := func(id string) string {
		return fmt.Sprintf(`Error: Invalid Import ID .* The import ID %q is not of the form <listener_id>:<backend_id>, for example lsn-web:bk-0001.`, id)
	}
	var cases []badInput
	for _, id := range []string{"lsn", "lsn:", ":bk", "a:b:c", "lsn web:bk-1", "lsn-web:bk/1"} {
		cases = append(cases, badInput{"import " + id, importing(id), form(id)})
	}
	// Terraform itself refuses an empty import ID before asking the provider.
	cases = append(cases, badInput{"import empty", importing(""), `Invalid import id argument .* empty string`})
	runBadInputs(t, e, cases)

	// The provider's own answer to an empty ID, asked directly over the plugin protocol.
	server, err := acctest.ProviderFactories["zenlayer"]()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"", "lsn", "lsn:", ":bk", "a:b:c"} {
		resp, err := server.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{
			TypeName: "zenlayer_bmc_lb_backend",
			ID:       id,
		})
		if err != nil {
			t.Fatalf("ImportResourceState(%q): %v", id, err)
		}
		want := fmt.Sprintf("The import ID %q is not of the form <listener_id>:<backend_id>, for example lsn-web:bk-0001.", id)
		if !hasDiagnostic(resp.Diagnostics, tfprotov6.DiagnosticSeverityError, "Invalid Import ID", want) {
			t.Errorf("ImportResourceState(%q) diagnostics %s, want the error %q", id, describeDiagnostics(resp.Diagnostics), want)
		}
		if len(resp.ImportedResources) != 0 {
			t.Errorf("ImportResourceState(%q) imported %d resources", id, len(resp.ImportedResources))
		}
	}
}

// hasDiagnostic reports whether diags hold one of the severity with the summary and detail.
func hasDiagnostic(diags []*tfprotov6.Diagnostic, severity tfprotov6.DiagnosticSeverity, summary, detail string) bool {
	for _, d := range diags {
		if d.Severity == severity && d.Summary == summary && (detail == "" || strings.Contains(d.Detail, detail)) {
			return true
		}
	}
	return false
}

func describeDiagnostics(diags []*tfprotov6.Diagnostic) string {
	if len(diags) == 0 {
		return "(none)"
	}
	var parts []string
	for _, d := range diags {
		parts = append(parts, fmt.Sprintf("[%s] %s: %s", d.Severity, d.Summary, d.Detail))
	}
	return strings.Join(parts, "; ")
}

// apiRefusal is a configuration only the API can refuse.
type apiRefusal struct {
	name, listener, instance, instanceType, ports string
	want                                          string
}

// TestAPIRefusals applies backends that pass validation but that the API refuses: an
// unknown instance, an unknown listener, and a VM instance registered as BM. Each apply
// fails with the API's code and message after exactly one RegisterBackend call, and leaves
// nothing registered and nothing in state.
func TestAPIRefusals(t *testing.T) {
	e := acctest.StartEmulator(t, emulator.Options{})
	refusals := []apiRefusal{
		{"unknown instance", "lsn-web", "bm-9999", "", "[80]",
			`HTTP 404 Not Found: code INVALID_INSTANCE_NOT_FOUND, message "The instance bm-9999 does not exist."`},
		{"unknown listener", "lsn-nope", "bm-0504", "", "[80]",
			`HTTP 404 Not Found: code INVALID_LISTENER_NOT_FOUND, message "The listener lsn-nope does not exist."`},
		{"VM registered as BM", "lsn-web", "vm-0001", "BM", "[80]",
			`HTTP 400 Bad Request: code INVALID_PARAMETER, message "The parameter instanceType is invalid: the instance vm-0001 is of type VM, not BM."`},
		{"ports on a DR listener", "lsn-dr", "bm-0505", "", "[53]",
			`HTTP 400 Bad Request: code INVALID_PARAMETER, message "The parameter portList is invalid: must be empty for the listener lsn-dr, which is in DR mode."`},
	}
	var steps []resource.TestStep
	registers := 0
	var stepErrs []error
	for _, r := range refusals {
		typeLine := ""
		if r.instanceType != "" {
			typeLine = fmt.Sprintf("\n  instance_type = %q", r.instanceType)
		}
		config := acctest.ProviderBlock(e) + fmt.Sprintf(`
resource "zenlayer_bmc_lb_backend" "refused" {
  listener_id  = %[1]q
  instance_id  = %[2]q
  backend_name = "refused-1"
  ports        = %[3]s%[4]s
}
`, r.listener, r.instance, r.ports, typeLine)
		steps = append(steps,
			resource.TestStep{
				PreConfig: func() { t.Logf("trying %s", r.name) },
				Config:    config,
				ExpectError: acctest.ErrorPattern(`Error running apply: .* Error: Unable to Register Backend .* Registering instance ` + r.instance +
					` as backend "refused-1" on listener ` + r.listener + ` failed. Nothing was registered. .*` + r.want),
			},
			resource.TestStep{
				// Nothing half-registered is left in state: without the resource the plan is empty.
				PreConfig: func() {
					registers++
					if got := e.CallCount("RegisterBackend"); got != registers {
						stepErrs = append(stepErrs, fmt.Errorf("%s: %d RegisterBackend calls so far, want %d (one per refused apply, no retries)", r.name, got, registers))
					}
					if n := e.BackendCount(); n != 0 {
						stepErrs = append(stepErrs, fmt.Errorf("%s: %d backends registered", r.name, n))
					}
				},
				Config: acctest.ProviderBlock(e),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
	for _, err := range stepErrs {
		t.Error(err)
	}
	if n := e.AppliedWriteCount(); n != 0 {
		t.Errorf("%d writes were applied by refused registrations", n)
	}
	calls := e.Calls()
	if calls["RegisterBackend"] != len(refusals) || calls["DescribeBackends"] != 0 {
		t.Errorf("calls %v, want exactly %d RegisterBackend and no lookups after a refusal", calls, len(refusals))
	}
	t.Logf("%d refusals: calls %v", len(refusals), calls)
}
