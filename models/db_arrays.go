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

// pqArraySlice is the slice a lib/pq array holds (what pq.Array wraps).
func pqArraySlice(value any) (any, bool) {
	switch v := value.(type) {
	case pq.GenericArray:
		return v.A, v.A != nil
	case *pq.Int64Array:
		if v == nil {
			return nil, false
		}
		return []int64(*v), true
	case *pq.Int32Array:
		if v == nil {
			return nil, false
		}
		return []int32(*v), true
	case *pq.StringArray:
		if v == nil {
			return nil, false
		}
		return []string(*v), true
	case *pq.ByteaArray:
		if v == nil {
			return nil, false
		}
		return [][]byte(*v), true
	case *pq.BoolArray:
		if v == nil {
			return nil, false
		}
		return []bool(*v), true
	case *pq.Float64Array:
		if v == nil {
			return nil, false
		}
		return []float64(*v), true
	case *pq.Float32Array:
		if v == nil {
			return nil, false
		}
		return []float32(*v), true
	}
	return nil, false
}

// pqArrayPlan encodes a lib/pq array with the plan of its slice.
type pqArrayPlan struct{ next pgtype.EncodePlan }

func (p *pqArrayPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *pqArrayPlan) Encode(value any, buf []byte) ([]byte, error) {
	s, _ := pqArraySlice(value)
	return p.next.Encode(s, buf)
}
