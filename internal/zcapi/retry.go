package zcapi

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Default retry timing.
const (
	DefaultBackoffBase = time.Second
	DefaultBackoffMax  = 20 * time.Second
)

// alwaysRetried are the codes that say the request was not carried out and may be sent again,
// whatever the action.
var alwaysRetried = []string{
	CodeRequestLimitExceeded,
	CodeServiceTemporaryUnavailable,
	CodeInvalidOperationTimeout,
}

// isReadAction reports whether an action only reads, which makes it safe to repeat.
func isReadAction(action string) bool {
	return strings.HasPrefix(action, "Describe")
}

// shouldRetry decides whether a failed attempt may be repeated. Throttling and the codes in
// alwaysRetried are retried for every action. Server faults (5xx) and transient transport
// failures are retried only when repeating cannot do harm: for reads, and for writes whose
// caller says so (retryWrites), because they carry a client token or are idempotent by
// nature. Other 4xx answers, edge blocks, redirects and certificate failures are final.
func shouldRetry(action string, retryWrites bool, err error) bool {
	if err == nil {
		return false
	}
	repeatable := retryWrites || isReadAction(action)

	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.EdgeBlocked:
			return false
		case apiErr.StatusCode == http.StatusTooManyRequests, HasCode(apiErr, alwaysRetried...):
			return true
		case apiErr.StatusCode >= 500:
			return repeatable
		}
		return false
	}

	var transportErr *TransportError
	if errors.As(err, &transportErr) {
		return repeatable && isTransientTransport(transportErr.Err)
	}
	return false
}

// isTransientTransport reports whether a transport failure may go away on its own: a reset,
// refused or aborted connection, an attempt that timed out, or a body that ended early.
func isTransientTransport(err error) bool {
	if errors.Is(err, ErrRedirectRefused) || errors.Is(err, context.Canceled) {
		return false
	}
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) {
		return false
	}

	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE):
		return true
	}

	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTimeout || dnsErr.IsTemporary
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// backoffDelay returns the wait before retry number attempt (1 for the first retry):
// exponential growth from base, capped at limit, with equal jitter, so the wait lies between
// half the capped value and the capped value. int64n returns a random number in [0, n).
func backoffDelay(attempt int, base, limit time.Duration, int64n func(int64) int64) time.Duration {
	if base <= 0 || limit <= 0 || attempt < 1 {
		return 0
	}
	ceiling := base
	for i := 1; i < attempt && ceiling < limit; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, limit)
	half := ceiling / 2
	return half + time.Duration(int64n(int64(ceiling-half)+1))
}

// retryDelay returns the wait before retry number attempt after err: the Retry-After of the
// answer when there is one, otherwise the jittered backoff, and never more than limit.
func retryDelay(err error, attempt int, base, limit time.Duration, int64n func(int64) int64) time.Duration {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		return max(0, min(apiErr.RetryAfter, limit))
	}
	return backoffDelay(attempt, base, limit, int64n)
}

// parseRetryAfter reads a Retry-After header, in seconds or as an HTTP date. It returns zero
// when the header is absent, malformed or in the past.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		if seconds <= 0 {
			return 0
		}
		if seconds > int64(24*time.Hour/time.Second) {
			seconds = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(seconds) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
