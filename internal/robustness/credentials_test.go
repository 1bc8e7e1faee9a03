package robustness_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/clirun"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/provider"
)

// wrongKeyID is an access key ID the emulator does not know.
const wrongKeyID = "ZEMUKEYUNKNOWN000099"

// credentialCase is one refused credential: the provider block arguments and what the API
// must be reported to have said.
type credentialCase struct {
	name, keyID, password string
	want                  string
}

func credentialCases() []credentialCase {
	return []credentialCase{
		{"wrong key ID", wrongKeyID, emulator.DefaultAccessKeyPassword,
			`HTTP 401 Unauthorized: code AUTH_FAILURE_ACCESS_KEY_NOT_FOUND, message "The access key ID ` + wrongKeyID +
				` does not exist.", .* the API refused access key ID ` + wrongKeyID + `: check that the key exists`},
		{"wrong password", emulator.DefaultAccessKeyID, "not-the-emulator-password",
			`HTTP 401 Unauthorized: code AUTH_FAILURE_SIGNATURE_MISMATCH, message "The request signature does not match the ` +
				`signature computed for access key ID ` + emulator.DefaultAccessKeyID + `.", .* the API refused access key ID ` +
				emulator.DefaultAccessKeyID + `: check that the key exists`},
	}
}

// TestCredentialsRefusedOnCreate applies a new backend with refused credentials: one
// RegisterBackend call, not retried and not followed by a lookup, and one error naming the
// refused access key ID.
func TestCredentialsRefusedOnCreate(t *testing.T) {
	t.Parallel()
	for _, cc := range credentialCases() {
		t.Run(cc.name, func(t *testing.T) {
			e := acctest.StartEmulator(t, emulator.Options{})
			config := providerHCL(connection(e.Domain(), "HTTP", cc.keyID, cc.password)...) +
				backendHCL("cred", emulator.FixtureListenerWeb, "bm-0601", "[80]")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: config,
					ExpectError: acctest.ErrorPattern(`Error: Unable to Register Backend .* RegisterBackend failed with ` +
						cc.want),
				}},
			})
			calls := e.Calls()
			t.Logf("%s: calls %v", cc.name, calls)
			if want := map[string]int{"RegisterBackend": 1}; !maps.Equal(calls, want) {
				t.Errorf("calls %v, want exactly %v: a refused credential is neither retried nor followed by lookups", calls, want)
			}
			if n := e.BackendCount(); n != 0 {
				t.Errorf("%d backends registered with refused credentials", n)
			}
		})
	}
}

// TestCredentialsRefusedOnRefresh plans with refused credentials while a backend is in state:
// the refresh fails with one error naming the refused access key ID, and no call is repeated.
func TestCredentialsRefusedOnRefresh(t *testing.T) {
	t.Parallel()
	for _, cc := range credentialCases() {
		t.Run(cc.name, func(t *testing.T) {
			e := acctest.StartEmulator(t, emulator.Options{})
			good := acctest.ProviderBlock(e)
			bad := providerHCL(connection(e.Domain(), "HTTP", cc.keyID, cc.password)...)
			backend := backendHCL("cred", emulator.FixtureListenerWeb, "bm-0602", "[80]")
			var before, delta map[string]int
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{Config: good + backend},
					{
						PreConfig: func() { before = e.Calls() },
						Config:    bad + backend,
						ExpectError: acctest.ErrorPattern(`Error: Unable to Read Backend .* DescribeBackends failed with ` +
							cc.want),
					},
					{
						PreConfig: func() { delta = callDelta(before, e.Calls()) },
						Config:    good,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction("zenlayer_bmc_lb_backend.cred", plancheck.ResourceActionDestroy),
							},
						},
					},
				},
			})
			t.Logf("%s: calls of the refused refresh %v", cc.name, delta)
			if delta["DescribeBackends"] != 1 {
				t.Errorf("the refused refresh sent %d DescribeBackends calls, want 1", delta["DescribeBackends"])
			}
			for action, n := range delta {
				if n > 1 || (action != "DescribeBackends" && action != "DescribeListeners") {
					t.Errorf("the refused refresh sent %s %d times; want each read at most once and no write", action, n)
				}
			}
			if n := e.BackendCount(); n != 0 {
				t.Errorf("%d backends left after destroy", n)
			}
		})
	}
}

