package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"golang.org/x/text/encoding/charmap"
	"gorm.io/gorm"
)

// uploadSheet posts a file to /wholesale/csv as a browser's form does.
func (c *testClient) uploadSheet(name string, file []byte) *testResponse {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.WriteField("_csrf", c.CSRFToken()); err != nil {
		c.t.Fatal(err)
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		c.t.Fatal(err)
	}
	fw.Write(file)
	w.Close()
	req, err := http.NewRequest(http.MethodPost, c.base+"/wholesale/csv", &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Do(req)
}

// previewInputRE reads the preview form's fields back, as a browser
// would send them unchanged (checkboxes: only the checked ones).
var previewInputRE = regexp.MustCompile(`<input[^>]*>`)
var attrRE = regexp.MustCompile(`(\w+)(?:="([^"]*)")?`)

// previewForm is the preview's form as the page shows it.
func previewForm(t *testing.T, page string) url.Values {
	t.Helper()
	i := strings.Index(page, `action="/wholesale/csv/preview"`)
	if i < 0 {
		t.Fatalf("no preview form on the page: %.500s", page)
	}
	page = page[i:]
	page = page[:strings.Index(page, "</form>")]
	form := url.Values{}
	for _, tag := range previewInputRE.FindAllString(page, -1) {
		attrs := map[string]string{}
		for _, m := range attrRE.FindAllStringSubmatch(tag[len("<input"):], -1) {
			attrs[m[1]] = html.UnescapeString(m[2])
		}
		if _, checked := attrs["checked"]; attrs["type"] == "checkbox" && !checked {
			continue
		}
		if attrs["name"] != "" && attrs["name"] != "_csrf" {
			form.Add(attrs["name"], attrs["value"])
		}
	}
	return form
}

// resellerCart is the reseller's cart as the store has it.
func resellerCart(t *testing.T, ts *testServer, u *models.User) *models.CartView {
	t.Helper()
	cart, err := ts.Store.Cart(context.Background(), models.CartKey{UserID: u.ID, Channel: models.ChannelWholesale})
	if err != nil {
		t.Fatal(err)
	}
	return cart
}

func cartQuantities(cart *models.CartView) map[string]int {
	out := map[string]int{}
	for _, it := range cart.Items {
		out[it.Product.Slug] = it.Quantity
	}
	return out
}

// resellerShop is a shop with a reseller signed in, reading English.
func resellerShop(t *testing.T, db *gorm.DB) (*testServer, *testClient, *models.User) {
	t.Helper()
	ts := newTestServer(t, db)
	c, u := ts.signInAs(t, models.RoleReseller)
	c.Header.Set("Accept-Language", "en")
	return ts, c, u
}

// wholesaleProduct is a demo product's wholesale conditions now.
func wholesaleProduct(t *testing.T, db *gorm.DB, slug string) *models.Product {
	t.Helper()
	var p models.Product
	if err := db.Where("slug = ?", slug).First(&p).Error; err != nil {
		t.Fatalf("product %s: %v", slug, err)
	}
	return &p
}

func TestWholesaleCSV_FormShowsTheLayoutAndATemplateThatReadsBack(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, c, u := resellerShop(t, db)
		res := c.Get("/wholesale/csv")
		if res.Status != http.StatusOK {
			t.Fatalf("GET /wholesale/csv: %d", res.Status)
		}
		for _, want := range []string{`enctype="multipart/form-data"`, `name="file"`, `name="_csrf"`,
			`href="/wholesale/csv/template.csv"`, "Example file", "<th scope=\"col\">product</th>"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("form page lacks %q", want)
			}
		}
		tpl := c.Get("/wholesale/csv/template.csv")
		if tpl.Status != http.StatusOK || !strings.HasPrefix(tpl.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(tpl.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("template: %d %q %q", tpl.Status, tpl.Header.Get("Content-Type"), tpl.Header.Get("Content-Disposition"))
		}
		if !strings.HasPrefix(tpl.Body, "\uFEFFproduct,quantity\r\n") || strings.Count(tpl.Body, "\r\n") != 4 {
			t.Fatalf("template body = %q", tpl.Body)
		}
		// The template, uploaded as it is, is an order every row of which
		// is fine.
		prev := c.uploadSheet("template.csv", []byte(tpl.Body))
		if prev.Status != http.StatusOK || !strings.Contains(prev.Body, "Every row is fine. Products: 3;") ||
			!strings.Contains(prev.Body, `name="action" value="add"`) {
			t.Fatalf("template uploaded: %d %s", prev.Status, pageText(prev.Body))
		}
		if n := len(resellerCart(t, ts, u).Items); n != 0 {
			t.Errorf("the preview put %d lines in the cart", n)
		}
	}, demoCatalog)
}

