package provider

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/bmclb"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

var (
	_ resource.Resource                   = &loadBalancerResource{}
	_ resource.ResourceWithConfigure      = &loadBalancerResource{}
	_ resource.ResourceWithImportState    = &loadBalancerResource{}
	_ resource.ResourceWithValidateConfig = &loadBalancerResource{}
)

// Default operation timeouts of a load balancer. Creating one places an order, which may take
// longer than creating a listener.
const (
	loadBalancerCreateTimeout = 30 * time.Minute
	loadBalancerUpdateTimeout = 10 * time.Minute
	loadBalancerDeleteTimeout = 30 * time.Minute
)

// importedKey marks, in private state, a load balancer that was imported and whose arguments
// the API does not report (prepaid_period, subnet_id, cidr_block_id) have not been recorded
// from the configuration yet.
const importedKey = "imported"

// vipAttrTypes is the object type of one element of vips.
var vipAttrTypes = map[string]attr.Type{
	"vip_id":     types.StringType,
	"ip_address": types.StringType,
	"type":       types.StringType,
	"status":     types.StringType,
}

// NewLoadBalancerResource returns the zenlayer_bmc_load_balancer resource.
func NewLoadBalancerResource() resource.Resource {
	return &loadBalancerResource{}
}

type loadBalancerResource struct {
	svc lbService
}

