package zcapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Defaults and fixed values of the transport.
const (
	// DefaultDomain is the host of the Zenlayer console API.
	DefaultDomain = "console.zenlayer.com"
	// DefaultTimeout bounds one attempt of a call.
	DefaultTimeout = 30 * time.Second
	// ContentType is the Content-Type of every request, signed exactly as sent.
	ContentType = "application/json; charset=utf-8"
	// Service is the value of the X-ZC-Service header.
	Service = "bmc"
	// APIPath is the path every call is posted to.
	APIPath = "/api/v2/bmc"
	// MaxRequestClientLength is the longest X-ZC-Request-Client the API accepts.
	MaxRequestClientLength = 128
)

// maxResponseBytes bounds how much of an answer is read.
const maxResponseBytes = 64 << 20

// Config configures a Client.
type Config struct {
	// AccessKeyID identifies the access key; required.
	AccessKeyID string
	// AccessKeyPassword is the secret of the access key; required. It is used only to sign
	// and is never sent or logged.
	AccessKeyPassword string
	// Domain is the host, or host:port, of the API; DefaultDomain when empty. It is sent and
	// signed exactly as given.
	Domain string
	// Scheme is HTTPS (the default) or HTTP, in any case. The real service is HTTPS only;
	// HTTP is for a local emulator.
	Scheme string
	// Timeout bounds each attempt; DefaultTimeout when zero or negative.
	Timeout time.Duration
	// MaxRetries is the exact number of retries after the first attempt; zero or negative
	// means none. Callers pass the value they want.
	MaxRetries int
	// RequestClient is sent as X-ZC-Request-Client after SanitizeRequestClient; the header is
	// left out when nothing remains.
	RequestClient string
	// CACertPEM holds extra trusted CA certificates in PEM form, added to the system pool.
	// It cannot be combined with HTTPClient.
	CACertPEM []byte
	// HTTPClient, when set, is used instead of the default one; its CheckRedirect is replaced
	// so that redirects are still refused.
	HTTPClient *http.Client
	// BackoffBase is the first retry wait before jitter; DefaultBackoffBase when zero or
	// negative.
	BackoffBase time.Duration
	// BackoffMax caps every retry wait, Retry-After included; DefaultBackoffMax when zero or
	// negative.
	BackoffMax time.Duration
	// Now gives the time for X-ZC-Timestamp; time.Now when nil. Deadlines are always
	// measured with the real clock.
	Now func() time.Time
}

// Client calls the BMC actions of Zenlayer Cloud API 2.0. It is safe for concurrent use.
type Client struct {
	accessKeyID   string
	password      string
	domain        string
	endpoint      string
	timeout       time.Duration
	maxRetries    int
	requestClient string
	backoffBase   time.Duration
	backoffMax    time.Duration
	httpClient    *http.Client
	now           func() time.Time
	int64n        func(int64) int64
	sleep         func(context.Context, time.Duration) error
}

