package main

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

// front serves an emulator on a loopback port of its own and notes, on the emulator's side of
// the wire, when the first RegisterBackend call of a command arrived and when the last answer
// of any call was sent.
type front struct {
	emu  *emulator.Emulator
	srv  *http.Server
	addr string

	mu            sync.Mutex
	firstRegister time.Time
	lastAnswer    time.Time
}

// startFront listens on an ephemeral port of 127.0.0.1 and serves emu there.
func startFront(emu *emulator.Emulator) (*front, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &front{emu: emu, addr: ln.Addr().String()}
	f.srv = &http.Server{
		Handler:           f,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() {
		if err := f.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("emulator server stopped: %v", err)
		}
	}()
	return f, nil
}

// ServeHTTP passes the call to the emulator and records its arrival and answer times.
func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-ZC-Action") == "RegisterBackend" {
		now := time.Now()
		f.mu.Lock()
		if f.firstRegister.IsZero() {
			f.firstRegister = now
		}
		f.mu.Unlock()
	}
	f.emu.ServeHTTP(w, r)
	now := time.Now()
	f.mu.Lock()
	f.lastAnswer = now
	f.mu.Unlock()
}

// reset forgets the recorded times and zeroes the emulator's call counters.
func (f *front) reset() {
	f.emu.ResetCounters()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.firstRegister, f.lastAnswer = time.Time{}, time.Time{}
}

// times returns when the first RegisterBackend arrived and when the last answer left, since
// the last reset; either is zero when no such call happened.
func (f *front) times() (firstRegister, lastAnswer time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.firstRegister, f.lastAnswer
}

// close stops the server within a few seconds.
func (f *front) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := f.srv.Shutdown(ctx); err != nil {
		_ = f.srv.Close()
	}
}
