package emulator

import (
	"maps"
	"sync"
)

// stats counts the API calls the emulator received and applied.
type stats struct {
	mu         sync.Mutex
	calls      map[string]int
	writeCalls int
	applied    map[string]int
	inFlight   int
	peak       int
}

func (s *stats) received(action string, write bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[action]++
	if write {
		s.writeCalls++
	}
}

func (s *stats) recordApplied(action string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.applied == nil {
		s.applied = map[string]int{}
	}
	s.applied[action]++
}

func (s *stats) enter() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
}

func (s *stats) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
}

// Calls returns, per value of X-ZC-Action, how many calls reached the API
// path, whether or not they were authenticated, valid or answered.
func (e *Emulator) Calls() map[string]int {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	return maps.Clone(e.stats.calls)
}

// CallCount returns how many calls to action reached the API path.
func (e *Emulator) CallCount(action string) int {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	return e.stats.calls[action]
}

// WriteCalls returns how many calls to write actions reached the API path.
func (e *Emulator) WriteCalls() int {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	return e.stats.writeCalls
}

// AppliedWrites returns, per action, how many write calls changed the state.
// A call that was refused, faulted before handling, or only replayed an
// earlier client token is not counted; a call whose response was dropped is.
func (e *Emulator) AppliedWrites() map[string]int {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	return maps.Clone(e.stats.applied)
}

// AppliedWriteCount returns the sum of AppliedWrites.
func (e *Emulator) AppliedWriteCount() int {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	n := 0
	for _, v := range e.stats.applied {
		n += v
	}
	return n
}

// InFlight returns how many API calls are being served right now.
func (e *Emulator) InFlight() int {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	return e.stats.inFlight
}

// PeakInFlight returns the largest number of API calls served at once since
// the emulator started or the counters were last reset.
func (e *Emulator) PeakInFlight() int {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	return e.stats.peak
}

// ResetCounters sets every call counter and the in-flight peak back to zero.
// Calls in flight stay counted as in flight.
func (e *Emulator) ResetCounters() {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	e.stats.calls = nil
	e.stats.writeCalls = 0
	e.stats.applied = nil
	e.stats.peak = e.stats.inFlight
}
