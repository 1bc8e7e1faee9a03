package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewProtocol6 returns a factory of the provider's protocol 6 server: the plugin framework's
// server, with three RPCs answered directly when the answer is certain to be the one the
// framework would give. A plan refreshes and plans every resource it holds; on a thousand
// backends that is thousands of RPCs, most of which change nothing, and the framework's own
// work on each (walking the schema for every value) cost more than the API calls.
//
//   - UpgradeResourceState of state saved under the current schema version only decodes the
//     saved JSON; the framework would do the same after walking the value for blocks, which
//     this provider's schemas do not have.
//   - ReadResource of a backend runs the same refresh as the resource's Read, and answers
//     itself unless the backend has changed.
//   - PlanResourceChange of a resource in unchangedPlanDefaults whose proposed state is its
//     prior state, with no default that would change it, plans the prior state.
//
// Every other request, and any request these answers are not certain about, goes to the
// framework. The validation RPCs go to the framework too, after a check of their own for
// fractions given to whole-number attributes (protocol_numbers.go). Each server gets a provider of its own, so that what one Configure sets up is
// what that server's shortcuts use.
//
// An RPC answered here leaves no framework trace lines in TF_LOG_SDK_FRAMEWORK logs.
func NewProtocol6(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := &zenlayerProvider{version: version}
		return &shortcutServer{ProviderServer: providerserver.NewProtocol6(p)(), provider: p}
	}
}

// unchangedPlanDefaults lists the resources whose plan of an unchanged resource is its prior
// state, with the defaults of their attributes. For such a resource, when Terraform proposes
// exactly the prior state, the framework's plan is the prior state too, unless an attribute left
// out of the configuration has a default other than its prior value: the resource has no
// ModifyPlan, and its plan modifiers (UseStateForUnknown, RequiresReplace) act only on unknown
// or changed values. TestUnchangedPlanDefaultsMatchSchemas keeps this table in step with the
// schemas.
var unchangedPlanDefaults = map[string]map[string]tftypes.Value{
	backendTypeName: {
		"instance_type": tftypes.NewValue(tftypes.String, "BM"),
		"weight":        tftypes.NewValue(tftypes.Number, defaultBackendWeight),
	},
}

// shortcutServer is the framework's protocol 6 server with the shortcuts of NewProtocol6.
type shortcutServer struct {
	tfprotov6.ProviderServer
	provider *zenlayerProvider
}

func (s *shortcutServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if resp, ok := s.upgradeCurrentVersion(ctx, req); ok {
		return resp, nil
	}
	return s.ProviderServer.UpgradeResourceState(ctx, req)
}

// upgradeCurrentVersion decodes JSON state saved under the current schema version, as the
// framework does, ignoring attributes the schema no longer has. It declines schemas with
// blocks, flatmap state and anything that fails to decode, so that the framework reports it.
func (s *shortcutServer) upgradeCurrentVersion(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, bool) {
	if req == nil || req.RawState == nil || req.RawState.JSON == nil || len(req.RawState.Flatmap) > 0 {
		return nil, false
	}
	sch, ok := schemas().resources[req.TypeName]
	if !ok || req.Version != sch.version || sch.blocks {
		return nil, false
	}
	typ := sch.tfType
	value, err := req.RawState.UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{
		ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
	})
	if err != nil {
		return nil, false
	}
	state, err := tfprotov6.NewDynamicValue(typ, value)
	if err != nil {
		return nil, false
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &state}, true
}

func (s *shortcutServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	if resp, ok := s.readBackend(ctx, req); ok {
		return resp, nil
	}
	return s.ProviderServer.ReadResource(ctx, req)
}

// readBackend refreshes a backend as its Read does and answers when the backend is gone (no
// state), when the refresh changes nothing or fails (the state as it was, and the
// diagnostics). A backend that has changed is left to the framework, whose Read finds it again
// in the listener's shared snapshot and writes the new state. It declines private state and
// identity data, which the framework rewrites.
func (s *shortcutServer) readBackend(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, bool) {
	if req == nil || req.TypeName != backendTypeName || req.CurrentState == nil || len(req.Private) > 0 ||
		req.CurrentIdentity != nil {
		return nil, false
	}
	data := s.provider.configured.Load()
	if data == nil {
		return nil, false
	}
	typ := schemas().resources[backendTypeName].tfType
	value, err := req.CurrentState.Unmarshal(typ)
	if err != nil {
		return nil, false
	}
	prior, ok := backendModelFromValue(ctx, value)
	if !ok {
		return nil, false
	}

	refreshed, gone, diags := refreshBackend(ctx, data.service, prior)
	if !gone && !diags.HasError() && !refreshed.equal(prior) {
		return nil, false
	}
	protoDiags, ok := toProtoDiagnostics(diags)
	if !ok {
		return nil, false
	}
	state := *req.CurrentState
	if gone {
		if state, err = tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil)); err != nil {
			return nil, false
		}
	}
	return &tfprotov6.ReadResourceResponse{NewState: &state, Diagnostics: protoDiags}, true
}

