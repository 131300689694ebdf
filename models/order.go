package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PaymentMethod is how a buyer pays an order.
type PaymentMethod string

// Payment methods.
const (
	PaymentCard         PaymentMethod = "card"          // Stripe Checkout
	PaymentBankTransfer PaymentMethod = "bank_transfer" // recorded by staff
)

// Valid reports whether m is a known method.
func (m PaymentMethod) Valid() bool { return m == PaymentCard || m == PaymentBankTransfer }

// Address is where an order goes. Country is an ISO 3166-1 alpha-2 code;
// in Peru, Region is one of PeruRegions' codes, so the shipping zone
// follows from it.
type Address struct {
	Country    string `gorm:"size:2;not null"`
	Region     string `gorm:"size:80;not null"`
	City       string `gorm:"size:120;not null"`
	Line       string `gorm:"column:address_line;size:300;not null"`
	PostalCode string `gorm:"size:20;not null"`
}

// Customer is who buys and where the order goes.
type Customer struct {
	Email   string  `gorm:"size:254;not null"`
	Name    string  `gorm:"size:160;not null"`
	Phone   string  `gorm:"size:40;not null"`
	Address Address `gorm:"embedded"`
}

var (
	countryRE = regexp.MustCompile(`^[A-Z]{2}$`)
	phoneRE   = regexp.MustCompile(`^\+?[0-9(][0-9 ()-]{5,28}[0-9]$`)
)

// Validate trims and checks the customer's fields; field names are the
// checkout form's.
func (c *Customer) Validate() error {
	var v ValidationError
	a := &c.Address
	c.Email = NormalizeEmail(c.Email)
	for _, f := range []*string{&c.Name, &c.Phone, &a.Country, &a.Region, &a.City, &a.Line, &a.PostalCode} {
		*f = strings.TrimSpace(*f)
	}
	a.Country = strings.ToUpper(a.Country)
	if !ValidEmail(c.Email) {
		v.add("email", CodeEmail)
	}
	lengths := []struct {
		field, val string
		max        int
		required   bool
	}{
		{"name", c.Name, 160, true}, {"city", a.City, 120, true}, {"address", a.Line, 300, true},
		{"region", a.Region, 80, true}, {"postal_code", a.PostalCode, 20, false},
	}
	for _, l := range lengths {
		switch {
		case l.required && l.val == "":
			v.add(l.field, CodeRequired)
		case len([]rune(l.val)) > l.max:
			v.add(l.field, CodeTooLong, "Max", l.max)
		}
	}
	if !phoneRE.MatchString(c.Phone) {
		v.add("phone", CodePhone)
	}
	if !countryRE.MatchString(a.Country) {
		v.add("country", CodeCountry)
	} else if a.Country == CountryPeru && a.Region != "" && !ValidPeruRegion(a.Region) {
		v.add("region", CodeRegion)
	}
	return v.orNil()
}

