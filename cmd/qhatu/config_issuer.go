package main

import (
	"fmt"

	"github.com/ciap/qhatu/models"
)

// Who issues the wholesale pro-formas and receipts, as a fresh install
// has it: CIAP's name, a RUC that passes SUNAT's check digit but is
// visibly not real (20000000001), and a placeholder address. The documents
// say "DEMO" while the RUC is the default.
const (
	defaultIssuerName    = "Central Interregional de Artesanos del Perú (CIAP)"
	defaultIssuerRUC     = "20000000001"
	defaultIssuerAddress = "Dirección de ejemplo, Lima, Perú"
)

// parseRUC accepts a RUC with SUNAT's check digit (models.ParseRUC).
func parseRUC(v string) (string, error) {
	ruc, err := models.ParseRUC(v)
	if err != nil {
		return "", fmt.Errorf("must be an 11-digit RUC with a valid check digit like 20000000001, got %q", v)
	}
	return ruc, nil
}
