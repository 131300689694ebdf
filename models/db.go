package models

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DBConfig says which database to open.
type DBConfig struct {
	// URL is a postgres:// URL; empty means the embedded SQLite file.
	URL string
	// DataDir holds the SQLite file when URL is empty.
	DataDir string
	// Logger receives slow-query and error logs; nil discards them.
	Logger *slog.Logger
}

// IsPostgres reports whether url names a PostgreSQL database.
func IsPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Open connects to PostgreSQL or the embedded SQLite file and checks the
// connection. It does not migrate: call Migrate.
func Open(ctx context.Context, cfg DBConfig) (*gorm.DB, error) {
	gcfg := &gorm.Config{
		Logger:                                   gormLogger(cfg.Logger),
		NowFunc:                                  func() time.Time { return time.Now().UTC() },
		DisableForeignKeyConstraintWhenMigrating: false,
		TranslateError:                           true,
	}
	var (
		db  *gorm.DB
		err error
	)
	switch {
	case IsPostgres(cfg.URL):
		db, err = gorm.Open(postgres.New(postgres.Config{DSN: cfg.URL,
			OptionOpenDB: []stdlib.OptionOpenDB{stdlib.OptionAfterConnect(nativeArrays)}}), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		if err := retryLostReads(db); err != nil {
			return nil, fmt.Errorf("register read retry: %w", err)
		}
		sqlDB, _ := db.DB()
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	case cfg.URL == "":
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data dir %s: %w", cfg.DataDir, err)
		}
		db, err = gorm.Open(sqlite.Open(SQLiteDSN(filepath.Join(cfg.DataDir, "qhatu.db"))), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		sqlDB, _ := db.DB()
		// One connection: SQLite allows one writer, and a single
		// connection turns contention into queueing instead of SQLITE_BUSY.
		sqlDB.SetMaxOpenConns(1)
	default:
		return nil, fmt.Errorf("QHATU_DATABASE_URL must start with postgres:// (or be empty for SQLite), got %q", redact(cfg.URL))
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("database handle: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pctx); err != nil {
		return nil, fmt.Errorf("reach database: %w", err)
	}
	return db, nil
}

// SQLiteDSN is the connection string for an SQLite file with the pragmas
// the shop relies on: WAL for concurrent readers, a busy timeout, foreign
// keys on, and transactions that take the write lock up front.
func SQLiteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

func redact(url string) string {
	if i := strings.Index(url, "@"); i > 0 {
		if j := strings.Index(url, "://"); j > 0 && j < i {
			return url[:j+3] + "…" + url[i:]
		}
	}
	return url
}

func gormLogger(l *slog.Logger) logger.Interface {
	if l == nil {
		return logger.Discard
	}
	return logger.NewSlogLogger(l, logger.Config{
		SlowThreshold:             200 * time.Millisecond,
		LogLevel:                  logger.Warn,
		IgnoreRecordNotFoundError: true,
		ParameterizedQueries:      true,
	})
}

// rawScan is db.Raw(sql, args...).Scan(dest) without the recorder GORM's
// Scan puts in place of the logger, which formats every statement with
// its values (Dialector.Explain) whether or not anything is logged: 6% of
// a paid webhook's CPU. The statement is still logged when slow or failed.
// The store's raw queries all read their rows through it.
func rawScan(db *gorm.DB, dest any, sql string, args ...any) error {
	rows, err := db.Raw(sql, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		if err := db.ScanRows(rows, dest); err != nil {
			return err
		}
	}
	return rows.Err()
}
