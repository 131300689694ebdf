package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
)

// config is everything the shop reads from its environment. Every field
// has a flag and a QHATU_* variable; a flag wins over the variable, and a
// value that does not parse stops the start (settings.go).
type config struct {
	Addr        string
	DatabaseURL string
	DataDir     string
	BaseURL     string
	LogLevel    string
	LogFormat   string
	SeedDemo    bool
	DemoNotice  bool
	PageCache   int
	PageCacheMB int
	CatalogPoll time.Duration
	JobWorkers  int
	Wage        handlers.MinimumWage
	// MarginFloor is the wholesale margin floor in thousandths.
	MarginFloor int64
	Contact     handlers.ContactConfig
	Payments    handlers.PaymentsConfig
	Issuer      handlers.IssuerConfig
	// Accounts and mail (see admin.go).
	SMTPURL       string
	MailFrom      string
	secureCookies string
	TrustedNets   []*net.IPNet
	SecureCookies bool
	// Sessions: absolute lifetime, idle timeouts of shoppers and of
	// back-office users.
	SessionLifetime, SessionIdle, SessionIdleStaff time.Duration
}

// parseConfig reads flags for one subcommand, with the QHATU_* variables
// of the environment as defaults.
func parseConfig(name string, args []string, stderr io.Writer, extra ...func(*flag.FlagSet)) (*config, *flag.FlagSet, error) {
	return parseConfigFrom(os.LookupEnv, name, args, stderr, extra...)
}