// Order is a buyer's order. Its totals are computed on the server from
// the catalog when it is placed, and its lines keep the breakdown each
// piece was sold under.
type Order struct {
	ID       int64         `gorm:"primaryKey"`
	Number   string        `gorm:"size:20;not null"` // Q-YYYY-NNNNNN
	Token    string        `gorm:"size:64;not null"` // the private link's secret
	Channel  Channel       `gorm:"size:12;not null"`
	Status   OrderStatus   `gorm:"size:20;not null"`
	UserID   *int64        // the account that placed it, if signed in
	Customer Customer      `gorm:"embedded"`
	Method   PaymentMethod `gorm:"column:payment_method;size:20;not null"`
	// Lang is the language the buyer checked out in ("es", "en"): the
	// order's mails are written in it.
	Lang string `gorm:"size:2;not null"`

	ShippingZoneID   int64            `gorm:"not null"`
	ShippingZoneCode ShippingZoneCode `gorm:"size:20;not null"`
	ShippingMinDays  int              `gorm:"not null"`
	ShippingMaxDays  int              `gorm:"not null"`

	Currency       Currency `gorm:"size:3;not null"`
	ItemsAmount    int64    `gorm:"not null"`
	ShippingAmount int64    `gorm:"not null"`
	TotalAmount    int64    `gorm:"not null"`

	// ExpiresAt is when an unpaid order is cancelled and its stock released.
	ExpiresAt       time.Time `gorm:"not null"`
	PaidAt          *time.Time
	CancelledAt     *time.Time
	StockReleasedAt *time.Time
	// NeedsAttention flags an order staff must look at (a payment refused
	// for a wrong amount, a payment after expiry); AttentionNote says why.
	NeedsAttention    bool   `gorm:"not null"`
	AttentionNote     string `gorm:"size:1000;not null"`
	CheckoutSessionID *string
	CreatedAt         time.Time
	UpdatedAt         time.Time

	Lines []OrderLine `gorm:"foreignKey:OrderID"`
	// Production is what placing a wholesale order asked the groups to
	// make (ProductionOrdersOf reads it back).
	Production []ProductionOrder   `gorm:"-"`
	Payments   []Payment           `gorm:"foreignKey:OrderID"`
	History    []OrderStatusChange `gorm:"foreignKey:OrderID"`

	// stockMoves are the stock movements the change that returned the
	// order wrote (placing it, releasing its stock), for afterStockMoved.
	stockMoves []StockMove
}

// TableName is part of the migration history.
func (Order) TableName() string { return "orders" }

func (o *Order) money(a int64) Money { return Money{Amount: a, Currency: o.Currency} }

// Items is the lines' total.
func (o *Order) Items() Money { return o.money(o.ItemsAmount) }

// Shipping is what shipping costs.
func (o *Order) Shipping() Money { return o.money(o.ShippingAmount) }

// Total is what the buyer pays: items + shipping.
func (o *Order) Total() Money { return o.money(o.TotalAmount) }

// AppliedPayments are the payments received and the refunds sent back,
// oldest first (its payments loaded); refused ones are staff's to settle
// with the buyer.
func (o *Order) AppliedPayments() []Payment {
	var out []Payment
	for _, p := range o.Payments {
		if p.Outcome == PaymentApplied {
			out = append(out, p)
		}
	}
	return out
}

// Refunded is what the order's applied refunds gave back.
func (o *Order) Refunded() Money {
	r := o.money(0)
	for _, p := range o.AppliedPayments() {
		if p.Kind == KindRefund {
			r.Amount += p.Amount
		}
	}
	return r
}

// PaidToArtisans adds what the lines pay the artisans, from their snapshots.
func (o *Order) PaidToArtisans() Money {
	t := o.money(0)
	for i := range o.Lines {
		t = t.Add(o.Lines[i].PaidToArtisans())
	}
	return t
}

// ProductIDs lists the products the order sold, for the caller to drop
// their cached pages once the order's transaction commits.
func (o *Order) ProductIDs() []int64 {
	ids := make([]int64, len(o.Lines))
	for i, l := range o.Lines {
		ids[i] = l.ProductID
	}
	return ids
}

// OrderLine is one product of an order with a snapshot of the retail
// breakdown it was sold under: fulfillment computes the ledger from the
// line alone, whatever the catalog says later. Lines are append-only.
type OrderLine struct {
	ID               int64    `gorm:"primaryKey"`
	OrderID          int64    `gorm:"not null"`
	LineNo           int      `gorm:"not null"`
	ProductID        int64    `gorm:"not null"`
	ProductSlug      string   `gorm:"size:120;not null"`
	ProductNameES    string   `gorm:"column:product_name_es;size:200;not null"`
	ProductNameEN    string   `gorm:"column:product_name_en;size:200;not null"`
	GroupID          int64    `gorm:"not null"`
	BreakdownID      int64    `gorm:"not null"`
	BreakdownVersion int      `gorm:"not null"`
	Currency         Currency `gorm:"size:3;not null"`
	Quantity         int      `gorm:"not null"`
	UnitPrice        int64    `gorm:"not null"`
	LineTotal        int64    `gorm:"not null"`

	ArtisanLabour    int64 `gorm:"not null"`
	ArtisanMaterials int64 `gorm:"not null"`
	CommunityFund    int64 `gorm:"not null"`
	CIAPOperations   int64 `gorm:"column:ciap_operations;not null"`
	Logistics        int64 `gorm:"not null"`
	PaymentFees      int64 `gorm:"not null"`
	Taxes            int64 `gorm:"not null"`
	Margin           int64 `gorm:"not null"`
	LocalMarketPrice int64 `gorm:"not null"`
	LabourMinutes    int   `gorm:"not null"`
	CreatedAt        time.Time
}

