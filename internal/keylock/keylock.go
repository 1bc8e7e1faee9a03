// Package keylock provides a keyed semaphore: at most N holders per key at once, with waits
// that honor the context.
package keylock

import (
	"context"
	"sync"
)

// Table limits how many holders each key may have at once. The zero value is not usable; call
// New.
type Table struct {
	mu    sync.Mutex
	limit int
	slots map[string]*slot
}

type slot struct {
	ch    chan struct{}
	users int
}

// New returns a Table that admits limit holders per key; a limit below 1 is treated as 1.
func New(limit int) *Table {
	if limit < 1 {
		limit = 1
	}
	return &Table{limit: limit, slots: make(map[string]*slot)}
}

// Limit returns the number of holders admitted per key.
func (t *Table) Limit() int {
	return t.limit
}

// Acquire waits for a place under key and returns the function that gives it back. It returns
// the context's error, holding nothing, when the context ends first.
func (t *Table) Acquire(ctx context.Context, key string) (func(), error) {
	t.mu.Lock()
	s, ok := t.slots[key]
	if !ok {
		s = &slot{ch: make(chan struct{}, t.limit)}
		t.slots[key] = s
	}
	s.users++
	t.mu.Unlock()

	select {
	case s.ch <- struct{}{}:
	case <-ctx.Done():
		t.forget(key, s)
		return nil, ctx.Err()
	}

	var once sync.Once
	return func() {
		once.Do(func() {
			<-s.ch
			t.forget(key, s)
		})
	}, nil
}

// forget drops the key's slot once nobody holds or waits for it, so the table does not grow
// with every key it has seen.
func (t *Table) forget(key string, s *slot) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s.users--
	if s.users == 0 && t.slots[key] == s {
		delete(t.slots, key)
	}
}
