package models_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/lib/pq"
)

// River's database/sql driver hands its array parameters to pgx as lib/pq
// arrays. The shop's PostgreSQL connections encode them as the slices they
// hold, not through lib/pq's text form (db_arrays.go), and what arrives is
// what lib/pq would have sent.
func TestOpen_PostgresEncodesLibPQArraysAsSlices(t *testing.T) {
	t.Parallel()
	db := openPostgres(t)
	ctx := context.Background()
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	at := time.Date(2026, 12, 2, 10, 30, 0, 0, time.UTC)
	cases := []struct {
		name  string
		oid   uint32
		value driver.Valuer
		query string // reads $1 back as text
		want  string
	}{
		{"bigint", pgtype.Int8ArrayOID, pq.Array([]int64{1, 2}), "SELECT CAST($1::bigint[] AS text)", "{1,2}"},
		{"integer", pgtype.Int4ArrayOID, pq.Array([]int32{7}), "SELECT CAST($1::integer[] AS text)", "{7}"},
		{"smallint", pgtype.Int2ArrayOID, pq.Array([]int16{3, 4}), "SELECT CAST($1::smallint[] AS text)", "{3,4}"},
		{"text", pgtype.TextArrayOID, pq.Array([]string{"a b", `q"`}), "SELECT CAST($1::text[] AS text)", `{"a b","q\""}`},
		{"jsonb", pgtype.JSONBArrayOID, pq.Array([]string{`{"order":"Q-2026-000001"}`}),
			"SELECT ($1::jsonb[])[1]->>'order'", "Q-2026-000001"},
		{"timestamptz", pgtype.TimestamptzArrayOID, pq.Array([]time.Time{at}),
			"SELECT to_char(($1::timestamptz[])[1] AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')", "2026-12-02 10:30"},
		{"boolean", pgtype.BoolArrayOID, pq.Array([]bool{true, false}), "SELECT CAST($1::boolean[] AS text)", "{t,f}"},
		{"bytea with a NULL", pgtype.ByteaArrayOID, pq.Array([][]byte{nil, []byte("key")}),
			"SELECT CAST(($1::bytea[])[1] IS NULL AS text) || ' ' || convert_from(($1::bytea[])[2], 'UTF8')", "true key"},
	}
	err = conn.Raw(func(dc any) error {
		m := dc.(*stdlib.Conn).Conn().TypeMap()
		for _, tc := range cases {
			// Without the unwrapping, pgx's plan is its driver.Valuer
			// fallback: lib/pq's text, parsed back.
			if plan := fmt.Sprintf("%T", m.PlanEncode(tc.oid, pgtype.BinaryFormatCode, tc.value)); strings.Contains(plan, "DriverValuer") {
				t.Errorf("%s: encoded by %s", tc.name, plan)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		var got string
		if err := conn.QueryRowContext(ctx, tc.query, tc.value).Scan(&got); err != nil || got != tc.want {
			t.Errorf("%s: read back %q (%v), want %q", tc.name, got, err, tc.want)
		}
	}
}