// TableName is part of the migration history.
func (OrderLine) TableName() string { return "order_lines" }

// Name picks the product's name, as sold, for a language.
func (l *OrderLine) Name(lang string) string { return pick(lang, l.ProductNameES, l.ProductNameEN) }

// Unit is the price per piece as sold.
func (l *OrderLine) Unit() Money { return Money{Amount: l.UnitPrice, Currency: l.Currency} }

// Total is unit price × quantity.
func (l *OrderLine) Total() Money { return Money{Amount: l.LineTotal, Currency: l.Currency} }

// Breakdown rebuilds the breakdown version the line was sold under from
// its snapshot (per piece), so its figures (paid to artisans, surplus,
// hourly pay) are computed the way the catalog computes them.
func (l *OrderLine) Breakdown() *Breakdown {
	return &Breakdown{ID: l.BreakdownID, ProductID: l.ProductID, Channel: ChannelRetail,
		Version: l.BreakdownVersion, Currency: l.Currency, Price: l.UnitPrice,
		ArtisanLabour: l.ArtisanLabour, ArtisanMaterials: l.ArtisanMaterials, CommunityFund: l.CommunityFund,
		CIAPOperations: l.CIAPOperations, Logistics: l.Logistics, PaymentFees: l.PaymentFees,
		Taxes: l.Taxes, Margin: l.Margin, LocalMarketPrice: l.LocalMarketPrice, LabourMinutes: l.LabourMinutes}
}

// PaidToArtisans is what the whole line pays the artisans.
func (l *OrderLine) PaidToArtisans() Money {
	return l.Breakdown().PaidToArtisans().Mul(int64(l.Quantity))
}

// snapshotLine copies the breakdown b a product is sold under into a line.
func snapshotLine(p *Product, b *Breakdown, qty int) OrderLine {
	return OrderLine{ProductID: p.ID, ProductSlug: p.Slug, ProductNameES: p.NameES, ProductNameEN: p.NameEN,
		GroupID: p.GroupID, BreakdownID: b.ID, BreakdownVersion: b.Version, Currency: b.Currency,
		Quantity: qty, UnitPrice: b.Price,
		ArtisanLabour: b.ArtisanLabour, ArtisanMaterials: b.ArtisanMaterials, CommunityFund: b.CommunityFund,
		CIAPOperations: b.CIAPOperations, Logistics: b.Logistics, PaymentFees: b.PaymentFees,
		Taxes: b.Taxes, Margin: b.Margin, LocalMarketPrice: b.LocalMarketPrice, LabourMinutes: b.LabourMinutes}
}

// OrderInput is what a checkout asks for. It carries no price: prices,
// totals and shipping come from the database.
type OrderInput struct {
	// Channel is retail (the default) or wholesale: the caller decides it
	// from the signed-in role (ChannelFor), never from the request. A
	// wholesale order needs UserID.
	Channel  Channel
	UserID   *int64
	Customer Customer
	Method   PaymentMethod
	// Lang is the buyer's language for the order's mails; anything but
	// "en" means Spanish.
	Lang string
	// ExpiresAt is when the order is cancelled if unpaid (from the
	// configured card or transfer delay).
	ExpiresAt time.Time
	Lines     []OrderLineInput
	// Actor is named in the status history and stock movements; empty
	// means the customer's email.
	Actor string
	// MinItemsAmount is the wholesale minimum order value (céntimos): a
	// wholesale order whose lines add up to less is refused. Ignored at
	// retail.
	MinItemsAmount int64
}