// secretRun runs one terraform command with TF_LOG=TRACE into its own log file and with
// extra environment, and keeps everything it printed.
type secretRun struct {
	c       *cli
	outputs map[string]string
}

func (s *secretRun) run(name string, env map[string]string, wantExit int, args ...string) clirun.Result {
	s.c.t.Helper()
	ctx, cancel := context.WithTimeout(s.c.t.Context(), 2*time.Minute)
	defer cancel()
	cmd := s.c.ws.Command(ctx, args...)
	cmd.Env = append(slices.Clone(cmd.Env), "TF_LOG=TRACE", "TF_LOG_PATH="+s.c.path(name+".log"))
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	_ = cmd.Run()
	res := clirun.Result{Args: args, Stdout: stdout.String(), Stderr: stderr.String(),
		ExitCode: cmd.ProcessState.ExitCode(), Duration: time.Since(start)}
	s.outputs[name+" stdout"] = res.Stdout
	s.outputs[name+" stderr"] = res.Stderr
	s.c.t.Logf("%s: terraform %s: exit %d in %s", name, strings.Join(args, " "), res.ExitCode, res.Duration.Round(time.Millisecond))
	if res.ExitCode != wantExit {
		s.c.t.Fatalf("%s: terraform %s exited %d, want %d:\n%s", name, strings.Join(args, " "), res.ExitCode, wantExit, res.Output())
	}
	return res
}

