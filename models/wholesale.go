package models

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"
)

// Wholesale: the channel is decided on the server from the signed-in
// role (ChannelFor), never from the request. A reseller's cart key
// carries ChannelWholesale; its lines are priced from each product's
// wholesale breakdown or volume tier, and checked against the product's
// minimum, pack step and stock (or marked made to order). The quick-order
// grid and the spreadsheet upload go through CheckWholesaleLines and
// AddWholesaleLines.

// ChannelFor is the channel a signed-in role shops at: resellers at
// wholesale, everyone else at retail.
func ChannelFor(r Role) Channel {
	if r == RoleReseller {
		return ChannelWholesale
	}
	return ChannelRetail
}

// MaxWholesaleLines bounds the distinct products of a wholesale cart and
// order: the grid offers the whole catalog at once.
const MaxWholesaleLines = 200

// MaxWholesaleInputs bounds the lines one check reads (rows of a sheet).
const MaxWholesaleInputs = 5000

// maxLines is the bound on distinct products of a cart of the channel.
func maxLines(ch Channel) int {
	if ch == ChannelWholesale {
		return MaxWholesaleLines
	}
	return MaxCartLines
}

// ErrWholesaleOnly refuses wholesale lines for a cart that is not a
// reseller's.
var ErrWholesaleOnly = fmt.Errorf("%w: wholesale lines need a reseller's cart", ErrInvalid)

// WholesaleLineInput is one line asked for (grid row or spreadsheet row).
type WholesaleLineInput struct {
	Row         int    // 1-based row in the source (0 for the grid)
	Ref         string // product slug or SKU, as typed (trimmed, case-insensitive)
	ProductID   int64  // when known (grid); 0 → resolve Ref
	Quantity    int
	MadeToOrder bool // the part above stock is made to order
}

// WholesaleProblem is one thing wrong with a line. Min, Step and Stock
// are the product's, for the message ("wholesale.problem.<code>").
type WholesaleProblem struct {
	Code             Code
	Min, Step, Stock int
	MaxQty, LeadTime int
}

// WholesaleLineCheck is the verdict on one input line.
type WholesaleLineCheck struct {
	Input        WholesaleLineInput // merged: Quantity summed, Row the first row
	Rows         []int              // every source row merged into this line
	Product      *Product           // nil when unknown
	Problems     []WholesaleProblem // empty = fine
	UnitPrice    Money              // wholesale unit price at this quantity (tier applied)
	Total        Money
	InStock      int // available now
	LeadTimeDays int // group's lead time (for the made-to-order offer)
	// Terms is the breakdown the line would be sold under now.
	Terms *WholesaleTerms
}

// OK reports whether the line has no problem.
func (c *WholesaleLineCheck) OK() bool { return len(c.Problems) == 0 }

