package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/clirun"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

// providerProgram is the prefix of the provider binary's name, by which its processes are
// found below a terraform process.
const providerProgram = "terraform-provider-zenlayer"

// Config is one run of the benchmark.
type Config struct {
	// Sizes are the numbers of backends of the apply, plan and destroy rows.
	Sizes []int
	// Latency is added by the emulator to every API call.
	Latency time.Duration
	// Parallelism is passed to every terraform command as -parallelism.
	Parallelism int
	// PlanRuns is how many times the plan of each size is run, alternating the provider and
	// the baseline workspace; the plan rows show the medians. Apply and destroy run once.
	PlanRuns int
	// WriteSize is the number of backends of the write-concurrency rows; zero leaves them out.
	WriteSize int
	// WriteLevels are the values of max_concurrent_writes_per_listener those rows compare.
	WriteLevels []int
	// CreateDelays are the emulator PendingFor values of the create-latency rows; empty leaves
	// them out.
	CreateDelays []time.Duration
	// CreateSlack is how much longer than PendingFor a create may take to return.
	CreateSlack time.Duration
	// WorkDir holds the Terraform working directories; empty means a temporary directory that
	// is removed at the end.
	WorkDir string
	// TFLogDir, when set, receives a TF_LOG=DEBUG log of every terraform command. Logging
	// slows Terraform down, so timings taken with it are not comparable.
	TFLogDir string
	// ProviderEnv are KEY=VALUE pairs added to the environment of the terraform commands of
	// the provider rows, which pass them on to the provider processes (TF_LOG_SDK, GODEBUG).
	// Terraform itself sees them too, so runtime settings such as GOGC change both sides of
	// those rows; the baseline rows do not get them.
	ProviderEnv []string
	// ProviderDir, when set, holds a terraform-provider-zenlayer binary to use instead of
	// building one from the repository.
	ProviderDir string
	// CommandTimeout bounds each terraform command.
	CommandTimeout time.Duration
	// SampleEvery is the interval of the process memory sampling.
	SampleEvery time.Duration
}

// DefaultConfig returns the configuration `make bench` runs.
func DefaultConfig() Config {
	return Config{
		Sizes:          []int{100, 500, 1000},
		Latency:        20 * time.Millisecond,
		Parallelism:    10,
		PlanRuns:       5,
		WriteSize:      500,
		WriteLevels:    []int{1, 4, 10},
		CreateDelays:   []time.Duration{2 * time.Second, 5 * time.Second},
		CreateSlack:    time.Second,
		CommandTimeout: 5 * time.Minute,
		SampleEvery:    20 * time.Millisecond,
	}
}

func (c Config) validate() error {
	if len(c.Sizes) == 0 {
		return errors.New("at least one size is needed")
	}
	for _, n := range append(slices.Clone(c.Sizes), c.WriteSize) {
		if n < 0 || n > 9999 {
			return fmt.Errorf("size %d is outside 0 to 9999", n)
		}
	}
	for _, n := range c.Sizes {
		if n == 0 {
			return errors.New("a size of 0 measures nothing")
		}
	}
	for _, w := range c.WriteLevels {
		if w < 1 || w > 64 {
			return fmt.Errorf("writes per listener %d is outside 1 to 64", w)
		}
	}
	for _, kv := range c.ProviderEnv {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return fmt.Errorf("provider environment %q is not KEY=VALUE", kv)
		}
	}
	for _, d := range c.CreateDelays {
		if d <= 0 {
			return fmt.Errorf("PendingFor %s of a create-latency row must be positive", d)
		}
	}
	switch {
	case c.Latency < 0:
		return errors.New("the latency must not be negative")
	case c.Parallelism < 1:
		return errors.New("the parallelism must be at least 1")
	case c.PlanRuns < 1:
		return errors.New("the number of plan runs must be at least 1")
	case c.CommandTimeout <= 0:
		return errors.New("the command timeout must be positive")
	case c.SampleEvery <= 0:
		return errors.New("the sampling interval must be positive")
	}
	return nil
}