// OrderLineInput asks for some pieces of a product.
type OrderLineInput struct {
	ProductID int64
	Quantity  int
	// MadeToOrder (wholesale): the pieces beyond stock become a
	// production order for the product's group.
	MadeToOrder bool
}

// ErrSoldOut matches a SoldOutError.
var ErrSoldOut = errors.New("sold out")

// Shortage is one line an order could not take: the product and how many
// pieces are left (0 also when it is no longer for sale).
type Shortage struct {
	ProductID int64
	Slug      string
	NameES    string
	NameEN    string
	Requested int
	Available int
}

// SoldOutError lists every line short of stock; nothing was written.
type SoldOutError struct{ Shortages []Shortage }

func (e *SoldOutError) Error() string {
	parts := make([]string, len(e.Shortages))
	for i, s := range e.Shortages {
		parts[i] = fmt.Sprintf("%s: %d asked, %d left", s.Slug, s.Requested, s.Available)
	}
	return "not enough stock: " + strings.Join(parts, "; ")
}

// Is lets errors.Is(err, ErrSoldOut) match.
func (e *SoldOutError) Is(target error) bool { return target == ErrSoldOut }

// ErrTotalTooLarge refuses an order whose totals would overflow.
var ErrTotalTooLarge = fmt.Errorf("%w: order total too large", ErrInvalid)

// MaxOrderLines bounds the lines of one order.
const MaxOrderLines = MaxCartLines

// Validate checks what the buyer chose and merges lines of the same
// product. It does not look at stock or prices.
func (in *OrderInput) Validate(now time.Time) error {
	err := in.Customer.Validate()
	var v ValidationError
	if ve := (*ValidationError)(nil); errors.As(err, &ve) {
		v = *ve
	}
	if in.Channel == "" {
		in.Channel = ChannelRetail
	}
	if !in.Channel.Valid() || (in.Channel == ChannelWholesale && in.UserID == nil) {
		v.add("channel", CodeRetailOnly)
	}
	if !in.Method.Valid() {
		v.add("payment_method", CodePaymentMethod)
	}
	if !in.ExpiresAt.After(now) {
		v.add("expires_at", CodeFuture)
	}
	merged, mto := map[int64]int{}, map[int64]bool{}
	for _, l := range in.Lines {
		if l.Quantity < 1 || l.Quantity > MaxStockDelta {
			v.add("quantity", CodeQuantity, "Max", MaxStockDelta)
			continue
		}
		merged[l.ProductID] += l.Quantity // bounded: cannot overflow
		// Only a wholesale line may be made to order.
		mto[l.ProductID] = mto[l.ProductID] || (l.MadeToOrder && in.Channel == ChannelWholesale)
	}
	switch {
	case len(merged) == 0:
		v.add("lines", CodeCartEmpty)
	case len(merged) > maxLines(in.Channel):
		v.add("lines", CodeTooManyLines, "Max", maxLines(in.Channel))
	}
	in.Lines = make([]OrderLineInput, 0, len(merged))
	for id, q := range merged {
		in.Lines = append(in.Lines, OrderLineInput{ProductID: id, Quantity: q, MadeToOrder: mto[id]})
	}
	// Products in id order: two orders lock their stock rows in the same
	// order and never deadlock.
	sort.Slice(in.Lines, func(i, j int) bool { return in.Lines[i].ProductID < in.Lines[j].ProductID })
	in.Lang = orderLanguage(in.Lang)
	in.Actor = strings.TrimSpace(in.Actor)
	if in.Actor == "" {
		in.Actor = in.Customer.Email
	}
	return v.orNil()
}

// shopTime is Peru's time (no daylight saving), which dates order numbers.
var shopTime = time.FixedZone("PET", -5*60*60)

