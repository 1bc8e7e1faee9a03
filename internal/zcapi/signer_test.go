package zcapi

import (
	"strings"
	"testing"
)

// The values below are Zenlayer's published signing example.
const (
	vectorPassword      = "Gu5t9xGARNpq86cd98joQYCN3"
	vectorTimestamp     = "1673361177"
	vectorHost          = "console.zenlayer.com"
	vectorContentType   = "application/json; charset=utf-8"
	vectorBody          = `{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}`
	vectorPayloadHash   = "5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a"
	vectorCanonicalHash = "29396f9dfa0f03820b931e8aa06e20cda197e73285ebd76aceb83f7dede493ee"
	vectorSignature     = "efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f"
)

func TestSignPublishedVector(t *testing.T) {
	if got := PayloadHash([]byte(vectorBody)); got != vectorPayloadHash {
		t.Errorf("PayloadHash = %s, want %s", got, vectorPayloadHash)
	}
	if got := CanonicalRequestHash(vectorContentType, vectorHost, vectorPayloadHash); got != vectorCanonicalHash {
		t.Errorf("CanonicalRequestHash = %s, want %s", got, vectorCanonicalHash)
	}
	got := Sign(vectorPassword, vectorTimestamp, vectorHost, vectorContentType, []byte(vectorBody))
	if got != vectorSignature {
		t.Errorf("Sign = %s, want %s", got, vectorSignature)
	}
}

func TestCanonicalRequestLayout(t *testing.T) {
	want := "POST\n/\n\ncontent-type:application/json\nhost:example.test:8443\n\ncontent-type;host\nabc"
	if got := CanonicalRequest("application/json", "example.test:8443", "abc"); got != want {
		t.Errorf("CanonicalRequest = %q, want %q", got, want)
	}
	if got := StringToSign("1", "h"); got != "ZC2-HMAC-SHA256\n1\nh" {
		t.Errorf("StringToSign = %q", got)
	}
}

func TestSignDependsOnEveryInput(t *testing.T) {
	base := Sign(vectorPassword, vectorTimestamp, vectorHost, vectorContentType, []byte(vectorBody))
	tests := []struct {
		name                                string
		password, timestamp, host, ct, body string
	}{
		{"password", vectorPassword + "x", vectorTimestamp, vectorHost, vectorContentType, vectorBody},
		{"timestamp", vectorPassword, "1673361178", vectorHost, vectorContentType, vectorBody},
		{"host", vectorPassword, vectorTimestamp, vectorHost + ":443", vectorContentType, vectorBody},
		{"content type", vectorPassword, vectorTimestamp, vectorHost, "application/json", vectorBody},
		{"body", vectorPassword, vectorTimestamp, vectorHost, vectorContentType, vectorBody + " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sign(tt.password, tt.timestamp, tt.host, tt.ct, []byte(tt.body)); got == base {
				t.Errorf("changing the %s did not change the signature", tt.name)
			}
		})
	}
}

func TestAuthorizationHeader(t *testing.T) {
	got := AuthorizationHeader("AKID", "f00d")
	want := "ZC2-HMAC-SHA256 Credential=AKID, SignedHeaders=content-type;host, Signature=f00d"
	if got != want {
		t.Errorf("AuthorizationHeader = %q, want %q", got, want)
	}
	if strings.Count(got, ", ") != 2 {
		t.Errorf("AuthorizationHeader separators wrong: %q", got)
	}
}
