package models

// HoldHashSlotForTest takes one of h's hashing slots until release is
// called, as a long hash would.
func (h *Hasher) HoldHashSlotForTest() (release func()) {
	h.slots <- struct{}{}
	return func() { <-h.slots }
}

// HolesForTest counts the movement IDs the feed is still waiting for.
func (f *StockFeed) HolesForTest() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.holes)
}
