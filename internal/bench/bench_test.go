package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// smokeSize is the number of backends of the smoke run: enough for the shared reads to matter,
// small enough for the run to take seconds.
const smokeSize = 20

// smokePlanRuns is the number of plan runs of the smoke run: an even number, so that the
// median is the mean of the two middle values.
const smokePlanRuns = 2

// TestSmoke runs every row of the benchmark at a small size against a real terraform and the
// emulator, and checks what does not depend on timing: the number of reads of a plan, the
// calls of apply and destroy, the repeated plan runs and their medians, the consistency checks,
// and that the report prints.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform against the emulator; skipped with -short")
	}
	if err := lookTerraform(); err != nil {
		t.Fatalf("the benchmark needs terraform (TF_ACC_TERRAFORM_PATH or PATH): %v", err)
	}

	cfg := DefaultConfig()
	cfg.Sizes = []int{smokeSize}
	cfg.PlanRuns = smokePlanRuns
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
	if len(plan.ProviderRuns) != smokePlanRuns || len(plan.BaselineRuns) != smokePlanRuns {
		t.Fatalf("the plan row has %d provider and %d baseline runs; want %d of each",
			len(plan.ProviderRuns), len(plan.BaselineRuns), smokePlanRuns)
	}
	var provWalls, baseWalls []time.Duration
	var peak int64
	for i, s := range plan.ProviderRuns {
		if want := fmt.Sprintf("plan-%d-provider#%d", smokeSize, i+1); s.Label != want {
			t.Errorf("provider plan run %d is labeled %q; want %q", i+1, s.Label, want)
		}
		if want := fmt.Sprintf("plan-%d-baseline#%d", smokeSize, i+1); plan.BaselineRuns[i].Label != want {
			t.Errorf("baseline plan run %d is labeled %q; want %q", i+1, plan.BaselineRuns[i].Label, want)
		}
		if reads := s.reads(); reads > planReadLimit || reads == 0 {
			t.Errorf("plan run %d of %d backends on one listener made %d Describe* calls (%s); want 1 to %d",
				i+1, smokeSize, reads, readSummary(s.Calls), planReadLimit)
		}
		if s.Calls["RegisterBackend"]+s.Calls["DeregisterBackend"] != 0 {
			t.Errorf("plan run %d wrote to the API: %s", i+1, callSummary(s.Calls))
		}
		provWalls = append(provWalls, s.Wall)
		baseWalls = append(baseWalls, plan.BaselineRuns[i].Wall)
		peak = max(peak, s.Provider.PeakRSSBytes)
	}
	if want := (provWalls[0] + provWalls[1]) / 2; plan.Provider.Wall != want {
		t.Errorf("the plan row's provider wall time is %s; want the median of %v, %s", plan.Provider.Wall, provWalls, want)
	}
	if want := (baseWalls[0] + baseWalls[1]) / 2; plan.Baseline.Wall != want {
		t.Errorf("the plan row's baseline wall time is %s; want the median of %v, %s", plan.Baseline.Wall, baseWalls, want)
	}
	if plan.Provider.Provider.PeakRSSBytes != peak || peak == 0 {
		t.Errorf("the plan row's provider peak RSS is %d; want the largest of the runs, %d",
			plan.Provider.Provider.PeakRSSBytes, peak)
	}
	if reads := plan.Provider.reads(); reads > planReadLimit || reads == 0 {
		t.Errorf("the plan row shows %d Describe* calls (%s); want 1 to %d",
			reads, readSummary(plan.Provider.Calls), planReadLimit)
	}
	for _, side := range []string{"provider", "baseline"} {
		name := fmt.Sprintf("plan of %d after apply shows no changes (%s), %d runs", smokeSize, side, smokePlanRuns)
		if !slices.ContainsFunc(report.Checks, func(c check) bool { return c.Name == name }) {
			t.Errorf("no check %q among %+v", name, report.Checks)
		}
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
		"### Create latency of one backend", "### Targets", "### Plan runs", "| run ",
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
	for _, run := range []string{"1", "2", "median"} {
		row := regexp.MustCompile(fmt.Sprintf(`(?m)^\| %d +\| %s +\| [0-9]+\.[0-9]{2} +\| [0-9]+\.[0-9]{2} +\| [0-9]+\.[0-9]{2} +\|$`, smokeSize, run))
		if !row.MatchString(text) {
			t.Errorf("the plan runs table has no line %q for N=%d:\n%s", run, smokeSize, text)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Log("\n" + text)
	}
}

// TestMedian checks the median of odd and even numbers of values.
func TestMedian(t *testing.T) {
	s := time.Second
	for _, tc := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{7 * s}, 7 * s},
		{[]time.Duration{3 * s, 1 * s, 2 * s}, 2 * s},
		{[]time.Duration{5 * s, 1 * s, 4 * s, 2 * s, 3 * s}, 3 * s},
		{[]time.Duration{4 * s, 1 * s}, 2500 * time.Millisecond},
		{[]time.Duration{4 * s, 1 * s, 3 * s, 2 * s}, 2500 * time.Millisecond},
	} {
		in := slices.Clone(tc.in)
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %s; want %s", tc.in, got, tc.want)
		}
		if !slices.Equal(in, tc.in) {
			t.Errorf("median reordered its input: %v became %v", in, tc.in)
		}
	}
}

