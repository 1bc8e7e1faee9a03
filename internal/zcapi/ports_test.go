package zcapi

import (
	"reflect"
	"strings"
	"testing"
)

func TestParsePorts(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr string
	}{
		{"", nil, ""},
		{"   ", nil, ""},
		{"80", []int{80}, ""},
		{"80,443", []int{80, 443}, ""},
		{"80, 443", []int{80, 443}, ""},
		{"80;443", []int{80, 443}, ""},
		{"80 443", []int{80, 443}, ""},
		{"[80,443]", []int{80, 443}, ""},
		{`["80","443"]`, []int{80, 443}, ""},
		{"443,80,443", []int{80, 443}, ""},
		{"8000-8002", []int{8000, 8001, 8002}, ""},
		{"8000 - 8002, 80", []int{80, 8000, 8001, 8002}, ""},
		{"8001-8002,8000-8001", []int{8000, 8001, 8002}, ""},
		{"22-22", []int{22}, ""},
		{"1,65535", []int{1, 65535}, ""},
		{",80,,", []int{80}, ""},
		{"http", nil, "not a number"},
		{"80,abc", nil, "not a number"},
		{"0", nil, "from 1 to 65535"},
		{"65536", nil, "from 1 to 65535"},
		{"-1", nil, "not a number"},
		{"+80", nil, "not a number"},
		{"8002-8000", nil, "first port is above the last"},
		{"80-", nil, "not a number"},
		{"1-2-3", nil, "not a number"},
		{"99999999999999999999", nil, "from 1 to 65535"},
		{"80.5", nil, "not a number"},
	}
	for _, tt := range tests {
		got, err := ParsePorts(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParsePorts(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePorts(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParsePorts(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParsePortsFullRange(t *testing.T) {
	got, err := ParsePorts("1-65535")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 65535 || got[0] != 1 || got[len(got)-1] != 65535 {
		t.Errorf("ParsePorts(1-65535) has %d ports from %d to %d", len(got), got[0], got[len(got)-1])
	}
}
