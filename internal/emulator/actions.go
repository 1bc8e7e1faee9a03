package emulator

import (
	"slices"
	"time"
)

// call is one authenticated API call being handled.
type call struct {
	action  string
	version string
	keyID   string
	params  *params
	now     time.Time
	knobs   knobValues
}

// handlerFunc handles a call with the emulator's mutex held. It returns the
// fields of the response and whether the state changed.
type handlerFunc func(s *store, c *call) (map[string]any, bool, *apiError)

type actionSpec struct {
	// write marks actions that change state.
	write bool
	// legacyOnly marks actions that exist only in LegacyVersion.
	legacyOnly bool
	// listenerOf, for writes on one listener, names that listener, so that
	// overlapping writes can be refused. It returns "" when unknown.
	listenerOf func(s *store, p *params) string
	handle     handlerFunc
}

// actionTable lists every action the emulator serves.
var actionTable = map[string]actionSpec{
	"RegisterBackend":     {write: true, listenerOf: listenerOfParam, handle: registerBackend},
	"DeregisterBackend":   {write: true, listenerOf: listenerOfBackend, handle: deregisterBackend},
	"DescribeBackends":    {handle: describeBackends},
	"ModifyBackendWeight": {write: true, legacyOnly: true, listenerOf: listenerOfBackend, handle: modifyBackendWeight},

	"CreateListener":          {write: true, handle: createListener},
	"ModifyListenerAttribute": {write: true, listenerOf: listenerOfParam, handle: modifyListenerAttribute},
	"DeleteListener":          {write: true, listenerOf: listenerOfParam, handle: deleteListener},
	"DescribeListeners":       {handle: describeListeners},

	"CreateLoadBalancer":        {write: true, handle: createLoadBalancer},
	"DescribeLoadBalancers":     {handle: describeLoadBalancers},
	"ModifyLoadBalancersName":   {write: true, handle: modifyLoadBalancersName},
	"TerminateLoadBalancer":     {write: true, handle: terminateLoadBalancer},
	"ReleaseLoadBalancer":       {write: true, handle: releaseLoadBalancer},
	"RestoreLoadBalancer":       {write: true, handle: restoreLoadBalancer},
	"DescribeLoadBalancerZones": {handle: describeLoadBalancerZones},
	"DescribeLoadBalancerSpecs": {handle: describeLoadBalancerSpecs},
}

// Actions returns the names of every action the emulator serves, sorted.
func Actions() []string {
	out := make([]string, 0, len(actionTable))
	for name := range actionTable {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// IsWriteAction reports whether action changes state.
func IsWriteAction(action string) bool {
	return actionTable[action].write
}
