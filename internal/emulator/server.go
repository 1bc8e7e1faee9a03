// Package emulator is a local, in-memory stand-in for the BMC load-balancing
// part of Zenlayer Cloud API 2.0. It speaks the same wire protocol as the real
// service (one POST endpoint, the action in a header, ZC2-HMAC-SHA256
// signatures, the same JSON envelopes) and adds knobs that tests need: a
// controllable clock, asynchronous status transitions, latency, seeded fault
// injection, call counters and hooks that change state behind the client's back.
//
// The emulator is written from the published description of the API, not from
// the provider's client, so that a misreading in one is caught by the other.
package emulator

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultAccessKeyID is the access key ID accepted when Options.AccessKeyID is empty.
const DefaultAccessKeyID = "ZEMUKEY0000000000001"

// DefaultAccessKeyPassword is the access key password used when Options.AccessKeyPassword is empty.
const DefaultAccessKeyPassword = "emulator-secret-password"

// DefaultMaxClockSkew is the accepted difference between X-ZC-Timestamp and the emulator's clock.
const DefaultMaxClockSkew = 5 * time.Minute

// APIPath is the only path that serves API calls.
const APIPath = "/api/v2/bmc"

// CurrentVersion is the current BMC API version, sent in X-ZC-Version.
const CurrentVersion = "2026-02-01"

// LegacyVersion is the older BMC API version, the only one that has ModifyBackendWeight.
const LegacyVersion = "2022-11-20"

// maxBodyBytes bounds the size of a request body.
const maxBodyBytes = 1 << 20

// Options configures an Emulator. The zero value is usable.
type Options struct {
	// AccessKeyID and AccessKeyPassword are the one credential accepted at
	// start; more can be added with AddAccessKey.
	AccessKeyID, AccessKeyPassword string

	// Seed seeds the random source that decides fault injection.
	Seed int64

	// Latency is added to every API call before it is answered.
	Latency time.Duration
	// PendingFor is how long a new load balancer, listener or backend stays
	// in its transitional status (Creating, Registering).
	PendingFor time.Duration
	// DeletingFor is how long a deregistered backend shows Deregistering
	// before it disappears. Zero removes it at once.
	DeletingFor time.Duration
	// MaxClockSkew bounds the accepted age of X-ZC-Timestamp; zero means DefaultMaxClockSkew.
	MaxClockSkew time.Duration

	// Faults sets the initial fault injection rates.
	Faults Faults
	// RejectOverlappingWrites answers a second concurrent write on one
	// listener with 409 OPERATION_DENIED_LISTENER_BUSY.
	RejectOverlappingWrites bool

	// Fixtures is the initial state; nil means DefaultFixtures().
	Fixtures *Fixtures
	// InstanceCount, when positive, replaces the numbered BM instances of the
	// fixtures (bm-0001, bm-0002, ...) with this many.
	InstanceCount int

	// Now is the clock used for timestamps, status transitions and the
	// signature's clock skew check; nil means time.Now.
	Now func() time.Time

	// Addr is the loopback address Start and StartTLS listen on; empty means "127.0.0.1:0".
	Addr string
}

// Emulator is an in-memory Zenlayer BMC load-balancing service. It is an
// http.Handler and can also run its own loopback server. All methods are safe
// for concurrent use.
type Emulator struct {
	now func() time.Time

	// mu guards the resource store and the access keys.
	mu       sync.Mutex
	st       *store
	keys     map[string]string
	fixtures *Fixtures

	knobs knobs
	rng   seededSource
	stats stats
	busy  busySet

	requestSeq atomic.Uint64

	srvMu  sync.Mutex
	srv    *http.Server
	ln     net.Listener
	scheme string
}

