package provider

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

// The shortcuts of NewProtocol6 must answer exactly as the framework does. Each test below
// sends the same request to a shortcut server and to a plain framework server, checks whether
// the shortcut answered itself, and compares the two answers.

// serverPair is a shortcut server and a plain framework server, both configured against one
// emulator.
type serverPair struct {
	short *shortcutServer
	plain tfprotov6.ProviderServer
}

func newServerPair(t *testing.T, e *emulator.Emulator, extra map[string]tftypes.Value) serverPair {
	t.Helper()
	short, ok := NewProtocol6("test")().(*shortcutServer)
	if !ok {
		t.Fatal("NewProtocol6 does not serve through the shortcuts")
	}
	pair := serverPair{
		short: short,
		plain: providerserver.NewProtocol6(&zenlayerProvider{version: "test"})(),
	}
	for _, srv := range []tfprotov6.ProviderServer{pair.short, pair.plain} {
		configureServer(t, srv, e, extra)
	}
	return pair
}

func configureServer(t *testing.T, srv tfprotov6.ProviderServer, e *emulator.Emulator, extra map[string]tftypes.Value) {
	t.Helper()
	ctx := context.Background()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasErrors(schemas.Diagnostics) {
		t.Fatalf("provider schema: %v %v", err, schemas.Diagnostics)
	}
	attrs := map[string]tftypes.Value{
		"access_key_id":       tftypes.NewValue(tftypes.String, emulator.DefaultAccessKeyID),
		"access_key_password": tftypes.NewValue(tftypes.String, emulator.DefaultAccessKeyPassword),
		"domain":              tftypes.NewValue(tftypes.String, e.Domain()),
		"scheme":              tftypes.NewValue(tftypes.String, "HTTP"),
	}
	for k, v := range extra {
		attrs[k] = v
	}
	config := dynamicValue(t, schemas.Provider.ValueType(), attrs)
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &config})
	if err != nil || hasErrors(resp.Diagnostics) {
		t.Fatalf("configure: %v %v", err, diagSummaries(resp.Diagnostics))
	}
}

// objectValue builds an object of typ from attrs, with every attribute not given null.
func objectValue(t *testing.T, typ tftypes.Type, attrs map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object type", typ)
	}
	full := make(map[string]tftypes.Value, len(obj.AttributeTypes))
	for name, at := range obj.AttributeTypes {
		if v, ok := attrs[name]; ok {
			full[name] = v
		} else {
			full[name] = tftypes.NewValue(at, nil)
		}
	}
	for name := range attrs {
		if _, ok := obj.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %q in %s", name, typ)
		}
	}
	return tftypes.NewValue(typ, full)
}

func dynamicValue(t *testing.T, typ tftypes.Type, attrs map[string]tftypes.Value) tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, objectValue(t, typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return dv
}

func decode(t *testing.T, typ tftypes.Type, dv *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	if dv == nil {
		return tftypes.Value{}
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	return v
}

// resourceType is the value type of a resource as the framework's server declares it.
func resourceType(t *testing.T, srv tfprotov6.ProviderServer, typeName string) tftypes.Type {
	t.Helper()
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasErrors(resp.Diagnostics) {
		t.Fatalf("provider schema: %v %v", err, resp.Diagnostics)
	}
	sch, ok := resp.ResourceSchemas[typeName]
	if !ok {
		t.Fatalf("no schema for %s", typeName)
	}
	return sch.ValueType()
}

func backendType(t *testing.T, pair serverPair) tftypes.Type {
	t.Helper()
	return resourceType(t, pair.plain, backendTypeName)
}

// TestSchemasMatchTheFramework holds the schemas the shortcuts read to the ones the framework
// serves: the same value types, versions and blocks.
func TestSchemasMatchTheFramework(t *testing.T) {
	plain := providerserver.NewProtocol6(&zenlayerProvider{version: "test"})()
	resp, err := plain.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasErrors(resp.Diagnostics) {
		t.Fatalf("provider schema: %v %v", err, resp.Diagnostics)
	}
	got := schemas()
	if !got.provider.tfType.Equal(resp.Provider.ValueType()) {
		t.Errorf("provider type %s, framework %s", got.provider.tfType, resp.Provider.ValueType())
	}
	check := func(kind string, mine map[string]schemaInfo, theirs map[string]*tfprotov6.Schema) {
		if len(mine) != len(theirs) {
			t.Errorf("%d %s schemas, the framework serves %d", len(mine), kind, len(theirs))
		}
		for name, sch := range theirs {
			info, ok := mine[name]
			switch {
			case !ok:
				t.Errorf("%s %s is missing", kind, name)
			case !info.tfType.Equal(sch.ValueType()):
				t.Errorf("%s %s: type %s, framework %s", kind, name, info.tfType, sch.ValueType())
			case info.version != sch.Version:
				t.Errorf("%s %s: version %d, framework %d", kind, name, info.version, sch.Version)
			case info.blocks != (len(sch.Block.BlockTypes) > 0):
				t.Errorf("%s %s: blocks %v, framework %d", kind, name, info.blocks, len(sch.Block.BlockTypes))
			}
		}
	}
	check("resource", got.resources, resp.ResourceSchemas)
	check("data source", got.dataSources, resp.DataSourceSchemas)
}

// timeoutsType is the type of the backend's timeouts attribute.
func timeoutsType(t *testing.T, typ tftypes.Type) tftypes.Type {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object type", typ)
	}
	return obj.AttributeTypes["timeouts"]
}

