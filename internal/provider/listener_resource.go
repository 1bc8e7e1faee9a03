package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/bmclb"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

var (
	_ resource.Resource                = &listenerResource{}
	_ resource.ResourceWithConfigure   = &listenerResource{}
	_ resource.ResourceWithImportState = &listenerResource{}
)

// Default operation timeouts of a listener.
const (
	listenerCreateTimeout = 10 * time.Minute
	listenerUpdateTimeout = 10 * time.Minute
	listenerDeleteTimeout = 10 * time.Minute
)

// Defaults of the optional listener arguments, as the API documents them.
const (
	defaultScheduler = "wrr"
	defaultKind      = "FNAT"
)

// NewListenerResource returns the zenlayer_bmc_lb_listener resource.
func NewListenerResource() resource.Resource {
	return &listenerResource{}
}

type listenerResource struct {
	svc lbService
}

type listenerModel struct {
	ID              types.String   `tfsdk:"id"`
	LoadBalancerID  types.String   `tfsdk:"load_balancer_id"`
	Name            types.String   `tfsdk:"name"`
	Ports           types.Set      `tfsdk:"ports"`
	Protocol        types.String   `tfsdk:"protocol"`
	BackendProtocol types.String   `tfsdk:"backend_protocol"`
	Scheduler       types.String   `tfsdk:"scheduler"`
	Kind            types.String   `tfsdk:"kind"`
	HealthCheck     types.Object   `tfsdk:"health_check"`
	Notify          types.Object   `tfsdk:"notify"`
	Status          types.String   `tfsdk:"status"`
	CreateTime      types.String   `tfsdk:"create_time"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// healthCheckModel is a listener's health check, field by field as the API names them.
type healthCheckModel struct {
	CheckEnabled          types.Bool   `tfsdk:"check_enabled"`
	CheckType             types.String `tfsdk:"check_type"`
	CheckConnectTimeout   types.Int64  `tfsdk:"check_connect_timeout"`
	CheckRetry            types.Int64  `tfsdk:"check_retry"`
	CheckDelayBeforeRetry types.Int64  `tfsdk:"check_delay_before_retry"`
	CheckIntervalTime     types.Int64  `tfsdk:"check_interval_time"`
	CheckPort             types.Int64  `tfsdk:"check_port"`
	HTTPVersion           types.String `tfsdk:"http_version"`
	HTTPCheckPath         types.String `tfsdk:"http_check_path"`
	HTTPCheckDigest       types.Int64  `tfsdk:"http_check_digest"`
	HTTPCode              types.Int64  `tfsdk:"http_code"`
	MiscCheckPath         types.String `tfsdk:"misc_check_path"`
	MiscTimeout           types.Int64  `tfsdk:"misc_timeout"`
}

// notifyModel is a listener's notification setting.
type notifyModel struct {
	Enable     types.Bool   `tfsdk:"enable"`
	APIAddress types.String `tfsdk:"api_address"`
}

// healthCheckAttrTypes and notifyAttrTypes are the object types of health_check and notify.
var (
	healthCheckAttrTypes = map[string]attr.Type{
		"check_enabled":            types.BoolType,
		"check_type":               types.StringType,
		"check_connect_timeout":    types.Int64Type,
		"check_retry":              types.Int64Type,
		"check_delay_before_retry": types.Int64Type,
		"check_interval_time":      types.Int64Type,
		"check_port":               types.Int64Type,
		"http_version":             types.StringType,
		"http_check_path":          types.StringType,
		"http_check_digest":        types.Int64Type,
		"http_code":                types.Int64Type,
		"misc_check_path":          types.StringType,
		"misc_timeout":             types.Int64Type,
	}
	notifyAttrTypes = map[string]attr.Type{
		"enable":      types.BoolType,
		"api_address": types.StringType,
	}
)

// healthCheckDescriptions describes each health check field; the API publishes no units or
// ranges, so none are promised here.
var healthCheckDescriptions = map[string]string{
	"check_enabled":            "Whether the health check runs (`checkEnabled`).",
	"check_type":               "The kind of check, such as `TCP` or `HTTP` (`checkType`).",
	"check_connect_timeout":    "How long a check may take to connect (`checkConnectTimeout`).",
	"check_retry":              "How many failed checks mark a backend down (`checkRetry`).",
	"check_delay_before_retry": "The pause before a failed check is repeated (`checkDelayBeforeRetry`).",
	"check_interval_time":      "The time between two checks (`checkIntervalTime`).",
	"check_port":               "The port checked, from 1 to 65535; by default the backend's own port (`checkPort`).",
	"http_version":             "The HTTP version of an HTTP check (`httpVersion`).",
	"http_check_path":          "The path an HTTP check requests (`httpCheckPath`).",
	"http_check_digest":        "The digest an HTTP check expects (`httpCheckDigest`).",
	"http_code":                "The HTTP status an HTTP check expects (`httpCode`).",
	"misc_check_path":          "The path of the script a custom check runs (`miscCheckPath`).",
	"misc_timeout":             "How long a custom check may run (`miscTimeout`).",
}

func (r *listenerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bmc_lb_listener"
}

func (r *listenerResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	hcAttrs := map[string]schema.Attribute{}
	for name, typ := range healthCheckAttrTypes {
		desc := healthCheckDescriptions[name]
		switch typ {
		case types.BoolType:
			hcAttrs[name] = schema.BoolAttribute{MarkdownDescription: desc, Optional: true, Computed: true}
		case types.StringType:
			hcAttrs[name] = schema.StringAttribute{
				MarkdownDescription: desc, Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			}
		default:
			var v validator.Int64 = int64validator.AtLeast(0)
			if name == "check_port" {
				v = int64validator.Between(1, 65535)
			}
			hcAttrs[name] = schema.Int64Attribute{
				MarkdownDescription: desc, Optional: true, Computed: true,
				Validators: []validator.Int64{v},
			}
		}
	}

	resp.Schema = schema.Schema{
		MarkdownDescription: "A listener of a BMC load balancer: the ports and protocol on which it takes traffic, " +
			"and how it spreads that traffic over the backends registered to it " +
			"(see `zenlayer_bmc_lb_backend`). Creating it calls CreateListener and waits until the listener " +
			"is `Available`; destroying it calls DeleteListener, which also removes its backends, and waits " +
			"until it is gone. Everything but the load balancer and the ports changes in place through " +
			"ModifyListenerAttribute; the API cannot change the ports, so changing them replaces the listener. " +
			"The API may refuse to change `kind` while backends are registered.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The listener ID assigned by the API.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"load_balancer_id": schema.StringAttribute{
				MarkdownDescription: "The ID of the load balancer the listener belongs to. Changing it replaces the listener.",
				Required:            true,
				Validators:          []validator.String{idValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The listener's name: at most 64 letters, digits, hyphens (`-`) and dots (`.`). " +
					"Changes in place.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 64),
					stringvalidator.RegexMatches(nameRegexp, "must contain only letters, digits, hyphens (-) and dots (.)"),
				},
			},
			"ports": schema.SetAttribute{
				MarkdownDescription: "The ports the listener takes traffic on, each from 1 to 65535. The API cannot " +
					"change them, so changing them replaces the listener.",
				ElementType: types.Int64Type,
				Required:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueInt64sAre(int64validator.Between(1, 65535)),
				},
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
			"protocol": schema.StringAttribute{
				MarkdownDescription: "The protocol clients use: `TCP` or `UDP`. Changes in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf("TCP", "UDP")},
			},
			"backend_protocol": schema.StringAttribute{
				MarkdownDescription: "The protocol used towards the backends: `TCP` or `UDP`. Changes in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf("TCP", "UDP")},
			},
			"scheduler": schema.StringAttribute{
				MarkdownDescription: "How connections are spread over the backends: `wrr` (weighted round robin, " +
					"the default) or `rr` (round robin). Changes in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(defaultScheduler),
				Validators: []validator.String{stringvalidator.OneOf("wrr", "rr")},
			},
			"kind": schema.StringAttribute{
				MarkdownDescription: "The forwarding mode: `FNAT` (full NAT, the default) or `DR` (direct routing, " +
					"whose backends are registered without ports). Changes in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(defaultKind),
				Validators: []validator.String{stringvalidator.OneOf("FNAT", "DR")},
			},
			"health_check": schema.SingleNestedAttribute{
				MarkdownDescription: "How the listener checks its backends. Every field is optional; the API " +
					"publishes neither units nor ranges, so only signs and port numbers are checked here. Fields " +
					"left out keep the values the API reports, and leaving the whole block out keeps the " +
					"listener's current health check, so the API's defaults cause no changes; to switch the " +
					"check off, set `check_enabled = false`. Changes in place; the whole block is sent when " +
					"any part of it changes.",
				Optional:   true,
				Computed:   true,
				Attributes: hcAttrs,
			},
			"notify": schema.SingleNestedAttribute{
				MarkdownDescription: "Where the listener sends notifications. Leaving the block, or a field of it, out " +
					"keeps what the API reports. Changes in place.",
				Optional: true,
				Computed: true,
				Attributes: map[string]schema.Attribute{
					"enable": schema.BoolAttribute{
						MarkdownDescription: "Whether notifications are sent (`enable`).",
						Optional:            true,
						Computed:            true,
					},
					"api_address": schema.StringAttribute{
						MarkdownDescription: "The address notifications are sent to (`apiAddress`).",
						Optional:            true,
						Computed:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
				},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The listener's status as the API reports it, such as `Available`.",
				Computed:            true,
			},
			"create_time": schema.StringAttribute{
				MarkdownDescription: "When the listener was created, as the API reports it (ISO 8601, UTC).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *listenerResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, &resp.Diagnostics); data != nil {
		r.svc = data.service
	}
}

func (r *listenerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan listenerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, listenerCreateTimeout)
	resp.Diagnostics.Append(diags...)
	ports, diags := setToInts(ctx, plan.Ports)
	resp.Diagnostics.Append(diags...)
	healthCheck, diags := healthCheckRequest(ctx, plan.HealthCheck)
	resp.Diagnostics.Append(diags...)
	notify, diags := notifyRequest(ctx, plan.Notify)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	lbID := plan.LoadBalancerID.ValueString()
	id, err := r.svc.CreateListener(ctx, &zcapi.CreateListenerRequest{
		LoadBalancerID:  lbID,
		ListenerName:    plan.Name.ValueString(),
		PortList:        ports,
		ClientToken:     newClientToken(),
		Protocol:        plan.Protocol.ValueString(),
		BackendProtocol: plan.BackendProtocol.ValueString(),
		Scheduler:       plan.Scheduler.ValueString(),
		Kind:            plan.Kind.ValueString(),
		HealthCheck:     healthCheck,
		Notify:          notify,
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Listener",
			fmt.Sprintf("Creating listener %q on load balancer %s failed; nothing was created. Check that the "+
				"load balancer exists and is running, and that no other listener of it uses these ports with "+
				"the same protocol. %s", plan.Name.ValueString(), lbID, apiErrorDetail(err)))
		return
	}

	plan.ID = types.StringValue(id)
	if err := saveThenWait(ctx, &resp.State, &plan, r.svc.WaitListenerAvailable, id, &resp.Diagnostics); err != nil {
		resp.Diagnostics.AddError("Listener Did Not Become Available",
			fmt.Sprintf("Listener %s was created on load balancer %s but did not become Available: %s. It is "+
				"kept in state as tainted, so the next apply replaces it and destroy deletes it.", id, lbID, err))
	}
}

func (r *listenerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state listenerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	l, err := r.svc.ExistingListener(ctx, state.ID.ValueString())
	if errors.Is(err, bmclb.ErrNotFound) {
		tflog.Info(ctx, "listener no longer exists, removing it from state", map[string]any{
			"listener_id": state.ID.ValueString(), "reason": err.Error(),
		})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Listener",
			fmt.Sprintf("Reading listener %s failed. %s", state.ID.ValueString(), apiErrorDetail(err)))
		return
	}

	resp.Diagnostics.Append(state.fromAPI(ctx, l)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *listenerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state listenerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, listenerUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	change, diags := listenerChange(ctx, plan, state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// A change of timeouts alone needs no call.
	if change != nil {
		l, err := r.svc.ModifyListener(ctx, change)
		if err != nil {
			resp.Diagnostics.AddError("Unable to Update Listener",
				fmt.Sprintf("Changing %s of listener %s failed. The API may refuse to change the kind of a "+
					"listener that has backends, or a protocol that would clash with another listener's "+
					"ports. %s", changedFields(change), state.ID.ValueString(), apiErrorDetail(err)))
			return
		}
		resp.Diagnostics.Append(plan.fillFromAPI(ctx, l)...)
	}
	plan.keepUnknownsFrom(state)

	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *listenerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state listenerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, listenerDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if err := r.svc.DeleteListener(ctx, state.ID.ValueString()); err != nil {
		resp.Diagnostics.AddError("Unable to Delete Listener",
			fmt.Sprintf("Deleting listener %s of load balancer %s failed; it is still in state, so the next "+
				"destroy tries again. %s", state.ID.ValueString(), state.LoadBalancerID.ValueString(),
				apiErrorDetail(err)))
	}
}

func (r *listenerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !idRegexp.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("The import ID %q is not a listener ID, such as lsn-web.", req.ID))
		return
	}

	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// listenerChange returns the ModifyListenerAttribute request that turns state into plan, with
// only the fields that differ, or nil when nothing the API holds differs. The health check and
// the notification are sent whole when any part of them changes, since the API does not say
// whether it merges a partial object into the current one.
func listenerChange(ctx context.Context, plan, state listenerModel) (*zcapi.ModifyListenerAttributeRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := &zcapi.ModifyListenerAttributeRequest{ListenerID: state.ID.ValueString()}
	changed := false
	for _, f := range []struct {
		plan, state types.String
		dst         **string
	}{
		{plan.Name, state.Name, &req.ListenerName},
		{plan.Protocol, state.Protocol, &req.Protocol},
		{plan.BackendProtocol, state.BackendProtocol, &req.BackendProtocol},
		{plan.Scheduler, state.Scheduler, &req.Scheduler},
		{plan.Kind, state.Kind, &req.Kind},
	} {
		if isKnown(f.plan) && !f.plan.Equal(f.state) {
			v := f.plan.ValueString()
			*f.dst = &v
			changed = true
		}
	}
	if objectChanged(plan.HealthCheck, state.HealthCheck) {
		hc, d := healthCheckRequest(ctx, plan.HealthCheck)
		diags.Append(d...)
		if hc != nil {
			req.HealthCheck = hc
			changed = true
		}
	}
	if objectChanged(plan.Notify, state.Notify) {
		n, d := notifyRequest(ctx, plan.Notify)
		diags.Append(d...)
		if n != nil {
			req.Notify = n
			changed = true
		}
	}
	if !changed {
		return nil, diags
	}
	return req, diags
}

// changedFields names the fields a change sends, for a diagnostic.
func changedFields(req *zcapi.ModifyListenerAttributeRequest) string {
	var names []string
	for _, f := range []struct {
		set  bool
		name string
	}{
		{req.ListenerName != nil, "name"},
		{req.Protocol != nil, "protocol"},
		{req.BackendProtocol != nil, "backend_protocol"},
		{req.Scheduler != nil, "scheduler"},
		{req.Kind != nil, "kind"},
		{req.HealthCheck != nil, "health_check"},
		{req.Notify != nil, "notify"},
	} {
		if f.set {
			names = append(names, f.name)
		}
	}
	return strings.Join(names, ", ")
}

// fromAPI copies what the API reports of a listener into the model, for a refresh. A string
// that differs from the model's only in case keeps the model's spelling; a nested field the
// API leaves out keeps the model's value.
func (m *listenerModel) fromAPI(ctx context.Context, l *zcapi.Listener) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(l.ListenerID)
	m.LoadBalancerID = types.StringValue(l.LoadBalancerID)
	m.Name = types.StringValue(l.ListenerName)
	m.Protocol = sameOrAPI(m.Protocol, l.Protocol)
	m.BackendProtocol = sameOrAPI(m.BackendProtocol, l.BackendProtocol)
	m.Scheduler = sameOrAPI(m.Scheduler, l.Scheduler)
	m.Kind = sameOrAPI(m.Kind, l.Kind)
	m.Status = types.StringValue(l.Status)
	m.CreateTime = types.StringValue(l.CreateTime)

	ports, d := portsValue("listener "+l.ListenerID, l.Port, m.Ports)
	diags.Append(d...)
	m.Ports = ports
	hc, d := healthCheckValue(ctx, l.HealthCheck, m.HealthCheck, false)
	diags.Append(d...)
	m.HealthCheck = hc
	n, d := notifyValue(ctx, l.Notify, m.Notify, false)
	diags.Append(d...)
	m.Notify = n
	return diags
}

// fillFromAPI sets, after a create or an update, what the plan left unknown: the computed
// attributes, and the health check and notification fields the configuration left out. Known
// planned values are kept, as Terraform requires.
func (m *listenerModel) fillFromAPI(ctx context.Context, l *zcapi.Listener) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Status = types.StringValue(l.Status)
	if !isKnown(m.CreateTime) {
		m.CreateTime = types.StringValue(l.CreateTime)
	}
	hc, d := healthCheckValue(ctx, l.HealthCheck, m.HealthCheck, true)
	diags.Append(d...)
	m.HealthCheck = hc
	n, d := notifyValue(ctx, l.Notify, m.Notify, true)
	diags.Append(d...)
	m.Notify = n
	return diags
}

// keepUnknownsFrom fills what is still unknown after an update with the prior state.
func (m *listenerModel) keepUnknownsFrom(state listenerModel) {
	if m.Status.IsUnknown() {
		m.Status = state.Status
	}
	if m.CreateTime.IsUnknown() {
		m.CreateTime = state.CreateTime
	}
	m.HealthCheck = fillObjectUnknowns(m.HealthCheck, state.HealthCheck)
	m.Notify = fillObjectUnknowns(m.Notify, state.Notify)
}

// objectChanged reports whether a planned object sets a field to something other than the
// prior state has. Fields still unknown in the plan are not changes: they only wait for the
// API's value.
func objectChanged(plan, state types.Object) bool {
	if !isKnown(plan) {
		return false
	}
	if !isKnown(state) {
		return true
	}
	prior := state.Attributes()
	for name, v := range plan.Attributes() {
		if !v.IsUnknown() && !v.Equal(prior[name]) {
			return true
		}
	}
	return false
}

// fillObjectUnknowns replaces an unknown object, or the unknown fields of a known one, with the
// values of prior.
func fillObjectUnknowns(obj, prior types.Object) types.Object {
	if obj.IsUnknown() {
		return prior
	}
	if obj.IsNull() {
		return obj
	}
	attrs := obj.Attributes()
	var priorAttrs map[string]attr.Value
	if isKnown(prior) {
		priorAttrs = prior.Attributes()
	}
	filled := make(map[string]attr.Value, len(attrs))
	for name, v := range attrs {
		if v.IsUnknown() {
			if pv, ok := priorAttrs[name]; ok {
				v = pv
			} else {
				v = nullOf(v)
			}
		}
		filled[name] = v
	}
	out, diags := types.ObjectValue(obj.AttributeTypes(context.Background()), filled)
	if diags.HasError() {
		return prior
	}
	return out
}

// nullOf returns the null value of v's type.
func nullOf(v attr.Value) attr.Value {
	switch v.(type) {
	case types.Bool:
		return types.BoolNull()
	case types.Int64:
		return types.Int64Null()
	default:
		return types.StringNull()
	}
}

// nullUnknowns replaces values not known yet with null, so that a partial state can be saved.
func (m *listenerModel) nullUnknowns() {
	for _, s := range []*types.String{&m.Status, &m.CreateTime} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	if m.HealthCheck.IsUnknown() {
		m.HealthCheck = types.ObjectNull(healthCheckAttrTypes)
	}
	if m.Notify.IsUnknown() {
		m.Notify = types.ObjectNull(notifyAttrTypes)
	}
}

// isKnown reports whether a value is neither null nor unknown.
func isKnown(v attr.Value) bool {
	return !v.IsNull() && !v.IsUnknown()
}

// sameOrAPI returns prior when it equals the API's value but for case, or when the API
// reported nothing; else the API's value.
func sameOrAPI(prior types.String, api string) types.String {
	if isKnown(prior) && (api == "" || strings.EqualFold(prior.ValueString(), api)) {
		return prior
	}
	return types.StringValue(api)
}

// portsValue turns the API's port text for an object, such as "listener lsn-web", into a set
// of numbers. Text that cannot be read leaves prior in place, with a warning.
func portsValue(object, text string, prior types.Set) (types.Set, diag.Diagnostics) {
	var diags diag.Diagnostics
	ports, err := zcapi.ParsePorts(text)
	if err != nil {
		diags.AddWarning("Unreadable Ports",
			fmt.Sprintf("The API reported the ports of %s as %q, which the provider cannot read: %s. "+
				"The ports are left as they were.", object, text, err))
		if prior.IsUnknown() {
			return types.SetNull(types.Int64Type), diags
		}
		return prior, diags
	}
	elems := make([]attr.Value, 0, len(ports))
	for _, p := range ports {
		elems = append(elems, types.Int64Value(int64(p)))
	}
	set, d := types.SetValue(types.Int64Type, elems)
	diags.Append(d...)
	return set, diags
}

// healthCheckValue builds the health_check object from what the API reports. With
// keepPlanned set (after a create or an update) every known field of prior is kept and only
// unknown ones are taken from the API; otherwise (a refresh) the API's values win, except that
// a field the API leaves out, or reports in another case, keeps prior's value.
func healthCheckValue(ctx context.Context, api *zcapi.HealthCheck, prior types.Object, keepPlanned bool) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	if prior.IsNull() && keepPlanned {
		return prior, diags
	}
	var p healthCheckModel
	if isKnown(prior) {
		diags.Append(prior.As(ctx, &p, basetypes.ObjectAsOptions{})...)
	} else {
		p = healthCheckModel{
			CheckEnabled: types.BoolUnknown(), CheckType: types.StringUnknown(),
			CheckConnectTimeout: types.Int64Unknown(), CheckRetry: types.Int64Unknown(),
			CheckDelayBeforeRetry: types.Int64Unknown(), CheckIntervalTime: types.Int64Unknown(),
			CheckPort: types.Int64Unknown(), HTTPVersion: types.StringUnknown(),
			HTTPCheckPath: types.StringUnknown(), HTTPCheckDigest: types.Int64Unknown(),
			HTTPCode: types.Int64Unknown(), MiscCheckPath: types.StringUnknown(), MiscTimeout: types.Int64Unknown(),
		}
	}
	if api == nil {
		if !isKnown(prior) {
			return types.ObjectNull(healthCheckAttrTypes), diags
		}
		api = &zcapi.HealthCheck{}
	}
	m := healthCheckModel{
		CheckEnabled:          pickBool(api.CheckEnabled, p.CheckEnabled, keepPlanned),
		CheckType:             pickString(api.CheckType, p.CheckType, keepPlanned),
		CheckConnectTimeout:   pickInt(api.CheckConnectTimeout, p.CheckConnectTimeout, keepPlanned),
		CheckRetry:            pickInt(api.CheckRetry, p.CheckRetry, keepPlanned),
		CheckDelayBeforeRetry: pickInt(api.CheckDelayBeforeRetry, p.CheckDelayBeforeRetry, keepPlanned),
		CheckIntervalTime:     pickInt(api.CheckIntervalTime, p.CheckIntervalTime, keepPlanned),
		CheckPort:             pickInt(api.CheckPort, p.CheckPort, keepPlanned),
		HTTPVersion:           pickString(api.HTTPVersion, p.HTTPVersion, keepPlanned),
		HTTPCheckPath:         pickString(api.HTTPCheckPath, p.HTTPCheckPath, keepPlanned),
		HTTPCheckDigest:       pickInt(api.HTTPCheckDigest, p.HTTPCheckDigest, keepPlanned),
		HTTPCode:              pickInt(api.HTTPCode, p.HTTPCode, keepPlanned),
		MiscCheckPath:         pickString(api.MiscCheckPath, p.MiscCheckPath, keepPlanned),
		MiscTimeout:           pickInt(api.MiscTimeout, p.MiscTimeout, keepPlanned),
	}
	obj, d := types.ObjectValueFrom(ctx, healthCheckAttrTypes, m)
	diags.Append(d...)
	return obj, diags
}

// notifyValue builds the notify object from what the API reports, like healthCheckValue.
func notifyValue(ctx context.Context, api *zcapi.Notify, prior types.Object, keepPlanned bool) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	if prior.IsNull() && keepPlanned {
		return prior, diags
	}
	p := notifyModel{Enable: types.BoolUnknown(), APIAddress: types.StringUnknown()}
	if isKnown(prior) {
		diags.Append(prior.As(ctx, &p, basetypes.ObjectAsOptions{})...)
	}
	if api == nil {
		if !isKnown(prior) {
			return types.ObjectNull(notifyAttrTypes), diags
		}
		api = &zcapi.Notify{}
	}
	m := notifyModel{
		Enable:     pickBool(api.Enable, p.Enable, keepPlanned),
		APIAddress: pickString(api.APIAddress, p.APIAddress, keepPlanned),
	}
	obj, d := types.ObjectValueFrom(ctx, notifyAttrTypes, m)
	diags.Append(d...)
	return obj, diags
}

// pickString chooses a field's value between the API's and prior: prior when it is known and
// either keepPlanned is set, the API left the field out, or the two differ only in case.
func pickString(api *string, prior types.String, keepPlanned bool) types.String {
	switch {
	case !prior.IsUnknown() && (keepPlanned || api == nil):
		return prior
	case api == nil:
		return types.StringNull()
	case isKnown(prior) && strings.EqualFold(prior.ValueString(), *api):
		return prior
	}
	return types.StringValue(*api)
}

// pickInt chooses a field's value like pickString.
func pickInt(api *int, prior types.Int64, keepPlanned bool) types.Int64 {
	switch {
	case !prior.IsUnknown() && (keepPlanned || api == nil):
		return prior
	case api == nil:
		return types.Int64Null()
	}
	return types.Int64Value(int64(*api))
}

// pickBool chooses a field's value like pickString.
func pickBool(api *bool, prior types.Bool, keepPlanned bool) types.Bool {
	switch {
	case !prior.IsUnknown() && (keepPlanned || api == nil):
		return prior
	case api == nil:
		return types.BoolNull()
	}
	return types.BoolValue(*api)
}

// healthCheckRequest returns the known fields of a health_check object for the API, or nil
// when the object is null or unknown.
func healthCheckRequest(ctx context.Context, obj types.Object) (*zcapi.HealthCheck, diag.Diagnostics) {
	if !isKnown(obj) {
		return nil, nil
	}
	var m healthCheckModel
	diags := obj.As(ctx, &m, basetypes.ObjectAsOptions{})
	if diags.HasError() {
		return nil, diags
	}
	return &zcapi.HealthCheck{
		CheckEnabled:          boolPtr(m.CheckEnabled),
		CheckType:             stringPtr(m.CheckType),
		CheckConnectTimeout:   intPtr(m.CheckConnectTimeout),
		CheckRetry:            intPtr(m.CheckRetry),
		CheckDelayBeforeRetry: intPtr(m.CheckDelayBeforeRetry),
		CheckIntervalTime:     intPtr(m.CheckIntervalTime),
		CheckPort:             intPtr(m.CheckPort),
		HTTPVersion:           stringPtr(m.HTTPVersion),
		HTTPCheckPath:         stringPtr(m.HTTPCheckPath),
		HTTPCheckDigest:       intPtr(m.HTTPCheckDigest),
		HTTPCode:              intPtr(m.HTTPCode),
		MiscCheckPath:         stringPtr(m.MiscCheckPath),
		MiscTimeout:           intPtr(m.MiscTimeout),
	}, diags
}

// notifyRequest returns the known fields of a notify object for the API, or nil when the
// object is null or unknown.
func notifyRequest(ctx context.Context, obj types.Object) (*zcapi.Notify, diag.Diagnostics) {
	if !isKnown(obj) {
		return nil, nil
	}
	var m notifyModel
	diags := obj.As(ctx, &m, basetypes.ObjectAsOptions{})
	if diags.HasError() {
		return nil, diags
	}
	return &zcapi.Notify{Enable: boolPtr(m.Enable), APIAddress: stringPtr(m.APIAddress)}, diags
}

func boolPtr(v types.Bool) *bool {
	if !isKnown(v) {
		return nil
	}
	b := v.ValueBool()
	return &b
}

func stringPtr(v types.String) *string {
	if !isKnown(v) {
		return nil
	}
	s := v.ValueString()
	return &s
}

func intPtr(v types.Int64) *int {
	if !isKnown(v) {
		return nil
	}
	n := int(v.ValueInt64())
	return &n
}
