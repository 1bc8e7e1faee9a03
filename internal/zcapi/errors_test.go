package zcapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestErrorDecoding(t *testing.T) {
	longHTML := "<html><body>" + strings.Repeat("Bad gateway. ", 100) + "</body></html>"
	tests := []struct {
		name        string
		status      int
		header      map[string]string
		body        string
		wantCode    string
		wantMessage string
		wantID      string
		wantEdge    bool
		notFound    bool
		client      bool
	}{
		{
			name: "json error", status: 400,
			body:     `{"requestId":"req-400","code":"MISSING_PARAMETER","message":"listenerId is required"}`,
			wantCode: "MISSING_PARAMETER", wantMessage: "listenerId is required", wantID: "req-400", client: true,
		},
		{
			name: "not found", status: 404,
			body:     `{"requestId":"req-404","code":"OPERATION_FAILED_RESOURCE_NOT_FOUND","message":"gone"}`,
			wantCode: "OPERATION_FAILED_RESOURCE_NOT_FOUND", wantMessage: "gone", wantID: "req-404", notFound: true, client: true,
		},
		{
			name: "dotted not found", status: 404,
			body:     `{"requestId":"req-dot","code":"Invalid.Instance.Not.Found","message":"no such\ninstance"}`,
			wantCode: "Invalid.Instance.Not.Found", wantMessage: "no such instance", wantID: "req-dot", notFound: true, client: true,
		},
		{
			name: "bare 404 is not not-found", status: 404, body: `404 page not found`,
			wantMessage: "404 page not found", client: true,
		},
		{
			name: "html from a proxy", status: 502, body: longHTML,
			wantMessage: "<html><body>Bad gateway. Bad gateway.",
		},
		{
			name: "error fields inside response", status: 500,
			body:     `{"requestId":"req-in","response":{"code":"INTERNAL_SERVER_ERROR","message":"boom"}}`,
			wantCode: "INTERNAL_SERVER_ERROR", wantMessage: "boom", wantID: "req-in",
		},
		{
			name: "edge challenge", status: 403, header: map[string]string{"cf-mitigated": "challenge"},
			body:        `<!DOCTYPE html><title>Just a moment...</title>`,
			wantMessage: "blocked at the network edge", wantEdge: true, client: true,
		},
		{
			name: "edge 451", status: 451, body: `unavailable`,
			wantMessage: "blocked at the network edge", wantEdge: true, client: true,
		},
		{
			name: "plain 403 is an API refusal", status: 403,
			body:     `{"requestId":"req-403","code":"AUTH_FAILED","message":"bad key"}`,
			wantCode: "AUTH_FAILED", wantMessage: "bad key", wantID: "req-403", client: true,
		},
		{
			name: "200 with a code and no response", status: 200,
			body:     `{"requestId":"req-200","code":"INVALID_INSTANCE_NOT_FOUND","message":"none"}`,
			wantCode: "INVALID_INSTANCE_NOT_FOUND", wantMessage: "none", wantID: "req-200", notFound: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, srv := newRecorder(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				_, _ = fmt.Fprint(w, tt.body)
			})
			c := newTestClient(t, srv, nil)

			_, err := c.DescribeBackends(context.Background(), &DescribeBackendsRequest{ListenerID: "lsn-1"})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v (%T), want *APIError", err, err)
			}
			if apiErr.Action != ActionDescribeBackends || apiErr.StatusCode != tt.status {
				t.Errorf("action, status = %s, %d; want %s, %d", apiErr.Action, apiErr.StatusCode, ActionDescribeBackends, tt.status)
			}
			if apiErr.Code != tt.wantCode {
				t.Errorf("Code = %q, want %q", apiErr.Code, tt.wantCode)
			}
			if !strings.Contains(apiErr.Message, tt.wantMessage) {
				t.Errorf("Message = %q, want it to contain %q", apiErr.Message, tt.wantMessage)
			}
			if n := utf8.RuneCountInString(apiErr.Message); n > 400 {
				t.Errorf("Message is %d characters long, want a short excerpt", n)
			}
			if apiErr.RequestID != tt.wantID {
				t.Errorf("RequestID = %q, want %q", apiErr.RequestID, tt.wantID)
			}
			if apiErr.EdgeBlocked != tt.wantEdge || IsEdgeBlocked(err) != tt.wantEdge {
				t.Errorf("EdgeBlocked = %v, want %v", apiErr.EdgeBlocked, tt.wantEdge)
			}
			if IsNotFound(err) != tt.notFound {
				t.Errorf("IsNotFound = %v, want %v", IsNotFound(err), tt.notFound)
			}
			if IsClientError(err) != tt.client {
				t.Errorf("IsClientError = %v, want %v", IsClientError(err), tt.client)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("Error() spans lines: %q", err.Error())
			}
			// Reads retry 5xx; nothing else here may be retried.
			wantAttempts := 1
			if tt.status >= 500 {
				wantAttempts = 4
			}
			if rec.count() != wantAttempts {
				t.Errorf("attempts = %d, want %d", rec.count(), wantAttempts)
			}
		})
	}
}