// Has reports whether the line has a problem with the code.
func (c *WholesaleLineCheck) Has(code Code) bool {
	for _, p := range c.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

// ToMake is how many of the line's pieces would be made to order.
func (c *WholesaleLineCheck) ToMake() int {
	if !c.Input.MadeToOrder || c.Input.Quantity <= c.InStock {
		return 0
	}
	return c.Input.Quantity - c.InStock
}

// WholesaleLinesError refuses wholesale lines when any has a problem: it
// carries every line's check, good ones included, and nothing was written.
type WholesaleLinesError struct{ Checks []WholesaleLineCheck }

func (e *WholesaleLinesError) Error() string {
	var parts []string
	for _, c := range e.Checks {
		for _, p := range c.Problems {
			ref := c.Input.Ref
			if c.Product != nil {
				ref = c.Product.Slug
			}
			parts = append(parts, fmt.Sprintf("row %d %s: %s", c.Input.Row, ref, p.Code))
		}
	}
	return "wholesale lines refused: " + strings.Join(parts, "; ")
}

// Is lets errors.Is(err, ErrInvalid) match.
func (e *WholesaleLinesError) Is(target error) bool { return target == ErrInvalid }

// Bad lists the checks with problems.
func (e *WholesaleLinesError) Bad() []WholesaleLineCheck {
	var out []WholesaleLineCheck
	for _, c := range e.Checks {
		if !c.OK() {
			out = append(out, c)
		}
	}
	return out
}

// CheckWholesaleLines merges duplicate products (sum quantities,
// remembering the rows) and checks every line; no writes. Lines come back
// in the order of their first row; unknown references are not merged.
func (s *Store) CheckWholesaleLines(ctx context.Context, lines []WholesaleLineInput) ([]WholesaleLineCheck, error) {
	return checkWholesale(s.db.WithContext(ctx), lines)
}

// wholesaleForSale reports whether a product can be sold at wholesale.
func wholesaleForSale(p *Product) bool {
	return forSale(p) && p.WholesaleBreakdownID != nil && p.WholesaleBreakdown != nil && p.WholesalePriceAmount > 0
}

func checkWholesale(tx *gorm.DB, lines []WholesaleLineInput) ([]WholesaleLineCheck, error) {
	if len(lines) > MaxWholesaleInputs {
		return nil, Invalid("lines", CodeTooManyLines, "Max", MaxWholesaleInputs)
	}
	ps, err := wholesaleProducts(tx, lines)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Product, len(ps))
	bySlug := make(map[string]*Product, len(ps))
	bySKU := make(map[string]*Product, len(ps))
	ids := make([]int64, 0, len(ps))
	for i := range ps {
		p := &ps[i]
		byID[p.ID], bySlug[p.Slug], bySKU[p.SKU] = p, p, p
		ids = append(ids, p.ID)
	}
	tiers, err := volumeTiers(tx, ids)
	if err != nil {
		return nil, err
	}
	var out []WholesaleLineCheck
	at := map[int64]int{} // product → index in out
	for _, in := range lines {
		in.Ref = strings.TrimSpace(in.Ref)
		var p *Product
		switch {
		case in.ProductID != 0:
			p = byID[in.ProductID]
		case in.Ref != "":
			if p = bySlug[strings.ToLower(in.Ref)]; p == nil {
				p = bySKU[NormalizeSKU(in.Ref)]
			}
		}
		if p == nil {
			out = append(out, WholesaleLineCheck{Input: in, Rows: []int{in.Row},
				Problems: []WholesaleProblem{{Code: CodeUnknownProduct}}})
			continue
		}
		if i, ok := at[p.ID]; ok {
			c := &out[i]
			c.Rows = append(c.Rows, in.Row)
			c.Input.MadeToOrder = c.Input.MadeToOrder || in.MadeToOrder
			if in.Quantity < 1 || c.Input.Quantity < 1 {
				c.Input.Quantity = min(c.Input.Quantity, in.Quantity) // a bad row keeps the line bad
			} else {
				c.Input.Quantity = min(c.Input.Quantity+in.Quantity, MaxStockDelta+1)
			}
			continue
		}
		in.ProductID = p.ID
		at[p.ID] = len(out)
		out = append(out, WholesaleLineCheck{Input: in, Rows: []int{in.Row}, Product: p})
	}
	for i := range out {
		if c := &out[i]; c.Product != nil {
			judgeWholesale(c, tiers[c.Product.ID])
		}
	}
	return out, nil
}

// wholesaleProducts loads, with group and wholesale breakdown, the
// products the lines name by ID, slug or SKU.
func wholesaleProducts(tx *gorm.DB, lines []WholesaleLineInput) ([]Product, error) {
	var ids []int64
	var refs, skus []string
	for _, l := range lines {
		ref := strings.TrimSpace(l.Ref)
		switch {
		case l.ProductID != 0:
			ids = append(ids, l.ProductID)
		case ref != "" && len(ref) <= 120:
			refs, skus = append(refs, strings.ToLower(ref)), append(skus, NormalizeSKU(ref))
		}
	}
	var ps []Product
	if len(ids)+len(refs) == 0 {
		return ps, nil
	}
	q := tx.Joins("Group").Joins("WholesaleBreakdown")
	switch {
	case len(ids) > 0 && len(refs) > 0:
		q = q.Where("products.id IN ? OR products.slug IN ? OR products.sku IN ?", ids, refs, skus)
	case len(ids) > 0:
		q = q.Where("products.id IN ?", ids)
	default:
		q = q.Where("products.slug IN ? OR products.sku IN ?", refs, skus)
	}
	if err := q.Order("products.id").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("products of wholesale lines: %w", err)
	}
	return ps, nil
}

