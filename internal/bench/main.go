// Command bench measures how the zenlayer_bmc_lb_backend resource scales: terraform apply,
// plan and destroy of N backends on one listener against an in-process emulator with a fixed
// latency per API call, side by side with the same commands on N terraform_data resources,
// which need no provider and show Terraform's own cost. It prints Markdown tables and checks
// the targets in README.md, exiting 1 when one is missed (unless -no-fail) and 2 when the
// benchmark itself could not run.
//
// Run it from the repository with `make bench` or `go run ./internal/bench`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args, runs the benchmark and prints the report to stdout and progress to stderr.
// It returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, opts, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	if err := lookTerraform(); err != nil {
		fmt.Fprintln(stderr, "bench: terraform was not found (set TF_ACC_TERRAFORM_PATH or put it on PATH):", err)
		return 2
	}

	ctx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()
	report, err := Run(ctx, cfg, stderr)
	if report != nil && report.builtProviderDir != "" {
		defer os.RemoveAll(report.builtProviderDir)
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		if report != nil && len(report.Rows) > 0 {
			fmt.Fprintln(stderr, "bench: the rows measured before the failure follow")
			report.Write(stdout, commandLine(args))
		}
		return 2
	}

	report.Write(stdout, commandLine(args))
	if opts.out != "" {
		f, err := os.Create(opts.out)
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 2
		}
		report.Write(f, commandLine(args))
		if err := f.Close(); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 2
		}
	}
	if report.Failed() {
		if opts.noFail {
			fmt.Fprintln(stderr, "bench: some targets were missed (-no-fail: exiting 0)")
			return 0
		}
		fmt.Fprintln(stderr, "bench: some targets were missed")
		return 1
	}
	return 0
}

// options are the flags that are not part of the measurement.
type options struct {
	noFail  bool
	out     string
	timeout time.Duration
}

func parseFlags(args []string, output io.Writer) (Config, options, error) {
	cfg := DefaultConfig()
	var opts options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(output)

	sizes := intList(&cfg.Sizes)
	fs.Var(&sizes, "n", "comma-separated `sizes` of the apply, plan and destroy rows")
	fs.DurationVar(&cfg.Latency, "latency", cfg.Latency, "latency the emulator adds to every API call")
	fs.IntVar(&cfg.Parallelism, "parallelism", cfg.Parallelism, "terraform -parallelism of every command")
	fs.IntVar(&cfg.PlanRuns, "plan-runs", cfg.PlanRuns, "number of plan runs of each size, alternating provider and baseline (the rows show medians)")
	fs.IntVar(&cfg.WriteSize, "writes-n", cfg.WriteSize, "backends of the write-concurrency rows (0 leaves them out)")
	levels := intList(&cfg.WriteLevels)
	fs.Var(&levels, "writes", "comma-separated `levels` of max_concurrent_writes_per_listener to compare")
	delays := durationList(&cfg.CreateDelays)
	fs.Var(&delays, "pending", "comma-separated PendingFor `durations` of the create-latency rows (\"none\" leaves them out)")
	fs.StringVar(&cfg.ProviderDir, "provider-dir", "", "use the terraform-provider-zenlayer binary in this `directory` instead of building one")
	fs.StringVar(&cfg.WorkDir, "work", "", "keep the Terraform working directories in this `directory`")
	fs.StringVar(&cfg.TFLogDir, "tf-log-dir", "", "write a TF_LOG=DEBUG log of every command to this `directory` (slows Terraform)")
	fs.Func("provider-env", "add `KEY=VALUE` to the environment of the provider rows (repeatable)", func(kv string) error {
		cfg.ProviderEnv = append(cfg.ProviderEnv, kv)
		return nil
	})
	fs.DurationVar(&cfg.CommandTimeout, "command-timeout", cfg.CommandTimeout, "bound on each terraform command")
	fs.DurationVar(&cfg.SampleEvery, "sample", cfg.SampleEvery, "interval of the provider memory sampling")
	fs.DurationVar(&opts.timeout, "timeout", 20*time.Minute, "bound on the whole run")
	fs.BoolVar(&opts.noFail, "no-fail", false, "print missed targets but exit 0")
	fs.StringVar(&opts.out, "out", "", "also write the report to this `file`")
	if err := fs.Parse(args); err != nil {
		return cfg, opts, err
	}
	if fs.NArg() > 0 {
		return cfg, opts, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if opts.timeout <= 0 {
		return cfg, opts, errors.New("-timeout must be positive")
	}
	return cfg, opts, cfg.validate()
}

// commandLine is how the report names the command that produced it.
func commandLine(args []string) string {
	if len(args) == 0 {
		return "go run ./internal/bench"
	}
	return "go run ./internal/bench " + strings.Join(args, " ")
}

// intListValue is a flag holding comma-separated integers.
type intListValue struct{ p *[]int }

func intList(p *[]int) intListValue { return intListValue{p} }

func (v intListValue) String() string {
	if v.p == nil {
		return ""
	}
	parts := make([]string, 0, len(*v.p))
	for _, n := range *v.p {
		parts = append(parts, strconv.Itoa(n))
	}
	return strings.Join(parts, ",")
}

func (v intListValue) Set(s string) error {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return fmt.Errorf("%q is not a whole number", part)
		}
		out = append(out, n)
	}
	*v.p = out
	return nil
}

// durationListValue is a flag holding comma-separated durations, or "none".
type durationListValue struct{ p *[]time.Duration }

func durationList(p *[]time.Duration) durationListValue { return durationListValue{p} }

func (v durationListValue) String() string {
	if v.p == nil {
		return ""
	}
	parts := make([]string, 0, len(*v.p))
	for _, d := range *v.p {
		parts = append(parts, d.String())
	}
	return strings.Join(parts, ",")
}

func (v durationListValue) Set(s string) error {
	if strings.TrimSpace(s) == "none" {
		*v.p = nil
		return nil
	}
	var out []time.Duration
	for part := range strings.SplitSeq(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil {
			return err
		}
		out = append(out, d)
	}
	*v.p = out
	return nil
}
