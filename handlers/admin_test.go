package handlers_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"html"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// adminShop is a test server with a small catalog made through the back
// office's store: one association, one group and one published product
// with prices (retail 100.00, wholesale 90.00) and 3 pieces in stock.
type adminShop struct {
	*testServer
	product *models.Product
	group   *models.Group
	assoc   *models.Association
}

func retailPrices() url.Values {
	return url.Values{
		"retail.price": {"100.00"}, "retail.artisan_labour": {"35.00"}, "retail.artisan_materials": {"8.00"},
		"retail.community_fund": {"2.00"}, "retail.ciap_operations": {"12.00"}, "retail.logistics": {"9.00"},
		"retail.payment_fees": {"4.00"}, "retail.taxes": {"15.25"}, "retail.margin": {"14.75"},
		"wholesale.price": {"90.00"}, "wholesale.artisan_labour": {"35.00"}, "wholesale.artisan_materials": {"8.00"},
		"wholesale.community_fund": {"2.00"}, "wholesale.ciap_operations": {"12.00"}, "wholesale.logistics": {"9.00"},
		"wholesale.payment_fees": {"4.00"}, "wholesale.taxes": {"15.25"}, "wholesale.margin": {"4.75"},
		"local_market_price": {"25.00"}, "labour_minutes": {"360"},
	}
}

func newAdminShop(t *testing.T, db *gorm.DB, opts ...testOption) *adminShop {
	t.Helper()
	ts := newTestServer(t, db, opts...)
	ctx := context.Background()
	ed := ts.Store.Editor("seed@ciap.example")
	s := &adminShop{testServer: ts}
	s.assoc = &models.Association{Slug: "asoc-quinua", Name: "Asociación Quinua", Region: models.RegionAyacucho}
	if err := ed.CreateAssociation(ctx, s.assoc); err != nil {
		t.Fatal(err)
	}
	s.group = &models.Group{Slug: "ceramistas-quinua", Name: "Ceramistas de Quinua", AssociationID: s.assoc.ID,
		Region: models.RegionAyacucho, Place: "Quinua", Craft: models.CraftCeramics, Artisans: 12,
		WomenPercent: 75, AssemblyCadence: models.CadenceMonthly, StoryES: "Historia", StoryEN: "Story"}
	if err := ed.CreateGroup(ctx, s.group); err != nil {
		t.Fatal(err)
	}
	p := &models.Product{Slug: "iglesia-de-quinua", NameES: "Iglesia de Quinua", NameEN: "Quinua church",
		DescriptionES: "Cerámica", DescriptionEN: "Ceramic", Craft: models.CraftCeramics, GroupID: s.group.ID,
		WholesaleMinQty: 6}
	if err := ed.CreateProduct(ctx, p); err != nil {
		t.Fatal(err)
	}
	r := &models.Breakdown{Price: 10000, ArtisanLabour: 3500, ArtisanMaterials: 800, CommunityFund: 200,
		CIAPOperations: 1200, Logistics: 900, PaymentFees: 400, Taxes: 1525, Margin: 1475,
		LocalMarketPrice: 2500, LabourMinutes: 360}
	w := *r
	w.Price, w.Margin = 9000, 475
	ch, err := ed.SaveBreakdowns(ctx, p.ID, p.LockVersion, r, &w, "first fair price")
	if err != nil {
		t.Fatal(err)
	}
	if err := ed.SetProductPublished(ctx, p.ID, ch.LockVersion, true); err != nil {
		t.Fatal(err)
	}
	if _, err := ed.AdjustStock(ctx, models.StockAdjustment{ProductID: p.ID, Delta: 3, Reason: models.StockReceived}); err != nil {
		t.Fatal(err)
	}
	s.reload(t)
	return s
}

func (s *adminShop) reload(t *testing.T) {
	t.Helper()
	p, err := s.Store.ProductByID(context.Background(), s.product0ID())
	if err != nil {
		t.Fatal(err)
	}
	s.product = p
}

func (s *adminShop) product0ID() int64 {
	if s.product != nil {
		return s.product.ID
	}
	page, _ := s.Store.AdminProducts(context.Background(), models.AdminProductFilter{})
	return page.Items[0].ID
}

func (s *adminShop) path(suffix string) string {
	return "/admin/products/" + strconv.FormatInt(s.product.ID, 10) + suffix
}

