package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// domainValidator checks that a domain is a host or host:port.
type domainValidator struct{}

var _ validator.String = domainValidator{}

func (domainValidator) Description(_ context.Context) string {
	return "value must be a host name or IP address, optionally followed by :port"
}

func (v domainValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (domainValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkDomain(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Domain",
			fmt.Sprintf("The domain %q is not a host or host:port: %s.", req.ConfigValue.ValueString(), err))
	}
}
