package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"text/template"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
)

// FormatEmail is the e-mail receiver's format: an RFC 5322 message whose
// body is the rendered template.
const FormatEmail = "email"

// EmailMessage writes the e-mail for alert a: UTF-8 subject (RFC 2047)
// and plain-text body from t.
func EmailMessage(t *template.Template, a alert.Alert, from string, to []string, baseURL string) ([]byte, error) {
	text, err := RenderMessage(t, a, baseURL)
	if err != nil {
		return nil, err
	}
	subject := fmt.Sprintf("【%s】%s", a.Severity, a.Title)
	if a.Status == alert.StatusResolved {
		subject += "（已解除）"
	}
	return Message(from, to, subject, a.ID, "text/plain", []byte(strings.ReplaceAll(text, "\n", "\r\n")+"\r\n")), nil
}

// Message is an RFC 5322 e-mail from from to to with a UTF-8 subject and
// a UTF-8 body of contentType (text/plain, text/html); id makes its
// Message-ID. Alert notifications and delivered reports are written by it.
func Message(from string, to []string, subject, id, contentType string, body []byte) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@yuqing>\r\n",
		from, strings.Join(to, ", "), mime.BEncoding.Encode("utf-8", subject), time.Now().Format(time.RFC1123Z), id)
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", contentType)
	b.Write(body)
	return []byte(b.String())
}

// Email sends notifications whose payload is an e-mail message (see
// EmailMessage) through an SMTP server. STARTTLS is used when the server
// offers it; Username/Password authenticate with PLAIN (which net/smtp
// allows only over TLS or to localhost).
type Email struct {
	Addr               string // host:port
	From               string
	To                 []string
	Username, Password string
	Timeout            time.Duration // default 10s
}

var _ Receiver = (*Email)(nil)

// Send delivers n.Payload to the recipients. A 5xx answer from the server
// is permanent; anything else is retried.
func (e *Email) Send(ctx context.Context, n Notification) error {
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.Addr)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", e.Addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(e.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", e.Addr, err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return fmt.Errorf("smtp %s: starttls: %w", e.Addr, err)
		}
	}
	if e.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.Username, e.Password, host)); err != nil {
			return smtpError(e.Addr, "auth", err)
		}
	}
	if err := c.Mail(e.From); err != nil {
		return smtpError(e.Addr, "mail from", err)
	}
	for _, rcpt := range e.To {
		if err := c.Rcpt(rcpt); err != nil {
			return smtpError(e.Addr, "rcpt to "+rcpt, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return smtpError(e.Addr, "data", err)
	}
	if _, err := w.Write(n.Payload); err != nil {
		return fmt.Errorf("smtp %s: writing message: %w", e.Addr, err)
	}
	if err := w.Close(); err != nil {
		return smtpError(e.Addr, "end of data", err)
	}
	return c.Quit()
}

// smtpError marks 5xx answers permanent.
func smtpError(addr, step string, err error) error {
	var pe interface{ Temporary() bool }
	msg := err.Error()
	if len(msg) >= 3 && msg[0] == '5' || errors.As(err, &pe) && !pe.Temporary() {
		return Permanent(fmt.Errorf("smtp %s: %s: %w", addr, step, err))
	}
	return fmt.Errorf("smtp %s: %s: %w", addr, step, err)
}
