// Package models is the shop's domain and its storage: one file per
// entity (association, group, product, breakdown, stock, user, password,
// cart, order, payment, shipping, audit, …) holding its type, its rules and
// its queries; the schema lives in the migrations alone
// (migration_NNNN_*.go, listed in order in migrate.go). The Store owns every
// query; Store.Tx composes several changes into one transaction.
package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// Sentinel errors the edge maps to status codes.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Store owns every query the shop makes. Handlers never build queries;
// each multi-row change is one Store method with one transaction.
type Store struct {
	db *gorm.DB
	// hooks is shared by a store and the transaction-scoped stores made
	// from it, so OnCatalogChange registered once reaches all of them.
	hooks *storeHooks
	// afterCommit is non-nil only on a transaction-scoped store (see Tx):
	// work to do once the outermost transaction has committed, dropped on
	// rollback.
	afterCommit *[]func()
	// locked holds, on a transaction-scoped store, orders it locked and
	// read with LockOrderByNumber, each handed once to the next PayOrder
	// of the transaction so it need not lock and read the row again.
	locked lockedOrders
}

// lockedOrders are rows a transaction locked, by order ID.
type lockedOrders map[int64]*Order

// take returns (and forgets) the locked row of order id, if any.
func (l lockedOrders) take(id int64) *Order {
	o := l[id]
	delete(l, id)
	return o
}

type storeHooks struct {
	// changed is called after a commit that changed the catalog, so caches
	// on this instance drop stale pages at once (other instances notice
	// through the catalog version).
	changed func(version int64)
	// stockMoved is called after a commit that moved stock, which
	// changes those products' pages alone (stock_feed.go).
	stockMoved func([]StockMove)
	// jobs is the queue Enqueue writes into (jobs.go).
	jobs JobQueue
}

// SystemActor names, in the audit log and status histories, the writes
// that no signed-in person makes: webhooks, background jobs, the demo seed.
const SystemActor = "system"

// NewStore wraps an open, migrated database.
func NewStore(db *gorm.DB) *Store {
	return &Store{db: db, hooks: &storeHooks{changed: func(int64) {}}}
}

// OnCatalogChange registers the function called after each catalog commit.
func (s *Store) OnCatalogChange(f func(version int64)) { s.hooks.changed = f }

// Tx runs fn with a store whose every method works inside one database
// transaction, so callers compose several changes (an order, its stock,
// its audit entry, its queued jobs) into one commit. Store methods that
// open a transaction of their own become savepoints inside it. Called on a
// store that is already transaction-scoped, fn joins that transaction.
// Work registered with AfterCommit runs only once the outermost
// transaction has committed.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	if s.afterCommit != nil {
		return fn(&Store{db: s.db.WithContext(ctx), hooks: s.hooks, afterCommit: s.afterCommit, locked: s.locked})
	}
	var after []func()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		after = after[:0]
		return fn(&Store{db: tx, hooks: s.hooks, afterCommit: &after, locked: lockedOrders{}})
	})
	if err != nil {
		return err
	}
	for _, f := range after {
		f()
	}
	return nil
}

// InTx reports whether the store is transaction-scoped.
func (s *Store) InTx() bool { return s.afterCommit != nil }

// AfterCommit runs f once the store's transaction has committed (at once
// when the store is not in one); a rollback drops it.
func (s *Store) AfterCommit(f func()) {
	if s.afterCommit == nil {
		f()
		return
	}
	*s.afterCommit = append(*s.afterCommit, f)
}

// DB exposes the handle for lifecycle work (close, readiness).
func (s *Store) DB() *gorm.DB { return s.db }

// Dialect is "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.db.Dialector.Name() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("database handle: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// CatalogVersion is a counter bumped by every catalog change.
func (s *Store) CatalogVersion(ctx context.Context) (int64, error) {
	var v int64
	err := rawScan(s.db.WithContext(ctx), &v, "SELECT version FROM catalog_state WHERE id = 1")
	if err != nil {
		return 0, fmt.Errorf("read catalog version: %w", err)
	}
	return v, nil
}

// catalogTx runs fn in a transaction that also bumps the catalog version,
// then tells this instance's caches.
func (s *Store) catalogTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var version int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		if err := tx.Exec("UPDATE catalog_state SET version = version + 1 WHERE id = 1").Error; err != nil {
			return fmt.Errorf("bump catalog version: %w", err)
		}
		return rawScan(tx, &version, "SELECT version FROM catalog_state WHERE id = 1")
	})
	if err != nil {
		return err
	}
	s.AfterCommit(func() { s.hooks.changed(version) })
	return nil
}

// dbError wraps a database error with context, turning gorm's
// record-not-found into ErrNotFound and a duplicate key into ErrConflict,
// the two cases the edge answers with 404 and 409.
func dbError(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return fmt.Errorf("%s: %w", what, ErrConflict)
	}
	return fmt.Errorf("%s: %w", what, err)
}