// parseConfigFrom is parseConfig with the variables read through lookup.
func parseConfigFrom(lookup func(string) (string, bool), name string, args []string, stderr io.Writer, extra ...func(*flag.FlagSet)) (*config, *flag.FlagSet, error) {
	c := &config{}
	fs := flag.NewFlagSet("qhatu "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	s := &settings{fs: fs}
	s.str(&c.Addr, "addr", "QHATU_ADDR", ":8080", "address to listen on")
	s.url(&c.DatabaseURL, "database-url", "QHATU_DATABASE_URL", "", []string{"postgres", "postgresql"}, true, "PostgreSQL URL; empty uses the embedded SQLite file")
	s.str(&c.DataDir, "data-dir", "QHATU_DATA_DIR", "data", "folder for the SQLite file; pictures once uploaded to <data-dir>/media are copied into the database on start")
	s.url(&c.BaseURL, "base-url", "QHATU_BASE_URL", "http://localhost:8080", []string{"http", "https"}, false, "public URL of the shop")
	s.oneOf(&c.LogLevel, "log-level", "QHATU_LOG_LEVEL", "info", []string{"debug", "info", "warn", "error"}, "how much to log")
	s.oneOf(&c.LogFormat, "log-format", "QHATU_LOG_FORMAT", "text", []string{"text", "json"}, "log line format")
	s.boolean(&c.SeedDemo, "seed-demo", "QHATU_SEED_DEMO", true, "load the demo catalog on first start when the database has no products")
	s.boolean(&c.DemoNotice, "demo-notice", "QHATU_DEMO_NOTICE", true, "show a banner saying the catalog is demo data")
	s.integer(&c.PageCache, "page-cache", "QHATU_PAGE_CACHE", 2000, 0, 1_000_000, "rendered pages kept in memory for anonymous visitors; 0 turns the cache off")
	s.integer(&c.PageCacheMB, "page-cache-mb", "QHATU_PAGE_CACHE_MB", 64, 1, 1<<20, "memory the page cache may use, in MiB")
	s.integer(&c.JobWorkers, "job-workers", "QHATU_JOB_WORKERS", 4, 1, 1000, "background jobs of each queue (mail, fulfillment) this instance works at once")
	s.duration(&c.CatalogPoll, "catalog-poll", "QHATU_CATALOG_POLL", "2s", 0, "how often to check for catalog changes made by other instances; 0 never")
	add(s, &c.Wage.Monthly, parseSoles, "rmv-monthly", "QHATU_RMV_MONTHLY", "1130.00", "Peru's monthly minimum wage (RMV) in soles")
	s.integer(&c.Wage.HoursPerWeek, "rmv-hours-per-week", "QHATU_RMV_HOURS_PER_WEEK", 48, 1, 168, "legal full-time hours per week")
	s.str(&c.Wage.Source, "rmv-source", "QHATU_RMV_SOURCE", "Decreto Supremo N.° 006-2024-TR", "legal source of the minimum wage")
	add(s, &c.Wage.Since, parseDate, "rmv-since", "QHATU_RMV_SINCE", "2025-01-01", "date the minimum wage took effect")
	add(s, &c.MarginFloor, parsePercent, "wholesale-margin-floor", "QHATU_WHOLESALE_MARGIN_FLOOR", "1.0", "the price editor asks to confirm a wholesale margin under this percentage of the wholesale price (0 never asks)")
	add(s, &c.Contact.Email, parseEmail, "contact-email", "QHATU_CONTACT_EMAIL", defaultContactEmail, "email address buyers write to (contact page)")
	add(s, &c.Contact.Phone, parsePhone, "contact-phone", "QHATU_CONTACT_PHONE", defaultContactPhone, "phone number buyers call, international form like +51 1 234 5678 (contact page)")
	s.str(&c.Payments.Stripe.SecretKey, "stripe-secret-key", "QHATU_STRIPE_SECRET_KEY", "", "Stripe secret key (sk_…); empty: no card payment, bank transfer only")
	s.str(&c.Payments.Stripe.WebhookSecret, "stripe-webhook-secret", "QHATU_STRIPE_WEBHOOK_SECRET", "", "signing secret (whsec_…) of the Stripe webhook endpoint /webhooks/stripe")
	s.url(&c.Payments.Stripe.APIURL, "stripe-api-url", "QHATU_STRIPE_API_URL", "https://api.stripe.com", []string{"http", "https"}, false, "Stripe's API (tests use stripe-mock)")
	s.str(&c.Payments.Bank.Bank, "bank-name", "QHATU_BANK_NAME", defaultBankName, "bank of the account buyers transfer to")
	s.str(&c.Payments.Bank.Holder, "bank-holder", "QHATU_BANK_HOLDER", defaultBankHolder, "holder of the account buyers transfer to")
	s.str(&c.Payments.Bank.Account, "bank-account", "QHATU_BANK_ACCOUNT", defaultBankAccount, "number of the account buyers transfer to")
	s.str(&c.Payments.Bank.CCI, "bank-cci", "QHATU_BANK_CCI", defaultBankCCI, "interbank account code (CCI, 20 digits) of that account")
	s.str(&c.Issuer.Name, "ciap-name", "QHATU_CIAP_NAME", defaultIssuerName, "CIAP's legal name on wholesale pro-forma invoices and receipts")
	add(s, &c.Issuer.RUC, parseRUC, "ciap-ruc", "QHATU_CIAP_RUC", defaultIssuerRUC, "CIAP's RUC on wholesale pro-forma invoices and receipts (the default is a demo value)")
	s.str(&c.Issuer.Address, "ciap-address", "QHATU_CIAP_ADDRESS", defaultIssuerAddress, "CIAP's fiscal address on wholesale pro-forma invoices and receipts")
	s.duration(&c.Payments.CardExpiry, "card-expiry", "QHATU_CARD_EXPIRY", "60m", time.Minute, "an order to be paid by card is cancelled, its pieces released, when unpaid this long")
	s.duration(&c.Payments.TransferExpiry, "transfer-expiry", "QHATU_TRANSFER_EXPIRY", "168h", time.Minute, "an order to be paid by bank transfer is cancelled, its pieces released, when unpaid this long")
	add(s, &c.Payments.WholesaleMinOrder, parseCentimos, "wholesale-min-order", "QHATU_WHOLESALE_MIN_ORDER", "50000", "smallest wholesale order, in céntimos of its lines before shipping (50000 = S/ 500.00)")
	s.url(&c.SMTPURL, "smtp-url", "QHATU_SMTP_URL", "", []string{"smtp", "smtps"}, true, "smtp://user:pass@host:587 or smtps://…:465 to send email; empty writes it to the outbox admins read")
	s.str(&c.MailFrom, "mail-from", "QHATU_MAIL_FROM", "", "sender of the shop's email (default Qhatu <no-reply@host of base-url>)")
	add(s, &c.TrustedNets, parseCIDRs, "trusted-proxies", "QHATU_TRUSTED_PROXIES", "", "comma-separated CIDRs of proxies whose X-Forwarded-For is believed; empty: none")
	s.oneOf(&c.secureCookies, "secure-cookies", "QHATU_SECURE_COOKIES", "auto", []string{"auto", "true", "false"}, "mark cookies Secure: true, false, or auto (when base-url is https)")
	s.duration(&c.SessionLifetime, "session-lifetime", "QHATU_SESSION_LIFETIME", "168h", time.Second, "how long a sign-in lasts, however active")
	s.duration(&c.SessionIdle, "session-idle", "QHATU_SESSION_IDLE", "24h", time.Second, "customers and resellers are signed out after this long unused")
	s.duration(&c.SessionIdleStaff, "session-idle-staff", "QHATU_SESSION_IDLE_STAFF", "2h", time.Second, "admins, staff and reviewers are signed out after this long unused")
	for _, f := range extra {
		f(fs)
	}
	if err := s.parse(lookup, args); err != nil {
		return nil, nil, err
	}
	c.deriveAccounts()
	c.Contact.Placeholder = c.Contact.Email == defaultContactEmail || c.Contact.Phone == defaultContactPhone
	c.Payments.Bank.Placeholder = c.Payments.Bank.Account == defaultBankAccount || c.Payments.Bank.CCI == defaultBankCCI
	c.Issuer.Placeholder = c.Issuer.RUC == defaultIssuerRUC || c.Issuer.Address == defaultIssuerAddress
	if c.Payments.Stripe.SecretKey != "" && c.Payments.Stripe.WebhookSecret == "" {
		return nil, nil, fmt.Errorf("QHATU_STRIPE_WEBHOOK_SECRET (-stripe-webhook-secret) must be set with QHATU_STRIPE_SECRET_KEY: without it no card payment could ever be confirmed")
	}
	return c, fs, nil
}

// parseCentimos reads a whole number of céntimos, 0 or more.
func parseCentimos(v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 || n > 1_000_000_000_00 {
		return 0, fmt.Errorf("%q is not a number of céntimos (50000 is S/ 500.00)", v)
	}
	return n, nil
}

// parseSoles reads an amount of soles into céntimos.
func parseSoles(v string) (int64, error) {
	n, err := models.ParseAmount(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("must be a positive amount of soles like 1130.00, got %q", v)
	}
	return n, nil
}

// parsePercent reads a percentage with at most one decimal ("1", "2.5",
// "2,5") into thousandths.
func parsePercent(v string) (int64, error) {
	n, err := models.ParseAmount(v)
	if err != nil || n < 0 || n > 10000 || n%10 != 0 {
		return 0, fmt.Errorf("must be a percentage from 0 to 100 with at most one decimal, like 2.5, got %q", v)
	}
	return n / 10, nil
}

func parseDate(v string) (string, error) {
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return "", fmt.Errorf("must be a date like 2025-01-01, got %q", v)
	}
	return v, nil
}