// New returns an Emulator configured by opts. It panics if opts.Fixtures is
// not valid (see Fixtures.Validate).
func New(opts Options) *Emulator {
	if opts.AccessKeyID == "" {
		opts.AccessKeyID = DefaultAccessKeyID
	}
	if opts.AccessKeyPassword == "" {
		opts.AccessKeyPassword = DefaultAccessKeyPassword
	}
	if opts.MaxClockSkew <= 0 {
		opts.MaxClockSkew = DefaultMaxClockSkew
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	fx := opts.Fixtures
	if fx == nil {
		fx = DefaultFixtures()
	}
	fx = fx.clone()
	if opts.InstanceCount > 0 {
		fx.setNumberedInstances(opts.InstanceCount)
	}
	if err := fx.Validate(); err != nil {
		panic("emulator: " + err.Error())
	}

	e := &Emulator{
		now:      opts.Now,
		keys:     map[string]string{opts.AccessKeyID: opts.AccessKeyPassword},
		fixtures: fx,
		scheme:   "http",
	}
	e.knobs.set(func(k *knobValues) {
		k.latency = opts.Latency
		k.pendingFor = opts.PendingFor
		k.deletingFor = opts.DeletingFor
		k.maxClockSkew = opts.MaxClockSkew
		k.faults = opts.Faults.normalized()
		k.rejectOverlapping = opts.RejectOverlappingWrites
		k.addr = opts.Addr
	})
	e.rng.reseed(opts.Seed)
	e.st = newStore(fx, e.now())
	return e
}

// AddAccessKey makes the emulator accept one more credential. Client tokens
// are scoped to the access key ID that used them.
func (e *Emulator) AddAccessKey(id, password string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.keys[id] = password
}

// ResetState discards every change and restores the fixtures the emulator
// was created with. Counters and knobs are kept.
func (e *Emulator) ResetState() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st = newStore(e.fixtures, e.now())
}

// Start serves the emulator over plain HTTP on a loopback address
// (Options.Addr, by default an ephemeral port on 127.0.0.1).
func (e *Emulator) Start() error {
	return e.start(nil)
}

// StartTLS serves the emulator over HTTPS (HTTP/1.1 only) with cert, on the
// same address Start would use. NewTestCA makes a suitable certificate.
func (e *Emulator) StartTLS(cert tls.Certificate) error {
	return e.start(&tls.Config{
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"http/1.1"},
		MinVersion:   tls.VersionTLS12,
	})
}

func (e *Emulator) start(tlsConfig *tls.Config) error {
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	if e.srv != nil {
		return errors.New("emulator: already started")
	}
	addr := e.knobs.get().addr
	if err := checkLoopbackAddr(addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("emulator: listen on %s: %w", addr, err)
	}
	scheme := "http"
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
		scheme = "https"
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	e.srv, e.ln, e.scheme = srv, ln, scheme
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// checkLoopbackAddr refuses listen addresses that are not on a loopback interface.
func checkLoopbackAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("emulator: listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("emulator: listen address %q is not a loopback address", addr)
	}
	return nil
}

// Domain returns the host and port the server listens on, such as
// "127.0.0.1:40123", in the form ZENLAYERCLOUD_DOMAIN expects. It is empty
// before Start.
func (e *Emulator) Domain() string {
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	if e.ln == nil {
		return ""
	}
	return e.ln.Addr().String()
}

// Scheme returns "HTTP" or "HTTPS", in the form ZENLAYERCLOUD_SCHEME expects.
func (e *Emulator) Scheme() string {
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	return strings.ToUpper(e.scheme)
}

// URL returns the base URL of the server, such as "http://127.0.0.1:40123";
// API calls go to URL() + APIPath. It is empty before Start.
func (e *Emulator) URL() string {
	d := e.Domain()
	if d == "" {
		return ""
	}
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	return e.scheme + "://" + d
}

