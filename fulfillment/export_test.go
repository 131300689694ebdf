package fulfillment

import "time"

// SetClock gives a worker another clock, for tests of its pauses.
func SetClock(w *Worker, now func() time.Time) { w.now = now }
