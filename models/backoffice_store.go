package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ---- price breakdowns ----

// PriceChange is what SaveBreakdowns did.
type PriceChange struct {
	Retail, Wholesale       *Breakdown // the current versions now
	NewRetail, NewWholesale bool       // whether a new version was recorded
	LockVersion             int64      // the product's new lock version
}

// sameTerms reports whether two breakdowns split the same price the same
// way, with the same reference figures: saving such a form again records
// no new version.
func sameTerms(a, b *Breakdown) bool {
	return a.Currency == b.Currency && a.Price == b.Price &&
		a.ArtisanLabour == b.ArtisanLabour && a.ArtisanMaterials == b.ArtisanMaterials &&
		a.CommunityFund == b.CommunityFund && a.CIAPOperations == b.CIAPOperations &&
		a.Logistics == b.Logistics && a.PaymentFees == b.PaymentFees && a.Taxes == b.Taxes &&
		a.Margin == b.Margin && a.LocalMarketPrice == b.LocalMarketPrice && a.LabourMinutes == b.LabourMinutes
}

func breakdownAudit(b *Breakdown) map[string]any {
	if b == nil {
		return nil
	}
	m := map[string]any{"version": b.Version, "price": b.Price, "local_market_price": b.LocalMarketPrice,
		"labour_minutes": b.LabourMinutes}
	for _, c := range b.Components() {
		m[string(c.Key)] = c.Amount.Amount
	}
	return m
}

