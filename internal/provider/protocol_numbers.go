package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A configuration that gives a whole-number attribute a fraction (weight = 50.5) reaches the
// framework as a number, which it then fails to convert: it reports "Configuration Read
// Error ... This is always an error in the provider", although the mistake is the user's.
// When the framework's validation finds errors, the validation RPCs therefore look for such
// values, report each against its attribute in plain words, and validate again with those
// values unknown, so that the framework's own validators check everything else in the same
// run. A configuration without errors costs nothing more.

func (s *shortcutServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	resp, err := validateChecked(ctx, schemas().provider.typ, req,
		func(r *tfprotov6.ValidateProviderConfigRequest) **tfprotov6.DynamicValue { return &r.Config },
		s.ProviderServer.ValidateProviderConfig,
		func(r *tfprotov6.ValidateProviderConfigResponse) *[]*tfprotov6.Diagnostic { return &r.Diagnostics })
	if resp != nil && req != nil && hasErrors(resp.Diagnostics) {
		// The framework hands back the configuration it validated, which may be the copy
		// with unknowns; Terraform stops at the errors, and the configuration it sent is the
		// one to hand back.
		resp.PreparedConfig = req.Config
	}
	return resp, err
}

func (s *shortcutServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	var typ attr.Type
	if req != nil {
		typ = schemas().resources[req.TypeName].typ
	}
	return validateChecked(ctx, typ, req,
		func(r *tfprotov6.ValidateResourceConfigRequest) **tfprotov6.DynamicValue { return &r.Config },
		s.ProviderServer.ValidateResourceConfig,
		func(r *tfprotov6.ValidateResourceConfigResponse) *[]*tfprotov6.Diagnostic { return &r.Diagnostics })
}

func (s *shortcutServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	var typ attr.Type
	if req != nil {
		typ = schemas().dataSources[req.TypeName].typ
	}
	return validateChecked(ctx, typ, req,
		func(r *tfprotov6.ValidateDataResourceConfigRequest) **tfprotov6.DynamicValue { return &r.Config },
		s.ProviderServer.ValidateDataResourceConfig,
		func(r *tfprotov6.ValidateDataResourceConfigResponse) *[]*tfprotov6.Diagnostic { return &r.Diagnostics })
}

// validateChecked sends a validation request to the framework. When the framework reports
// errors and the configuration gives a whole-number attribute of typ a fraction, it validates
// again a copy with those values unknown, and the errors about them come first in the answer.
func validateChecked[Req, Resp any](ctx context.Context, typ attr.Type, req *Req,
	config func(*Req) **tfprotov6.DynamicValue,
	validate func(context.Context, *Req) (*Resp, error),
	diagnostics func(*Resp) *[]*tfprotov6.Diagnostic,
) (*Resp, error) {
	resp, err := validate(ctx, req)
	if err != nil || resp == nil || req == nil || !hasErrors(*diagnostics(resp)) {
		return resp, err
	}
	checked, diags := wholeNumbersChecked(typ, *config(req))
	if diags == nil {
		return resp, nil
	}
	copied := *req
	*config(&copied) = checked
	again, err := validate(ctx, &copied)
	if err != nil || again == nil {
		return again, err
	}
	d := diagnostics(again)
	*d = append(diags, *d...)
	return again, nil
}

// wholeNumbersChecked looks in a configuration for known numbers with a fraction where typ
// holds whole numbers. It returns nil diagnostics when there are none, or when the
// configuration cannot be read (the framework then reports that); otherwise an error for each
// such number, against its attribute, and the configuration with those numbers unknown.
func wholeNumbersChecked(typ attr.Type, config *tfprotov6.DynamicValue) (*tfprotov6.DynamicValue, []*tfprotov6.Diagnostic) {
	if typ == nil || config == nil {
		return config, nil
	}
	tfType := typ.TerraformType(context.Background())
	value, err := config.Unmarshal(tfType)
	if err != nil {
		return config, nil
	}
	var diags []*tfprotov6.Diagnostic
	checked := replaceFractions(typ, value, tftypes.NewAttributePath(), &diags)
	if len(diags) == 0 {
		return config, nil
	}
	out, err := tfprotov6.NewDynamicValue(tfType, checked)
	if err != nil {
		return config, nil
	}
	return &out, diags
}

// replaceFractions returns v with every known number that typ holds as a whole number but that
// has a fraction made unknown, adding an error for each to diags. p is the path of v.
func replaceFractions(typ attr.Type, v tftypes.Value, p *tftypes.AttributePath, diags *[]*tfprotov6.Diagnostic) tftypes.Value {
	if v.IsNull() || !v.IsKnown() {
		return v
	}
	switch t := typ.(type) {
	case basetypes.Int64Typable, basetypes.Int32Typable:
		n := new(big.Float)
		if v.As(&n) != nil || n.IsInt() {
			return v
		}
		*diags = append(*diags, &tfprotov6.Diagnostic{
			Severity:  tfprotov6.DiagnosticSeverityError,
			Summary:   "Invalid Attribute Value",
			Detail:    fmt.Sprintf("Attribute %s must be a whole number, got: %s", readablePath(p), n.Text('g', -1)),
			Attribute: p,
		})
		return tftypes.NewValue(v.Type(), tftypes.UnknownValue)
	case attr.TypeWithAttributeTypes:
		var attrs map[string]tftypes.Value
		if v.As(&attrs) != nil {
			return v
		}
		for name, at := range t.AttributeTypes() {
			if av, ok := attrs[name]; ok {
				attrs[name] = replaceFractions(at, av, p.WithAttributeName(name), diags)
			}
		}
		return tftypes.NewValue(v.Type(), attrs)
	case attr.TypeWithElementType:
		switch {
		case v.Type().Is(tftypes.Map{}):
			var elems map[string]tftypes.Value
			if v.As(&elems) != nil {
				return v
			}
			for k, ev := range elems {
				elems[k] = replaceFractions(t.ElementType(), ev, p.WithElementKeyString(k), diags)
			}
			return tftypes.NewValue(v.Type(), elems)
		case v.Type().Is(tftypes.List{}), v.Type().Is(tftypes.Set{}):
			var elems []tftypes.Value
			if v.As(&elems) != nil {
				return v
			}
			isSet := v.Type().Is(tftypes.Set{})
			for i, ev := range elems {
				ep := p.WithElementKeyInt(i)
				if isSet {
					ep = p.WithElementKeyValue(ev)
				}
				elems[i] = replaceFractions(t.ElementType(), ev, ep, diags)
			}
			return tftypes.NewValue(v.Type(), elems)
		}
	}
	return v
}

// readablePath writes an attribute path as a configuration would: weight, ports[80.5],
// health_check.interval.
func readablePath(p *tftypes.AttributePath) string {
	var b strings.Builder
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case tftypes.AttributeName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(s))
		case tftypes.ElementKeyString:
			fmt.Fprintf(&b, "[%q]", string(s))
		case tftypes.ElementKeyInt:
			fmt.Fprintf(&b, "[%d]", int64(s))
		case tftypes.ElementKeyValue:
			var n *big.Float
			if tftypes.Value(s).As(&n) == nil && n != nil {
				fmt.Fprintf(&b, "[%s]", n.Text('g', -1))
			} else {
				b.WriteString("[…]")
			}
		}
	}
	return b.String()
}