type loadBalancerModel struct {
	ID            types.String   `tfsdk:"id"`
	ZoneID        types.String   `tfsdk:"zone_id"`
	Name          types.String   `tfsdk:"name"`
	ChargeType    types.String   `tfsdk:"charge_type"`
	PrepaidPeriod types.Int64    `tfsdk:"prepaid_period"`
	Bandwidth     types.Int64    `tfsdk:"bandwidth"`
	IPType        types.String   `tfsdk:"ip_type"`
	SubnetID      types.String   `tfsdk:"subnet_id"`
	CIDRBlockID   types.String   `tfsdk:"cidr_block_id"`
	MasterIP      types.String   `tfsdk:"master_ip"`
	BackupIP      types.String   `tfsdk:"backup_ip"`
	VIPCount      types.Int64    `tfsdk:"vip_count"`
	Tags          types.Map      `tfsdk:"tags"`
	ForceDelete   types.Bool     `tfsdk:"force_delete"`
	Status        types.String   `tfsdk:"status"`
	VIPs          types.List     `tfsdk:"vips"`
	SpecName      types.String   `tfsdk:"spec_name"`
	CreateTime    types.String   `tfsdk:"create_time"`
	ExpiredTime   types.String   `tfsdk:"expired_time"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

// vipModel is one virtual IP address of a load balancer.
type vipModel struct {
	VIPID     types.String `tfsdk:"vip_id"`
	IPAddress types.String `tfsdk:"ip_address"`
	Type      types.String `tfsdk:"type"`
	Status    types.String `tfsdk:"status"`
}

func (r *loadBalancerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bmc_load_balancer"
}

func (r *loadBalancerResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	unreported := "The API does not report it back, so after an import the first plan records the " +
		"configured value without replacing anything."
	resp.Schema = schema.Schema{
		MarkdownDescription: "A BMC load balancer: one or more virtual IP addresses in a zone, which its " +
			"listeners (`zenlayer_bmc_lb_listener`) serve. Creating it calls CreateLoadBalancer, which places " +
			"an order, and waits until the load balancer is running. Only `name` changes in place, through " +
			"ModifyLoadBalancersName: the API has no action that changes the bandwidth, the billing, the " +
			"addresses or the tags of an existing load balancer, so changing any of them replaces it. " +
			"Destroying it calls TerminateLoadBalancer, which moves it to the recycle bin, and with " +
			"`force_delete` also ReleaseLoadBalancer, which deletes it for good.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The load balancer ID assigned by the API.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"zone_id": schema.StringAttribute{
				MarkdownDescription: "The zone to create the load balancer in, such as `SEL-A`. Changing it replaces " +
					"the load balancer.",
				Required:      true,
				Validators:    []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The load balancer's name: at most 64 letters, digits, hyphens (`-`) and dots " +
					"(`.`). Changes in place.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 64),
					stringvalidator.RegexMatches(nameRegexp, "must contain only letters, digits, hyphens (-) and dots (.)"),
				},
			},
			"charge_type": schema.StringAttribute{
				MarkdownDescription: "How the load balancer is billed: `PREPAID` (paid in advance for " +
					"`prepaid_period` months) or `POSTPAID` (pay as you go). Changing it replaces the load balancer.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf("PREPAID", "POSTPAID")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"prepaid_period": schema.Int64Attribute{
				MarkdownDescription: "The number of months paid in advance. Required when `charge_type` is " +
					"`PREPAID`, refused otherwise. Changing it replaces the load balancer. " + unreported,
				Optional:      true,
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{replaceUnlessImported{}},
			},
			"bandwidth": schema.Int64Attribute{
				MarkdownDescription: "The bandwidth in Mbps, from 1 to 1024. The API has no action that changes " +
					"it, so changing it replaces the load balancer.",
				Required:      true,
				Validators:    []validator.Int64{int64validator.Between(1, 1024)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"ip_type": schema.StringAttribute{
				MarkdownDescription: "The address family of the virtual IP addresses: `IPv4` (the default) or " +
					"`IPv6`. Changing it replaces the load balancer.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString("IPv4"),
				Validators:    []validator.String{stringvalidator.OneOf("IPv4", "IPv6")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"subnet_id": schema.StringAttribute{
				MarkdownDescription: "The subnet to take the addresses from; only for `ip_type = \"IPv4\"`. " +
					"Changing it replaces the load balancer. " + unreported,
				Optional:      true,
				Validators:    []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{replaceUnlessImported{}},
			},
			"cidr_block_id": schema.StringAttribute{
				MarkdownDescription: "The CIDR block to take the addresses from; only for `ip_type = \"IPv6\"`. " +
					"Changing it replaces the load balancer. " + unreported,
				Optional:      true,
				Validators:    []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{replaceUnlessImported{}},
			},
			"master_ip": schema.StringAttribute{
				MarkdownDescription: "The private IP address of the primary node. When left out, the API chooses " +
					"it, or leaves it empty. Changing it replaces the load balancer.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{ipAddressValidator{}},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"backup_ip": schema.StringAttribute{
				MarkdownDescription: "The private IP address of the standby node. When left out, the API chooses " +
					"it, or leaves it empty. Changing it replaces the load balancer.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{ipAddressValidator{}},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"vip_count": schema.Int64Attribute{
				MarkdownDescription: "How many virtual IP addresses to allocate; when left out the API allocates " +
					"its default (one) and the number is read back. Changing it replaces the load balancer.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{
					int64planmodifier.UseStateForUnknown(),
					int64planmodifier.RequiresReplace(),
				},
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: "Tags to attach to the load balancer, by key. Changing them replaces the load " +
					"balancer: the API publishes no action that changes the tags of an existing load balancer.",
				ElementType:   types.StringType,
				Optional:      true,
				Validators:    []validator.Map{mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))},
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"force_delete": schema.BoolAttribute{
				MarkdownDescription: "What destroying the load balancer does. When `false` (the default), it is " +
					"terminated into the recycle bin, from which it can still be restored (RestoreLoadBalancer, " +
					"or the console) if it was destroyed by mistake, for example by a replacement nobody meant; " +
					"how long the recycle bin keeps it, and whether it is billed meanwhile, is not published. " +
					"When `true`, it is also released from the recycle bin, which deletes it for good and frees " +
					"its addresses. Changes in place without any API call.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The load balancer's status as the API reports it, such as `Running`.",
				Computed:            true,
			},
			"vips": schema.ListNestedAttribute{
				MarkdownDescription: "The virtual IP addresses of the load balancer, ordered by ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"vip_id":     schema.StringAttribute{MarkdownDescription: "The ID of the virtual IP address.", Computed: true},
						"ip_address": schema.StringAttribute{MarkdownDescription: "The address itself.", Computed: true},
						"type":       schema.StringAttribute{MarkdownDescription: "The kind of address, as the API reports it.", Computed: true},
						"status":     schema.StringAttribute{MarkdownDescription: "The address's status, as the API reports it.", Computed: true},
					},
				},
			},
			"spec_name": schema.StringAttribute{
				MarkdownDescription: "The name of the load balancer's specification.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"create_time": schema.StringAttribute{
				MarkdownDescription: "When the load balancer was created, as the API reports it (ISO 8601, UTC).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"expired_time": schema.StringAttribute{
				MarkdownDescription: "When a prepaid load balancer's period ends, as the API reports it; null for " +
					"one that is paid as it goes.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *loadBalancerResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg loadBalancerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if isKnown(cfg.ChargeType) && !cfg.PrepaidPeriod.IsUnknown() {
		switch prepaid := cfg.ChargeType.ValueString() == "PREPAID"; {
		case prepaid && cfg.PrepaidPeriod.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("prepaid_period"), "Missing Prepaid Period",
				"A load balancer with charge_type PREPAID is paid in advance, so prepaid_period must say for "+
					"how many months.")
		case !prepaid && !cfg.PrepaidPeriod.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("prepaid_period"), "Unexpected Prepaid Period",
				fmt.Sprintf("prepaid_period applies only to charge_type PREPAID, but charge_type is %s. Remove "+
					"prepaid_period, or set charge_type to PREPAID.", cfg.ChargeType.ValueString()))
		}
	}

	if cfg.IPType.IsUnknown() {
		return
	}
	ipType := cfg.IPType.ValueString()
	if cfg.IPType.IsNull() {
		ipType = "IPv4"
	}
	if ipType == "IPv6" && !cfg.SubnetID.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("subnet_id"), "Subnet for IPv6 Load Balancer",
			"subnet_id applies only to an IPv4 load balancer. For ip_type IPv6, set cidr_block_id instead.")
	}
	if ipType == "IPv4" && !cfg.CIDRBlockID.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("cidr_block_id"), "CIDR Block for IPv4 Load Balancer",
			"cidr_block_id applies only to an IPv6 load balancer. For ip_type IPv4 (the default), set "+
				"subnet_id instead, or set ip_type to IPv6.")
	}
}