// pageText is a page's main content, short, for failure messages.
func pageText(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	return fmt.Sprintf("%.1500s", body)
}

func TestWholesaleCSV_BadSheetsSayWhyAndAddNothing(t *testing.T) {
	t.Parallel()
	latin1 := func(s string) []byte {
		b, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
		return b
	}
	cases := []struct {
		name   string
		file   []byte
		status int
		want   string // in the page (English)
	}{
		{"wrong encoding", append([]byte("retablo-herranza;4\n"), 0x81, 0x8D, ';', '2', '\n'), http.StatusUnprocessableEntity, "encoding we cannot read"},
		{"UTF-16 without a BOM", []byte("r\x00e\x00t\x00;\x004\x00\r\x00\n\x00"), http.StatusUnprocessableEntity, "not text"},
		{"wrong delimiter", []byte("retablo-herranza|4\ntapiz-camino-wari|6\n"), http.StatusUnprocessableEntity, "only one column"},
		// The preview would carry it in a hidden field, which the edge refuses.
		{"a right-to-left override", []byte("retablo-herranza\u202e;4\n"), http.StatusUnprocessableEntity, "not text"},
		{"garbage", bytes.Repeat([]byte{0x00, 0x13, 0xFF, 0x7F, 0x02}, 300), http.StatusUnprocessableEntity, "not text"},
		{"an .xlsx workbook", []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"), http.StatusUnprocessableEntity, "is a workbook"},
		{"10 MB", bytes.Repeat([]byte("retablo-herranza;4\n"), 10<<20/19), http.StatusRequestEntityTooLarge, "larger than 1 MB"},
		{"just over the limit", bytes.Repeat([]byte("x"), models.MaxSheetBytes+1), http.StatusRequestEntityTooLarge, "larger than 1 MB"},
		{"100,000 rows", bytes.Repeat([]byte("a;1\n"), 100_000), http.StatusUnprocessableEntity, "more than 2000 rows"},
		{"empty", nil, http.StatusUnprocessableEntity, "no order rows"},
		{"=HYPERLINK formula", []byte("producto;cantidad\n=HYPERLINK(\"http://evil.example\";\"retablo\");4\nretablo-herranza;4\n"), http.StatusOK, "is a formula, which we never calculate"},
		{"=HYPERLINK formula, quoted", []byte("producto,cantidad\n\"=HYPERLINK(\"\"http://evil.example\"\",\"\"retablo\"\")\",4\n"), http.StatusOK, "is a formula, which we never calculate"},
		{"negative quantity", []byte("retablo-herranza,-4\ntapiz-camino-wari,6\n"), http.StatusOK, "is negative"},
		{"fractional quantity, point", []byte("retablo-herranza,4.5\n"), http.StatusOK, "not a whole number of pieces"},
		{"fractional quantity, comma", latin1("Código;Cantidad\nretablo-herranza;1,5\n"), http.StatusOK, "not a whole number of pieces"},
		{"zero quantity", []byte("retablo-herranza,0\n"), http.StatusOK, "quantity is zero"},
		{"words for a quantity", []byte("retablo-herranza,cuatro\n"), http.StatusOK, "not a number of pieces"},
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, c, u := resellerShop(t, db)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := c.uploadSheet("order.csv", tc.file)
				if res.Status != tc.status || !strings.Contains(html.UnescapeString(res.Body), tc.want) {
					t.Fatalf("status %d, want %d with %q: %s", res.Status, tc.status, tc.want, pageText(res.Body))
				}
				if res.Status == http.StatusOK {
					if strings.Contains(res.Body, `value="add"`) {
						t.Errorf("a sheet with a bad row is offered to the cart")
					}
					// Asking to add the preview as it is adds nothing.
					form := previewForm(t, res.Body)
					form.Set("action", "add")
					if add := c.PostForm("/wholesale/csv/preview", form); add.Status != http.StatusUnprocessableEntity ||
						!strings.Contains(add.Body, "Nothing was added") {
						t.Errorf("add with bad rows: %d %s", add.Status, pageText(add.Body))
					}
				}
				if n := len(resellerCart(t, ts, u).Items); n != 0 {
					t.Errorf("cart has %d lines after a bad sheet", n)
				}
			})
		}
	}, demoCatalog)
}