func TestAPIErrorString(t *testing.T) {
	tests := []struct {
		err  *APIError
		want string
	}{
		{
			&APIError{Action: "RegisterBackend", StatusCode: 400, Code: "MISSING_PARAMETER", Message: "listenerId is required", RequestID: "req-1"},
			`zenlayer: RegisterBackend failed with HTTP 400 Bad Request: code MISSING_PARAMETER, message "listenerId is required", request ID req-1`,
		},
		{
			&APIError{Action: "DescribeBackends", StatusCode: 502, Message: "bad\ngateway"},
			`zenlayer: DescribeBackends failed with HTTP 502 Bad Gateway: code (none), message "bad gateway", request ID (none)`,
		},
		{
			&APIError{Action: "DeleteListener", StatusCode: 451, Message: "blocked", EdgeBlocked: true},
			`zenlayer: DeleteListener was blocked at the network edge with HTTP 451 Unavailable For Legal Reasons: code (none), message "blocked", request ID (none)`,
		},
		{
			&APIError{Action: "DescribeBackends", StatusCode: 401, Code: "AUTH_FAILED", Message: "bad key", RequestID: "req-2", AccessKeyID: "AKID1"},
			`zenlayer: DescribeBackends failed with HTTP 401 Unauthorized: code AUTH_FAILED, message "bad key", request ID req-2; ` +
				`the API refused access key ID AKID1: check that the key exists, is enabled, and that its password is the one configured`,
		},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() =\n%s\nwant\n%s", got, tt.want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Invalid.Instance.Not.Found", "INVALID_INSTANCE_NOT_FOUND"},
		{"INVALID_INSTANCE_NOT_FOUND", "INVALID_INSTANCE_NOT_FOUND"},
		{"request-limit-exceeded", "REQUEST_LIMIT_EXCEEDED"},
		{" Operation.Failed-Resource_Not.Found ", "OPERATION_FAILED_RESOURCE_NOT_FOUND"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeCode(tt.in); got != tt.want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHasCode(t *testing.T) {
	dotted := &APIError{Action: "X", StatusCode: 404, Code: "Invalid.Instance.Not.Found"}
	wrapped := fmt.Errorf("reading: %w", dotted)
	tests := []struct {
		name  string
		err   error
		codes []string
		want  bool
	}{
		{"dotted matches snake", dotted, []string{"INVALID_INSTANCE_NOT_FOUND"}, true},
		{"wrapped", wrapped, []string{"OTHER", "invalid.instance.not.found"}, true},
		{"no match", dotted, []string{"MISSING_PARAMETER"}, false},
		{"no codes", dotted, nil, false},
		{"nil error", nil, []string{"X"}, false},
		{"plain error", errors.New("INVALID_INSTANCE_NOT_FOUND"), []string{"INVALID_INSTANCE_NOT_FOUND"}, false},
		{"empty code never matches", &APIError{StatusCode: 500}, []string{""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HasCode(tt.err, tt.codes...); got != tt.want {
				t.Errorf("HasCode = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsClientError(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&APIError{StatusCode: 400}, true},
		{&APIError{StatusCode: 499}, true},
		{&APIError{StatusCode: 500}, false},
		{&APIError{StatusCode: 200, Code: "X"}, false},
		{&TransportError{Err: errors.New("reset")}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := IsClientError(tt.err); got != tt.want {
			t.Errorf("IsClientError(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestAuthFailureNamesAccessKeyID(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		header  map[string]string
		body    string
		wantKey bool
	}{
		{"401 unknown key", 401, nil, `{"requestId":"r1","code":"AUTH_FAILURE_ACCESS_KEY_NOT_FOUND","message":"no such key"}`, true},
		{"401 without a JSON body", 401, nil, `Unauthorized`, true},
		{"403 refused by the API", 403, nil, `{"requestId":"r2","code":"AUTH_FAILED","message":"signature mismatch"}`, true},
		{"403 edge block", 403, map[string]string{"cf-mitigated": "challenge"}, `<html>challenge</html>`, false},
		{"451 edge block", 451, nil, `blocked`, false},
		{"400 bad parameter", 400, nil, `{"requestId":"r3","code":"MISSING_PARAMETER","message":"listenerId"}`, false},
		{"404 not found", 404, nil, `{"requestId":"r4","code":"OPERATION_FAILED_RESOURCE_NOT_FOUND","message":"gone"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, srv := newRecorder(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				_, _ = fmt.Fprint(w, tt.body)
			})
			c := newTestClient(t, srv, nil)

			_, err := c.RegisterBackend(context.Background(), &RegisterBackendRequest{
				ListenerID: "lsn-1", BackendName: "b", InstanceID: "bm-1", ClientToken: "tok-1",
			})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v (%T), want *APIError", err, err)
			}
			wantKey := ""
			if tt.wantKey {
				wantKey = testKeyID
			}
			if apiErr.AccessKeyID != wantKey {
				t.Errorf("AccessKeyID = %q, want %q", apiErr.AccessKeyID, wantKey)
			}
			if got := strings.Contains(err.Error(), "refused access key ID "+testKeyID); got != tt.wantKey {
				t.Errorf("Error() names the key: %v, want %v; error: %s", got, tt.wantKey, err)
			}
			if IsAuthFailure(err) != tt.wantKey {
				t.Errorf("IsAuthFailure = %v, want %v", IsAuthFailure(err), tt.wantKey)
			}
			if strings.Contains(err.Error(), testPassword) {
				t.Errorf("Error() contains the access key password: %s", err)
			}
			// A refusal is final, even for a write that carries a client token.
			if n := rec.count(); n != 1 {
				t.Errorf("attempts = %d, want 1", n)
			}
		})
	}
}
