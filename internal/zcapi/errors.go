package zcapi

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"
)

// Published error codes that the client or its callers act upon.
const (
	CodeRequestLimitExceeded        = "REQUEST_LIMIT_EXCEEDED"
	CodeServiceTemporaryUnavailable = "SERVICE_TEMPORARY_UNAVAILABLE"
	CodeInternalServerError         = "INTERNAL_SERVER_ERROR"
	CodeInvalidOperationTimeout     = "INVALID_OPERATION_TIMEOUT"
	CodeResourceNotFound            = "OPERATION_FAILED_RESOURCE_NOT_FOUND"
	CodeInstanceNotFound            = "INVALID_INSTANCE_NOT_FOUND"
	CodeMissingParameter            = "MISSING_PARAMETER"
)

// maxExcerpt is the number of characters of a failure body kept when it is not JSON.
const maxExcerpt = 200

// APIError is a call that reached an HTTP server and was answered with a failure: any status
// other than 200, or a 200 whose body carries an error code instead of a response.
type APIError struct {
	// Action is the API action that failed, such as RegisterBackend.
	Action string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code is the error code of the body as sent (either spelling); empty when the body is
	// not JSON.
	Code string
	// Message is the human-readable message of the body, or a short excerpt of a body that is
	// not JSON, or the explanation of an edge block.
	Message string
	// RequestID is the request ID reported by the API, empty when there is none.
	RequestID string
	// EdgeBlocked reports an answer from the network edge in front of the API (a 403 with
	// header cf-mitigated: challenge, or a 451): the request never reached the API and is
	// never retried.
	EdgeBlocked bool
	// RetryAfter is the wait requested by a Retry-After header; zero when there was none.
	RetryAfter time.Duration
	// AccessKeyID is the access key ID the request was signed with, set only when the API
	// refused to authenticate it (HTTP 401, or a 403 that is not an edge block), so that the
	// error says which key to check. The password is never recorded.
	AccessKeyID string
}

// Error returns a one-line description with the action, the HTTP status, the code, the
// message and the request ID, followed by the refused access key ID of an authentication
// failure.
func (e *APIError) Error() string {
	status := fmt.Sprintf("HTTP %d", e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		status += " " + text
	}
	what := "failed with"
	if e.EdgeBlocked {
		what = "was blocked at the network edge with"
	}
	text := fmt.Sprintf("zenlayer: %s %s %s: code %s, message %q, request ID %s",
		orNone(e.Action), what, status, orNone(e.Code), oneLine(e.Message), orNone(e.RequestID))
	if e.AccessKeyID != "" {
		text += fmt.Sprintf("; the API refused access key ID %s: check that the key exists, is "+
			"enabled, and that its password is the one configured", e.AccessKeyID)
	}
	return text
}

// IsAuthFailure reports whether err is or wraps an *APIError by which the API refused to
// authenticate the request: HTTP 401, or a 403 that is not an edge block.
func IsAuthFailure(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && isAuthStatus(apiErr.StatusCode, apiErr.EdgeBlocked)
}

// isAuthStatus reports whether a status is an authentication refusal by the API itself.
func isAuthStatus(status int, edgeBlocked bool) bool {
	return !edgeBlocked && (status == http.StatusUnauthorized || status == http.StatusForbidden)
}

// NormalizeCode returns an error code in upper case with dots and hyphens turned into
// underscores, so that the dotted spelling of older services (Invalid.Instance.Not.Found)
// compares equal to the current one (INVALID_INSTANCE_NOT_FOUND).
func NormalizeCode(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' {
			return '_'
		}
		return r
	}, code)
}

// HasCode reports whether err is or wraps an *APIError whose code equals one of codes, in
// either spelling.
func HasCode(err error, codes ...string) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code == "" {
		return false
	}
	got := NormalizeCode(apiErr.Code)
	for _, code := range codes {
		if got == NormalizeCode(code) {
			return true
		}
	}
	return false
}

// IsNotFound reports whether err carries one of the published not-found codes,
// OPERATION_FAILED_RESOURCE_NOT_FOUND or INVALID_INSTANCE_NOT_FOUND, in either spelling. A
// bare HTTP 404 without such a code is not taken as not found, because it may come from a
// wrong domain or a proxy rather than from the API.
func IsNotFound(err error) bool {
	return HasCode(err, CodeResourceNotFound, CodeInstanceNotFound)
}

// IsClientError reports whether err is or wraps an *APIError with a 4xx status. Edge blocks
// are 4xx too; check EdgeBlocked to tell them apart.
func IsClientError(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500
}

// IsEdgeBlocked reports whether err is or wraps an *APIError for a request blocked at the
// network edge.
func IsEdgeBlocked(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.EdgeBlocked
}

// ErrRedirectRefused is wrapped by the error of a call whose answer was a redirect. The API
// never redirects, so the client follows none: a signed request is never sent on to another
// host, and a POST is never silently turned into a GET.
var ErrRedirectRefused = errors.New("redirect refused")

// TransportError is a call that got no usable HTTP answer: the connection failed, the attempt
// timed out, or the body ended early.
type TransportError struct {
	// Action is the API action that was attempted.
	Action string
	// Err is the underlying error.
	Err error
}

// Error returns a one-line description with the action and the underlying error.
func (e *TransportError) Error() string {
	return fmt.Sprintf("zenlayer: %s did not get an answer: %v", orNone(e.Action), e.Err)
}

// Unwrap returns the underlying error.
func (e *TransportError) Unwrap() error { return e.Err }

// isEdgeBlock reports whether an answer came from the network edge rather than the API.
func isEdgeBlock(status int, header http.Header) bool {
	if status == http.StatusUnavailableForLegalReasons {
		return true
	}
	return status == http.StatusForbidden &&
		strings.EqualFold(strings.TrimSpace(header.Get("Cf-Mitigated")), "challenge")
}

// edgeBlockMessage explains an edge block in words a user can act on.
func edgeBlockMessage(status int) string {
	if status == http.StatusUnavailableForLegalReasons {
		return "the request was blocked at the network edge (HTTP 451) and never reached the " +
			"Zenlayer API; it was not retried. Access from this network or region is refused"
	}
	return "the request was blocked at the network edge (HTTP 403, cf-mitigated: challenge) and " +
		"never reached the Zenlayer API; it was not retried. Check the proxy, VPN or egress IP " +
		"address of the machine running Terraform"
}

// excerpt returns the start of a body as one short line of valid text.
func excerpt(body []byte) string {
	s := oneLine(strings.ToValidUTF8(string(body), "\uFFFD"))
	if utf8.RuneCountInString(s) <= maxExcerpt {
		return s
	}
	runes := []rune(s)
	return string(runes[:maxExcerpt]) + "…"
}

// oneLine collapses every run of white space and control characters into one space.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// orNone returns s, or "(none)" when s is empty, so that an absent value still reads clearly.
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// MayHaveApplied reports whether a failed write may still have been carried out by the API:
// the answer was lost, or the service failed while handling it. It is false when the request
// provably never reached the API (refused connection, unresolvable host, untrusted
// certificate, a block at the network edge) or when the API refused it (a 4xx answer).
func MayHaveApplied(err error) bool {
	if err == nil {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return !apiErr.EdgeBlocked && apiErr.StatusCode >= 500
	}
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalid),
		errors.As(err, &dnsErr), errors.Is(err, syscall.ECONNREFUSED):
		return false
	}
	return true
}
