package demo_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/ciap/qhatu/models/demo"
	"github.com/ciap/qhatu/static"
	"gorm.io/gorm"
)

// minHourlyPay is Peru's minimum wage as an hourly figure (S/ 1,130 a
// month ÷ 208 h): the shop commits to paying at least this.
const minHourlyPay = 543

func TestLoad(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		if err := demo.Load(ctx, s); err != nil {
			t.Fatalf("Load: %v", err)
		}

		as, err := s.ListAssociations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 14 {
			t.Errorf("associations = %d, want 14", len(as))
		}
		gs, err := s.ListGroups(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) != 21 {
			t.Errorf("groups = %d, want 21", len(gs))
		}
		perRegion := map[models.Region]int{}
		for _, g := range gs {
			perRegion[g.Region]++
			if g.Products < 3 {
				t.Errorf("group %s has %d products, want at least 3", g.Slug, g.Products)
			}
			if _, err := fs.Stat(static.FS, g.Photo); err != nil {
				t.Errorf("group %s: photo %s: %v", g.Slug, g.Photo, err)
			}
		}
		for _, r := range models.Regions {
			if perRegion[r] == 0 {
				t.Errorf("region %s has no groups", r)
			}
		}

		n, err := s.CountProducts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n < 60 || n != int64(len(demo.Products())) {
			t.Errorf("products = %d, want %d (at least 60)", n, len(demo.Products()))
		}
		ps, err := s.ProductsWithBreakdowns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(ps)) != n {
			t.Errorf("published products = %d, want all %d", len(ps), n)
		}
		var soldOut, featured int
		minPrice, maxPrice := int64(1<<62), int64(0)
		for _, p := range ps {
			checkProduct(t, &p)
			if p.Stock == 0 {
				soldOut++
			}
			if p.Featured {
				featured++
			}
			minPrice, maxPrice = min(minPrice, p.PriceAmount), max(maxPrice, p.PriceAmount)
		}
		if soldOut != 2 {
			t.Errorf("sold-out products = %d, want 2", soldOut)
		}
		if featured < 6 || featured > 10 {
			t.Errorf("featured products = %d, want about 8", featured)
		}
		if minPrice < 2000 || maxPrice > 70000 {
			t.Errorf("prices range from %d to %d céntimos, want S/ 20 … S/ 700", minPrice, maxPrice)
		}

		// The seed wrote through the audited path, as the system.
		for _, kind := range []struct {
			entity string
			want   int64
		}{{models.EntityAssociation, 14}, {models.EntityGroup, 21}, {models.EntityProduct, n}} {
			page, err := s.ListAudit(ctx, models.AuditFilter{Actor: models.SystemActor, EntityType: kind.entity,
				Action: models.ActionCreate})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != kind.want {
				t.Errorf("audit entries for created %ss by %s = %d, want %d", kind.entity, models.SystemActor, page.Total, kind.want)
			}
		}

		// Loading twice is refused with a clear conflict, not a half-loaded catalog.
		err = demo.Load(ctx, s)
		if !errors.Is(err, models.ErrConflict) || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("second Load: err = %v, want an 'already exists' conflict", err)
		}
		if n2, _ := s.CountProducts(ctx); n2 != n {
			t.Errorf("second Load changed the product count from %d to %d", n, n2)
		}
	})
}

