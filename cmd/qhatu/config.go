package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
)

// config is everything the shop reads from its environment. Every field
// has a flag and a QHATU_* variable; a flag wins over the variable.
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
	CatalogPoll time.Duration
	Wage        handlers.MinimumWage
	wageSoles   string
	// Accounts and mail (see admin.go).
	SMTPURL        string
	MailFrom       string
	trustedProxies string
	secureCookies  string
	TrustedNets    []*net.IPNet
	SecureCookies  bool
	// Sessions: absolute lifetime, idle timeouts of shoppers and of
	// back-office users.
	sessionLifetime, sessionIdle, sessionIdleStaff string
	SessionLifetime, SessionIdle, SessionIdleStaff time.Duration
}

// parseConfig reads flags for one subcommand, with env defaults.
func parseConfig(name string, args []string, stderr io.Writer, extra ...func(*flag.FlagSet)) (*config, *flag.FlagSet, error) {
	c := &config{}
	fs := flag.NewFlagSet("qhatu "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, flagName, env, def, usage string) {
		if v, ok := os.LookupEnv(env); ok {
			def = v
		}
		fs.StringVar(p, flagName, def, usage+" ("+env+")")
	}
	boolean := func(p *bool, flagName, env string, def bool, usage string) {
		if v, ok := os.LookupEnv(env); ok {
			if b, err := strconv.ParseBool(v); err == nil {
				def = b
			}
		}
		fs.BoolVar(p, flagName, def, usage+" ("+env+")")
	}
	integer := func(p *int, flagName, env string, def int, usage string) {
		if v, ok := os.LookupEnv(env); ok {
			if n, err := strconv.Atoi(v); err == nil {
				def = n
			}
		}
		fs.IntVar(p, flagName, def, usage+" ("+env+")")
	}
	str(&c.Addr, "addr", "QHATU_ADDR", ":8080", "address to listen on")
	str(&c.DatabaseURL, "database-url", "QHATU_DATABASE_URL", "", "PostgreSQL URL; empty uses the embedded SQLite file")
	str(&c.DataDir, "data-dir", "QHATU_DATA_DIR", "data", "folder for the SQLite file and uploads")
	str(&c.BaseURL, "base-url", "QHATU_BASE_URL", "http://localhost:8080", "public URL of the shop")
	str(&c.LogLevel, "log-level", "QHATU_LOG_LEVEL", "info", "debug, info, warn or error")
	str(&c.LogFormat, "log-format", "QHATU_LOG_FORMAT", "text", "text or json")
	boolean(&c.SeedDemo, "seed-demo", "QHATU_SEED_DEMO", true, "load the demo catalog on first start when the database has no products")
	boolean(&c.DemoNotice, "demo-notice", "QHATU_DEMO_NOTICE", true, "show a banner saying the catalog is demo data")
	integer(&c.PageCache, "page-cache", "QHATU_PAGE_CACHE", 2000, "rendered pages kept in memory for anonymous visitors; 0 turns the cache off")
	poll := "2s"
	str(&poll, "catalog-poll", "QHATU_CATALOG_POLL", poll, "how often to check for catalog changes made by other instances")
	str(&c.wageSoles, "rmv-monthly", "QHATU_RMV_MONTHLY", "1130.00", "Peru's monthly minimum wage (RMV) in soles")
	integer(&c.Wage.HoursPerWeek, "rmv-hours-per-week", "QHATU_RMV_HOURS_PER_WEEK", 48, "legal full-time hours per week")
	str(&c.Wage.Source, "rmv-source", "QHATU_RMV_SOURCE", "Decreto Supremo N.° 006-2024-TR", "legal source of the minimum wage")
	str(&c.Wage.Since, "rmv-since", "QHATU_RMV_SINCE", "2025-01-01", "date the minimum wage took effect")
	str(&c.SMTPURL, "smtp-url", "QHATU_SMTP_URL", "", "smtp://user:pass@host:587 or smtps://…:465 to send email; empty writes it to the outbox admins read")
	str(&c.MailFrom, "mail-from", "QHATU_MAIL_FROM", "", "sender of the shop's email (default Qhatu <no-reply@host of base-url>)")
	str(&c.trustedProxies, "trusted-proxies", "QHATU_TRUSTED_PROXIES", "", "comma-separated CIDRs of proxies whose X-Forwarded-For is believed; empty: none")
	str(&c.secureCookies, "secure-cookies", "QHATU_SECURE_COOKIES", "auto", "mark cookies Secure: true, false, or auto (when base-url is https)")
	str(&c.sessionLifetime, "session-lifetime", "QHATU_SESSION_LIFETIME", "168h", "how long a sign-in lasts, however active")
	str(&c.sessionIdle, "session-idle", "QHATU_SESSION_IDLE", "24h", "customers and resellers are signed out after this long unused")
	str(&c.sessionIdleStaff, "session-idle-staff", "QHATU_SESSION_IDLE_STAFF", "2h", "admins, staff and reviewers are signed out after this long unused")
	for _, f := range extra {
		f(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if err := c.parseAccounts(); err != nil {
		return nil, nil, err
	}
	var err error
	if c.CatalogPoll, err = time.ParseDuration(poll); err != nil {
		return nil, nil, fmt.Errorf("catalog-poll: %w", err)
	}
	if c.Wage.Monthly, err = models.ParseDecimal(c.wageSoles); err != nil {
		return nil, nil, fmt.Errorf("rmv-monthly: %w", err)
	}
	if _, err := time.Parse("2006-01-02", c.Wage.Since); err != nil {
		return nil, nil, fmt.Errorf("rmv-since must be a date like 2025-01-01: %w", err)
	}
	return c, fs, nil
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
	return handlers.Config{BaseURL: c.BaseURL, MinimumWage: c.Wage, DemoNotice: c.DemoNotice,
		PageCacheEntries: c.PageCache, CatalogPoll: c.CatalogPoll, DataDir: c.DataDir,
		Accounts: handlers.AccountsConfig{SecureCookies: c.SecureCookies, TrustedProxies: c.TrustedNets,
			SessionLifetime: c.SessionLifetime, SessionIdle: c.SessionIdle, SessionIdleStaff: c.SessionIdleStaff}}
}
