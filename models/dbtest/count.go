package dbtest

import (
	"context"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Counter records the statements sent through a database handle made by
// Counted, so a test can hold a code path to a number of round trips.
type Counter struct {
	mu    sync.Mutex
	stmts []string
}

// Reset forgets what was counted so far.
func (c *Counter) Reset() {
	c.mu.Lock()
	c.stmts = nil
	c.mu.Unlock()
}

// Statements lists, in order, what was sent since the last Reset.
func (c *Counter) Statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.stmts...)
}

// riverNotify names the job queue's insert notification. River sends it
// with an insert at most once per queue per FetchCooldown (its limiter),
// so whether a given insert pays it depends on timing: counting it would
// make every ceiling flaky. It is left out; under load it is amortised.
const riverNotify = "-- name: PGNotifyMany"

func (c *Counter) add(sql string) {
	if strings.Contains(sql, riverNotify) {
		return
	}
	sql = strings.Join(strings.Fields(sql), " ")
	c.mu.Lock()
	c.stmts = append(c.stmts, sql)
	c.mu.Unlock()
}

// TraceQueryStart is pgx's hook before each statement: every Exec and
// Query of a connection, BEGIN and COMMIT included, one round trip each
// once the statement is prepared on the connection.
func (c *Counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	c.add(d.SQL)
	return ctx
}

// TraceQueryEnd is pgx's hook after each statement.
func (c *Counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// sqlLogger counts what GORM runs (SQLite: no wire, no driver hook).
type sqlLogger struct {
	logger.Interface
	c *Counter
}

func (l sqlLogger) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	l.c.add(sql)
}

// Counted returns a handle on db's database whose statements c counts. On
// PostgreSQL it is a pool of its own, traced by pgx, so it counts every
// round trip: BEGIN, savepoints and COMMIT, and the job queue's inserts
// when the job client is built on the returned handle. On SQLite it counts
// the statements GORM runs (BEGIN, COMMIT and River's own are not seen).
func Counted(t testing.TB, db *gorm.DB) (*gorm.DB, *Counter) {
	t.Helper()
	c := &Counter{}
	if db.Dialector.Name() != "postgres" {
		return db.Session(&gorm.Session{Logger: sqlLogger{Interface: logger.Discard, c: c}}), c
	}
	var schema string
	if err := db.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
		t.Fatalf("schema of the test database: %v", err)
	}
	u, err := url.Parse(os.Getenv(EnvURL))
	if err != nil {
		t.Fatalf("parse %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema+"_counted")
	u.RawQuery = q.Encode()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		t.Fatalf("parse test database url: %v", err)
	}
	cfg.Tracer = c
	sqlDB := stdlib.OpenDB(*cfg)
	sqlDB.SetMaxOpenConns(testConns)
	t.Cleanup(func() { sqlDB.Close() })
	counted, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard,
		NowFunc: func() time.Time { return time.Now().UTC() }, TranslateError: true})
	if err != nil {
		t.Fatalf("open counted database: %v", err)
	}
	return counted, c
}
