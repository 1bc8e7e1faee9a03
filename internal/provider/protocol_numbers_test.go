package provider

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestWholeNumbersReportedAgainstTheirAttribute(t *testing.T) {
	ctx := context.Background()
	e := startEmulator(t)
	pair := newServerPair(t, e, nil)
	typ := resourceType(t, pair.plain, "zenlayer_bmc_lb_listener")
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatal("no listener schema")
	}
	hcType, ok := obj.AttributeTypes["health_check"].(tftypes.Object)
	if !ok {
		t.Fatal("the listener has no health_check object")
	}
	half := func(f float64) tftypes.Value { return tftypes.NewValue(tftypes.Number, big.NewFloat(f)) }
	healthCheck := objectValue(t, hcType, map[string]tftypes.Value{"check_port": half(80.5)})

	config := dynamicValue(t, typ, map[string]tftypes.Value{
		"load_balancer_id": str("lb-demo"), "name": str("web-2"), "protocol": str("TCP"), "backend_protocol": str("TCP"),
		"ports": portSet(80), "health_check": healthCheck,
	})
	resp, err := pair.short.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{
		TypeName: "zenlayer_bmc_lb_listener", Config: &config,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := tftypes.NewAttributePath().WithAttributeName("health_check").WithAttributeName("check_port")
	var found bool
	for _, d := range resp.Diagnostics {
		if strings.Contains(d.Detail, "always an error in the provider") {
			t.Errorf("the framework's conversion error got through: %s", d.Detail)
		}
		if d.Attribute.Equal(want) && d.Summary == "Invalid Attribute Value" &&
			d.Detail == "Attribute health_check.check_port must be a whole number, got: 80.5" {
			found = true
		}
	}
	if !found {
		t.Errorf("no whole-number error on health_check.check_port in %q", diagSummaries(resp.Diagnostics))
	}

	// With the fraction fixed, the answer is the framework's own.
	fixed := dynamicValue(t, typ, map[string]tftypes.Value{
		"load_balancer_id": str("lb-demo"), "name": str("web-2"), "protocol": str("TCP"), "backend_protocol": str("TCP"),
		"ports": portSet(80), "health_check": objectValue(t, hcType, map[string]tftypes.Value{"check_port": num(80)}),
	})
	req := func() *tfprotov6.ValidateResourceConfigRequest {
		c := fixed
		return &tfprotov6.ValidateResourceConfigRequest{TypeName: "zenlayer_bmc_lb_listener", Config: &c}
	}
	got, err := pair.short.ValidateResourceConfig(ctx, req())
	if err != nil {
		t.Fatal(err)
	}
	plain, err := pair.plain.ValidateResourceConfig(ctx, req())
	if err != nil {
		t.Fatal(err)
	}
	sameDiagnostics(t, got.Diagnostics, plain.Diagnostics, true)
}

func TestReadablePath(t *testing.T) {
	root := tftypes.NewAttributePath()
	for _, c := range []struct {
		path *tftypes.AttributePath
		want string
	}{
		{root.WithAttributeName("weight"), "weight"},
		{root.WithAttributeName("ports").WithElementKeyValue(tftypes.NewValue(tftypes.Number, big.NewFloat(80.5))), "ports[80.5]"},
		{root.WithAttributeName("health_check").WithAttributeName("interval"), "health_check.interval"},
		{root.WithAttributeName("tags").WithElementKeyString("env"), `tags["env"]`},
		{root.WithAttributeName("rules").WithElementKeyInt(2).WithAttributeName("port"), "rules[2].port"},
	} {
		if got := readablePath(c.path); got != c.want {
			t.Errorf("readablePath(%s) = %q, want %q", c.path, got, c.want)
		}
	}
}