// checkPage fails on markup problems (the storefront's checker).
func checkPage(t *testing.T, what string, res *testResponse) {
	t.Helper()
	if err := handlers.HTMLProblemsForTest(res.Body); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

// pageChecker checks pages rendered in one language: the status, valid
// markup, and no message ID the untranslated expression matches left
// untranslated on the page.
func pageChecker(t *testing.T, lang string, untranslated *regexp.Regexp) func(what string, res *testResponse, status int) {
	return func(what string, res *testResponse, status int) {
		t.Helper()
		if res.Status != status {
			t.Errorf("%s %s: status %d, want %d", lang, what, res.Status, status)
		}
		checkPage(t, lang+" "+what, res)
		if m := untranslated.FindString(res.Body); m != "" {
			t.Errorf("%s %s: untranslated %q", lang, what, m)
		}
	}
}

// fieldError is the message shown next to a field, or "".
func fieldError(body, id string) string {
	re := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(id) + `-error">([^<]*)</p>`)
	if m := re.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// inputValues reads the named inputs of a form page, failing the test
// when one is missing.
func inputValues(t *testing.T, body string, names ...string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, name := range names {
		val, ok := inputValue(body, name)
		if !ok {
			t.Fatalf("form has no %s", name)
		}
		v.Set(name, val)
	}
	return v
}

func inputValue(body, name string) (string, bool) {
	re := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(m[1]), true
}

func TestAdmin_EveryPageRendersValidMarkup(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		admin, _ := s.signInAs(t, models.RoleAdmin)
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		ver, _ := s.Store.BreakdownHistory(context.Background(), s.product.ID, models.ChannelRetail)
		entries, _ := s.Store.ListAudit(context.Background(), models.AuditFilter{})
		pages := []string{"/admin", "/admin/products", "/admin/products?q=quinua&published=yes", "/admin/products/new",
			s.path(""), s.path("/prices"), s.path("/stock"), s.path("/image"),
			s.path("/prices/" + strconv.FormatInt(ver[0].ID, 10)),
			"/admin/groups", "/admin/groups/new", "/admin/groups/" + strconv.FormatInt(s.group.ID, 10),
			"/admin/associations", "/admin/associations/new", "/admin/associations/" + strconv.FormatInt(s.assoc.ID, 10),
			"/admin/audit", "/admin/audit?entity=product&id=" + strconv.FormatInt(s.product.ID, 10) + "&from=2020-01-01",
			"/admin/audit/" + strconv.FormatInt(entries.Items[0].ID, 10), "/admin/users"}
		for _, lang := range []string{"es", "en"} {
			for _, p := range pages {
				sep := "?"
				if strings.Contains(p, "?") {
					sep = "&"
				}
				res := admin.Get(p + sep + "lang=" + lang)
				if res.Status != http.StatusOK {
					t.Errorf("%s (%s): %d", p, lang, res.Status)
					continue
				}
				checkPage(t, p+" "+lang, res)
				if strings.Contains(res.Body, "admin.") && regexp.MustCompile(`>[^<]*\badmin\.[a-z_]+\.[a-z_.]+`).MatchString(res.Body) {
					t.Errorf("%s (%s): an untranslated admin message", p, lang)
				}
			}
		}
		// Reviewers read the back office, without the buttons that change it.
		for _, p := range []string{"/admin", s.path(""), s.path("/prices"), "/admin/audit"} {
			res := reviewer.Get(p)
			if res.Status != http.StatusOK {
				t.Errorf("reviewer %s: %d", p, res.Status)
			}
			if strings.Contains(res.Body, `type="submit" class="button">`) {
				t.Errorf("reviewer %s: shows a save button", p)
			}
		}
	})
}