// sample is what one terraform command did.
type sample struct {
	Label        string
	Wall         time.Duration
	ExitCode     int
	Calls        map[string]int
	PeakInFlight int
	// Provider covers every provider process below the terraform process.
	Provider procUsage
	// TerraformRSS is the terraform process's own peak resident set.
	TerraformRSS int64
	// TreeCPU is the user and system time of terraform and the children it waited for.
	TreeCPU time.Duration
	// FirstRegister and LastAnswer are emulator-side times; zero when there was no such call.
	FirstRegister, LastAnswer time.Time
}

// reads is the number of Describe* calls.
func (s sample) reads() int {
	n := 0
	for action, c := range s.Calls {
		if strings.HasPrefix(action, "Describe") {
			n += c
		}
	}
	return n
}

// pairRow is one command run on both workspaces. For a command run once, Provider and
// Baseline are the two samples. For a command run several times (plan), ProviderRuns and
// BaselineRuns hold every sample in the order they were run, and Provider and Baseline sum
// them up as summarize does.
type pairRow struct {
	N                          int
	Command                    string
	Provider, Baseline         sample
	ProviderRuns, BaselineRuns []sample
}

// providerRuns returns the provider samples of every run of the row.
func (row pairRow) providerRuns() []sample {
	if len(row.ProviderRuns) == 0 {
		return []sample{row.Provider}
	}
	return row.ProviderRuns
}

// baselineRuns returns the baseline samples of every run of the row.
func (row pairRow) baselineRuns() []sample {
	if len(row.BaselineRuns) == 0 {
		return []sample{row.Baseline}
	}
	return row.BaselineRuns
}

// median returns the median of ds, the mean of the two middle values when there is an even
// number of them, and zero when there are none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[mid]
	}
	return (sorted[mid-1] + sorted[mid]) / 2
}

// medianRun returns the index in runs of the median run by wall time. With an even number of
// runs it is the lower of the two middle ones, so that it names a run that took place.
func medianRun(runs []sample) int {
	order := make([]int, len(runs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(runs[a].Wall, runs[b].Wall) })
	return order[(len(order)-1)/2]
}

// summarize sums up several runs of one command on one workspace as one sample named label:
// the median wall time, provider CPU time and tree CPU time; the largest peak resident sets,
// process count and calls in flight; the calls and emulator-side times of the median run
// (medianRun); and the first non-zero exit code, or 0 when every run exited with 0. runs must
// not be empty.
func summarize(label string, runs []sample) sample {
	mid := runs[medianRun(runs)]
	out := sample{
		Label:         label,
		Calls:         mid.Calls,
		FirstRegister: mid.FirstRegister,
		LastAnswer:    mid.LastAnswer,
	}
	walls := make([]time.Duration, 0, len(runs))
	cpus := make([]time.Duration, 0, len(runs))
	trees := make([]time.Duration, 0, len(runs))
	for _, s := range runs {
		walls = append(walls, s.Wall)
		cpus = append(cpus, s.Provider.CPU)
		trees = append(trees, s.TreeCPU)
		out.PeakInFlight = max(out.PeakInFlight, s.PeakInFlight)
		out.Provider.PeakRSSBytes = max(out.Provider.PeakRSSBytes, s.Provider.PeakRSSBytes)
		out.Provider.Processes = max(out.Provider.Processes, s.Provider.Processes)
		out.TerraformRSS = max(out.TerraformRSS, s.TerraformRSS)
		if out.ExitCode == 0 {
			out.ExitCode = s.ExitCode
		}
	}
	out.Wall = median(walls)
	out.Provider.CPU = median(cpus)
	out.TreeCPU = median(trees)
	return out
}

// writeRow is one apply of the write-concurrency rows.
type writeRow struct {
	Writes int
	Sample sample
}

// createRow is one apply of a single backend while new backends stay pending.
type createRow struct {
	Pending time.Duration
	Sample  sample
}

