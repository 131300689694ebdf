package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// A cart belongs to a visitor (a random token the caller keeps in the
// session) or to an account; a guest cart merges into the account's at
// sign-in. It holds products and quantities only: prices are always read
// from the catalog, never stored here.

// Cart is a visitor's or an account's cart row.
type Cart struct {
	ID        int64   `gorm:"primaryKey"`
	Token     *string `gorm:"size:64"`
	UserID    *int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName is part of the migration history.
func (Cart) TableName() string { return "carts" }

// CartLine is one product in a cart.
type CartLine struct {
	ID        int64 `gorm:"primaryKey"`
	CartID    int64 `gorm:"not null"`
	ProductID int64 `gorm:"not null"`
	Quantity  int   `gorm:"not null"`
	// MadeToOrder (wholesale): the pieces above stock are to be made by
	// the group, see PlaceOrder.
	MadeToOrder bool `gorm:"not null"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName is part of the migration history.
func (CartLine) TableName() string { return "cart_lines" }

// CartKey says whose cart: the signed-in user's when UserID is set, else
// the visitor's token. Channel is the channel the cart is priced and
// checked at, which the caller derives from the signed-in role
// (ChannelFor), never from the request; empty means retail.
type CartKey struct {
	Token   string
	UserID  int64
	Channel Channel
}

// wholesale reports whether the cart is a reseller's.
func (k CartKey) wholesale() bool { return k.Channel == ChannelWholesale && k.UserID != 0 }

// NewCartToken makes a visitor's cart token (kept in the session; it
// outlives the session token's renewal at sign-in).
func NewCartToken() (string, error) { return NewOrderToken() }

// MaxCartTokenLen bounds a visitor token.
const MaxCartTokenLen = 64

// MaxCartLines bounds the distinct products in one cart (and order).
const MaxCartLines = 50

// Errors of the cart. QuantityError and CartFullError match them.
var (
	ErrQuantity    = fmt.Errorf("%w: quantity", ErrInvalid)
	ErrUnavailable = fmt.Errorf("%w: product not for sale", ErrInvalid)
	ErrCartFull    = fmt.Errorf("%w: cart full", ErrInvalid)
	errNoCartKey   = errors.New("cart without a token or user")
)

// QuantityError refuses a quantity that is not between 1 and the stock.
type QuantityError struct {
	ProductID int64
	Slug      string
	Requested int
	Available int // pieces in stock
}

func (e *QuantityError) Error() string {
	if e.Requested < 1 {
		return fmt.Sprintf("quantity of %s must be at least 1 (got %d)", e.Slug, e.Requested)
	}
	return fmt.Sprintf("only %d of %s in stock, %d asked", e.Available, e.Slug, e.Requested)
}

// Is lets errors.Is(err, ErrQuantity) match.
func (e *QuantityError) Is(target error) bool { return target == ErrQuantity || target == ErrInvalid }

// CartItem is one cart line with its product as the catalog has it now.
type CartItem struct {
	Product     *Product // with its current retail (and wholesale) breakdown
	Quantity    int
	MadeToOrder bool
	// Wholesale is the line's check in a reseller's cart: its price at
	// this quantity (tier applied) and its problems; nil at retail.
	Wholesale *WholesaleLineCheck
}

// Price is the catalog's price per piece now: wholesale (tier applied) in
// a reseller's cart, retail otherwise.
func (i *CartItem) Price() Money {
	if i.Wholesale != nil && i.Wholesale.Terms != nil {
		return i.Wholesale.UnitPrice
	}
	return i.Product.Price()
}

// Total is price × quantity.
func (i *CartItem) Total() Money { return i.Price().Mul(int64(i.Quantity)) }

// ToMake is how many pieces of a wholesale line would be made to order.
func (i *CartItem) ToMake() int {
	if i.Wholesale == nil {
		return 0
	}
	return i.Wholesale.ToMake()
}

// PaidToArtisans is what the line pays the artisans (labour, materials
// and community fund).
func (i *CartItem) PaidToArtisans() Money {
	return Money{Amount: i.Product.PaidToArtisansAmount * int64(i.Quantity), Currency: i.Product.Currency}
}

// Buyable reports whether the line can be ordered as it is: the product is
// for sale and has the pieces.
func (i *CartItem) Buyable() bool {
	if i.Wholesale != nil {
		return i.Wholesale.OK()
	}
	return forSale(i.Product) && i.Quantity <= i.Product.Stock
}

// CartView is a cart priced from the catalog.
type CartView struct {
	Channel Channel
	Items   []CartItem
}

// Wholesale reports whether the cart is priced at wholesale.
func (c *CartView) Wholesale() bool { return c.Channel == ChannelWholesale }

// Buyable reports whether every line can be ordered as it is.
func (c *CartView) Buyable() bool {
	for i := range c.Items {
		if !c.Items[i].Buyable() {
			return false
		}
	}
	return len(c.Items) > 0
}

// Count is the number of pieces, for the header's cart link.
func (c *CartView) Count() int {
	n := 0
	for _, i := range c.Items {
		n += i.Quantity
	}
	return n
}

// ItemsTotal adds the lines at today's catalog prices.
func (c *CartView) ItemsTotal() Money {
	t := Soles(0)
	for i := range c.Items {
		t = t.Add(c.Items[i].Total())
	}
	return t
}

// PaidToArtisans adds what the lines pay the artisans.
func (c *CartView) PaidToArtisans() Money {
	t := Soles(0)
	for i := range c.Items {
		t = t.Add(c.Items[i].PaidToArtisans())
	}
	return t
}

// OrderLines turns the cart into the lines CreateOrder takes.
func (c *CartView) OrderLines() []OrderLineInput {
	out := make([]OrderLineInput, len(c.Items))
	for i, it := range c.Items {
		out[i] = OrderLineInput{ProductID: it.Product.ID, Quantity: it.Quantity, MadeToOrder: it.MadeToOrder}
	}
	return out
}

// forSale reports whether a product can be put in a cart or ordered.
func forSale(p *Product) bool {
	return p.Published && p.RetailBreakdownID != nil && p.PriceAmount > 0
}

func (k CartKey) where(tx *gorm.DB) (*gorm.DB, error) {
	switch {
	case k.UserID != 0:
		return tx.Where("user_id = ?", k.UserID), nil
	case k.Token != "" && len(k.Token) <= MaxCartTokenLen:
		return tx.Where("token = ?", k.Token), nil
	}
	return nil, errNoCartKey
}

// findCart returns the cart's id, or 0 when it has none.
func findCart(tx *gorm.DB, k CartKey) (int64, error) {
	q, err := k.where(tx.Model(&Cart{}))
	if err != nil {
		return 0, err
	}
	var ids []int64
	if err := q.Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("find cart: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

// ensureCart returns the cart's id, creating it if needed (two requests
// creating the same cart at once make one); created says this call made
// it, so it has no lines yet.
func ensureCart(tx *gorm.DB, k CartKey) (id int64, created bool, err error) {
	id, err = findCart(tx, k)
	if err != nil || id != 0 {
		return id, false, err
	}
	c := Cart{}
	if k.UserID != 0 {
		c.UserID = &k.UserID
	} else {
		c.Token = &k.Token
	}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&c)
	if res.Error != nil {
		return 0, false, fmt.Errorf("create cart: %w", res.Error)
	}
	if res.RowsAffected == 1 && c.ID != 0 {
		return c.ID, true, nil
	}
	// Another request made it first.
	id, err = findCart(tx, k)
	return id, false, err
}

// Cart returns the cart priced from the catalog, empty when there is none
// (reading a cart never creates one). Lines are in the order they were
// added; a line whose product is no longer for sale, or has fewer pieces
// than asked, is kept and reports Buyable false.
func (s *Store) Cart(ctx context.Context, k CartKey) (*CartView, error) {
	return cartView(s.db.WithContext(ctx), k)
}

// CartCount is Cart(k).Count() in one query, for the page header: the
// pieces on the lines whose product still exists, 0 when there is no cart.
func (s *Store) CartCount(ctx context.Context, k CartKey) (int, error) {
	carts, err := k.where(s.db.WithContext(ctx).Model(&Cart{}).Select("id"))
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.db.WithContext(ctx).Model(&CartLine{}).
		Joins("JOIN products ON products.id = cart_lines.product_id").
		Where("cart_lines.cart_id IN (?)", carts).
		Select("COALESCE(SUM(cart_lines.quantity), 0)").Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("cart count: %w", err)
	}
	return n, nil
}

func cartView(tx *gorm.DB, k CartKey) (*CartView, error) {
	id, err := findCart(tx, k)
	if err != nil || id == 0 {
		return &CartView{}, err
	}
	var lines []CartLine
	if err := tx.Where("cart_id = ?", id).Order("id").Find(&lines).Error; err != nil {
		return nil, fmt.Errorf("cart lines: %w", err)
	}
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.ProductID
	}
	if k.wholesale() {
		return wholesaleCartView(tx, lines)
	}
	var ps []Product
	if len(ids) > 0 {
		if err := tx.Joins("RetailBreakdown").Where("products.id IN ?", ids).Find(&ps).Error; err != nil {
			return nil, fmt.Errorf("cart products: %w", err)
		}
	}
	byID := make(map[int64]*Product, len(ps))
	for i := range ps {
		byID[ps[i].ID] = &ps[i]
	}
	v := &CartView{Channel: ChannelRetail}
	for _, l := range lines {
		if p := byID[l.ProductID]; p != nil {
			v.Items = append(v.Items, CartItem{Product: p, Quantity: l.Quantity})
		}
	}
	return v, nil
}

// wholesaleCartView prices a reseller's cart lines the way the grid
// checks them: wholesale price or tier, minimum, pack step, stock.
func wholesaleCartView(tx *gorm.DB, lines []CartLine) (*CartView, error) {
	in := make([]WholesaleLineInput, len(lines))
	for i, l := range lines {
		in[i] = WholesaleLineInput{ProductID: l.ProductID, Quantity: l.Quantity, MadeToOrder: l.MadeToOrder}
	}
	checks, err := checkWholesale(tx, in)
	if err != nil {
		return nil, err
	}
	v := &CartView{Channel: ChannelWholesale}
	for i := range checks {
		c := &checks[i]
		if c.Product == nil {
			continue // the product is gone
		}
		v.Items = append(v.Items, CartItem{Product: c.Product, Quantity: c.Input.Quantity,
			MadeToOrder: c.Input.MadeToOrder, Wholesale: c})
	}
	return v, nil
}

// checkQuantity loads the product and checks that qty pieces of it can be
// bought now.
func checkQuantity(tx *gorm.DB, productID int64, qty int) error {
	var p Product
	if err := tx.Select("id", "slug", "stock", "published", "retail_breakdown_id", "price_amount").
		Take(&p, productID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("product %d: %w", productID, ErrUnavailable)
		}
		return dbError(err, fmt.Sprintf("product %d", productID))
	}
	if !forSale(&p) {
		return fmt.Errorf("product %s: %w", p.Slug, ErrUnavailable)
	}
	if qty < 1 || qty > p.Stock {
		return &QuantityError{ProductID: p.ID, Slug: p.Slug, Requested: qty, Available: p.Stock}
	}
	return nil
}

// AddToCart adds qty pieces of a product to the cart (creating the cart),
// on top of what the line already holds. The new quantity must be between
// 1 and the stock: a QuantityError says how many there are.
func (s *Store) AddToCart(ctx context.Context, k CartKey, productID int64, qty int) error {
	return s.setCartLine(ctx, k, productID, func(current int) int { return current + qty }, qty)
}

// SetCartQuantity sets a line's quantity (adding the line if needed),
// between 1 and the stock.
func (s *Store) SetCartQuantity(ctx context.Context, k CartKey, productID int64, qty int) error {
	return s.setCartLine(ctx, k, productID, func(int) int { return qty }, qty)
}

func (s *Store) setCartLine(ctx context.Context, k CartKey, productID int64, next func(current int) int, asked int) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if asked < 1 {
			return checkQuantity(tx, productID, asked) // names the product
		}
		cartID, created, err := ensureCart(tx, k)
		if err != nil {
			return err
		}
		var lines []CartLine
		if !created {
			if err := tx.Where("cart_id = ?", cartID).Find(&lines).Error; err != nil {
				return fmt.Errorf("cart lines: %w", err)
			}
		}
		current, madeToOrder := 0, false
		for _, l := range lines {
			if l.ProductID == productID {
				current, madeToOrder = l.Quantity, l.MadeToOrder
			}
		}
		if current == 0 && len(lines) >= maxLines(k.Channel) {
			return fmt.Errorf("cart has %d products already: %w", len(lines), ErrCartFull)
		}
		qty := next(current)
		if k.wholesale() {
			// A reseller's line holds the wholesale rules too: minimum,
			// pack step, stock unless made to order.
			if err := checkWholesaleLine(tx, productID, qty, madeToOrder); err != nil {
				return err
			}
		} else if err := checkQuantity(tx, productID, qty); err != nil {
			return err
		}
		return upsertCartLine(tx, cartID, productID, qty, madeToOrder, !created)
	})
}

// upsertCartLine saves a line; touch marks the cart changed too (a cart
// made in the same transaction was stamped then).
func upsertCartLine(tx *gorm.DB, cartID, productID int64, qty int, madeToOrder, touch bool) error {
	now := time.Now().UTC()
	l := CartLine{CartID: cartID, ProductID: productID, Quantity: qty, MadeToOrder: madeToOrder,
		CreatedAt: now, UpdatedAt: now}
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "cart_id"}, {Name: "product_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"quantity", "made_to_order", "updated_at"}),
	}).Create(&l).Error
	if err != nil {
		return fmt.Errorf("save cart line: %w", err)
	}
	if !touch {
		return nil
	}
	if err := tx.Model(&Cart{}).Where("id = ?", cartID).Update("updated_at", now).Error; err != nil {
		return fmt.Errorf("touch cart: %w", err)
	}
	return nil
}

// RemoveFromCart drops a product's line; removing what is not there is
// not an error.
func (s *Store) RemoveFromCart(ctx context.Context, k CartKey, productID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		id, err := findCart(tx, k)
		if err != nil || id == 0 {
			return err
		}
		if err := tx.Where("cart_id = ? AND product_id = ?", id, productID).Delete(&CartLine{}).Error; err != nil {
			return fmt.Errorf("remove cart line: %w", err)
		}
		return nil
	})
}

// ClearCart empties the cart: checkout calls it in the order's
// transaction.
func (s *Store) ClearCart(ctx context.Context, k CartKey) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		id, err := findCart(tx, k)
		if err != nil || id == 0 {
			return err
		}
		if err := tx.Where("cart_id = ?", id).Delete(&CartLine{}).Error; err != nil {
			return fmt.Errorf("clear cart: %w", err)
		}
		return nil
	})
}

// MergeCarts moves a guest's cart into the account's at sign-in: lines
// of the same product add up (capped at the stock, so the merge never
// fails for lack of pieces), and the guest cart is removed. Without an
// account cart, the guest cart simply becomes the account's.
func (s *Store) MergeCarts(ctx context.Context, guestToken string, userID int64) error {
	if guestToken == "" || userID == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		guestID, err := findCart(tx, CartKey{Token: guestToken})
		if err != nil || guestID == 0 {
			return err
		}
		userCart, err := findCart(tx, CartKey{UserID: userID})
		if err != nil {
			return err
		}
		if userCart == 0 {
			err := tx.Model(&Cart{}).Where("id = ?", guestID).
				Updates(map[string]any{"user_id": userID, "token": nil, "updated_at": time.Now().UTC()}).Error
			if err != nil {
				return fmt.Errorf("give guest cart to user %d: %w", userID, err)
			}
			return nil
		}
		var lines []CartLine
		if err := tx.Where("cart_id IN ?", []int64{guestID, userCart}).Find(&lines).Error; err != nil {
			return fmt.Errorf("lines to merge: %w", err)
		}
		want, kept, mto := map[int64]int{}, map[int64]bool{}, map[int64]bool{}
		for _, l := range lines {
			want[l.ProductID] += l.Quantity
			kept[l.ProductID] = kept[l.ProductID] || l.CartID == userCart
			mto[l.ProductID] = mto[l.ProductID] || (l.MadeToOrder && l.CartID == userCart)
		}
		n := 0
		for _, k := range kept {
			if k {
				n++
			}
		}
		ids := make([]int64, 0, len(want))
		for id := range want {
			ids = append(ids, id)
		}
		var stock []Product
		if err := tx.Select("id", "stock").Where("id IN ?", ids).Order("id").Find(&stock).Error; err != nil {
			return fmt.Errorf("stock of merged lines: %w", err)
		}
		for _, p := range stock {
			if !kept[p.ID] {
				if n >= MaxCartLines {
					continue // the account's cart is full: the guest's extra lines go
				}
				n++
			}
			q := want[p.ID]
			if !mto[p.ID] {
				q = min(q, p.Stock) // a made-to-order line is meant to pass the stock
			}
			if q >= 1 {
				if err := upsertCartLine(tx, userCart, p.ID, q, mto[p.ID], true); err != nil {
					return err
				}
			}
		}
		if err := tx.Delete(&Cart{}, guestID).Error; err != nil {
			return fmt.Errorf("remove merged guest cart: %w", err)
		}
		return nil
	})
}

// PurgeGuestCarts removes guest carts untouched since before, and reports
// how many.
func (s *Store) PurgeGuestCarts(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("user_id IS NULL AND updated_at < ?", before.UTC()).Delete(&Cart{})
	if res.Error != nil {
		return 0, fmt.Errorf("purge guest carts: %w", res.Error)
	}
	return res.RowsAffected, nil
}
