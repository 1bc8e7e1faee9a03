package zcapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// The API publishes some response fields in one form only, while others are known to vary.
// The methods below accept every form seen or plausible for those fields, so that a change
// on the service side does not break reading state.

// UnmarshalJSON decodes a backend, accepting port as a string ("80"), a number (80) or a list
// of either ([80, 443]); a list is kept as a comma-separated string for ParsePorts.
func (b *Backend) UnmarshalJSON(data []byte) error {
	type plain Backend
	var aux struct {
		plain
		Port json.RawMessage `json:"port"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	port, err := portText(aux.Port)
	if err != nil {
		return fmt.Errorf("backend %q: %w", aux.BackendID, err)
	}
	*b = Backend(aux.plain)
	b.Port = port
	return nil
}

// UnmarshalJSON decodes a listener, accepting port in the same forms as Backend does.
func (l *Listener) UnmarshalJSON(data []byte) error {
	type plain Listener
	var aux struct {
		plain
		Port json.RawMessage `json:"port"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	port, err := portText(aux.Port)
	if err != nil {
		return fmt.Errorf("listener %q: %w", aux.ListenerID, err)
	}
	*l = Listener(aux.plain)
	l.Port = port
	return nil
}

// UnmarshalJSON decodes a load balancer, accepting tags as a list of {key, value}, as the
// request form {"tags": [...]}, or as an object that maps keys to values.
func (lb *LoadBalancer) UnmarshalJSON(data []byte) error {
	type plain LoadBalancer
	var aux struct {
		plain
		Tags json.RawMessage `json:"tags"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	tags, err := decodeTags(aux.Tags)
	if err != nil {
		return fmt.Errorf("load balancer %q: %w", aux.LoadBalancerID, err)
	}
	*lb = LoadBalancer(aux.plain)
	lb.Tags = tags
	return nil
}

// portText turns the raw port field into the text ParsePorts reads.
func portText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", nil
	}
	if raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return "", fmt.Errorf("port: %w", err)
		}
		texts := make([]string, 0, len(items))
		for _, item := range items {
			text, err := scalarText(item)
			if err != nil {
				return "", err
			}
			if text != "" {
				texts = append(texts, text)
			}
		}
		return strings.Join(texts, ","), nil
	}
	return scalarText(raw)
}

// scalarText returns a JSON string as is and a JSON number as its literal text.
func scalarText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if bytes.Equal(raw, []byte("null")) {
		return "", nil
	}
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return strings.TrimSpace(s), err
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", fmt.Errorf("port: want a string or a number, got %s", raw)
	}
	return n.String(), nil
}

// decodeTags reads tags in any of the forms LoadBalancer.UnmarshalJSON accepts.
func decodeTags(raw json.RawMessage) ([]Tag, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	switch raw[0] {
	case '[':
		var tags []Tag
		if err := json.Unmarshal(raw, &tags); err != nil {
			return nil, fmt.Errorf("tags: %w", err)
		}
		return tags, nil
	case '{':
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return nil, fmt.Errorf("tags: %w", err)
		}
		if inner, ok := fields["tags"]; ok {
			return decodeTags(inner)
		}
		var byKey map[string]string
		if err := json.Unmarshal(raw, &byKey); err != nil {
			return nil, fmt.Errorf("tags: want a list or an object, got %s", raw)
		}
		tags := make([]Tag, 0, len(byKey))
		for k, v := range byKey {
			tags = append(tags, Tag{Key: k, Value: v})
		}
		sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
		return tags, nil
	}
	return nil, fmt.Errorf("tags: want a list or an object, got %s", raw)
}