func (r *loadBalancerResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, &resp.Diagnostics); data != nil {
		r.svc = data.service
	}
}

func (r *loadBalancerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan loadBalancerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, loadBalancerCreateTimeout)
	resp.Diagnostics.Append(diags...)
	create, diags := plan.createRequest(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	id, err := r.svc.CreateLoadBalancer(ctx, create)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Load Balancer",
			fmt.Sprintf("Ordering load balancer %q in zone %s failed. If the failure came after the order "+
				"reached the API, look for the load balancer in the console and import it; the order carried "+
				"client token %s, which makes a repeat of it create nothing new. %s", plan.Name.ValueString(),
				plan.ZoneID.ValueString(), create.ClientToken, apiErrorDetail(err)))
		return
	}

	plan.ID = types.StringValue(id)
	if err := saveThenWait(ctx, &resp.State, &plan, r.svc.WaitLoadBalancerReady, id, &resp.Diagnostics); err != nil {
		resp.Diagnostics.AddError("Load Balancer Did Not Become Ready",
			fmt.Sprintf("Load balancer %s was ordered but did not become ready: %s. It is kept in state as "+
				"tainted, so the next apply replaces it and destroy terminates it.", id, err))
	}
}

func (r *loadBalancerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state loadBalancerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := state.ID.ValueString()
	lb, err := r.svc.LoadBalancer(ctx, id)
	if errors.Is(err, bmclb.ErrNotFound) {
		tflog.Info(ctx, "load balancer no longer exists, removing it from state", map[string]any{"load_balancer_id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Load Balancer",
			fmt.Sprintf("Reading load balancer %s failed. %s", id, apiErrorDetail(err)))
		return
	}
	if bmclb.IsRecycled(lb.Status) {
		tflog.Info(ctx, "load balancer was terminated, removing it from state", map[string]any{
			"load_balancer_id": id, "status": lb.Status,
		})
		resp.State.RemoveResource(ctx)
		return
	}

	resp.Diagnostics.Append(state.fromAPI(ctx, lb)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *loadBalancerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state loadBalancerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, loadBalancerUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// Only the name changes through the API; force_delete, timeouts and, right after an import,
	// the arguments the API does not report are only recorded.
	if !plan.Name.Equal(state.Name) {
		lb, err := r.svc.RenameLoadBalancer(ctx, state.ID.ValueString(), plan.Name.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Unable to Rename Load Balancer",
				fmt.Sprintf("Renaming load balancer %s from %q to %q failed. %s", state.ID.ValueString(),
					state.Name.ValueString(), plan.Name.ValueString(), apiErrorDetail(err)))
			return
		}
		resp.Diagnostics.Append(plan.fillFromAPI(ctx, lb)...)
	}
	plan.keepUnknownsFrom(state)

	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

func (r *loadBalancerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state loadBalancerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, loadBalancerDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	release := state.ForceDelete.ValueBool()
	if err := r.svc.DeleteLoadBalancer(ctx, state.ID.ValueString(), release); err != nil {
		what := "Terminating"
		if release {
			what = "Terminating and releasing"
		}
		resp.Diagnostics.AddError("Unable to Delete Load Balancer",
			fmt.Sprintf("%s load balancer %s failed; it is still in state, so the next destroy tries again. "+
				"%s", what, state.ID.ValueString(), apiErrorDetail(err)))
	}
}

func (r *loadBalancerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !idRegexp.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("The import ID %q is not a load balancer ID, such as lb-demo.", req.ID))
		return
	}

	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
}

