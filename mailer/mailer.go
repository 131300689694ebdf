// Package mailer sends the shop's emails: through an SMTP server when
// QHATU_SMTP_URL names one, otherwise into the database's outbox table,
// which admins read in the back office, so the embedded default never
// loses a message (secrets such as reset links are withheld there). Mail
// is sent by a background job (job.go), retried with backoff.
package mailer

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Message is one plain-text email.
type Message struct {
	To      string
	Subject string
	Body    string
	// Secrets are parts of Body only the recipient may read, such as a
	// password-reset link: SMTP delivers them, the outbox (which admins
	// read) stores the body with each one replaced by Withheld.
	Secrets []string
}

// Withheld stands in the outbox for a secret of a message.
const Withheld = "[link withheld: only the recipient may see it]"

// redacted is the body with its secrets withheld.
func (m Message) redacted() string {
	body := m.Body
	for _, s := range m.Secrets {
		if s != "" {
			body = strings.ReplaceAll(body, s, Withheld)
		}
	}
	return body
}

// Sender sends messages. Implementations are safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Outbox is what the outbox sender needs from the store.
type Outbox interface {
	SaveMail(ctx context.Context, to, subject, body string) error
}

// ErrBadMessage: a message with a bad address or header.
var ErrBadMessage = errors.New("bad message")

func (m Message) check() error {
	if _, err := mail.ParseAddress(m.To); err != nil || strings.ContainsAny(m.To, "\r\n") {
		return fmt.Errorf("%w: recipient %q", ErrBadMessage, m.To)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("%w: subject has a line break", ErrBadMessage)
	}
	return nil
}

// New returns the SMTP sender for smtpURL, or the outbox sender when
// smtpURL is empty. from is the sender address ("Qhatu <shop@example.org>").
func New(smtpURL, from string, outbox Outbox) (Sender, error) {
	if smtpURL == "" {
		return OutboxSender{Outbox: outbox}, nil
	}
	return NewSMTP(smtpURL, from)
}

// OutboxSender writes messages to the outbox table.
type OutboxSender struct{ Outbox Outbox }

// Send stores the message, its secrets withheld: an admin reading the
// outbox must not be able to use another person's reset link.
func (o OutboxSender) Send(ctx context.Context, m Message) error {
	if err := m.check(); err != nil {
		return err
	}
	return o.Outbox.SaveMail(ctx, m.To, m.Subject, m.redacted())
}

// SMTP sends through an SMTP server: smtp://user:pass@host:587 uses
// STARTTLS when the server offers it (and requires it before sending a
// password to anything but localhost); smtps://user:pass@host:465 speaks
// TLS from the start.
type SMTP struct {
	addr     string
	host     string
	implicit bool
	auth     smtp.Auth
	from     *mail.Address
	timeout  time.Duration
	// tlsConfig is for tests with a self-signed server.
	tlsConfig *tls.Config
}

// NewSMTP parses an smtp:// or smtps:// URL.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("QHATU_SMTP_URL: %w", err)
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return nil, fmt.Errorf("QHATU_SMTP_URL must start with smtp:// or smtps://, got %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("QHATU_SMTP_URL has no host")
	}
	fromAddr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail sender address %q: %w", from, err)
	}
	s := &SMTP{host: u.Hostname(), implicit: u.Scheme == "smtps", from: fromAddr, timeout: 30 * time.Second}
	port := u.Port()
	if port == "" {
		port = "587"
		if s.implicit {
			port = "465"
		}
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		pass, _ := u.User.Password()
		// PlainAuth refuses to send the password unencrypted except to
		// localhost.
		s.auth = smtp.PlainAuth("", u.User.Username(), pass, s.host)
	}
	return s, nil
}

// Send delivers one message, giving up when ctx ends or after 30 seconds.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := m.check(); err != nil {
		return err
	}
	to, _ := mail.ParseAddress(m.To)
	msg, err := s.compose(m, to)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := s.deliver(ctx, to.Address, msg); err != nil {
		return fmt.Errorf("send mail to %s via %s: %w", to.Address, s.addr, err)
	}
	return nil
}

func (s *SMTP) tlsConf() *tls.Config {
	if s.tlsConfig != nil {
		return s.tlsConfig
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

func (s *SMTP) deliver(ctx context.Context, to string, msg []byte) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	// net/smtp has no context: closing the connection unblocks it.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if s.implicit {
		conn = tls.Client(conn, s.tlsConf())
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if !s.implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConf()); err != nil {
				return err
			}
		}
	}
	if s.auth != nil {
		if err := c.Auth(s.auth); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// compose builds the RFC 5322 message: UTF-8 text, quoted-printable.
func (s *SMTP) compose(m Message, to *mail.Address) ([]byte, error) {
	var b bytes.Buffer
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", s.from.String())
	hdr("To", to.String())
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	hdr("Date", time.Now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