// New checks cfg and returns a Client. It fails when a key field is empty, the scheme is not
// HTTP or HTTPS, the domain is not a bare host or host:port, or CACertPEM holds no usable
// certificate.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.AccessKeyID) == "" {
		return nil, errors.New("zenlayer: the access key ID is empty")
	}
	if cfg.AccessKeyPassword == "" {
		return nil, errors.New("zenlayer: the access key password is empty")
	}

	scheme := strings.ToLower(strings.TrimSpace(cfg.Scheme))
	if scheme == "" {
		scheme = "https"
	}
	if scheme != "https" && scheme != "http" {
		return nil, fmt.Errorf("zenlayer: scheme %q is not supported; use HTTPS or HTTP", cfg.Scheme)
	}

	domain := strings.TrimSpace(cfg.Domain)
	if domain == "" {
		domain = DefaultDomain
	}
	if err := checkDomain(domain); err != nil {
		return nil, err
	}

	c := &Client{
		accessKeyID:   strings.TrimSpace(cfg.AccessKeyID),
		password:      cfg.AccessKeyPassword,
		domain:        domain,
		endpoint:      scheme + "://" + domain + APIPath,
		timeout:       cfg.Timeout,
		maxRetries:    max(cfg.MaxRetries, 0),
		requestClient: SanitizeRequestClient(cfg.RequestClient),
		backoffBase:   cfg.BackoffBase,
		backoffMax:    cfg.BackoffMax,
		now:           cfg.Now,
		int64n:        rand.Int64N,
		sleep:         sleepContext,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.backoffBase <= 0 {
		c.backoffBase = DefaultBackoffBase
	}
	if c.backoffMax <= 0 {
		c.backoffMax = DefaultBackoffMax
	}
	if c.now == nil {
		c.now = time.Now
	}

	switch {
	case cfg.HTTPClient != nil && len(cfg.CACertPEM) > 0:
		return nil, errors.New("zenlayer: CACertPEM cannot be combined with a custom HTTPClient")
	case cfg.HTTPClient != nil:
		hc := *cfg.HTTPClient
		c.httpClient = &hc
	default:
		transport, err := newTransport(cfg.CACertPEM)
		if err != nil {
			return nil, err
		}
		c.httpClient = &http.Client{Transport: transport}
	}
	c.httpClient.CheckRedirect = refuseRedirect
	return c, nil
}

// Endpoint returns the URL every call is posted to, such as
// https://console.zenlayer.com/api/v2/bmc.
func (c *Client) Endpoint() string { return c.endpoint }

// AccessKeyID returns the access key ID the client signs with.
func (c *Client) AccessKeyID() string { return c.accessKeyID }

// SanitizeRequestClient returns s with every character outside letters, digits and
// "-_ ,;." dropped, surrounding spaces trimmed, and cut to MaxRequestClientLength
// characters, so that it is a valid X-ZC-Request-Client.
func SanitizeRequestClient(s string) string {
	kept := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			return r
		case strings.ContainsRune("-_ ,;.", r):
			return r
		}
		return -1
	}, s)
	kept = strings.TrimSpace(kept)
	if len(kept) > MaxRequestClientLength {
		kept = strings.TrimSpace(kept[:MaxRequestClientLength])
	}
	return kept
}

// checkDomain accepts a host name or IP address with an optional port, and nothing else.
func checkDomain(domain string) error {
	bad := func(why string) error {
		return fmt.Errorf("zenlayer: domain %q is not valid: %s; give a host such as %s, "+
			"optionally with :port, without scheme or path", domain, why, DefaultDomain)
	}
	if strings.ContainsAny(domain, "/\\?#@ \t\r\n") {
		return bad("it contains a scheme, path, query, user or white space")
	}
	u, err := url.Parse("//" + domain)
	if err != nil {
		return bad(err.Error())
	}
	if u.Host != domain || u.Hostname() == "" {
		return bad("it is not a host")
	}
	if port := u.Port(); port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return bad("the port is out of range")
		}
	} else if strings.HasSuffix(domain, ":") {
		return bad("the port is empty")
	}
	return nil
}

// newTransport returns a copy of the default transport that trusts the system pool plus the
// certificates of caPEM.
func newTransport(caPEM []byte) (*http.Transport, error) {
	var transport *http.Transport
	if defaultTransport, ok := http.DefaultTransport.(*http.Transport); ok {
		transport = defaultTransport.Clone()
	} else {
		transport = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(caPEM) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, errors.New("zenlayer: the CA certificates hold no PEM certificate that can be parsed")
		}
		tlsConfig.RootCAs = pool
	}
	transport.TLSClientConfig = tlsConfig
	return transport, nil
}