// createRequest builds the CreateLoadBalancer request of a plan, with a fresh client token.
func (m *loadBalancerModel) createRequest(ctx context.Context) (*zcapi.CreateLoadBalancerRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := &zcapi.CreateLoadBalancerRequest{
		ZoneID:           m.ZoneID.ValueString(),
		LoadBalancerName: m.Name.ValueString(),
		ChargeType:       m.ChargeType.ValueString(),
		Bandwidth:        int(m.Bandwidth.ValueInt64()),
		IPType:           m.IPType.ValueString(),
		ClientToken:      newClientToken(),
		SubnetID:         m.SubnetID.ValueString(),
		CIDRBlockID:      m.CIDRBlockID.ValueString(),
		MasterIP:         m.MasterIP.ValueString(),
		BackupIP:         m.BackupIP.ValueString(),
	}
	if isKnown(m.PrepaidPeriod) {
		req.InstanceChargePrepaid = &zcapi.ChargePrepaid{Period: int(m.PrepaidPeriod.ValueInt64())}
	}
	if isKnown(m.VIPCount) {
		n := int(m.VIPCount.ValueInt64())
		req.VIPCount = &n
	}
	if isKnown(m.Tags) {
		tags := map[string]string{}
		diags.Append(m.Tags.ElementsAs(ctx, &tags, false)...)
		if len(tags) > 0 {
			req.Tags = &zcapi.TagAssociation{}
			for _, k := range sortedKeys(tags) {
				req.Tags.Tags = append(req.Tags.Tags, zcapi.Tag{Key: k, Value: tags[k]})
			}
		}
	}
	return req, diags
}

// fromAPI copies what the API reports of a load balancer into the model, for a refresh. A
// string that differs from the model's only in case, or that the API leaves empty, keeps the
// model's value. prepaid_period, subnet_id and cidr_block_id are not reported and stay as they
// are.
func (m *loadBalancerModel) fromAPI(ctx context.Context, lb *zcapi.LoadBalancer) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(lb.LoadBalancerID)
	m.ZoneID = sameOrAPI(m.ZoneID, lb.ZoneID)
	m.Name = types.StringValue(lb.LoadBalancerName)
	m.ChargeType = sameOrAPI(m.ChargeType, lb.ChargeType)
	m.IPType = sameOrAPI(m.IPType, lb.IPType)
	if lb.Bandwidth > 0 || !isKnown(m.Bandwidth) {
		m.Bandwidth = types.Int64Value(int64(lb.Bandwidth))
	}
	m.MasterIP = addressOrNull(m.MasterIP, lb.MasterIP)
	m.BackupIP = addressOrNull(m.BackupIP, lb.BackupIP)
	if len(lb.VIPList) > 0 {
		m.VIPCount = types.Int64Value(int64(len(lb.VIPList)))
	} else if m.VIPCount.IsUnknown() {
		m.VIPCount = types.Int64Null()
	}
	if m.ForceDelete.IsNull() || m.ForceDelete.IsUnknown() {
		m.ForceDelete = types.BoolValue(false)
	}
	m.Status = types.StringValue(lb.Status)
	m.SpecName = types.StringValue(lb.SpecName)
	m.CreateTime = types.StringValue(lb.CreateTime)
	m.ExpiredTime = types.StringNull()
	if lb.ExpiredTime != "" {
		m.ExpiredTime = types.StringValue(lb.ExpiredTime)
	}

	tags, d := tagsValue(lb.Tags, m.Tags)
	diags.Append(d...)
	m.Tags = tags
	vips, d := vipsValue(ctx, lb.VIPList)
	diags.Append(d...)
	m.VIPs = vips
	return diags
}

// fillFromAPI sets, after a create or an update, what the plan left unknown from what the API
// reports. Known planned values are kept, as Terraform requires.
func (m *loadBalancerModel) fillFromAPI(ctx context.Context, lb *zcapi.LoadBalancer) diag.Diagnostics {
	fresh := *m
	diags := fresh.fromAPI(ctx, lb)
	m.keepUnknownsFrom(fresh)
	return diags
}