func TestAdmin_ProductForm_KeepsInputAndMarksEachWrongField(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		staff, _ := s.signInAs(t, models.RoleStaff)
		cases := []struct {
			name   string
			form   url.Values
			errors map[string]string // field id → part of the message
		}{
			{"empty names and bad numbers", url.Values{"name_es": {"  "}, "name_en": {""}, "slug": {"Mi Pieza"},
				"group": {""}, "craft": {"plastic"}, "wholesale_min_qty": {"doce"}},
				map[string]string{"f-name-es": "Fill in", "f-name-en": "Fill in", "f-slug": "lowercase",
					"f-group": "producer group", "f-craft": "crafts", "f-wholesale-min-qty": "whole number"}},
			{"slug taken", url.Values{"name_es": {"Otra"}, "name_en": {"Other"}, "slug": {"iglesia-de-quinua"},
				"group": {strconv.FormatInt(s.group.ID, 10)}, "craft": {"ceramics"}, "wholesale_min_qty": {"1"}},
				map[string]string{"f-slug": "already uses"}},
			{"minimum below one", url.Values{"name_es": {"Otra"}, "name_en": {"Other"}, "slug": {"otra"},
				"group": {strconv.FormatInt(s.group.ID, 10)}, "craft": {"ceramics"}, "wholesale_min_qty": {"0"}},
				map[string]string{"f-wholesale-min-qty": "at least 1"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := staff.PostForm("/admin/products?lang=en", tc.form)
				if res.Status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400: %.300s", res.Status, res.Body)
				}
				for id, want := range tc.errors {
					if got := fieldError(res.Body, id); !strings.Contains(got, want) {
						t.Errorf("%s: message %q, want it to say %q", id, got, want)
					}
				}
				for name, v := range tc.form {
					if name == "group" || name == "craft" {
						continue // selects
					}
					if got, ok := inputValue(res.Body, name); !ok || got != v[0] {
						t.Errorf("%s: kept %q, typed %q", name, got, v[0])
					}
				}
				checkPage(t, tc.name, res)
			})
		}
		page, _ := s.Store.AdminProducts(context.Background(), models.AdminProductFilter{})
		if page.Total != 1 {
			t.Errorf("a refused form created a product: %d products", page.Total)
		}
		// A good form creates a draft and redirects to it.
		res := staff.PostForm("/admin/products", url.Values{"name_es": {"Toro de Pucará"}, "name_en": {"Pucará bull"},
			"slug": {"toro-de-pucara"}, "group": {strconv.FormatInt(s.group.ID, 10)}, "craft": {"pucara-bull"},
			"wholesale_min_qty": {"4"}, "featured": {"on"}})
		if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Location(), "?done=created") {
			t.Fatalf("create: %d %q", res.Status, res.Location())
		}
		if res := staff.Get(res.Location()); res.Status != http.StatusOK || !strings.Contains(res.Body, `class="notice"`) {
			t.Errorf("after create: %d", res.Status)
		}
	})
}