// refuseRedirect refuses every redirect. The API answers every call itself; a redirect, even
// to the same host, means something in between is answering, and following it would either
// send the signed request on or turn the POST into a GET.
func refuseRedirect(req *http.Request, via []*http.Request) error {
	from := ""
	if len(via) > 0 {
		from = via[len(via)-1].URL.Host
	}
	return fmt.Errorf("%w: %s answered with a redirect to %s, which is not followed",
		ErrRedirectRefused, from, req.URL.Redacted())
}

// envelope is the outer JSON object of every answer.
type envelope struct {
	RequestID string          `json:"requestId"`
	Response  json.RawMessage `json:"response"`
	Code      string          `json:"code"`
	Message   string          `json:"message"`
}

// Call posts one action with body in and decodes the response object into out, which may be
// nil. It signs every attempt afresh and retries as shouldRetry allows, at most MaxRetries
// times and never past the deadline of ctx. retryWrites says that a write may be repeated
// safely, because it carries a client token or is idempotent by nature. A failure answer is
// returned as *APIError, a failure without an answer as *TransportError; when ctx ends first,
// the error wraps both ctx.Err() and the last failure.
func (c *Client) Call(ctx context.Context, action, version string, in, out any, retryWrites bool) error {
	body := []byte("{}")
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("zenlayer: %s: encoding the request: %w", action, err)
		}
	}

	var lastErr error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return stopped(action, err, lastErr)
		}

		response, err := c.attempt(ctx, action, version, body, attempt)
		if err == nil {
			return decodeResponse(action, response, out)
		}
		lastErr = err

		if ctxErr := ctx.Err(); ctxErr != nil {
			return stopped(action, ctxErr, lastErr)
		}
		if attempt > c.maxRetries || !shouldRetry(action, retryWrites, err) {
			return err
		}

		wait := retryDelay(err, attempt, c.backoffBase, c.backoffMax, c.int64n)
		if deadline, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(deadline) {
			tflog.Debug(ctx, "Not retrying Zenlayer API call: the wait would pass the deadline", map[string]any{
				"action":  action,
				"attempt": attempt,
				"wait_ms": wait.Milliseconds(),
			})
			return err
		}
		tflog.Debug(ctx, "Retrying Zenlayer API call", map[string]any{
			"action":       action,
			"attempt":      attempt,
			"next_attempt": attempt + 1,
			"wait_ms":      wait.Milliseconds(),
			"reason":       err.Error(),
		})
		if err := c.sleep(ctx, wait); err != nil {
			return stopped(action, err, lastErr)
		}
	}
}

// stopped is the error of a call whose context ended.
func stopped(action string, ctxErr, lastErr error) error {
	if lastErr == nil {
		return fmt.Errorf("zenlayer: %s: %w", action, ctxErr)
	}
	return fmt.Errorf("zenlayer: %s stopped: %w; last error: %w", action, ctxErr, lastErr)
}

// attempt sends one signed request and returns the response object of a successful answer.
func (c *Client) attempt(ctx context.Context, action, version string, body []byte, attempt int) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("zenlayer: %s: building the request: %w", action, err)
	}
	timestamp := strconv.FormatInt(c.now().Unix(), 10)
	signature := Sign(c.password, timestamp, c.domain, ContentType, body)
	req.Host = c.domain
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("Accept", "application/json")
	req.Header["X-ZC-Action"] = []string{action}
	req.Header["X-ZC-Version"] = []string{version}
	req.Header["X-ZC-Timestamp"] = []string{timestamp}
	req.Header["X-ZC-Signature-Method"] = []string{SignatureMethod}
	req.Header["X-ZC-Service"] = []string{Service}
	req.Header.Set("Authorization", AuthorizationHeader(c.accessKeyID, signature))
	if c.requestClient != "" {
		req.Header["X-ZC-Request-Client"] = []string{c.requestClient}
	}

	start := time.Now()
	fields := map[string]any{
		"action":  action,
		"version": version,
		"attempt": attempt,
	}
	logAttempt := func(status int, code, requestID string, err error) {
		fields["http_status"] = status
		fields["code"] = code
		fields["request_id"] = requestID
		fields["duration_ms"] = time.Since(start).Milliseconds()
		if err != nil {
			fields["error"] = err.Error()
		}
		tflog.Debug(ctx, "Zenlayer API call", fields)
	}

	resp, err := c.httpClient.Do(req)
	if err != nil {
		err = &TransportError{Action: action, Err: err}
		logAttempt(0, "", "", err)
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()

	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		err = &TransportError{Action: action, Err: fmt.Errorf("reading the answer: %w", err)}
		logAttempt(resp.StatusCode, "", "", err)
		return nil, err
	}

	response, err := c.interpret(action, resp, raw)
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		logAttempt(resp.StatusCode, apiErr.Code, apiErr.RequestID, err)
	case err != nil:
		logAttempt(resp.StatusCode, "", "", err)
	default:
		logAttempt(resp.StatusCode, "", requestIDOf(raw), nil)
	}
	return response, err
}

