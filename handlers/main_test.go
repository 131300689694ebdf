package handlers_test

import (
	"os"
	"testing"

	"github.com/ciap/qhatu/models/dbtest"
)

// TestMain lets dbtest reuse PostgreSQL schemas between tests and drop
// them all at the end (dbtest.Main).
func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