func TestWholesaleCSV_MissingOrOversizedUploadIsRefused(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, c, _ := resellerShop(t, db)
		big := bytes.Repeat([]byte("retablo-herranza;4\n"), 10<<20/19)
		// A form sent without a file (the browser's "required" bypassed).
		var empty bytes.Buffer
		w := multipart.NewWriter(&empty)
		w.WriteField("_csrf", c.CSRFToken())
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, c.base+"/wholesale/csv", &empty)
		req.Header.Set("Content-Type", w.FormDataContentType())
		if res := c.Do(req); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Choose the spreadsheet file") {
			t.Errorf("no file: %d %s", res.Status, pageText(res.Body))
		}
		for _, chunked := range []bool{false, true} {
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			w.WriteField("_csrf", c.CSRFToken())
			fw, _ := w.CreateFormFile("file", "big.csv")
			fw.Write(big)
			w.Close()
			req, _ := http.NewRequest(http.MethodPost, c.base+"/wholesale/csv", bytes.NewReader(body.Bytes()))
			if chunked {
				req.ContentLength = -1 // sent chunked, without announcing its size
				req.Body = io.NopCloser(struct{ io.Reader }{bytes.NewReader(body.Bytes())})
			}
			req.Header.Set("Content-Type", w.FormDataContentType())
			res := c.Do(req)
			if res.Status != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "larger than 1 MB") {
				t.Errorf("chunked %v: %d %s", chunked, res.Status, pageText(res.Body))
			}
		}
	})
}

// firstQty is the smallest quantity a product is sold at wholesale: its
// minimum, rounded up to its pack step.
func firstQty(p *models.Product) int {
	step := max(p.WholesalePackStep, 1)
	return (max(p.WholesaleMinQty, 1) + step - 1) / step * step
}

