package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Targets the run is held to.
const (
	planReadLimit    = 5
	planRatioLimit   = 1.3
	applyRatioLimit  = 1.3
	rssLimitBytes    = 100_000_000
	planTargetSize   = 1000
	applyTargetSize  = 500
	memoryTargetSize = 1000
)

// namedActions are the actions the main table has a column for; the rest are summed as other.
var namedActions = []string{"RegisterBackend", "DeregisterBackend", "DescribeBackends", "DescribeListeners"}

// row returns the pair row of a size and command.
func (r *Report) row(n int, command string) (pairRow, bool) {
	for _, row := range r.Rows {
		if row.N == n && row.Command == command {
			return row, true
		}
	}
	return pairRow{}, false
}

// runRatios returns, for each run of the row, the provider's wall time divided by that of the
// baseline run that followed it. A run whose baseline took no time is left out.
func (row pairRow) runRatios() []float64 {
	prov, base := row.providerRuns(), row.baselineRuns()
	var out []float64
	for i := range min(len(prov), len(base)) {
		if base[i].Wall > 0 {
			out = append(out, prov[i].Wall.Seconds()/base[i].Wall.Seconds())
		}
	}
	return out
}

// floor is the time the API needs at the least for n registrations with w writes at a time.
func (r *Report) floor(n, w int) time.Duration {
	return time.Duration(n) * r.Config.Latency / time.Duration(max(w, 1))
}

// Targets evaluates the targets of the benchmark. A target whose rows were not run is SKIP.
func (r *Report) Targets() []check {
	var out []check
	add := func(name, measured, limit string, ok bool) {
		res := "PASS"
		if !ok {
			res = "FAIL"
		}
		out = append(out, check{Name: name, Measured: measured, Limit: limit, Result: res})
	}
	skip := func(name, limit, why string) {
		out = append(out, check{Name: name, Measured: why, Limit: limit, Result: "SKIP"})
	}

	name := fmt.Sprintf("plan of %d backends: Describe* calls in all", planTargetSize)
	limit := fmt.Sprintf("≤ %d", planReadLimit)
	if row, ok := r.row(planTargetSize, "plan"); ok {
		runs := row.providerRuns()
		most := runs[0]
		for _, s := range runs[1:] {
			if s.reads() > most.reads() {
				most = s
			}
		}
		reads := most.reads()
		measured := fmt.Sprintf("%d (%s)", reads, readSummary(most.Calls))
		if len(runs) > 1 {
			measured += fmt.Sprintf(", the most of %d runs", len(runs))
		}
		add(name, measured, limit, reads <= planReadLimit)
	} else {
		skip(name, limit, fmt.Sprintf("N=%d not run", planTargetSize))
	}

	name = fmt.Sprintf("plan of %d backends: wall time vs baseline", planTargetSize)
	limit = fmt.Sprintf("≤ %.1f×", planRatioLimit)
	if row, ok := r.row(planTargetSize, "plan"); ok {
		// The row's wall times are the medians of each side when the plan ran several times.
		ratio := row.Provider.Wall.Seconds() / row.Baseline.Wall.Seconds()
		measured := fmt.Sprintf("%.2f× (%s s vs %s s)", ratio, secs(row.Provider.Wall), secs(row.Baseline.Wall))
		if runs, ratios := len(row.providerRuns()), row.runRatios(); runs > 1 && len(ratios) > 0 {
			measured = fmt.Sprintf("%.2f× median of %d (provider %s s, baseline %s s; per-run ratios %.2f–%.2f)",
				ratio, runs, secs(row.Provider.Wall), secs(row.Baseline.Wall), slices.Min(ratios), slices.Max(ratios))
		}
		add(name, measured, limit, ratio <= planRatioLimit)
	} else {
		skip(name, limit, fmt.Sprintf("N=%d not run", planTargetSize))
	}

	name = fmt.Sprintf("apply of %d backends vs baseline + floor", applyTargetSize)
	limit = fmt.Sprintf("≤ %.1f×", applyRatioLimit)
	if row, ok := r.row(applyTargetSize, "apply"); ok {
		fl := r.floor(applyTargetSize, 1)
		ratio := row.Provider.Wall.Seconds() / (row.Baseline.Wall + fl).Seconds()
		add(name, fmt.Sprintf("%.2f× (%s s vs %s s + %s s)", ratio, secs(row.Provider.Wall), secs(row.Baseline.Wall), secs(fl)),
			limit, ratio <= applyRatioLimit)
	} else {
		skip(name, limit, fmt.Sprintf("N=%d not run", applyTargetSize))
	}

	for _, c := range r.Creates {
		name := fmt.Sprintf("create with PendingFor %s returns within PendingFor + %s", c.Pending, r.Config.CreateSlack)
		limit := "≤ " + secs(c.Pending+r.Config.CreateSlack) + " s"
		derived, span, ok := r.createTimes(c)
		if !ok {
			skip(name, limit, "no reference apply")
			continue
		}
		bound := c.Pending + r.Config.CreateSlack
		add(name, fmt.Sprintf("%s s from wall times, %s s emulator-side", secs(derived), secs(span)),
			limit, derived <= bound && span <= bound)
	}

	name = fmt.Sprintf("provider peak RSS at N=%d", memoryTargetSize)
	limit = fmt.Sprintf("< %s MB", megabytes(rssLimitBytes))
	var peak int64
	seen := false
	for _, row := range r.Rows {
		if row.N == memoryTargetSize {
			seen = true
			peak = max(peak, row.Provider.Provider.PeakRSSBytes)
		}
	}
	switch {
	case !seen:
		skip(name, limit, fmt.Sprintf("N=%d not run", memoryTargetSize))
	case peak == 0:
		add(name, "no provider process was sampled", limit, false)
	default:
		add(name, megabytes(peak)+" MB", limit, peak < rssLimitBytes)
	}
	return out
}