// randomSecret returns a password that cannot appear anywhere by chance.
func randomSecret(t *testing.T, prefix string) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// jsonPathsOf returns the paths inside a JSON document of every string value that contains s.
func jsonPathsOf(doc any, s, at string) []string {
	var out []string
	switch v := doc.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, jsonPathsOf(v[k], s, at+"."+k)...)
		}
	case []any:
		for i, x := range v {
			out = append(out, jsonPathsOf(x, s, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case string:
		if strings.Contains(v, s) {
			out = append(out, at)
		}
	}
	return out
}

// TestPasswordNeverShown runs apply, a saved plan, a refused plan and destroy through the
// real CLI with TF_LOG=TRACE, once with the password in ZENLAYERCLOUD_ACCESS_KEY_PASSWORD and
// once in the provider block, and looks for the password in every log, every output, the
// state files and the JSON of the saved plan.
func TestPasswordNeverShown(t *testing.T) {
	t.Parallel()
	for via, keyID := range map[string]string{"environment": "ZEMUKEYTRACEENV00001", "provider block": "ZEMUKEYTRACEBLOCK001"} {
		t.Run(via, func(t *testing.T) {
			t.Parallel()
			password := randomSecret(t, "pw-")
			wrong := randomSecret(t, "wrong-")
			e := acctest.StartEmulator(t, emulator.Options{AccessKeyID: keyID, AccessKeyPassword: password})
			env := map[string]string{}
			block := func(pw string) string {
				if via == "environment" {
					return providerHCL(fmt.Sprintf("access_key_id = %q", keyID),
						fmt.Sprintf("domain = %q", e.Domain()), `scheme = "HTTP"`)
				}
				return providerHCL(connection(e.Domain(), "HTTP", keyID, pw)...)
			}
			if via == "environment" {
				env[provider.EnvAccessKeyPassword] = password
			}
			c := newCLI(t, env)
			s := &secretRun{c: c, outputs: map[string]string{}}
			one := backendHCL("secret-a", emulator.FixtureListenerWeb, "bm-0611", "[80]")
			two := one + backendHCL("secret-b", emulator.FixtureListenerWeb, "bm-0612", "[80]")

			c.write(block(password) + one)
			s.run("apply", nil, 0, "apply", "-auto-approve", "-input=false", "-no-color")
			c.write(block(password) + two)
			s.run("plan", nil, 0, "plan", "-out=tfplan", "-input=false", "-no-color")
			planJSON := s.run("show-plan", nil, 0, "show", "-json", "tfplan").Stdout

			// A refused plan: one error, naming the key, and every call made once.
			before := e.Calls()
			wrongEnv := map[string]string{}
			if via == "environment" {
				wrongEnv[provider.EnvAccessKeyPassword] = wrong
			} else {
				c.write(block(wrong) + two)
			}
			refused := s.run("refused", wrongEnv, 1, "plan", "-input=false", "-no-color")
			delta := callDelta(before, e.Calls())
			t.Logf("refused plan: calls %v", delta)
			if n := strings.Count(refused.Output(), "Error: "); n != 1 {
				t.Errorf("the refused plan printed %d errors, want 1:\n%s", n, refused.Output())
			}
			wantRefusal := acctest.ErrorPattern(`Error: Unable to Read Backend .* AUTH_FAILURE_SIGNATURE_MISMATCH, message .* ` +
				`the API refused access key ID ` + keyID + `: check`)
			if !wantRefusal.MatchString(refused.Output()) {
				t.Errorf("the refused plan does not name the refused key %s:\n%s", keyID, refused.Output())
			}
			for action, n := range delta {
				if n != 1 {
					t.Errorf("the refused plan sent %s %d times, want once", action, n)
				}
			}

			c.write(block(password) + two)
			s.run("destroy", nil, 0, "destroy", "-auto-approve", "-input=false", "-no-color")
			if n := e.BackendCount(); n != 0 {
				t.Errorf("%d backends left after destroy", n)
			}

			// The logs must hold the provider's own trace, or finding nothing proves nothing.
			files := map[string]string{}
			for _, name := range []string{"apply.log", "plan.log", "show-plan.log", "refused.log", "destroy.log",
				"terraform.tfstate", "terraform.tfstate.backup"} {
				files[name] = c.readFile(name)
			}
			for k, v := range s.outputs {
				files[k] = v
			}
			// The JSON of the saved plan is examined path by path below.
			delete(files, "show-plan stdout")
			if !strings.Contains(files["apply.log"], "Zenlayer API call") || !strings.Contains(files["apply.log"], keyID) {
				t.Errorf("apply.log (%d bytes) holds no trace of the provider's API calls", len(files["apply.log"]))
			}
			if !strings.Contains(files["terraform.tfstate.backup"], "secret-a") {
				t.Errorf("terraform.tfstate.backup does not hold the applied backend; the state was not examined")
			}
			sizes := map[string]int{}
			for _, name := range slices.Sorted(maps.Keys(files)) {
				sizes[name] = len(files[name])
				for _, secret := range []string{password, wrong} {
					if !strings.Contains(files[name], secret) {
						continue
					}
					t.Errorf("%s holds the access key password %q", name, secret)
				}
			}
			t.Logf("examined %v (bytes)", sizes)

			var plan any
			if err := json.Unmarshal([]byte(planJSON), &plan); err != nil {
				t.Fatalf("decoding the saved plan's JSON: %v", err)
			}
			paths := jsonPathsOf(plan, password, "")
			t.Logf("the password appears in the saved plan's JSON at %v", paths)
			// Terraform writes the configuration's literal provider arguments into the JSON of a
			// saved plan, sensitive or not; a provider cannot prevent it. Anywhere else is a leak.
			var want []string
			if via == "provider block" {
				want = []string{".configuration.provider_config.zenlayer.expressions.access_key_password.constant_value"}
			}
			if !slices.Equal(paths, want) {
				t.Errorf("the saved plan's JSON holds the password at %v, want %v", paths, want)
			}
			if wrongPaths := jsonPathsOf(plan, wrong, ""); len(wrongPaths) != 0 {
				t.Errorf("the saved plan's JSON holds the refused password at %v", wrongPaths)
			}
		})
	}
}
