package zcapi

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Port limits of the API.
const (
	MinPort = 1
	MaxPort = 65535
)

// spacedDash matches a range dash with white space around it, as in "8000 - 8002".
var spacedDash = regexp.MustCompile(`\s*-\s*`)

// ParsePorts parses the port field the API reports for a backend or a listener. The API
// documents a single port ("80"); the form for several is not published, so ParsePorts accepts
// ports separated by commas, semicolons or white space, optionally inside brackets or quotes
// ("[80,443]"), and ranges such as "8000-8002", which it expands. The result is sorted and
// free of duplicates; an empty string gives an empty result. A part that is not a number, or
// a port outside 1 to 65535, is an error.
func ParsePorts(s string) ([]int, error) {
	normalized := spacedDash.ReplaceAllString(strings.TrimSpace(s), "-")
	parts := strings.FieldsFunc(normalized, func(r rune) bool {
		switch r {
		case ',', ';', '[', ']', '"', '\'':
			return true
		}
		return unicode.IsSpace(r)
	})

	var ports []int
	for _, part := range parts {
		first, last := part, part
		if lo, hi, ok := strings.Cut(part, "-"); ok {
			first, last = lo, hi
		}
		from, err := parsePort(first, part, s)
		if err != nil {
			return nil, err
		}
		to, err := parsePort(last, part, s)
		if err != nil {
			return nil, err
		}
		if from > to {
			return nil, fmt.Errorf("invalid port range %q in %q: the first port is above the last", part, s)
		}
		for p := from; p <= to; p++ {
			ports = append(ports, p)
		}
	}

	slices.Sort(ports)
	return slices.Compact(ports), nil
}

// parsePort parses one port number of part, which is one element of the whole string s.
func parsePort(text, part, s string) (int, error) {
	if text == "" || strings.IndexFunc(text, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, fmt.Errorf("invalid port %q in %q: not a number", part, s)
	}
	p, err := strconv.Atoi(text)
	if err != nil || p < MinPort || p > MaxPort {
		return 0, fmt.Errorf("invalid port %q in %q: ports range from %d to %d", part, s, MinPort, MaxPort)
	}
	return p, nil
}
