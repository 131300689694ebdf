package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// A refused input reaches the reader in their language, field by field,
// and the JSON API names each problem with a stable code.
func TestErrors_ValidationIsTranslatedAndCoded(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		// A breakdown whose components add up to one céntimo too much, and
		// a slug someone else uses: real refusals from the models.
		b := &models.Breakdown{Channel: models.ChannelRetail, Currency: models.PEN, Price: 10000,
			ArtisanLabour: 3500, ArtisanMaterials: 800, CommunityFund: 200, CIAPOperations: 1200,
			Logistics: 900, PaymentFees: 400, Taxes: 1525, Margin: 1476,
			LocalMarketPrice: 2500, LabourMinutes: 360, CreatedBy: "x", Reason: "x"}
		var ve *models.ValidationError
		if !errors.As(b.Validate(), &ve) {
			t.Fatal("the breakdown was not refused")
		}
		ve.Fields["slug"] = models.Invalid("slug", models.CodeSlugTaken).Fields["slug"]

		for _, tc := range []struct {
			lang, invalid, components, slug string
		}{
			{"en", "Some of what you sent is not valid", "The components add up to S/100.01 but the price is S/100.00",
				"Another record already uses this web address"},
			{"es", "Parte de lo que enviaste no es válido", "Los componentes suman S/ 100.01 pero el precio es S/ 100.00",
				"Otro registro ya usa esta dirección web"},
		} {
			rec := httptest.NewRecorder()
			ts.ServeHTTPError(rec, httptest.NewRequest(http.MethodPost, "/api/v1/probe?lang="+tc.lang, nil), ve)
			var body struct {
				Error  string `json:"error"`
				Code   string `json:"code"`
				Fields map[string]struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"fields"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("%s: %v: %s", tc.lang, err, rec.Body.String())
			}
			if rec.Code != http.StatusBadRequest || body.Code != "invalid" || !strings.HasPrefix(body.Error, tc.invalid) {
				t.Errorf("%s: %d %+v", tc.lang, rec.Code, body)
			}
			if f := body.Fields["components"]; f.Code != "components" || !strings.HasPrefix(nbsp(f.Message), tc.components) {
				t.Errorf("%s: components %+v, want code components and %q", tc.lang, f, tc.components)
			}
			if f := body.Fields["slug"]; f.Code != "slug_taken" || !strings.HasPrefix(f.Message, tc.slug) {
				t.Errorf("%s: slug %+v, want code slug_taken and %q", tc.lang, f, tc.slug)
			}

			rec = httptest.NewRecorder()
			ts.ServeHTTPError(rec, httptest.NewRequest(http.MethodPost, "/admin/probe?lang="+tc.lang, nil), ve)
			page := nbsp(rec.Body.String())
			if rec.Code != http.StatusBadRequest {
				t.Errorf("%s page: status %d", tc.lang, rec.Code)
			}
			for _, want := range []string{tc.invalid, tc.components, tc.slug} {
				if !strings.Contains(page, want) {
					t.Errorf("%s page does not say %q", tc.lang, want)
				}
			}
			if strings.Contains(page, "invalid input") || strings.Contains(page, "slug_taken") {
				t.Errorf("%s page shows the models' own words: %.300s", tc.lang, page)
			}
		}
	})
}

// nbsp reads the non-breaking spaces money formatting may use as spaces.
func nbsp(s string) string { return strings.ReplaceAll(s, "\u00a0", " ") }

// Every code the models can give has its message in both languages: a
// new code without one fails here, not in front of a reader.
// codesIn lists the models.Code constants a file of models declares.
func codesIn(t *testing.T, file string) []models.Code {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../models/"+file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []models.Code
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Code" {
				for _, v := range vs.Values {
					s, err := strconv.Unquote(v.(*ast.BasicLit).Value)
					if err != nil {
						t.Fatal(err)
					}
					codes = append(codes, models.Code(s))
				}
			}
		}
		return true
	})
	return codes
}

func TestErrors_EveryValidationCodeIsTranslated(t *testing.T) {
	codes := codesIn(t, "validation.go")
	if len(codes) < 40 {
		t.Fatalf("found %d codes in models/validation.go; has the list moved?", len(codes))
	}
	tr := handlers.SharedTranslations(t)
	for _, lang := range handlers.Languages {
		l := tr.For(lang)
		for _, c := range codes {
			ve := models.Invalid("f", c, "Max", 1, "Min", 1, "Count", 1, "Sum", models.Soles(1),
				"Price", models.Soles(1), "Difference", models.Soles(0), "Row", 1)
			msg := l.Invalid(ve)
			if strings.Contains(msg, "admin.error.") || strings.Contains(msg, "no value") {
				t.Errorf("%s: code %s has no message: %q", lang, c, msg)
			}
		}
	}
}

// A query cut because the request ran out of its time budget is an
// overload (503, try again), whatever words the driver used for it —
// SQLite says "interrupted (9)" — never a 500.
func TestErrors_ARequestPastItsBudgetIsBusyNotBroken(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, dbtest.Open(t, "sqlite"))
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/checkout", nil).WithContext(ctx)
	ts.ServeHTTPError(rec, req, errors.New("list products: interrupted (9)"))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	rec = httptest.NewRecorder()
	ts.ServeHTTPError(rec, httptest.NewRequest(http.MethodPost, "/checkout", nil), errors.New("disk I/O error"))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("an error within the budget: status %d, want 500", rec.Code)
	}
}
