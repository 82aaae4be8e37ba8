package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/state/localstate"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)} }

func directories(t *testing.T, c *clock) map[string]*Directory {
	st, err := localstate.Open(filepath.Join(t.TempDir(), "s.db"), localstate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return map[string]*Directory{"files": OpenDir(filepath.Join(t.TempDir(), "auth"), c.Now).WithCost(4), "state": StateDir(st, c.Now).WithCost(4)}
}

func TestDirectory(t *testing.T) {
	ctx := context.Background()
	for name, d := range directories(t, newClock()) {
		t.Run(name, func(t *testing.T) {
			if err := d.AddUser(ctx, "alice", RoleAnalyst, "correct horse", true); err != nil {
				t.Fatal(err)
			}
			if err := d.AddUser(ctx, "alice", RoleViewer, "whatever12", false); !errors.Is(err, ErrExists) {
				t.Fatalf("duplicate user: %v", err)
			}
			for _, bad := range [][2]string{{"bob", "boss"}, {"b b", RoleViewer}} {
				if err := d.AddUser(ctx, bad[0], bad[1], "password1", false); !errors.Is(err, ErrInvalid) {
					t.Errorf("AddUser(%q, %q) = %v, want ErrInvalid", bad[0], bad[1], err)
				}
			}
			id, err := d.CheckPassword(ctx, "alice", "correct horse")
			if err != nil || id.Role != RoleAnalyst || !id.RevealPII || !id.Can(PermRulesDraft) || id.Can(PermRulesWrite) {
				t.Fatalf("CheckPassword = %+v, %v", id, err)
			}
			for _, pw := range [][2]string{{"alice", "wrong"}, {"nobody", "correct horse"}} {
				if _, err := d.CheckPassword(ctx, pw[0], pw[1]); !errors.Is(err, ErrBadCredentials) {
					t.Errorf("CheckPassword(%q, %q) = %v", pw[0], pw[1], err)
				}
			}
			plain, tok, err := d.CreateToken(ctx, "alice", "ci", time.Hour)
			if err != nil || !strings.HasPrefix(plain, TokenPrefix) || tok.Hash == "" {
				t.Fatalf("CreateToken = %q %+v %v", plain, tok, err)
			}
			if id, err := d.CheckToken(ctx, plain); err != nil || id.Name != "alice" || id.Via != ViaToken {
				t.Fatalf("CheckToken = %+v, %v", id, err)
			}
			if _, err := d.CheckToken(ctx, plain+"x"); !errors.Is(err, ErrBadCredentials) {
				t.Errorf("bad token: %v", err)
			}
			if _, err := d.RevokeToken(ctx, tok.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := d.CheckToken(ctx, plain); !errors.Is(err, ErrBadCredentials) {
				t.Errorf("revoked token: %v", err)
			}
			plain2, _, _ := d.CreateToken(ctx, "alice", "", time.Hour)
			if err := d.DisableUser(ctx, "alice"); err != nil {
				t.Fatal(err)
			}
			if _, err := d.CheckToken(ctx, plain2); !errors.Is(err, ErrBadCredentials) {
				t.Errorf("token of a disabled user: %v", err)
			}
			if _, err := d.CheckPassword(ctx, "alice", "correct horse"); !errors.Is(err, ErrBadCredentials) {
				t.Errorf("login of a disabled user: %v", err)
			}
		})
	}
}

func TestTokenExpiry(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	for name, d := range directories(t, c) {
		t.Run(name, func(t *testing.T) {
			d.AddUser(ctx, "ing", RoleIngest, "", false)
			plain, _, err := d.CreateToken(ctx, "ing", "", 90*24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			c.Add(89 * 24 * time.Hour)
			if id, err := d.CheckToken(ctx, plain); err != nil || !id.Can(PermIngest) || id.Can(PermSearch) {
				t.Fatalf("before expiry: %+v %v", id, err)
			}
			c.Add(24 * time.Hour)
			if _, err := d.CheckToken(ctx, plain); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("after expiry: %v", err)
			}
			c.Add(-90 * 24 * time.Hour)
		})
	}
}

// TestFilesSeenByAnotherProcess: a second Directory on the same files
// (the CLI while the server runs) sees changes within a second, and the
// files hold no token.
func TestFilesSeenByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	server, cli := OpenDir(dir, nil), OpenDir(dir, nil).WithCost(4)
	if err := cli.AddUser(ctx, "bob", RoleDuty, "password1", false); err != nil {
		t.Fatal(err)
	}
	plain, tok, err := cli.CreateToken(ctx, "bob", "", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.CheckToken(ctx, plain); err != nil {
		t.Fatal(err)
	}
	cli.RevokeToken(ctx, tok.ID)
	deadline := time.Now().Add(3 * time.Second)
	for {
		if _, err := server.CheckToken(ctx, plain); errors.Is(err, ErrBadCredentials) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("revocation not seen by the other reader")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, f := range []string{"users.json", "tokens.json"} {
		data, _ := os.ReadFile(filepath.Join(dir, f))
		if strings.Contains(string(data), plain) || strings.Contains(string(data), "password1") {
			t.Errorf("%s holds a secret in clear", f)
		}
	}
}

func TestSessions(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := localstate.Open(filepath.Join(t.TempDir(), "s.db"), localstate.Options{Now: c.Now})
	defer st.Close()
	d := OpenDir(t.TempDir(), c.Now).WithCost(4)
	d.AddUser(ctx, "carol", RoleAdmin, "password1", false)
	s := NewService(d, st, Options{Required: true, SessionTTL: time.Hour, Now: c.Now})
	id, sess, err := s.Login(ctx, "carol", "password1", "10.0.0.1")
	if err != nil || id.Name != "carol" || sess.CSRF == "" {
		t.Fatal(id, err)
	}
	if got, csrf, err := s.Session(ctx, sess.Token); err != nil || got.Name != "carol" || csrf != sess.CSRF {
		t.Fatal(got, csrf, err)
	}
	c.Add(time.Hour)
	if _, _, err := s.Session(ctx, sess.Token); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("expired session: %v", err)
	}
	_, sess, _ = s.Login(ctx, "carol", "password1", "10.0.0.1")
	s.Logout(ctx, sess.Token)
	if _, _, err := s.Session(ctx, sess.Token); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("after logout: %v", err)
	}
	for range 5 {
		if _, _, err := s.Login(ctx, "carol", "nope", "10.0.0.9"); !errors.Is(err, ErrBadCredentials) {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Login(ctx, "carol", "password1", "10.0.0.9"); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("6th attempt: %v", err)
	}
	if _, _, err := s.Login(ctx, "carol", "password1", "10.0.0.8"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	c.Add(time.Minute)
	if _, _, err := s.Login(ctx, "carol", "password1", "10.0.0.9"); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}

func TestRoles(t *testing.T) {
	want := map[string][]string{
		RoleViewer:  {PermDashboard, PermReportsRead, PermAlertsRead, PermSourcesRead},
		RoleAnalyst: {PermSearch, PermSavedSearches, PermRulesRead, PermRulesDraft, PermReportsWrite},
		RoleDuty:    {PermSearch, PermAlertsAct, PermRulesRead},
		RoleAdmin:   {PermAdmin, PermRulesWrite, PermIngest, PermAlertsAct},
		RoleIngest:  {PermIngest},
	}
	for role, perms := range want {
		id := NewIdentity("x", role, false, ViaToken)
		for _, p := range perms {
			if !id.Can(p) {
				t.Errorf("%s lacks %s", role, p)
			}
		}
		if id.Can(PermRevealPII) {
			t.Errorf("%s reveals without the grant", role)
		}
	}
	if NewIdentity("x", RoleIngest, false, ViaToken).Can(PermDashboard) {
		t.Error("ingest can read dashboards")
	}
	if NewIdentity("x", RoleDuty, false, ViaToken).Can(PermRulesDraft) {
		t.Error("duty can draft rules")
	}
}
