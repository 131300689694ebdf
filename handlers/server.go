// Package handlers is the HTTP edge of the shop: the Echo server, its
// middleware, the storefront pages and the public JSON API.
package handlers

import (
	"compress/gzip"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// MinimumWage is Peru's legal minimum wage (RMV), shown beside each
// product's effective hourly pay. It is configuration, not template text,
// because it changes by decree.
type MinimumWage struct {
	Monthly      int64  // céntimos a month
	HoursPerWeek int    // legal full-time week
	Source       string // the decree that set it
	Since        string // date it took effect, YYYY-MM-DD
}

// Hourly converts the monthly wage to an hourly figure: 12 months of pay
// over 52 weeks of HoursPerWeek hours, rounded down.
func (w MinimumWage) Hourly() models.Money { return models.HourlyWage(w.Monthly, w.HoursPerWeek) }

// Config is what the edge needs to know about its deployment.
type Config struct {
	BaseURL     string // absolute URL of the shop, for links in JSON-LD and exports
	MinimumWage MinimumWage
	// WholesaleMarginFloor is the least margin, in thousandths of the
	// wholesale price, the price editor saves without asking to confirm
	// (QHATU_WHOLESALE_MARGIN_FLOOR); 0 asks never.
	WholesaleMarginFloor int64
	// Contact is how buyers reach CIAP (page_info.go).
	Contact ContactConfig
	// Payments is Stripe and the bank account (payments_config.go).
	Payments PaymentsConfig
	// Issuer is CIAP as the issuer of wholesale documents (wholesale_docs.go).
	Issuer IssuerConfig
	// DemoNotice shows a banner saying the catalog is demo data.
	DemoNotice bool
	// PageCacheEntries bounds the rendered-page cache; 0 disables it.
	PageCacheEntries int
	// PageCacheBytes bounds the same cache in bytes; 0 means
	// DefaultPageCacheBytes.
	PageCacheBytes int64
	// CatalogMemo keeps catalog data (listings, products, shipping zones)
	// in memory between renders, until the catalog or their stock changes
	// (catalog_data.go).
	CatalogMemo bool
	// CatalogPoll is how often the cache checks the catalog version that
	// other instances may have changed.
	CatalogPoll time.Duration
	// Accounts configures sign-in, sessions, CSRF and mail (accounts.go).
	Accounts AccountsConfig
}

// Server holds the edge's dependencies; handlers are its methods.
type Server struct {
	store  *models.Store
	cfg    Config
	log    *slog.Logger
	tr     *Translations
	assets *Assets
	views  *Views
	cache  *pageCache
	// data keeps catalog data between renders (catalog_data.go).
	data *catalogData
	// stock says when each product's stock last moved; stockFeed reads
	// other instances' moves (stock_cache.go).
	stock     productClock
	stockFeed *models.StockFeed
	// ledger is the chain head the ledger pages were rendered at (ledger_public.go).
	ledger ledgerClock
	// version is the catalog version this instance last saw; the page
	// cache and the memos below are keyed by it.
	version catalogVersion
	groups  memo[[]models.GroupSummary]
	figures memo[models.CatalogFigures]
	echo    *echo.Echo
	// rawBodies are the routes whose body checkInput leaves unread.
	rawBodies map[string]bool
	acct      accounts    // sessions, passwords, mail (accounts.go)
	access    accessState // the route × role table's routes (roles.go)

	// stripe creates and reads Checkout Sessions (stripe_checkout.go).
	stripe *stripeClient
}

// New builds the server: templates, translations and static files are
// loaded and checked here, so a broken one fails at start-up.
func New(store *models.Store, cfg Config, log *slog.Logger) (*Server, error) {
	p, err := newParts()
	if err != nil {
		return nil, err
	}
	s := &Server{store: store, cfg: cfg, log: log, tr: p.tr, assets: p.assets, views: p.views, rawBodies: map[string]bool{}}
	s.stripe = newStripeClient(cfg.Payments.Stripe, log)
	s.cache = newPageCache(cfg.PageCacheEntries, cfg.PageCacheBytes, &s.version, &s.stock)
	s.ledger.store = store
	if s.cache != nil {
		s.cache.ledger = &s.ledger
	}
	if cfg.CatalogMemo {
		s.data = newCatalogData(&s.version, &s.stock)
	}
	if err := s.initAccounts(); err != nil {
		return nil, err
	}
	v, err := store.CatalogVersion(context.Background())
	if err != nil {
		return nil, err
	}
	s.version.set(v)
	store.OnCatalogChange(s.version.set)
	if err := s.watchStock(context.Background()); err != nil {
		return nil, err
	}
	if s.echo, err = s.routes(); err != nil {
		return nil, err
	}
	if err := s.checkAccess(); err != nil {
		return nil, err
	}
	return s, nil
}

// ServeHTTP makes the server an http.Handler. Page cache hits are answered
// before Echo (pagecache.go).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.serveCached(w, r) {
		s.echo.ServeHTTP(w, r)
	}
}

