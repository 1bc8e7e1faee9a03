package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

var (
	_ datasource.DataSource              = &listenersDataSource{}
	_ datasource.DataSourceWithConfigure = &listenersDataSource{}
)

// NewListenersDataSource returns the zenlayer_bmc_lb_listeners data source.
func NewListenersDataSource() datasource.DataSource {
	return &listenersDataSource{}
}

type listenersDataSource struct {
	svc lbService
}

type listenersDataSourceModel struct {
	LoadBalancerIDs types.Set           `tfsdk:"load_balancer_ids"`
	IDs             types.Set           `tfsdk:"ids"`
	Name            types.String        `tfsdk:"name"`
	Listeners       []listenerItemModel `tfsdk:"listeners"`
}

// listenerItemModel is one listener as the data sources list it, with the attribute names of
// the zenlayer_bmc_lb_listener resource.
type listenerItemModel struct {
	ID              types.String `tfsdk:"id"`
	LoadBalancerID  types.String `tfsdk:"load_balancer_id"`
	Name            types.String `tfsdk:"name"`
	Ports           types.Set    `tfsdk:"ports"`
	Protocol        types.String `tfsdk:"protocol"`
	BackendProtocol types.String `tfsdk:"backend_protocol"`
	Scheduler       types.String `tfsdk:"scheduler"`
	Kind            types.String `tfsdk:"kind"`
	HealthCheck     types.Object `tfsdk:"health_check"`
	Notify          types.Object `tfsdk:"notify"`
	Status          types.String `tfsdk:"status"`
	CreateTime      types.String `tfsdk:"create_time"`
}

func (d *listenersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bmc_lb_listeners"
}

func (d *listenersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the listeners of BMC load balancers, ordered by listener ID. Every page of " +
			"DescribeListeners is read. Without filters it lists every listener of the account.",
		Attributes: map[string]schema.Attribute{
			"load_balancer_ids": schema.SetAttribute{
				MarkdownDescription: "Only list the listeners of these load balancers. Null or empty means all.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(idValidator())},
			},
			"ids": schema.SetAttribute{
				MarkdownDescription: "Only list the listeners with these IDs. Null or empty means all.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(idValidator())},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Only list the listeners whose name is exactly this.",
				Optional:            true,
			},
			"listeners": schema.ListNestedAttribute{
				MarkdownDescription: "The listeners found, ordered by ID.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: listenerItemAttributes()},
			},
		},
	}
}

// listenerItemAttributes is the schema of one listed listener.
func listenerItemAttributes() map[string]schema.Attribute {
	hc := map[string]schema.Attribute{}
	for name, typ := range healthCheckAttrTypes {
		desc := healthCheckDescriptions[name]
		switch typ {
		case types.BoolType:
			hc[name] = schema.BoolAttribute{MarkdownDescription: desc, Computed: true}
		case types.StringType:
			hc[name] = schema.StringAttribute{MarkdownDescription: desc, Computed: true}
		default:
			hc[name] = schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
		}
	}
	return map[string]schema.Attribute{
		"id":               schema.StringAttribute{MarkdownDescription: "The listener ID.", Computed: true},
		"load_balancer_id": schema.StringAttribute{MarkdownDescription: "The load balancer the listener belongs to.", Computed: true},
		"name":             schema.StringAttribute{MarkdownDescription: "The listener's name.", Computed: true},
		"ports": schema.SetAttribute{
			MarkdownDescription: "The ports the listener takes traffic on.",
			ElementType:         types.Int64Type,
			Computed:            true,
		},
		"protocol":         schema.StringAttribute{MarkdownDescription: "The protocol clients use: `TCP` or `UDP`.", Computed: true},
		"backend_protocol": schema.StringAttribute{MarkdownDescription: "The protocol used towards the backends.", Computed: true},
		"scheduler":        schema.StringAttribute{MarkdownDescription: "`wrr` or `rr`.", Computed: true},
		"kind":             schema.StringAttribute{MarkdownDescription: "`FNAT` or `DR`.", Computed: true},
		"health_check": schema.SingleNestedAttribute{
			MarkdownDescription: "The health check as the API reports it; fields it leaves out are null.",
			Computed:            true,
			Attributes:          hc,
		},
		"notify": schema.SingleNestedAttribute{
			MarkdownDescription: "The notification setting as the API reports it.",
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"enable":      schema.BoolAttribute{MarkdownDescription: "Whether notifications are sent.", Computed: true},
				"api_address": schema.StringAttribute{MarkdownDescription: "Where notifications are sent.", Computed: true},
			},
		},
		"status":      schema.StringAttribute{MarkdownDescription: "The listener's status, such as `Available`.", Computed: true},
		"create_time": schema.StringAttribute{MarkdownDescription: "When the listener was created.", Computed: true},
	}
}

func (d *listenersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, &resp.Diagnostics); data != nil {
		d.svc = data.service
	}
}

func (d *listenersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg listenersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	lbIDs, diags := stringSet(ctx, cfg.LoadBalancerIDs)
	resp.Diagnostics.Append(diags...)
	ids, diags := stringSet(ctx, cfg.IDs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	found, err := d.svc.Listeners(ctx, zcapi.DescribeListenersRequest{
		LoadBalancerIDs: sortedKeys(lbIDs),
		ListenerIDs:     sortedKeys(ids),
		ListenerName:    cfg.Name.ValueString(),
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to List Listeners",
			fmt.Sprintf("Listing listeners failed. %s", apiErrorDetail(err)))
		return
	}

	// The API's name filter may match more loosely than "exactly"; the other filters are
	// checked again in case the API ignores one.
	var kept []zcapi.Listener
	for _, l := range found {
		if (len(lbIDs) == 0 || lbIDs[l.LoadBalancerID]) && (len(ids) == 0 || ids[l.ListenerID]) &&
			(cfg.Name.IsNull() || l.ListenerName == cfg.Name.ValueString()) {
			kept = append(kept, l)
		}
	}
	cfg.Listeners, diags = listenerItems(ctx, kept)
	resp.Diagnostics.Append(diags...)

	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// listenerItems converts listeners into listed items ordered by listener ID, without
// duplicates.
func listenerItems(ctx context.Context, list []zcapi.Listener) ([]listenerItemModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	sorted := append([]zcapi.Listener(nil), list...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ListenerID < sorted[j].ListenerID })
	items := make([]listenerItemModel, 0, len(sorted))
	for i, l := range sorted {
		if i > 0 && sorted[i-1].ListenerID == l.ListenerID {
			continue
		}
		ports, d := portsValue("listener "+l.ListenerID, l.Port, types.SetNull(types.Int64Type))
		diags.Append(d...)
		hc, d := healthCheckValue(ctx, l.HealthCheck, types.ObjectNull(healthCheckAttrTypes), false)
		diags.Append(d...)
		n, d := notifyValue(ctx, l.Notify, types.ObjectNull(notifyAttrTypes), false)
		diags.Append(d...)
		items = append(items, listenerItemModel{
			ID:              types.StringValue(l.ListenerID),
			LoadBalancerID:  types.StringValue(l.LoadBalancerID),
			Name:            types.StringValue(l.ListenerName),
			Ports:           ports,
			Protocol:        types.StringValue(l.Protocol),
			BackendProtocol: types.StringValue(l.BackendProtocol),
			Scheduler:       types.StringValue(l.Scheduler),
			Kind:            types.StringValue(l.Kind),
			HealthCheck:     hc,
			Notify:          n,
			Status:          types.StringValue(l.Status),
			CreateTime:      types.StringValue(l.CreateTime),
		})
	}
	return items, diags
}