// createTimes derives how long a create took from the emulator receiving RegisterBackend to
// the provider returning, in two ways: from wall times (the apply's wall time minus the
// reference apply's, plus the reference's own register-to-return span) and from the
// emulator's clock alone (RegisterBackend received to the last answer sent).
func (r *Report) createTimes(c createRow) (derived, span time.Duration, ok bool) {
	ref := r.CreateReference
	if ref == nil {
		return 0, 0, false
	}
	refSpan := ref.LastAnswer.Sub(ref.FirstRegister)
	derived = c.Sample.Wall - ref.Wall + refSpan
	span = c.Sample.LastAnswer.Sub(c.Sample.FirstRegister)
	return derived, span, true
}

// Failed reports whether any target or check failed.
func (r *Report) Failed() bool {
	for _, c := range append(r.Targets(), r.Checks...) {
		if c.Result == "FAIL" {
			return true
		}
	}
	return false
}

// Write prints the report as Markdown.
func (r *Report) Write(w io.Writer, command string) {
	cfg := r.Config
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }

	p("## Results\n\n")
	p("- command: `%s`\n", command)
	p("- date: %s\n", r.Started.UTC().Format("2006-01-02 15:04 MST"))
	model := ""
	if r.CPUModel != "" {
		model = ", " + r.CPUModel
	}
	p("- machine: %d CPUs%s; load average (1, 5, 15 min) %s before, %s after\n", r.CPUs, model, r.LoadBefore, r.LoadAfter)
	p("- Terraform %s, %s; -parallelism=%d\n", r.TerraformVersion, r.GoVersion, cfg.Parallelism)
	p("- emulator latency per call: %s; PendingFor 0 except in the create-latency rows\n", cfg.Latency)
	p("- plan: %s of each N, alternating provider and baseline; the plan rows show medians\n", runCount(cfg.PlanRuns))
	if r.Duration > 0 {
		p("- whole run: %s\n", r.Duration.Round(time.Second))
	}
	if cfg.TFLogDir != "" {
		p("- TF_LOG=DEBUG was on: timings are slower than without it\n")
	}
	p("\n")

	if len(r.Rows) > 0 {
		p("### Apply, plan and destroy of N backends on one listener\n\n")
		t := newTable("N", "command", "provider s", "baseline s", "ratio", "RegisterBackend", "DeregisterBackend",
			"DescribeBackends", "DescribeListeners", "other calls", "provider peak RSS MB", "provider CPU s",
			"tree CPU s provider / baseline")
		for _, row := range r.Rows {
			s := row.Provider
			t.add(fmt.Sprint(row.N), row.Command, secs(s.Wall), secs(row.Baseline.Wall),
				ratio(s.Wall, row.Baseline.Wall),
				fmt.Sprint(s.Calls["RegisterBackend"]), fmt.Sprint(s.Calls["DeregisterBackend"]),
				fmt.Sprint(s.Calls["DescribeBackends"]), fmt.Sprint(s.Calls["DescribeListeners"]),
				fmt.Sprint(otherCalls(s.Calls)), megabytes(s.Provider.PeakRSSBytes), secs(s.Provider.CPU),
				secs(s.TreeCPU)+" / "+secs(row.Baseline.TreeCPU))
		}
		t.write(w)
		p("\nratio = provider s ÷ baseline s. Calls are what the emulator received during the command. "+
			"Provider peak RSS is the largest VmHWM of any provider process of the command, sampled every %s. "+
			"Tree CPU is the user and system time of terraform and of the children it waited for.\n", cfg.SampleEvery)
		if others := otherNames(r.Rows); others != "" {
			p("\nOther calls: %s.\n", others)
		}
		r.writePlanRuns(w)

		p("\n### Apply against the API floor (N × latency, writes serialized per listener)\n\n")
		t = newTable("N", "provider s", "baseline s", "floor s", "provider / (baseline + floor)")
		for _, row := range r.Rows {
			if row.Command != "apply" {
				continue
			}
			fl := r.floor(row.N, 1)
			t.add(fmt.Sprint(row.N), secs(row.Provider.Wall), secs(row.Baseline.Wall), secs(fl),
				ratio(row.Provider.Wall, row.Baseline.Wall+fl))
		}
		t.write(w)
		p("\n")
	}

	if len(r.Writes) > 0 && r.WriteBaseline != nil {
		n := cfg.WriteSize
		p("### Apply of %d backends by max_concurrent_writes_per_listener\n\n", n)
		t := newTable("writes per listener", "provider s", "baseline s", "floor s (N × latency ÷ writes)",
			"provider / (baseline + floor)", "vs 1 write", "RegisterBackend", "Describe* calls",
			"peak calls in flight", "provider peak RSS MB")
		var one time.Duration
		for _, wr := range r.Writes {
			if wr.Writes == 1 {
				one = wr.Sample.Wall
			}
		}
		for _, wr := range r.Writes {
			s := wr.Sample
			fl := r.floor(n, wr.Writes)
			vs := "–"
			if one > 0 {
				vs = ratio(s.Wall, one)
			}
			t.add(fmt.Sprint(wr.Writes), secs(s.Wall), secs(r.WriteBaseline.Wall), secs(fl),
				ratio(s.Wall, r.WriteBaseline.Wall+fl), vs, fmt.Sprint(s.Calls["RegisterBackend"]),
				fmt.Sprint(s.reads()), fmt.Sprint(s.PeakInFlight), megabytes(s.Provider.PeakRSSBytes))
		}
		t.write(w)
		p("\n")
	}

	if len(r.Creates) > 0 && r.CreateReference != nil {
		ref := r.CreateReference
		p("### Create latency of one backend\n\n")
		p("Reference apply with PendingFor 0: %s s wall, %s s from RegisterBackend received to the last answer sent, %d DescribeBackends.\n\n",
			secs(ref.Wall), secs(ref.LastAnswer.Sub(ref.FirstRegister)), ref.Calls["DescribeBackends"])
		t := newTable("PendingFor", "apply s", "apply s − reference s", "register → return s (from wall times)",
			"register → last answer s (emulator)", "limit s", "DescribeBackends (polls)", "result")
		for _, c := range r.Creates {
			derived, span, _ := r.createTimes(c)
			bound := c.Pending + cfg.CreateSlack
			res := "PASS"
			if derived > bound || span > bound {
				res = "FAIL"
			}
			t.add(c.Pending.String(), secs(c.Sample.Wall), secs(c.Sample.Wall-ref.Wall), secs(derived), secs(span),
				secs(bound), fmt.Sprint(c.Sample.Calls["DescribeBackends"]), res)
		}
		t.write(w)
		p("\n")
	}

	p("### Targets\n\n")
	t := newTable("target", "measured", "limit", "result")
	for _, c := range r.Targets() {
		t.add(c.Name, c.Measured, c.Limit, c.Result)
	}
	t.write(w)

	if len(r.Checks) > 0 {
		p("\n### Consistency checks\n\n")
		t := newTable("check", "measured", "expected", "result")
		for _, c := range r.Checks {
			t.add(c.Name, c.Measured, c.Limit, c.Result)
		}
		t.write(w)
	}
}