// WatchCatalog polls the catalog version and the stock movements until
// ctx ends, so pages cached here are dropped when another instance changes
// the catalog or sells.
func (s *Server) WatchCatalog(ctx context.Context) {
	if s.cfg.CatalogPoll <= 0 {
		return
	}
	t := time.NewTicker(s.cfg.CatalogPoll)
	defer t.Stop()
	for {
		s.pollCatalog(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// csp allows only the shop's own files: no inline script or style, no
// framing. JSON-LD is a data block, which CSP does not execute or block.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) routes() (*echo.Echo, error) {
	csrf, err := s.csrf()
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	// The TCP peer, or X-Forwarded-For from trusted proxies only (accounts.go).
	e.IPExtractor = s.ipExtractor()
	e.Pre(headAsGet)

	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "path", c.Request().URL.Path, "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(s.requestLog)
	e.Use(detachedContext)
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            hstsMaxAge, // Echo sends it only over TLS
		ContentSecurityPolicy: csp,
		ReferrerPolicy:        "strict-origin-when-cross-origin",
	}))
	// File uploads have their own limits (upload_limit.go).
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M", Skipper: isUpload})) // = maxBody
	// Pages made for one request (a cart, the checkout, an account page,
	// a cache miss) are compressed at the fastest level: for the 31 KB
	// catalog page 0.26 ms instead of 0.56 ms at level 5, for 14 % more
	// bytes. Cached pages are compressed once, harder (pagecache.go).
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: gzip.BestSpeed, MinLength: gzipMinLength}))
	// The body is read in this order: the upload's limit, then the form is
	// parsed and its text checked (request_input.go), then the CSRF check
	// reads its token from the parsed form.
	e.Use(s.loadSession, s.limitUpload, s.checkInput, csrf)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/static/*", s.assets.serve)

	s.registerPages(e)
	s.registerCart(e)
	s.registerCheckout(e)
	s.registerWholesaleCSV(e)
	s.registerWholesale(e)
	s.registerAPI(e)
	s.registerAccounts(e)
	s.registerWholesaleArea(e)
	s.registerAdmin(e)
	s.registerReview(e)
	s.registerStripeWebhook(e)
	return e, nil
}

// requestLog logs one line per request with slog.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		r := c.Request()
		s.logRequest(r.Context(), r.Method, r.URL.Path, c.Response().Status, time.Since(start), c.RealIP())
		return nil
	}
}

// logRequest writes a request's log line (also for cache hits answered
// before Echo).
func (s *Server) logRequest(ctx context.Context, method, path string, status int, took time.Duration, ip string) {
	if s.log.Enabled(ctx, slog.LevelInfo) {
		s.log.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("method", method),
			slog.String("path", path), slog.Int("status", status), slog.Duration("took", took),
			slog.String("ip", ip))
	}
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the database is reachable and its schema
// is current, so a load balancer never routes to a half-started instance.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
	}
	pending, err := models.Pending(ctx, s.store.DB())
	if err != nil || len(pending) > 0 {
		return c.JSON(http.StatusServiceUnavailable,
			map[string]string{"status": fmt.Sprintf("schema not current: %d migrations pending", len(pending))})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// headAsGet answers HEAD wherever GET is routed (crawlers and uptime checks
// use it): the request is routed as a GET and its body is dropped. Echo
// routes on the request it was handed, so the method is changed in place.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodHead {
			r.Method = http.MethodGet
			c.Response().Writer = headWriter{c.Response().Writer}
		}
		return next(c)
	}
}

// headWriter sends the headers of a response and drops its body.
type headWriter struct{ http.ResponseWriter }

func (headWriter) Write(b []byte) (int, error) { return len(b), nil }

// requestWork bounds the work one request may do, database included.
const requestWork = 10 * time.Second

// detachedContext lets a request's queries finish when its client hangs up,
// bounded by requestWork instead. Cancelling a query mid-flight makes the
// PostgreSQL driver drop the connection, and under load the pool can hand
// that connection to the next request, which then fails; finishing a query
// of a few milliseconds costs nothing.
func detachedContext(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), requestWork)
		defer cancel()
		c.SetRequest(r.WithContext(ctx))
		return next(c)
	}
}
