package dbtest

import (
	"slices"
	"testing"

	"gorm.io/gorm"
)

// Split reports whether item i of a sweep (every demo product, say) falls
// to db's engine: the engines take turns, so each item is checked once, on
// one of them, and every engine checks a share. For sweeps whose items
// differ in data only, where checking each on every engine repeated work
// without finding anything new.
func Split(t testing.TB, db *gorm.DB, i int) bool {
	engines := Engines(t)
	return i%len(engines) == slices.Index(engines, db.Dialector.Name())
}