func diagSummaries(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Severity.String()+": "+d.Summary)
	}
	return out
}

// sameDiagnostics compares severities, summaries and attribute paths, in any order (the
// framework's order follows map iteration); details are compared only when exact is set,
// since the API's request IDs differ between two calls.
func sameDiagnostics(t *testing.T, got, want []*tfprotov6.Diagnostic, exact bool) {
	t.Helper()
	key := func(d *tfprotov6.Diagnostic) string {
		k := d.Severity.String() + "|" + d.Summary + "|" + fmt.Sprint(d.Attribute)
		if exact {
			k += "|" + d.Detail
		}
		return k
	}
	keys := func(diags []*tfprotov6.Diagnostic) []string {
		out := make([]string, 0, len(diags))
		for _, d := range diags {
			out = append(out, key(d))
		}
		slices.Sort(out)
		return out
	}
	if g, w := keys(got), keys(want); !slices.Equal(g, w) {
		t.Fatalf("diagnostics differ:\nshortcut  %q\nframework %q", g, w)
	}
}

// askBoth sends a request to the shortcut and to both servers: it checks whether the shortcut
// answers itself, as want says, and returns the shortcut server's and the framework's answers.
func askBoth[Req, Resp any](t *testing.T, req func() Req, shortcut func(context.Context, Req) (Resp, bool),
	short, plain func(context.Context, Req) (Resp, error), want bool) (got, framework Resp) {
	t.Helper()
	ctx := context.Background()
	if _, answered := shortcut(ctx, req()); answered != want {
		t.Fatalf("the shortcut answered: %v, want %v", answered, want)
	}
	got, err := short(ctx, req())
	if err != nil {
		t.Fatal(err)
	}
	framework, err = plain(ctx, req())
	if err != nil {
		t.Fatal(err)
	}
	return got, framework
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
func num(n int) tftypes.Value    { return tftypes.NewValue(tftypes.Number, n) }

func portSet(ports ...int) tftypes.Value {
	elems := make([]tftypes.Value, 0, len(ports))
	for _, p := range ports {
		elems = append(elems, num(p))
	}
	return tftypes.NewValue(tftypes.Set{ElementType: tftypes.Number}, elems)
}

func startEmulator(t *testing.T) *emulator.Emulator {
	t.Helper()
	e := emulator.New(emulator.Options{})
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// registerBackend registers an instance on a listener through the API, as another tool would.
func registerBackend(t *testing.T, e *emulator.Emulator, listenerID, instanceID, name string, weight int) string {
	t.Helper()
	client, err := zcapi.New(zcapi.Config{
		AccessKeyID: emulator.DefaultAccessKeyID, AccessKeyPassword: emulator.DefaultAccessKeyPassword,
		Domain: e.Domain(), Scheme: "HTTP",
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.RegisterBackend(context.Background(), &zcapi.RegisterBackendRequest{
		ListenerID: listenerID, BackendName: name, InstanceID: instanceID, ClientToken: "tok-" + name, Weight: &weight,
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.BackendID
}

// importedState is the state of a backend right after import: its ID and listener only.
func importedState(t *testing.T, typ tftypes.Type, listenerID, id string) tfprotov6.DynamicValue {
	return dynamicValue(t, typ, map[string]tftypes.Value{"id": str(id), "listener_id": str(listenerID)})
}

// refreshedState reads a backend through the plain framework server and returns the state.
func refreshedState(t *testing.T, plain tfprotov6.ProviderServer, state tfprotov6.DynamicValue) tfprotov6.DynamicValue {
	t.Helper()
	resp, err := plain.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: backendTypeName, CurrentState: &state})
	if err != nil || hasErrors(resp.Diagnostics) || resp.NewState == nil {
		t.Fatalf("read: %v %v", err, diagSummaries(resp.Diagnostics))
	}
	return *resp.NewState
}

func TestReadShortcutMatchesFramework(t *testing.T) {
	e := startEmulator(t)
	webID := registerBackend(t, e, emulator.FixtureListenerWeb, "bm-0001", "web-1", 100)
	apiID := registerBackend(t, e, emulator.FixtureListenerAPI, "bm-0002", "api-1", 60)
	drID := registerBackend(t, e, emulator.FixtureListenerDR, "bm-0003", "dns-1", 100)

	setup := newServerPair(t, e, nil)
	typ := backendType(t, setup)
	webState := refreshedState(t, setup.plain, importedState(t, typ, emulator.FixtureListenerWeb, webID))
	apiState := refreshedState(t, setup.plain, importedState(t, typ, emulator.FixtureListenerAPI, apiID))
	drState := refreshedState(t, setup.plain, importedState(t, typ, emulator.FixtureListenerDR, drID))

	withTimeouts := func(dv tfprotov6.DynamicValue) tfprotov6.DynamicValue {
		v := decode(t, typ, &dv)
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			t.Fatal(err)
		}
		attrs["timeouts"] = tftypes.NewValue(timeoutsType(t, typ), map[string]tftypes.Value{
			"create": str("20m"), "update": tftypes.NewValue(tftypes.String, nil), "delete": str("3m"),
		})
		out, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	cases := []struct {
		name     string
		state    tfprotov6.DynamicValue
		private  []byte
		before   func() // changes the API's side before the read
		extra    map[string]tftypes.Value
		answered bool // whether the shortcut answers itself
		exact    bool // whether diagnostic details can be compared
	}{
		{name: "unchanged", state: webState, answered: true, exact: true},
		{name: "unchanged with weight 60", state: apiState, answered: true, exact: true},
		{name: "unchanged without ports", state: drState, answered: true, exact: true},
		{name: "unchanged with timeouts", state: withTimeouts(webState), answered: true, exact: true},
		{name: "weight changed outside", state: apiState, before: func() { e.SetBackendWeightDirect(apiID, 5) }, exact: true},
		{name: "imported", state: importedState(t, typ, emulator.FixtureListenerWeb, webID), exact: true},
		{name: "private state", state: webState, private: []byte(`{"k":"dg=="}`), exact: true},
		{name: "backend gone", state: webState, before: func() { e.DeleteBackendDirect(webID) }, answered: true, exact: true},
		{name: "listener gone", state: drState, before: func() { e.DeleteListenerDirect(emulator.FixtureListenerDR) }, answered: true, exact: true},
		{
			name: "API failing", state: apiState, answered: true,
			before: func() {
				e.SetFaults(emulator.Faults{ServerErrorRate: 1, Actions: []string{zcapi.ActionDescribeBackends}})
			},
			extra: map[string]tftypes.Value{"max_retries": num(0)},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				tc.before()
			}
			defer e.SetFaults(emulator.Faults{})
			pair := newServerPair(t, e, tc.extra)
			req := func() *tfprotov6.ReadResourceRequest {
				state := tc.state
				return &tfprotov6.ReadResourceRequest{TypeName: backendTypeName, CurrentState: &state, Private: tc.private}
			}

			got, want := askBoth(t, req, pair.short.readBackend, pair.short.ReadResource, pair.plain.ReadResource, tc.answered)
			sameDiagnostics(t, got.Diagnostics, want.Diagnostics, tc.exact)
			if g, w := decode(t, typ, got.NewState), decode(t, typ, want.NewState); !g.Equal(w) {
				t.Fatalf("new state differs:\nshortcut  %s\nframework %s", g, w)
			}
			if !slices.Equal(got.Private, want.Private) {
				t.Fatalf("private state differs: %q vs %q", got.Private, want.Private)
			}
			if !reflect.DeepEqual(got.Deferred, want.Deferred) || !reflect.DeepEqual(got.NewIdentity, want.NewIdentity) {
				t.Fatalf("deferral or identity differs: %+v %+v", got, want)
			}
		})
	}
}

func TestPlanShortcutMatchesFramework(t *testing.T) {
	e := startEmulator(t)
	pair := newServerPair(t, e, nil)
	typ := backendType(t, pair)
	someTimeouts := tftypes.NewValue(timeoutsType(t, typ), map[string]tftypes.Value{
		"create": str("20m"), "update": tftypes.NewValue(tftypes.String, nil), "delete": tftypes.NewValue(tftypes.String, nil),
	})

	// config holds what a configuration sets; state adds what the API reports.
	config := map[string]tftypes.Value{
		"listener_id": str("lsn-web"), "instance_id": str("bm-0001"), "backend_name": str("web-1"), "ports": portSet(80),
	}
	state := map[string]tftypes.Value{
		"id": str("bk-1"), "listener_id": str("lsn-web"), "instance_id": str("bm-0001"), "instance_type": str("BM"),
		"backend_name": str("web-1"), "ports": portSet(80), "weight": num(100), "status": str("Available"),
		"instance_name": str("node-1"), "create_time": str("2026-12-01T10:00:00Z"), "load_balancer_id": str("lb-demo"),
	}
	with := func(base map[string]tftypes.Value, changes map[string]tftypes.Value) map[string]tftypes.Value {
		out := make(map[string]tftypes.Value, len(base)+len(changes))
		for k, v := range base {
			out[k] = v
		}
		for k, v := range changes {
			out[k] = v
		}
		return out
	}
	// proposed is what Terraform proposes: the configuration, with the prior value of every
	// computed attribute the configuration leaves out.
	computed := map[string]bool{"instance_type": true, "ports": true, "weight": true}
	proposed := func(cfg, prior map[string]tftypes.Value) map[string]tftypes.Value {
		out := with(prior, nil)
		for k, v := range cfg {
			if !v.IsNull() || !computed[k] {
				out[k] = v
			}
		}
		if _, ok := cfg["timeouts"]; !ok {
			delete(out, "timeouts")
		}
		return out
	}

	cases := []struct {
		name                   string
		config, prior, propose map[string]tftypes.Value
		nullPrior, nullPropose bool
		private                []byte
		answered               bool
	}{
		{name: "unchanged", config: config, prior: state, answered: true},
		{name: "unchanged, defaults written out", config: with(config, map[string]tftypes.Value{"weight": num(100), "instance_type": str("BM")}), prior: state, answered: true},
		{name: "unchanged, weight set", config: with(config, map[string]tftypes.Value{"weight": num(40)}), prior: with(state, map[string]tftypes.Value{"weight": num(40)}), answered: true},
		{name: "unchanged VM", config: with(config, map[string]tftypes.Value{"instance_type": str("VM")}), prior: with(state, map[string]tftypes.Value{"instance_type": str("VM")}), answered: true},
		{name: "unchanged with timeouts", config: with(config, map[string]tftypes.Value{"timeouts": someTimeouts}), prior: with(state, map[string]tftypes.Value{"timeouts": someTimeouts}), answered: true},
		{name: "weight removed from configuration", config: config, prior: with(state, map[string]tftypes.Value{"weight": num(40)})},
		{name: "instance type removed from configuration", config: config, prior: with(state, map[string]tftypes.Value{"instance_type": str("VM")})},
		{name: "weight changed", config: with(config, map[string]tftypes.Value{"weight": num(10)}), prior: state},
		{name: "name changed", config: with(config, map[string]tftypes.Value{"backend_name": str("web-2")}), prior: state},
		{name: "ports changed", config: with(config, map[string]tftypes.Value{"ports": portSet(80, 81)}), prior: state},
		{name: "ports left to the API", config: with(config, map[string]tftypes.Value{"ports": tftypes.NewValue(tftypes.Set{ElementType: tftypes.Number}, nil)}), prior: state, answered: true},
		{name: "timeouts added", config: with(config, map[string]tftypes.Value{"timeouts": someTimeouts}), prior: state},
		{name: "private state", config: config, prior: state, private: []byte(`{"k":"dg=="}`)},
		{name: "create", config: config, nullPrior: true},
		{name: "destroy", config: config, prior: state, nullPropose: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := dynamicValue(t, typ, tc.config)
			prior, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
			if err != nil {
				t.Fatal(err)
			}
			propose := tc.propose
			if !tc.nullPrior {
				prior = dynamicValue(t, typ, tc.prior)
				if propose == nil {
					propose = proposed(tc.config, tc.prior)
				}
			} else if propose == nil {
				propose = tc.config
			}
			next := dynamicValue(t, typ, propose)
			if tc.nullPropose {
				if next, err = tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil)); err != nil {
					t.Fatal(err)
				}
			}
			req := func() *tfprotov6.PlanResourceChangeRequest {
				c, p, n := cfg, prior, next
				return &tfprotov6.PlanResourceChangeRequest{
					TypeName: backendTypeName, Config: &c, PriorState: &p, ProposedNewState: &n, PriorPrivate: tc.private,
				}
			}

			got, want := askBoth(t, req, pair.short.planUnchanged, pair.short.PlanResourceChange, pair.plain.PlanResourceChange, tc.answered)
			sameDiagnostics(t, got.Diagnostics, want.Diagnostics, true)
			if g, w := decode(t, typ, got.PlannedState), decode(t, typ, want.PlannedState); !g.Equal(w) {
				t.Fatalf("planned state differs:\nshortcut  %s\nframework %s", g, w)
			}
			if !reflect.DeepEqual(got.RequiresReplace, want.RequiresReplace) {
				t.Fatalf("requires replace differs: %v vs %v", got.RequiresReplace, want.RequiresReplace)
			}
			if !slices.Equal(got.PlannedPrivate, want.PlannedPrivate) {
				t.Fatalf("planned private differs: %q vs %q", got.PlannedPrivate, want.PlannedPrivate)
			}
			if !reflect.DeepEqual(got.Deferred, want.Deferred) {
				t.Fatalf("response differs: %+v vs %+v", got, want)
			}
		})
	}
}

