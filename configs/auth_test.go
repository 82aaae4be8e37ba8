package configs

import (
	"strings"
	"testing"
)

func TestAuthRequired(t *testing.T) {
	for _, tc := range []struct {
		listen  string
		enabled bool
		want    bool
	}{
		{"127.0.0.1:8080", false, false},
		{"127.3.4.5:8080", false, false},
		{"[::1]:8080", false, false},
		{"localhost:8080", false, false},
		{"127.0.0.1:8080", true, true},
		{"0.0.0.0:8080", false, true},
		{":8080", false, true},
		{"[::]:8080", false, true},
		{"10.1.2.3:8080", false, true},
		{"yuqing.example.org:8080", false, true},
	} {
		c := Default()
		c.HTTP.Listen, c.Auth.Enabled = tc.listen, tc.enabled
		if got := c.AuthRequired(); got != tc.want {
			t.Errorf("listen %s enabled %v: AuthRequired() = %v, want %v", tc.listen, tc.enabled, got, tc.want)
		}
	}
}

func TestAuthValidate(t *testing.T) {
	_, err := Parse([]byte("auth: {session_ttl: 0s, audit_retention: forever}"))
	if err == nil || !strings.Contains(err.Error(), "auth.session_ttl") || !strings.Contains(err.Error(), "auth.audit_retention") {
		t.Fatalf("err = %v", err)
	}
	c, err := Parse([]byte("auth: {enabled: true}"))
	if err != nil || !c.AuthRequired() {
		t.Fatalf("auth: {enabled: true}: %v %v", c.AuthRequired(), err)
	}
}
