package mailer

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime/quotedprintable"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

type fakeOutbox struct {
	mu    sync.Mutex
	saved []Message
}

func (f *fakeOutbox) SaveMail(_ context.Context, to, subject, body string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saved = append(f.saved, Message{To: to, Subject: subject, Body: body})
	return nil
}

func TestNew_WithoutSMTPWritesToTheOutbox(t *testing.T) {
	box := &fakeOutbox{}
	s, err := New("", "Qhatu <no-reply@qhatu.test>", box)
	if err != nil {
		t.Fatal(err)
	}
	m := Message{To: "ana@example.org", Subject: "Hola", Body: "Línea 1\nLínea 2"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if len(box.saved) != 1 || box.saved[0].To != m.To || box.saved[0].Subject != m.Subject || box.saved[0].Body != m.Body {
		t.Fatalf("outbox %+v", box.saved)
	}
}

func TestSend_RefusesHeaderInjection(t *testing.T) {
	box := &fakeOutbox{}
	s := OutboxSender{Outbox: box}
	for _, m := range []Message{
		{To: "ana@example.org\r\nBcc: all@example.org", Subject: "x"},
		{To: "ana@example.org", Subject: "x\r\nBcc: all@example.org"},
		{To: "not an address", Subject: "x"},
	} {
		if err := s.Send(context.Background(), m); !errors.Is(err, ErrBadMessage) {
			t.Errorf("%q: %v", m, err)
		}
	}
	if len(box.saved) != 0 {
		t.Fatal("a bad message reached the outbox")
	}
}

func TestNewSMTP_ReadsTheURL(t *testing.T) {
	for _, tc := range []struct {
		url, addr string
		implicit  bool
		ok        bool
	}{
		{"smtp://u:p@mail.example.org", "mail.example.org:587", false, true},
		{"smtp://mail.example.org:2525", "mail.example.org:2525", false, true},
		{"smtps://u:p@mail.example.org", "mail.example.org:465", true, true},
		{"http://mail.example.org", "", false, false},
		{"smtp://", "", false, false},
	} {
		s, err := NewSMTP(tc.url, "Qhatu <no-reply@qhatu.test>")
		if (err == nil) != tc.ok {
			t.Errorf("%s: err %v", tc.url, err)
			continue
		}
		if err == nil && (s.addr != tc.addr || s.implicit != tc.implicit) {
			t.Errorf("%s: addr %s implicit %v", tc.url, s.addr, s.implicit)
		}
	}
}

// fakeSMTP is just enough of an SMTP server to receive one message.
type fakeSMTP struct {
	ln   net.Listener
	mu   sync.Mutex
	auth string
	from string
	to   []string
	data string
	done chan struct{}
}

func startFakeSMTP(t *testing.T) *fakeSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln, done: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go f.serve()
	return f
}

func (f *fakeSMTP) serve() {
	conn, err := f.ln.Accept()
	if err != nil {
		return
	}
	defer conn.Close()
	defer close(f.done)
	tp := textproto.NewConn(conn)
	tp.PrintfLine("220 fake ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		f.mu.Lock()
		switch cmd {
		case "EHLO", "HELO":
			tp.PrintfLine("250-fake\r\n250 AUTH PLAIN")
		case "AUTH":
			f.auth = line
			tp.PrintfLine("235 ok")
		case "MAIL":
			f.from = line
			tp.PrintfLine("250 ok")
		case "RCPT":
			f.to = append(f.to, line)
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go on")
			b, _ := io.ReadAll(tp.DotReader())
			f.data = string(b)
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			f.mu.Unlock()
			return
		default:
			tp.PrintfLine("502 no")
		}
		f.mu.Unlock()
	}
}