func TestWholesaleCSV_PreviewFixedThenAddedAllAtOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, c, u := resellerShop(t, db)
		mini := wholesaleProduct(t, db, "retablo-miniatura")    // plenty in stock: asked twice
		herranza := wholesaleProduct(t, db, "retablo-herranza") // asked below its minimum
		wari := wholesaleProduct(t, db, "tapiz-camino-wari")    // minimum above its stock
		if 2*firstQty(mini) > mini.Stock || firstQty(herranza) > herranza.Stock || firstQty(wari) <= wari.Stock {
			t.Fatalf("demo catalog changed: %+v %+v %+v", mini, herranza, wari)
		}
		// A sheet as resellers keep it: Latin-1, ";", a header, a name
		// column, a blank row, a duplicate, an unknown code, a quantity
		// below the minimum and one above the stock.
		sheet := fmt.Sprintf("Código;Descripción;Cantidad\r\n"+
			"retablo-miniatura;Retablo ayacuchano miniatura;%d\r\n"+
			"\r\n"+
			"RETABLO-HERRANZA;Retablo de la herranza, niño;%d\r\n"+
			"no-existe;Artículo que no es nuestro;6\r\n"+
			"tapiz-camino-wari;Tapiz «Camino wari»;%d\r\n"+
			"retablo-miniatura;otra vez el retablo;%d\r\n",
			firstQty(mini), herranza.WholesaleMinQty-1, firstQty(wari), firstQty(mini))
		file, err := charmap.Windows1252.NewEncoder().Bytes([]byte(sheet))
		if err != nil {
			t.Fatal(err)
		}
		res := c.uploadSheet("pedido.csv", file)
		body := html.UnescapeString(res.Body)
		if res.Status != http.StatusOK {
			t.Fatalf("upload: %d %s", res.Status, pageText(res.Body))
		}
		for _, want := range []string{"Windows-1252", "semicolons", "Rows 2, 7, merged", "no-existe",
			"We have no product with this code", fmt.Sprintf("Below the wholesale minimum of %d", herranza.WholesaleMinQty),
			fmt.Sprintf("More than the %d in stock", wari.Stock), "Make the pieces above the"} {
			if !strings.Contains(body, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		if strings.Contains(res.Body, `value="add"`) {
			t.Fatal("add offered with bad rows")
		}
		// The reseller fixes the preview: the retablo's quantity, the
		// tapestry made to order, the unknown row removed.
		form := previewForm(t, res.Body)
		for i := range 4 {
			k := fmt.Sprint(i)
			switch strings.ToLower(form.Get("ref_" + k)) {
			case "retablo-herranza":
				form.Set("qty_"+k, fmt.Sprint(firstQty(herranza)))
			case "tapiz-camino-wari":
				form.Set("mto_"+k, "1")
			case "no-existe":
				form.Set("remove_"+k, "1")
			}
		}
		form.Set("action", "check")
		res = c.PostForm("/wholesale/csv/preview", form)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "Every row is fine. Products: 3;") {
			t.Fatalf("re-check: %d %s", res.Status, pageText(res.Body))
		}
		if n := len(resellerCart(t, ts, u).Items); n != 0 {
			t.Fatalf("re-check put %d lines in the cart", n)
		}
		form = previewForm(t, res.Body)
		form.Set("action", "add")
		form.Set("price_0", "1") // nothing price-like is read
		form.Set("channel", "retail")
		res = c.PostForm("/wholesale/csv/preview", form)
		if res.Status != http.StatusSeeOther || res.Location() != "/cart" {
			t.Fatalf("add: %d %s", res.Status, pageText(res.Body))
		}
		pieces := 2*firstQty(mini) + firstQty(herranza) + firstQty(wari)
		if page := c.Get("/cart"); !strings.Contains(page.Body, fmt.Sprintf("Added to your cart. Products: 3; pieces: %d.", pieces)) {
			t.Errorf("the cart does not say what was added: %s", pageText(page.Body))
		}
		cart := resellerCart(t, ts, u)
		got := cartQuantities(cart)
		want := map[string]int{"retablo-miniatura": 2 * firstQty(mini), "retablo-herranza": firstQty(herranza),
			"tapiz-camino-wari": firstQty(wari)}
		if !maps.Equal(got, want) {
			t.Errorf("cart = %v, want %v", got, want)
		}
		for _, it := range cart.Items {
			if it.MadeToOrder != (it.Product.Slug == "tapiz-camino-wari") {
				t.Errorf("%s made to order = %v", it.Product.Slug, it.MadeToOrder)
			}
			if it.Wholesale == nil || it.Wholesale.UnitPrice.Amount != it.Product.WholesalePriceAmount && it.Wholesale.UnitPrice.Amount >= it.Product.PriceAmount {
				t.Errorf("%s not priced at wholesale: %+v", it.Product.Slug, it.Wholesale)
			}
		}
	}, demoCatalog)
}

var untranslatedWholesale = regexp.MustCompile(`\bwholesale\.[a-z_]+(\.[a-z_]+)*\b`)

func TestWholesaleCSV_PagesRenderValidMarkupInBothLanguages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		c, _ := ts.signInAs(t, models.RoleReseller)
		for _, lang := range []string{"es", "en"} {
			c.Header.Set("Accept-Language", lang)
			check := pageChecker(t, lang, untranslatedWholesale)
			check("form", c.Get("/wholesale/csv"), http.StatusOK)
			check("refused file", c.uploadSheet("x.xlsx", []byte("PK\x03\x04rest")), http.StatusUnprocessableEntity)
			bad := c.uploadSheet("x.csv", []byte("slug;qty\nno-such-piece;3\nretablo-herranza;1,5\n=1+1;2\n;4\nretablo-herranza;-2\ntapiz-camino-wari;999\ntapiz-camino-wari;1\n"))
			check("preview with problems", bad, http.StatusOK)
			form := previewForm(t, bad.Body)
			form.Set("action", "add")
			check("refused add", c.PostForm("/wholesale/csv/preview", form), http.StatusUnprocessableEntity)
		}
	}, demoCatalog)
}

