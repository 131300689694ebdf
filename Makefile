# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test vet fmt-check bench art

run:
	go run ./cmd/qhatu

# Every test, with the race detector, on SQLite and — when
# QHATU_TEST_DATABASE_URL names a server — on PostgreSQL too. Tests with a
# database of their own run in parallel; -parallel goes past the 2 cores
# because they mostly wait on the database, and stays low enough that
# every test's PostgreSQL pool (dbtest: 8) fits in max_connections.
# -race also turns checkptr on everywhere; in modernc.org's SQLite (C
# translated to Go, its unsafe pointer arithmetic not ours) that doubled
# the time of every SQLite test, so it is off there, and only there.
# GORACE's atexit_sleep_ms=0: the race runtime otherwise sleeps a second
# at the end of every test binary, for reports of goroutines still running;
# the tests wait for theirs.
test:
	GORACE=atexit_sleep_ms=0 go test -race -gcflags='modernc.org/...=-d=checkptr=0' -count=1 -parallel 4 ./...

vet:
	go vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# The read-path benchmark on PostgreSQL (see README).
bench:
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y wrk >/dev/null || true
	go run ./cmd/qhatubench

# Regenerate the product and group illustrations in static/img.
art:
	go run ./cmd/genart