func TestSMTP_SendsAUTF8Message(t *testing.T) {
	srv := startFakeSMTP(t)
	s, err := NewSMTP("smtp://shop:secret@"+srv.ln.Addr().String(), "Qhatu <no-reply@qhatu.test>")
	if err != nil {
		t.Fatal(err)
	}
	m := Message{To: "ana@example.org", Subject: "Elige una contraseña nueva",
		Body: "Hola:\n\nAbre este enlace: https://qhatu.test/reset/abc\n\nQhatu · CIAP"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.done:
	case <-time.After(5 * time.Second):
		t.Fatal("server never finished")
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	wantAuth := "AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00shop\x00secret"))
	if srv.auth != wantAuth {
		t.Errorf("auth %q", srv.auth)
	}
	if srv.from != "MAIL FROM:<no-reply@qhatu.test>" && !strings.HasPrefix(srv.from, "MAIL FROM:<no-reply@qhatu.test>") {
		t.Errorf("from %q", srv.from)
	}
	if len(srv.to) != 1 || srv.to[0] != "RCPT TO:<ana@example.org>" {
		t.Errorf("to %q", srv.to)
	}
	msg, err := textproto.NewReader(bufio.NewReader(strings.NewReader(srv.data))).ReadMIMEHeader()
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Get("Subject"); !strings.HasPrefix(got, "=?utf-8?q?") {
		t.Errorf("subject not encoded: %q", got)
	}
	if msg.Get("Content-Type") != "text/plain; charset=utf-8" || msg.Get("Message-Id") == "" || msg.Get("Date") == "" {
		t.Errorf("headers %v", msg)
	}
	// The dot reader turns CRLF into LF.
	body := srv.data[strings.Index(srv.data, "\n\n")+2:]
	decoded, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimRight(string(decoded), "\n"); got != m.Body {
		t.Errorf("body %q, want %q", got, m.Body)
	}
}

func TestSMTP_GivesUpWhenTheContextEnds(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		// Accept and say nothing: a server that hangs.
		c, err := ln.Accept()
		if err == nil {
			time.Sleep(3 * time.Second)
			c.Close()
		}
	}()
	s, _ := NewSMTP("smtp://"+ln.Addr().String(), "no-reply@qhatu.test")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := s.Send(ctx, Message{To: "a@example.org", Subject: "x", Body: "y"}); err == nil {
		t.Fatal("send to a silent server succeeded")
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("took %v", time.Since(start))
	}
}

// A security mail reaches the outbox, which admins read, without its
// secret link.
func TestOutbox_WithholdsSecrets(t *testing.T) {
	box := &fakeOutbox{}
	link := "https://qhatu.test/reset/s3cr3t-t0ken"
	m := Message{To: "ana@example.org", Subject: "Reset", Body: "Open " + link + " soon.\n" + link, Secrets: []string{link}}
	if err := (OutboxSender{Outbox: box}).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if len(box.saved) != 1 {
		t.Fatalf("outbox %+v", box.saved)
	}
	got := box.saved[0].Body
	if strings.Contains(got, "s3cr3t") || strings.Count(got, Withheld) != 2 || !strings.HasPrefix(got, "Open ") {
		t.Fatalf("outbox body %q", got)
	}
}

// Over SMTP the recipient gets the secret link itself.
func TestSMTP_DeliversSecretsToTheRecipient(t *testing.T) {
	srv := startFakeSMTP(t)
	s, err := NewSMTP("smtp://"+srv.ln.Addr().String(), "Qhatu <no-reply@qhatu.test>")
	if err != nil {
		t.Fatal(err)
	}
	link := "https://qhatu.test/reset/s3cr3t-t0ken"
	if err := s.Send(context.Background(), Message{To: "ana@example.org", Subject: "Reset",
		Body: "Open " + link, Secrets: []string{link}}); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	srv.mu.Lock()
	defer srv.mu.Unlock()
	body, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(srv.data[strings.Index(srv.data, "\n\n")+2:])))
	if !strings.Contains(string(body), link) || strings.Contains(string(body), Withheld) {
		t.Fatalf("delivered body %q", body)
	}
}

type failingSender struct{ err error }

func (f failingSender) Send(context.Context, Message) error { return f.err }

// The mail job fails (to be retried) when sending fails, and gives up at
// once on a message that can never be sent.
func TestWorker_RetriesFailuresAndCancelsBadMessages(t *testing.T) {
	job := &river.Job[Job]{Args: Job{To: "ana@example.org", Subject: "Hola", Body: "x"}}
	box := &fakeOutbox{}
	if err := (&Worker{Sender: OutboxSender{Outbox: box}}).Work(context.Background(), job); err != nil || len(box.saved) != 1 {
		t.Fatalf("send: %v, outbox %+v", err, box.saved)
	}
	down := errors.New("connection refused")
	err := (&Worker{Sender: failingSender{down}}).Work(context.Background(), job)
	var cancel *rivertype.JobCancelError
	if !errors.Is(err, down) || errors.As(err, &cancel) {
		t.Fatalf("failing server: %v, want a retryable error", err)
	}
	bad := &river.Job[Job]{Args: Job{To: "not an address", Subject: "x"}}
	err = (&Worker{Sender: OutboxSender{Outbox: box}}).Work(context.Background(), bad)
	if !errors.As(err, &cancel) {
		t.Fatalf("bad address: %v, want the job cancelled", err)
	}
	if job.Args.Kind() != JobKind || job.Args.InsertOpts().MaxAttempts != MaxAttempts {
		t.Fatal("mail job options")
	}
}