// Close stops the server at once, dropping open connections. It is safe to
// call more than once and on an emulator that was never started.
func (e *Emulator) Close() {
	e.srvMu.Lock()
	srv := e.srv
	e.srvMu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Shutdown stops the server gracefully, waiting for calls in flight until ctx ends.
func (e *Emulator) Shutdown(ctx context.Context) error {
	e.srvMu.Lock()
	srv := e.srv
	e.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Shutdown(ctx)
}

// apiError is a failed call: an HTTP status and the code and message of the JSON body.
type apiError struct {
	status  int
	code    string
	message string
}

// Error formats the code and message.
func (a *apiError) Error() string { return a.code + ": " + a.message }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func missingParameter(field string) *apiError {
	return newError(http.StatusBadRequest, "MISSING_PARAMETER", "The parameter %s is required.", field)
}

func invalidParameter(field, format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, "INVALID_PARAMETER",
		"The parameter %s is invalid: %s.", field, fmt.Sprintf(format, args...))
}

func resourceNotFound(kind, id string) *apiError {
	return newError(http.StatusNotFound, "OPERATION_FAILED_RESOURCE_NOT_FOUND", "The %s %s does not exist.", kind, id)
}

// nextRequestID returns a deterministic request ID shaped like a UUID.
func (e *Emulator) nextRequestID() string {
	n := e.requestSeq.Add(1)
	return fmt.Sprintf("00000000-0000-4000-8000-%012x", n)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"code":"INTERNAL_SERVER_ERROR","message":"response encoding failed"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, requestID string, a *apiError) {
	writeJSON(w, a.status, map[string]string{
		"requestId": requestID,
		"code":      a.code,
		"message":   a.message,
	})
}

func writeSuccess(w http.ResponseWriter, requestID string, resp map[string]any) {
	if resp == nil {
		resp = map[string]any{}
	}
	resp["requestId"] = requestID
	writeJSON(w, http.StatusOK, map[string]any{
		"requestId": requestID,
		"response":  resp,
	})
}

// abortConnection closes the connection under w without writing a response.
// With reset set the peer sees a TCP reset, otherwise an orderly end of file.
func abortConnection(w http.ResponseWriter, reset bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if reset {
		raw := conn
		if nc, ok := conn.(interface{ NetConn() net.Conn }); ok {
			raw = nc.NetConn()
		}
		if tc, ok := raw.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = raw.Close()
		return
	}
	_ = conn.Close()
}

// ServeHTTP answers API calls on APIPath and the administrative endpoints
// under /_emulator/.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		e.serveAdmin(w, r)
		return
	}
	requestID := e.nextRequestID()
	if r.URL.Path != APIPath {
		writeError(w, requestID, newError(http.StatusNotFound, "INVALID_PATH",
			"The path %s does not exist; API calls go to POST %s.", r.URL.Path, APIPath))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, requestID, newError(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
			"The method %s is not allowed; use POST.", r.Method))
		return
	}
	e.serveAPI(w, r, requestID)
}

