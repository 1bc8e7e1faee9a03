// Package zcapi is a client for the BMC load-balancing actions of Zenlayer Cloud API 2.0.
//
// Every call is a signed POST to one endpoint (see Client.Endpoint), the action and version
// chosen by headers. The client signs each attempt afresh with ZC2-HMAC-SHA256, decodes the
// {"requestId", "response"} envelope, turns failures into *APIError or *TransportError, and
// retries with jittered exponential backoff only where repeating is safe: throttling and
// explicitly transient codes always, server faults and dropped connections only for reads and
// for writes the caller marks as repeatable. Redirects are never followed. Each attempt is
// logged at debug level through tflog, without credentials or signatures.
package zcapi
