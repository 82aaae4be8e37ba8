package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/audit"
	"github.com/yuqing-dev/yuqing/auth"
	"github.com/yuqing-dev/yuqing/configs"
)

// cliIn runs the command line with stdin.
func cliIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := runWith(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// startAuthServer runs an embedded server with auth on over data.
func startAuthServer(t *testing.T, data string) string {
	t.Helper()
	return startInProcess(t, func(c *configs.Config) { c.DataDir, c.Auth.Enabled = data, true })
}

func meStatus(t *testing.T, base, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitStatus polls /api/v1/me until it answers want (the server re-reads
// the token file at most once a second).
func waitStatus(t *testing.T, base, token string, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for meStatus(t, base, token) != want {
		if time.Now().After(deadline) {
			t.Fatalf("/api/v1/me never answered %d", want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestUsersAndTokensCLI(t *testing.T) {
	data := t.TempDir()
	const pw = "correct horse battery"
	if code, out, errOut := cliIn(t, pw+"\n", "users", "add", "--data", data, "--name", "alice", "--role", "analyst", "--password-stdin"); code != 0 {
		t.Fatalf("users add: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := cliIn(t, "", "users", "add", "--data", data, "--name", "alice", "--role", "viewer"); code == 0 || !strings.Contains(errOut, "exists") {
		t.Fatalf("duplicate user: %d %s", code, errOut)
	}
	if code, _, errOut := cliIn(t, "", "users", "add", "--data", data, "--name", "x", "--role", "boss"); code == 0 || !strings.Contains(errOut, "role") {
		t.Fatalf("bad role: %d %s", code, errOut)
	}
	code, out, _ := cliIn(t, "", "users", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "alice") || !strings.Contains(out, "analyst") {
		t.Fatalf("users list: %s", out)
	}
	base := startAuthServer(t, data) // the CLI works while the server runs
	code, out, errOut := cliIn(t, "", "tokens", "create", "--data", data, "--user", "alice", "--name", "laptop")
	token := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(token, auth.TokenPrefix) || strings.Count(out, "\n") != 1 {
		t.Fatalf("tokens create: %d %q %s", code, out, errOut)
	}
	for _, f := range []string{"users.json", "tokens.json"} {
		b, err := os.ReadFile(filepath.Join(data, "auth", f))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), token) || strings.Contains(string(b), strings.TrimPrefix(token, auth.TokenPrefix)) || strings.Contains(string(b), pw) {
			t.Fatalf("%s holds a secret in clear:\n%s", f, b)
		}
	}
	waitStatus(t, base, token, http.StatusOK)
	// The client commands authenticate with --token or $YUQING_TOKEN.
	if code, _, errOut := cliIn(t, "", "search", "--server", base, "火灾"); code == 0 || !strings.Contains(errOut, "401") {
		t.Fatalf("search without a token: %d %s", code, errOut)
	}
	if code, out, errOut := cliIn(t, "", "search", "--server", base, "--token", token, "火灾"); code != 0 {
		t.Fatalf("search --token: %d %s %s", code, out, errOut)
	}
	t.Setenv("YUQING_TOKEN", token)
	if code, out, errOut := cliIn(t, "", "search", "--server", base, "火灾"); code != 0 {
		t.Fatalf("search with $YUQING_TOKEN: %d %s %s", code, out, errOut)
	}
	t.Setenv("YUQING_TOKEN", "")
	if s := meStatus(t, base, token+"x"); s != http.StatusUnauthorized {
		t.Fatalf("bad token: %d", s)
	}
	_, out, _ = cliIn(t, "", "tokens", "list", "--data", data)
	if !strings.Contains(out, "laptop") || !strings.Contains(out, "active") || strings.Contains(out, token) {
		t.Fatalf("tokens list: %s", out)
	}
	var id string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "laptop") {
			id = strings.Fields(l)[0]
		}
	}
	if code, out, errOut := cliIn(t, "", "tokens", "revoke", "--data", data, "--id", id); code != 0 {
		t.Fatalf("revoke: %s %s", out, errOut)
	}
	waitStatus(t, base, token, http.StatusUnauthorized)

	// Disabling a user stops its other tokens.
	_, out, _ = cliIn(t, "", "tokens", "create", "--data", data, "--user", "alice")
	token2 := strings.TrimSpace(out)
	waitStatus(t, base, token2, http.StatusOK)
	if code, out, errOut := cliIn(t, "", "users", "disable", "--data", data, "--name", "alice"); code != 0 {
		t.Fatalf("disable: %s %s", out, errOut)
	}
	waitStatus(t, base, token2, http.StatusUnauthorized)

	// The CLI's actions are in the audit log.
	es, err := audit.Entries(filepath.Join(data, "audit"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range es {
		seen[e.Action] = true
		if e.Action != audit.ActionSearch && !strings.HasPrefix(e.Actor, "cli") {
			t.Errorf("actor %q of %s", e.Actor, e.Action)
		}
	}
	for _, a := range []string{audit.ActionUserAdd, audit.ActionTokenCreate, audit.ActionTokenRevoke, audit.ActionUserDisable} {
		if !seen[a] {
			t.Errorf("no %s in the audit log", a)
		}
	}
}

// TestTokenExpiryCLI: --expires is honoured, seen through a clock
// injected into the server side's directory.
func TestTokenExpiryCLI(t *testing.T) {
	data := t.TempDir()
	cliIn(t, "", "users", "add", "--data", data, "--name", "gw", "--role", "ingest")
	code, out, errOut := cliIn(t, "", "tokens", "create", "--data", data, "--user", "gw", "--expires", "2d")
	if code != 0 {
		t.Fatal(errOut)
	}
	token := strings.TrimSpace(out)
	now := time.Now()
	dir := auth.OpenDir(filepath.Join(data, "auth"), func() time.Time { return now })
	ctx := context.Background()
	if id, err := dir.CheckToken(ctx, token); err != nil || id.Role != auth.RoleIngest {
		t.Fatalf("fresh token: %+v %v", id, err)
	}
	now = now.Add(47 * time.Hour)
	if _, err := dir.CheckToken(ctx, token); err != nil {
		t.Fatalf("after 47h: %v", err)
	}
	now = now.Add(2 * time.Hour)
	if _, err := dir.CheckToken(ctx, token); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("after 49h: %v", err)
	}
	if code, _, errOut := cliIn(t, "", "tokens", "create", "--data", data, "--user", "gw", "--expires", "0"); code == 0 {
		t.Fatalf("--expires 0 accepted: %s", errOut)
	}
	if code, _, _ := cliIn(t, "", "tokens", "create", "--data", data, "--user", "nobody"); code == 0 {
		t.Fatal("token for an unknown user")
	}
}

func TestUsersTokensHelp(t *testing.T) {
	for _, args := range [][]string{{"users", "add", "--help"}, {"users", "list", "--help"}, {"users", "disable", "--help"},
		{"tokens", "create", "--help"}, {"tokens", "list", "--help"}, {"tokens", "revoke", "--help"}} {
		code, out, _ := cliIn(t, "", args...)
		if code != 0 || !strings.Contains(out, "Examples:") {
			t.Errorf("%v: %d\n%s", args, code, out)
		}
	}
}
