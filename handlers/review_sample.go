package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// A random sample of orders for an audit (/review/sample), drawn by
// models.SampleOrders from a seed in the URL: the same link draws the same
// orders on every run and instance. Without a seed the page offers a
// fresh one; every sample offers a link to draw again with another.

// Bounds of a sample.
const (
	sampleDefaultN = 10
	sampleMaxN     = 500
	sampleSeedMax  = 64
)

// sampleSeedRE is what a seed may be: letters, digits, ".", "_" and "-",
// so it reads the same in a URL, on the page and in a shell command.
var sampleSeedRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// freshSeed is a new random seed: 16 hex digits.
func freshSeed() string {
	b := make([]byte, 8)
	rand.Read(b) // never fails (crypto/rand, Go ≥ 1.24)
	return hex.EncodeToString(b)
}

type sampleRowView struct {
	O                  *models.SampledOrder
	Place              int
	URL, Paid, Status  string
	RankHead, RankTail string
}

type reviewSampleView struct {
	adminView
	Seed, N, From, To string
	// Drawn is the sample, when the URL had a seed.
	Drawn      *models.OrderSample
	Rows       []sampleRowView
	SampleLink string // this sample's link
	FreshLink  string // the same size and period with a fresh seed
	FreshSeed  string
	Statuses   string // the statuses sampled, in words
	OpenSSL    string // the command that recomputes the first order's rank
}

// reviewSample draws a sample, or shows the form with a fresh seed.
func (s *Server) reviewSample(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	q := c.QueryParams()
	now := time.Now().In(shopZone)
	v := reviewSampleView{adminView: s.newAdminView(c, l, "review_sample"), Seed: q.Get("seed"), N: q.Get("n"),
		From: q.Get("from"), To: q.Get("to"), FreshSeed: freshSeed()}
	if v.N == "" {
		v.N = strconv.Itoa(sampleDefaultN)
	}
	if v.From == "" {
		v.From = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, shopZone).Format(time.DateOnly)
	}
	if v.To == "" {
		v.To = now.Format(time.DateOnly)
	}
	labels := make([]string, len(models.SampleStatuses))
	for i, st := range models.SampleStatuses {
		labels[i] = orderStatusLabel(l, st)
	}
	v.Statuses = strings.Join(labels, ", ")
	link := func(seed string) string {
		return "/review/sample?" + url.Values{"seed": {seed}, "n": {v.N}, "from": {v.From}, "to": {v.To}}.Encode()
	}
	v.FreshLink = link(v.FreshSeed)
	status := http.StatusOK
	n, nErr := strconv.Atoi(v.N)
	from, fromErr := time.ParseInLocation(time.DateOnly, v.From, shopZone)
	to, toErr := time.ParseInLocation(time.DateOnly, v.To, shopZone)
	switch {
	case !q.Has("seed"):
		// The form, with a fresh seed to draw with.
	case !sampleSeedRE.MatchString(v.Seed):
		v.Problem, status = l.T("review.sample.bad_seed", "Max", sampleSeedMax), http.StatusBadRequest
	case nErr != nil || n < 1 || n > sampleMaxN:
		v.Problem, status = l.T("review.sample.bad_n", "Max", sampleMaxN), http.StatusBadRequest
	case fromErr != nil || toErr != nil:
		v.Problem, status = l.T("review.sample.bad_date"), http.StatusBadRequest
	case from.Year() < firstYear || from.Year() > lastYear:
		v.Problem, status = l.T("review.period.bad_year", "Value", from.Year(), "First", firstYear, "Last", lastYear), http.StatusBadRequest
	case to.Year() < firstYear || to.Year() > lastYear:
		v.Problem, status = l.T("review.period.bad_year", "Value", to.Year(), "First", firstYear, "Last", lastYear), http.StatusBadRequest
	case to.Before(from):
		v.Problem, status = l.T("admin.reconcile.bad_period"), http.StatusBadRequest
	default:
		drawn, err := s.store.SampleOrders(c.Request().Context(), v.Seed, n, from, to)
		if err != nil {
			return err
		}
		v.Drawn, v.SampleLink = drawn, link(v.Seed)
		for i := range drawn.Orders {
			o := &drawn.Orders[i]
			v.Rows = append(v.Rows, sampleRowView{O: o, Place: i + 1, URL: reviewOrderURL(o.Number),
				Paid: shopDateTime(o.PaidAt), Status: orderStatusLabel(l, o.Status)})
		}
		if len(drawn.Orders) > 0 {
			v.OpenSSL = "printf %s " + drawn.Orders[0].Number + " | openssl dgst -sha256 -hmac " + v.Seed
		}
	}
	return s.renderReview(c, status, "review_sample", l.T("review.sample.title"), l, v)
}
