package zcapi

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestBackendPortForms(t *testing.T) {
	tests := []struct {
		json    string
		want    string
		wantErr bool
	}{
		{`{"backendId":"b","port":"80"}`, "80", false},
		{`{"backendId":"b","port":" 80,443 "}`, "80,443", false},
		{`{"backendId":"b","port":80}`, "80", false},
		{`{"backendId":"b","port":[80,443]}`, "80,443", false},
		{`{"backendId":"b","port":["80","8000-8002"]}`, "80,8000-8002", false},
		{`{"backendId":"b","port":null}`, "", false},
		{`{"backendId":"b"}`, "", false},
		{`{"backendId":"b","port":true}`, "", true},
		{`{"backendId":"b","port":{"p":1}}`, "", true},
	}
	for _, tt := range tests {
		var b Backend
		err := json.Unmarshal([]byte(tt.json), &b)
		if tt.wantErr {
			if err == nil {
				t.Errorf("%s: no error, want one", tt.json)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.json, err)
			continue
		}
		if b.Port != tt.want || b.BackendID != "b" {
			t.Errorf("%s: port %q, id %q; want %q, b", tt.json, b.Port, b.BackendID, tt.want)
		}
	}
}

func TestBackendKeepsOtherFields(t *testing.T) {
	raw := `{"listenerId":"l","backendId":"b","backendName":"n","status":"Available","port":443,"weight":7,
		"instanceId":"i","instanceType":"BM","instanceName":"in","createTime":"2026-02-01T00:00:00Z"}`
	var b Backend
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		t.Fatal(err)
	}
	want := Backend{ListenerID: "l", BackendID: "b", BackendName: "n", Status: "Available", Port: "443", Weight: 7,
		InstanceID: "i", InstanceType: "BM", InstanceName: "in", CreateTime: "2026-02-01T00:00:00Z"}
	if b != want {
		t.Errorf("got %+v, want %+v", b, want)
	}
}

func TestListenerPortForms(t *testing.T) {
	var l Listener
	raw := `{"listenerId":"l","port":[53],"protocol":"UDP","healthCheck":{"checkEnabled":true,"checkPort":53}}`
	if err := json.Unmarshal([]byte(raw), &l); err != nil {
		t.Fatal(err)
	}
	if l.Port != "53" || l.Protocol != "UDP" || l.HealthCheck == nil || l.HealthCheck.CheckPort == nil || *l.HealthCheck.CheckPort != 53 {
		t.Errorf("listener = %+v", l)
	}
}

func TestLoadBalancerTagForms(t *testing.T) {
	tests := []struct {
		json    string
		want    []Tag
		wantErr bool
	}{
		{`{"tags":[{"key":"a","value":"1"}]}`, []Tag{{"a", "1"}}, false},
		{`{"tags":{"tags":[{"key":"a","value":"1"},{"key":"b","value":""}]}}`, []Tag{{"a", "1"}, {"b", ""}}, false},
		{`{"tags":{"tags":null}}`, nil, false},
		{`{"tags":{"z":"26","a":"1"}}`, []Tag{{"a", "1"}, {"z", "26"}}, false},
		{`{"tags":null}`, nil, false},
		{`{}`, nil, false},
		{`{"tags":"a=1"}`, nil, true},
		{`{"tags":{"a":1}}`, nil, true},
	}
	for _, tt := range tests {
		var lb LoadBalancer
		err := json.Unmarshal([]byte(tt.json), &lb)
		if tt.wantErr {
			if err == nil {
				t.Errorf("%s: no error, want one", tt.json)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.json, err)
			continue
		}
		if !reflect.DeepEqual(lb.Tags, tt.want) {
			t.Errorf("%s: tags %+v, want %+v", tt.json, lb.Tags, tt.want)
		}
	}
}
