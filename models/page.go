package models

// Page is one page of a listing: its items, the total across all pages,
// and what a pager needs. Every list the shop shows is one of these.
type Page[T any] struct {
	Items   []T
	Total   int64
	Page    int
	PerPage int
}

// Pages is the number of pages for the total (0 when nothing is listed).
func (p Page[T]) Pages() int {
	if p.PerPage <= 0 || p.Total <= 0 {
		return 0
	}
	return int((p.Total + int64(p.PerPage) - 1) / int64(p.PerPage))
}
