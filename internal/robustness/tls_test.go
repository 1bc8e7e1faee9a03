package robustness_test

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

// startTLSEmulator serves an emulator over HTTPS with a certificate from a CA made for the
// test, and returns it with the path of the CA's PEM file.
func startTLSEmulator(t *testing.T, opts emulator.Options) (*emulator.Emulator, string) {
	t.Helper()
	caPEM, cert, err := emulator.NewTestCA()
	if err != nil {
		t.Fatalf("creating the test CA: %v", err)
	}
	caFile := filepath.Join(t.TempDir(), "test-ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	e := emulator.New(opts)
	if err := e.StartTLS(cert); err != nil {
		t.Fatalf("starting the emulator over TLS: %v", err)
	}
	t.Cleanup(e.Close)
	if e.Scheme() != "HTTPS" {
		t.Fatalf("the emulator serves %s, want HTTPS", e.Scheme())
	}
	return e, caFile
}

// tcpCounter relays TCP connections on a loopback port to a target and counts them, so that
// connections that fail before any HTTP request (a refused certificate) are still seen.
type tcpCounter struct {
	ln    net.Listener
	conns atomic.Int32
	wg    sync.WaitGroup
}

func startTCPCounter(t *testing.T, target string) *tcpCounter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpCounter{ln: ln}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			p.conns.Add(1)
			p.wg.Add(1)
			go p.relay(conn, target)
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		p.wg.Wait()
	})
	return p
}

func (p *tcpCounter) relay(conn net.Conn, target string) {
	defer p.wg.Done()
	defer func() { _ = conn.Close() }()
	up, err := net.DialTimeout("tcp", target, 5*time.Second)
	if err != nil {
		return
	}
	defer func() { _ = up.Close() }()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(up, conn)
		_ = up.Close()
		close(done)
	}()
	_, _ = io.Copy(conn, up)
	_ = conn.Close()
	<-done
}

func (p *tcpCounter) addr() string { return p.ln.Addr().String() }

// TestTLSWithCACertFile applies, plans and destroys a backend over HTTPS, trusting the
// emulator's certificate through ca_cert_file.
func TestTLSWithCACertFile(t *testing.T) {
	e, caFile := startTLSEmulator(t, emulator.Options{})
	config := providerHCL(append(connection(e.Domain(), "HTTPS", emulator.DefaultAccessKeyID, emulator.DefaultAccessKeyPassword),
		fmt.Sprintf("ca_cert_file        = %q", caFile))...) +
		backendHCL("tls", emulator.FixtureListenerWeb, "bm-0701", "[80]")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("zenlayer_bmc_lb_backend.tls", plancheck.ResourceActionCreate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(func() error {
				return checkListeners(e, map[string]int{emulator.FixtureListenerWeb: 1}, 100)
			})},
		}},
	})
	if n := e.BackendCount(); n != 0 {
		t.Errorf("%d backends left after destroy", n)
	}
	t.Logf("over HTTPS with ca_cert_file: calls %v", e.Calls())
}

// TestTLSUnknownAuthority applies a backend over HTTPS without trusting the emulator's CA: the
// apply fails with the certificate error and the provider does not retry it, although
// max_retries allows five retries.
func TestTLSUnknownAuthority(t *testing.T) {
	e, _ := startTLSEmulator(t, emulator.Options{})
	counter := startTCPCounter(t, e.Domain())
	config := providerHCL(append(connection(counter.addr(), "HTTPS", emulator.DefaultAccessKeyID, emulator.DefaultAccessKeyPassword),
		"max_retries         = 5")...) +
		backendHCL("tls", emulator.FixtureListenerWeb, "bm-0702", "[80]")
	var start time.Time

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { start = time.Now() },
			Config:    config,
			ExpectError: acctest.ErrorPattern(`Error: Unable to Register Backend .* The request did not reach the API, so ` +
				`nothing was registered.* RegisterBackend did not get an answer: ` +
				`.* tls: failed to verify certificate: x509: certificate signed by unknown authority`),
		}},
	})
	took := time.Since(start)

	// One connection for RegisterBackend and nothing more: a refused certificate proves the
	// request was never sent, so it is neither retried nor followed by a lookup.
	conns := counter.conns.Load()
	t.Logf("without the CA: %d TCP connections, %d API calls reached the emulator, the failing step took %s",
		conns, sum(e.Calls()), took.Round(time.Millisecond))
	if conns != 1 {
		t.Errorf("%d connections were attempted, want 1: the certificate failure must not be retried", conns)
	}
	if calls := e.Calls(); len(calls) != 0 {
		t.Errorf("calls %v reached the API over a connection whose certificate was refused", calls)
	}
	if n := e.BackendCount(); n != 0 {
		t.Errorf("%d backends registered", n)
	}
}

// configureProvider configures a fresh provider server over the plugin protocol with the
// given provider arguments (unset ones null) and returns its diagnostics. Configuring makes
// no API call, so any domain is safe.
func configureProvider(t *testing.T, args map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := t.Context()
	server, err := acctest.ProviderFactories["zenlayer"]()
	if err != nil {
		t.Fatal(err)
	}
	schemaResp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || schemaResp.Provider == nil {
		t.Fatalf("GetProviderSchema: %v", err)
	}
	typ, ok := schemaResp.Provider.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("the provider schema's type is %T, want an object", schemaResp.Provider.ValueType())
	}
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		if v, ok := args[name]; ok {
			values[name] = v
		} else {
			values[name] = tftypes.NewValue(attrType, nil)
		}
	}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4",
		Config:           &config,
	})
	if err != nil {
		t.Fatalf("ConfigureProvider: %v", err)
	}
	return resp.Diagnostics
}

