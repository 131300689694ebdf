package models

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/lib/pq"
)

// River's database/sql driver passes every array parameter as one of
// lib/pq's array types. pgx knows them only as driver.Valuers: each is
// written out as PostgreSQL's text form by lib/pq and parsed back by pgx
// into the binary form it sends, which was 18 % of the shop's CPU for a
// paid webhook (two jobs, thirteen arrays). Unwrapped to the plain slices
// they hold, pgx encodes them directly, as it does any slice.

// nativeArrays makes a connection's type map encode lib/pq's arrays as
// the slices inside them (stdlib.OptionAfterConnect).
func nativeArrays(_ context.Context, c *pgx.Conn) error {
	m := c.TypeMap()
	m.TryWrapEncodePlanFuncs = append([]pgtype.TryWrapEncodePlanFunc{unwrapPQArray}, m.TryWrapEncodePlanFuncs...)
	return nil
}

// unwrapPQArray is a pgtype.TryWrapEncodePlanFunc for lib/pq's arrays.
func unwrapPQArray(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	if s, ok := pqArraySlice(value); ok {
		return &pqArrayPlan{}, s, true
	}
	return nil, nil, false
}

// pqArraySlice is the slice a lib/pq array holds, for the array types
// pq.Array makes of River's parameters; any other keeps lib/pq's text.
func pqArraySlice(value any) (any, bool) {
	switch v := value.(type) {
	case pq.GenericArray:
		return v.A, v.A != nil
	case *pq.Int64Array:
		return sliceOf(v)
	case *pq.Int32Array:
		return sliceOf(v)
	case *pq.StringArray:
		return sliceOf(v)
	case *pq.ByteaArray:
		return sliceOf(v)
	case *pq.BoolArray:
		return sliceOf(v)
	}
	return nil, false
}

// sliceOf is the plain slice behind a pointer to a named slice type.
func sliceOf[S ~[]E, E any](p *S) (any, bool) {
	if p == nil {
		return nil, false
	}
	return []E(*p), true
}

// pqArrayPlan encodes a lib/pq array with the plan of its slice.
type pqArrayPlan struct{ next pgtype.EncodePlan }

func (p *pqArrayPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *pqArrayPlan) Encode(value any, buf []byte) ([]byte, error) {
	s, _ := pqArraySlice(value)
	return p.next.Encode(s, buf)
}
