package handlers

import (
	"context"
	"sync"

	"github.com/ciap/qhatu/models"
	lru "github.com/hashicorp/golang-lru/v2"
)

// catalogData keeps what pages read from the catalog between renders, so
// a page cache miss (a new filter, a page whose product just sold) renders
// without querying: listings by their parsed filter, products by slug,
// the shipping zones. Like the page cache, every entry is tagged with the
// catalog version and the product clock's tick it was read at, and is
// read again once the catalog changes or one of its products' stock
// moves. It is on when Config.CatalogMemo is set (qhatu serve sets it;
// tests mostly leave it off, so a change they write to the database
// directly shows at once).
type catalogData struct {
	version  *catalogVersion
	stock    *productClock
	listings *lru.Cache[models.ProductFilter, *listingEntry]
	mu       sync.Mutex
	products map[string]*productEntry // by slug; reset when the version changes
	at       int64                    // the version products belong to
	zones    memo[[]models.ShippingZone]
}

type listingEntry struct {
	version int64
	tick    uint64
	page    models.ProductPage
	ids     []int64
	cards   cardFragments // catalog_cards.go
}

type productEntry struct {
	version int64
	tick    uint64
	p       *models.Product
	pages   productPages // product_fragments.go
}

// maxCatalogListings bounds the listings kept: a page of 100 products
// with their groups is some 200 KB.
const maxCatalogListings = 256

func newCatalogData(version *catalogVersion, stock *productClock) *catalogData {
	l, err := lru.New[models.ProductFilter, *listingEntry](maxCatalogListings)
	if err != nil {
		return nil
	}
	return &catalogData{version: version, stock: stock, listings: l, products: map[string]*productEntry{}}
}

// listProducts is Store.ListProducts through the memo. The page returned
// is shared: callers read it and never change it.
func (s *Server) listProducts(ctx context.Context, f models.ProductFilter) (models.ProductPage, error) {
	page, _, err := s.listProductCards(ctx, f)
	return page, err
}

// listProductCards is listProducts with the listing's kept cards (nil
// without the memo).
func (s *Server) listProductCards(ctx context.Context, f models.ProductFilter) (models.ProductPage, *cardFragments, error) {
	d := s.data
	if d == nil {
		page, err := s.store.ListProducts(ctx, f)
		return page, nil, err
	}
	f.Normalize()
	version, tick := d.version.get(), d.stock.now()
	if e, ok := d.listings.Get(f); ok && e.version == version && d.stock.fresh(e.tick, e.ids) {
		return e.page, &e.cards, nil
	}
	page, err := s.store.ListProducts(ctx, f)
	if err != nil {
		return page, nil, err
	}
	e := &listingEntry{version: version, tick: tick, page: page, ids: productIDs(page.Items)}
	d.listings.Add(f, e)
	return page, &e.cards, nil
}

// productBySlug is Store.ProductBySlug through the memo; the product is
// shared and read only.
func (s *Server) productBySlug(ctx context.Context, slug string) (*models.Product, error) {
	p, _, err := s.productPageBySlug(ctx, slug)
	return p, err
}

// productPageBySlug is productBySlug with what the product keeps of its
// page (nil without the memo).
func (s *Server) productPageBySlug(ctx context.Context, slug string) (*models.Product, *productPages, error) {
	d := s.data
	if d == nil {
		p, err := s.store.ProductBySlug(ctx, slug)
		return p, nil, err
	}
	version, tick := d.version.get(), d.stock.now()
	d.mu.Lock()
	if d.at != version {
		// A catalog change: every product may have changed.
		clear(d.products)
		d.at = version
	}
	e, ok := d.products[slug]
	d.mu.Unlock()
	if ok && e.version == version && d.stock.fresh(e.tick, []int64{e.p.ID}) {
		return e.p, &e.pages, nil
	}
	p, err := s.store.ProductBySlug(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	e = &productEntry{version: version, tick: tick, p: p}
	d.mu.Lock()
	if d.at == version {
		d.products[slug] = e
	}
	d.mu.Unlock()
	return p, &e.pages, nil
}

// shippingZones is Store.ShippingZones, read once per catalog version
// (editing a zone is a catalog change).
func (s *Server) shippingZones(ctx context.Context) ([]models.ShippingZone, error) {
	if s.data == nil {
		return s.store.ShippingZones(ctx)
	}
	return s.data.zones.get(s.data.version.get(), func() ([]models.ShippingZone, error) {
		return s.store.ShippingZones(ctx)
	})
}