func pricesAudit(retail, wholesale *Breakdown) map[string]any {
	m := map[string]any{}
	if retail != nil {
		m["retail"] = breakdownAudit(retail)
	}
	if wholesale != nil {
		m["wholesale"] = breakdownAudit(wholesale)
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// SaveBreakdowns records the product's retail and wholesale breakdowns as
// the editor submitted them, with the reason for the change. seen is the
// product's lock version when the form was opened. A channel whose
// breakdown is unchanged keeps its current version; the other gets a new
// one (old versions are kept, unchanged). Both are checked together: they
// must add up, and the wholesale one must pay artisans exactly what the
// retail one does. The audit entry records both before and after.
func (e *Editor) SaveBreakdowns(ctx context.Context, productID, seen int64, retail, wholesale *Breakdown, reason string) (*PriceChange, error) {
	reason = strings.TrimSpace(reason)
	if retail == nil || wholesale == nil {
		return nil, Invalid("breakdown", CodeBothBreakdowns)
	}
	var out *PriceChange
	err := e.tx(ctx, func(tx *gorm.DB) error {
		// Lock the row and check the version; setBreakdowns bumps it.
		var p Product
		if err := forUpdate(tx).Preload("RetailBreakdown").Preload("WholesaleBreakdown").Take(&p, productID).Error; err != nil {
			return dbError(err, fmt.Sprintf("product %d", productID))
		}
		if p.LockVersion != seen {
			return staleError(EntityProduct, productID, seen, p.LockVersion)
		}
		oldR, oldW := p.RetailBreakdown, p.WholesaleBreakdown
		out = &PriceChange{LockVersion: p.LockVersion + 1}
		pick := func(cur, sub *Breakdown, ch Channel) (*Breakdown, bool) {
			sub.Channel, sub.Currency = ch, PEN
			if cur != nil && sameTerms(cur, sub) {
				return cur, false
			}
			nb := *sub
			nb.ID, nb.ProductID, nb.Version, nb.CreatedBy, nb.Reason = 0, productID, 0, e.actor, reason
			nb.CreatedAt = time.Time{}
			return &nb, true
		}
		r, newR := pick(oldR, retail, ChannelRetail)
		w, newW := pick(oldW, wholesale, ChannelWholesale)
		if !newR && !newW {
			return Invalid("breakdown", CodeNothingChanged)
		}
		if err := setBreakdowns(tx, &p, r, w); err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				return priceFieldErrors(ve)
			}
			return err
		}
		out.Retail, out.Wholesale, out.NewRetail, out.NewWholesale = r, w, newR, newW
		return writeAudit(tx, e.actor, ActionPrice, EntityProduct, productID,
			priceSummary(&p, oldR, oldW, r, w, reason), pricesAudit(oldR, oldW), pricesAudit(r, w))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// priceFieldErrors names the fields the way the price form does: the
// reason is one field for both channels, and who made the change is not
// something the editor types.
func priceFieldErrors(ve *ValidationError) error {
	var v ValidationError
	for f, fe := range ve.Fields {
		switch f {
		case "retail.reason", "wholesale.reason":
			v.addError("reason", fe)
		case "retail.created_by", "wholesale.created_by":
			// the actor is checked before any change is made
		default:
			v.addError(f, fe)
		}
	}
	return v.orNil()
}

func priceSummary(p *Product, oldR, oldW, r, w *Breakdown, reason string) string {
	part := func(name string, old, cur *Breakdown) string {
		switch {
		case old == nil:
			return fmt.Sprintf("%s v%d %s", name, cur.Version, Soles(cur.Price).Decimal())
		case old.ID == cur.ID:
			return fmt.Sprintf("%s unchanged (v%d)", name, cur.Version)
		default:
			return fmt.Sprintf("%s v%d %s → v%d %s (paid to artisans %s → %s)", name, old.Version,
				Soles(old.Price).Decimal(), cur.Version, Soles(cur.Price).Decimal(),
				old.PaidToArtisans().Decimal(), cur.PaidToArtisans().Decimal())
		}
	}
	return fmt.Sprintf("prices of %s: %s; %s; reason: %s", p.Slug, part("retail", oldR, r),
		part("wholesale", oldW, w), reason)
}

// BreakdownByID loads one breakdown version of a product.
func (s *Store) BreakdownByID(ctx context.Context, productID, id int64) (*Breakdown, error) {
	var b Breakdown
	if err := s.db.WithContext(ctx).Where("product_id = ?", productID).Take(&b, id).Error; err != nil {
		return nil, dbError(err, fmt.Sprintf("breakdown %d of product %d", id, productID))
	}
	return &b, nil
}

// ---- schema ----

// migrateBackoffice is migration 0003_backoffice: lock versions for
// optimistic concurrency, the audit log, stock movements and uploaded
// media. The audit log and stock movements are append-only in the
// database itself (appendOnly).
func migrateBackoffice(tx *gorm.DB) error {
	if err := execAll(schemaBackoffice)(tx); err != nil {
		return err
	}
	return appendOnlyRows(tx, "audit_log", "stock_movements")
}

const schemaBackoffice = `
ALTER TABLE associations ADD COLUMN lock_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE producer_groups ADD COLUMN lock_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE products ADD COLUMN lock_version BIGINT NOT NULL DEFAULT 1;
CREATE TABLE audit_log (
	id {{id}},
	created_at {{ts}} NOT NULL,
	actor VARCHAR(254) NOT NULL,
	action VARCHAR(40) NOT NULL,
	entity_type VARCHAR(30) NOT NULL,
	entity_id BIGINT NOT NULL,
	summary VARCHAR(1000) NOT NULL,
	before_json TEXT NOT NULL,
	after_json TEXT NOT NULL
);
CREATE INDEX ix_audit_log_entity ON audit_log(entity_type, entity_id, id);
CREATE INDEX ix_audit_log_created ON audit_log(created_at);
CREATE INDEX ix_audit_log_actor ON audit_log(actor);
CREATE TABLE stock_movements (
	id {{id}},
	product_id BIGINT NOT NULL REFERENCES products(id),
	delta INTEGER NOT NULL CHECK (delta <> 0),
	reason VARCHAR(30) NOT NULL CHECK (reason IN ('received_from_group','damaged','count_correction','sold','returned')),
	note VARCHAR(500) NOT NULL,
	actor VARCHAR(254) NOT NULL,
	created_at {{ts}} NOT NULL,
	resulting_stock INTEGER NOT NULL CHECK (resulting_stock >= 0)
);
CREATE INDEX ix_stock_movements_product ON stock_movements(product_id, id);
CREATE TABLE media (
	name VARCHAR(64) PRIMARY KEY,
	content_type VARCHAR(20) NOT NULL CHECK (content_type IN ('image/jpeg','image/png','image/webp')),
	size BIGINT NOT NULL CHECK (size > 0),
	width INTEGER NOT NULL,
	height INTEGER NOT NULL,
	sha256 VARCHAR(64) NOT NULL,
	uploaded_by VARCHAR(254) NOT NULL,
	created_at {{ts}} NOT NULL
);
`
