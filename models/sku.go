package models

import (
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"
)

// A product's SKU is the stock code resellers keep in their spreadsheets:
// upper-case letters, digits and inner hyphens, unique in the shop. A
// product saved without one gets DefaultSKU of its ID.

var skuRE = regexp.MustCompile(`^[A-Z0-9](?:[A-Z0-9-]{0,38}[A-Z0-9])?$`)

// ValidSKU reports whether s is spelled as a SKU (after NormalizeSKU).
func ValidSKU(s string) bool { return skuRE.MatchString(s) }

// NormalizeSKU trims a typed SKU and puts it in upper case.
func NormalizeSKU(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// DefaultSKU is the SKU of a product saved without one: QH- and its ID.
func DefaultSKU(id int64) string { return fmt.Sprintf("QH-%05d", id) }

// skuFree checks, inside the transaction, that no other product uses sku.
func skuFree(tx *gorm.DB, sku string, id int64) error {
	if sku == "" {
		return nil
	}
	var n int64
	if err := tx.Model(&Product{}).Where("sku = ? AND id <> ?", sku, id).Count(&n).Error; err != nil {
		return fmt.Errorf("check SKU %q: %w", sku, err)
	}
	if n > 0 {
		return Invalid("sku", CodeSKUTaken)
	}
	return nil
}

// giveDefaultSKU sets DefaultSKU on a product just created without one.
func giveDefaultSKU(tx *gorm.DB, p *Product) error {
	if p.SKU != "" {
		return nil
	}
	sku := DefaultSKU(p.ID)
	if err := skuFree(tx, sku, p.ID); err != nil {
		return err
	}
	if err := tx.Model(&Product{}).Where("id = ?", p.ID).Update("sku", sku).Error; err != nil {
		return fmt.Errorf("SKU of product %s: %w", p.Slug, err)
	}
	p.SKU = sku
	return nil
}
