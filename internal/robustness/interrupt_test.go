package robustness_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

// interruptPool is the backend count of the interruption suite.
const interruptPool = 50

// TestInterruptedApply sends SIGINT to terraform while it applies 50 backends that each stay
// pending for seconds, then checks that nothing registered escaped the state, that a second
// apply converges, and that destroy removes everything.
func TestInterruptedApply(t *testing.T) {
	t.Parallel()
	const pending = 2 * time.Second
	e := acctest.StartEmulator(t, emulator.Options{PendingFor: pending})
	c := newCLI(t, nil)
	config := acctest.ProviderBlock(e) + poolHCL("pool", interruptPool, 201, emulator.FixtureListenerWeb, "[80]", 100)
	c.write(config)
	want := map[string]int{emulator.FixtureListenerWeb: interruptPool}

	// Interrupt once the second wave of registrations has begun: with the default parallelism
	// of 10 the first ten wait for Available while the rest wait for a free slot.
	const interruptAfter = 14
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := c.ws.Command(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting terraform apply: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	registered := 0
	deadline := time.After(90 * time.Second)
waitLoop:
	for {
		select {
		case err := <-exited:
			t.Fatalf("terraform apply ended (%v) before %d registrations were sent; it sent %d:\n%s",
				err, interruptAfter, e.CallCount("RegisterBackend"), out.String())
		case <-deadline:
			t.Fatalf("only %d RegisterBackend calls after 90s:\n%s", e.CallCount("RegisterBackend"), out.String())
		case <-time.After(20 * time.Millisecond):
			if registered = e.CallCount("RegisterBackend"); registered >= interruptAfter {
				break waitLoop
			}
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("sending SIGINT: %v", err)
	}
	interruptedAt := time.Since(start)
	t.Logf("SIGINT sent after %s, when the emulator had received %d RegisterBackend calls and holds %d backends",
		interruptedAt.Round(time.Millisecond), registered, e.BackendCount())

	var exitErr error
	select {
	case exitErr = <-exited:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Signal(syscall.SIGKILL)
		t.Fatalf("terraform did not exit within 60s of SIGINT:\n%s", out.String())
	}
	exitCode := cmd.ProcessState.ExitCode()
	t.Logf("terraform apply exited with code %d (%v) %s after SIGINT", exitCode, exitErr,
		(time.Since(start) - interruptedAt).Round(time.Millisecond))
	output := out.String()
	if exitCode == 0 {
		t.Fatalf("the interrupted apply exited 0, so the interruption happened too late to test anything:\n%s", output)
	}
	if !strings.Contains(output, "Interrupt received") {
		t.Errorf("terraform did not report the interrupt:\n%s", output)
	}
	notAvailable := strings.Count(output, "Error: Backend Did Not Become Available")
	notRegistered := strings.Count(output, "Error: Unable to Register Backend")
	listenerUnread := strings.Count(output, "Error: Unable to Read Listener")
	t.Logf("the interrupted apply reported %d backends that did not become Available, %d that were not registered "+
		"and %d whose listener could not be read", notAvailable, notRegistered, listenerUnread)
	if total := e.CallCount("RegisterBackend"); total >= interruptPool {
		t.Errorf("%d RegisterBackend calls by the interrupted apply, want fewer than %d", total, interruptPool)
	}

	// Every backend that exists on the emulator is in state, and nothing else is.
	server := map[string]string{}
	for _, b := range e.Backends(emulator.FixtureListenerWeb) {
		server[b.BackendID] = b.InstanceID
	}
	resources := c.state()
	listed := c.stateList()
	if len(listed) != len(resources) {
		t.Errorf("terraform state list shows %d addresses, terraform show -json %d resources", len(listed), len(resources))
	}
	inState := map[string]bool{}
	tainted := 0
	for _, r := range resources {
		id, _ := r.Values["id"].(string)
		if id == "" {
			t.Errorf("%s is in state without an ID", r.Address)
			continue
		}
		inState[id] = true
		if r.Tainted {
			tainted++
		}
		if _, ok := server[id]; !ok {
			t.Errorf("%s (backend %s) is in state but not on the emulator", r.Address, id)
		}
	}
	for id, instance := range server {
		if !inState[id] {
			t.Errorf("backend %s (instance %s) is registered on the emulator but missing from state", id, instance)
		}
	}
	t.Logf("after the interrupt: %d backends on the emulator, %d in state (%d tainted)", len(server), len(resources), tainted)
	// A create that registered and then failed keeps its backend in state as tainted; these
	// are the two errors a create reports after registering.
	if tainted != notAvailable+listenerUnread {
		t.Errorf("%d resources are tainted, but terraform reported %d creates that failed after registering",
			tainted, notAvailable+listenerUnread)
	}
	if len(server) == 0 || len(server) >= interruptPool {
		t.Errorf("%d backends registered by the interrupted apply, want between 1 and %d", len(server), interruptPool-1)
	}
	if t.Failed() {
		t.Logf("output of the interrupted apply:\n%s", output)
	}

	// A second apply converges to exactly the configuration.
	before := e.Calls()
	c.run("apply", "-auto-approve", "-input=false", "-no-color")
	if err := checkListeners(e, want, 100); err != nil {
		t.Errorf("after the second apply: %v", err)
	}
	delta := callDelta(before, e.Calls())
	t.Logf("second apply: calls %v; %d backends on the emulator", delta, e.BackendCount())
	if got, wantCalls := delta["RegisterBackend"], interruptPool-len(server)+tainted; got != wantCalls {
		t.Errorf("the second apply sent %d RegisterBackend calls, want %d (%d missing plus %d tainted)",
			got, wantCalls, interruptPool-len(server), tainted)
	}
	if got := delta["DeregisterBackend"]; got != tainted {
		t.Errorf("the second apply sent %d DeregisterBackend calls, want %d (the tainted ones)", got, tainted)
	}
	if n := len(c.stateList()); n != interruptPool {
		t.Errorf("%d resources in state after the second apply, want %d", n, interruptPool)
	}
	if res := c.try("plan", "-detailed-exitcode", "-input=false", "-no-color"); res.ExitCode != 0 {
		t.Errorf("the plan after the second apply is not empty (exit %d):\n%s", res.ExitCode, res.Output())
	}

	c.run("destroy", "-auto-approve", "-input=false", "-no-color")
	if n := e.BackendCount(); n != 0 {
		t.Errorf("%d backends are left after destroy", n)
	}
	if n := len(c.stateList()); n != 0 {
		t.Errorf("%d resources are left in state after destroy", n)
	}
	t.Logf("interruption suite: %s in all; calls %v", time.Since(start).Round(time.Millisecond), e.Calls())
}
