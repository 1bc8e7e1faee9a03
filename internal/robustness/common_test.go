package robustness_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/clirun"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

// cliRequiredProviders is the terraform block of configurations run by the real CLI, which
// resolves the provider through the development override of clirun.
const cliRequiredProviders = `
terraform {
  required_providers {
    zenlayer = {
      source = "zenlayer/zenlayer"
    }
  }
}
`

// providerHCL returns a provider block with the given argument lines.
func providerHCL(lines ...string) string {
	var b strings.Builder
	b.WriteString("\nprovider \"zenlayer\" {\n")
	for _, l := range lines {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// connection returns the argument lines of the connection settings.
func connection(domain, scheme, keyID, password string) []string {
	return []string{
		fmt.Sprintf("access_key_id       = %q", keyID),
		fmt.Sprintf("access_key_password = %q", password),
		fmt.Sprintf("domain              = %q", domain),
		fmt.Sprintf("scheme              = %q", scheme),
	}
}

// poolHCL returns one counted resource "pool" of n backends on instances bm-(first) onwards,
// all on one listener, with the given ports (HCL list) and weight.
func poolHCL(name string, n, first int, listenerID, ports string, weight int) string {
	return fmt.Sprintf(`
resource "zenlayer_bmc_lb_backend" %[1]q {
  count        = %[2]d
  listener_id  = %[3]q
  instance_id  = format("bm-%%04d", count.index + %[4]d)
  backend_name = format("%[1]s-%%03d", count.index)
  ports        = %[5]s
  weight       = %[6]d
}
`, name, n, listenerID, first, ports, weight)
}

// backendHCL returns one named backend resource; ports may be empty to leave it out.
func backendHCL(name, listenerID, instanceID, ports string) string {
	portsLine := ""
	if ports != "" {
		portsLine = "\n  ports        = " + ports
	}
	return fmt.Sprintf(`
resource "zenlayer_bmc_lb_backend" %[1]q {
  listener_id  = %[2]q
  instance_id  = %[3]q
  backend_name = %[1]q%[4]s
}
`, name, listenerID, instanceID, portsLine)
}

// checkListeners fails unless each listener holds exactly the number of backends given, every
// one Available, with the given weight (when weight > 0), and no instance appears twice
// across them.
func checkListeners(e *emulator.Emulator, want map[string]int, weight int) error {
	seen := map[string]string{}
	for _, listenerID := range slices.Sorted(maps.Keys(want)) {
		got := e.Backends(listenerID)
		if len(got) != want[listenerID] {
			return fmt.Errorf("listener %s holds %d backends on the emulator, want %d", listenerID, len(got), want[listenerID])
		}
		for _, b := range got {
			if other, dup := seen[b.InstanceID]; dup {
				return fmt.Errorf("instance %s is registered twice: backends %s and %s", b.InstanceID, other, b.BackendID)
			}
			seen[b.InstanceID] = b.BackendID
			if b.Status != "Available" {
				return fmt.Errorf("backend %s is %s, want Available", b.BackendID, b.Status)
			}
			if weight > 0 && b.Weight != weight {
				return fmt.Errorf("backend %s has weight %d, want %d", b.BackendID, b.Weight, weight)
			}
		}
	}
	return nil
}

// callDelta returns, per action, how many more calls after has than before.
func callDelta(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// sum adds the values of a counter map.
func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// cli is a Terraform working directory driven through the real CLI and a built provider.
type cli struct {
	t  *testing.T
	ws *clirun.Workspace
}

// newCLI builds the provider (once per test binary), and prepares a working directory with
// the given extra environment.
func newCLI(t *testing.T, env map[string]string) *cli {
	t.Helper()
	start := time.Now()
	bin, err := clirun.BuildProvider()
	if err != nil {
		t.Fatalf("building the provider: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Logf("provider binary built in %s", d.Round(time.Millisecond))
	}
	ws, err := clirun.NewWorkspace(t.TempDir(), bin, env)
	if err != nil {
		t.Fatalf("preparing the working directory: %v", err)
	}
	return &cli{t: t, ws: ws}
}

// write replaces main.tf.
func (c *cli) write(hcl string) {
	c.t.Helper()
	if err := c.ws.WriteConfig(cliRequiredProviders + hcl); err != nil {
		c.t.Fatalf("writing main.tf: %v", err)
	}
}

// run runs one command that must succeed.
func (c *cli) run(args ...string) clirun.Result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.t.Context(), 3*time.Minute)
	defer cancel()
	res, err := c.ws.Run(ctx, args...)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Logf("terraform %s: exit 0 in %s", strings.Join(args, " "), res.Duration.Round(time.Millisecond))
	return res
}

// try runs one command whose failure the caller examines.
func (c *cli) try(args ...string) clirun.Result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.t.Context(), 3*time.Minute)
	defer cancel()
	res, _ := c.ws.Run(ctx, args...)
	c.t.Logf("terraform %s: exit %d in %s", strings.Join(args, " "), res.ExitCode, res.Duration.Round(time.Millisecond))
	return res
}

// path returns a path inside the working directory.
func (c *cli) path(name string) string {
	return filepath.Join(c.ws.Dir, name)
}

// stateResource is one resource instance of `terraform show -json`.
type stateResource struct {
	Address string         `json:"address"`
	Type    string         `json:"type"`
	Tainted bool           `json:"tainted"`
	Values  map[string]any `json:"values"`
}

// state returns the resource instances of the current state.
func (c *cli) state() []stateResource {
	c.t.Helper()
	res := c.run("show", "-json")
	var doc struct {
		Values *struct {
			RootModule struct {
				Resources []stateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &doc); err != nil {
		c.t.Fatalf("decoding terraform show -json: %v\n%s", err, res.Stdout)
	}
	if doc.Values == nil {
		return nil
	}
	return doc.Values.RootModule.Resources
}

// stateList returns the addresses printed by terraform state list.
func (c *cli) stateList() []string {
	c.t.Helper()
	res := c.try("state", "list")
	if res.ExitCode != 0 {
		if strings.Contains(res.Output(), "No state file was found") {
			return nil
		}
		c.t.Fatalf("terraform state list failed:\n%s", res.Output())
	}
	return strings.Fields(res.Stdout)
}

// readFile returns a file of the working directory, or "" when it does not exist.
func (c *cli) readFile(name string) string {
	data, err := os.ReadFile(c.path(name))
	if err != nil {
		return ""
	}
	return string(data)
}
