package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The back office: every change CIAP staff make to the catalog goes
// through an Editor, which runs it in one transaction together with its
// audit entry, and checks the lock version the editor saw so that an edit
// made from a stale form is refused instead of overwriting someone else's.

// ErrStale marks an edit made from a form whose record someone else
// changed since it was opened. It wraps ErrConflict.
var ErrStale = fmt.Errorf("%w: changed since you opened it", ErrConflict)

// staleError says which record changed; it matches ErrStale and ErrConflict.
func staleError(kind string, id, seen, now int64) error {
	return fmt.Errorf("someone else changed this %s (%d) since you opened it (your version %d, now %d): %w",
		kind, id, seen, now, ErrStale)
}

// Editor makes audited back-office changes on behalf of one person.
type Editor struct {
	s     *Store
	actor string
}

// Editor returns the back-office editor acting for actor (the signed-in
// user's email), who is named in the audit log and on price versions.
func (s *Store) Editor(actor string) *Editor { return &Editor{s: s, actor: strings.TrimSpace(actor)} }

func (e *Editor) check() error {
	if e.actor == "" {
		return errors.New("back-office change without an actor")
	}
	return nil
}

// tx runs fn in a catalog transaction (the catalog version bumps and page
// caches drop stale pages) after checking the actor.
func (e *Editor) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if err := e.check(); err != nil {
		return err
	}
	return e.s.catalogTx(ctx, fn)
}

// forUpdate locks the rows a query reads until the transaction ends, on
// PostgreSQL; SQLite transactions hold the database's write lock already.
func forUpdate(tx *gorm.DB) *gorm.DB {
	if tx.Dialector.Name() == "postgres" {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}

// lockedUpdate loads row id of T (locked), checks that its lock version is
// still seen, applies fields and bumps the version. It returns the row as
// it was before, for the audit entry.
func lockedUpdate[T any](tx *gorm.DB, kind string, id, seen int64, version func(*T) int64, fields map[string]any) (*T, error) {
	var before T
	if err := forUpdate(tx).Take(&before, id).Error; err != nil {
		return nil, dbError(err, fmt.Sprintf("%s %d", kind, id))
	}
	if now := version(&before); now != seen {
		return nil, staleError(kind, id, seen, now)
	}
	fields["lock_version"] = gorm.Expr("lock_version + 1")
	res := tx.Model(new(T)).Where("id = ? AND lock_version = ?", id, seen).Updates(fields)
	if res.Error != nil {
		return nil, uniqueSlug(res.Error, fmt.Sprintf("update %s %d", kind, id))
	}
	if res.RowsAffected != 1 {
		return nil, staleError(kind, id, seen, seen+1)
	}
	return &before, nil
}

// uniqueSlug turns a duplicate-key error into a message on the slug field
// (the only unique column a form edits), and wraps anything else.
func uniqueSlug(err error, what string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return Invalid("slug", CodeSlugTaken)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// slugFree checks, inside the transaction, that no other row of table uses
// slug, so the form can say so next to the field.
func slugFree(tx *gorm.DB, table, slug string, id int64) error {
	var n int64
	if err := tx.Table(table).Where("slug = ? AND id <> ?", slug, id).Count(&n).Error; err != nil {
		return fmt.Errorf("check slug %q: %w", slug, err)
	}
	if n > 0 {
		return Invalid("slug", CodeSlugTaken)
	}
	return nil
}

// auditedKind is what the shared edit steps below need to know about a
// kind of record: its audit entity, how audit summaries name one ("group
// Ayllu") and what its audit entry shows.
type auditedKind[T any] struct {
	entity  string
	version func(*T) int64
	name    func(*T) string
	audit   func(*T) map[string]any
}

// update applies fields to row id if its lock version is still seen, and
// records the edit of r. keep copies onto r, from the row as it was, what
// the form does not edit, so the audit entry compares like with like.
func (k auditedKind[T]) update(tx *gorm.DB, actor string, r *T, id, seen int64, fields map[string]any, keep func(before *T)) error {
	before, err := lockedUpdate(tx, k.entity, id, seen, k.version, fields)
	if err != nil {
		return err
	}
	keep(before)
	b, af := k.audit(before), k.audit(r)
	return writeAudit(tx, actor, ActionUpdate, k.entity, id, "edited "+k.name(r)+": "+changedFields(b, af), b, af)
}

// flag is a boolean column the back office switches with one button, and
// the audit action and verb of switching it on and off.
type flag[T any] struct {
	column             string
	set                func(*T, bool)
	onAction, onVerb   string
	offAction, offVerb string
}

// setFlag switches f on row id if its lock version is still seen, and
// records it. check, when not nil, may still refuse the change: it sees
// the locked row as it was.
func (k auditedKind[T]) setFlag(tx *gorm.DB, actor string, id, seen int64, f flag[T], on bool, check func(before *T) error) error {
	before, err := lockedUpdate(tx, k.entity, id, seen, k.version, map[string]any{f.column: on})
	if err != nil {
		return err
	}
	if check != nil {
		if err := check(before); err != nil {
			return err
		}
	}
	after := *before
	f.set(&after, on)
	action, verb := f.onAction, f.onVerb
	if !on {
		action, verb = f.offAction, f.offVerb
	}
	return writeAudit(tx, actor, action, k.entity, id, verb+" "+k.name(before), k.audit(before), k.audit(&after))
}
