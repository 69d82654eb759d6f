package data

import "time"

// Address is one mailbox: a display name and an address. Addresses are
// compared case-insensitively everywhere in data/.
type Address struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// Attachment describes one attachment of a stored email. Name is already made
// safe (no path separators, no leading dots, no control characters); the bytes
// live in the email's raw source and are extracted on demand.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Email is a parsed message as mail/ hands it to data/ for routing and storage,
// and as data/ gives it back for the timeline. The raw bytes are always kept,
// so that a message that could not be parsed is never lost.
type Email struct {
	ID        int64
	MessageID string // without angle brackets; empty when the message has none valid (ValidMessageID)
	InReplyTo string // without angle brackets
	// References, oldest first as in the header, without angle brackets.
	References []string
	From       Address
	To         []Address
	Cc         []Address
	ReplyTo    []Address
	Subject    string
	Date       time.Time // UTC; zero when missing or unreadable

	// Text is the full plain text (HTML converted when there is no text part).
	Text string
	// VisibleText is Text with quoted history cut off (gmail_quote,
	// "-----Original Message-----", "Le … a écrit :", "On … wrote:").
	VisibleText string
	Attachments []Attachment

	// Facts used by the routing rules. mail/ fills them from the headers; the
	// rules that interpret them live in data/.
	ReturnPathNull   bool   // Return-Path: <>
	AutoSubmitted    string // value of Auto-Submitted, lower-cased
	Precedence       string // value of Precedence, lower-cased
	AutoReplyHeaders bool   // X-Autoreply, X-Autorespond, X-Loop, X-MS-Exchange auto-reply headers...
	ListID           string
	ListUnsubscribe  string
	ContentType      string // top-level media type, lower-cased, e.g. "multipart/report"
	ReportType       string // report-type parameter of a multipart/report, lower-cased
	// BouncedMessageID and BouncedRecipient are read from a delivery-status
	// report's attached headers when present.
	BouncedMessageID string
	BouncedRecipient string

	// ParseError is set when the message could not be fully parsed; the raw
	// bytes are stored anyway and the message is flagged.
	ParseError string
	// Truncated notes what was left out of a message over the size cap.
	Truncated string
	// UnknownCharsets lists charsets that could not be decoded (kept as is).
	UnknownCharsets []string

	Size int64  // size of the raw message in bytes
	Raw  []byte `json:"-"`
}
