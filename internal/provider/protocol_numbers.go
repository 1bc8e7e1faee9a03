package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A configuration that gives a whole-number attribute a fraction (weight = 50.5) reaches the
// framework as a number, which it then fails to convert: it reports "Configuration Read
// Error ... This is always an error in the provider", although the mistake is the user's. The
// validation RPCs therefore look for such values first, report each against its attribute in
// plain words, and hand the framework the configuration with those values unknown, so that its
// own validators check everything else in the same run.

func (s *shortcutServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	resp, err := validateChecked(ctx, configTypes(ctx).provider, req,
		func(r *tfprotov6.ValidateProviderConfigRequest) **tfprotov6.DynamicValue { return &r.Config },
		s.ProviderServer.ValidateProviderConfig,
		func(r *tfprotov6.ValidateProviderConfigResponse) *[]*tfprotov6.Diagnostic { return &r.Diagnostics })
	if resp != nil && req != nil {
		// Terraform stops at errors; the configuration it sent is the one to hand back.
		resp.PreparedConfig = req.Config
	}
	return resp, err
}

func (s *shortcutServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	var typ attr.Type
	if req != nil {
		typ = configTypes(ctx).resources[req.TypeName]
	}
	return validateChecked(ctx, typ, req,
		func(r *tfprotov6.ValidateResourceConfigRequest) **tfprotov6.DynamicValue { return &r.Config },
		s.ProviderServer.ValidateResourceConfig,
		func(r *tfprotov6.ValidateResourceConfigResponse) *[]*tfprotov6.Diagnostic { return &r.Diagnostics })
}

func (s *shortcutServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	var typ attr.Type
	if req != nil {
		typ = configTypes(ctx).dataSources[req.TypeName]
	}
	return validateChecked(ctx, typ, req,
		func(r *tfprotov6.ValidateDataResourceConfigRequest) **tfprotov6.DynamicValue { return &r.Config },
		s.ProviderServer.ValidateDataResourceConfig,
		func(r *tfprotov6.ValidateDataResourceConfigResponse) *[]*tfprotov6.Diagnostic { return &r.Diagnostics })
}

// validateChecked sends a validation request to the framework. When the configuration gives
// a whole-number attribute of typ a fraction, the framework gets a copy with those values
// unknown, and the errors about them come first in the answer.
func validateChecked[Req, Resp any](ctx context.Context, typ attr.Type, req *Req,
	config func(*Req) **tfprotov6.DynamicValue,
	validate func(context.Context, *Req) (*Resp, error),
	diagnostics func(*Resp) *[]*tfprotov6.Diagnostic,
) (*Resp, error) {
	if req == nil {
		return validate(ctx, req)
	}
	checked, diags := wholeNumbersChecked(typ, *config(req))
	if diags == nil {
		return validate(ctx, req)
	}
	copied := *req
	*config(&copied) = checked
	resp, err := validate(ctx, &copied)
	if err != nil || resp == nil {
		return resp, err
	}
	d := diagnostics(resp)
	*d = append(diags, *d...)
	return resp, nil
}

// schemaTypes are the value types of the provider's schemas, in the framework's types, which
// tell whole numbers from other numbers.
type schemaTypes struct {
	provider    attr.Type
	resources   map[string]attr.Type
	dataSources map[string]attr.Type
}

// configTypes returns the value types of the provider's schemas, read once.
var configTypes = func() func(context.Context) schemaTypes {
	var once sync.Once
	var types schemaTypes
	return func(ctx context.Context) schemaTypes {
		once.Do(func() { types = readSchemaTypes(ctx) })
		return types
	}
}()

func readSchemaTypes(ctx context.Context) schemaTypes {
	p := &zenlayerProvider{}
	out := schemaTypes{resources: map[string]attr.Type{}, dataSources: map[string]attr.Type{}}

	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	var ps provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &ps)
	out.provider = ps.Schema.Type()

	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var m resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &m)
		var sr resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sr)
		out.resources[m.TypeName] = sr.Schema.Type()
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		var m datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &m)
		var sr datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &sr)
		out.dataSources[m.TypeName] = sr.Schema.Type()
	}
	return out
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