func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request, requestID string) {
	action := r.Header.Get("X-ZC-Action")
	spec, known := actionTable[action]
	e.stats.received(action, known && spec.write)
	e.stats.enter()
	defer e.stats.leave()

	ctx := r.Context()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, requestID, newError(http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE",
				"The request body exceeds %d bytes.", maxBodyBytes))
		}
		return
	}

	keyID, aerr := e.authenticate(r, body)
	if aerr == nil {
		aerr = checkRequest(r, action)
	}
	if aerr != nil {
		if e.sleep(ctx) {
			writeError(w, requestID, aerr)
		}
		return
	}

	switch e.drawPreFault(action) {
	case faultThrottle:
		if e.sleep(ctx) {
			writeError(w, requestID, newError(http.StatusTooManyRequests, "REQUEST_LIMIT_EXCEEDED",
				"The request rate limit was exceeded; try again later."))
		}
		return
	case faultUnavailable:
		if e.sleep(ctx) {
			writeError(w, requestID, newError(http.StatusServiceUnavailable, "SERVICE_TEMPORARY_UNAVAILABLE",
				"The service is temporarily unavailable; try again later."))
		}
		return
	case faultInternal:
		if e.sleep(ctx) {
			writeError(w, requestID, newError(http.StatusInternalServerError, "INTERNAL_SERVER_ERROR",
				"An internal error occurred."))
		}
		return
	case faultReset:
		if e.sleep(ctx) {
			abortConnection(w, true)
		}
		return
	}

	params, perr := parseBody(body)
	if perr == nil && spec.listenerOf != nil && e.knobs.get().rejectOverlapping {
		e.mu.Lock()
		listenerID := spec.listenerOf(e.st, params)
		e.mu.Unlock()
		if listenerID != "" {
			if !e.busy.acquire(listenerID) {
				if e.sleep(ctx) {
					writeError(w, requestID, newError(http.StatusConflict, "OPERATION_DENIED_LISTENER_BUSY",
						"Another operation on the listener %s is in progress; try again later.", listenerID))
				}
				return
			}
			defer e.busy.release(listenerID)
		}
	}

	if !e.sleep(ctx) {
		return
	}

	var resp map[string]any
	if perr == nil {
		c := &call{action: action, version: r.Header.Get("X-ZC-Version"), keyID: keyID, params: params}
		var changed bool
		e.mu.Lock()
		c.now = e.now()
		c.knobs = e.knobs.get()
		e.st.sweep(c.now)
		resp, changed, perr = spec.handle(e.st, c)
		e.mu.Unlock()
		if perr == nil && changed {
			e.stats.recordApplied(action)
		}
	}

	if spec.write && e.drawDrop(action) {
		abortConnection(w, false)
		return
	}
	if perr != nil {
		writeError(w, requestID, perr)
		return
	}
	writeSuccess(w, requestID, resp)
}

// checkRequest validates the headers that select and describe the call.
func checkRequest(r *http.Request, action string) *apiError {
	version := r.Header.Get("X-ZC-Version")
	if version == "" {
		return newError(http.StatusBadRequest, "MISSING_PARAMETER", "The header X-ZC-Version is required.")
	}
	if version != CurrentVersion && version != LegacyVersion {
		return newError(http.StatusBadRequest, "INVALID_VERSION",
			"The API version %q is not supported; use %s or %s.", version, CurrentVersion, LegacyVersion)
	}
	if action == "" {
		return newError(http.StatusBadRequest, "MISSING_PARAMETER", "The header X-ZC-Action is required.")
	}
	spec, ok := actionTable[action]
	if !ok {
		return newError(http.StatusBadRequest, "INVALID_ACTION", "The action %q does not exist.", action)
	}
	if spec.legacyOnly && version != LegacyVersion {
		return newError(http.StatusBadRequest, "UNSUPPORTED_OPERATION",
			"The action %s is not available in API version %s; it exists only in %s.", action, version, LegacyVersion)
	}
	if svc := r.Header.Get("X-ZC-Service"); svc != "" && svc != "bmc" {
		return newError(http.StatusBadRequest, "INVALID_PARAMETER",
			"The header X-ZC-Service is invalid: %q is not bmc.", svc)
	}
	if rc := r.Header.Get("X-ZC-Request-Client"); rc != "" && !validRequestClient(rc) {
		return newError(http.StatusBadRequest, "INVALID_PARAMETER",
			"The header X-ZC-Request-Client is invalid: at most 128 characters of letters, digits, space and -_,;. are allowed.")
	}
	if !isJSONContentType(r.Header.Get("Content-Type")) {
		return newError(http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
			"The Content-Type %q is not supported; send application/json.", r.Header.Get("Content-Type"))
	}
	return nil
}

func validRequestClient(s string) bool {
	if len(s) > 128 {
		return false
	}
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case strings.ContainsRune("-_ ,;.", c):
		default:
			return false
		}
	}
	return true
}

func isJSONContentType(v string) bool {
	mediaType, _, _ := strings.Cut(v, ";")
	return strings.EqualFold(strings.TrimSpace(mediaType), "application/json")
}

// sleep waits for the configured latency. It reports false if the request
// was canceled first, in which case nothing must be written or applied.
func (e *Emulator) sleep(ctx context.Context) bool {
	d := e.knobs.get().latency
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