func parseCIDRs(v string) ([]*net.IPNet, error) {
	nets, err := handlers.ParseTrustedProxies(v)
	if err != nil {
		return nil, fmt.Errorf("must be comma-separated addresses or CIDRs like 10.0.0.0/8,::1: %w", err)
	}
	return nets, nil
}

func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.LogFormat {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log-format must be text or json, got %q", c.LogFormat)
}

func (c *config) db(log *slog.Logger) models.DBConfig {
	return models.DBConfig{URL: c.DatabaseURL, DataDir: c.DataDir, Logger: log}
}

func (c *config) handlers() handlers.Config {
	return handlers.Config{BaseURL: c.BaseURL, MinimumWage: c.Wage, WholesaleMarginFloor: c.MarginFloor, Contact: c.Contact, Payments: c.Payments, Issuer: c.Issuer, DemoNotice: c.DemoNotice,
		PageCacheEntries: c.PageCache, PageCacheBytes: int64(c.PageCacheMB) << 20,
		CatalogMemo: c.PageCache > 0, CatalogPoll: c.CatalogPoll,
		Accounts: handlers.AccountsConfig{SecureCookies: c.SecureCookies, TrustedProxies: c.TrustedNets,
			SessionLifetime: c.SessionLifetime, SessionIdle: c.SessionIdle, SessionIdleStaff: c.SessionIdleStaff}}
}
