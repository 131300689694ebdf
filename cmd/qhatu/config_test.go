package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

// env is a set of QHATU_* variables for parseConfigFrom.
type env map[string]string

func (e env) lookup(name string) (string, bool) {
	v, ok := e[name]
	return v, ok
}

func parse(t *testing.T, vars env, args ...string) (*config, error) {
	t.Helper()
	c, _, err := parseConfigFrom(vars.lookup, "serve", args, io.Discard)
	return c, err
}

func TestConfig_DefaultsParse(t *testing.T) {
	c, err := parse(t, env{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.SeedDemo || c.PageCache != 2000 || c.CatalogPoll != 2*time.Second || c.Wage.Monthly != 113000 ||
		c.SessionIdleStaff != 2*time.Hour || c.SecureCookies || c.MailFrom != "Qhatu <no-reply@localhost>" {
		t.Errorf("defaults: %+v", c)
	}
}

func TestConfig_GoodValuesParse(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		check       func(c *config) bool
	}{
		{"QHATU_DATABASE_URL", "postgres://qhatu:secret@db:5432/qhatu?sslmode=disable", func(c *config) bool { return strings.HasPrefix(c.DatabaseURL, "postgres://") }},
		{"QHATU_BASE_URL", "https://shop.ciap.org", func(c *config) bool { return c.BaseURL == "https://shop.ciap.org" && c.SecureCookies }},
		{"QHATU_LOG_LEVEL", "DEBUG", func(c *config) bool { return c.LogLevel == "debug" }},
		{"QHATU_LOG_FORMAT", "json", func(c *config) bool { return c.LogFormat == "json" }},
		{"QHATU_SEED_DEMO", "false", func(c *config) bool { return !c.SeedDemo }},
		{"QHATU_DEMO_NOTICE", "0", func(c *config) bool { return !c.DemoNotice }},
		{"QHATU_PAGE_CACHE", "0", func(c *config) bool { return c.PageCache == 0 }},
		{"QHATU_PAGE_CACHE_MB", "16", func(c *config) bool { return c.handlers().PageCacheBytes == 16<<20 }},
		{"QHATU_CATALOG_POLL", "500ms", func(c *config) bool { return c.CatalogPoll == 500*time.Millisecond }},
		{"QHATU_RMV_MONTHLY", "1205.50", func(c *config) bool { return c.Wage.Monthly == 120550 }},
		{"QHATU_RMV_HOURS_PER_WEEK", "40", func(c *config) bool { return c.Wage.HoursPerWeek == 40 }},
		{"QHATU_RMV_SINCE", "2026-01-01", func(c *config) bool { return c.Wage.Since == "2026-01-01" }},
		{"QHATU_WHOLESALE_MARGIN_FLOOR", "2.5", func(c *config) bool { return c.handlers().WholesaleMarginFloor == 25 }},
		{"QHATU_SMTP_URL", "smtps://u:p@mail.example.org:465", func(c *config) bool { return c.SMTPURL != "" }},
		{"QHATU_TRUSTED_PROXIES", "10.0.0.0/8, ::1", func(c *config) bool { return len(c.TrustedNets) == 2 }},
		{"QHATU_SECURE_COOKIES", "true", func(c *config) bool { return c.SecureCookies }},
		{"QHATU_SESSION_LIFETIME", "720h", func(c *config) bool { return c.SessionLifetime == 720*time.Hour }},
		{"QHATU_SESSION_IDLE", "12h", func(c *config) bool { return c.SessionIdle == 12*time.Hour }},
		{"QHATU_SESSION_IDLE_STAFF", "30m", func(c *config) bool { return c.SessionIdleStaff == 30*time.Minute }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(t, env{tc.name: tc.value})
			if err != nil {
				t.Fatalf("%s=%s: %v", tc.name, tc.value, err)
			}
			if !tc.check(c) {
				t.Errorf("%s=%s gave %+v", tc.name, tc.value, c)
			}
		})
	}
}

