package main

import (
	"strings"
	"testing"
)

func TestConfig_ContactDefaultsAreLabelledPlaceholders(t *testing.T) {
	c, err := parse(t, env{})
	if err != nil {
		t.Fatal(err)
	}
	h := c.handlers().Contact
	if h.Email != defaultContactEmail || h.Phone != defaultContactPhone || !h.Placeholder {
		t.Errorf("default contact %+v, want the placeholders, labelled", h)
	}
	c, err = parse(t, env{"QHATU_CONTACT_EMAIL": " tienda@ciap.org.pe ", "QHATU_CONTACT_PHONE": "+51 1 234-5678"})
	if err != nil {
		t.Fatal(err)
	}
	if h := c.handlers().Contact; h.Email != "tienda@ciap.org.pe" || h.Phone != "+51 1 234-5678" || h.Placeholder {
		t.Errorf("configured contact %+v", h)
	}
	if c, err = parse(t, env{"QHATU_CONTACT_EMAIL": "tienda@ciap.org.pe"}); err != nil || !c.Contact.Placeholder {
		t.Errorf("a real email with the placeholder phone must still be labelled: %+v, %v", c, err)
	}
}

func TestConfig_BadContactNamesTheVariable(t *testing.T) {
	for _, tc := range []struct{ name, value, accepts string }{
		{"QHATU_CONTACT_EMAIL", "", "email address"},
		{"QHATU_CONTACT_EMAIL", "tienda", "email address"},
		{"QHATU_CONTACT_EMAIL", "CIAP <tienda@ciap.org.pe>", "email address"},
		{"QHATU_CONTACT_EMAIL", "a@b.pe, c@d.pe", "email address"},
		{"QHATU_CONTACT_PHONE", "", "international form"},
		{"QHATU_CONTACT_PHONE", "01 234 5678", "international form"},
		{"QHATU_CONTACT_PHONE", "+51 (1) 234 5678", "international form"},
		{"QHATU_CONTACT_PHONE", "+51 1", "international form"},
		{"QHATU_CONTACT_PHONE", "+51 1 234 5678 9999 9999", "international form"},
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
