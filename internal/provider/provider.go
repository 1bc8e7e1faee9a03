// Package provider holds the Terraform glue of the Zenlayer BMC load-balancing provider: its
// schema, configuration, resources and data sources. It reaches the API only through the
// service interface in service.go.
package provider

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/bmclb"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

// RegistryAddress is the provider's address in the Terraform registry.
const RegistryAddress = "registry.terraform.io/zenlayer/zenlayer"

// Environment variables read when an argument is not set in the configuration.
const (
	EnvAccessKeyID       = "ZENLAYERCLOUD_ACCESS_KEY_ID"
	EnvAccessKeyPassword = "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"
	EnvDomain            = "ZENLAYERCLOUD_DOMAIN"
	EnvScheme            = "ZENLAYERCLOUD_SCHEME"
	EnvClientTimeout     = "ZENLAYERCLOUD_CLIENT_TIMEOUT"
	EnvMaxRetries        = "ZENLAYERCLOUD_MAX_RETRIES"
	EnvCACertFile        = "ZENLAYERCLOUD_CA_CERT_FILE"
)

// Defaults of the provider arguments.
const (
	defaultDomain            = "console.zenlayer.com"
	defaultScheme            = "HTTPS"
	defaultClientTimeout     = 30
	defaultMaxRetries        = 3
	defaultWritesPerListener = 1
)

var _ provider.Provider = &zenlayerProvider{}

type zenlayerProvider struct {
	version string

	// configured is what the last successful Configure handed to resources, for the
	// protocol shortcuts of NewProtocol6.
	configured atomic.Pointer[providerData]
}

type providerModel struct {
	AccessKeyID       types.String `tfsdk:"access_key_id"`
	AccessKeyPassword types.String `tfsdk:"access_key_password"`
	Domain            types.String `tfsdk:"domain"`
	Scheme            types.String `tfsdk:"scheme"`
	ClientTimeout     types.Int64  `tfsdk:"client_timeout"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
	CACertFile        types.String `tfsdk:"ca_cert_file"`
	WritesPerListener types.Int64  `tfsdk:"max_concurrent_writes_per_listener"`
}

func (p *zenlayerProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "zenlayer"
	resp.Version = p.version
}

func (p *zenlayerProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Zenlayer provider manages BMC load balancing on Zenlayer Cloud: load " +
			"balancers, their listeners, and the backends registered to each listener. Every " +
			"argument can also be given by an environment variable.",
		Attributes: map[string]schema.Attribute{
			"access_key_id": schema.StringAttribute{
				MarkdownDescription: "The ID of the Zenlayer Cloud access key. Falls back to `" + EnvAccessKeyID + "`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"access_key_password": schema.StringAttribute{
				MarkdownDescription: "The password of the access key, used to sign every request; it is never " +
					"sent or logged. Falls back to `" + EnvAccessKeyPassword + "`, which is the better place for " +
					"it: Terraform copies literal provider arguments into saved plan files, sensitive or not.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"domain": schema.StringAttribute{
				MarkdownDescription: "The API host, optionally with a port (`host:port`). Falls back to `" +
					EnvDomain + "`, then `" + defaultDomain + "`.",
				Optional:   true,
				Validators: []validator.String{domainValidator{}},
			},
			"scheme": schema.StringAttribute{
				MarkdownDescription: "`HTTPS` or `HTTP`. Falls back to `" + EnvScheme + "`, then `HTTPS`. Plain " +
					"HTTP is meant for a local emulator; the provider warns when it is used for any other host.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOfCaseInsensitive("HTTPS", "HTTP")},
			},
			"client_timeout": schema.Int64Attribute{
				MarkdownDescription: "How many seconds one API request may take before it is abandoned (and " +
					"retried where that is safe). Falls back to `" + EnvClientTimeout + "`, then " +
					strconv.Itoa(defaultClientTimeout) + ".",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 3600)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a failed request is retried when the failure is " +
					"transient (throttling, a service fault, a dropped connection) and retrying is safe. " +
					"Falls back to `" + EnvMaxRetries + "`, then " + strconv.Itoa(defaultMaxRetries) + ".",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"ca_cert_file": schema.StringAttribute{
				MarkdownDescription: "Path of a PEM file with extra certificate authorities to trust for " +
					"HTTPS, in addition to the system's. Falls back to `" + EnvCACertFile + "`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"max_concurrent_writes_per_listener": schema.Int64Attribute{
				MarkdownDescription: "How many writes (register, deregister, weight changes) the provider sends " +
					"to one listener at the same time. Defaults to 1, which is always safe; raise it only " +
					"if the API accepts concurrent changes to one listener for your account. The limit holds " +
					"within one Terraform run; two runs at once against one listener are not coordinated.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 64)},
			},
		},
	}
}

