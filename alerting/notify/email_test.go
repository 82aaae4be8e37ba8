package notify

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// smtpSink is a real SMTP server on a loopback port that keeps what it
// receives; rejectRcpt makes it refuse recipients with 550.
type smtpSink struct {
	mu         sync.Mutex
	msgs       []sinkMsg
	rejectRcpt bool
}

type sinkMsg struct {
	from string
	to   []string
	data string
}

func (s *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }

type sinkSession struct {
	sink *smtpSink
	msg  sinkMsg
}

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error { s.msg.from = from; return nil }
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.sink.rejectRcpt {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.msg.to = append(s.msg.to, to)
	return nil
}
func (s *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.data = string(b)
	s.sink.mu.Lock()
	s.sink.msgs = append(s.sink.msgs, s.msg)
	s.sink.mu.Unlock()
	return nil
}
func (s *sinkSession) Reset()        { s.msg = sinkMsg{} }
func (s *sinkSession) Logout() error { return nil }

func startSMTP(t *testing.T, sink *smtpSink) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(sink)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func TestEmailReceiver(t *testing.T) {
	sink := &smtpSink{}
	addr := startSMTP(t, sink)
	tmpl, _ := ParseTemplate("")
	a := chatAlert()
	msg, err := EmailMessage(tmpl, a, "yuqing@example.org", []string{"duty@example.org", "lead@example.org"}, "http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	e := &Email{Addr: addr, From: "yuqing@example.org", To: []string{"duty@example.org", "lead@example.org"}}
	if err := e.Send(context.Background(), Notification{ID: "n1", Payload: msg}); err != nil {
		t.Fatal(err)
	}
	sink.mu.Lock()
	got := sink.msgs
	sink.mu.Unlock()
	if len(got) != 1 || got[0].from != "yuqing@example.org" || len(got[0].to) != 2 {
		t.Fatalf("received %+v", got)
	}
	for _, want := range []string{"Subject: =?utf-8?b?", "Content-Type: text/plain; charset=utf-8", "西湖区一小区发生火灾", "http://127.0.0.1:8080/api/v1/alerts/fp-1"} {
		if !strings.Contains(got[0].data, want) {
			t.Errorf("message lacks %q:\n%s", want, got[0].data)
		}
	}

	sink.rejectRcpt = true
	err = e.Send(context.Background(), Notification{ID: "n2", Payload: msg})
	if err == nil || !errors.Is(err, ErrPermanent) {
		t.Errorf("550 recipient: %v, want a permanent error", err)
	}
	down := &Email{Addr: "127.0.0.1:1", From: "a@b.c", To: []string{"d@e.f"}}
	if err := down.Send(context.Background(), Notification{ID: "n3", Payload: msg}); err == nil || errors.Is(err, ErrPermanent) {
		t.Errorf("unreachable server: %v, want a retryable error", err)
	}
}