// TestUnencryptedWarning configures the provider with plain HTTP and HTTPS for loopback and
// other hosts, and checks that only plain HTTP to a host other than this machine warns.
func TestUnencryptedWarning(t *testing.T) {
	t.Parallel()
	cases := []struct {
		scheme, domain string
		warn           bool
	}{
		{"HTTP", "127.0.0.1:8080", false},
		{"http", "127.0.0.1", false},
		{"HTTP", "127.10.20.30:8080", false},
		{"HTTP", "localhost:8080", false},
		{"HTTP", "LOCALHOST", false},
		{"HTTP", "[::1]:8080", false},
		{"HTTP", "console.zenlayer.com", true},
		{"http", "zenlayer-api.invalid:8080", true},
		{"HTTP", "10.1.2.3:8080", true},
		{"HTTP", "localhost.example.com", true},
		{"HTTP", "127.0.0.1.example.com", true},
		{"HTTPS", "console.zenlayer.com", false},
		{"HTTPS", "10.1.2.3:8443", false},
	}
	for _, c := range cases {
		diags := configureProvider(t, map[string]tftypes.Value{
			"access_key_id":       tftypes.NewValue(tftypes.String, "AKIDWARN"),
			"access_key_password": tftypes.NewValue(tftypes.String, "warn-password"),
			"domain":              tftypes.NewValue(tftypes.String, c.domain),
			"scheme":              tftypes.NewValue(tftypes.String, c.scheme),
		})
		var warnings, errors int
		found := false
		for _, d := range diags {
			switch d.Severity {
			case tfprotov6.DiagnosticSeverityError:
				errors++
			case tfprotov6.DiagnosticSeverityWarning:
				warnings++
				if d.Summary == "Unencrypted API Connection" &&
					strings.Contains(d.Detail, "Requests to "+c.domain+" are sent over plain HTTP") &&
					d.Attribute != nil && d.Attribute.String() == tftypes.NewAttributePath().WithAttributeName("scheme").String() {
					found = true
				}
			}
		}
		t.Logf("%s %s: %d warnings, %d errors", c.scheme, c.domain, warnings, errors)
		if errors != 0 {
			t.Errorf("%s %s: unexpected errors %s", c.scheme, c.domain, describeDiagnostics(diags))
		}
		switch {
		case c.warn && (!found || warnings != 1):
			t.Errorf("%s %s: want one Unencrypted API Connection warning on scheme naming the domain, got %s",
				c.scheme, c.domain, describeDiagnostics(diags))
		case !c.warn && warnings != 0:
			t.Errorf("%s %s: want no warning, got %s", c.scheme, c.domain, describeDiagnostics(diags))
		}
	}
}

// TestUnencryptedWarningInCLI plans a new backend through the real CLI, once against the
// emulator over plain HTTP on loopback and once against a host under .invalid, which never
// resolves. Planning a create makes no API call, so the second host is never contacted.
func TestUnencryptedWarningInCLI(t *testing.T) {
	t.Parallel()
	e := acctest.StartEmulator(t, emulator.Options{})
	c := newCLI(t, nil)
	backend := backendHCL("plain", emulator.FixtureListenerWeb, "bm-0703", "[80]")

	c.write(acctest.ProviderBlock(e) + backend)
	local := c.try("plan", "-detailed-exitcode", "-input=false", "-no-color")
	if local.ExitCode != 2 {
		t.Fatalf("plan against the emulator exited %d, want 2:\n%s", local.ExitCode, local.Output())
	}
	if strings.Contains(local.Output(), "Unencrypted API Connection") {
		t.Errorf("plain HTTP to loopback %s warned:\n%s", e.Domain(), local.Output())
	}

	const remote = "zenlayer-api.invalid"
	c.write(providerHCL(connection(remote, "HTTP", emulator.DefaultAccessKeyID, emulator.DefaultAccessKeyPassword)...) + backend)
	far := c.try("plan", "-detailed-exitcode", "-input=false", "-no-color")
	if far.ExitCode != 2 {
		t.Fatalf("plan against %s exited %d, want 2:\n%s", remote, far.ExitCode, far.Output())
	}
	want := acctest.ErrorPattern(`Warning: Unencrypted API Connection .* scheme = "HTTP" .* Requests to ` + remote +
		` are sent over plain HTTP, so anyone on the network path can read them.`)
	if !want.MatchString(far.Output()) {
		t.Errorf("plain HTTP to %s gave no Unencrypted API Connection warning on scheme:\n%s", remote, far.Output())
	}
	if n := strings.Count(far.Output(), "Warning: Unencrypted API Connection"); n != 1 {
		t.Errorf("%d Unencrypted API Connection warnings, want 1", n)
	}
	if calls := e.Calls(); len(calls) != 0 {
		t.Errorf("planning a create called the API: %v", calls)
	}
}
