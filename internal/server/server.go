// Package server serves the provider over plugin protocol 6. It wraps the plugin framework's
// server so that a long run keeps flat memory, and keeps the framework's own trace logging
// quiet when nobody asked for logs.
package server

import (
	"context"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/provider"
)

// Serve serves the provider of the given version until Terraform stops it. With debug, it
// runs for a debugger and prints the TF_REATTACH_PROVIDERS value to use.
func Serve(version string, debug bool) error {
	quietSDKLogsUnlessAsked()
	collectGarbageLessOften()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve(provider.RegistryAddress, New(version), opts...)
}

// New returns a factory of the provider's protocol 6 server.
func New(version string) func() tfprotov6.ProviderServer {
	inner := provider.NewProtocol6(version)
	return func() tfprotov6.ProviderServer {
		return releasingServer{inner()}
	}
}

// logSettings are the variables that ask for provider or SDK logs.
var logSettings = []string{
	"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH_MASK", "TF_ACC_LOG_PATH",
	"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK",
}

// quietSDKLogsUnlessAsked switches the SDK's loggers off when no log variable is set. Left
// alone, they format a trace line for every step of every RPC, which Terraform then discards
// because it was not asked to log; on a plan of a thousand resources that is most of the
// provider's work.
func quietSDKLogsUnlessAsked() {
	for _, name := range logSettings {
		if os.Getenv(name) != "" {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		_ = os.Setenv(name, "off")
	}
}

// gcPercent is the garbage collector's target when GOGC is not set: a collection once the heap
// has grown by four times what was live after the last one, instead of once.
const gcPercent = 400

// collectGarbageLessOften raises the garbage collector's target unless GOGC sets one. Each RPC
// allocates a few hundred kilobytes that die when it returns, while what stays live is small
// (the shared listener snapshots, a few megabytes for a thousand backends); at the default the
// collector ran every few megabytes and took about a seventh of the provider's CPU in a plan
// of a thousand backends, CPU that Terraform itself needs.
func collectGarbageLessOften() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

// releasingServer hands each resource and data source RPC a context that lets go of the RPC's
// own context when the RPC returns. The framework (v1.19) keeps the cancel function of every
// RPC's context until StopProvider, which Terraform only sends on interruption; through it,
// every finished RPC's context, with its loggers and stream, stayed reachable, about 12 KB an
// RPC. With the release, what the framework keeps is a small shell.
type releasingServer struct {
	tfprotov6.ProviderServer
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return withReleasedContext(ctx, req, s.ProviderServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return withReleasedContext(ctx, req, s.ProviderServer.UpgradeResourceState)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return withReleasedContext(ctx, req, s.ProviderServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return withReleasedContext(ctx, req, s.ProviderServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return withReleasedContext(ctx, req, s.ProviderServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return withReleasedContext(ctx, req, s.ProviderServer.ImportResourceState)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return withReleasedContext(ctx, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return withReleasedContext(ctx, req, s.ProviderServer.ReadDataSource)
}

// withReleasedContext calls f with a releasable view of ctx and releases it when f returns.
func withReleasedContext[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newReleasableContext(ctx)
	defer rc.release()
	return f(rc, req)
}

// releasableContext behaves as its parent until release; afterwards it keeps only the
// parent's Done channel and deadline, answers no values, and reports Canceled once Done is
// closed.
type releasableContext struct {
	done        <-chan struct{}
	deadline    time.Time
	hasDeadline bool

	mu     sync.RWMutex
	parent context.Context
}

func newReleasableContext(parent context.Context) *releasableContext {
	deadline, ok := parent.Deadline()
	return &releasableContext{done: parent.Done(), deadline: deadline, hasDeadline: ok, parent: parent}
}

func (c *releasableContext) current() context.Context {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.parent
}

func (c *releasableContext) release() {
	c.mu.Lock()
	c.parent = nil
	c.mu.Unlock()
}

// Deadline returns the parent's deadline.
func (c *releasableContext) Deadline() (time.Time, bool) { return c.deadline, c.hasDeadline }

// Done returns the parent's Done channel.
func (c *releasableContext) Done() <-chan struct{} { return c.done }

// Err returns the parent's error, or after release Canceled once Done is closed.
func (c *releasableContext) Err() error {
	if p := c.current(); p != nil {
		return p.Err()
	}
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

// Value returns the parent's value for key, or nil after release.
func (c *releasableContext) Value(key any) any {
	if p := c.current(); p != nil {
		return p.Value(key)
	}
	return nil
}
