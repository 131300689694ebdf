package models

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/callbacks"
)

// retryLostReads makes a read that finds its connection gone (the server
// restarted, a failover, pg_terminate_backend) run once more on another
// connection instead of answering 500. database/sql only does that when
// the driver notices before sending, and pgx checks an idle connection
// only after a second unused. Only plain SELECTs outside a transaction
// that returned no row are retried: a write may have happened, and a
// transaction is gone with its connection.
func retryLostReads(db *gorm.DB) error {
	if err := db.Callback().Query().After("gorm:query").Before("gorm:preload").
		Register("qhatu:retry_lost_read", retryRead(callbacks.Query)); err != nil {
		return err
	}
	return db.Callback().Row().After("gorm:row").
		Register("qhatu:retry_lost_row", retryRead(callbacks.RowQuery))
}

func retryRead(run func(*gorm.DB)) func(*gorm.DB) {
	return func(db *gorm.DB) {
		st := db.Statement
		if db.Error == nil || !connectionLost(db.Error) || st.Context.Err() != nil || !isSelect(st.SQL.String()) {
			return
		}
		if _, inTx := st.ConnPool.(gorm.TxCommitter); inTx {
			return
		}
		rows, isRows := st.Dest.(*sql.Rows) // what Rows() asked the row callback for
		if isRows {
			if rows != nil {
				return
			}
			st.Settings.Store("rows", true)
		} else if db.RowsAffected != 0 {
			return // rows were already scanned into the destination
		}
		// Other idle connections of the pool may be dead too: each failed
		// ping drops one, until one answers or a new one is opened.
		if pool, ok := st.ConnPool.(*sql.DB); ok {
			for range pool.Stats().Idle + 1 {
				if err := pool.PingContext(st.Context); !errors.Is(err, driver.ErrBadConn) {
					break
				}
			}
		}
		db.Error = nil
		run(db)
	}
}

// connectionLost reports whether err means the connection died, as
// opposed to the query failing.
func connectionLost(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// admin_shutdown, crash_shutdown, cannot_connect_now.
		return pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) ||
		pgconn.SafeToRetry(err)
}

func isSelect(sql string) bool {
	sql = strings.TrimLeft(sql, " \t\r\n(")
	return len(sql) >= 6 && strings.EqualFold(sql[:6], "SELECT")
}