// check is one verified property of the run.
type check struct {
	Name, Measured, Limit string
	Result                string // PASS, FAIL or SKIP
}

// Report is everything a run measured.
type Report struct {
	Config           Config
	Started          time.Time
	Duration         time.Duration
	TerraformVersion string
	GoVersion        string
	CPUs             int
	CPUModel         string
	LoadBefore       string
	LoadAfter        string

	Rows            []pairRow
	WriteBaseline   *sample
	Writes          []writeRow
	CreateReference *sample
	Creates         []createRow
	Checks          []check

	// builtProviderDir is the temporary directory of the provider binary the run built, if
	// it built one; the caller removes it when done.
	builtProviderDir string
}

// runner carries the state of one run.
type runner struct {
	cfg      Config
	progress io.Writer
	start    time.Time
	emu      *emulator.Emulator
	front    *front
	prov     *clirun.Workspace
	base     *clirun.Workspace
	report   *Report
}

// Run builds the provider, starts an emulator and runs every configured row. It returns an
// error only when the benchmark itself could not run, together with what was measured until
// then; targets missed are in the report.
func Run(ctx context.Context, cfg Config, progress io.Writer) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, progress: progress, start: time.Now()}
	r.report = &Report{
		Config:     cfg,
		Started:    r.start,
		GoVersion:  runtime.Version(),
		CPUs:       runtime.NumCPU(),
		CPUModel:   cpuModel(),
		LoadBefore: loadAverage(),
	}

	providerDir := cfg.ProviderDir
	var err error
	if providerDir == "" {
		r.logf("building the provider")
		providerDir, err = clirun.BuildProvider()
		if err != nil {
			return r.report, err
		}
		r.report.builtProviderDir = providerDir
	} else if _, err := os.Stat(filepath.Join(providerDir, providerProgram)); err != nil {
		return nil, fmt.Errorf("no provider binary in %s: %w", providerDir, err)
	}

	work := cfg.WorkDir
	if work == "" {
		work, err = os.MkdirTemp("", "zenlayer-bench-")
		if err != nil {
			return r.report, err
		}
		defer os.RemoveAll(work)
	}
	if cfg.TFLogDir != "" {
		if err := os.MkdirAll(cfg.TFLogDir, 0o755); err != nil {
			return r.report, err
		}
	}

	instances := emulator.DefaultInstanceCount
	for _, n := range append(slices.Clone(cfg.Sizes), cfg.WriteSize) {
		instances = max(instances, n)
	}
	r.emu = emulator.New(emulator.Options{Latency: cfg.Latency, InstanceCount: instances})
	r.front, err = startFront(r.emu)
	if err != nil {
		return r.report, err
	}
	defer r.front.close()

	quiet := map[string]string{
		"TF_LOG": "", "TF_LOG_PATH": "", "TF_LOG_CORE": "", "TF_LOG_PROVIDER": "",
		"TF_CLI_ARGS": "", "TF_CLI_ARGS_apply": "", "TF_CLI_ARGS_plan": "", "TF_CLI_ARGS_destroy": "",
		"TF_DATA_DIR": "", "TF_WORKSPACE": "", "TF_INPUT": "0",
	}
	r.prov, err = clirun.NewWorkspace(filepath.Join(work, "provider"), providerDir, quiet)
	if err != nil {
		return r.report, err
	}
	r.base, err = clirun.NewWorkspace(filepath.Join(work, "baseline"), providerDir, quiet)
	if err != nil {
		return r.report, err
	}
	// The baseline uses no provider binary, so its CLI configuration overrides nothing.
	if err := os.WriteFile(filepath.Join(r.base.Dir, ".terraformrc"), []byte("disable_checkpoint = true\n"), 0o600); err != nil {
		return r.report, err
	}

	r.report.TerraformVersion, err = terraformVersion(ctx, r.base)
	if err != nil {
		return r.report, err
	}

	if err := r.runSizes(ctx); err != nil {
		return r.report, err
	}
	if cfg.WriteSize > 0 && len(cfg.WriteLevels) > 0 {
		if err := r.runWrites(ctx); err != nil {
			return r.report, err
		}
	}
	if len(cfg.CreateDelays) > 0 {
		if err := r.runCreates(ctx); err != nil {
			return r.report, err
		}
	}

	r.report.LoadAfter = loadAverage()
	r.report.Duration = time.Since(r.start)
	return r.report, nil
}