// interpret turns an answer into its response object or an error.
func (c *Client) interpret(action string, resp *http.Response, raw []byte) (json.RawMessage, error) {
	status := resp.StatusCode
	if isEdgeBlock(status, resp.Header) {
		return nil, &APIError{
			Action:      action,
			StatusCode:  status,
			Message:     edgeBlockMessage(status),
			EdgeBlocked: true,
		}
	}

	var env envelope
	jsonErr := json.Unmarshal(raw, &env)

	if status != http.StatusOK {
		apiErr := &APIError{
			Action:     action,
			StatusCode: status,
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
		if isAuthStatus(status, false) {
			apiErr.AccessKeyID = c.accessKeyID
		}
		if jsonErr != nil {
			apiErr.Message = excerpt(raw)
			return nil, apiErr
		}
		apiErr.Code, apiErr.Message, apiErr.RequestID = env.Code, oneLine(env.Message), env.RequestID
		if apiErr.Code == "" && len(env.Response) > 0 {
			// Not published, but harmless: accept the error fields inside "response" too.
			var inner envelope
			if json.Unmarshal(env.Response, &inner) == nil {
				apiErr.Code, apiErr.Message = inner.Code, oneLine(inner.Message)
				if apiErr.RequestID == "" {
					apiErr.RequestID = inner.RequestID
				}
			}
		}
		return nil, apiErr
	}

	if jsonErr != nil {
		return nil, fmt.Errorf("zenlayer: %s answered HTTP 200 with a body that is not JSON: %q",
			action, excerpt(raw))
	}
	if !hasObject(env.Response) && env.Code != "" {
		return nil, &APIError{
			Action:     action,
			StatusCode: status,
			Code:       env.Code,
			Message:    oneLine(env.Message),
			RequestID:  env.RequestID,
		}
	}
	return env.Response, nil
}

// decodeResponse decodes the response object into out. An answer without a response object
// is accepted only when there is nothing to decode.
func decodeResponse(action string, response json.RawMessage, out any) error {
	if out == nil {
		return nil
	}
	if !hasObject(response) {
		return fmt.Errorf("zenlayer: %s answered HTTP 200 without a response object", action)
	}
	if err := json.Unmarshal(response, out); err != nil {
		return fmt.Errorf("zenlayer: %s: decoding the response: %w", action, err)
	}
	return nil
}

// hasObject reports whether a raw JSON value is present and not null.
func hasObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// requestIDOf returns the request ID of a successful answer, for logging.
func requestIDOf(raw []byte) string {
	var env struct {
		RequestID string `json:"requestId"`
		Response  struct {
			RequestID string `json:"requestId"`
		} `json:"response"`
	}
	if json.Unmarshal(raw, &env) != nil {
		return ""
	}
	if env.RequestID != "" {
		return env.RequestID
	}
	return env.Response.RequestID
}
