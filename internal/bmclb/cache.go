package bmclb

import (
	"context"
	"sync"
)

// snapshotCache holds one snapshot per key (a listener's backends, a listener) and makes
// concurrent readers of one key share a single fetch. A write to a key bumps its generation:
// a fetch that began before the write is neither joined nor kept, so nothing read before a
// write is served after it.
type snapshotCache[T any] struct {
	mu       sync.Mutex
	gen      map[string]uint64
	entries  map[string]T
	inflight map[string]*fetch[T]
}

type fetch[T any] struct {
	gen  uint64
	done chan struct{}
	val  T
	err  error
}

func newSnapshotCache[T any]() *snapshotCache[T] {
	return &snapshotCache[T]{
		gen:      map[string]uint64{},
		entries:  map[string]T{},
		inflight: map[string]*fetch[T]{},
	}
}

// invalidate drops the key's snapshot and any fetch under way for it.
func (c *snapshotCache[T]) invalidate(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen[key]++
	delete(c.entries, key)
	delete(c.inflight, key)
}

// get returns the key's snapshot, fetching it with load when there is none. Errors are not
// kept: the next get tries again.
func (c *snapshotCache[T]) get(ctx context.Context, key string, load func(context.Context) (T, error)) (T, error) {
	c.mu.Lock()
	if v, ok := c.entries[key]; ok {
		c.mu.Unlock()
		return v, nil
	}
	f, ok := c.inflight[key]
	if !ok || f.gen != c.gen[key] {
		f = &fetch[T]{gen: c.gen[key], done: make(chan struct{})}
		c.inflight[key] = f
		go c.run(ctx, key, f, load)
	}
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// run performs one fetch. It is detached from the first caller's cancellation so that other
// callers sharing it are not failed by one caller leaving, but keeps its values (logging).
func (c *snapshotCache[T]) run(ctx context.Context, key string, f *fetch[T], load func(context.Context) (T, error)) {
	f.val, f.err = load(context.WithoutCancel(ctx))
	c.mu.Lock()
	if c.inflight[key] == f {
		delete(c.inflight, key)
	}
	if f.err == nil && c.gen[key] == f.gen {
		c.entries[key] = f.val
	}
	c.mu.Unlock()
	close(f.done)
}