// writePlanRuns prints the table of every plan run, when the rows have any.
func (r *Report) writePlanRuns(w io.Writer) {
	t := newTable("N", "run", "provider s", "baseline s", "ratio")
	for _, row := range r.Rows {
		if len(row.ProviderRuns) == 0 {
			continue
		}
		base := row.baselineRuns()
		for i, s := range row.ProviderRuns {
			b := "–"
			var bw time.Duration
			if i < len(base) {
				bw = base[i].Wall
				b = secs(bw)
			}
			t.add(fmt.Sprint(row.N), fmt.Sprint(i+1), secs(s.Wall), b, ratio(s.Wall, bw))
		}
		t.add(fmt.Sprint(row.N), "median", secs(row.Provider.Wall), secs(row.Baseline.Wall),
			ratio(row.Provider.Wall, row.Baseline.Wall))
	}
	if len(t.rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\n### Plan runs\n\n")
	t.write(w)
	fmt.Fprintf(w, "\nEach run is a plan of the provider workspace followed by one of the baseline; "+
		"ratio = provider s ÷ baseline s of the same run. The median line is what the plan rows above show: "+
		"the median of each side's wall times (the mean of the two middle ones for an even number of runs) "+
		"and the ratio of those medians. In the plan rows the calls are those of the median provider run "+
		"(the lower of the two middle ones for an even number), the CPU times are medians and the peak RSS "+
		"is the largest of any run.\n")
}

// table is a Markdown table whose columns are padded to line up in plain text too.
type table struct {
	head []string
	rows [][]string
}

func newTable(head ...string) *table { return &table{head: head} }

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) {
	widths := make([]int, len(t.head))
	for i, h := range t.head {
		widths[i] = len([]rune(h))
	}
	for _, row := range t.rows {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, c := range cells {
			b.WriteString(" " + c + strings.Repeat(" ", widths[i]-len([]rune(c))) + " |")
		}
		fmt.Fprintln(w, b.String())
	}
	line(t.head)
	rule := make([]string, len(t.head))
	for i := range rule {
		rule[i] = strings.Repeat("-", widths[i])
	}
	line(rule)
	for _, row := range t.rows {
		line(row)
	}
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func ratio(a, b time.Duration) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", a.Seconds()/b.Seconds())
}

// megabytes formats bytes in decimal megabytes, or "–" for nothing measured.
func megabytes(b int64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", float64(b)/1e6)
}

func otherCalls(calls map[string]int) int {
	n := 0
	for action, c := range calls {
		if !slices.Contains(namedActions, action) {
			n += c
		}
	}
	return n
}

// otherNames lists the actions counted as other calls anywhere in rows.
func otherNames(rows []pairRow) string {
	seen := map[string]bool{}
	for _, row := range rows {
		for action := range row.Provider.Calls {
			if !slices.Contains(namedActions, action) {
				seen[action] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for a := range seen {
		names = append(names, a)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// readSummary lists the Describe* calls by action.
func readSummary(calls map[string]int) string {
	reads := map[string]int{}
	for action, c := range calls {
		if strings.HasPrefix(action, "Describe") {
			reads[action] = c
		}
	}
	return callSummary(reads)
}
