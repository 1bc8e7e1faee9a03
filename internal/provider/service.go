package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/bmclb"
	"github.com/zenlayer/terraform-provider-zenlayer/internal/zcapi"
)

// lbService is everything the resources and data sources ask of the API. The provider's
// Configure hands them a *bmclb.Service; tests may hand them anything that fits.
type lbService interface {
	ListenerBackends(ctx context.Context, listenerID string) ([]zcapi.Backend, error)
	Backend(ctx context.Context, listenerID, backendID string) (*zcapi.Backend, error)
	RegisterBackend(ctx context.Context, req *zcapi.RegisterBackendRequest) (string, error)
	WaitBackendAvailable(ctx context.Context, listenerID, backendID string) (*zcapi.Backend, error)
	DeregisterBackend(ctx context.Context, listenerID, backendID string) error
	SetBackendWeight(ctx context.Context, listenerID, backendID string, weight int) (*zcapi.Backend, error)
	Listener(ctx context.Context, listenerID string) (*zcapi.Listener, error)

	ExistingListener(ctx context.Context, listenerID string) (*zcapi.Listener, error)
	Listeners(ctx context.Context, query zcapi.DescribeListenersRequest) ([]zcapi.Listener, error)
	CreateListener(ctx context.Context, req *zcapi.CreateListenerRequest) (string, error)
	WaitListenerAvailable(ctx context.Context, listenerID string) (*zcapi.Listener, error)
	ModifyListener(ctx context.Context, req *zcapi.ModifyListenerAttributeRequest) (*zcapi.Listener, error)
	DeleteListener(ctx context.Context, listenerID string) error

	LoadBalancer(ctx context.Context, id string) (*zcapi.LoadBalancer, error)
	LoadBalancers(ctx context.Context, query zcapi.DescribeLoadBalancersRequest) ([]zcapi.LoadBalancer, error)
	CreateLoadBalancer(ctx context.Context, req *zcapi.CreateLoadBalancerRequest) (string, error)
	WaitLoadBalancerReady(ctx context.Context, id string) (*zcapi.LoadBalancer, error)
	RenameLoadBalancer(ctx context.Context, id, name string) (*zcapi.LoadBalancer, error)
	DeleteLoadBalancer(ctx context.Context, id string, release bool) error
}

var _ lbService = (*bmclb.Service)(nil)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	service     lbService
	accessKeyID string
}

// configuredData extracts the provider data given to a resource or data source's Configure.
// It returns nil, without an error, before the provider is configured.
func configuredData(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data
}

// apiErrorDetail ends a diagnostic detail with what the API said: its code, message, HTTP
// status and request ID when the error came from the API, or the error itself otherwise.
func apiErrorDetail(err error) string {
	var apiErr *zcapi.APIError
	if errors.As(err, &apiErr) && !apiErr.EdgeBlocked {
		return "The API answered: " + err.Error()
	}
	return "The request failed: " + err.Error()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