// runSizes runs apply, plan and destroy of each size, each command on the provider workspace
// and then on the baseline, so that both see the same load on the machine. The plan, which
// changes nothing, is run PlanRuns times, alternating the two workspaces.
func (r *runner) runSizes(ctx context.Context) error {
	for _, n := range r.cfg.Sizes {
		if err := r.prov.WriteConfig(providerConfig(r.front.addr, n, 1)); err != nil {
			return err
		}
		if err := r.base.WriteConfig(baselineConfig(n)); err != nil {
			return err
		}
		if err := r.clearState(); err != nil {
			return err
		}

		for _, command := range []string{"apply", "plan", "destroy"} {
			if command == "plan" {
				if err := r.runPlans(ctx, n); err != nil {
					return err
				}
				continue
			}
			p, b, err := r.measurePair(ctx, fmt.Sprintf("%s-%d", command, n), "", r.args(command))
			if err != nil {
				return err
			}
			r.report.Rows = append(r.report.Rows, pairRow{N: n, Command: command, Provider: p, Baseline: b})

			got := len(r.emu.Backends(benchListener))
			if command == "apply" {
				r.addCheck(fmt.Sprintf("apply of %d registers every backend", n), got == n,
					fmt.Sprintf("%d backends on %s", got, benchListener), fmt.Sprintf("= %d", n))
			} else {
				r.addCheck(fmt.Sprintf("destroy of %d deregisters every backend", n), got == 0,
					fmt.Sprintf("%d backends on %s", got, benchListener), "= 0")
			}
		}
	}
	return nil
}

// measurePair runs one command on the provider workspace and then on the baseline, labeling
// the samples prefix-provider and prefix-baseline followed by suffix.
func (r *runner) measurePair(ctx context.Context, prefix, suffix string, args []string) (p, b sample, err error) {
	if p, err = r.measure(ctx, r.prov, prefix+"-provider"+suffix, args...); err != nil {
		return p, b, err
	}
	b, err = r.measure(ctx, r.base, prefix+"-baseline"+suffix, args...)
	return p, b, err
}

// runPlans runs the plan of n backends PlanRuns times on each workspace, provider then
// baseline each time, adds the pair row with every sample and checks every run: no changes
// on either side, and no more Describe* calls than the plan target allows.
func (r *runner) runPlans(ctx context.Context, n int) error {
	runs := r.cfg.PlanRuns
	args := r.args("plan")
	row := pairRow{N: n, Command: "plan"}
	for i := 1; i <= runs; i++ {
		p, b, err := r.measurePair(ctx, fmt.Sprintf("plan-%d", n), fmt.Sprintf("#%d", i), args)
		if err != nil {
			return err
		}
		row.ProviderRuns = append(row.ProviderRuns, p)
		row.BaselineRuns = append(row.BaselineRuns, b)
	}
	row.Provider = summarize(fmt.Sprintf("plan-%d-provider", n), row.ProviderRuns)
	row.Baseline = summarize(fmt.Sprintf("plan-%d-baseline", n), row.BaselineRuns)
	r.report.Rows = append(r.report.Rows, row)
	r.logf("plan-%d median of %d: provider %s s, baseline %s s, ratio %s", n, runs,
		secs(row.Provider.Wall), secs(row.Baseline.Wall), ratio(row.Provider.Wall, row.Baseline.Wall))

	r.addExitCheck(fmt.Sprintf("plan of %d after apply shows no changes (provider), %s", n, runCount(runs)), row.ProviderRuns)
	r.addExitCheck(fmt.Sprintf("plan of %d after apply shows no changes (baseline), %s", n, runCount(runs)), row.BaselineRuns)

	most, within := 0, 0
	for _, s := range row.ProviderRuns {
		most = max(most, s.reads())
		if s.reads() <= planReadLimit {
			within++
		}
	}
	r.addCheck(fmt.Sprintf("plan of %d makes at most %d Describe* calls, %s", n, planReadLimit, runCount(runs)),
		within == runs, fmt.Sprintf("at most %d per run (within the limit in %d of %d)", most, within, runs),
		fmt.Sprintf("≤ %d in every run", planReadLimit))
	return nil
}