// judgeWholesale fills a known product's line: its problems, price and
// stock.
func judgeWholesale(c *WholesaleLineCheck, tiers []VolumeTier) {
	p, q := c.Product, c.Input.Quantity
	step := max(p.WholesalePackStep, 1)
	c.InStock = p.Stock
	if p.Group != nil {
		c.LeadTimeDays = p.Group.LeadTimeDays
	}
	add := func(code Code) {
		c.Problems = append(c.Problems, WholesaleProblem{Code: code, Min: p.WholesaleMinQty, Step: step,
			Stock: p.Stock, MaxQty: MaxStockDelta, LeadTime: c.LeadTimeDays})
	}
	if !wholesaleForSale(p) || (p.Group != nil && !p.Group.Active) {
		add(CodeNotForSale)
		return
	}
	if q < 1 || q > MaxStockDelta {
		add(CodeQuantity)
		return
	}
	if q < p.WholesaleMinQty {
		add(CodeBelowMinimum)
	}
	if q%step != 0 {
		add(CodeNotPackMultiple)
	}
	if q > p.Stock && !c.Input.MadeToOrder {
		add(CodeAboveStock)
	}
	c.Terms = wholesaleTerms(p, tiers, q)
	c.UnitPrice = c.Terms.Breakdown.PriceMoney()
	if total, err := mulAmount(c.UnitPrice.Amount, q); err == nil {
		c.Total = Money{Amount: total, Currency: c.UnitPrice.Currency}
	} else {
		add(CodeQuantity)
	}
}

// AddWholesaleLines re-checks the lines and puts every one into the
// reseller's cart in ONE transaction: all or nothing. A product already
// in the cart gets the asked quantity (and made-to-order choice) in
// place of its old one: the grid and the sheet say how many the reseller
// wants. Refusals: ErrWholesaleOnly for a cart that is not a reseller's,
// a *WholesaleLinesError listing every line when any has a problem, a
// *ValidationError when no line is asked or the cart would pass
// MaxWholesaleLines products; nothing is written then.
func (s *Store) AddWholesaleLines(ctx context.Context, k CartKey, lines []WholesaleLineInput) error {
	if k.Channel != ChannelWholesale || k.UserID == 0 {
		return ErrWholesaleOnly
	}
	if len(lines) == 0 {
		return Invalid("lines", CodeCartEmpty)
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		checks, err := checkWholesale(tx, lines)
		if err != nil {
			return err
		}
		for _, c := range checks {
			if !c.OK() {
				return &WholesaleLinesError{Checks: checks}
			}
		}
		cartID, _, err := ensureCart(tx, k)
		if err != nil {
			return err
		}
		var have []int64
		if err := tx.Model(&CartLine{}).Where("cart_id = ?", cartID).Pluck("product_id", &have).Error; err != nil {
			return fmt.Errorf("cart lines: %w", err)
		}
		distinct := map[int64]bool{}
		for _, id := range have {
			distinct[id] = true
		}
		for _, c := range checks {
			distinct[c.Product.ID] = true
		}
		if len(distinct) > MaxWholesaleLines {
			return Invalid("lines", CodeTooManyLines, "Max", MaxWholesaleLines)
		}
		sort.SliceStable(checks, func(i, j int) bool { return checks[i].Product.ID < checks[j].Product.ID })
		for _, c := range checks {
			if err := upsertCartLine(tx, cartID, c.Product.ID, c.Input.Quantity, c.Input.MadeToOrder, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkWholesaleLine checks one wholesale cart line as it would become
// (setCartLine for a reseller's cart).
func checkWholesaleLine(tx *gorm.DB, productID int64, qty int, madeToOrder bool) error {
	checks, err := checkWholesale(tx, []WholesaleLineInput{{ProductID: productID, Quantity: qty, MadeToOrder: madeToOrder}})
	if err != nil {
		return err
	}
	if len(checks) != 1 || checks[0].Product == nil {
		return fmt.Errorf("product %d: %w", productID, ErrUnavailable)
	}
	if !checks[0].OK() {
		return &WholesaleLinesError{Checks: checks}
	}
	return nil
}