// Between the preview and the add the stock sells out: the add checks
// again, adds nothing, and the preview shows the line as it is now.
func TestWholesaleCSV_AddAfterTheStockMovedAddsNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, c, u := resellerShop(t, db)
		mini := wholesaleProduct(t, db, "retablo-miniatura")
		carnaval := wholesaleProduct(t, db, "retablo-carnaval-ayacuchano")
		res := c.uploadSheet("o.csv", fmt.Appendf(nil, "retablo-miniatura,%d\nretablo-carnaval-ayacuchano,%d\n", firstQty(mini), firstQty(carnaval)))
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `value="add"`) {
			t.Fatalf("upload: %d %s", res.Status, pageText(res.Body))
		}
		if err := db.Model(&models.Product{}).Where("id = ?", carnaval.ID).Update("stock", 0).Error; err != nil {
			t.Fatal(err)
		}
		form := previewForm(t, res.Body)
		form.Set("action", "add")
		res = c.PostForm("/wholesale/csv/preview", form)
		body := html.UnescapeString(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "Nothing was added: first fix or remove the rows marked below (rows to fix: 1)") ||
			!strings.Contains(body, "More than the 0 in stock") || strings.Contains(res.Body, `value="add"`) {
			t.Fatalf("add after the stock moved: %d %s", res.Status, pageText(res.Body))
		}
		if n := len(resellerCart(t, ts, u).Items); n != 0 {
			t.Errorf("%d lines added although one was refused", n)
		}
	}, demoCatalog)
}

// Every problem a sheet can have, per file or per row, has its message in
// both languages, with its arguments filled.
func TestWholesaleCSV_EverySheetCodeIsTranslated(t *testing.T) {
	codes := codesIn(t, "wholesale_sheet.go")
	if len(codes) < 15 {
		t.Fatalf("found %d codes in models/wholesale_sheet.go; has the list moved?", len(codes))
	}
	tr := handlers.SharedTranslations(t)
	for _, lang := range handlers.Languages {
		for _, c := range codes {
			id := "wholesale.csv.error." + string(c)
			msg := tr.For(lang).T(id, "Max", 9, "Value", "x")
			if msg == id || strings.Contains(msg, "no value") {
				t.Errorf("%s: code %s has no message: %q", lang, c, msg)
			}
		}
	}
}

// A product named by its SKU (in any case) on one row and by its slug on
// another is one line: the rows are merged and say so.
func TestWholesaleCSV_SKUAndSlugRowsOfOneProductMerge(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, c, _ := resellerShop(t, db)
		mini := wholesaleProduct(t, db, "retablo-miniatura")
		if mini.SKU == "" {
			t.Fatal("demo product without a SKU")
		}
		q := firstQty(mini)
		res := c.uploadSheet("o.txt", fmt.Appendf(nil, "sku\tqty\n%s\t%d\nRETABLO-MINIATURA\t%d\n", strings.ToLower(mini.SKU), q, q))
		body := html.UnescapeString(res.Body)
		if res.Status != http.StatusOK || !strings.Contains(body, "Rows 2, 3, merged") ||
			!strings.Contains(body, "Every row is fine. Products: 1; pieces: "+fmt.Sprint(2*q)) {
			t.Fatalf("SKU and slug rows: %d %s", res.Status, pageText(res.Body))
		}
		form := previewForm(t, res.Body)
		if form.Get("n") != "1" || form.Get("rows_0") != "2 3" || form.Get("qty_0") != fmt.Sprint(2*q) {
			t.Errorf("the merged line is carried as %v", form)
		}
	}, demoCatalog)
}