func TestUpgradeShortcutMatchesFramework(t *testing.T) {
	e := startEmulator(t)
	pair := newServerPair(t, e, nil)

	cases := []struct {
		name, typeName string
		version        int64
		json           string
		answered       bool
	}{
		{name: "backend", typeName: backendTypeName, json: `{"id":"bk-1","listener_id":"lsn-web","instance_id":"bm-0001","instance_type":"BM","backend_name":"web-1","ports":[80],"weight":100,"status":"Available","instance_name":"n","create_time":"t","load_balancer_id":"lb-demo","timeouts":null}`, answered: true},
		{name: "backend with an attribute no longer in the schema", typeName: backendTypeName, json: `{"id":"bk-1","listener_id":"lsn-web","retired":"x","ports":null,"timeouts":{"create":"5m","update":null,"delete":null}}`, answered: true},
		{name: "backend with a value of the wrong type", typeName: backendTypeName, json: `{"id":1,"weight":"heavy"}`},
		{name: "backend, not JSON", typeName: backendTypeName, json: `{"id":`},
		{name: "backend, later version", typeName: backendTypeName, version: 3, json: `{"id":"bk-1"}`},
		{name: "listener", typeName: "zenlayer_bmc_lb_listener", json: `{"id":"lsn-web","load_balancer_id":"lb-demo","name":"web","ports":[80]}`, answered: true},
		{name: "load balancer", typeName: "zenlayer_bmc_load_balancer", json: `{"id":"lb-demo","name":"demo"}`, answered: true},
		{name: "unknown type", typeName: "zenlayer_nothing", json: `{}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := func() *tfprotov6.UpgradeResourceStateRequest {
				return &tfprotov6.UpgradeResourceStateRequest{
					TypeName: tc.typeName, Version: tc.version, RawState: &tfprotov6.RawState{JSON: []byte(tc.json)},
				}
			}
			got, want := askBoth(t, req, pair.short.upgradeCurrentVersion, pair.short.UpgradeResourceState, pair.plain.UpgradeResourceState, tc.answered)
			sameDiagnostics(t, got.Diagnostics, want.Diagnostics, true)
			if (got.UpgradedState == nil) != (want.UpgradedState == nil) {
				t.Fatalf("upgraded state: %v vs %v", got.UpgradedState, want.UpgradedState)
			}
			if got.UpgradedState != nil {
				typ := resourceType(t, pair.plain, tc.typeName)
				if g, w := decode(t, typ, got.UpgradedState), decode(t, typ, want.UpgradedState); !g.Equal(w) {
					t.Fatalf("upgraded state differs:\nshortcut  %s\nframework %s", g, w)
				}
			}
		})
	}
}

// TestUnchangedPlanDefaultsMatchSchemas keeps unchangedPlanDefaults true to the schemas: its
// defaults are every default of the resource's attributes, the resource has no ModifyPlan,
// and its plan modifiers are only ones that leave an unchanged, known plan alone.
func TestUnchangedPlanDefaultsMatchSchemas(t *testing.T) {
	ctx := context.Background()
	byName := map[string]func() resource.Resource{backendTypeName: NewBackendResource}
	quiet := map[reflect.Type]bool{
		reflect.TypeOf(stringplanmodifier.UseStateForUnknown()): true,
		reflect.TypeOf(stringplanmodifier.RequiresReplace()):    true,
		reflect.TypeOf(setplanmodifier.UseStateForUnknown()):    true,
		reflect.TypeOf(setplanmodifier.RequiresReplace()):       true,
	}
	for name, table := range unchangedPlanDefaults {
		newResource, ok := byName[name]
		if !ok {
			t.Fatalf("%s: no resource to check", name)
		}
		r := newResource()
		if _, ok := r.(resource.ResourceWithModifyPlan); ok {
			t.Errorf("%s has a ModifyPlan, which may change an unchanged plan", name)
		}
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		if len(resp.Schema.Blocks) > 0 {
			t.Errorf("%s has blocks", name)
		}
		found := map[string]tftypes.Value{}
		for attrName, a := range resp.Schema.Attributes {
			var modifiers []any
			switch a := a.(type) {
			case schema.StringAttribute:
				for _, m := range a.PlanModifiers {
					modifiers = append(modifiers, m)
				}
				if a.Default != nil {
					var d defaults.StringResponse
					a.Default.DefaultString(ctx, defaults.StringRequest{}, &d)
					found[attrName] = str(d.PlanValue.ValueString())
				}
			case schema.Int64Attribute:
				for _, m := range a.PlanModifiers {
					modifiers = append(modifiers, m)
				}
				if a.Default != nil {
					var d defaults.Int64Response
					a.Default.DefaultInt64(ctx, defaults.Int64Request{}, &d)
					found[attrName] = num(int(d.PlanValue.ValueInt64()))
				}
			case schema.SetAttribute:
				for _, m := range a.PlanModifiers {
					modifiers = append(modifiers, m)
				}
				if a.Default != nil {
					t.Errorf("%s.%s: a set default is not covered", name, attrName)
				}
			case schema.SingleNestedAttribute:
				if len(a.PlanModifiers) > 0 || a.Default != nil {
					t.Errorf("%s.%s: plan modifiers or a default of a nested attribute are not covered", name, attrName)
				}
				for nested, na := range a.Attributes {
					if sa, ok := na.(schema.StringAttribute); !ok || len(sa.PlanModifiers) > 0 || sa.Default != nil {
						t.Errorf("%s.%s.%s: not covered", name, attrName, nested)
					}
				}
			default:
				t.Errorf("%s.%s: attribute kind %T is not covered", name, attrName, a)
			}
			for _, m := range modifiers {
				if !quiet[reflect.TypeOf(m)] {
					t.Errorf("%s.%s: plan modifier %T may change an unchanged plan", name, attrName, m)
				}
			}
		}
		if len(found) != len(table) {
			t.Errorf("%s: defaults in the schema %v, in the table %v", name, found, table)
		}
		for attrName, v := range found {
			if !table[attrName].Equal(v) {
				t.Errorf("%s.%s: default %s in the schema, %s in the table", name, attrName, v, table[attrName])
			}
		}
	}
}
