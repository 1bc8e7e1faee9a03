package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/bmclb"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

var (
	_ datasource.DataSource              = &backendsDataSource{}
	_ datasource.DataSourceWithConfigure = &backendsDataSource{}
)

// NewBackendsDataSource returns the zenlayer_bmc_lb_backends data source.
func NewBackendsDataSource() datasource.DataSource {
	return &backendsDataSource{}
}

type backendsDataSource struct {
	svc lbService
}

type backendsDataSourceModel struct {
	ListenerID types.String       `tfsdk:"listener_id"`
	IDs        types.Set          `tfsdk:"ids"`
	Name       types.String       `tfsdk:"name"`
	Backends   []backendItemModel `tfsdk:"backends"`
}

// backendItemModel is one backend as the data sources list it, with the attribute names of
// the zenlayer_bmc_lb_backend resource.
type backendItemModel struct {
	ID           types.String `tfsdk:"id"`
	ListenerID   types.String `tfsdk:"listener_id"`
	BackendName  types.String `tfsdk:"backend_name"`
	InstanceID   types.String `tfsdk:"instance_id"`
	InstanceType types.String `tfsdk:"instance_type"`
	InstanceName types.String `tfsdk:"instance_name"`
	Ports        types.Set    `tfsdk:"ports"`
	Weight       types.Int64  `tfsdk:"weight"`
	Status       types.String `tfsdk:"status"`
	CreateTime   types.String `tfsdk:"create_time"`
}

func (d *backendsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bmc_lb_backends"
}

func (d *backendsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the backends registered to one listener of a BMC load balancer, ordered by " +
			"backend ID. Every page of DescribeBackends is read; the read is shared with the " +
			"`zenlayer_bmc_lb_backend` resources of the same listener.",
		Attributes: map[string]schema.Attribute{
			"listener_id": schema.StringAttribute{
				MarkdownDescription: "The listener whose backends to list.",
				Required:            true,
				Validators:          []validator.String{idValidator()},
			},
			"ids": schema.SetAttribute{
				MarkdownDescription: "Only list the backends with these IDs. Null or empty lists all.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(idValidator())},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Only list the backends whose name is exactly this.",
				Optional:            true,
			},
			"backends": schema.ListNestedAttribute{
				MarkdownDescription: "The backends found, ordered by ID.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: backendItemAttributes()},
			},
		},
	}
}

// backendItemAttributes is the schema of one listed backend.
func backendItemAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":            schema.StringAttribute{MarkdownDescription: "The backend ID.", Computed: true},
		"listener_id":   schema.StringAttribute{MarkdownDescription: "The listener the backend is registered to.", Computed: true},
		"backend_name":  schema.StringAttribute{MarkdownDescription: "The backend's name.", Computed: true},
		"instance_id":   schema.StringAttribute{MarkdownDescription: "The ID of the registered instance.", Computed: true},
		"instance_type": schema.StringAttribute{MarkdownDescription: "`BM` or `VM`.", Computed: true},
		"instance_name": schema.StringAttribute{MarkdownDescription: "The name of the registered instance.", Computed: true},
		"ports": schema.SetAttribute{
			MarkdownDescription: "The backend ports; empty for a listener in `DR` mode.",
			ElementType:         types.Int64Type,
			Computed:            true,
		},
		"weight":      schema.Int64Attribute{MarkdownDescription: "The scheduling weight.", Computed: true},
		"status":      schema.StringAttribute{MarkdownDescription: "The backend's status, such as `Available`.", Computed: true},
		"create_time": schema.StringAttribute{MarkdownDescription: "When the backend was registered.", Computed: true},
	}
}

func (d *backendsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, &resp.Diagnostics); data != nil {
		d.svc = data.service
	}
}

func (d *backendsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg backendsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ids, diags := stringSet(ctx, cfg.IDs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	listenerID := cfg.ListenerID.ValueString()
	all, err := d.svc.ListenerBackends(ctx, listenerID)
	if errors.Is(err, bmclb.ErrNotFound) {
		resp.Diagnostics.AddAttributeError(path.Root("listener_id"), "Unable to List Backends",
			fmt.Sprintf("Listener %s does not exist, so it has no backends to list. Check listener_id. %s",
				listenerID, apiErrorDetail(err)))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to List Backends",
			fmt.Sprintf("Listing the backends of listener %s failed. %s", listenerID, apiErrorDetail(err)))
		return
	}

	var found []zcapi.Backend
	for _, b := range all {
		if (len(ids) == 0 || ids[b.BackendID]) && (cfg.Name.IsNull() || b.BackendName == cfg.Name.ValueString()) {
			found = append(found, b)
		}
	}
	cfg.Backends, diags = backendItems(found)
	resp.Diagnostics.Append(diags...)

	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// backendItems converts backends into listed items ordered by backend ID.
func backendItems(list []zcapi.Backend) ([]backendItemModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	sorted := append([]zcapi.Backend(nil), list...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].BackendID < sorted[j].BackendID })
	items := make([]backendItemModel, 0, len(sorted))
	for _, b := range sorted {
		ports, d := portsValue("backend "+b.BackendID, b.Port, types.SetNull(types.Int64Type))
		diags.Append(d...)
		items = append(items, backendItemModel{
			ID:           types.StringValue(b.BackendID),
			ListenerID:   types.StringValue(b.ListenerID),
			BackendName:  types.StringValue(b.BackendName),
			InstanceID:   types.StringValue(b.InstanceID),
			InstanceType: types.StringValue(strings.ToUpper(b.InstanceType)),
			InstanceName: types.StringValue(b.InstanceName),
			Ports:        ports,
			Weight:       types.Int64Value(int64(b.Weight)),
			Status:       types.StringValue(b.Status),
			CreateTime:   types.StringValue(b.CreateTime),
		})
	}
	return items, diags
}

// stringSet returns the elements of a set of strings as a lookup; null or unknown gives nil.
func stringSet(ctx context.Context, s types.Set) (map[string]bool, diag.Diagnostics) {
	if !isKnown(s) {
		return nil, nil
	}
	var values []string
	diags := s.ElementsAs(ctx, &values, false)
	out := make(map[string]bool, len(values))
	for _, v := range values {
		out[v] = true
	}
	return out, diags
}
