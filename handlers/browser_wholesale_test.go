package handlers_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"golang.org/x/text/encoding/charmap"
)

// A reseller on a 390 px phone uploads the spreadsheet they keep (Latin-1,
// ";", a header), finds one row below the product's minimum in the
// preview, fixes its quantity there, adds every line at once, checks out
// by bank transfer and downloads the order's pro-forma invoice (a PDF).
func TestBrowser_ResellerOrdersFromASpreadsheetAndDownloadsTheProforma(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	db := dbtest.Open(t, "sqlite", demoCatalog)
	web := docsServer(t, db)
	u := web.createUser(t, models.RoleReseller)
	approveReseller(t, db, u, "Bazar Wari E.I.R.L.", ruc("2060070080"))

	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	submit := func(what, sel string) {
		t.Helper()
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	mainText := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	// The order: two products at their first wholesale quantity, one row
	// below its minimum, and enough for the minimum order value.
	mini := wholesaleProduct(t, db, "retablo-miniatura")
	carnaval := wholesaleProduct(t, db, "retablo-carnaval-ayacuchano")
	herranza := wholesaleProduct(t, db, "retablo-herranza")
	qMini, qCarnaval, qHerranza := 2*firstQty(mini), firstQty(carnaval), firstQty(herranza)
	if qMini > mini.Stock || qCarnaval > carnaval.Stock || qHerranza > herranza.Stock {
		t.Fatalf("demo catalog changed: %d/%d %d/%d %d/%d", qMini, mini.Stock, qCarnaval, carnaval.Stock, qHerranza, herranza.Stock)
	}
	sheet, err := charmap.Windows1252.NewEncoder().String(fmt.Sprintf("Código;Descripción;Cantidad\r\n"+
		"retablo-miniatura;Retablo ayacuchano miniatura;%d\r\n"+
		"retablo-carnaval-ayacuchano;Retablo del carnaval, niño;%d\r\n"+
		"retablo-herranza;Retablo de la herranza;%d\r\n", qMini, qCarnaval, herranza.WholesaleMinQty-1))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "pedido-mayo.csv")
	if err := os.WriteFile(file, []byte(sheet), 0o644); err != nil {
		t.Fatal(err)
	}

	run("emulate a phone", chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateMobile))
	run("open the sign-in form", chromedp.Navigate(web.URL+"/signin?lang=en"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), u.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword))
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.CSS(`input[name="password"]`))); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(web.URL+"/wholesale/csv")); err != nil {
		t.Fatalf("open the upload: %v", err)
	}
	checkWidth(t, ctx, "the upload form")
	run("choose the file", chromedp.SetUploadFiles(chromedp.ID("sheet-file"), []string{file}))
	submit("upload", `.sheet-upload button[type=submit]`)

	// The preview: one row to fix, nothing offered to the cart yet.
	page := mainText()
	for _, want := range []string{"Windows-1252", "semicolons", "Rows that need attention: 1",
		fmt.Sprintf("Below the wholesale minimum of %d", herranza.WholesaleMinQty)} {
		if !strings.Contains(page, want) {
			t.Errorf("preview lacks %q:\n%.1200s", want, page)
		}
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('button[value="add"]').length`)); n != 0 {
		t.Fatal("add to cart offered with a row to fix")
	}
	checkWidth(t, ctx, "the preview")
	if dir := os.Getenv("QHATU_SCREENSHOT_DIR"); dir != "" {
		if shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(dir, "sheet-preview-phone.png"), shot, 0o644)
		}
	}
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`.sheet-row-problem input[name^="qty_"]`), "id"))
	bad := attr.Value
	if err != nil || bad == "" {
		t.Fatalf("the row to fix: %v", err)
	}
	run("fix the quantity", chromedp.SetValue(chromedp.ID(bad), fmt.Sprint(qHerranza)))
	submit("check again", `button[value="check"]`)
	page = mainText()
	if !strings.Contains(page, "Every row is fine. Products: 3;") {
		t.Fatalf("after the fix:\n%.1200s", page)
	}
	submit("add everything to the cart", `button[value="add"]`)
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/cart") {
		t.Fatalf("after adding the browser is at %s:\n%.800s", loc, mainText())
	}
	cart := cartQuantities(resellerCart(t, web, u))
	if cart["retablo-miniatura"] != qMini || cart["retablo-carnaval-ayacuchano"] != qCarnaval || cart["retablo-herranza"] != qHerranza {
		t.Fatalf("cart = %v", cart)
	}

	// Check out by bank transfer (the default for a reseller).
	submit("go to checkout", `a[href="/checkout"].button`)
	run("fill in the form",
		chromedp.SetValue(chromedp.ID("checkout-name"), "Rosa Quispe"),
		chromedp.SetValue(chromedp.ID("checkout-phone"), "+51 987 654 321"),
		chromedp.SetValue(chromedp.ID("checkout-region"), "lima-metropolitana"),
		chromedp.SetValue(chromedp.ID("checkout-city"), "Lima"),
		chromedp.SetValue(chromedp.ID("checkout-address"), "Mercado Central, puesto 12"),
		chromedp.Click(chromedp.ID("checkout-method-bank")),
	)
	checkWidth(t, ctx, "the checkout")
	submit("place the order", `form.checkout-form button[type=submit]`)
	loc, _ = chromedp.Run(ctx, chromedp.Location())
	tok, ok := strings.CutPrefix(loc, web.URL+"/orders/")
	if !ok {
		t.Fatalf("after placing the order the browser is at %s:\n%.800s", loc, mainText())
	}
	o, err := web.Store.OrderByToken(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if o.Channel != models.ChannelWholesale || o.Method != models.PaymentBankTransfer || len(o.Lines) != 3 {
		t.Fatalf("order %s: channel %s, method %s, %d lines", o.Number, o.Channel, o.Method, len(o.Lines))
	}

	// The reseller area and the grid fit the phone: their tables scroll in
	// their box, and the visually hidden labels in their cells (absolutely
	// placed) must not widen the page.
	for what, path := range map[string]string{"the reseller area": "/account/wholesale", "the grid": "/wholesale"} {
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(web.URL+path)); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		checkWidth(t, ctx, what)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(loc)); err != nil {
		t.Fatalf("back to the order: %v", err)
	}

	// The pro-forma: the order page's link downloads a PDF.
	link, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`a[href$="/proforma.pdf"]`), "href"))
	href := link.Value
	if err != nil || href == "" {
		t.Fatalf("no pro-forma link on the order page: %v\n%.800s", err, mainText())
	}
	// What the server answers the browser for it: its type and first bytes.
	head, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+jsString(href)+`).then(async r =>
  r.status + " " + r.headers.get("Content-Type") + " " + new TextDecoder("latin1").decode((await r.arrayBuffer()).slice(0, 5)))`,
		chromedp.EvalAwaitPromise))
	if err != nil || head != "200 application/pdf %PDF-" {
		t.Errorf("the pro-forma answers %q, want 200 application/pdf %%PDF- (%v)", head, err)
	}
	dir := t.TempDir()
	// The events end, with an error, if the download has not completed
	// in 20 s.
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	progress := chromedp.BrowserEvents(dctx, cdpbrowser.DownloadProgress)
	run("download the pro-forma",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: ptrTo(true)})
			return err
		}),
		chromedp.Click(chromedp.CSS(`a[href$="/proforma.pdf"]`)))
	var pdf []byte
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			if pdf, err = os.ReadFile(filepath.Join(dir, ev.GUID)); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("the download is not a PDF: %.20q", pdf)
	}
	text, err := handlers.PDFText(pdf)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{o.Number, "Bazar Wari", ruc("2060070080")} {
		if !strings.Contains(text, want) {
			t.Errorf("the pro-forma lacks %q", want)
		}
	}
}

// jsString quotes s for a JavaScript expression.
func jsString(s string) string { return fmt.Sprintf("%q", s) }

func ptrTo[T any](v T) *T { return &v }
