package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Errors of the Directory and the Service.
var (
	ErrBadCredentials = errors.New("auth: unknown user, wrong password, or a bad, expired or revoked token")
	ErrExists         = errors.New("auth: already exists")
	ErrNotFound       = errors.New("auth: not found")
	ErrInvalid        = errors.New("auth: invalid")
	ErrRateLimited    = errors.New("auth: too many failed logins")
)

// TokenPrefix starts every API token.
const TokenPrefix = "yq_"

// User is a local account. Users are never deleted, only disabled, so
// that the audit log's names keep meaning one person.
type User struct {
	Name string `json:"name"`
	Role string `json:"role"`
	// PasswordHash is bcrypt; empty for accounts that only use tokens
	// (ingest clients).
	PasswordHash string    `json:"password_hash,omitempty"`
	RevealPII    bool      `json:"reveal_pii"`
	Disabled     bool      `json:"disabled"`
	Created      time.Time `json:"created"`
}

// Token is an API token as stored: its SHA-256, never the token itself.
type Token struct {
	// ID names the token in lists and revocations (the first 12 hex digits
	// of its hash).
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	User    string    `json:"user"`
	Hash    string    `json:"hash"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	Revoked bool      `json:"revoked"`
}

// snapshot is everything a backend stores.
type snapshot struct {
	Users  []User
	Tokens []Token
}

// backend stores snapshots. update runs f on the latest snapshot under a
// lock that other processes respect, and stores the result atomically.
type backend interface {
	read(ctx context.Context) (snapshot, error)
	update(ctx context.Context, f func(*snapshot) error) error
}

// Directory holds the users and tokens.
type Directory struct {
	b    backend
	now  func() time.Time
	cost int

	dummyOnce sync.Once
	dummy     []byte
}

// WithCost sets the bcrypt cost of new passwords (default
// bcrypt.DefaultCost; tests lower it) and returns d.
func (d *Directory) WithCost(cost int) *Directory {
	d.cost = cost
	return d
}

func (d *Directory) bcryptCost() int {
	if d.cost == 0 {
		return bcrypt.DefaultCost
	}
	return d.cost
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// dummyHash makes a login for an unknown user cost a bcrypt comparison
// too, so that timing does not tell which users exist.
// It is made on first use, at the directory's cost.
func (d *Directory) dummyHash() []byte {
	d.dummyOnce.Do(func() {
		d.dummy, _ = bcrypt.GenerateFromPassword([]byte("yuqing-dummy-password"), d.bcryptCost())
	})
	return d.dummy
}

// AddUser adds a user. password may be empty for a token-only account.
func (d *Directory) AddUser(ctx context.Context, name, role, password string, revealPII bool) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("%w: name %q: use 1-64 letters, digits, . _ @ -", ErrInvalid, name)
	}
	if !ValidRole(role) {
		return fmt.Errorf("%w: role %q is not one of %s", ErrInvalid, role, strings.Join(Roles, ", "))
	}
	if role == RoleIngest && revealPII {
		return fmt.Errorf("%w: an ingest account cannot reveal personal data", ErrInvalid)
	}
	var hash string
	if password != "" {
		if len(password) < 8 || len(password) > 72 {
			return fmt.Errorf("%w: password must be 8 to 72 bytes", ErrInvalid)
		}
		h, err := bcrypt.GenerateFromPassword([]byte(password), d.bcryptCost())
		if err != nil {
			return fmt.Errorf("hashing password: %w", err)
		}
		hash = string(h)
	}
	return d.b.update(ctx, func(s *snapshot) error {
		if slices.ContainsFunc(s.Users, func(u User) bool { return u.Name == name }) {
			return fmt.Errorf("user %q: %w", name, ErrExists)
		}
		s.Users = append(s.Users, User{Name: name, Role: role, PasswordHash: hash, RevealPII: revealPII, Created: d.now().UTC()})
		return nil
	})
}

// Users lists the users (with their password hashes).
func (d *Directory) Users(ctx context.Context) ([]User, error) {
	s, err := d.b.read(ctx)
	return s.Users, err
}

// User returns one user.
func (d *Directory) User(ctx context.Context, name string) (User, error) {
	s, err := d.b.read(ctx)
	if err != nil {
		return User{}, err
	}
	for _, u := range s.Users {
		if u.Name == name {
			return u, nil
		}
	}
	return User{}, fmt.Errorf("user %q: %w", name, ErrNotFound)
}

// DisableUser disables a user: no login, its tokens and sessions stop
// working.
func (d *Directory) DisableUser(ctx context.Context, name string) error {
	return d.b.update(ctx, func(s *snapshot) error {
		for i := range s.Users {
			if s.Users[i].Name == name {
				s.Users[i].Disabled = true
				return nil
			}
		}
		return fmt.Errorf("user %q: %w", name, ErrNotFound)
	})
}

// CreateToken makes a token for user, valid for ttl (> 0), and returns
// it: the only time it is seen.
func (d *Directory) CreateToken(ctx context.Context, user, name string, ttl time.Duration) (string, Token, error) {
	if ttl <= 0 {
		return "", Token{}, fmt.Errorf("%w: expiry must be positive", ErrInvalid)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", Token{}, err
	}
	plain := TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	h := hashToken(plain)
	now := d.now().UTC()
	t := Token{ID: h[:12], Name: name, User: user, Hash: h, Created: now, Expires: now.Add(ttl)}
	if t.Name == "" {
		t.Name = user + "-" + now.Format("20060102")
	}
	err := d.b.update(ctx, func(s *snapshot) error {
		i := slices.IndexFunc(s.Users, func(u User) bool { return u.Name == user })
		if i < 0 {
			return fmt.Errorf("user %q: %w", user, ErrNotFound)
		}
		if s.Users[i].Disabled {
			return fmt.Errorf("%w: user %q is disabled", ErrInvalid, user)
		}
		s.Tokens = append(s.Tokens, t)
		return nil
	})
	if err != nil {
		return "", Token{}, err
	}
	return plain, t, nil
}

// Tokens lists the tokens (hashes only).
func (d *Directory) Tokens(ctx context.Context) ([]Token, error) {
	s, err := d.b.read(ctx)
	return s.Tokens, err
}

// RevokeToken revokes the token with id (or, when no id matches, every
// token named so).
func (d *Directory) RevokeToken(ctx context.Context, idOrName string) (n int, err error) {
	err = d.b.update(ctx, func(s *snapshot) error {
		for pass := 0; pass < 2 && n == 0; pass++ {
			for i := range s.Tokens {
				t := &s.Tokens[i]
				if (pass == 0 && t.ID == idOrName) || (pass == 1 && t.Name == idOrName) {
					t.Revoked = true
					n++
				}
			}
		}
		if n == 0 {
			return fmt.Errorf("token %q: %w", idOrName, ErrNotFound)
		}
		return nil
	})
	return n, err
}

// CheckPassword returns the identity of name when password is its
// password and the user is enabled; ErrBadCredentials otherwise.
func (d *Directory) CheckPassword(ctx context.Context, name, password string) (Identity, error) {
	u, err := d.User(ctx, name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Identity{}, err
	}
	hash := d.dummyHash()
	if err == nil && u.PasswordHash != "" {
		hash = []byte(u.PasswordHash)
	}
	match := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	if err != nil || u.PasswordHash == "" || !match || u.Disabled {
		return Identity{}, ErrBadCredentials
	}
	return NewIdentity(u.Name, u.Role, u.RevealPII, ViaSession), nil
}

// CheckToken returns the identity a token stands for, or
// ErrBadCredentials when it is unknown, revoked, expired or its user is
// disabled.
func (d *Directory) CheckToken(ctx context.Context, plain string) (Identity, error) {
	if !strings.HasPrefix(plain, TokenPrefix) {
		return Identity{}, ErrBadCredentials
	}
	s, err := d.b.read(ctx)
	if err != nil {
		return Identity{}, err
	}
	h := hashToken(plain)
	now := d.now()
	for _, t := range s.Tokens {
		if t.Hash != h {
			continue
		}
		if t.Revoked || !now.Before(t.Expires) {
			return Identity{}, ErrBadCredentials
		}
		for _, u := range s.Users {
			if u.Name == t.User && !u.Disabled {
				return NewIdentity(u.Name, u.Role, u.RevealPII, ViaToken), nil
			}
		}
	}
	return Identity{}, ErrBadCredentials
}

func hashToken(plain string) string {
	h := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(h[:])
}
