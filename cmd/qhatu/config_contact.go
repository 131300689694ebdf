package main

import (
	"fmt"
	"net/mail"
	"strings"
)

// The contact details a fresh install shows. They are visibly not real
// (a reserved .example domain, a zero number), and the contact page labels
// them as placeholders until both are set.
const (
	defaultContactEmail = "tienda@ciap.example"
	defaultContactPhone = "+51 1 000 0000"
)

// The bank account a fresh install shows: visibly not real, and labelled
// as a placeholder on every page that shows it until both are set.
const (
	defaultBankName    = "Banco de Crédito del Perú (BCP)"
	defaultBankHolder  = "Central Interregional de Artesanos del Perú"
	defaultBankAccount = "000-0000000-0-00"
	defaultBankCCI     = "00000000000000000000"
)

// parseEmail accepts one bare address (no display name), as a mailto:
// link needs it.
func parseEmail(v string) (string, error) {
	v = strings.TrimSpace(v)
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v {
		return "", fmt.Errorf("must be an email address like tienda@ciap.org.pe, got %q", v)
	}
	return v, nil
}

// parsePhone accepts an international number: "+", then 7 to 15 digits
// (E.164), which may be grouped by spaces or hyphens.
func parsePhone(v string) (string, error) {
	v = strings.TrimSpace(v)
	bad := fmt.Errorf("must be a phone number in international form like +51 1 234 5678, got %q", v)
	if !strings.HasPrefix(v, "+") {
		return "", bad
	}
	digits := 0
	for _, r := range v[1:] {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-':
		default:
			return "", bad
		}
	}
	if digits < 7 || digits > 15 {
		return "", bad
	}
	return v, nil
}
