package robustness_test

import (
	"testing"
	"time"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

// concurrentPool is the number of backends per listener of the concurrency suite.
const concurrentPool = 50

// TestConcurrentWritesPerListener applies 50 backends on each of lsn-web and lsn-api with
// -parallelism=20 while the emulator refuses a write to a listener that already has one in
// flight, and every call takes long enough for writes to overlap if the provider let them.
// Every write must succeed at its first attempt.
func TestConcurrentWritesPerListener(t *testing.T) {
	t.Parallel()
	e := acctest.StartEmulator(t, emulator.Options{
		Latency:                 15 * time.Millisecond,
		PendingFor:              300 * time.Millisecond,
		RejectOverlappingWrites: true,
	})
	c := newCLI(t, nil)
	c.write(acctest.ProviderBlock(e) +
		poolHCL("web", concurrentPool, 801, emulator.FixtureListenerWeb, "[80]", 100) +
		poolHCL("api", concurrentPool, 901, emulator.FixtureListenerAPI, "[8080, 8443]", 100))
	want := map[string]int{emulator.FixtureListenerWeb: concurrentPool, emulator.FixtureListenerAPI: concurrentPool}
	total := 2 * concurrentPool

	// expectFirstAttempts fails unless action was called exactly n times and applied n times:
	// a write refused as overlapping would be a call that was not applied.
	expectFirstAttempts := func(action string, n int) {
		t.Helper()
		calls, applied := e.CallCount(action), e.AppliedWrites()[action]
		if calls != n || applied != n {
			t.Errorf("%s: %d calls, %d applied; want %d of each (no write refused as overlapping, none repeated)",
				action, calls, applied, n)
		}
	}

	start := time.Now()
	c.run("apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=20")
	applyTook := time.Since(start)
	peak := e.PeakInFlight()
	if err := checkListeners(e, want, 100); err != nil {
		t.Errorf("after apply: %v", err)
	}
	expectFirstAttempts("RegisterBackend", total)
	if n := len(c.stateList()); n != total {
		t.Errorf("%d resources in state, want %d", n, total)
	}
	if res := c.try("plan", "-detailed-exitcode", "-input=false", "-no-color", "-parallelism=20"); res.ExitCode != 0 {
		t.Errorf("the plan after apply is not empty (exit %d):\n%s", res.ExitCode, res.Output())
	}
	// The provider used its concurrency: reads overlapped even though writes did not.
	if peak < 3 {
		t.Errorf("at most %d calls were in flight at once during the apply; -parallelism=20 was not exercised", peak)
	}

	start = time.Now()
	c.run("destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=20")
	destroyTook := time.Since(start)
	expectFirstAttempts("DeregisterBackend", total)
	if n := e.BackendCount(); n != 0 {
		t.Errorf("%d backends left after destroy", n)
	}
	t.Logf("%d backends on two listeners at -parallelism=20: apply %s, destroy %s, peak %d calls in flight; calls %v",
		total, applyTook.Round(time.Millisecond), destroyTook.Round(time.Millisecond), peak, e.Calls())
}

// TestConcurrentWritesRefusedWhenAllowed is the control of TestConcurrentWritesPerListener:
// with max_concurrent_writes_per_listener = 8 the same apply sends overlapping writes, and
// the emulator refuses some of them, which shows that the emulator's refusal is effective.
func TestConcurrentWritesRefusedWhenAllowed(t *testing.T) {
	t.Parallel()
	e := acctest.StartEmulator(t, emulator.Options{
		Latency:                 15 * time.Millisecond,
		PendingFor:              300 * time.Millisecond,
		RejectOverlappingWrites: true,
	})
	c := newCLI(t, nil)
	c.write(acctest.ProviderBlock(e, "max_concurrent_writes_per_listener = 8") +
		poolHCL("web", concurrentPool, 801, emulator.FixtureListenerWeb, "[80]", 100))

	res := c.try("apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=20")
	calls, applied := e.CallCount("RegisterBackend"), e.AppliedWrites()["RegisterBackend"]
	t.Logf("with 8 writes per listener allowed: exit %d, %d RegisterBackend calls, %d applied", res.ExitCode, calls, applied)
	if res.ExitCode == 0 || calls == applied {
		t.Fatalf("no overlapping write was refused (exit %d, %d calls, %d applied), so the emulator's refusal proves nothing",
			res.ExitCode, calls, applied)
	}
	if !acctest.ErrorPattern(`code OPERATION_DENIED_LISTENER_BUSY, message "Another operation on the listener lsn-web is in progress`).MatchString(res.Output()) {
		t.Errorf("the refusal was not reported with the API's code and message:\n%s", res.Output())
	}
}