func checkProduct(t *testing.T, p *models.Product) {
	t.Helper()
	r, w := p.RetailBreakdown, p.WholesaleBreakdown
	if r == nil || w == nil {
		t.Errorf("%s: missing breakdowns", p.Slug)
		return
	}
	for _, b := range []*models.Breakdown{r, w} {
		if err := b.Validate(); err != nil {
			t.Errorf("%s %s: %v", p.Slug, b.Channel, err)
		}
		if b.Sum() != b.Price {
			t.Errorf("%s %s: components add up to %d, price %d", p.Slug, b.Channel, b.Sum(), b.Price)
		}
		if b.Surplus().Amount <= 0 {
			t.Errorf("%s %s: surplus %d, want > 0", p.Slug, b.Channel, b.Surplus().Amount)
		}
		if h := b.EffectiveHourlyPay().Amount; h < minHourlyPay {
			t.Errorf("%s %s: hourly pay %d below the minimum wage %d", p.Slug, b.Channel, h, minHourlyPay)
		}
		if lm := b.LocalMarketPrice * 100 / b.PaidToArtisans().Amount; lm < 40 || lm > 60 {
			t.Errorf("%s %s: local market price is %d %% of paid to artisans, want 40–60", p.Slug, b.Channel, lm)
		}
		if b.Version != 1 || b.CreatedBy != models.SystemActor || b.Reason == "" {
			t.Errorf("%s %s: version %d by %q", p.Slug, b.Channel, b.Version, b.CreatedBy)
		}
	}
	if r.Channel != models.ChannelRetail || w.Channel != models.ChannelWholesale {
		t.Errorf("%s: channels %s/%s", p.Slug, r.Channel, w.Channel)
	}
	if !models.SameArtisanPay(r, w) {
		t.Errorf("%s: wholesale pays artisans differently from retail", p.Slug)
	}
	if pct := w.Price * 100 / r.Price; pct < 70 || pct > 80 {
		t.Errorf("%s: wholesale is %d %% of retail, want 70–80", p.Slug, pct)
	}
	if want := r.Price * 18 / 118; r.Taxes != want {
		t.Errorf("%s: retail IGV %d, want %d", p.Slug, r.Taxes, want)
	}
	if want := w.Price * 18 / 118; w.Taxes != want {
		t.Errorf("%s: wholesale IGV %d, want %d", p.Slug, w.Taxes, want)
	}
	if share := r.ArtisanLabour * 100 / r.Price; share < 30 || share > 45 {
		t.Errorf("%s: labour is %d %% of the price, want 30–45", p.Slug, share)
	}
	if p.PriceAmount != r.Price || p.WholesalePriceAmount != w.Price || p.PaidToArtisansAmount != r.PaidToArtisans().Amount {
		t.Errorf("%s: product price columns do not match its breakdowns", p.Slug)
	}
	if p.Group == nil || p.Group.Craft != p.Craft {
		t.Errorf("%s: craft %s does not match its group", p.Slug, p.Craft)
	}
	if !models.ValidSKU(p.SKU) || p.SKU == models.DefaultSKU(p.ID) {
		t.Errorf("%s: demo SKU %q", p.Slug, p.SKU)
	}
	if p.WholesalePackStep < 1 || (p.WholesalePackStep > 1 && p.WholesaleMinQty%p.WholesalePackStep != 0) {
		t.Errorf("%s: pack step %d with minimum %d", p.Slug, p.WholesalePackStep, p.WholesaleMinQty)
	}
	if p.Group != nil && (p.Group.LeadTimeDays < 7 || p.Group.LeadTimeDays > 60) {
		t.Errorf("%s: group lead time %d days", p.Slug, p.Group.LeadTimeDays)
	}
	if p.Stock < 0 || p.Stock > 40 || p.WholesaleMinQty < 3 || p.WholesaleMinQty > 12 {
		t.Errorf("%s: stock %d, wholesale minimum %d", p.Slug, p.Stock, p.WholesaleMinQty)
	}
	if !p.Published {
		t.Errorf("%s: not published", p.Slug)
	}
	if _, err := fs.Stat(static.FS, p.Image); err != nil {
		t.Errorf("%s: image %s: %v", p.Slug, p.Image, err)
	}
}

func TestLarge(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		if err := demo.Large(ctx, s, 300); err != nil {
			t.Fatalf("Large: %v", err)
		}
		n, err := s.CountProducts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 300 {
			t.Errorf("products = %d, want 300", n)
		}
		ps, err := s.ProductsWithBreakdowns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			checkProduct(t, &p)
		}
	})
}

