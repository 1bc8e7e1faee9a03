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

	"github.com/zenlayer/terraform-provider-zenlayer/internal/bmclb"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

var (
	_ datasource.DataSource              = &loadBalancersDataSource{}
	_ datasource.DataSourceWithConfigure = &loadBalancersDataSource{}
)

// NewLoadBalancersDataSource returns the zenlayer_bmc_load_balancers data source.
func NewLoadBalancersDataSource() datasource.DataSource {
	return &loadBalancersDataSource{}
}

type loadBalancersDataSource struct {
	svc lbService
}

type loadBalancersDataSourceModel struct {
	IDs             types.Set               `tfsdk:"ids"`
	ZoneID          types.String            `tfsdk:"zone_id"`
	Name            types.String            `tfsdk:"name"`
	IncludeRecycled types.Bool              `tfsdk:"include_recycled"`
	LoadBalancers   []loadBalancerItemModel `tfsdk:"load_balancers"`
}

// loadBalancerItemModel is one load balancer as the data source lists it, with the attribute
// names of the zenlayer_bmc_load_balancer resource.
type loadBalancerItemModel struct {
	ID          types.String        `tfsdk:"id"`
	ZoneID      types.String        `tfsdk:"zone_id"`
	Name        types.String        `tfsdk:"name"`
	ChargeType  types.String        `tfsdk:"charge_type"`
	Bandwidth   types.Int64         `tfsdk:"bandwidth"`
	IPType      types.String        `tfsdk:"ip_type"`
	MasterIP    types.String        `tfsdk:"master_ip"`
	BackupIP    types.String        `tfsdk:"backup_ip"`
	Tags        types.Map           `tfsdk:"tags"`
	Status      types.String        `tfsdk:"status"`
	VIPs        types.List          `tfsdk:"vips"`
	SpecName    types.String        `tfsdk:"spec_name"`
	CreateTime  types.String        `tfsdk:"create_time"`
	ExpiredTime types.String        `tfsdk:"expired_time"`
	Listeners   []listenerItemModel `tfsdk:"listeners"`
	Backends    []backendItemModel  `tfsdk:"backends"`
}

func (d *loadBalancersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bmc_load_balancers"
}

func (d *loadBalancersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists BMC load balancers with their listeners and backends, ordered by ID. Every " +
			"page of DescribeLoadBalancers is read. Without filters it lists every load balancer of the " +
			"account that is not in the recycle bin.",
		Attributes: map[string]schema.Attribute{
			"ids": schema.SetAttribute{
				MarkdownDescription: "Only list the load balancers with these IDs. Null or empty means all.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(idValidator())},
			},
			"zone_id": schema.StringAttribute{
				MarkdownDescription: "Only list the load balancers in this zone.",
				Optional:            true,
				Validators:          []validator.String{idValidator()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Only list the load balancers whose name is exactly this.",
				Optional:            true,
			},
			"include_recycled": schema.BoolAttribute{
				MarkdownDescription: "Also list load balancers that were terminated and wait in the recycle bin. " +
					"Defaults to `false`.",
				Optional: true,
			},
			"load_balancers": schema.ListNestedAttribute{
				MarkdownDescription: "The load balancers found, ordered by ID.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":          schema.StringAttribute{MarkdownDescription: "The load balancer ID.", Computed: true},
						"zone_id":     schema.StringAttribute{MarkdownDescription: "The zone of the load balancer.", Computed: true},
						"name":        schema.StringAttribute{MarkdownDescription: "The load balancer's name.", Computed: true},
						"charge_type": schema.StringAttribute{MarkdownDescription: "`PREPAID` or `POSTPAID`.", Computed: true},
						"bandwidth":   schema.Int64Attribute{MarkdownDescription: "The bandwidth in Mbps.", Computed: true},
						"ip_type":     schema.StringAttribute{MarkdownDescription: "`IPv4` or `IPv6`.", Computed: true},
						"master_ip":   schema.StringAttribute{MarkdownDescription: "The private IP address of the primary node.", Computed: true},
						"backup_ip":   schema.StringAttribute{MarkdownDescription: "The private IP address of the standby node.", Computed: true},
						"tags": schema.MapAttribute{
							MarkdownDescription: "The tags of the load balancer, by key.",
							ElementType:         types.StringType,
							Computed:            true,
						},
						"status": schema.StringAttribute{MarkdownDescription: "The status, such as `Running` or `Recycled`.", Computed: true},
						"vips": schema.ListNestedAttribute{
							MarkdownDescription: "The virtual IP addresses, ordered by ID.",
							Computed:            true,
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"vip_id":     schema.StringAttribute{MarkdownDescription: "The ID of the virtual IP address.", Computed: true},
									"ip_address": schema.StringAttribute{MarkdownDescription: "The address itself.", Computed: true},
									"type":       schema.StringAttribute{MarkdownDescription: "The kind of address.", Computed: true},
									"status":     schema.StringAttribute{MarkdownDescription: "The address's status.", Computed: true},
								},
							},
						},
						"spec_name":    schema.StringAttribute{MarkdownDescription: "The name of the specification.", Computed: true},
						"create_time":  schema.StringAttribute{MarkdownDescription: "When the load balancer was created.", Computed: true},
						"expired_time": schema.StringAttribute{MarkdownDescription: "When a prepaid period ends; null otherwise.", Computed: true},
						"listeners": schema.ListNestedAttribute{
							MarkdownDescription: "The listeners of the load balancer, ordered by ID.",
							Computed:            true,
							NestedObject:        schema.NestedAttributeObject{Attributes: listenerItemAttributes()},
						},
						"backends": schema.ListNestedAttribute{
							MarkdownDescription: "The backends of all its listeners, ordered by ID.",
							Computed:            true,
							NestedObject:        schema.NestedAttributeObject{Attributes: backendItemAttributes()},
						},
					},
				},
			},
		},
	}
}

