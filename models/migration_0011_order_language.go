package models

// schemaOrderLanguage keeps the language a buyer checked out in, so the
// mails about the order (sent later, by jobs) speak it too.
var schemaOrderLanguage = `
ALTER TABLE orders ADD COLUMN lang VARCHAR(2) NOT NULL DEFAULT 'es' CHECK (lang IN ('es','en'));
`

// orderLanguages are the languages an order's mails are written in; the
// first is the default.
var orderLanguages = []string{"es", "en"}

// orderLanguage is lang when the shop writes mail in it, else the default.
func orderLanguage(lang string) string {
	for _, l := range orderLanguages {
		if l == lang {
			return l
		}
	}
	return orderLanguages[0]
}
