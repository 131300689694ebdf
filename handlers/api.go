package handlers

import (
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The public JSON API, read-only and versioned: reviewers and resellers use
// it from their own tools. The shapes below are a contract: add fields
// freely, never rename or remove one.

// registerAPI adds /api/v1 routes.
func (s *Server) registerAPI(e *echo.Echo) {
	g := e.Group("/api/v1")
	g.GET("/products", s.cachedCatalog(s.apiProducts))
	g.GET("/products/:slug", s.cached(s.apiProduct))
	g.GET("/groups", s.cached(s.apiGroups))
	g.GET("/groups/:slug", s.cached(s.apiGroup))
	g.GET("/transparency", s.cached(s.apiTransparency))
	g.GET("/ledger/heads", s.cached(s.apiLedgerDailyHeads))
	// Unknown /api paths get JSON 404s, not the HTML page.
	g.Any("/*", func(c echo.Context) error { return errNotFound })
}

type apiList[T any] struct {
	Items   []T   `json:"items"`
	Total   int64 `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
}

type apiGroupRef struct {
	Slug   string        `json:"slug"`
	Name   string        `json:"name"`
	Region models.Region `json:"region"`
}

type apiComponent struct {
	Key    models.ComponentKey `json:"key"`
	Label  string              `json:"label"`
	Amount models.Money        `json:"amount"`
}

type apiBreakdown struct {
	Version            int            `json:"version"`
	Channel            models.Channel `json:"channel"`
	EffectiveFrom      time.Time      `json:"effective_from"`
	Reason             string         `json:"reason"`
	ReasonEn           string         `json:"reason_en,omitempty"`
	Price              models.Money   `json:"price"`
	Components         []apiComponent `json:"components"`
	LocalMarketPrice   models.Money   `json:"local_market_price"`
	PaidToArtisans     models.Money   `json:"paid_to_artisans"`
	Surplus            models.Money   `json:"surplus"`
	LabourMinutes      int            `json:"labour_minutes"`
	EffectiveHourlyPay models.Money   `json:"effective_hourly_pay"`
}

type apiProduct struct {
	Slug                 string        `json:"slug"`
	Name                 string        `json:"name"`
	Craft                models.Craft  `json:"craft"`
	Price                models.Money  `json:"price"`
	Group                apiGroupRef   `json:"group"`
	Stock                int           `json:"stock"`
	ArtisanSharePermille int64         `json:"artisan_share_permille"`
	Image                string        `json:"image"`
	URL                  string        `json:"url"`
	Breakdown            *apiBreakdown `json:"breakdown,omitempty"`
	// Detail-only fields.
	Description        string        `json:"description,omitempty"`
	Technique          string        `json:"technique,omitempty"`
	Materials          string        `json:"materials,omitempty"`
	WholesalePrice     *models.Money `json:"wholesale_price,omitempty"`
	WholesaleMinQty    int           `json:"wholesale_min_qty,omitempty"`
	WholesaleBreakdown *apiBreakdown `json:"wholesale_breakdown,omitempty"`
}

type apiGroup struct {
	Slug            string        `json:"slug"`
	Name            string        `json:"name"`
	Region          models.Region `json:"region"`
	Place           string        `json:"place"`
	Association     string        `json:"association"`
	Craft           models.Craft  `json:"craft"`
	Artisans        int           `json:"artisans"`
	WomenPercent    int           `json:"women_percent"`
	AssemblyCadence string        `json:"assembly_cadence"`
	Story           string        `json:"story,omitempty"`
	Photo           string        `json:"photo"`
	URL             string        `json:"url"`
	Products        *int64        `json:"products,omitempty"`
}

// absURL is path on the shop's public base URL.
func (s *Server) absURL(path string) string { return strings.TrimRight(s.cfg.BaseURL, "/") + path }

func (s *Server) toAPIBreakdown(l *Localizer, b *models.Breakdown) *apiBreakdown {
	if b == nil {
		return nil
	}
	comps := b.Components()
	out := &apiBreakdown{
		Version: b.Version, Channel: b.Channel, EffectiveFrom: b.CreatedAt.UTC(), Reason: b.Reason, ReasonEn: b.ReasonEn,
		Price: b.PriceMoney(), Components: make([]apiComponent, len(comps)),
		LocalMarketPrice: b.LocalMarket(), PaidToArtisans: b.PaidToArtisans(), Surplus: b.Surplus(),
		LabourMinutes: b.LabourMinutes, EffectiveHourlyPay: b.EffectiveHourlyPay(),
	}
	for i, c := range comps {
		out.Components[i] = apiComponent{Key: c.Key, Label: l.ComponentLabel(c.Key), Amount: c.Amount}
	}
	return out
}

func (s *Server) toAPIProduct(l *Localizer, p *models.Product) apiProduct {
	out := apiProduct{
		Slug: p.Slug, Name: p.Name(l.Lang()), Craft: p.Craft, Price: p.Price(), Stock: p.Stock,
		ArtisanSharePermille: p.ArtisanSharePermille(),
		Image:                s.absURL(s.assets.Image(p.Image, p.Craft)),
		URL:                  s.absURL("/products/" + p.Slug),
		Breakdown:            s.toAPIBreakdown(l, p.RetailBreakdown),
	}
	if p.Group != nil {
		out.Group = apiGroupRef{Slug: p.Group.Slug, Name: p.Group.Name, Region: p.Group.Region}
	}
	return out
}

func (s *Server) toAPIGroup(l *Localizer, g *models.Group) apiGroup {
	out := apiGroup{
		Slug: g.Slug, Name: g.Name, Region: g.Region, Place: g.Place, Craft: g.Craft,
		Artisans: g.Artisans, WomenPercent: g.WomenPercent, AssemblyCadence: g.AssemblyCadence,
		Photo: s.absURL(s.assets.Image(g.Photo, g.Craft)), URL: s.absURL("/groups/" + g.Slug),
	}
	if g.Association != nil {
		out.Association = g.Association.Name
	}
	return out
}
