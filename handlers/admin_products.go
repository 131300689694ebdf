package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

func (s *Server) productSpecs(c echo.Context) ([]fieldsetSpec, error) {
	gs, err := s.store.AllGroups(c.Request().Context())
	if err != nil {
		return nil, err
	}
	groupOptions := recordOptions(gs, func(g models.Group) (int64, string, bool) { return g.ID, g.Name, g.Active })
	return []fieldsetSpec{
		{Legend: "admin.product.legend", Fields: []fieldSpec{
			{Name: "name_es", Label: "admin.field.name_es", Type: "text", Required: true, MaxLength: 200, Lang: "es"},
			{Name: "name_en", Label: "admin.field.name_en", Type: "text", Required: true, MaxLength: 200, Lang: "en"},
			{Name: "slug", Label: "admin.field.slug", Hint: "admin.hint.slug", Type: "text", Required: true, MaxLength: 120},
			{Name: "group", Label: "admin.field.group", Type: "select", Required: true, Options: groupOptions},
			{Name: "craft", Label: "admin.field.craft", Type: "select", Required: true, Options: craftOptions},
			{Name: "featured", Label: "admin.field.featured", Type: "checkbox"},
		}},
		{Legend: "admin.product.wholesale", Fields: []fieldSpec{
			{Name: "sku", Label: "admin.field.sku", Hint: "admin.hint.sku", Type: "text", MaxLength: 40},
			{Name: "wholesale_min_qty", Label: "admin.field.wholesale_min_qty", Hint: "admin.hint.wholesale_min_qty",
				Type: "number", Required: true, Min: "1", Max: "10000", Step: "1"},
			{Name: "wholesale_pack_step", Label: "admin.field.wholesale_pack_step", Hint: "admin.hint.wholesale_pack_step",
				Type: "number", Min: "1", Max: "10000", Step: "1"},
			{Name: "tiers", Label: "admin.field.tiers", Hint: "admin.hint.tiers", Type: "textarea", Rows: 3},
		}},
		{Legend: "admin.product.texts", Fields: []fieldSpec{
			{Name: "description_es", Label: "admin.field.description_es", Type: "textarea", Rows: 5, Lang: "es"},
			{Name: "description_en", Label: "admin.field.description_en", Type: "textarea", Rows: 5, Lang: "en"},
			{Name: "technique_es", Label: "admin.field.technique_es", Type: "text", MaxLength: 300, Lang: "es"},
			{Name: "technique_en", Label: "admin.field.technique_en", Type: "text", MaxLength: 300, Lang: "en"},
			{Name: "materials_es", Label: "admin.field.materials_es", Type: "text", MaxLength: 300, Lang: "es"},
			{Name: "materials_en", Label: "admin.field.materials_en", Type: "text", MaxLength: 300, Lang: "en"},
		}},
	}, nil
}

func productValues(p *models.Product) url.Values {
	featured := ""
	if p.Featured {
		featured = "on"
	}
	return url.Values{"name_es": {p.NameES}, "name_en": {p.NameEN}, "slug": {p.Slug},
		"group": {strconv.FormatInt(p.GroupID, 10)}, "craft": {string(p.Craft)},
		"wholesale_min_qty": {strconv.Itoa(p.WholesaleMinQty)}, "featured": {featured},
		"sku": {p.SKU}, "wholesale_pack_step": {strconv.Itoa(max(p.WholesalePackStep, 1))}, "tiers": {tiersText(p.Tiers, "\n")},
		"description_es": {p.DescriptionES}, "description_en": {p.DescriptionEN},
		"technique_es": {p.TechniqueES}, "technique_en": {p.TechniqueEN},
		"materials_es": {p.MaterialsES}, "materials_en": {p.MaterialsEN}}
}

// tiersText writes volume tiers as "12 = 80.00" (from 12 pieces, S/
// 80.00 each), the way the form's field takes them, joined by sep (a new
// line in the form, "; " in the price list's cell).
func tiersText(ts []models.VolumeTier, sep string) string {
	lines := make([]string, len(ts))
	for i, t := range ts {
		lines[i] = strconv.Itoa(t.MinQty) + " = " + models.Soles(t.Price).Decimal()
	}
	return strings.Join(lines, sep)
}

// parseTiers reads the tiers field: one "quantity = price" per line
// (":" works too), blank lines skipped. A line that does not read is a
// message on the field; the store checks the tiers themselves. A form
// without the field keeps the product's tiers (nil).
func parseTiers(f *formReader, name string) []models.VolumeTier {
	if _, sent := f.v[name]; !sent {
		return nil
	}
	out := []models.VolumeTier{} // not nil: an empty field removes the tiers
	for i, line := range strings.Split(f.v.Get(name), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		q, p, ok := strings.Cut(line, "=")
		if !ok {
			q, p, ok = strings.Cut(line, ":")
		}
		qty, err := strconv.Atoi(strings.TrimSpace(q))
		price, perr := models.ParseAmount(strings.TrimSpace(p))
		if !ok || err != nil || perr != nil || len(out) >= models.MaxVolumeTiers {
			f.fail(name, "admin.error.tiers_format", "Row", i+1, "Max", models.MaxVolumeTiers)
			return nil
		}
		out = append(out, models.VolumeTier{MinQty: qty, Price: price, Currency: models.PEN})
	}
	return out
}

