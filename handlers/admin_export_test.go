package handlers

// HTMLProblemsForTest lets the back office's external tests run the
// storefront's markup checks (pages_test.go) on admin pages.
var HTMLProblemsForTest = htmlProblems
