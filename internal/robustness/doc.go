// Package robustness holds end-to-end suites that drive the provider through the Terraform
// CLI against the local emulator under adverse conditions: injected API faults, interrupted
// applies, changes made outside Terraform, invalid input, refused credentials, TLS trust and
// concurrent writes. The package has no API of its own; its tests run with go test.
package robustness
