package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// namePattern is the character set and length of load balancer, listener and backend names.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9.-]{1,64}$`)

// maxFilterIDs bounds the ID lists of the Describe actions that publish a limit.
const maxFilterIDs = 100

// params reads the fields of a JSON request object. Reading stops being
// useful after the first problem: it is kept in the root and later problems
// are ignored, so handlers read every field and then check err once.
type params struct {
	fields map[string]json.RawMessage
	prefix string
	root   *params
	err    *apiError
}

// parseBody reads a request body, which must be one JSON object. An empty body counts as {}.
func parseBody(body []byte) (*params, *apiError) {
	p := &params{fields: map[string]json.RawMessage{}}
	p.root = p
	if len(bytes.TrimSpace(body)) == 0 {
		return p, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p.fields); err != nil {
		return nil, newError(http.StatusBadRequest, "INVALID_PARAMETER", "The request body is not a JSON object: %v.", err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return nil, newError(http.StatusBadRequest, "INVALID_PARAMETER", "The request body has data after the JSON object.")
	}
	if p.fields == nil {
		p.fields = map[string]json.RawMessage{}
	}
	return p, nil
}

func (p *params) path(name string) string { return p.prefix + name }

// fail records a problem unless an earlier one is already recorded.
func (p *params) fail(e *apiError) {
	if p.root.err == nil {
		p.root.err = e
	}
}

func (p *params) invalid(name, format string, args ...any) {
	p.fail(invalidParameter(p.path(name), format, args...))
}

func (p *params) missing(name string) {
	p.fail(missingParameter(p.path(name)))
}

// raw returns a field's JSON text; a field set to null counts as absent.
func (p *params) raw(name string) (json.RawMessage, bool) {
	v, ok := p.fields[name]
	if !ok || string(bytes.TrimSpace(v)) == "null" {
		return nil, false
	}
	return v, true
}

func (p *params) has(name string) bool {
	_, ok := p.raw(name)
	return ok
}

func (p *params) str(name string) (string, bool) {
	v, ok := p.raw(name)
	if !ok {
		return "", false
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		p.invalid(name, "must be a string")
		return "", false
	}
	return s, true
}

// requiredStr reads a string that must be present and non-empty.
func (p *params) requiredStr(name string) string {
	s, ok := p.str(name)
	if !ok || s == "" {
		if !ok && p.has(name) {
			return ""
		}
		p.missing(name)
	}
	return s
}

func parseInteger(v json.RawMessage) (int, bool) {
	text := strings.TrimSpace(string(v))
	if text == "" || text[0] != '-' && (text[0] < '0' || text[0] > '9') {
		return 0, false
	}
	n, err := strconv.ParseInt(text, 10, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

func (p *params) integer(name string) (int, bool) {
	v, ok := p.raw(name)
	if !ok {
		return 0, false
	}
	n, ok := parseInteger(v)
	if !ok {
		p.invalid(name, "must be an integer")
		return 0, false
	}
	return n, true
}

func (p *params) boolean(name string) (bool, bool) {
	v, ok := p.raw(name)
	if !ok {
		return false, false
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		p.invalid(name, "must be true or false")
		return false, false
	}
	return b, true
}

// strList reads an array of non-empty strings.
func (p *params) strList(name string) ([]string, bool) {
	v, ok := p.raw(name)
	if !ok {
		return nil, false
	}
	var items []json.RawMessage
	if err := json.Unmarshal(v, &items); err != nil {
		p.invalid(name, "must be an array of strings")
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		var s string
		if err := json.Unmarshal(item, &s); err != nil || s == "" {
			p.invalid(name, "must be an array of non-empty strings")
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// idList reads an optional array of IDs of at most limit elements (limit 0: no bound).
func (p *params) idList(name string, limit int) []string {
	ids, ok := p.strList(name)
	if ok && limit > 0 && len(ids) > limit {
		p.invalid(name, "at most %d IDs are allowed, got %d", limit, len(ids))
	}
	return ids
}

func (p *params) intList(name string) ([]int, bool) {
	v, ok := p.raw(name)
	if !ok {
		return nil, false
	}
	var items []json.RawMessage
	if err := json.Unmarshal(v, &items); err != nil {
		p.invalid(name, "must be an array of integers")
		return nil, false
	}
	out := make([]int, 0, len(items))
	for _, item := range items {
		n, ok := parseInteger(item)
		if !ok {
			p.invalid(name, "must be an array of integers")
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// object reads a nested JSON object.
func (p *params) object(name string) (*params, bool) {
	v, ok := p.raw(name)
	if !ok {
		return nil, false
	}
	child := &params{prefix: p.path(name) + ".", root: p.root}
	if err := json.Unmarshal(v, &child.fields); err != nil || child.fields == nil {
		p.invalid(name, "must be a JSON object")
		return nil, false
	}
	return child, true
}

// objectList reads an array of JSON objects.
func (p *params) objectList(name string) ([]*params, bool) {
	v, ok := p.raw(name)
	if !ok {
		return nil, false
	}
	var items []json.RawMessage
	if err := json.Unmarshal(v, &items); err != nil {
		p.invalid(name, "must be an array of JSON objects")
		return nil, false
	}
	out := make([]*params, 0, len(items))
	for i, item := range items {
		child := &params{prefix: fmt.Sprintf("%s[%d].", p.path(name), i), root: p.root}
		if err := json.Unmarshal(item, &child.fields); err != nil || child.fields == nil {
			p.invalid(name, "element %d must be a JSON object", i)
			return nil, false
		}
		out = append(out, child)
	}
	return out, true
}

// checkName validates a resource name.
func (p *params) checkName(name, value string) {
	if !namePattern.MatchString(value) {
		p.invalid(name, "%q must be 1 to 64 letters, digits, '-' or '.'", value)
	}
}

// checkEnum validates that value is one of allowed (compared exactly).
func (p *params) checkEnum(name, value string, allowed ...string) {
	if !slices.Contains(allowed, value) {
		p.invalid(name, "%q is not one of %s", value, strings.Join(allowed, ", "))
	}
}

// checkUpTo validates that 1 <= value <= hi.
func (p *params) checkUpTo(name string, value, hi int) {
	if value < 1 || value > hi {
		p.invalid(name, "%d is outside 1 to %d", value, hi)
	}
}

// optEnum reads an optional string from allowed, returning def when absent.
func (p *params) optEnum(name, def string, allowed ...string) string {
	v, ok := p.str(name)
	if !ok {
		return def
	}
	p.checkEnum(name, v, allowed...)
	return v
}

// reqEnum reads a required string from allowed.
func (p *params) reqEnum(name string, allowed ...string) string {
	v := p.requiredStr(name)
	if v != "" {
		p.checkEnum(name, v, allowed...)
	}
	return v
}

// ports reads a list of distinct ports. It reports false when the field is absent.
func (p *params) ports(name string) ([]int, bool) {
	ports, ok := p.intList(name)
	if !ok {
		return nil, false
	}
	seen := map[int]bool{}
	for _, port := range ports {
		if port < 1 || port > 65535 {
			p.invalid(name, "the port %d is outside 1 to 65535", port)
			return nil, true
		}
		if seen[port] {
			p.invalid(name, "the port %d is listed twice", port)
			return nil, true
		}
		seen[port] = true
	}
	return ports, true
}

// paging reads pageNum (default 1, at least 1) and pageSize (default 20, 1 to 1000).
func (p *params) paging() (pageNum, pageSize int) {
	pageNum, pageSize = 1, 20
	if n, ok := p.integer("pageNum"); ok {
		if n < 1 {
			p.invalid("pageNum", "%d is less than 1", n)
		}
		pageNum = n
	}
	if n, ok := p.integer("pageSize"); ok {
		p.checkUpTo("pageSize", n, 1000)
		pageSize = n
	}
	return pageNum, pageSize
}

// clientToken reads an idempotency token: at most 64 printable ASCII characters.
func (p *params) clientToken(required bool) string {
	var token string
	if required {
		token = p.requiredStr("clientToken")
	} else {
		token, _ = p.str("clientToken")
	}
	if len(token) > 64 {
		p.invalid("clientToken", "at most 64 characters are allowed")
	}
	for _, c := range token {
		if c < 0x21 || c > 0x7e {
			p.invalid("clientToken", "only printable ASCII characters without spaces are allowed")
			break
		}
	}
	return token
}

// page returns the part of items that a page covers.
func page[T any](items []T, pageNum, pageSize int) []T {
	start := (pageNum - 1) * pageSize
	if start >= len(items) || start < 0 {
		return []T{}
	}
	end := min(start+pageSize, len(items))
	return items[start:end]
}

// only records the first field, in name order, that is not one of names.
func (p *params) only(names ...string) {
	keys := slices.Sorted(maps.Keys(p.fields))
	for _, k := range keys {
		if !slices.Contains(names, k) {
			p.fail(invalidParameter(p.path(k), "the field is unknown; allowed fields are %s", strings.Join(names, ", ")))
			return
		}
	}
}
