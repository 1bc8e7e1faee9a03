package server

import (
	"context"
	"errors"
	"os"
	"runtime/debug"
	"testing"
	"time"
)

type key struct{}

func TestReleasableContextForwardsUntilRelease(t *testing.T) {
	parent, cancel := context.WithTimeout(context.WithValue(context.Background(), key{}, "v"), time.Hour)
	rc := newReleasableContext(parent)

	if got := rc.Value(key{}); got != "v" {
		t.Fatalf("value before release: %v", got)
	}
	if d, ok := rc.Deadline(); !ok || d.IsZero() {
		t.Fatal("the parent's deadline is not forwarded")
	}
	if rc.Err() != nil {
		t.Fatalf("error before cancellation: %v", rc.Err())
	}

	rc.release()
	if got := rc.Value(key{}); got != nil {
		t.Fatalf("a released context still answers values: %v", got)
	}
	if rc.current() != nil {
		t.Fatal("a released context still holds its parent")
	}
	if rc.Err() != nil {
		t.Fatalf("error after release but before cancellation: %v", rc.Err())
	}

	cancel()
	select {
	case <-rc.Done():
	case <-time.After(time.Second):
		t.Fatal("canceling the parent did not close Done")
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Fatalf("error after cancellation: %v", rc.Err())
	}
}

func TestDerivedContextsSeeCancellation(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	rc := newReleasableContext(parent)
	child, stop := context.WithCancel(rc)
	defer stop()

	cancel()
	select {
	case <-child.Done():
	case <-time.After(time.Second):
		t.Fatal("a context derived from the releasable one missed the parent's cancellation")
	}
}

func TestWithReleasedContextReleasesWhenTheCallReturns(t *testing.T) {
	var seen *releasableContext
	_, err := withReleasedContext(context.WithValue(context.Background(), key{}, "v"), 1, func(ctx context.Context, _ int) (int, error) {
		rc, ok := ctx.(*releasableContext)
		if !ok {
			return 0, errors.New("the call did not get a releasable context")
		}
		seen = rc
		if ctx.Value(key{}) != "v" {
			return 0, errors.New("the call does not see the RPC's values")
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen.current() != nil {
		t.Fatal("the context was not released when the call returned")
	}
}

func TestQuietSDKLogsUnlessAsked(t *testing.T) {
	for _, name := range logSettings {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	quietSDKLogsUnlessAsked()
	if got := os.Getenv("TF_LOG_SDK_FRAMEWORK"); got != "off" {
		t.Fatalf("SDK logs are %q with no log variable set, want off", got)
	}

	for _, name := range logSettings {
		os.Unsetenv(name)
	}
	t.Setenv("TF_LOG", "DEBUG")
	quietSDKLogsUnlessAsked()
	if got := os.Getenv("TF_LOG_SDK_FRAMEWORK"); got != "" {
		t.Fatalf("SDK logs were changed to %q although TF_LOG asks for logs", got)
	}
}

func TestCollectGarbageLessOftenUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	collectGarbageLessOften()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Fatalf("GC percent %d with GOGC unset, want %d", got, gcPercent)
	}

	t.Setenv("GOGC", "150")
	collectGarbageLessOften()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GC percent changed to %d although GOGC is set", got)
	}
}
