package keylock

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestTableLimitsHoldersPerKey(t *testing.T) {
	for _, limit := range []int{1, 3} {
		table := New(limit)
		var inside, peak atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				release, err := table.Acquire(context.Background(), "lsn-1")
				if err != nil {
					t.Error(err)
					return
				}
				n := inside.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
				inside.Add(-1)
				release()
			}()
		}
		wg.Wait()
		if got := peak.Load(); got != int32(limit) {
			t.Errorf("limit %d: peak holders %d", limit, got)
		}
		if len(table.slots) != 0 {
			t.Errorf("limit %d: %d slots left after every holder released", limit, len(table.slots))
		}
	}
}

func TestTableKeysAreIndependent(t *testing.T) {
	table := New(1)
	release, err := table.Acquire(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	defer release()

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	other, err := table.Acquire(ctx, "b")
	if err != nil {
		t.Fatalf("key b blocked by key a: %v", err)
	}
	other()
}

func TestTableAcquireHonoursContext(t *testing.T) {
	table := New(1)
	release, err := table.Acquire(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := table.Acquire(ctx, "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want deadline exceeded, got %v", err)
	}
	if waited := time.Since(start); waited > time.Second {
		t.Fatalf("waited %s past a 20ms deadline", waited)
	}

	release()
	release() // a second call is harmless
	again, err := table.Acquire(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	again()
}