func (p *zenlayerProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	type setting struct {
		unknown bool
		env     string
	}
	settings := map[string]setting{
		"access_key_id":                      {cfg.AccessKeyID.IsUnknown(), EnvAccessKeyID},
		"access_key_password":                {cfg.AccessKeyPassword.IsUnknown(), EnvAccessKeyPassword},
		"domain":                             {cfg.Domain.IsUnknown(), EnvDomain},
		"scheme":                             {cfg.Scheme.IsUnknown(), EnvScheme},
		"client_timeout":                     {cfg.ClientTimeout.IsUnknown(), EnvClientTimeout},
		"max_retries":                        {cfg.MaxRetries.IsUnknown(), EnvMaxRetries},
		"ca_cert_file":                       {cfg.CACertFile.IsUnknown(), EnvCACertFile},
		"max_concurrent_writes_per_listener": {cfg.WritesPerListener.IsUnknown(), ""},
	}
	for _, name := range sortedKeys(settings) {
		s := settings[name]
		if !s.unknown {
			continue
		}
		instead := "Set it to a value known at plan time."
		if s.env != "" {
			instead = "Set it to a value known at plan time, or leave it out and set the " + s.env +
				" environment variable instead."
		}
		resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown Provider Argument",
			fmt.Sprintf("The value of %s is not known until apply, but the provider must be configured "+
				"before it can plan. %s", name, instead))
	}
	if resp.Diagnostics.HasError() {
		return
	}

	keyID := stringSetting(cfg.AccessKeyID, EnvAccessKeyID, "")
	password := stringSetting(cfg.AccessKeyPassword, EnvAccessKeyPassword, "")
	domain := stringSetting(cfg.Domain, EnvDomain, defaultDomain)
	scheme := strings.ToUpper(stringSetting(cfg.Scheme, EnvScheme, defaultScheme))
	caFile := stringSetting(cfg.CACertFile, EnvCACertFile, "")

	if keyID == "" {
		resp.Diagnostics.AddAttributeError(path.Root("access_key_id"), "Missing Access Key ID",
			"The provider needs the ID of a Zenlayer Cloud access key. Set access_key_id in the provider "+
				"block or the "+EnvAccessKeyID+" environment variable.")
	}
	if password == "" {
		resp.Diagnostics.AddAttributeError(path.Root("access_key_password"), "Missing Access Key Password",
			"The provider needs the password of the access key to sign requests. Set access_key_password "+
				"in the provider block or the "+EnvAccessKeyPassword+" environment variable.")
	}
	if scheme != "HTTPS" && scheme != "HTTP" {
		resp.Diagnostics.AddAttributeError(path.Root("scheme"), "Invalid Scheme",
			fmt.Sprintf("The scheme %q (from %s) is not HTTPS or HTTP.", scheme, EnvScheme))
	}
	if err := checkDomain(domain); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("domain"), "Invalid Domain",
			fmt.Sprintf("The domain %q is not a host or host:port: %s.", domain, err))
	}
	timeout, ok := intSetting(cfg.ClientTimeout, EnvClientTimeout, defaultClientTimeout, 1, 3600)
	if !ok {
		resp.Diagnostics.AddAttributeError(path.Root("client_timeout"), "Invalid Client Timeout",
			"The environment variable "+EnvClientTimeout+" must be a whole number of seconds from 1 to 3600.")
	}
	retries, ok := intSetting(cfg.MaxRetries, EnvMaxRetries, defaultMaxRetries, 0, 20)
	if !ok {
		resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid Max Retries",
			"The environment variable "+EnvMaxRetries+" must be a whole number from 0 to 20.")
	}
	var caPEM []byte
	if caFile != "" {
		data, err := os.ReadFile(caFile)
		switch {
		case err != nil:
			resp.Diagnostics.AddAttributeError(path.Root("ca_cert_file"), "Unreadable CA Certificate File",
				fmt.Sprintf("The file %q could not be read: %s.", caFile, err))
		case !x509.NewCertPool().AppendCertsFromPEM(data):
			resp.Diagnostics.AddAttributeError(path.Root("ca_cert_file"), "Invalid CA Certificate File",
				fmt.Sprintf("The file %q holds no PEM-encoded certificate (a block that starts with "+
					"-----BEGIN CERTIFICATE-----).", caFile))
		}
		caPEM = data
	}
	if resp.Diagnostics.HasError() {
		return
	}

	if scheme == "HTTP" && !isLoopback(domain) {
		resp.Diagnostics.AddAttributeWarning(path.Root("scheme"), "Unencrypted API Connection",
			fmt.Sprintf("Requests to %s are sent over plain HTTP, so anyone on the network path can read "+
				"them. Use HTTPS for anything but a local emulator.", domain))
	}

	client, err := zcapi.New(zcapi.Config{
		AccessKeyID:       keyID,
		AccessKeyPassword: password,
		Domain:            domain,
		Scheme:            scheme,
		Timeout:           time.Duration(timeout) * time.Second,
		MaxRetries:        retries,
		RequestClient:     "terraform-provider-zenlayer/" + p.version,
		CACertPEM:         caPEM,
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create API Client",
			fmt.Sprintf("The Zenlayer API client could not be set up: %s.", err))
		return
	}

	writes := defaultWritesPerListener
	if !cfg.WritesPerListener.IsNull() {
		writes = int(cfg.WritesPerListener.ValueInt64())
	}
	svc := bmclb.New(client, bmclb.Options{
		WritesPerListener: writes,
		LockScope:         scheme + "://" + domain + "|" + keyID,
	})
	tflog.Debug(ctx, "configured Zenlayer API client", map[string]any{
		"domain": domain, "scheme": scheme, "access_key_id": keyID,
		"client_timeout_s": timeout, "max_retries": retries, "writes_per_listener": writes,
	})

	data := &providerData{service: svc, accessKeyID: keyID}
	resp.ResourceData = data
	resp.DataSourceData = data
	p.configured.Store(data)
}

