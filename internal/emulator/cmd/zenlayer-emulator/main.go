// Command zenlayer-emulator runs the in-memory Zenlayer BMC load-balancing
// emulator as a standalone loopback server, so that other processes (a
// Terraform run, a shell script) can talk to it.
//
// It prints the endpoint, the credentials as shell export lines and the
// fixture IDs, optionally writes them to a KEY=VALUE state file, and stops
// cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "zenlayer-emulator:", err)
		}
		os.Exit(2)
	}
}

type config struct {
	listen, fixtures, caOut, stateFile string
	accessKeyID, accessKeyPassword     string
	seed                               int64
	latency, pending, deleting, skew   time.Duration
	faults                             emulator.Faults
	faultActions                       string
	instances                          int
	tls, rejectOverlapping             bool
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("zenlayer-emulator", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:0", "loopback `address` to listen on")
	fs.Int64Var(&c.seed, "seed", 1, "seed of the fault injection random source")
	fs.DurationVar(&c.latency, "latency", 0, "delay added to every API call")
	fs.DurationVar(&c.pending, "pending", 0, "how long new resources stay Creating or Registering")
	fs.DurationVar(&c.deleting, "deleting", 0, "how long deregistered backends stay Deregistering")
	fs.DurationVar(&c.skew, "max-clock-skew", emulator.DefaultMaxClockSkew, "accepted difference between X-ZC-Timestamp and the clock")
	fs.Float64Var(&c.faults.ThrottleRate, "throttle-rate", 0, "share of calls answered 429 REQUEST_LIMIT_EXCEEDED")
	fs.Float64Var(&c.faults.ServerErrorRate, "server-error-rate", 0, "share of calls answered 500 or 503 without being applied")
	fs.Float64Var(&c.faults.ResetRate, "reset-rate", 0, "share of calls whose connection is reset without being applied")
	fs.Float64Var(&c.faults.DropResponseRate, "drop-response-rate", 0, "share of write calls applied but left without a response")
	fs.StringVar(&c.faultActions, "fault-actions", "", "comma-separated `actions` the faults apply to (default all)")
	fs.BoolVar(&c.rejectOverlapping, "reject-overlapping-writes", false, "refuse a write on a listener while another is in flight")
	fs.IntVar(&c.instances, "instances", 0, "number of BM instances bm-0001... (default: as the fixtures have)")
	fs.StringVar(&c.fixtures, "fixtures", "", "JSON `file` with the initial state (default: built-in fixtures)")
	fs.BoolVar(&c.tls, "tls", false, "serve HTTPS with a certificate from a fresh self-signed CA")
	fs.StringVar(&c.caOut, "ca-out", "", "`file` to write the CA certificate to, in PEM (needed with -tls)")
	fs.StringVar(&c.accessKeyID, "access-key-id", emulator.DefaultAccessKeyID, "accepted access key ID")
	fs.StringVar(&c.accessKeyPassword, "access-key-password", emulator.DefaultAccessKeyPassword, "accepted access key password")
	fs.StringVar(&c.stateFile, "state-file", "", "`file` to write KEY=VALUE connection settings to once listening")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := checkLoopback(c.listen); err != nil {
		return c, err
	}
	if c.tls && c.caOut == "" {
		return c, errors.New("-tls needs -ca-out, the file the client's trusted CA is written to")
	}
	if c.faultActions != "" {
		for _, a := range strings.Split(c.faultActions, ",") {
			if a = strings.TrimSpace(a); a != "" {
				c.faults.Actions = append(c.faults.Actions, a)
			}
		}
	}
	if err := c.faults.Validate(); err != nil {
		return c, fmt.Errorf("faults: %w", err)
	}
	if c.accessKeyID == "" || c.accessKeyPassword == "" {
		return c, errors.New("-access-key-id and -access-key-password must not be empty")
	}
	return c, nil
}

// checkLoopback refuses listen addresses outside the loopback interface.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-listen %q: only loopback addresses such as 127.0.0.1 are allowed", addr)
	}
	return nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	c, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	var fx *emulator.Fixtures
	if c.fixtures != "" {
		if fx, err = emulator.LoadFixtures(c.fixtures); err != nil {
			return err
		}
	}
	e := emulator.New(emulator.Options{
		AccessKeyID:             c.accessKeyID,
		AccessKeyPassword:       c.accessKeyPassword,
		Seed:                    c.seed,
		Latency:                 c.latency,
		PendingFor:              c.pending,
		DeletingFor:             c.deleting,
		MaxClockSkew:            c.skew,
		Faults:                  c.faults,
		RejectOverlappingWrites: c.rejectOverlapping,
		Fixtures:                fx,
		InstanceCount:           c.instances,
		Addr:                    c.listen,
	})

	env := []string{}
	if c.tls {
		caPEM, cert, err := emulator.NewTestCA()
		if err != nil {
			return err
		}
		if err := writeFileAtomic(c.caOut, caPEM); err != nil {
			return fmt.Errorf("write CA certificate: %w", err)
		}
		if err := e.StartTLS(cert); err != nil {
			return err
		}
		abs, err := filepath.Abs(c.caOut)
		if err != nil {
			abs = c.caOut
		}
		env = append(env, "SSL_CERT_FILE="+shellQuote(abs))
	} else if err := e.Start(); err != nil {
		return err
	}
	defer e.Close()

	env = append([]string{
		"ZENLAYERCLOUD_DOMAIN=" + shellQuote(e.Domain()),
		"ZENLAYERCLOUD_SCHEME=" + shellQuote(e.Scheme()),
		"ZENLAYERCLOUD_ACCESS_KEY_ID=" + shellQuote(c.accessKeyID),
		"ZENLAYERCLOUD_ACCESS_KEY_PASSWORD=" + shellQuote(c.accessKeyPassword),
	}, env...)
	if c.stateFile != "" {
		if err := writeFileAtomic(c.stateFile, []byte(strings.Join(env, "\n")+"\n")); err != nil {
			return fmt.Errorf("write state file: %w", err)
		}
		defer os.Remove(c.stateFile)
	}

	printBanner(out, e, env)

	<-ctx.Done()
	fmt.Fprintln(out, "Stopping.")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func printBanner(out io.Writer, e *emulator.Emulator, env []string) {
	fmt.Fprintf(out, "Zenlayer emulator listening on %s (API: POST %s%s)\n", e.URL(), e.URL(), emulator.APIPath)
	for _, kv := range env {
		fmt.Fprintln(out, "export "+kv)
	}
	fx := e.Fixtures()
	for _, lb := range fx.LoadBalancers {
		fmt.Fprintf(out, "Load balancer %s (%s, zone %s, %s)\n", lb.ID, lb.Name, lb.ZoneID, lb.IPType)
		for _, l := range lb.Listeners {
			ports := make([]string, len(l.Ports))
			for i, p := range l.Ports {
				ports[i] = fmt.Sprint(p)
			}
			fmt.Fprintf(out, "  listener %s (%s, %s %s, %s)\n", l.ID, l.Name, l.Protocol, strings.Join(ports, ","), l.Kind)
		}
	}
	byType := map[string][]string{}
	var failing []string
	for _, in := range fx.Instances {
		if in.Fails {
			failing = append(failing, in.ID)
			continue
		}
		byType[in.Type] = append(byType[in.Type], in.ID)
	}
	for _, t := range []string{"BM", "VM"} {
		ids := byType[t]
		if len(ids) == 0 {
			continue
		}
		sample := ids[:min(3, len(ids))]
		fmt.Fprintf(out, "Instances %s: %d (%s ... %s)\n", t, len(ids), strings.Join(sample, ", "), ids[len(ids)-1])
	}
	if len(failing) > 0 {
		fmt.Fprintf(out, "Instances whose registrations fail: %s\n", strings.Join(failing, ", "))
	}
	fmt.Fprintf(out, "Admin: GET %s/_emulator/stats, POST %s/_emulator/reset, /_emulator/faults, /_emulator/latency?ms=N\n", e.URL(), e.URL())
}

// safeShellValue matches values that need no quoting in a shell.
var safeShellValue = regexp.MustCompile(`^[A-Za-z0-9._:/@%+=,-]*$`)

// shellQuote quotes v for a POSIX shell when it needs quoting.
func shellQuote(v string) string {
	if safeShellValue.MatchString(v) {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// writeFileAtomic writes data to a temporary file next to path and renames
// it, so that a reader never sees a partly written file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
