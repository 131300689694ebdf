package handlers

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestCatalogVersion_OnlyMovesForward(t *testing.T) {
	var v catalogVersion
	for _, step := range []struct{ set, want int64 }{{5, 5}, {3, 5}, {6, 6}, {6, 6}} {
		v.set(step.set)
		if got := v.get(); got != step.want {
			t.Fatalf("after set(%d): %d, want %d", step.set, got, step.want)
		}
	}
}

func TestMemo_LoadsOncePerVersion(t *testing.T) {
	var m memo[int]
	loads := 0
	load := func() (int, error) { loads++; return loads * 10, nil }
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := m.get(1, load); err != nil || v != 10 {
				t.Errorf("version 1: %d, %v", v, err)
			}
		}()
	}
	wg.Wait()
	if loads != 1 {
		t.Fatalf("20 concurrent readers of one version loaded %d times", loads)
	}
	if v, _ := m.get(2, load); v != 20 || loads != 2 {
		t.Fatalf("a new version must reload: got %d after %d loads", v, loads)
	}
	// A failed load is not kept: the next reader tries again.
	if _, err := m.get(3, func() (int, error) { return 0, errors.New("db down") }); err == nil {
		t.Fatal("want the load error")
	}
	if v, _ := m.get(3, load); v != 30 {
		t.Fatalf("after a failed load: %d", v)
	}
}

func TestCatalogFilterKey_TheParsedFilterNotTheRawQuery(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"/products", "", true},
		{"/products?sort=price_asc&craft=retablo", "craft=retablo&sort=price_asc", true},
		{"/products?q=mate+burilado&page=2", "page=2&q=mate+burilado", true},
		{"/products?q=&craft=&sort=featured&page=1&per_page=24", "", true},
		{"/products?page=0000002&min_price=10&per_page=500", "min_price=10.00&page=2&per_page=100", true},
		{"/products?sort=name&sort=price_asc", "", false}, // repeated: one value read, the other only a key
		{"/products?utm_source=x", "", false},
		{"/products?craft=retablo&lang=en", "", false}, // sets the language cookie: never cached
		{"/products?sort=nonsense", "", false},         // a 400
	}
	e := echo.New()
	for _, tc := range cases {
		c := e.NewContext(httptest.NewRequest(http.MethodGet, tc.in, nil), httptest.NewRecorder())
		if got, ok := catalogFilterKey(c, "es"); got != tc.want || ok != tc.ok {
			t.Errorf("catalogFilterKey(%s) = %q %v, want %q %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
