package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/bmclb"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

var (
	_ resource.Resource                = &backendResource{}
	_ resource.ResourceWithConfigure   = &backendResource{}
	_ resource.ResourceWithImportState = &backendResource{}
)

// Default operation timeouts of a backend.
const (
	backendCreateTimeout = 10 * time.Minute
	backendUpdateTimeout = 5 * time.Minute
	backendDeleteTimeout = 10 * time.Minute
)

// defaultBackendWeight is the weight sent when the configuration sets none. The API does not
// publish its own default, so the provider always sends one.
const defaultBackendWeight = 100

// nameRegexp is the form of backend and listener names: letters, digits, hyphens and dots.
var nameRegexp = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)

// idRegexp is what the provider accepts as an API object ID in a configuration.
var idRegexp = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// NewBackendResource returns the zenlayer_bmc_lb_backend resource.
func NewBackendResource() resource.Resource {
	return &backendResource{}
}

type backendResource struct {
	svc lbService
}

type backendModel struct {
	ID             types.String   `tfsdk:"id"`
	ListenerID     types.String   `tfsdk:"listener_id"`
	InstanceID     types.String   `tfsdk:"instance_id"`
	InstanceType   types.String   `tfsdk:"instance_type"`
	BackendName    types.String   `tfsdk:"backend_name"`
	Ports          types.Set      `tfsdk:"ports"`
	Weight         types.Int64    `tfsdk:"weight"`
	Status         types.String   `tfsdk:"status"`
	InstanceName   types.String   `tfsdk:"instance_name"`
	CreateTime     types.String   `tfsdk:"create_time"`
	LoadBalancerID types.String   `tfsdk:"load_balancer_id"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

// backendTypeName is the backend resource's type name.
const backendTypeName = "zenlayer_bmc_lb_backend"

func (r *backendResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = backendTypeName
}

func (r *backendResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Registers one BMC or VM instance as a backend of a BMC load balancer listener. " +
			"Creating the resource calls RegisterBackend and waits until the backend is `Available`; " +
			"destroying it calls DeregisterBackend and waits until the backend is gone. Only `weight` " +
			"can change in place: the API cannot change a backend's name, instance or ports, so " +
			"changing any of them replaces the backend. Weight changes use ModifyBackendWeight, which " +
			"only the API's older version `2022-11-20` offers.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The backend ID assigned by the API.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"listener_id": schema.StringAttribute{
				MarkdownDescription: "The ID of the listener to register the backend to. Changing it replaces the backend.",
				Required:            true,
				Validators:          []validator.String{idValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"instance_id": schema.StringAttribute{
				MarkdownDescription: "The ID of the BMC or VM instance to register (an instance ID, not an IP " +
					"address). Changing it replaces the backend.",
				Required:      true,
				Validators:    []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"instance_type": schema.StringAttribute{
				MarkdownDescription: "The kind of instance: `BM` (bare metal, the default) or `VM`. Changing it " +
					"replaces the backend.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString("BM"),
				Validators:    []validator.String{stringvalidator.OneOf("BM", "VM")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"backend_name": schema.StringAttribute{
				MarkdownDescription: "The backend's name: at most 64 letters, digits, hyphens (`-`) and dots " +
					"(`.`). Changing it replaces the backend.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 64),
					stringvalidator.RegexMatches(nameRegexp, "must contain only letters, digits, hyphens (-) and dots (.)"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"ports": schema.SetAttribute{
				MarkdownDescription: "The backend ports, each from 1 to 65535. Leave it out, or set it empty, for " +
					"a listener in `DR` mode; when left out for another listener the API chooses the ports " +
					"and they are read back. Changing it replaces the backend.",
				ElementType: types.Int64Type,
				Optional:    true,
				Computed:    true,
				Validators: []validator.Set{
					setvalidator.ValueInt64sAre(int64validator.Between(1, 65535)),
				},
				PlanModifiers: []planmodifier.Set{
					setplanmodifier.UseStateForUnknown(),
					setplanmodifier.RequiresReplace(),
				},
			},
			"weight": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The scheduling weight, from 1 to 100; defaults to %d. Changes "+
					"in place. Lowering it drains traffic from the backend before it is destroyed.", defaultBackendWeight),
				Optional:   true,
				Computed:   true,
				Default:    int64default.StaticInt64(defaultBackendWeight),
				Validators: []validator.Int64{int64validator.Between(1, 100)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The backend's status as the API reports it, such as `Available`.",
				Computed:            true,
			},
			"instance_name": schema.StringAttribute{
				MarkdownDescription: "The name of the registered instance.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"create_time": schema.StringAttribute{
				MarkdownDescription: "When the backend was registered, as the API reports it (ISO 8601, UTC).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"load_balancer_id": schema.StringAttribute{
				MarkdownDescription: "The ID of the load balancer the listener belongs to.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// idValidator checks the form of an API object ID given in a configuration.
func idValidator() validator.String {
	return stringvalidator.RegexMatches(idRegexp,
		"must be an ID of letters, digits, dots (.), hyphens (-) and underscores (_)")
}

func (r *backendResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, &resp.Diagnostics); data != nil {
		r.svc = data.service
	}
}

func (r *backendResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan backendModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, backendCreateTimeout)
	resp.Diagnostics.Append(diags...)
	ports, diags := setToInts(ctx, plan.Ports)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	weight := int(plan.Weight.ValueInt64())
	listenerID := plan.ListenerID.ValueString()
	id, err := r.svc.RegisterBackend(ctx, &zcapi.RegisterBackendRequest{
		ListenerID:   listenerID,
		BackendName:  plan.BackendName.ValueString(),
		InstanceID:   plan.InstanceID.ValueString(),
		ClientToken:  newClientToken(),
		InstanceType: plan.InstanceType.ValueString(),
		PortList:     ports,
		Weight:       &weight,
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Register Backend",
			fmt.Sprintf("Registering instance %s as backend %q on listener %s failed. %s %s",
				plan.InstanceID.ValueString(), plan.BackendName.ValueString(), listenerID,
				registerFailureAdvice(err), apiErrorDetail(err)))
		return
	}

	// Record the backend before waiting, so that a failed or interrupted wait still leaves it
	// in state (tainted) instead of registered but unknown to Terraform.
	plan.ID = types.StringValue(id)
	plan.nullUnknowns()
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	b, err := r.svc.WaitBackendAvailable(ctx, listenerID, id)
	if err != nil {
		if b != nil {
			resp.Diagnostics.Append(plan.fromAPI(b)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		}
		resp.Diagnostics.AddError("Backend Did Not Become Available",
			fmt.Sprintf("Backend %s was registered on listener %s but did not become Available: %s. It is "+
				"kept in state as tainted, so the next apply replaces it and destroy deregisters it.",
				id, listenerID, err))
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(b)...)
	resp.Diagnostics.Append(setLoadBalancerID(ctx, r.svc, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *backendResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state backendModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	refreshed, gone, diags := refreshBackend(ctx, r.svc, state)
	resp.Diagnostics.Append(diags...)
	if gone {
		resp.State.RemoveResource(ctx)
		return
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// resp.State already holds the prior state; writing an identical one back only costs time,
	// which adds up when a thousand unchanged backends are refreshed.
	if refreshed.equal(state) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, refreshed)...)
}

// refreshBackend reads the backend of a state from the API and returns the state refreshed
// with what the API reports. gone reports that the backend or its listener no longer exists.
func refreshBackend(ctx context.Context, svc lbService, state backendModel) (refreshed backendModel, gone bool, diags diag.Diagnostics) {
	b, err := svc.Backend(ctx, state.ListenerID.ValueString(), state.ID.ValueString())
	if errors.Is(err, bmclb.ErrNotFound) {
		tflog.Info(ctx, "backend no longer exists, removing it from state", map[string]any{
			"backend_id": state.ID.ValueString(), "listener_id": state.ListenerID.ValueString(), "reason": err.Error(),
		})
		return state, true, nil
	}
	if err != nil {
		diags.AddError("Unable to Read Backend",
			fmt.Sprintf("Reading backend %s on listener %s failed. %s", state.ID.ValueString(),
				state.ListenerID.ValueString(), apiErrorDetail(err)))
		return state, false, diags
	}

	refreshed = state
	diags.Append(refreshed.fromAPI(b)...)
	diags.Append(setLoadBalancerID(ctx, svc, &refreshed)...)
	return refreshed, false, diags
}

func (r *backendResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state backendModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, backendUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// Only weight can change in place; every other argument replaces the backend, and a
	// change of timeouts alone needs no call.
	if !plan.Weight.Equal(state.Weight) {
		weight := int(plan.Weight.ValueInt64())
		b, err := r.svc.SetBackendWeight(ctx, state.ListenerID.ValueString(), state.ID.ValueString(), weight)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("weight"), "Unable to Change Backend Weight",
				fmt.Sprintf("Changing the weight of backend %s from %d to %d failed. %s", state.ID.ValueString(),
					state.Weight.ValueInt64(), weight, apiErrorDetail(err)))
			return
		}
		resp.Diagnostics.Append(plan.fromAPI(b)...)
	}
	if plan.Status.IsUnknown() {
		plan.Status = state.Status
	}

	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *backendResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state backendModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, backendDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	err := r.svc.DeregisterBackend(ctx, state.ListenerID.ValueString(), state.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Unable to Deregister Backend",
			fmt.Sprintf("Deregistering backend %s from listener %s failed; it is still in state, so the "+
				"next destroy tries again. %s", state.ID.ValueString(), state.ListenerID.ValueString(),
				apiErrorDetail(err)))
	}
}

func (r *backendResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	listenerID, backendID, ok := strings.Cut(req.ID, ":")
	if !ok || !idRegexp.MatchString(listenerID) || !idRegexp.MatchString(backendID) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("The import ID %q is not of the form <listener_id>:<backend_id>, for example "+
				"lsn-web:bk-0001.", req.ID))
		return
	}

	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("listener_id"), listenerID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), backendID)...)
}

// registerFailureAdvice says what a failed registration means and what the user can do.
func registerFailureAdvice(err error) string {
	switch {
	case zcapi.IsAuthFailure(err):
		return "Nothing was registered: the API refused the credentials. Check access_key_id and " +
			"access_key_password."
	case zcapi.IsClientError(err):
		return "Nothing was registered. Check that the listener and the instance exist and that the " +
			"instance type and ports fit the listener."
	case !zcapi.MayHaveApplied(err):
		return "The request did not reach the API, so nothing was registered. Check domain, scheme " +
			"and, for a private certificate authority, ca_cert_file."
	default:
		return "The registration may have happened although its answer was lost, and a read to find " +
			"out failed too. If the backend shows on the listener, import it as " +
			"<listener_id>:<backend_id> instead of applying again."
	}
}

// setLoadBalancerID fills load_balancer_id from the backend's listener.
func setLoadBalancerID(ctx context.Context, svc lbService, m *backendModel) diag.Diagnostics {
	var diags diag.Diagnostics
	lsn, err := svc.Listener(ctx, m.ListenerID.ValueString())
	if err != nil {
		diags.AddError("Unable to Read Listener",
			fmt.Sprintf("Reading listener %s, to which backend %s belongs, failed. %s",
				m.ListenerID.ValueString(), m.ID.ValueString(), apiErrorDetail(err)))
		return diags
	}
	m.LoadBalancerID = types.StringValue(lsn.LoadBalancerID)
	return diags
}

// fromAPI copies what the API reports of a backend into the model.
func (m *backendModel) fromAPI(b *zcapi.Backend) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(b.BackendID)
	if b.ListenerID != "" {
		m.ListenerID = types.StringValue(b.ListenerID)
	}
	m.InstanceID = types.StringValue(b.InstanceID)
	if b.InstanceType != "" {
		m.InstanceType = types.StringValue(strings.ToUpper(b.InstanceType))
	} else if m.InstanceType.IsNull() || m.InstanceType.IsUnknown() {
		m.InstanceType = types.StringValue("BM")
	}
	m.BackendName = types.StringValue(b.BackendName)
	m.Weight = types.Int64Value(int64(b.Weight))
	m.Status = types.StringValue(b.Status)
	m.InstanceName = types.StringValue(b.InstanceName)
	m.CreateTime = types.StringValue(b.CreateTime)

	ports, err := zcapi.ParsePorts(b.Port)
	if err != nil {
		diags.AddWarning("Unreadable Backend Ports",
			fmt.Sprintf("The API reported the ports of backend %s as %q, which the provider cannot read: %s. "+
				"The ports in state are left as they were.", b.BackendID, b.Port, err))
		if m.Ports.IsUnknown() {
			m.Ports = types.SetNull(types.Int64Type)
		}
		return diags
	}
	elems := make([]attr.Value, 0, len(ports))
	for _, p := range ports {
		elems = append(elems, types.Int64Value(int64(p)))
	}
	set, d := types.SetValue(types.Int64Type, elems)
	diags.Append(d...)
	m.Ports = set
	return diags
}

// equal reports whether two models hold the same values.
func (m backendModel) equal(o backendModel) bool {
	return m.ID.Equal(o.ID) && m.ListenerID.Equal(o.ListenerID) && m.InstanceID.Equal(o.InstanceID) &&
		m.InstanceType.Equal(o.InstanceType) && m.BackendName.Equal(o.BackendName) && m.Ports.Equal(o.Ports) &&
		m.Weight.Equal(o.Weight) && m.Status.Equal(o.Status) && m.InstanceName.Equal(o.InstanceName) &&
		m.CreateTime.Equal(o.CreateTime) && m.LoadBalancerID.Equal(o.LoadBalancerID) && m.Timeouts.Equal(o.Timeouts)
}

// nullUnknowns replaces values not known yet with null, so that a partial state can be saved.
func (m *backendModel) nullUnknowns() {
	if m.Ports.IsUnknown() {
		m.Ports = types.SetNull(types.Int64Type)
	}
	for _, s := range []*types.String{&m.Status, &m.InstanceName, &m.CreateTime, &m.LoadBalancerID} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
}

// setToInts turns a set of numbers into a sorted slice; null or unknown gives nil.
func setToInts(ctx context.Context, s types.Set) ([]int, diag.Diagnostics) {
	if s.IsNull() || s.IsUnknown() {
		return nil, nil
	}
	var values []int64
	diags := s.ElementsAs(ctx, &values, false)
	out := make([]int, 0, len(values))
	for _, v := range values {
		out = append(out, int(v))
	}
	return out, diags
}

// newClientToken returns a fresh idempotency token for one create.
func newClientToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "tf-" + hex.EncodeToString(b)
}