// TestSummarize checks how several runs are summed up: median times, largest peaks, the calls
// of the median run and the first non-zero exit code.
func TestSummarize(t *testing.T) {
	run := func(wall, cpu int, rss int64, exit int, reads int) sample {
		return sample{
			Wall:     time.Duration(wall) * time.Second,
			ExitCode: exit,
			Calls:    map[string]int{"DescribeBackends": reads},
			Provider: procUsage{PeakRSSBytes: rss, Processes: 1, CPU: time.Duration(cpu) * time.Second},
			TreeCPU:  time.Duration(cpu+1) * time.Second,
		}
	}
	odd := summarize("plan", []sample{run(5, 3, 30, 0, 1), run(3, 1, 40, 2, 2), run(4, 2, 35, 0, 3)})
	if odd.Label != "plan" || odd.Wall != 4*time.Second || odd.Provider.CPU != 2*time.Second ||
		odd.TreeCPU != 3*time.Second || odd.Provider.PeakRSSBytes != 40 || odd.ExitCode != 2 ||
		odd.Calls["DescribeBackends"] != 3 {
		t.Errorf("three runs summed up as %+v", odd)
	}
	even := summarize("plan", []sample{run(5, 3, 30, 0, 1), run(3, 1, 20, 0, 2)})
	if even.Wall != 4*time.Second || even.Provider.CPU != 2*time.Second || even.Provider.PeakRSSBytes != 30 ||
		even.ExitCode != 0 || even.Calls["DescribeBackends"] != 2 {
		t.Errorf("two runs summed up as %+v; want the calls of the faster run", even)
	}
}

// TestPlanTargetUsesMedians checks that the plan targets and the report use every run: the
// ratio of the medians with the spread of the per-run ratios, and the most reads of any run.
func TestPlanTargetUsesMedians(t *testing.T) {
	run := func(wall float64, reads int) sample {
		return sample{
			Wall:     time.Duration(wall * float64(time.Second)),
			Calls:    map[string]int{"DescribeBackends": reads},
			Provider: procUsage{PeakRSSBytes: 40e6, Processes: 1},
		}
	}
	row := pairRow{
		N: planTargetSize, Command: "plan",
		ProviderRuns: []sample{run(6, 2), run(5, 2), run(7, 6)},
		BaselineRuns: []sample{run(5, 0), run(5, 0), run(4, 0)},
	}
	row.Provider = summarize("plan-provider", row.ProviderRuns)
	row.Baseline = summarize("plan-baseline", row.BaselineRuns)
	r := &Report{Config: DefaultConfig(), Rows: []pairRow{row}}

	targets := map[string]check{}
	for _, c := range r.Targets() {
		targets[c.Name] = c
	}
	wall := targets[fmt.Sprintf("plan of %d backends: wall time vs baseline", planTargetSize)]
	if want := "1.20× median of 3 (provider 6.00 s, baseline 5.00 s; per-run ratios 1.00–1.75)"; wall.Measured != want || wall.Result != "PASS" {
		t.Errorf("the plan time target is %+v; want %q and PASS", wall, want)
	}
	reads := targets[fmt.Sprintf("plan of %d backends: Describe* calls in all", planTargetSize)]
	if want := "6 (DescribeBackends=6), the most of 3 runs"; reads.Measured != want || reads.Result != "FAIL" {
		t.Errorf("the plan read target is %+v; want %q and FAIL", reads, want)
	}

	var out bytes.Buffer
	r.Write(&out, "test")
	for _, want := range []string{
		"### Plan runs",
		"| 1000 | 1      | 6.00       | 5.00       | 1.20  |",
		"| 1000 | 3      | 7.00       | 4.00       | 1.75  |",
		"| 1000 | median | 6.00       | 5.00       | 1.20  |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestPlanRunsFlag checks the -plan-runs flag and its bound.
func TestPlanRunsFlag(t *testing.T) {
	if cfg, _, err := parseFlags(nil, io.Discard); err != nil || cfg.PlanRuns != 5 {
		t.Errorf("by default PlanRuns is %d (error %v); want 5", cfg.PlanRuns, err)
	}
	if cfg, _, err := parseFlags([]string{"-plan-runs", "3"}, io.Discard); err != nil || cfg.PlanRuns != 3 {
		t.Errorf("-plan-runs 3 gave PlanRuns %d (error %v); want 3", cfg.PlanRuns, err)
	}
	if _, _, err := parseFlags([]string{"-plan-runs", "0"}, io.Discard); err == nil {
		t.Error("-plan-runs 0 was accepted")
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
