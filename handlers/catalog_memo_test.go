package handlers

import (
	"errors"
	"net/url"
	"sync"
	"testing"
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

func TestCacheKey_OnlyForWhatPagesDependOn(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"/products", "/products", true},
		{"/products?sort=price_asc&craft=retablo", "/products?craft=retablo&sort=price_asc", true},
		{"/products?q=mate+burilado&page=2", "/products?page=2&q=mate+burilado", true},
		{"/products?q=&craft=", "/products?craft=&q=", true},
		{"/products?utm_source=x", "", false},
		{"/products?craft=retablo&lang=en", "", false}, // sets the language cookie: never cached
		{"/api/v1/products/x?nocache=123", "", false},
	}
	for _, tc := range cases {
		u, err := url.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := cacheKey(u); got != tc.want || ok != tc.ok {
			t.Errorf("cacheKey(%s) = %q %v, want %q %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
