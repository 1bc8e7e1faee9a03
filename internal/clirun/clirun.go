// Package clirun drives the Terraform CLI against a provider binary built from this
// repository, the way a user runs it: real processes, a CLI configuration with a development
// override, and a working directory of HCL. Suites that need more than the acceptance test
// framework offers (signals, timing, process memory) use it.
package clirun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ProviderSource is the provider address the development override replaces.
const ProviderSource = "registry.terraform.io/zenlayer/zenlayer"

// ModuleRoot returns the directory of the repository's go.mod, found from the working
// directory upwards.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module github.com/zenlayer/terraform-provider-zenlayer\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("the provider's go.mod was not found above the working directory")
		}
		dir = parent
	}
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// BuildProvider builds the provider binary once per process into a temporary directory and
// returns that directory. The directory lives until the process ends.
func BuildProvider() (string, error) {
	buildOnce.Do(func() {
		root, err := ModuleRoot()
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "zenlayer-provider-bin-")
		if err != nil {
			buildErr = err
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-zenlayer"), ".")
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("building the provider: %w\n%s", err, out)
			return
		}
		buildDir = dir
	})
	return buildDir, buildErr
}

// Terraform returns the terraform binary to use: TF_ACC_TERRAFORM_PATH, else terraform on PATH.
func Terraform() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	return exec.LookPath("terraform")
}

// Workspace is a Terraform working directory wired to a built provider.
type Workspace struct {
	Dir       string
	Terraform string
	env       []string
}

// NewWorkspace prepares dir (created if needed) with a CLI configuration that points the
// provider at providerDir, and an environment of the current process plus env (which wins).
func NewWorkspace(dir, providerDir string, env map[string]string) (*Workspace, error) {
	tf, err := Terraform()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	rc := filepath.Join(dir, ".terraformrc")
	conf := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", ProviderSource, providerDir)
	if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
		return nil, err
	}
	merged := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			merged[k] = v
		}
	}
	delete(merged, "TF_ACC_TERRAFORM_VERSION")
	merged["TF_CLI_CONFIG_FILE"] = rc
	merged["TF_IN_AUTOMATION"] = "1"
	merged["CHECKPOINT_DISABLE"] = "1"
	for k, v := range env {
		merged[k] = v
	}
	var list []string
	for k, v := range merged {
		list = append(list, k+"="+v)
	}
	return &Workspace{Dir: dir, Terraform: tf, env: list}, nil
}

// WriteConfig writes main.tf in the workspace, replacing what was there.
func (w *Workspace) WriteConfig(hcl string) error {
	return os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(hcl), 0o644)
}

// Result is what one terraform command did.
type Result struct {
	Args     []string
	Stdout   string
	Stderr   string
	ExitCode int
	Duration time.Duration
}

// Output returns stdout and stderr together.
func (r Result) Output() string {
	return r.Stdout + r.Stderr
}

// Command returns a terraform command in the workspace, not yet started.
func (w *Workspace) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, w.Terraform, args...)
	cmd.Dir = w.Dir
	cmd.Env = w.env
	return cmd
}

// Run runs one terraform command to its end. A non-zero exit is reported in the result and
// as an error that carries the output.
func (w *Workspace) Run(ctx context.Context, args ...string) (Result, error) {
	cmd := w.Command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := Result{Args: args, Stdout: stdout.String(), Stderr: stderr.String(), Duration: time.Since(start)}
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			res.ExitCode = exit.ExitCode()
		} else {
			res.ExitCode = -1
		}
		return res, fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, res.Output())
	}
	return res, nil
}
