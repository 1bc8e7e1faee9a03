package emulator

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The published test vector of the ZC2-HMAC-SHA256 signature.
const (
	vectorPassword    = "Gu5t9xGARNpq86cd98joQYCN3"
	vectorTimestamp   = "1673361177"
	vectorHost        = "console.zenlayer.com"
	vectorContentType = "application/json; charset=utf-8"
	vectorBody        = `{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}`
	vectorPayloadHash = "5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a"
	vectorCanonical   = "29396f9dfa0f03820b931e8aa06e20cda197e73285ebd76aceb83f7dede493ee"
	vectorSignature   = "efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f"
)

func TestSignatureVector(t *testing.T) {
	if got := sha256Hex([]byte(vectorBody)); got != vectorPayloadHash {
		t.Errorf("payload hash = %s, want %s", got, vectorPayloadHash)
	}
	canonical := canonicalRequest(vectorHost, vectorContentType, vectorPayloadHash)
	if got := sha256Hex([]byte(canonical)); got != vectorCanonical {
		t.Errorf("canonical request hash = %s, want %s\ncanonical request:\n%s", got, vectorCanonical, canonical)
	}
	if got := computeSignature(vectorPassword, vectorTimestamp, vectorHost, vectorContentType, []byte(vectorBody)); got != vectorSignature {
		t.Errorf("signature = %s, want %s", got, vectorSignature)
	}
	if got := testSign(vectorPassword, vectorTimestamp, vectorHost, vectorContentType, []byte(vectorBody)); got != vectorSignature {
		t.Errorf("test signer = %s, want %s", got, vectorSignature)
	}
}

func TestAuthorizationParsing(t *testing.T) {
	sig := strings.Repeat("ab", 32)
	good := "ZC2-HMAC-SHA256 Credential=KEY, SignedHeaders=content-type;host, Signature=" + sig
	a, err := parseAuthorization(good)
	if err != nil || a.credential != "KEY" || a.signature != sig {
		t.Fatalf("parseAuthorization(good) = %+v, %v", a, err)
	}
	for name, h := range map[string]string{
		"algorithm":      "TC3-HMAC-SHA256 Credential=KEY, SignedHeaders=content-type;host, Signature=" + sig,
		"no credential":  "ZC2-HMAC-SHA256 SignedHeaders=content-type;host, Signature=" + sig,
		"other headers":  "ZC2-HMAC-SHA256 Credential=KEY, SignedHeaders=host, Signature=" + sig,
		"short sig":      "ZC2-HMAC-SHA256 Credential=KEY, SignedHeaders=content-type;host, Signature=abcd",
		"unknown part":   good + ", Extra=1",
		"no equals sign": "ZC2-HMAC-SHA256 Credential",
	} {
		if _, err := parseAuthorization(h); err == nil || err.status != http.StatusUnauthorized {
			t.Errorf("%s: got %v, want a 401", name, err)
		}
	}
}

