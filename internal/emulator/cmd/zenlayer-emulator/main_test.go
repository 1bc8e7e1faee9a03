package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/emulator"
)

func TestParseFlagsRefusesBadSettings(t *testing.T) {
	for name, args := range map[string][]string{
		"public address":   {"-listen", "0.0.0.0:8080"},
		"host name":        {"-listen", "example.com:80"},
		"no port":          {"-listen", "127.0.0.1"},
		"tls without file": {"-tls"},
		"rate":             {"-throttle-rate", "1.5"},
		"rates sum":        {"-throttle-rate", "0.6", "-reset-rate", "0.6"},
		"fault action":     {"-fault-actions", "RegisterBackend,Nope"},
		"empty key":        {"-access-key-id", ""},
		"extra argument":   {"serve"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%s: %v accepted", name, args)
		}
	}
	c, err := parseFlags([]string{"-listen", "[::1]:0", "-fault-actions", "RegisterBackend, DeregisterBackend", "-seed", "9"}, io.Discard)
	if err != nil || len(c.faults.Actions) != 2 || c.seed != 9 {
		t.Errorf("parseFlags: %+v, %v", c, err)
	}
}

// readState waits for the state file and returns its variables.
func readState(t *testing.T, path string) map[string]string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f, err := os.Open(path)
		if err == nil {
			defer f.Close()
			vars := map[string]string{}
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				k, v, _ := strings.Cut(sc.Text(), "=")
				vars[k] = v
			}
			return vars
		}
		if time.Now().After(deadline) {
			t.Fatalf("state file %s did not appear", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRunWritesStateAndStops(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "emulator.env")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-state-file", state, "-instances", "5", "-access-key-id", "K", "-access-key-password", "p w"}, io.Discard)
	}()
	vars := readState(t, state)
	if !strings.HasPrefix(vars["ZENLAYERCLOUD_DOMAIN"], "127.0.0.1:") || vars["ZENLAYERCLOUD_SCHEME"] != "HTTP" ||
		vars["ZENLAYERCLOUD_ACCESS_KEY_ID"] != "K" || vars["ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"] != "'p w'" {
		t.Errorf("state %v", vars)
	}
	resp, err := http.Get("http://" + vars["ZENLAYERCLOUD_DOMAIN"] + "/_emulator/stats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("stats: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop")
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("state file left behind: %v", err)
	}
}

func TestRunTLS(t *testing.T) {
	dir := t.TempDir()
	state, ca := filepath.Join(dir, "emulator.env"), filepath.Join(dir, "ca.pem")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-tls", "-ca-out", ca, "-state-file", state}, io.Discard) }()
	vars := readState(t, state)
	if vars["ZENLAYERCLOUD_SCHEME"] != "HTTPS" || vars["SSL_CERT_FILE"] != ca {
		t.Errorf("state %v", vars)
	}
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + vars["ZENLAYERCLOUD_DOMAIN"] + "/_emulator/stats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestBannerNamesFixtures(t *testing.T) {
	e := emulator.New(emulator.Options{})
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var sb strings.Builder
	printBanner(&sb, e, []string{"ZENLAYERCLOUD_DOMAIN=" + e.Domain()})
	out := sb.String()
	for _, want := range []string{"export ZENLAYERCLOUD_DOMAIN=", "lb-demo", "lsn-web", "lsn-api", "lsn-dr", "bm-0001", "vm-0001", "bm-fail-01"} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"abc":          "abc",
		"127.0.0.1:80": "127.0.0.1:80",
		"a b":          "'a b'",
		"it's":         `'it'\''s'`,
		"":             "",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
