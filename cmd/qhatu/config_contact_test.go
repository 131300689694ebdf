package main

import "testing"

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

func TestConfig_IssuerDefaultsAreLabelledDemoAndTheRUCIsChecked(t *testing.T) {
	c, err := parse(t, env{})
	if err != nil {
		t.Fatal(err)
	}
	if is := c.handlers().Issuer; is.RUC != defaultIssuerRUC || is.Name != defaultIssuerName || !is.Placeholder {
		t.Errorf("default issuer %+v, want the demo values, labelled", is)
	}
	c, err = parse(t, env{"QHATU_CIAP_RUC": "20 100 000 009", "QHATU_CIAP_ADDRESS": "Jr. Real 1, Lima"})
	if err != nil {
		t.Fatal(err)
	}
	if is := c.handlers().Issuer; is.RUC != "20100000009" || is.Placeholder {
		t.Errorf("configured issuer %+v", is)
	}
	if _, err := parse(t, env{"QHATU_CIAP_RUC": "20100000002"}); err == nil {
		t.Error("a RUC with a wrong check digit was accepted")
	}
}
