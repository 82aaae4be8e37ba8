package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

// Options configure a Service.
type Options struct {
	// Required turns authentication on; off, every request is Local().
	Required bool
	// SessionTTL is how long a console session lasts (default 12h).
	SessionTTL time.Duration
	// LoginFailures is how many failed logins a name may have from one
	// address per minute before it is refused without checking
	// (default 5).
	LoginFailures int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Service authenticates requests: passwords into sessions, session
// cookies and bearer tokens into identities.
type Service struct {
	dir      *Directory
	sessions state.Store
	o        Options

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewService builds a Service over the users in dir, keeping sessions in
// sessions (the shared state, so every API process knows them).
func NewService(dir *Directory, sessions state.Store, o Options) *Service {
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.LoginFailures <= 0 {
		o.LoginFailures = 5
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{dir: dir, sessions: sessions, o: o, failures: map[string][]time.Time{}}
}

// Required reports whether requests must authenticate.
func (s *Service) Required() bool { return s != nil && s.o.Required }

// Directory returns the users and tokens.
func (s *Service) Directory() *Directory { return s.dir }

// Session is a console login.
type Session struct {
	// Token goes in the session cookie; CSRF in the CSRF cookie, and back
	// in the X-CSRF-Token header of state-changing requests.
	Token, CSRF string
	Expires     time.Time
}

type storedSession struct {
	User    string    `json:"user"`
	CSRF    string    `json:"csrf"`
	Expires time.Time `json:"expires"`
}

// Login checks a password and opens a session. remote is the client's
// address (without port) for the failure limit; it returns
// ErrRateLimited or ErrBadCredentials.
func (s *Service) Login(ctx context.Context, name, password, remote string) (Identity, Session, error) {
	key := name + "|" + remote
	if s.limited(key) {
		return Identity{}, Session{}, ErrRateLimited
	}
	id, err := s.dir.CheckPassword(ctx, name, password)
	if errors.Is(err, ErrBadCredentials) {
		s.fail(key)
	}
	if err != nil {
		return Identity{}, Session{}, err
	}
	sess := Session{Token: randomString(), CSRF: randomString(), Expires: s.o.Now().Add(s.o.SessionTTL)}
	v, _ := json.Marshal(storedSession{User: id.Name, CSRF: sess.CSRF, Expires: sess.Expires})
	if err := s.sessions.Set(ctx, sessionKey(sess.Token), v, s.o.SessionTTL); err != nil {
		return Identity{}, Session{}, fmt.Errorf("storing session: %w", err)
	}
	return id, sess, nil
}

// Logout ends a session; an unknown session is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.sessions.Delete(ctx, sessionKey(token))
}

// Session returns who holds the session token and its CSRF token;
// ErrBadCredentials when it is unknown or expired, or its user disabled.
func (s *Service) Session(ctx context.Context, token string) (Identity, string, error) {
	if token == "" {
		return Identity{}, "", ErrBadCredentials
	}
	v, err := s.sessions.Get(ctx, sessionKey(token))
	if errors.Is(err, state.ErrNotFound) {
		return Identity{}, "", ErrBadCredentials
	}
	if err != nil {
		return Identity{}, "", fmt.Errorf("reading session: %w", err)
	}
	var ss storedSession
	if err := json.Unmarshal(v, &ss); err != nil || !s.o.Now().Before(ss.Expires) {
		return Identity{}, "", ErrBadCredentials
	}
	u, err := s.dir.User(ctx, ss.User)
	if errors.Is(err, ErrNotFound) || err == nil && u.Disabled {
		return Identity{}, "", ErrBadCredentials
	}
	if err != nil {
		return Identity{}, "", err
	}
	return NewIdentity(u.Name, u.Role, u.RevealPII, ViaSession), ss.CSRF, nil
}

// Token returns who a bearer token stands for.
func (s *Service) Token(ctx context.Context, token string) (Identity, error) {
	return s.dir.CheckToken(ctx, token)
}

func (s *Service) limited(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cut := s.o.Now().Add(-time.Minute)
	recent := s.failures[key][:0]
	for _, t := range s.failures[key] {
		if t.After(cut) {
			recent = append(recent, t)
		}
	}
	if len(recent) == 0 {
		delete(s.failures, key)
		return false
	}
	s.failures[key] = recent
	return len(recent) >= s.o.LoginFailures
}

func (s *Service) fail(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) > 100000 { // bound memory under a spray of names
		clear(s.failures)
	}
	s.failures[key] = append(s.failures[key], s.o.Now())
}

func sessionKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return "session:" + hex.EncodeToString(h[:])
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