func TestAuthFailures(t *testing.T) {
	clock := newFakeClock()
	_, c := startEmulator(t, Options{Now: clock.Now})
	body := map[string]any{"listenerId": FixtureListenerWeb}

	// A correctly signed call passes.
	c.ok("DescribeBackends", body)

	r := c.withKey("ZEMUKEYUNKNOWN", "whatever").fails("DescribeBackends", body, 401, "AUTH_FAILURE_ACCESS_KEY_NOT_FOUND")
	if !strings.Contains(r.message, "ZEMUKEYUNKNOWN") {
		t.Errorf("message %q does not name the key ID", r.message)
	}
	c.withKey(DefaultAccessKeyID, "wrong-password").fails("DescribeBackends", body, 401, "AUTH_FAILURE_SIGNATURE_MISMATCH")

	cases := []struct {
		name   string
		mutate func(*http.Request)
		status int
		code   string
	}{
		{"stale timestamp", func(r *http.Request) {
			resign(r, c.password, strconv.FormatInt(clock.Now().Add(-6*time.Minute).Unix(), 10))
		}, 401, "AUTH_FAILURE_TIMESTAMP_EXPIRED"},
		{"future timestamp", func(r *http.Request) {
			resign(r, c.password, strconv.FormatInt(clock.Now().Add(6*time.Minute).Unix(), 10))
		}, 401, "AUTH_FAILURE_TIMESTAMP_EXPIRED"},
		{"timestamp within skew", func(r *http.Request) {
			resign(r, c.password, strconv.FormatInt(clock.Now().Add(-4*time.Minute).Unix(), 10))
		}, 200, ""},
		{"timestamp changed after signing", func(r *http.Request) {
			r.Header.Set("X-ZC-Timestamp", strconv.FormatInt(clock.Now().Unix()-1, 10))
		}, 401, "AUTH_FAILURE_SIGNATURE_MISMATCH"},
		{"host differs", func(r *http.Request) { r.Host = "console.zenlayer.com" }, 401, "AUTH_FAILURE_SIGNATURE_MISMATCH"},
		{"content type differs", func(r *http.Request) {
			r.Header.Set("Content-Type", "application/json; charset=utf-8")
		}, 401, "AUTH_FAILURE_SIGNATURE_MISMATCH"},
		{"missing authorization", func(r *http.Request) { r.Header.Del("Authorization") }, 401, "AUTH_FAILURE_MISSING_HEADER"},
		{"malformed authorization", func(r *http.Request) {
			r.Header.Set("Authorization", "ZC2-HMAC-SHA256 Credential=X")
		}, 401, "AUTH_FAILURE_INVALID_AUTHORIZATION"},
		{"missing timestamp", func(r *http.Request) { r.Header.Del("X-ZC-Timestamp") }, 401, "AUTH_FAILURE_MISSING_HEADER"},
		{"bad timestamp", func(r *http.Request) { r.Header.Set("X-ZC-Timestamp", "yesterday") }, 401, "AUTH_FAILURE_INVALID_TIMESTAMP"},
		{"missing signature method", func(r *http.Request) { r.Header.Del("X-ZC-Signature-Method") }, 401, "AUTH_FAILURE_MISSING_HEADER"},
		{"other signature method", func(r *http.Request) {
			r.Header.Set("X-ZC-Signature-Method", "HmacSHA256")
		}, 401, "AUTH_FAILURE_INVALID_SIGNATURE_METHOD"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := *c
			cc.t = t
			cc.mutate = tc.mutate
			if tc.status == 200 {
				cc.ok("DescribeBackends", body)
				return
			}
			cc.fails("DescribeBackends", body, tc.status, tc.code)
		})
	}
}

// resign replaces the timestamp of a request and signs it again.
func resign(r *http.Request, password, ts string) {
	body, _ := r.GetBody()
	b, _ := io.ReadAll(body)
	r.Header.Set("X-ZC-Timestamp", ts)
	sig := testSign(password, ts, r.URL.Host, r.Header.Get("Content-Type"), b)
	cred := strings.SplitN(strings.TrimPrefix(r.Header.Get("Authorization"), "ZC2-HMAC-SHA256 "), ",", 2)[0]
	r.Header.Set("Authorization", "ZC2-HMAC-SHA256 "+cred+", SignedHeaders=content-type;host, Signature="+sig)
}

func TestSignedContentTypeWithCharset(t *testing.T) {
	_, c := startEmulator(t, Options{})
	c.contentType = "application/json; charset=utf-8"
	c.ok("DescribeLoadBalancerZones", nil)
}

func TestClockSkewKnob(t *testing.T) {
	clock := newFakeClock()
	e, c := startEmulator(t, Options{Now: clock.Now, MaxClockSkew: time.Minute})
	stale := func(r *http.Request) {
		resign(r, c.password, strconv.FormatInt(clock.Now().Add(-2*time.Minute).Unix(), 10))
	}
	c.mutate = stale
	c.fails("DescribeLoadBalancerZones", nil, 401, "AUTH_FAILURE_TIMESTAMP_EXPIRED")
	e.SetMaxClockSkew(3 * time.Minute)
	c.ok("DescribeLoadBalancerZones", nil)
}

func TestAddAccessKey(t *testing.T) {
	e, c := startEmulator(t, Options{AccessKeyID: "K1", AccessKeyPassword: "p1"})
	c.ok("DescribeLoadBalancerZones", nil)
	other := c.withKey("K2", "p2")
	other.fails("DescribeLoadBalancerZones", nil, 401, "AUTH_FAILURE_ACCESS_KEY_NOT_FOUND")
	e.AddAccessKey("K2", "p2")
	other.ok("DescribeLoadBalancerZones", nil)
}