func (d *loadBalancersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, &resp.Diagnostics); data != nil {
		d.svc = data.service
	}
}

func (d *loadBalancersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg loadBalancersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ids, diags := stringSet(ctx, cfg.IDs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	found, err := d.svc.LoadBalancers(ctx, zcapi.DescribeLoadBalancersRequest{
		LoadBalancerIDs:  sortedKeys(ids),
		ZoneID:           cfg.ZoneID.ValueString(),
		LoadBalancerName: cfg.Name.ValueString(),
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to List Load Balancers",
			fmt.Sprintf("Listing load balancers failed. %s", apiErrorDetail(err)))
		return
	}

	// The API's name filter may match more loosely than "exactly"; the other filters are
	// checked again in case the API ignores one.
	var kept []zcapi.LoadBalancer
	for _, lb := range found {
		switch {
		case len(ids) > 0 && !ids[lb.LoadBalancerID]:
		case !cfg.ZoneID.IsNull() && lb.ZoneID != cfg.ZoneID.ValueString():
		case !cfg.Name.IsNull() && lb.LoadBalancerName != cfg.Name.ValueString():
		case bmclb.IsRecycled(lb.Status) && !cfg.IncludeRecycled.ValueBool():
		default:
			kept = append(kept, lb)
		}
	}
	cfg.LoadBalancers, diags = loadBalancerItems(ctx, kept)
	resp.Diagnostics.Append(diags...)

	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// loadBalancerItems converts load balancers into listed items ordered by ID, without
// duplicates.
func loadBalancerItems(ctx context.Context, list []zcapi.LoadBalancer) ([]loadBalancerItemModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	sorted := append([]zcapi.LoadBalancer(nil), list...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].LoadBalancerID < sorted[j].LoadBalancerID })
	items := make([]loadBalancerItemModel, 0, len(sorted))
	for i, lb := range sorted {
		if i > 0 && sorted[i-1].LoadBalancerID == lb.LoadBalancerID {
			continue
		}
		tags, d := tagsValue(lb.Tags, types.MapNull(types.StringType))
		diags.Append(d...)
		vips, d := vipsValue(ctx, lb.VIPList)
		diags.Append(d...)
		listeners, d := listenerItems(ctx, lb.ListenerList)
		diags.Append(d...)
		backends, d := backendItems(lb.BackendList)
		diags.Append(d...)
		expired := types.StringNull()
		if lb.ExpiredTime != "" {
			expired = types.StringValue(lb.ExpiredTime)
		}
		items = append(items, loadBalancerItemModel{
			ID:          types.StringValue(lb.LoadBalancerID),
			ZoneID:      types.StringValue(lb.ZoneID),
			Name:        types.StringValue(lb.LoadBalancerName),
			ChargeType:  types.StringValue(lb.ChargeType),
			Bandwidth:   types.Int64Value(int64(lb.Bandwidth)),
			IPType:      types.StringValue(lb.IPType),
			MasterIP:    types.StringValue(lb.MasterIP),
			BackupIP:    types.StringValue(lb.BackupIP),
			Tags:        tags,
			Status:      types.StringValue(lb.Status),
			VIPs:        vips,
			SpecName:    types.StringValue(lb.SpecName),
			CreateTime:  types.StringValue(lb.CreateTime),
			ExpiredTime: expired,
			Listeners:   listeners,
			Backends:    backends,
		})
	}
	return items, diags
}
