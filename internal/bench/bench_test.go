package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// smokeSize is the number of backends of the smoke run: enough for the shared reads to matter,
// small enough for the run to take seconds.
const smokeSize = 20

// TestSmoke runs every row of the benchmark at a small size against a real terraform and the
// emulator, and checks what does not depend on timing: the number of reads of a plan, the
// calls of apply and destroy, the consistency checks, and that the report prints.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform against the emulator; skipped with -short")
	}
	if err := lookTerraform(); err != nil {
		t.Fatalf("the benchmark needs terraform (TF_ACC_TERRAFORM_PATH or PATH): %v", err)
	}

	cfg := DefaultConfig()
	cfg.Sizes = []int{smokeSize}
	cfg.WriteSize = smokeSize
	cfg.WriteLevels = []int{1, 4}
	cfg.CreateDelays = []time.Duration{500 * time.Millisecond}
	cfg.CommandTimeout = 2 * time.Minute
	cfg.WorkDir = t.TempDir()

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	progress := io.Discard
	if testing.Verbose() {
		progress = testWriter{t}
	}
	report, err := Run(ctx, cfg, progress)
	if report != nil && report.builtProviderDir != "" {
		t.Cleanup(func() { _ = os.RemoveAll(report.builtProviderDir) })
	}
	if err != nil {
		t.Fatalf("the benchmark did not run: %v", err)
	}

	plan, ok := report.row(smokeSize, "plan")
	if !ok {
		t.Fatalf("no plan row for N=%d", smokeSize)
	}
	if reads := plan.Provider.reads(); reads > planReadLimit || reads == 0 {
		t.Errorf("plan of %d backends on one listener made %d Describe* calls (%s); want 1 to %d",
			smokeSize, reads, readSummary(plan.Provider.Calls), planReadLimit)
	}
	if plan.Provider.Calls["RegisterBackend"]+plan.Provider.Calls["DeregisterBackend"] != 0 {
		t.Errorf("plan wrote to the API: %s", callSummary(plan.Provider.Calls))
	}

	apply, _ := report.row(smokeSize, "apply")
	if got := apply.Provider.Calls["RegisterBackend"]; got != smokeSize {
		t.Errorf("apply sent %d RegisterBackend calls; want %d", got, smokeSize)
	}
	destroy, _ := report.row(smokeSize, "destroy")
	if got := destroy.Provider.Calls["DeregisterBackend"]; got != smokeSize {
		t.Errorf("destroy sent %d DeregisterBackend calls; want %d", got, smokeSize)
	}
	if apply.Provider.Provider.Processes == 0 || apply.Provider.Provider.PeakRSSBytes == 0 {
		t.Errorf("no provider process was sampled during apply: %+v", apply.Provider.Provider)
	}
	for _, c := range report.Checks {
		if c.Result != "PASS" {
			t.Errorf("check %q: %s, expected %s", c.Name, c.Measured, c.Limit)
		}
	}
	if len(report.Writes) != len(cfg.WriteLevels) || len(report.Creates) != len(cfg.CreateDelays) {
		t.Errorf("got %d write rows and %d create rows; want %d and %d",
			len(report.Writes), len(report.Creates), len(cfg.WriteLevels), len(cfg.CreateDelays))
	}

	var out bytes.Buffer
	report.Write(&out, "go test ./internal/bench")
	text := out.String()
	for _, want := range []string{
		"| N ", "| command ", "| provider s ", "| baseline s ", "DescribeBackends", "provider peak RSS MB",
		"### Apply against the API floor", "### Apply of 20 backends by max_concurrent_writes_per_listener",
		"### Create latency of one backend", "### Targets",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
	for _, command := range []string{"apply", "plan", "destroy"} {
		row := regexp.MustCompile(fmt.Sprintf(`(?m)^\| %d +\| %s +\| [0-9]+\.[0-9]{2} +\| [0-9]+\.[0-9]{2} +\|`, smokeSize, command))
		if !row.MatchString(text) {
			t.Errorf("the report has no %s row for N=%d with both wall times:\n%s", command, smokeSize, text)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Log("\n" + text)
	}
}

// TestTableAlignsColumns checks the Markdown table writer on a fixed input.
func TestTableAlignsColumns(t *testing.T) {
	tb := newTable("N", "command")
	tb.add("1000", "plan")
	var out bytes.Buffer
	tb.write(&out)
	want := "| N    | command |\n| ---- | ------- |\n| 1000 | plan    |\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// TestTargetsFailOnMisses checks that a report with misses fails and one without passes.
func TestTargetsFailOnMisses(t *testing.T) {
	mk := func(planReads int, planWall, rss int64) *Report {
		r := &Report{Config: DefaultConfig()}
		calls := map[string]int{"DescribeBackends": planReads}
		r.Rows = []pairRow{
			{N: planTargetSize, Command: "plan",
				Provider: sample{Wall: time.Duration(planWall) * time.Second, Calls: calls,
					Provider: procUsage{PeakRSSBytes: rss, Processes: 1}},
				Baseline: sample{Wall: 10 * time.Second}},
			{N: applyTargetSize, Command: "apply",
				Provider: sample{Wall: 12 * time.Second, Calls: map[string]int{}},
				Baseline: sample{Wall: 5 * time.Second}},
		}
		return r
	}
	if r := mk(2, 11, 40e6); r.Failed() {
		t.Errorf("a report within every target failed: %+v", r.Targets())
	}
	for name, r := range map[string]*Report{
		"too many reads":  mk(6, 11, 40e6),
		"plan too slow":   mk(2, 14, 40e6),
		"too much memory": mk(2, 11, 120e6),
	} {
		if !r.Failed() {
			t.Errorf("%s: the report passed: %+v", name, r.Targets())
		}
	}
}

// testWriter sends progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
