package zcapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// SignatureMethod is the name of the request signing algorithm of Zenlayer Cloud API 2.0.
const SignatureMethod = "ZC2-HMAC-SHA256"

// SignedHeaders lists the headers covered by the signature, in the order they are signed.
const SignedHeaders = "content-type;host"

// PayloadHash returns the lowercase hex SHA-256 digest of the exact request body bytes.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// CanonicalRequest returns the canonical form of a request: the method, the path "/", an
// empty query string, the signed headers each followed by a newline, the signed header
// names and the payload hash, joined by newlines.
func CanonicalRequest(contentType, host, payloadHash string) string {
	headers := "content-type:" + contentType + "\n" + "host:" + host + "\n"
	return strings.Join([]string{"POST", "/", "", headers, SignedHeaders, payloadHash}, "\n")
}

// CanonicalRequestHash returns the lowercase hex SHA-256 digest of the canonical request.
func CanonicalRequestHash(contentType, host, payloadHash string) string {
	sum := sha256.Sum256([]byte(CanonicalRequest(contentType, host, payloadHash)))
	return hex.EncodeToString(sum[:])
}

// StringToSign returns the text that is signed: the algorithm name, the timestamp and the
// canonical request hash, joined by newlines.
func StringToSign(timestamp, canonicalRequestHash string) string {
	return SignatureMethod + "\n" + timestamp + "\n" + canonicalRequestHash
}

// Sign returns the lowercase hex ZC2-HMAC-SHA256 signature of a request. The key is the raw
// access key password; timestamp is the decimal Unix time sent in X-ZC-Timestamp, host the
// exact Host header and contentType the exact Content-Type header of the request.
func Sign(password, timestamp string, host, contentType string, body []byte) (signature string) {
	canonicalHash := CanonicalRequestHash(contentType, host, PayloadHash(body))
	mac := hmac.New(sha256.New, []byte(password))
	mac.Write([]byte(StringToSign(timestamp, canonicalHash)))
	return hex.EncodeToString(mac.Sum(nil))
}

// AuthorizationHeader returns the value of the Authorization header for a signature made
// with the given access key ID.
func AuthorizationHeader(accessKeyID, signature string) string {
	return SignatureMethod + " Credential=" + accessKeyID + ", SignedHeaders=" + SignedHeaders +
		", Signature=" + signature
}