// addExitCheck adds a check that every sample of runs exited with code 0.
func (r *runner) addExitCheck(name string, runs []sample) {
	var bad []string
	for i, s := range runs {
		if s.ExitCode != 0 {
			bad = append(bad, fmt.Sprintf("run %d: %d", i+1, s.ExitCode))
		}
	}
	measured := fmt.Sprintf("exit code 0 in %d of %d", len(runs)-len(bad), len(runs))
	if len(bad) > 0 {
		measured += " (" + strings.Join(bad, ", ") + ")"
	}
	r.addCheck(name, len(bad) == 0, measured, "exit code 0 in every run")
}

// runCount returns "1 run" or "n runs".
func runCount(n int) string {
	if n == 1 {
		return "1 run"
	}
	return fmt.Sprintf("%d runs", n)
}

// runWrites applies the same backends once per level of max_concurrent_writes_per_listener,
// starting from an empty listener each time, after one baseline apply of as many objects.
func (r *runner) runWrites(ctx context.Context) error {
	n := r.cfg.WriteSize
	if err := r.base.WriteConfig(baselineConfig(n)); err != nil {
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	b, err := r.measure(ctx, r.base, fmt.Sprintf("writes-%d-baseline", n), r.args("apply")...)
	if err != nil {
		return err
	}
	r.report.WriteBaseline = &b

	for _, w := range r.cfg.WriteLevels {
		if err := r.prov.WriteConfig(providerConfig(r.front.addr, n, w)); err != nil {
			return err
		}
		if err := r.clearState(); err != nil {
			return err
		}
		s, err := r.measure(ctx, r.prov, fmt.Sprintf("writes-%d-x%d-provider", n, w), r.args("apply")...)
		if err != nil {
			return err
		}
		got := len(r.emu.Backends(benchListener))
		r.addCheck(fmt.Sprintf("apply of %d with %d writes per listener registers every backend", n, w),
			got == n, fmt.Sprintf("%d backends on %s", got, benchListener), fmt.Sprintf("= %d", n))
		r.report.Writes = append(r.report.Writes, writeRow{Writes: w, Sample: s})
	}
	return r.clearState()
}

// runCreates applies one backend with PendingFor 0 as the reference, then once per delay.
func (r *runner) runCreates(ctx context.Context) error {
	defer r.emu.SetPendingFor(0)
	if err := r.prov.WriteConfig(providerConfig(r.front.addr, 1, 1)); err != nil {
		return err
	}
	for _, d := range append([]time.Duration{0}, r.cfg.CreateDelays...) {
		if err := r.clearState(); err != nil {
			return err
		}
		r.emu.SetPendingFor(d)
		s, err := r.measure(ctx, r.prov, fmt.Sprintf("create-pending-%s", d), r.args("apply")...)
		if err != nil {
			return err
		}
		if s.FirstRegister.IsZero() {
			return fmt.Errorf("the apply with PendingFor %s sent no RegisterBackend", d)
		}
		if d == 0 {
			r.report.CreateReference = &s
			continue
		}
		r.report.Creates = append(r.report.Creates, createRow{Pending: d, Sample: s})
	}
	return r.clearState()
}

// args returns the arguments of one terraform command as every row runs it.
func (r *runner) args(command string) []string {
	args := []string{command, "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", r.cfg.Parallelism)}
	switch command {
	case "apply", "destroy":
		args = append(args, "-auto-approve")
	case "plan":
		// Exit code 2 means the plan has changes; measure reports it rather than failing.
		args = append(args, "-detailed-exitcode")
	}
	return args
}

