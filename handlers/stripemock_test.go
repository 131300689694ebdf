package handlers

// Stripe without the network: stripe-mock (a Go tool of this module, see
// go.mod) is started once per test binary, and each test talks to it
// through its own recording proxy (StripeMock), which also lets a test
// make Stripe fail or report a session as paid. Typical use:
//
//	mock := NewStripeMock(t)
//	ts := NewTestServer(t, db, mock.Option())
//	... checkout by card ...
//	reqs := mock.Requests(http.MethodPost, "/v1/checkout/sessions")

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// stripeMockServer is the one stripe-mock of the test binary.
var stripeMockServer struct {
	once sync.Once
	url  string
	err  error
}

// stripeMockURL starts stripe-mock at the first call and returns its URL.
func stripeMockURL(tb testing.TB) string {
	tb.Helper()
	stripeMockServer.once.Do(func() { stripeMockServer.url, stripeMockServer.err = startStripeMock() })
	if stripeMockServer.err != nil {
		tb.Fatalf("stripe-mock: %v", stripeMockServer.err)
	}
	return stripeMockServer.url
}

// startStripeMock builds the tool (go tool -n builds it once and prints
// the binary's path) and runs the binary itself, on ports the system
// picks, reading the HTTP address from what it prints.
func startStripeMock() (string, error) {
	out, err := exec.Command("go", "tool", "-n", "stripe-mock").Output()
	if err != nil {
		return "", fmt.Errorf("build stripe-mock (go tool -n stripe-mock): %w", err)
	}
	bin := strings.TrimSpace(string(out))
	addr := make(chan string, 1)
	failed := make(chan error, 1)
	go func() {
		// The parent-death signal follows the thread that started the
		// process: this goroutine keeps its thread until the binary ends.
		runtime.LockOSThread()
		cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
		cmd.SysProcAttr = stripeMockAttr()
		stdout, err := cmd.StdoutPipe()
		if err == nil {
			err = cmd.Start()
		}
		if err != nil {
			failed <- err
			return
		}
		sc := bufio.NewScanner(stdout)
		const prefix = "Listening for HTTP at address: "
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), prefix); ok {
				addr <- a
			}
		}
		failed <- fmt.Errorf("stripe-mock ended: %v", cmd.Wait())
		select {} // keep the thread (and with it the mock's lifeline)
	}()
	select {
	case a := <-addr:
		return "http://" + a, nil
	case err := <-failed:
		return "", err
	case <-time.After(2 * time.Minute):
		return "", fmt.Errorf("stripe-mock did not start")
	}
}

// StripeRequest is one request the shop sent to Stripe.
type StripeRequest struct {
	Method         string
	Path           string
	IdempotencyKey string
	Form           url.Values
}

// StripeMock is one test's Stripe: a proxy to stripe-mock that records
// every request.
type StripeMock struct {
	URL  string
	mu   sync.Mutex
	reqs []StripeRequest
	// failing makes every request answer 500, as a Stripe outage.
	failing bool
	// paid are sessions Stripe reports as paid: id → what it reports.
	paid map[string]PaidSession
}

// PaidSession is what a retrieved Checkout Session reports.
type PaidSession struct {
	ClientReferenceID string
	AmountTotal       int64
	Currency          string
	PaymentStatus     string
}

// NewStripeMock starts a recording proxy in front of stripe-mock.
func NewStripeMock(tb testing.TB) *StripeMock {
	tb.Helper()
	target, err := url.Parse(stripeMockURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	m := &StripeMock{paid: map[string]PaidSession{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = m.rewrite
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		if r.Method == http.MethodGet {
			form = r.URL.Query()
		}
		m.mu.Lock()
		m.reqs = append(m.reqs, StripeRequest{Method: r.Method, Path: r.URL.Path,
			IdempotencyKey: r.Header.Get("Idempotency-Key"), Form: form})
		failing := m.failing
		m.mu.Unlock()
		if failing {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"error":{"type":"api_error","message":"stripe is down (test)"}}`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		r.TransferEncoding = nil
		proxy.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	m.URL = srv.URL
	return m
}

// rewrite makes a retrieved session that a test marked paid say so.
func (m *StripeMock) rewrite(res *http.Response) error {
	id, ok := strings.CutPrefix(res.Request.URL.Path, "/v1/checkout/sessions/")
	if res.Request.Method != http.MethodGet || !ok || strings.Contains(id, "/") {
		return nil
	}
	m.mu.Lock()
	p, paid := m.paid[id]
	m.mu.Unlock()
	if !paid {
		return nil
	}
	var sess map[string]any
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &sess); err != nil {
		return err
	}
	sess["id"], sess["client_reference_id"], sess["amount_total"] = id, p.ClientReferenceID, p.AmountTotal
	sess["currency"], sess["payment_status"], sess["status"] = p.Currency, p.PaymentStatus, "complete"
	if b, err = json.Marshal(sess); err != nil {
		return err
	}
	res.Body = io.NopCloser(bytes.NewReader(b))
	res.ContentLength = int64(len(b))
	res.Header.Set("Content-Length", strconv.Itoa(len(b)))
	return nil
}

// Option configures a test server to pay by card through this mock.
func (m *StripeMock) Option() TestOption {
	return WithConfig(func(c *Config) {
		c.Payments.Stripe.SecretKey = "sk_test_qhatu"
		c.Payments.Stripe.APIURL = m.URL
	})
}

// Fail makes Stripe answer every request with a 500 (or work again).
func (m *StripeMock) Fail(on bool) {
	m.mu.Lock()
	m.failing = on
	m.mu.Unlock()
}

// Pay makes the session report p when it is retrieved.
func (m *StripeMock) Pay(sessionID string, p PaidSession) {
	m.mu.Lock()
	m.paid[sessionID] = p
	m.mu.Unlock()
}

// Requests lists the requests sent with method to path.
func (m *StripeMock) Requests(method, path string) []StripeRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []StripeRequest
	for _, r := range m.reqs {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}