// CreateOrder places an order in one transaction (a savepoint inside a
// caller's Tx): it prices the lines from the catalog's current retail
// breakdowns and snapshots them, adds the address's shipping zone, gives
// the order its number and private token, takes each line's stock with a
// conditional update and a "sold" stock movement, and records the first
// status, pending_payment. If any line lacks stock nothing is written and
// a SoldOutError names every short line.
func (s *Store) CreateOrder(ctx context.Context, in OrderInput) (*Order, error) {
	now := time.Now().UTC()
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	var o *Order
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		o, err = createOrder(tx, in, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.afterStockMoved(o.stockMoves)
	return o, nil
}

func createOrder(tx *gorm.DB, in OrderInput, now time.Time) (*Order, error) {
	o, err := createUnnumbered(tx, in, now)
	if err != nil {
		return nil, err
	}
	return o, numberOrder(tx, o, now)
}

// createUnnumbered writes the order, its lines, stock movements and first
// status, under a provisional number: numberOrder gives it its own.
func createUnnumbered(tx *gorm.DB, in OrderInput, now time.Time) (*Order, error) {
	zone, err := shippingZone(tx, ZoneFor(in.Customer.Address))
	if err != nil {
		return nil, err
	}
	var (
		lines []OrderLine
		short []Shortage
		plan  map[int64]toMake // wholesale: pieces made to order, by product
	)
	if in.Channel == ChannelWholesale {
		lines, plan, err = priceWholesaleLines(tx, in.Lines)
	} else {
		lines, short, err = priceLines(tx, in.Lines)
	}
	if err != nil {
		return nil, err
	}
	if len(short) > 0 {
		return nil, &SoldOutError{Shortages: short}
	}
	o := &Order{Channel: in.Channel, Status: StatusPendingPayment, UserID: in.UserID, Customer: in.Customer,
		Method: in.Method, Lang: in.Lang, ShippingZoneID: zone.ID, ShippingZoneCode: zone.Code,
		ShippingMinDays: zone.MinDays, ShippingMaxDays: zone.MaxDays, Currency: PEN,
		ShippingAmount: zone.RateAmount, ExpiresAt: in.ExpiresAt.UTC(), CreatedAt: now, UpdatedAt: now}
	for _, l := range lines {
		if l.Currency != o.Currency || zone.Currency != o.Currency {
			return nil, fmt.Errorf("product %s is priced in %s, the shop in %s", l.ProductSlug, l.Currency, o.Currency)
		}
		if o.ItemsAmount, err = addAmounts(o.ItemsAmount, l.LineTotal); err != nil {
			return nil, err
		}
	}
	if in.Channel == ChannelWholesale && o.ItemsAmount < in.MinItemsAmount {
		return nil, Invalid("lines", CodeBelowMinOrder, "Min", Money{Amount: in.MinItemsAmount, Currency: o.Currency})
	}
	if o.TotalAmount, err = addAmounts(o.ItemsAmount, o.ShippingAmount); err != nil {
		return nil, err
	}
	if o.Token, err = NewOrderToken(); err != nil {
		return nil, err
	}
	// The year's counter row is the one lock every order shares: its
	// number is taken last, just before commit, so the lock is held as
	// briefly as possible. Until then the order carries a provisional
	// number from its token, which no other transaction can see.
	o.Number = "~" + o.Token[:19]
	if err := tx.Omit(clause.Associations).Create(o).Error; err != nil {
		return nil, dbError(err, "create order")
	}
	for i := range lines {
		lines[i].OrderID, lines[i].LineNo, lines[i].CreatedAt = o.ID, i+1, now
	}
	if err := tx.Create(&lines).Error; err != nil {
		return nil, fmt.Errorf("create lines of order %s: %w", o.Number, err)
	}
	var todo []toMake
	for i, l := range lines {
		take := l.Quantity
		if m := plan[l.ProductID]; m.qty > 0 {
			// The rows are locked (priceWholesaleLines): what was in
			// stock then is in stock now.
			take -= m.qty
			todo = append(todo, toMake{line: &lines[i], qty: m.qty, leadDays: m.leadDays})
		}
		if take == 0 {
			continue
		}
		m, err := adjustStock(tx, in.Actor, StockAdjustment{ProductID: l.ProductID, Delta: -take,
			Reason: StockSold, Note: "order placed", OrderID: &o.ID})
		var ne *NotEnoughStockError
		switch {
		case err == nil:
			o.stockMoves = append(o.stockMoves, stockMovesOf(m)...)
		case errors.As(err, &ne):
			short = append(short, Shortage{ProductID: l.ProductID, Slug: l.ProductSlug, NameES: l.ProductNameES,
				NameEN: l.ProductNameEN, Requested: l.Quantity, Available: ne.InStock})
		case err != nil:
			return nil, err
		}
	}
	if len(short) > 0 {
		return nil, &SoldOutError{Shortages: short}
	}
	if len(todo) > 0 {
		if o.Production, err = createProductionOrders(tx, o.ID, todo, now); err != nil {
			return nil, err
		}
	}
	if err := recordStatus(tx, o.ID, "", StatusPendingPayment, in.Actor, "order placed"); err != nil {
		return nil, err
	}
	o.Lines = lines
	return o, nil
}

// numberOrder gives a new order the next number of the year, as the last
// write of its transaction. Numbers have no gaps (an order rolled back
// gives its number back, so reviewers can tell none is missing), so
// every checkout waits for the one before it to commit from this point:
// the shorter the rest of its transaction, the more checkouts a second.
// On PostgreSQL the counter and the order move in one statement.
func numberOrder(tx *gorm.DB, o *Order, now time.Time) error {
	year := now.In(shopTime).Year()
	if tx.Dialector.Name() != "postgres" {
		number, err := nextOrderNumber(tx, year)
		if err != nil {
			return err
		}
		if err := tx.Model(&Order{}).Where("id = ?", o.ID).Update("number", number).Error; err != nil {
			return dbError(err, "number order "+number)
		}
		o.Number = number
		return nil
	}
	var got []struct {
		LastNumber int64
		Number     string
	}
	err := rawScan(tx, &got, `WITH n AS (INSERT INTO order_counters (year, last_number) VALUES (?, 1)
	ON CONFLICT (year) DO UPDATE SET last_number = order_counters.last_number + 1 RETURNING last_number)
UPDATE orders SET number = CAST(? AS text) || lpad(CAST(n.last_number AS text), 6, '0'),
	updated_at = ? FROM n WHERE orders.id = ? RETURNING n.last_number, orders.number`,
		year, fmt.Sprintf("Q-%04d-", year), now, o.ID)
	if err != nil {
		return fmt.Errorf("number order %d: %w", o.ID, err)
	}
	if len(got) != 1 || got[0].Number != FormatOrderNumber(year, got[0].LastNumber) {
		return fmt.Errorf("number order %d: the counter gave %+v", o.ID, got)
	}
	o.Number = got[0].Number
	return nil
}

// priceLines snapshots each asked line from its product's current retail
// breakdown. Lines whose product is not for sale, or visibly short of
// stock, are returned as shortages (the conditional update decides in
// the end: this only spares a doomed order the number counter's lock).
func priceLines(tx *gorm.DB, asked []OrderLineInput) ([]OrderLine, []Shortage, error) {
	ids := make([]int64, len(asked))
	for i, l := range asked {
		ids[i] = l.ProductID
	}
	var ps []Product
	if err := tx.Joins("RetailBreakdown").Where("products.id IN ?", ids).Find(&ps).Error; err != nil {
		return nil, nil, fmt.Errorf("products of the order: %w", err)
	}
	byID := make(map[int64]*Product, len(ps))
	for i := range ps {
		byID[ps[i].ID] = &ps[i]
	}
	var (
		lines []OrderLine
		short []Shortage
	)
	for _, l := range asked {
		p := byID[l.ProductID]
		switch {
		case p == nil:
			short = append(short, Shortage{ProductID: l.ProductID, Slug: fmt.Sprint(l.ProductID), Requested: l.Quantity})
			continue
		case !forSale(p) || p.RetailBreakdown == nil:
			short = append(short, Shortage{ProductID: p.ID, Slug: p.Slug, NameES: p.NameES, NameEN: p.NameEN,
				Requested: l.Quantity})
			continue
		case p.Stock < l.Quantity:
			short = append(short, Shortage{ProductID: p.ID, Slug: p.Slug, NameES: p.NameES, NameEN: p.NameEN,
				Requested: l.Quantity, Available: p.Stock})
			continue
		}
		line := snapshotLine(p, p.RetailBreakdown, l.Quantity)
		total, err := mulAmount(line.UnitPrice, l.Quantity)
		if err != nil {
			return nil, nil, err
		}
		line.LineTotal = total
		lines = append(lines, line)
	}
	return lines, short, nil
}

// priceWholesaleLines locks the products' rows (in id order, so what is
// in stock stays so until commit), checks the lines as the grid does
// (wholesale price or tier, minimum, pack step, stock unless made to
// order) and snapshots each from the breakdown it is sold under. Any
// problem refuses the order with a WholesaleLinesError. plan says, per
// product, how many pieces are made to order and the group's lead time.
func priceWholesaleLines(tx *gorm.DB, asked []OrderLineInput) ([]OrderLine, map[int64]toMake, error) {
	ids := make([]int64, len(asked))
	in := make([]WholesaleLineInput, len(asked))
	for i, l := range asked {
		ids[i] = l.ProductID
		in[i] = WholesaleLineInput{ProductID: l.ProductID, Quantity: l.Quantity, MadeToOrder: l.MadeToOrder}
	}
	var locked []int64
	if err := forUpdate(tx.Model(&Product{})).Where("id IN ?", ids).Order("id").Pluck("id", &locked).Error; err != nil {
		return nil, nil, fmt.Errorf("lock products of the order: %w", err)
	}
	checks, err := checkWholesale(tx, in)
	if err != nil {
		return nil, nil, err
	}
	lines := make([]OrderLine, 0, len(checks))
	plan := map[int64]toMake{}
	for _, c := range checks {
		if !c.OK() {
			return nil, nil, &WholesaleLinesError{Checks: checks}
		}
	}
	for _, c := range checks {
		line := snapshotLine(c.Product, c.Terms.Breakdown, c.Input.Quantity)
		line.LineTotal = c.Total.Amount
		lines = append(lines, line)
		if n := c.ToMake(); n > 0 {
			plan[c.Product.ID] = toMake{qty: n, leadDays: c.LeadTimeDays}
		}
	}
	return lines, plan, nil
}

func addAmounts(a, b int64) (int64, error) {
	if b > 0 && a > math.MaxInt64-b {
		return 0, ErrTotalTooLarge
	}
	return a + b, nil
}

func mulAmount(a int64, n int) (int64, error) {
	if n > 0 && a > math.MaxInt64/int64(n) {
		return 0, ErrTotalTooLarge
	}
	return a * int64(n), nil
}

// OrderTokenLen is the length of an order's private token: 24 random
// bytes, URL-safe base64.
const OrderTokenLen = 32

// NewOrderToken makes a private link's secret from crypto/rand.
func NewOrderToken() (string, error) {
	b := make([]byte, OrderTokenLen*3/4)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("order token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// nextOrderNumber bumps the year's counter in the order's transaction:
// numbers are unique, and an order rolled back gives its number back.
func nextOrderNumber(tx *gorm.DB, year int) (string, error) {
	var n []int64
	err := rawScan(tx, &n, `INSERT INTO order_counters (year, last_number) VALUES (?, 1)
	ON CONFLICT (year) DO UPDATE SET last_number = order_counters.last_number + 1
	RETURNING last_number`, year)
	if err != nil {
		return "", fmt.Errorf("next order number of %d: %w", year, err)
	}
	if len(n) != 1 {
		return "", fmt.Errorf("next order number of %d: the counter returned %d rows", year, len(n))
	}
	return FormatOrderNumber(year, n[0]), nil
}

// FormatOrderNumber spells an order number: Q-YYYY-NNNNNN.
func FormatOrderNumber(year int, n int64) string { return fmt.Sprintf("Q-%04d-%06d", year, n) }

var orderNumberRE = regexp.MustCompile(`^Q-[0-9]{4}-[0-9]{6}$`)

// ValidOrderNumber reports whether s is spelled as an order number.
func ValidOrderNumber(s string) bool { return orderNumberRE.MatchString(s) }
