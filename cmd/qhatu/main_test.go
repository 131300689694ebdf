package main

import (
	"os"
	"testing"

	"github.com/ciap/qhatu/models/dbtest"
)

// TestMain lets dbtest keep the demo seed's PostgreSQL template and reuse
// schemas between tests, dropping them all at the end (dbtest.Main).
func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
