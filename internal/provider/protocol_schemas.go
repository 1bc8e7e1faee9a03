package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// schemaInfo is what the protocol shortcuts need of one schema.
type schemaInfo struct {
	// typ is the value type in the framework's types, which tell whole numbers from other
	// numbers and build models without reflection.
	typ attr.Type
	// tfType is the value type in the protocol's types.
	tfType tftypes.Type
	// version is the schema version state is saved under.
	version int64
	// blocks reports whether the schema has blocks, which the framework rewrites.
	blocks bool
}

// providerSchemas are the provider's schemas: its own, and those of its resources and data
// sources by type name.
type providerSchemas struct {
	provider    schemaInfo
	resources   map[string]schemaInfo
	dataSources map[string]schemaInfo
}

// schemas returns the provider's schemas, read once: they do not change while it runs.
var schemas = sync.OnceValue(func() providerSchemas {
	ctx := context.Background()
	p := &zenlayerProvider{}
	out := providerSchemas{resources: map[string]schemaInfo{}, dataSources: map[string]schemaInfo{}}
	info := func(typ attr.Type, version int64, blocks int) schemaInfo {
		return schemaInfo{typ: typ, tfType: typ.TerraformType(ctx), version: version, blocks: blocks > 0}
	}

	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	var ps provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &ps)
	out.provider = info(ps.Schema.Type(), 0, len(ps.Schema.Blocks))

	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var m resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &m)
		var sr resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sr)
		out.resources[m.TypeName] = info(sr.Schema.Type(), sr.Schema.Version, len(sr.Schema.Blocks))
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		var m datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &m)
		var sr datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &sr)
		out.dataSources[m.TypeName] = info(sr.Schema.Type(), 0, len(sr.Schema.Blocks))
	}
	return out
})