// Each bad value stops the start with a message naming the variable and
// what it accepts, never a silent default.
func TestConfig_BadValueNamesTheVariable(t *testing.T) {
	for _, tc := range []struct{ name, value, accepts string }{
		{"QHATU_DATABASE_URL", "mysql://db/qhatu", "postgres://"},
		{"QHATU_BASE_URL", "shop.ciap.org", "http://"},
		{"QHATU_LOG_LEVEL", "verbose", "debug, info, warn or error"},
		{"QHATU_LOG_FORMAT", "xml", "text or json"},
		{"QHATU_SEED_DEMO", "ye", "true or false"},
		{"QHATU_DEMO_NOTICE", "on", "true or false"},
		{"QHATU_PAGE_CACHE", "abc", "whole number"},
		{"QHATU_PAGE_CACHE", "-1", "from 0"},
		{"QHATU_PAGE_CACHE_MB", "0", "from 1"},
		{"QHATU_CATALOG_POLL", "2", "duration"},
		{"QHATU_RMV_MONTHLY", "mil", "amount of soles"},
		{"QHATU_RMV_HOURS_PER_WEEK", "200", "from 1 to 168"},
		{"QHATU_RMV_SINCE", "01/01/2025", "date like 2025-01-01"},
		{"QHATU_WHOLESALE_MARGIN_FLOOR", "2.55", "percentage from 0 to 100"},
		{"QHATU_CONTACT_EMAIL", "", "email address"},
		{"QHATU_CONTACT_EMAIL", "tienda", "email address"},
		{"QHATU_CONTACT_EMAIL", "CIAP <tienda@ciap.org.pe>", "email address"},
		{"QHATU_CONTACT_EMAIL", "a@b.pe, c@d.pe", "email address"},
		{"QHATU_CONTACT_PHONE", "", "international form"},
		{"QHATU_CONTACT_PHONE", "01 234 5678", "international form"},
		{"QHATU_CONTACT_PHONE", "+51 (1) 234 5678", "international form"},
		{"QHATU_CONTACT_PHONE", "+51 1", "international form"},
		{"QHATU_CONTACT_PHONE", "+51 1 234 5678 9999 9999", "international form"},
		{"QHATU_SMTP_URL", "mail.example.org:25", "smtp://"},
		{"QHATU_TRUSTED_PROXIES", "10.0.0.0/33", "CIDRs"},
		{"QHATU_SECURE_COOKIES", "maybe", "auto, true or false"},
		{"QHATU_SESSION_LIFETIME", "0", "positive duration"},
		{"QHATU_SESSION_IDLE", "1d", "positive duration"},
		{"QHATU_SESSION_IDLE_STAFF", "-2h", "positive duration"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			_, err := parse(t, env{tc.name: tc.value})
			if err == nil {
				t.Fatalf("%s=%q was accepted", tc.name, tc.value)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.name) || !strings.Contains(msg, tc.accepts) {
				t.Errorf("message %q does not name %s and say it accepts %q", msg, tc.name, tc.accepts)
			}
		})
	}
}

func TestConfig_EveryBadVariableIsReported(t *testing.T) {
	_, err := parse(t, env{"QHATU_PAGE_CACHE": "abc", "QHATU_SEED_DEMO": "ye"})
	if err == nil || !strings.Contains(err.Error(), "QHATU_PAGE_CACHE") || !strings.Contains(err.Error(), "QHATU_SEED_DEMO") {
		t.Fatalf("want both variables named, got %v", err)
	}
}

func TestConfig_URLPasswordIsNotEchoed(t *testing.T) {
	_, err := parse(t, env{"QHATU_DATABASE_URL": "mysql://qhatu:hunter2@db/qhatu"})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v", err)
	}
}

func TestConfig_FlagWinsOverVariable(t *testing.T) {
	c, err := parse(t, env{"QHATU_PAGE_CACHE": "10", "QHATU_SEED_DEMO": "true", "QHATU_SESSION_IDLE": "1h"},
		"-page-cache", "20", "-seed-demo=false", "-session-idle", "3h")
	if err != nil {
		t.Fatal(err)
	}
	if c.PageCache != 20 || c.SeedDemo || c.SessionIdle != 3*time.Hour {
		t.Errorf("flags lost to variables: page cache %d, seed demo %v, idle %v", c.PageCache, c.SeedDemo, c.SessionIdle)
	}
	// A boolean flag alone means true.
	if c, err := parse(t, env{"QHATU_SEED_DEMO": "false"}, "-seed-demo"); err != nil || !c.SeedDemo {
		t.Errorf("-seed-demo alone: %v, %v", c, err)
	}
}

func TestConfig_BadFlagNamesTheFlag(t *testing.T) {
	_, err := parse(t, env{}, "-page-cache", "lots")
	if err == nil || !strings.Contains(err.Error(), "-page-cache") || !strings.Contains(err.Error(), "whole number") {
		t.Fatalf("error %v", err)
	}
}