func (s *shortcutServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if resp, ok := s.planUnchanged(ctx, req); ok {
		return resp, nil
	}
	return s.ProviderServer.PlanResourceChange(ctx, req)
}

// planUnchanged plans the prior state of a resource of unchangedPlanDefaults when Terraform
// proposes exactly that state and no default of an attribute left out of the configuration
// differs from its prior value. It declines resources with private state or identity data,
// which the framework rewrites, and anything not fully known.
func (s *shortcutServer) planUnchanged(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, bool) {
	if req == nil || req.PriorState == nil || req.ProposedNewState == nil || req.Config == nil ||
		len(req.PriorPrivate) > 0 || req.PriorIdentity != nil {
		return nil, false
	}
	defaults, ok := unchangedPlanDefaults[req.TypeName]
	if !ok {
		return nil, false
	}
	sch, ok := schemas().resources[req.TypeName]
	if !ok || sch.blocks {
		return nil, false
	}
	typ := sch.tfType
	prior, err := req.PriorState.Unmarshal(typ)
	if err != nil || prior.IsNull() || !prior.IsFullyKnown() {
		return nil, false
	}
	proposed, err := req.ProposedNewState.Unmarshal(typ)
	if err != nil || !proposed.Equal(prior) {
		return nil, false
	}
	config, err := req.Config.Unmarshal(typ)
	if err != nil || config.IsNull() {
		return nil, false
	}
	var configAttrs, priorAttrs map[string]tftypes.Value
	if config.As(&configAttrs) != nil || prior.As(&priorAttrs) != nil {
		return nil, false
	}
	for name, def := range defaults {
		cv, ok := configAttrs[name]
		if !ok {
			return nil, false
		}
		if cv.IsNull() && !priorAttrs[name].Equal(def) {
			return nil, false
		}
	}
	planned := *req.ProposedNewState
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: &planned}, true
}

// backendModelFromValue builds the model of a backend from a state value, as State.Get would
// but without its reflection. It declines values that are null or not fully known.
func backendModelFromValue(ctx context.Context, v tftypes.Value) (backendModel, bool) {
	var m backendModel
	if v.IsNull() || !v.IsFullyKnown() {
		return m, false
	}
	value, err := schemas().resources[backendTypeName].typ.ValueFromTerraform(ctx, v)
	if err != nil {
		return m, false
	}
	obj, ok := value.(basetypes.ObjectValue)
	if !ok {
		return m, false
	}
	attrs := obj.Attributes()
	texts := map[string]*types.String{
		"id": &m.ID, "listener_id": &m.ListenerID, "instance_id": &m.InstanceID, "instance_type": &m.InstanceType,
		"backend_name": &m.BackendName, "status": &m.Status, "instance_name": &m.InstanceName,
		"create_time": &m.CreateTime, "load_balancer_id": &m.LoadBalancerID,
	}
	for name, field := range texts {
		if *field, ok = attrs[name].(types.String); !ok {
			return m, false
		}
	}
	if m.Ports, ok = attrs["ports"].(types.Set); !ok {
		return m, false
	}
	if m.Weight, ok = attrs["weight"].(types.Int64); !ok {
		return m, false
	}
	if m.Timeouts, ok = attrs["timeouts"].(timeouts.Value); !ok {
		return m, false
	}
	return m, len(attrs) == len(texts)+3
}

// toProtoDiagnostics converts diagnostics without attribute paths to the protocol's form; it
// declines any with a path.
func toProtoDiagnostics(diags diag.Diagnostics) ([]*tfprotov6.Diagnostic, bool) {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		if _, withPath := d.(diag.DiagnosticWithPath); withPath {
			return nil, false
		}
		severity := tfprotov6.DiagnosticSeverityWarning
		if d.Severity() == diag.SeverityError {
			severity = tfprotov6.DiagnosticSeverityError
		}
		out = append(out, &tfprotov6.Diagnostic{Severity: severity, Summary: d.Summary(), Detail: d.Detail()})
	}
	return out, true
}

// hasErrors reports whether any diagnostic is an error.
func hasErrors(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}