// TestData checks the catalog data itself, without a database.
func TestData(t *testing.T) {
	assocs := map[string]models.Region{}
	for _, a := range demo.Associations() {
		if _, dup := assocs[a.Slug]; dup || !models.ValidSlug(a.Slug) {
			t.Errorf("association slug %q is invalid or repeated", a.Slug)
		}
		assocs[a.Slug] = a.Region
	}
	groups := map[string]demo.GroupSpec{}
	artisans := 0
	for _, g := range demo.Groups() {
		if _, dup := groups[g.Slug]; dup || !models.ValidSlug(g.Slug) {
			t.Errorf("group slug %q is invalid or repeated", g.Slug)
		}
		groups[g.Slug] = g
		artisans += g.Artisans
		if r, ok := assocs[g.Association]; !ok || r != g.Region {
			t.Errorf("group %s: association %q missing or in another region", g.Slug, g.Association)
		}
		if g.WomenPercent < 55 || g.WomenPercent > 95 {
			t.Errorf("group %s: %d %% women, want 55–95", g.Slug, g.WomenPercent)
		}
		for _, story := range []string{g.StoryES, g.StoryEN} {
			if n := strings.Count(story, ". ") + 1; n < 3 || n > 5 {
				t.Errorf("group %s: story has %d sentences, want 3–5: %q", g.Slug, n, story)
			}
		}
	}
	if artisans < 650 || artisans > 750 {
		t.Errorf("artisans = %d, want about 700", artisans)
	}
	seen, seenSKU, withTiers := map[string]bool{}, map[string]bool{}, 0
	for _, p := range demo.Products() {
		if seen[p.Slug] || !models.ValidSlug(p.Slug) {
			t.Errorf("product slug %q is invalid or repeated", p.Slug)
		}
		seen[p.Slug] = true
		if g, ok := groups[p.Group]; !ok || g.Craft != p.Craft {
			t.Errorf("product %s: group %q missing or of another craft", p.Slug, p.Group)
		}
		for _, s := range []string{p.NameES, p.NameEN, p.DescriptionES, p.DescriptionEN,
			p.TechniqueES, p.TechniqueEN, p.MaterialsES, p.MaterialsEN} {
			if strings.TrimSpace(s) == "" {
				t.Errorf("product %s: an empty text", p.Slug)
			}
		}
		if p.Image() != "img/products/"+p.Slug+".svg" {
			t.Errorf("product %s: image %s", p.Slug, p.Image())
		}
		_, w, err := p.Breakdowns()
		if err != nil {
			t.Error(err)
			continue
		}
		tiers := p.VolumeTiers(w)
		if err := models.ValidateTiers(w, tiers); err != nil {
			t.Errorf("product %s: volume prices %v: %v", p.Slug, tiers, err)
		}
		if len(tiers) > 0 {
			withTiers++
		}
		if seenSKU[p.SKU] {
			t.Errorf("product %s: SKU %s repeated", p.Slug, p.SKU)
		}
		seenSKU[p.SKU] = true
	}
	if withTiers == 0 {
		t.Error("no demo product has a volume price")
	}
}

// TestPictures checks every illustration cmd/genart wrote: a standalone
// SVG the site's Content-Security-Policy accepts (no inline styles, no
// scripts, nothing external), with a title, under 8 KB.
func TestPictures(t *testing.T) {
	var paths []string
	for _, c := range models.Crafts {
		paths = append(paths, "img/crafts/"+string(c)+".svg")
	}
	for _, g := range demo.Groups() {
		paths = append(paths, g.Photo())
	}
	for _, p := range demo.Products() {
		paths = append(paths, p.Image())
	}
	distinct := map[string]string{}
	for _, path := range paths {
		b, err := fs.ReadFile(static.FS, path)
		if err != nil {
			t.Errorf("%s: %v (run go run ./cmd/genart)", path, err)
			continue
		}
		if prev, dup := distinct[string(b)]; dup {
			t.Errorf("%s is identical to %s", path, prev)
		}
		distinct[string(b)] = path
		checkSVG(t, path, b)
	}
}

func checkSVG(t *testing.T, path string, b []byte) {
	t.Helper()
	if len(b) >= 8<<10 {
		t.Errorf("%s: %d bytes, want < 8 KB", path, len(b))
	}
	s := string(b)
	for _, want := range []string{`<svg xmlns="http://www.w3.org/2000/svg"`, `viewBox="`, `role="img"`, `<title>`} {
		if !strings.Contains(s, want) {
			t.Errorf("%s: missing %s", path, want)
		}
	}
	lower := strings.ToLower(s)
	for _, bad := range []string{"style", "<script", "href", "javascript:", "@import", "<image", "<foreignobject"} {
		if strings.Contains(lower, bad) {
			t.Errorf("%s: contains %q", path, bad)
		}
	}
	if strings.Count(lower, "http") != 1 { // only the xmlns
		t.Errorf("%s: refers to an external resource", path)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	var title string
	inTitle := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Errorf("%s: not well-formed XML: %v", path, err)
			return
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			inTitle = tk.Name.Local == "title"
		case xml.EndElement:
			inTitle = false
		case xml.CharData:
			if inTitle {
				title += string(tk)
			}
		}
	}
	if strings.TrimSpace(title) == "" {
		t.Errorf("%s: empty title", path)
	}
}
