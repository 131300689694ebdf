package models

// HoldHashSlotForTest takes one of h's hashing slots until release is
// called, as a long hash would.
func (h *Hasher) HoldHashSlotForTest() (release func()) {
	h.slots <- struct{}{}
	return func() { <-h.slots }
}
