package emulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testSign signs a request the way the API documentation describes, written
// separately from the emulator's verifier so that each checks the other.
func testSign(password, timestamp, host, contentType string, body []byte) string {
	bodySum := sha256.Sum256(body)
	canonical := fmt.Sprintf("POST\n/\n\ncontent-type:%s\nhost:%s\n\ncontent-type;host\n%x",
		contentType, host, bodySum[:])
	canonicalSum := sha256.Sum256([]byte(canonical))
	toSign := fmt.Sprintf("ZC2-HMAC-SHA256\n%s\n%x", timestamp, canonicalSum[:])
	mac := hmac.New(sha256.New, []byte(password))
	mac.Write([]byte(toSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// testClient calls a started emulator over HTTP.
type testClient struct {
	t           *testing.T
	e           *Emulator
	http        *http.Client
	base        string
	keyID       string
	password    string
	version     string
	contentType string
	now         func() time.Time
	// mutate, when set, edits each request after signing.
	mutate func(*http.Request)
}

// startEmulator creates and starts an emulator and returns a client for it.
func startEmulator(t *testing.T, opts Options) (*Emulator, *testClient) {
	t.Helper()
	e := New(opts)
	if err := e.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(e.Close)
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	keyID, password := opts.AccessKeyID, opts.AccessKeyPassword
	if keyID == "" {
		keyID, password = DefaultAccessKeyID, DefaultAccessKeyPassword
	}
	return e, &testClient{
		t: t, e: e, base: e.URL(), keyID: keyID, password: password,
		version: CurrentVersion, contentType: "application/json", now: now,
		http: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}},
	}
}

// withKey returns a copy of the client that signs with another credential.
func (c *testClient) withKey(id, password string) *testClient {
	cp := *c
	cp.keyID, cp.password = id, password
	return &cp
}

// withVersion returns a copy of the client that sends another API version.
func (c *testClient) withVersion(v string) *testClient {
	cp := *c
	cp.version = v
	return &cp
}

// reply is a decoded answer.
type reply struct {
	status    int
	requestID string
	code      string
	message   string
	response  map[string]any
	raw       []byte
}

func (c *testClient) request(ctx context.Context, action string, body any) (*http.Request, error) {
	var b []byte
	switch v := body.(type) {
	case nil:
		b = []byte("{}")
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+APIPath, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(c.now().Unix(), 10)
	req.Header.Set("Content-Type", c.contentType)
	req.Header.Set("X-ZC-Action", action)
	req.Header.Set("X-ZC-Version", c.version)
	req.Header.Set("X-ZC-Timestamp", ts)
	req.Header.Set("X-ZC-Signature-Method", "ZC2-HMAC-SHA256")
	req.Header.Set("X-ZC-Service", "bmc")
	sig := testSign(c.password, ts, req.URL.Host, c.contentType, b)
	req.Header.Set("Authorization", fmt.Sprintf(
		"ZC2-HMAC-SHA256 Credential=%s, SignedHeaders=content-type;host, Signature=%s", c.keyID, sig))
	if c.mutate != nil {
		c.mutate(req)
	}
	return req, nil
}

// send performs one call and returns the transport error, if any.
func (c *testClient) send(ctx context.Context, action string, body any) (*reply, error) {
	req, err := c.request(ctx, action, body)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	r := &reply{status: resp.StatusCode, raw: raw}
	var env struct {
		RequestID string         `json:"requestId"`
		Code      string         `json:"code"`
		Message   string         `json:"message"`
		Response  map[string]any `json:"response"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("decode %s answer %q: %w", action, raw, err)
	}
	r.requestID, r.code, r.message, r.response = env.RequestID, env.Code, env.Message, env.Response
	return r, nil
}

func (c *testClient) call(action string, body any) *reply {
	c.t.Helper()
	r, err := c.send(context.Background(), action, body)
	if err != nil {
		c.t.Fatalf("%s: %v", action, err)
	}
	return r
}

// ok performs a call that must succeed and returns its response object.
func (c *testClient) ok(action string, body any) map[string]any {
	c.t.Helper()
	r := c.call(action, body)
	if r.status != http.StatusOK {
		c.t.Fatalf("%s: status %d, body %s", action, r.status, r.raw)
	}
	if r.requestID == "" || r.response["requestId"] != r.requestID {
		c.t.Fatalf("%s: request IDs %q and %v differ or are empty", action, r.requestID, r.response["requestId"])
	}
	return r.response
}

// fails performs a call that must fail with status and code.
func (c *testClient) fails(action string, body any, status int, code string) *reply {
	c.t.Helper()
	r := c.call(action, body)
	if r.status != status || r.code != code {
		c.t.Fatalf("%s: got %d %s, want %d %s (body %s)", action, r.status, r.code, status, code, r.raw)
	}
	if r.requestID == "" || r.message == "" {
		c.t.Fatalf("%s: error without requestId or message: %s", action, r.raw)
	}
	return r
}

// register registers a backend and returns its ID.
func (c *testClient) register(listenerID, instanceID, token string, extra map[string]any) string {
	c.t.Helper()
	body := map[string]any{
		"listenerId": listenerID, "backendName": "bk-" + instanceID, "instanceId": instanceID, "clientToken": token,
	}
	for k, v := range extra {
		body[k] = v
	}
	resp := c.ok("RegisterBackend", body)
	id, _ := resp["backendId"].(string)
	if id == "" {
		c.t.Fatalf("RegisterBackend returned no backendId: %v", resp)
	}
	return id
}

// backends returns the dataSet of DescribeBackends.
func (c *testClient) backends(body map[string]any) (total int, items []map[string]any) {
	c.t.Helper()
	resp := c.ok("DescribeBackends", body)
	return listOf(c.t, resp)
}

// listOf reads totalCount and dataSet of a Describe response.
func listOf(t *testing.T, resp map[string]any) (int, []map[string]any) {
	t.Helper()
	total, ok := resp["totalCount"].(float64)
	if !ok {
		t.Fatalf("totalCount missing or not a number: %v", resp)
	}
	raw, ok := resp["dataSet"].([]any)
	if !ok {
		t.Fatalf("dataSet missing or not an array: %v", resp)
	}
	items := make([]map[string]any, len(raw))
	for i, v := range raw {
		items[i] = asMap(t, v)
	}
	return int(total), items
}

func asMap(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%#v is not a JSON object", v)
	}
	return m
}

func asList(t *testing.T, v any) []any {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("%#v is not a JSON array", v)
	}
	return l
}

func asString(t *testing.T, v any) string {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%#v is not a JSON string", v)
	}
	return s
}