// clearState empties the emulator and forgets both workspaces' state, outside any timing.
func (r *runner) clearState() error {
	r.emu.ResetState()
	for _, ws := range []*clirun.Workspace{r.prov, r.base} {
		for _, name := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
			if err := os.Remove(filepath.Join(ws.Dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// measure runs one terraform command and samples it. Exit code 2 of a plan with
// -detailed-exitcode is returned in the sample; any other failure is an error.
func (r *runner) measure(ctx context.Context, ws *clirun.Workspace, label string, args ...string) (sample, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.CommandTimeout)
	defer cancel()

	cmd := ws.Command(ctx, args...)
	if ws == r.prov {
		cmd.Env = append(cmd.Env, r.cfg.ProviderEnv...)
	}
	if r.cfg.TFLogDir != "" {
		cmd.Env = append(cmd.Env, "TF_LOG=DEBUG", "TF_LOG_PATH="+filepath.Join(r.cfg.TFLogDir, label+".log"))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Terraform and its provider processes form one process group, so that a timeout or an
	// interrupt ends all of them and nothing else.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second

	r.front.reset()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, fmt.Errorf("%s: %w", label, err)
	}
	watch := watchProcesses(cmd.Process.Pid, providerProgram, r.cfg.SampleEvery)
	waitErr := cmd.Wait()
	wall := time.Since(start)
	provider, tfRSS := watch.Stop()

	s := sample{
		Label:        label,
		Wall:         wall,
		Calls:        r.emu.Calls(),
		PeakInFlight: r.emu.PeakInFlight(),
		Provider:     provider,
		TerraformRSS: tfRSS,
	}
	if s.Calls == nil {
		s.Calls = map[string]int{}
	}
	s.FirstRegister, s.LastAnswer = r.front.times()
	if ps := cmd.ProcessState; ps != nil {
		s.ExitCode = ps.ExitCode()
		s.TreeCPU = ps.UserTime() + ps.SystemTime()
	}

	planChanges := args[0] == "plan" && s.ExitCode == 2
	if waitErr != nil && !planChanges {
		return s, fmt.Errorf("terraform %s (%s) failed after %s: %w\n%s", strings.Join(args, " "), label,
			wall.Round(time.Millisecond), waitErr, tail(out.String(), 40))
	}
	r.logf("%-26s %8.2fs  calls %s  provider peak RSS %s MB", label, wall.Seconds(), callSummary(s.Calls), megabytes(provider.PeakRSSBytes))
	return s, nil
}

func (r *runner) addCheck(name string, ok bool, measured, limit string) {
	res := "PASS"
	if !ok {
		res = "FAIL"
	}
	r.report.Checks = append(r.report.Checks, check{Name: name, Measured: measured, Limit: limit, Result: res})
}

func (r *runner) logf(format string, args ...any) {
	if r.progress == nil {
		return
	}
	fmt.Fprintf(r.progress, "[%6.1fs] %s\n", time.Since(r.start).Seconds(), fmt.Sprintf(format, args...))
}

// terraformVersion asks the workspace's terraform for its version.
func terraformVersion(ctx context.Context, ws *clirun.Workspace) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := ws.Command(ctx, "version", "-json")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform version: %w", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		return "", fmt.Errorf("terraform version -json gave %q", out)
	}
	return v.Version, nil
}

// callSummary lists call counts by action in a stable order.
func callSummary(calls map[string]int) string {
	if len(calls) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(calls))
	for k := range calls {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, calls[k]))
	}
	return strings.Join(parts, " ")
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// loadAverage returns the 1, 5 and 15 minute load averages of the machine.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// cpuModel returns the processor's model name, or "" when /proc/cpuinfo does not say.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// lookTerraform reports whether a terraform binary can be found the way clirun finds it.
func lookTerraform() error {
	p, err := clirun.Terraform()
	if err != nil {
		return err
	}
	_, err = exec.LookPath(p)
	return err
}