func (p *zenlayerProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewLoadBalancerResource,
		NewListenerResource,
		NewBackendResource,
	}
}

func (p *zenlayerProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewLoadBalancersDataSource,
		NewListenersDataSource,
		NewBackendsDataSource,
	}
}

// stringSetting returns the configured value, else the environment variable, else def.
func stringSetting(v types.String, env, def string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	if e := strings.TrimSpace(os.Getenv(env)); e != "" {
		return e
	}
	return def
}

// intSetting returns the configured value, else the environment variable, else def. It
// reports false when the environment variable is not a whole number within [lo, hi].
func intSetting(v types.Int64, env string, def, lo, hi int) (int, bool) {
	if !v.IsNull() {
		return int(v.ValueInt64()), true
	}
	e := strings.TrimSpace(os.Getenv(env))
	if e == "" {
		return def, true
	}
	n, err := strconv.Atoi(e)
	if err != nil || n < lo || n > hi {
		return def, false
	}
	return n, true
}

// checkDomain accepts a host name, an IP address, or either with a port.
func checkDomain(domain string) error {
	if domain == "" {
		return fmt.Errorf("it is empty")
	}
	if strings.ContainsAny(domain, "/?#@ \t") {
		return fmt.Errorf("it must not contain a scheme, path, user or spaces")
	}
	host := domain
	if h, port, err := net.SplitHostPort(domain); err == nil {
		n, perr := strconv.Atoi(port)
		if perr != nil || n < 1 || n > 65535 {
			return fmt.Errorf("the port %q is not a number from 1 to 65535", port)
		}
		host = h
	}
	if host == "" {
		return fmt.Errorf("the host is empty")
	}
	return nil
}

// isLoopback reports whether a domain names this machine.
func isLoopback(domain string) bool {
	host := domain
	if h, _, err := net.SplitHostPort(domain); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
