// Package document renders a quote or an invoice snapshot to PDF bytes.
//
// A Snapshot is everything a document shows, frozen when the document was
// issued: the seller, the buyer, the lines with their computed totals, the
// dates and the legal wording. The renderer does no arithmetic on money: every
// figure it prints comes computed in the snapshot (package data computes them
// with its rounding rule).
//
// No character stops a document. The text prints in the Go fonts and, for
// what they lack, in embedded fallback fonts (fonts.go): Latin, Greek,
// Cyrillic, Hebrew, Arabic, Chinese, Japanese and Korean; anything no font
// has, an emoji for one, prints as the replacement glyph U+FFFD. Arabic takes
// its joined forms and right-to-left text its visual order (text.go). A
// panic while drawing comes back as an error wrapping ErrRender.
package document

// Kind is "quote" or "invoice".
type Kind string

// Document kinds.
const (
	Quote   Kind = "quote"
	Invoice Kind = "invoice"
)

// Party is the seller or the buyer as printed.
type Party struct {
	Name         string `json:"name"`
	Contact      string `json:"contact,omitempty"` // the person, for a company buyer
	Address      string `json:"address,omitempty"` // several lines
	Registration string `json:"registration,omitempty"`
	VATNumber    string `json:"vat_number,omitempty"`
	Email        string `json:"email,omitempty"`
	Phone        string `json:"phone,omitempty"`
}

// Line is one printed line with its computed amounts (minor units).
type Line struct {
	Name         string `json:"name"`
	Unit         string `json:"unit,omitempty"`
	Quantity     int64  `json:"quantity"`   // thousandths
	UnitPrice    int64  `json:"unit_price"` // as entered: excluding tax, or including it when TaxIncluded
	DiscountKind string `json:"discount_kind,omitempty"`
	Discount     int64  `json:"discount,omitempty"` // hundredths of a percent, or minor units per unit
	TaxRate      int64  `json:"tax_rate"`           // hundredths of a percent
	TaxIncluded  bool   `json:"tax_included,omitempty"`
	Net          int64  `json:"net"`
	Tax          int64  `json:"tax"`
	Gross        int64  `json:"gross"`
}

// RateTotal is the tax due at one rate.
type RateTotal struct {
	Rate int64 `json:"rate"`
	Net  int64 `json:"net"`
	Tax  int64 `json:"tax"`
}

// Snapshot is a document as issued.
type Snapshot struct {
	Kind     Kind   `json:"kind"`
	Number   string `json:"number"`
	Language string `json:"language"` // "fr" or "en"
	// IssueDate, DueDate and ValidUntil are YYYY-MM-DD; DueDate for an
	// invoice, ValidUntil for a quote.
	IssueDate    string `json:"issue_date"`
	DueDate      string `json:"due_date,omitempty"`
	ValidUntil   string `json:"valid_until,omitempty"`
	SourceNumber string `json:"source_number,omitempty"` // the quote an invoice was made from
	Title        string `json:"title,omitempty"`         // the deal's title, as a subject line

	Currency string `json:"currency"`
	// Digits are the currency's minor-unit digits, as recorded at issue;
	// amounts print with the currency's ISO 4217 digits (data/locale), the
	// same.
	Digits int `json:"digits"`

	Seller Party  `json:"seller"`
	Buyer  Party  `json:"buyer"`
	IBAN   string `json:"iban,omitempty"`
	BIC    string `json:"bic,omitempty"`

	Lines  []Line      `json:"lines"`
	Net    int64       `json:"net"`
	Tax    int64       `json:"tax"`
	Gross  int64       `json:"gross"`
	ByRate []RateTotal `json:"by_rate"`

	PaymentDays int    `json:"payment_days,omitempty"`
	PaymentNote string `json:"payment_note,omitempty"` // e.g. "by bank transfer"
	LatePenalty string `json:"late_penalty,omitempty"` // late-payment penalty wording
	LegalNote   string `json:"legal_note,omitempty"`   // e.g. legal form and capital, VAT exemption
}