func TestAdmin_Prices_NewVersionWithReasonAndClearErrors(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		staff, user := s.signInAs(t, models.RoleStaff)
		lock := strconv.FormatInt(s.product.LockVersion, 10)
		with := func(change func(v url.Values)) url.Values {
			v := retailPrices()
			v.Set("lock_version", lock)
			v.Set("reason", "new agreement with the assembly")
			change(v)
			return v
		}
		refused := []struct {
			name   string
			form   url.Values
			field  string // id of the field with the message, or "" for the column's
			say    string
			column string // "retail" or "wholesale": the sum shown under it
		}{
			{"does not add up", with(func(v url.Values) { v.Set("retail.margin", "10.75") }), "", "add up to S/96.00 but the price is S/100.00", "retail"},
			{"no reason", with(func(v url.Values) { v.Set("reason", " ") }), "f-reason", "Say why", ""},
			{"not an amount", with(func(v url.Values) { v.Set("retail.taxes", "15,2x") }), "f-retail-taxes", "amount in soles", ""},
			{"negative", with(func(v url.Values) { v.Set("wholesale.logistics", "-1") }), "f-wholesale-logistics", "negative", ""},
			{"wholesale pays artisans less", with(func(v url.Values) {
				v.Set("wholesale.artisan_labour", "30.00")
				v.Set("wholesale.margin", "9.75")
			}), "", "pay the artisans exactly what retail pays", "wholesale"},
			{"nothing changed", with(func(v url.Values) {}), "", "Nothing changed", ""},
		}
		for _, tc := range refused {
			t.Run(tc.name, func(t *testing.T) {
				res := staff.PostForm(s.path("/prices")+"?lang=en", tc.form)
				if res.Status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400: %.300s", res.Status, res.Body)
				}
				body := html.UnescapeString(res.Body)
				if tc.field != "" {
					if got := fieldError(res.Body, tc.field); !strings.Contains(got, tc.say) {
						t.Errorf("message at %s = %q, want %q", tc.field, got, tc.say)
					}
				} else if !strings.Contains(body, tc.say) {
					t.Errorf("the page does not say %q", tc.say)
				}
				if tc.column == "retail" && !strings.Contains(body, "S/96.00: S/4.00 less than the price S/100.00") {
					t.Errorf("the server-computed sum is not shown")
				}
				for name, v := range tc.form {
					if strings.Contains(name, ".") {
						if got, _ := inputValue(res.Body, name); got != v[0] {
							t.Errorf("%s: kept %q, typed %q", name, got, v[0])
						}
					}
				}
				checkPage(t, tc.name, res)
			})
		}
		if h, _ := s.Store.BreakdownHistory(context.Background(), s.product.ID, models.ChannelRetail); len(h) != 1 {
			t.Fatalf("refused forms recorded versions: %d", len(h))
		}

		// A good change: the artisans' labour goes up 5 soles, out of the margin.
		good := with(func(v url.Values) {
			v.Set("retail.artisan_labour", "40.00")
			v.Set("retail.margin", "9.75")
			v.Set("wholesale.artisan_labour", "40.00")
			v.Set("wholesale.price", "95.00")
			v.Set("reason", "Asamblea de marzo: +5 soles de mano de obra")
		})
		res := staff.PostForm(s.path("/prices"), good)
		if res.Status != http.StatusSeeOther || res.Location() != s.path("/prices?done=prices") {
			t.Fatalf("save: %d %q %.300s", res.Status, res.Location(), res.Body)
		}
		s.reload(t)
		if s.product.RetailBreakdown.Version != 2 || s.product.WholesaleBreakdown.Version != 2 ||
			s.product.PaidToArtisansAmount != 5000 || s.product.RetailBreakdown.CreatedBy != user.Email {
			t.Fatalf("after save: retail v%d wholesale v%d paid %d by %q", s.product.RetailBreakdown.Version,
				s.product.WholesaleBreakdown.Version, s.product.PaidToArtisansAmount, s.product.RetailBreakdown.CreatedBy)
		}
		// Both versions stay listed in the back office.
		page := staff.Get(s.path("/prices"))
		for _, want := range []string{"first fair price", "Asamblea de marzo: +5 soles de mano de obra"} {
			if !strings.Contains(html.UnescapeString(page.Body), want) {
				t.Errorf("versions list lacks %q", want)
			}
		}

		// The public history shows both versions, the chart, and no staff email.
		anon := s.client(t)
		hist := anon.Get("/products/iglesia-de-quinua/history?lang=en")
		if hist.Status != http.StatusOK {
			t.Fatalf("history: %d", hist.Status)
		}
		body := html.UnescapeString(hist.Body)
		for _, want := range []string{"first fair price", "Asamblea de marzo", "v1", "v2", `<svg class="history-chart history-chart-wide"`, "CIAP staff"} {
			if !strings.Contains(body, want) {
				t.Errorf("history lacks %q", want)
			}
		}
		if strings.Contains(body, user.Email) || strings.Contains(body, "seed@ciap.example") {
			t.Error("the public history shows a staff email")
		}
		checkPage(t, "history", hist)
		if res := anon.Get("/products/no-such-thing/history"); res.Status != http.StatusNotFound {
			t.Errorf("unknown product history: %d", res.Status)
		}
	})
}

