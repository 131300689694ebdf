package handlers

import (
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Daily chain heads (models.LedgerDailyHeads) in the public API: the head
// at the end of every day entries were written, in Lima's time. Keep one;
// a later export that does not hold that entry with that hash was
// rewritten (`qhatu ledger verify --file FILE --head SEQ:HASH`).

// transparencyHeadDays is how many recent days /transparency lists.
const transparencyHeadDays = 14

// apiLedgerDayHead is one day's head. The contract: add fields, never
// rename or remove one.
type apiLedgerDayHead struct {
	Day     string `json:"day"` // YYYY-MM-DD in Lima
	Seq     int64  `json:"seq"`
	Hash    string `json:"hash"`
	Entries int64  `json:"entries"` // written that day
}

// apiLedgerHeads is the answer of /api/v1/ledger/heads.
type apiLedgerHeads struct {
	// TimeZone names the days' zone: America/Lima (UTC−5, no DST).
	TimeZone string `json:"time_zone"`
	// Current is the chain head now; Days the head at the end of each
	// day, newest first (the first may still grow until midnight in Lima).
	Current apiLedgerHead      `json:"current"`
	Days    []apiLedgerDayHead `json:"days"`
}

// apiLedgerDailyHeads answers every day's chain head.
func (s *Server) apiLedgerDailyHeads(c echo.Context) error {
	ctx := c.Request().Context()
	h, err := s.store.LedgerHead(ctx)
	if err != nil {
		return err
	}
	days, err := s.store.LedgerDailyHeads(ctx, 0)
	if err != nil {
		return err
	}
	showsLedger(c)
	out := apiLedgerHeads{TimeZone: "America/Lima", Current: apiLedgerHead{Seq: h.Seq, Hash: h.Hash},
		Days: make([]apiLedgerDayHead, len(days))}
	for i, d := range days {
		out.Days[i] = apiLedgerDayHead{Day: d.Day.Format("2006-01-02"), Seq: d.Seq, Hash: d.Hash, Entries: d.Entries}
	}
	return c.JSON(http.StatusOK, out)
}

// recentLedgerHeads are the last days' heads for /transparency.
func (s *Server) recentLedgerHeads(c echo.Context) ([]models.LedgerDayHead, error) {
	return s.store.LedgerDailyHeads(c.Request().Context(), transparencyHeadDays)
}
