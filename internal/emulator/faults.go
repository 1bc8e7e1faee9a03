package emulator

import (
	"fmt"
	"math/rand"
	"slices"
	"sync"
	"time"
)

// Faults sets how often calls fail on purpose. Each rate is a probability
// from 0 to 1, drawn per call from the emulator's seeded random source, so one
// seed and one sequence of calls give one sequence of faults.
//
// ThrottleRate, ServerErrorRate and ResetRate are exclusive outcomes decided
// before the call is handled, and the call is then not applied; their sum
// should not exceed 1. DropResponseRate is decided after a write action was
// handled: the write stays applied but the connection is closed without a
// response.
type Faults struct {
	// ThrottleRate answers 429 REQUEST_LIMIT_EXCEEDED.
	ThrottleRate float64 `json:"throttleRate"`
	// ServerErrorRate answers 503 SERVICE_TEMPORARY_UNAVAILABLE or 500
	// INTERNAL_SERVER_ERROR, chosen by the seeded source.
	ServerErrorRate float64 `json:"serverErrorRate"`
	// ResetRate closes the connection with a TCP reset and no response.
	ResetRate float64 `json:"resetRate"`
	// DropResponseRate applies a write, then closes the connection without a
	// response, so the client sees an unexpected end of file.
	DropResponseRate float64 `json:"dropResponseRate"`
	// Actions limits the faults to these actions; empty means every action.
	Actions []string `json:"actions"`
}

// Validate reports rates outside 0..1 and unknown action names.
func (f Faults) Validate() error {
	rates := []struct {
		name string
		rate float64
	}{
		{"throttleRate", f.ThrottleRate}, {"serverErrorRate", f.ServerErrorRate},
		{"resetRate", f.ResetRate}, {"dropResponseRate", f.DropResponseRate},
	}
	for _, r := range rates {
		if r.rate < 0 || r.rate > 1 || r.rate != r.rate {
			return fmt.Errorf("%s must be between 0 and 1, not %v", r.name, r.rate)
		}
	}
	if sum := f.ThrottleRate + f.ServerErrorRate + f.ResetRate; sum > 1 {
		return fmt.Errorf("throttleRate, serverErrorRate and resetRate add up to %v, more than 1", sum)
	}
	for _, a := range f.Actions {
		if _, ok := actionTable[a]; !ok {
			return fmt.Errorf("unknown action %q", a)
		}
	}
	return nil
}

// normalized clamps the rates into 0..1 and copies the action list.
func (f Faults) normalized() Faults {
	clamp := func(v float64) float64 {
		if v != v || v < 0 {
			return 0
		}
		return min(v, 1)
	}
	f.ThrottleRate = clamp(f.ThrottleRate)
	f.ServerErrorRate = clamp(f.ServerErrorRate)
	f.ResetRate = clamp(f.ResetRate)
	f.DropResponseRate = clamp(f.DropResponseRate)
	f.Actions = slices.Clone(f.Actions)
	return f
}

func (f Faults) appliesTo(action string) bool {
	return len(f.Actions) == 0 || slices.Contains(f.Actions, action)
}

// knobValues are the settings that may change while the emulator runs.
type knobValues struct {
	latency           time.Duration
	pendingFor        time.Duration
	deletingFor       time.Duration
	maxClockSkew      time.Duration
	faults            Faults
	rejectOverlapping bool
	addr              string
}

type knobs struct {
	mu sync.Mutex
	v  knobValues
}

func (k *knobs) get() knobValues {
	k.mu.Lock()
	defer k.mu.Unlock()
	v := k.v
	v.faults.Actions = slices.Clone(v.faults.Actions)
	return v
}

func (k *knobs) set(change func(*knobValues)) {
	k.mu.Lock()
	defer k.mu.Unlock()
	change(&k.v)
}

// SetFaults replaces the fault injection rates. Rates are clamped into 0..1.
func (e *Emulator) SetFaults(f Faults) {
	f = f.normalized()
	e.knobs.set(func(k *knobValues) { k.faults = f })
}

// Faults returns the current fault injection rates.
func (e *Emulator) Faults() Faults {
	return e.knobs.get().faults
}

// SetLatency sets the delay added to every API call.
func (e *Emulator) SetLatency(d time.Duration) {
	e.knobs.set(func(k *knobValues) { k.latency = d })
}

// SetPendingFor sets how long resources created from now on stay in their transitional status.
func (e *Emulator) SetPendingFor(d time.Duration) {
	e.knobs.set(func(k *knobValues) { k.pendingFor = d })
}

// SetDeletingFor sets how long backends deregistered from now on show Deregistering.
func (e *Emulator) SetDeletingFor(d time.Duration) {
	e.knobs.set(func(k *knobValues) { k.deletingFor = d })
}

// SetMaxClockSkew sets the accepted difference between X-ZC-Timestamp and the
// emulator's clock; zero or less restores DefaultMaxClockSkew.
func (e *Emulator) SetMaxClockSkew(d time.Duration) {
	if d <= 0 {
		d = DefaultMaxClockSkew
	}
	e.knobs.set(func(k *knobValues) { k.maxClockSkew = d })
}

// SetRejectOverlappingWrites turns the refusal of concurrent writes on one listener on or off.
func (e *Emulator) SetRejectOverlappingWrites(on bool) {
	e.knobs.set(func(k *knobValues) { k.rejectOverlapping = on })
}

// SetSeed restarts the fault injection random source from seed.
func (e *Emulator) SetSeed(seed int64) {
	e.rng.reseed(seed)
}

// seededSource is the one random source of the emulator.
type seededSource struct {
	mu  sync.Mutex
	rnd *rand.Rand
}

func (s *seededSource) reseed(seed int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rnd = rand.New(rand.NewSource(seed))
}

func (s *seededSource) float64() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rnd.Float64()
}

// preFault is the outcome decided before a call is handled.
type preFault int

const (
	faultNone preFault = iota
	faultThrottle
	faultUnavailable
	faultInternal
	faultReset
)

// drawPreFault decides whether a call fails before it is handled. Calls to
// actions the faults do not cover, and settings with all three rates at zero,
// draw nothing from the random source.
func (e *Emulator) drawPreFault(action string) preFault {
	f := e.knobs.get().faults
	total := f.ThrottleRate + f.ServerErrorRate + f.ResetRate
	if total <= 0 || !f.appliesTo(action) {
		return faultNone
	}
	u := e.rng.float64()
	switch {
	case u < f.ThrottleRate:
		return faultThrottle
	case u < f.ThrottleRate+f.ServerErrorRate:
		if e.rng.float64() < 0.5 {
			return faultUnavailable
		}
		return faultInternal
	case u < total:
		return faultReset
	}
	return faultNone
}

// drawDrop decides whether the response to a handled write is dropped.
func (e *Emulator) drawDrop(action string) bool {
	f := e.knobs.get().faults
	if f.DropResponseRate <= 0 || !f.appliesTo(action) {
		return false
	}
	return e.rng.float64() < f.DropResponseRate
}

// busySet records the listeners that have a write in flight.
type busySet struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (b *busySet) acquire(id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ids[id] {
		return false
	}
	if b.ids == nil {
		b.ids = map[string]bool{}
	}
	b.ids[id] = true
	return true
}

func (b *busySet) release(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.ids, id)
}