func parseProduct(f *formReader) *models.Product {
	return &models.Product{NameES: f.str("name_es"), NameEN: f.str("name_en"), Slug: f.str("slug"),
		GroupID: f.id("group"), Craft: models.Craft(f.str("craft")),
		WholesaleMinQty: f.integer("wholesale_min_qty", true), Featured: f.checkbox("featured"),
		SKU: f.str("sku"), WholesalePackStep: f.integer("wholesale_pack_step", false), Tiers: parseTiers(f, "tiers"),
		DescriptionES: f.str("description_es"), DescriptionEN: f.str("description_en"),
		TechniqueES: f.str("technique_es"), TechniqueEN: f.str("technique_en"),
		MaterialsES: f.str("materials_es"), MaterialsEN: f.str("materials_en")}
}

// adminProductsView is the product list with its search.
type adminProductsView struct {
	adminView
	Query     string
	Published string
	Page      models.ProductPage
	Pager     pager
}

// adminProducts lists products, drafts included, with a search.
func (s *Server) adminProducts(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	pageN, err := intParam(c, "page", 1, 1, maxPage)
	if err != nil {
		return err
	}
	f := models.AdminProductFilter{Query: c.QueryParam("q"), Published: c.QueryParam("published"), Page: pageN, PerPage: 50}
	if f.Published != "" && f.Published != "yes" && f.Published != "no" {
		return badInput("error.param_unknown", "Param", "published", "Value", f.Published)
	}
	page, err := s.store.AdminProducts(c.Request().Context(), f)
	if err != nil {
		return err
	}
	v := adminProductsView{adminView: s.newAdminView(c, l, "products"), Query: f.Query, Published: f.Published,
		Page: page, Pager: newPager("/admin/products", c.QueryParams(), page.Page, page.Pages())}
	return s.renderAdmin(c, http.StatusOK, "admin_products", l.T("admin.products.title"), l, v)
}

func (s *Server) productForm(c echo.Context, l *Localizer, p *models.Product) recordFormView {
	v := s.newRecordForm(c, l, "products", "/admin/products", "admin.products.title")
	if p == nil || p.ID == 0 {
		v.Facts = []adminFact{{l.T("admin.field.status"), l.T("admin.product.draft_note")}}
		return v
	}
	base := idPath("/admin/products", p.ID)
	v.edits(l, "/admin/products", p.ID, p.LockVersion)
	status, price := l.T("admin.status.draft"), l.T("admin.product.no_prices")
	if p.Published {
		status = l.T("admin.status.published")
	}
	if p.RetailBreakdownID != nil {
		price = l.Money(p.Price()) + " · " + l.T("admin.product.wholesale_short") + " " + l.Money(p.WholesalePrice())
	}
	v.Facts = []adminFact{{l.T("admin.field.status"), status}, {l.T("admin.field.price"), price},
		{l.T("admin.field.stock"), strconv.Itoa(p.Stock)}}
	publish := adminAction{URL: base + "/published",
		Hidden: []adminHidden{{"lock_version", strconv.FormatInt(p.LockVersion, 10)}}}
	if p.Published {
		publish.Label, publish.Hint, publish.Danger = l.T("admin.action.unpublish"), l.T("admin.action.unpublish_hint"), true
		publish.Hidden = append(publish.Hidden, adminHidden{"published", "0"})
	} else {
		publish.Label, publish.Hint = l.T("admin.action.publish"), l.T("admin.action.publish_hint")
		publish.Hidden = append(publish.Hidden, adminHidden{"published", "1"})
	}
	v.Actions = []adminAction{publish}
	v.Links = []adminLink{{base + "/prices", l.T("admin.prices.title")}, {base + "/stock", l.T("admin.stock.title")},
		{base + "/image", l.T("admin.image.title")}, {auditLink(models.EntityProduct, p.ID), l.T("admin.audit.of_record")}}
	if p.Published {
		v.Links = append(v.Links, adminLink{"/products/" + p.Slug, l.T("admin.link.public_page")},
			adminLink{"/products/" + p.Slug + "/history", l.T("pricehistory.link")})
	}
	return v
}

// productWithTiers loads a product, published or not, with its volume
// tiers, for its form.
func (s *Server) productWithTiers(ctx context.Context, id int64) (*models.Product, error) {
	p, err := s.store.ProductByID(ctx, id)
	if err != nil {
		return nil, err
	}
	ts, err := s.store.VolumeTiers(ctx, id)
	if err != nil {
		return nil, err
	}
	p.Tiers = ts[id]
	return p, nil
}

func (s *Server) productKind() recordKind[*models.Product] {
	return recordKind[*models.Product]{s: s, base: "/admin/products", entity: models.EntityProduct,
		newTitle: "admin.product.new", defaults: url.Values{"wholesale_min_qty": {"1"}, "wholesale_pack_step": {"1"}},
		specs: s.productSpecs, form: s.productForm, values: productValues,
		title: func(l *Localizer, p *models.Product) string { return p.Name(l.Lang()) },
		id:    func(p *models.Product) int64 { return p.ID },
		byID:  s.productWithTiers,
		parse: parseProduct, validate: models.ValidateProduct,
		add: (*models.Editor).CreateProduct,
		change: func(e *models.Editor, ctx context.Context, p *models.Product, id, seen int64) error {
			p.ID, p.LockVersion = id, seen
			return e.UpdateProduct(ctx, p)
		},
		flag: "published", done: map[bool]string{true: "published", false: "unpublished"},
		setFlag: (*models.Editor).SetProductPublished}
}