// Two editors open the same product; the first saves; the second's save is
// refused with 409, their input kept and what changed shown.
func TestAdmin_StaleEditIsExplainedNotOverwritten(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		ana, anaUser := s.signInAs(t, models.RoleStaff)
		ben, _ := s.signInAs(t, models.RoleAdmin)
		formOf := func(c *testClient) url.Values {
			v := inputValues(t, c.Get(s.path("")).Body, "name_es", "name_en", "slug", "wholesale_min_qty",
				"technique_es", "technique_en", "materials_es", "materials_en", "lock_version")
			v.Set("group", strconv.FormatInt(s.group.ID, 10))
			v.Set("craft", "ceramics")
			return v
		}
		a, b := formOf(ana), formOf(ben)
		a.Set("name_en", "Church of Quinua")
		if res := ana.PostForm(s.path(""), a); res.Status != http.StatusSeeOther {
			t.Fatalf("first save: %d %.300s", res.Status, res.Body)
		}
		b.Set("name_en", "Quinua chapel")
		res := ben.PostForm(s.path("")+"?lang=en", b)
		if res.Status != http.StatusConflict {
			t.Fatalf("second save: %d, want 409", res.Status)
		}
		body := html.UnescapeString(res.Body)
		for _, want := range []string{"Someone else changed this record", anaUser.Email, "Church of Quinua", "Quinua chapel"} {
			if !strings.Contains(body, want) {
				t.Errorf("the conflict page does not show %q", want)
			}
		}
		if got, _ := inputValue(res.Body, "name_en"); got != "Quinua chapel" {
			t.Errorf("the second editor's input was not kept: %q", got)
		}
		if got, _ := inputValue(res.Body, "lock_version"); got == b.Get("lock_version") {
			t.Errorf("the form still carries the stale version %s", got)
		}
		checkPage(t, "conflict", res)
		s.reload(t)
		if s.product.NameEN != "Church of Quinua" {
			t.Errorf("the stale save overwrote the first: %q", s.product.NameEN)
		}
		// Saving again from the conflict page is a deliberate overwrite.
		b.Set("lock_version", func() string { v, _ := inputValue(res.Body, "lock_version"); return v }())
		if res := ben.PostForm(s.path(""), b); res.Status != http.StatusSeeOther {
			t.Errorf("deliberate save: %d", res.Status)
		}

		// Prices: a stale price form is refused too.
		prices := retailPrices()
		prices.Set("lock_version", "1")
		prices.Set("reason", "late edit")
		prices.Set("retail.logistics", "10.00")
		prices.Set("retail.margin", "13.75")
		if res := ana.PostForm(s.path("/prices"), prices); res.Status != http.StatusConflict {
			t.Errorf("stale price form: %d, want 409", res.Status)
		}
	})
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 16, 12))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// claimSize rewrites a PNG's header to claim w×h pixels, as a
// decompression bomb does; its pixels are never read.
func claimSize(t *testing.T, png []byte, w, h int) []byte {
	t.Helper()
	b := bytes.Clone(png)
	if string(b[12:16]) != "IHDR" {
		t.Fatal("not a PNG header")
	}
	binary.BigEndian.PutUint32(b[16:], uint32(w))
	binary.BigEndian.PutUint32(b[20:], uint32(h))
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// upload posts the image form as a browser does (multipart, CSRF field
// first).
func upload(t *testing.T, c *testClient, path, filename, lock string, data []byte) *testResponse {
	t.Helper()
	return uploadBody(t, c, path, filename, lock, data, false)
}

// uploadBody is upload, with the body sent chunked (no Content-Length)
// when asked.
func uploadBody(t *testing.T, c *testClient, path, filename, lock string, data []byte, chunked bool) *testResponse {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", c.CSRFToken())
	_ = mw.WriteField("lock_version", lock)
	fw, err := mw.CreateFormFile("image", filename)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	var r io.Reader = &body
	if chunked {
		r = io.MultiReader(&body) // its length unknown to the client
	}
	req, err := http.NewRequest(http.MethodPost, c.base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

func TestAdmin_ImageUpload(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		staff, _ := s.signInAs(t, models.RoleStaff)
		lock := strconv.FormatInt(s.product.LockVersion, 10)
		huge := append(pngBytes(t), make([]byte, 20<<20)...)
		refused := []struct {
			name, file string
			data       []byte
			say        string
		}{
			{"text renamed .png", "photo.png", []byte("these are my notes, not a photo\n"), "not a JPEG, PNG or WebP"},
			{"svg", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`), "SVG pictures are not accepted"},
			{"svg renamed .jpg", "logo.jpg", []byte(`<?xml version="1.0"?>` + "\n" + `<svg xmlns="http://www.w3.org/2000/svg"></svg>`), "SVG pictures are not accepted"},
			{"html", "page.png", []byte("<!DOCTYPE html><html><body><script>alert(1)</script>"), "not a JPEG, PNG or WebP"},
			{"png cut in its header", "cut.png", pngBytes(t)[:20], "could not be read"},
			{"just over 5 MB", "big.png", append(pngBytes(t), make([]byte, 5<<20)...), "larger than 5 MB"},
			{"empty", "none.png", nil, "Choose a picture"},
			{"10000×10000 claimed in 70 bytes", "bomb.png", claimSize(t, pngBytes(t), 10000, 10000), "more than 25 megapixels"},
		}
		for _, tc := range refused {
			t.Run(tc.name, func(t *testing.T) {
				res := upload(t, staff, s.path("/image")+"?lang=en", tc.file, lock, tc.data)
				if res.Status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400: %.300s", res.Status, res.Body)
				}
				if got := fieldError(res.Body, "f-image"); !strings.Contains(got, tc.say) {
					t.Errorf("message %q, want %q", got, tc.say)
				}
				checkPage(t, tc.name, res)
			})
		}
		// Over the limit, announced or not (chunked), the body is not
		// stored: a 413 page says the limit, never a reset connection or a
		// 403 for a CSRF field the cut form lost.
		for _, chunked := range []bool{false, true} {
			res := uploadBody(t, staff, s.path("/image")+"?lang=en", "huge.png", lock, huge, chunked)
			if res.Status != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "larger than 5 MB") {
				t.Fatalf("20 MB upload (chunked %v): %d %.300s", chunked, res.Status, res.Body)
			}
			checkPage(t, "413 page", res)
		}
		s.reload(t)
		if _, ok := models.MediaName(s.product.Image); ok {
			t.Fatal("a refused upload became the product's picture")
		}

		// A real picture is stored, and served with its recorded type.
		res := upload(t, staff, s.path("/image"), "iglesia.png", lock, pngBytes(t))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("upload: %d %.300s", res.Status, res.Body)
		}
		s.reload(t)
		name, ok := models.MediaName(s.product.Image)
		if !ok {
			t.Fatalf("product image = %q", s.product.Image)
		}
		anon := s.client(t)
		media := anon.Get("/media/" + name)
		h := media.Header
		if media.Status != http.StatusOK || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Security-Policy"), "default-src 'none'") || media.Body != string(pngBytes(t)) {
			t.Errorf("media: %d, %q, %q, %q, %d bytes", media.Status, h.Get("Content-Type"),
				h.Get("X-Content-Type-Options"), h.Get("Content-Security-Policy"), len(media.Body))
		}
		for _, bad := range []string{"../qhatu.db", strings.Repeat("0", 32) + ".png", name + ".html"} {
			if res := anon.Get("/media/" + bad); res.Status != http.StatusNotFound {
				t.Errorf("/media/%s: %d, want 404", bad, res.Status)
			}
		}
		// The storefront resolves the uploaded picture.
		if page := anon.Get("/admin/products"); page.Status != http.StatusSeeOther {
			t.Errorf("anonymous back office: %d", page.Status)
		}
		if list := staff.Get("/admin/products"); !strings.Contains(list.Body, `src="/media/`+name+`"`) {
			t.Error("the product list does not show the uploaded picture")
		}
	})
}

func TestAdmin_Stock_MovementsWithReasonNeverNegative(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		staff, _ := s.signInAs(t, models.RoleStaff)
		cases := []struct {
			name   string
			form   url.Values
			status int
			field  string
			say    string
			stock  int
		}{
			{"more than in stock", url.Values{"reason": {"damaged"}, "delta": {"-5"}, "seen_stock": {"3"}}, 400, "f-delta", "only 3 in stock", 3},
			{"received but negative", url.Values{"reason": {"received_from_group"}, "delta": {"-1"}, "seen_stock": {"3"}}, 400, "f-delta", "positive", 3},
			{"not a number", url.Values{"reason": {"damaged"}, "delta": {"dos"}, "seen_stock": {"3"}}, 400, "f-delta", "whole number", 3},
			{"no reason", url.Values{"reason": {""}, "delta": {"2"}, "seen_stock": {"3"}}, 400, "f-reason", "Choose a reason", 3},
			{"sold is not typed by hand", url.Values{"reason": {"sold"}, "delta": {"-1"}, "seen_stock": {"3"}}, 400, "f-reason", "Choose a reason", 3},
			{"correction without note", url.Values{"reason": {"count_correction"}, "delta": {"-1"}, "seen_stock": {"3"}}, 400, "f-note", "count found", 3},
			{"correction on a stale count", url.Values{"reason": {"count_correction"}, "delta": {"-1"}, "note": {"x"}, "seen_stock": {"7"}}, 409, "", "", 3},
			{"received", url.Values{"reason": {"received_from_group"}, "delta": {"+10"}, "note": {"guía 0042"}, "seen_stock": {"3"}}, 303, "", "", 13},
			{"damaged", url.Values{"reason": {"damaged"}, "delta": {"-1"}, "note": {"broken handle"}, "seen_stock": {"13"}}, 303, "", "", 12},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := staff.PostForm(s.path("/stock")+"?lang=en", tc.form)
				if res.Status != tc.status {
					t.Fatalf("status %d, want %d: %.300s", res.Status, tc.status, res.Body)
				}
				if tc.field != "" {
					if got := fieldError(res.Body, tc.field); !strings.Contains(got, tc.say) {
						t.Errorf("message at %s = %q, want %q", tc.field, got, tc.say)
					}
					if got, _ := inputValue(res.Body, "delta"); got != tc.form.Get("delta") {
						t.Errorf("delta kept as %q, typed %q", got, tc.form.Get("delta"))
					}
				}
				if res.Status != http.StatusSeeOther {
					checkPage(t, tc.name, res)
				}
				s.reload(t)
				if s.product.Stock != tc.stock {
					t.Errorf("stock %d, want %d", s.product.Stock, tc.stock)
				}
			})
		}
		page := html.UnescapeString(staff.Get(s.path("/stock") + "?lang=en").Body)
		for _, want := range []string{"guía 0042", "broken handle", "Received from the group", "Damaged", "+10"} {
			if !strings.Contains(page, want) {
				t.Errorf("movements list lacks %q", want)
			}
		}
	})
}

func TestAdmin_AuditLog_RecordsAndFilters(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		staff, user := s.signInAs(t, models.RoleStaff)
		res := staff.PostForm(s.path("/stock"), url.Values{"reason": {"received_from_group"}, "delta": {"2"}, "seen_stock": {"3"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("stock: %d", res.Status)
		}
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		all := reviewer.Get("/admin/audit?lang=en")
		if all.Status != http.StatusOK {
			t.Fatalf("reviewer reads the audit log: %d", all.Status)
		}
		mine := reviewer.Get("/admin/audit?lang=en&actor=" + url.QueryEscape(user.Email))
		if !strings.Contains(mine.Body, ">1 change</p>") || !strings.Contains(html.UnescapeString(mine.Body), "Stock: 3 → 5") {
			t.Errorf("filtered by actor: %.500s", mine.Body)
		}
		entries, _ := s.Store.ListAudit(context.Background(), models.AuditFilter{Actor: user.Email})
		entry := reviewer.Get(fmt.Sprintf("/admin/audit/%d?lang=en", entries.Items[0].ID))
		body := html.UnescapeString(entry.Body)
		if entry.Status != http.StatusOK || !strings.Contains(body, `<th scope="row">Stock <span class="tag">`) || !strings.Contains(body, "Before") {
			t.Errorf("entry page: %d", entry.Status)
		}
		for _, bad := range []string{"entity=planet", "id=abc", "from=31/12/2026", "action=delete"} {
			if res := reviewer.Get("/admin/audit?" + bad); res.Status != http.StatusBadRequest {
				t.Errorf("audit ?%s: %d, want 400", bad, res.Status)
			}
		}
		if res := reviewer.Get("/admin/audit?to=2000-01-01&lang=en"); !strings.Contains(res.Body, "0 changes") {
			t.Error("a date range before any change still lists changes")
		}
	})
}

func TestAdmin_Users_RoleChangeEndsSessionsAndIsAudited(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		admin, me := s.signInAs(t, models.RoleAdmin)
		staff, staffUser := s.signInAs(t, models.RoleStaff)
		if res := staff.Get("/admin/products"); res.Status != http.StatusOK {
			t.Fatalf("staff before: %d", res.Status)
		}
		v := strconv.FormatInt(staffUser.Version, 10)
		res := admin.PostForm(fmt.Sprintf("/admin/users/%d", staffUser.ID), url.Values{"role": {"reviewer"}, "active": {"on"}, "lock_version": {v}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("change role: %d %.300s", res.Status, res.Body)
		}
		if res := staff.Get("/admin/products"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/signin") {
			t.Errorf("the demoted user's session goes on: %d %q", res.Status, res.Location())
		}
		// The same form again is stale.
		res = admin.PostForm(fmt.Sprintf("/admin/users/%d?lang=en", staffUser.ID), url.Values{"role": {"staff"}, "active": {"on"}, "lock_version": {v}})
		if res.Status != http.StatusConflict {
			t.Errorf("stale user form: %d", res.Status)
		}
		// The last admin stays.
		res = admin.PostForm(fmt.Sprintf("/admin/users/%d?lang=en", me.ID), url.Values{"role": {"staff"}, "active": {"on"},
			"lock_version": {strconv.FormatInt(me.Version, 10)}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "at least one active admin") {
			t.Errorf("demoting the last admin: %d", res.Status)
		}
		es, _ := s.Store.ListAudit(context.Background(), models.AuditFilter{EntityType: models.EntityUser})
		if len(es.Items) != 1 || es.Items[0].Actor != me.Email || es.Items[0].Action != models.ActionRole {
			t.Errorf("user audit entries: %+v", es.Items)
		}
		checkPage(t, "users", admin.Get("/admin/users"))
	})
}

func TestAdmin_GroupsAndAssociations_CreateEditDeactivate(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		staff, _ := s.signInAs(t, models.RoleStaff)

		res := staff.PostForm("/admin/associations?lang=en", url.Values{"name": {""}, "slug": {"Asoc!"}, "region": {"mars"}})
		if res.Status != http.StatusBadRequest || fieldError(res.Body, "f-name") == "" || fieldError(res.Body, "f-slug") == "" ||
			fieldError(res.Body, "f-region") == "" {
			t.Fatalf("bad association: %d", res.Status)
		}
		res = staff.PostForm("/admin/associations", url.Values{"name": {"Asociación Puno"}, "slug": {"asoc-puno"}, "region": {"puno"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create association: %d %.300s", res.Status, res.Body)
		}
		assocPath := strings.TrimSuffix(res.Location(), "?done=created")

		group := url.Values{"name": {"Tejedoras de Taquile"}, "slug": {"tejedoras-taquile"}, "association": {strings.TrimPrefix(assocPath, "/admin/associations/")},
			"region": {"puno"}, "place": {strings.Repeat("x", 121)}, "craft": {"knitwear"}, "artisans": {"-3"},
			"women_percent": {"cien"}, "assembly_cadence": {"weekly"}, "photo": {"img/groups/none.svg"}}
		res = staff.PostForm("/admin/groups?lang=en", group)
		if res.Status != http.StatusBadRequest {
			t.Fatalf("bad group: %d", res.Status)
		}
		for id, want := range map[string]string{"f-place": "at most 120 characters", "f-artisans": "negative", "f-women-percent": "whole number", "f-photo": "no such picture"} {
			if got := fieldError(res.Body, id); !strings.Contains(got, want) {
				t.Errorf("%s: %q, want %q", id, got, want)
			}
		}
		if got, _ := inputValue(res.Body, "women_percent"); got != "cien" {
			t.Errorf("women_percent kept as %q", got)
		}
		group.Set("place", "Taquile")
		group.Set("artisans", "40")
		group.Set("women_percent", "90")
		group.Set("photo", "")
		res = staff.PostForm("/admin/groups", group)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create group: %d %.300s", res.Status, res.Body)
		}

		// The group of a published product cannot be deactivated; the page says why.
		gpath := "/admin/groups/" + strconv.FormatInt(s.group.ID, 10)
		res = staff.PostForm(gpath+"/active?lang=en", url.Values{"active": {"0"}, "lock_version": {strconv.FormatInt(s.group.LockVersion, 10)}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "1 published product: unpublish it first") {
			t.Errorf("deactivate a selling group: %d", res.Status)
		}
		// The association of an active group neither.
		apath := "/admin/associations/" + strconv.FormatInt(s.assoc.ID, 10)
		res = staff.PostForm(apath+"/active?lang=en", url.Values{"active": {"0"}, "lock_version": {strconv.FormatInt(s.assoc.LockVersion, 10)}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "1 active producer group: deactivate it first") {
			t.Errorf("deactivate an association with groups: %d", res.Status)
		}
		// Unpublish, then the group can go.
		res = staff.PostForm(s.path("/published"), url.Values{"published": {"0"}, "lock_version": {strconv.FormatInt(s.product.LockVersion, 10)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("unpublish: %d", res.Status)
		}
		res = staff.PostForm(gpath+"/active", url.Values{"active": {"0"}, "lock_version": {strconv.FormatInt(s.group.LockVersion, 10)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("deactivate group: %d %.300s", res.Status, res.Body)
		}
		if res := s.client(t).Get("/groups/" + s.group.Slug); res.Status != http.StatusNotFound {
			t.Errorf("a deactivated group's page: %d", res.Status)
		}
	})
}
