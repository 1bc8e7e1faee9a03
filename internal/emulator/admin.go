package emulator

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// adminPrefix is the path prefix of the administrative endpoints. They need
// no signature, answer only loopback clients and are not counted as calls.
const adminPrefix = "/_emulator/"

// Stats is the answer of GET /_emulator/stats.
type Stats struct {
	Calls             map[string]int `json:"calls"`
	WriteCalls        int            `json:"writeCalls"`
	AppliedWrites     map[string]int `json:"appliedWrites"`
	AppliedWriteCount int            `json:"appliedWriteCount"`
	Backends          int            `json:"backends"`
	InFlight          int            `json:"inFlight"`
	PeakInFlight      int            `json:"peakInFlight"`
}

// Stats returns the counters and the number of backends in one snapshot.
func (e *Emulator) Stats() Stats {
	backends := e.BackendCount()
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	s := Stats{
		Calls:         map[string]int{},
		WriteCalls:    e.stats.writeCalls,
		AppliedWrites: map[string]int{},
		Backends:      backends,
		InFlight:      e.stats.inFlight,
		PeakInFlight:  e.stats.peak,
	}
	for k, v := range e.stats.calls {
		s.Calls[k] = v
	}
	for k, v := range e.stats.applied {
		s.AppliedWrites[k] = v
		s.AppliedWriteCount += v
	}
	return s
}

func isLoopbackRemote(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func adminError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"code": code, "message": message})
}

// serveAdmin answers:
//
//	GET  /_emulator/stats             counters, as Stats
//	POST /_emulator/reset             zero the counters; with ?state=1 also restore the fixtures
//	GET  /_emulator/faults            the current Faults
//	POST /_emulator/faults            replace the Faults with the JSON body
//	POST /_emulator/latency?ms=N      set the latency to N milliseconds
func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if !isLoopbackRemote(r.RemoteAddr) {
		adminError(w, http.StatusForbidden, "FORBIDDEN", "The administrative endpoints answer only loopback clients.")
		return
	}
	route := r.Method + " " + r.URL.Path
	switch route {
	case "GET /_emulator/stats":
		writeJSON(w, http.StatusOK, e.Stats())
	case "POST /_emulator/reset":
		e.ResetCounters()
		if v := r.URL.Query().Get("state"); v == "1" || v == "true" {
			e.ResetState()
		}
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case "GET /_emulator/faults":
		writeJSON(w, http.StatusOK, e.Faults())
	case "POST /_emulator/faults":
		var f Faults
		dec := json.NewDecoder(io.LimitReader(r.Body, maxBodyBytes))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			adminError(w, http.StatusBadRequest, "INVALID_PARAMETER", "The body is not a JSON Faults object: "+err.Error()+".")
			return
		}
		if err := f.Validate(); err != nil {
			adminError(w, http.StatusBadRequest, "INVALID_PARAMETER", "The faults are invalid: "+err.Error()+".")
			return
		}
		e.SetFaults(f)
		writeJSON(w, http.StatusOK, e.Faults())
	case "POST /_emulator/latency":
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil || ms < 0 {
			adminError(w, http.StatusBadRequest, "INVALID_PARAMETER", "The query parameter ms must be a non-negative integer.")
			return
		}
		e.SetLatency(time.Duration(ms) * time.Millisecond)
		writeJSON(w, http.StatusOK, map[string]int{"latencyMs": ms})
	default:
		adminError(w, http.StatusNotFound, "INVALID_PATH", "There is no administrative endpoint "+route+".")
	}
}