// keepUnknownsFrom fills what is still unknown with the values of other (the API's answer, or
// the prior state after an update that made no call).
func (m *loadBalancerModel) keepUnknownsFrom(other loadBalancerModel) {
	for _, f := range []struct{ dst, src *types.String }{
		{&m.MasterIP, &other.MasterIP},
		{&m.BackupIP, &other.BackupIP},
		{&m.Status, &other.Status},
		{&m.SpecName, &other.SpecName},
		{&m.CreateTime, &other.CreateTime},
		{&m.ExpiredTime, &other.ExpiredTime},
	} {
		if f.dst.IsUnknown() {
			*f.dst = *f.src
		}
	}
	if m.VIPCount.IsUnknown() {
		m.VIPCount = other.VIPCount
	}
	if m.VIPs.IsUnknown() {
		m.VIPs = other.VIPs
	}
}

// nullUnknowns replaces values not known yet with null, so that a partial state can be saved.
func (m *loadBalancerModel) nullUnknowns() {
	for _, s := range []*types.String{&m.MasterIP, &m.BackupIP, &m.Status, &m.SpecName, &m.CreateTime, &m.ExpiredTime} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	if m.VIPCount.IsUnknown() {
		m.VIPCount = types.Int64Null()
	}
	if m.VIPs.IsUnknown() {
		m.VIPs = types.ListNull(types.ObjectType{AttrTypes: vipAttrTypes})
	}
}

// tagsValue turns the API's tags into a map. No tags give null, unless prior is an empty map,
// which is kept so that `tags = {}` in a configuration stays without changes.
func tagsValue(tags []zcapi.Tag, prior types.Map) (types.Map, diag.Diagnostics) {
	if len(tags) == 0 {
		if isKnown(prior) && len(prior.Elements()) == 0 {
			return prior, nil
		}
		return types.MapNull(types.StringType), nil
	}
	elems := make(map[string]attr.Value, len(tags))
	for _, t := range tags {
		elems[t.Key] = types.StringValue(t.Value)
	}
	return types.MapValue(types.StringType, elems)
}

// vipsValue turns the API's virtual IP addresses into a list ordered by ID.
func vipsValue(ctx context.Context, list []zcapi.VIP) (types.List, diag.Diagnostics) {
	sorted := append([]zcapi.VIP(nil), list...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].VIPID < sorted[j].VIPID })
	vips := make([]vipModel, 0, len(sorted))
	for _, v := range sorted {
		vips = append(vips, vipModel{
			VIPID:     types.StringValue(v.VIPID),
			IPAddress: types.StringValue(v.IPAddress),
			Type:      types.StringValue(v.Type),
			Status:    types.StringValue(v.Status),
		})
	}
	return types.ListValueFrom(ctx, types.ObjectType{AttrTypes: vipAttrTypes}, vips)
}

// replaceUnlessImported requires replacement when the value changes, except when it is set
// for the first time right after an import: the API does not report the attributes it is used
// on, so an imported load balancer has them null in state although they were set when it was
// created.
type replaceUnlessImported struct{}

var (
	_ planmodifier.String = replaceUnlessImported{}
	_ planmodifier.Int64  = replaceUnlessImported{}
)

func (replaceUnlessImported) Description(_ context.Context) string {
	return "Changing the value replaces the resource, except when it is first recorded after an import."
}

func (m replaceUnlessImported) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m replaceUnlessImported) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.Equal(req.StateValue) {
		return
	}
	resp.RequiresReplace = !req.StateValue.IsNull() || !m.imported(ctx, req.Private)
}

func (m replaceUnlessImported) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.Equal(req.StateValue) {
		return
	}
	resp.RequiresReplace = !req.StateValue.IsNull() || !m.imported(ctx, req.Private)
}

// imported reports whether private state carries the import mark.
func (replaceUnlessImported) imported(ctx context.Context, private privateGetter) bool {
	v, diags := private.GetKey(ctx, importedKey)
	return !diags.HasError() && len(v) > 0
}

// privateGetter is the part of private state that replaceUnlessImported reads.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// ipAddressValidator checks that a string is an IPv4 or IPv6 address.
// addressOrNull is sameOrAPI for an optional address: an address the API leaves empty is
// null rather than "", which would not pass the attribute's own validation in a generated
// configuration.
func addressOrNull(prior types.String, api string) types.String {
	if api == "" && !isKnown(prior) {
		return types.StringNull()
	}
	return sameOrAPI(prior, api)
}

type ipAddressValidator struct{}

var _ validator.String = ipAddressValidator{}

func (ipAddressValidator) Description(_ context.Context) string {
	return "value must be an IPv4 or IPv6 address"
}

func (v ipAddressValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (ipAddressValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !isKnown(req.ConfigValue) {
		return
	}
	if _, err := netip.ParseAddr(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP Address",
			fmt.Sprintf("The value %q is not an IPv4 or IPv6 address.", req.ConfigValue.ValueString()))
	}
}
