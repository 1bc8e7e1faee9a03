package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignatureMethod is the only signature algorithm the API knows.
const SignatureMethod = "ZC2-HMAC-SHA256"

// signedHeaders is the only SignedHeaders value the API uses.
const signedHeaders = "content-type;host"

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonicalRequest builds the canonical request of the signature: method,
// path "/", empty query, the two canonical headers (each line ended by a
// newline), the signed header names and the payload hash, joined by newlines.
func canonicalRequest(host, contentType, payloadHash string) string {
	headers := "content-type:" + contentType + "\n" + "host:" + host + "\n"
	return strings.Join([]string{http.MethodPost, "/", "", headers, signedHeaders, payloadHash}, "\n")
}

// stringToSign builds the string that the HMAC covers.
func stringToSign(timestamp, canonical string) string {
	return SignatureMethod + "\n" + timestamp + "\n" + sha256Hex([]byte(canonical))
}

// computeSignature returns the lowercase hex ZC2-HMAC-SHA256 signature of a
// request, keyed with the raw access key password.
func computeSignature(password, timestamp, host, contentType string, body []byte) string {
	canonical := canonicalRequest(host, contentType, sha256Hex(body))
	mac := hmac.New(sha256.New, []byte(password))
	mac.Write([]byte(stringToSign(timestamp, canonical)))
	return hex.EncodeToString(mac.Sum(nil))
}

// authorization is a parsed Authorization header.
type authorization struct {
	credential    string
	signedHeaders string
	signature     string
}

// parseAuthorization reads "ZC2-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
func parseAuthorization(h string) (authorization, *apiError) {
	var a authorization
	algorithm, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if algorithm != SignatureMethod {
		return a, newError(http.StatusUnauthorized, "AUTH_FAILURE_INVALID_SIGNATURE_METHOD",
			"The Authorization header uses the algorithm %q; only %s is supported.", algorithm, SignatureMethod)
	}
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			return a, badAuthorization("the element %q has no value", part)
		}
		value = strings.TrimSpace(value)
		switch strings.TrimSpace(name) {
		case "Credential":
			a.credential = value
		case "SignedHeaders":
			a.signedHeaders = value
		case "Signature":
			a.signature = value
		default:
			return a, badAuthorization("the element %q is unknown", name)
		}
	}
	switch {
	case a.credential == "":
		return a, badAuthorization("Credential is missing")
	case a.signedHeaders == "":
		return a, badAuthorization("SignedHeaders is missing")
	case a.signature == "":
		return a, badAuthorization("Signature is missing")
	case !strings.EqualFold(a.signedHeaders, signedHeaders):
		return a, badAuthorization("SignedHeaders must be %s, not %s", signedHeaders, a.signedHeaders)
	}
	if _, err := hex.DecodeString(a.signature); err != nil || len(a.signature) != 2*sha256.Size {
		return a, badAuthorization("Signature must be %d hexadecimal digits", 2*sha256.Size)
	}
	return a, nil
}

func badAuthorization(format string, args ...any) *apiError {
	e := newError(http.StatusUnauthorized, "AUTH_FAILURE_INVALID_AUTHORIZATION", format, args...)
	e.message = "The Authorization header is malformed: " + e.message + "."
	return e
}

func missingHeader(name string) *apiError {
	return newError(http.StatusUnauthorized, "AUTH_FAILURE_MISSING_HEADER", "The header %s is required.", name)
}

// authenticate checks the signature of a request and returns the access key ID that signed it.
func (e *Emulator) authenticate(r *http.Request, body []byte) (string, *apiError) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return "", missingHeader("Authorization")
	}
	auth, aerr := parseAuthorization(header)
	if aerr != nil {
		return "", aerr
	}

	method := r.Header.Get("X-ZC-Signature-Method")
	if method == "" {
		return "", missingHeader("X-ZC-Signature-Method")
	}
	if method != SignatureMethod {
		return "", newError(http.StatusUnauthorized, "AUTH_FAILURE_INVALID_SIGNATURE_METHOD",
			"The signature method %q is not supported; use %s.", method, SignatureMethod)
	}

	timestamp := r.Header.Get("X-ZC-Timestamp")
	if timestamp == "" {
		return "", missingHeader("X-ZC-Timestamp")
	}
	seconds, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || strings.HasPrefix(timestamp, "+") {
		return "", newError(http.StatusUnauthorized, "AUTH_FAILURE_INVALID_TIMESTAMP",
			"The header X-ZC-Timestamp must be Unix time in decimal seconds, not %q.", timestamp)
	}

	e.mu.Lock()
	password, known := e.keys[auth.credential]
	e.mu.Unlock()
	if !known {
		return "", newError(http.StatusUnauthorized, "AUTH_FAILURE_ACCESS_KEY_NOT_FOUND",
			"The access key ID %s does not exist.", auth.credential)
	}

	skew := e.now().Sub(time.Unix(seconds, 0))
	if skew < 0 {
		skew = -skew
	}
	if limit := e.knobs.get().maxClockSkew; skew > limit {
		return "", newError(http.StatusUnauthorized, "AUTH_FAILURE_TIMESTAMP_EXPIRED",
			"The timestamp %s differs from the server time by %s, more than the allowed %s.",
			timestamp, skew.Round(time.Second), limit)
	}

	want := computeSignature(password, timestamp, r.Host, r.Header.Get("Content-Type"), body)
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(auth.signature))) {
		return "", newError(http.StatusUnauthorized, "AUTH_FAILURE_SIGNATURE_MISMATCH",
			"The request signature does not match the signature computed for access key ID %s.", auth.credential)
	}
	return auth.credential, nil
}
