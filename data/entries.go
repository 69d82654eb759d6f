package data

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// The data of a timeline entry, typed: one Go type per kind of entry, a
// Payload, decoded once where entries are read (loadTimeline) and encoded
// where they are written (addEntry, BulkTx.Entry, the ingest's and the
// outbox's own writers). Screens switch on the type and read fields; nobody
// reads an entry through string keys.
//
// The stored JSON is the contract: the keys below are those every version
// of Comptoir wrote, so that every row an existing database holds decodes,
// and `comptoir export deals` flattens the same keys into its timeline
// objects (data/formats). Keys are only ever added. Rows written before a
// shape changed decode too: amounts stored as decimal strings (document and
// payment entries before amounts were kept in minor units) and the sample
// data's calls in minutes (duration_min).

// Payload is the typed data of a timeline entry: CreatedData, StageData,
// FieldData, ProductsData, CommentData, CallData, PaymentData,
// DeliveryData, ActivityData, EmailData, NoteData, DocumentData — or
// UnknownData for a kind this version does not know.
type Payload interface {
	// fits reports whether the payload is the data of an entry of kind k.
	fits(k EntryKind) bool
}

// CreatedData is the data of a "created" entry.
type CreatedData struct {
	Stage  string `json:"stage"` // the stage's name then
	Source Source `json:"source"`
}

// StageData is the data of a stage move: a "stage", "won", "lost" or
// "reopened" entry.
type StageData struct {
	From   string `json:"from"` // the stages' names then
	To     string `json:"to"`
	FromID int64  `json:"from_id"`
	ToID   int64  `json:"to_id"`
	Reason string `json:"reason,omitempty"` // why it was lost
}

// FieldData is the data of a "field" entry: a deal's field changed. Field
// is the field's key ("title", "amount", "close_date", "custom.region", …),
// Old and New its values as records write them ("" for none): names, a
// probability as "40 %", an amount as Money.String.
type FieldData struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Money reads the old and new amounts of an "amount" change; ok is false
// for any other field, or a value that is no amount.
func (f FieldData) Money() (old, new Money, ok bool) {
	if f.Field != "amount" {
		return Money{}, Money{}, false
	}
	old, err1 := ParseMoney(f.Old)
	new, err2 := ParseMoney(f.New)
	return old, new, err1 == nil && err2 == nil
}

// ProductsData is the data of a "products" entry: the deal's lines were
// set; its amount went from Old to New.
type ProductsData struct {
	Lines int   `json:"lines"`
	Old   Money `json:"old"`
	New   Money `json:"new"`
}

// CommentData is the data of a "comment" entry: none (the comment is the
// entry's text).
type CommentData struct{}

// CallData is the data of a "call" entry (the notes are the entry's text).
type CallData struct {
	Direction CallDirection `json:"direction"`
	Seconds   int64         `json:"duration_s"`
	Outcome   CallOutcome   `json:"outcome"`
	Phone     string        `json:"phone,omitempty"`
	// Minutes is the duration of the calls the sample data wrote in
	// minutes; Seconds holds it too once read.
	Minutes int64 `json:"duration_min,omitempty"`
}

// Duration is how long the call lasted.
func (c CallData) Duration() time.Duration { return time.Duration(c.Seconds) * time.Second }

// UnmarshalJSON reads a call, in minutes too.
func (c *CallData) UnmarshalJSON(b []byte) error {
	type plain CallData
	err := json.Unmarshal(b, (*plain)(c))
	if c.Seconds == 0 && c.Minutes > 0 {
		c.Seconds = c.Minutes * 60
	}
	return err
}

// PaymentData is the data of a "payment" entry (the note is the entry's
// text): a payment logged by hand, or an invoice marked paid (Document and
// DocumentID name it).
type PaymentData struct {
	Amount     int64  `json:"amount"` // minor units of Currency
	Currency   string `json:"currency"`
	Date       string `json:"date"` // YYYY-MM-DD
	Method     string `json:"method"`
	Reference  string `json:"reference"`
	Document   string `json:"document,omitempty"` // the invoice's number
	DocumentID int64  `json:"document_id,omitempty"`
}

// Money is the amount paid.
func (p PaymentData) Money() Money { return Money{Minor: p.Amount, Currency: p.Currency} }

// UnmarshalJSON reads a payment, with an amount in minor units or, as
// invoices marked paid once wrote it, a decimal string.
func (p *PaymentData) UnmarshalJSON(b []byte) error {
	type plain PaymentData
	var v struct {
		plain
		Amount json.RawMessage `json:"amount"`
	}
	err := json.Unmarshal(b, &v)
	*p = PaymentData(v.plain)
	var aerr error
	p.Amount, aerr = storedMinor(v.Amount, p.Currency)
	if err == nil {
		err = aerr
	}
	return err
}

// DeliveryData is the data of a "delivery" entry (the note is the entry's
// text).
type DeliveryData struct {
	Date     string `json:"date"` // YYYY-MM-DD
	Carrier  string `json:"carrier"`
	Tracking string `json:"tracking"`
	Address  string `json:"address"`
}

// ActivityData is the data of an "activity" entry: a planned activity done
// (its result is the entry's text).
type ActivityData struct {
	ActivityID   int64        `json:"activity_id"`
	ActivityKind ActivityKind `json:"activity_kind"`
	Subject      string       `json:"subject"`
}

// DocumentData is the data of a "document" entry: a quote or an invoice
// issued.
type DocumentData struct {
	DocumentID int64        `json:"document_id"`
	Number     string       `json:"number"`
	Kind       DocumentKind `json:"kind"`
	Gross      int64        `json:"gross"` // minor units of Currency
	Currency   string       `json:"currency"`
}

// Money is the document's total, taxes included.
func (d DocumentData) Money() Money { return Money{Minor: d.Gross, Currency: d.Currency} }

// UnmarshalJSON reads a document entry, with a total in minor units or, as
// the first documents wrote it, a decimal string.
func (d *DocumentData) UnmarshalJSON(b []byte) error {
	type plain DocumentData
	var v struct {
		plain
		Gross json.RawMessage `json:"gross"`
	}
	err := json.Unmarshal(b, &v)
	*d = DocumentData(v.plain)
	var gerr error
	d.Gross, gerr = storedMinor(v.Gross, d.Currency)
	if err == nil {
		err = gerr
	}
	return err
}

// storedMinor reads an amount of an entry's JSON: a number of minor units,
// or a decimal string in the currency's digits; 0 when absent.
func storedMinor(raw json.RawMessage, code string) (int64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		if code == "" {
			code = DefaultCurrency
		}
		return ParseMinor(s, code)
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %s is not a whole number of minor units", raw)
	}
	return n, nil
}

// EntryAttachment is an attachment as an email's entry lists it.
type EntryAttachment struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// EmailData is the data of an email's entry ("email_in", "email_out") and
// of the quiet note about one (NoteData). Two writers fill it:
//
//   - the mail sync, for an email it received or found sent by us (and a
//     person moving an email): LinkedReason is the routing's reason code,
//     OutboxID is 0;
//   - the outbox, for an email written from the deal: OutboxID, State (its
//     sending state: queued, sending, sent, failed, unknown, cancelled),
//     Error (the server's words), Cc and InReplyTo.
//
// Each writes its own keys (emailEntryData, outEntryData), and MarshalJSON
// writes the ones of the writer the data comes from.
type EmailData struct {
	EmailID     int64             `json:"email_id"`
	OutboxID    int64             `json:"outbox_id"`
	From        string            `json:"from"` // "Name <address>"
	To          []string          `json:"to"`
	Cc          []string          `json:"cc"`
	Subject     string            `json:"subject"`
	MessageID   string            `json:"message_id"`
	Text        string            `json:"text"` // the visible text
	Attachments []EntryAttachment `json:"attachments"`
	State       OutState          `json:"state"`
	Error       string            `json:"error"`
	InReplyTo   string            `json:"in_reply_to"`
	// LinkedReason is why the sync put the email on the deal, as a code a
	// screen words in the person's language. LinkedBecause is the same in
	// English words, as stored by every version: legacy data, not for
	// screens.
	LinkedReason  Reason `json:"linked_reason"`
	LinkedBecause string `json:"linked_because"`
}

// emailEntryData is the JSON the mail sync writes for an email's entry:
// entryData (ingest.go) writes the same bytes by hand.
type emailEntryData struct {
	EmailID       int64             `json:"email_id"`
	From          string            `json:"from"`
	To            []string          `json:"to"`
	Subject       string            `json:"subject"`
	MessageID     string            `json:"message_id"`
	Text          string            `json:"text"`
	Attachments   []EntryAttachment `json:"attachments"`
	LinkedBecause string            `json:"linked_because"`
	LinkedReason  string            `json:"linked_reason"`
}

// outEntryData is the JSON the outbox writes for an outgoing email's entry.
type outEntryData struct {
	EmailID     int64             `json:"email_id"`
	OutboxID    int64             `json:"outbox_id"`
	From        string            `json:"from"`
	To          []string          `json:"to"`
	Cc          []string          `json:"cc,omitempty"`
	Subject     string            `json:"subject"`
	MessageID   string            `json:"message_id"`
	Text        string            `json:"text"`
	Attachments []EntryAttachment `json:"attachments"`
	State       OutState          `json:"state"`
	Error       string            `json:"error,omitempty"`
	InReplyTo   string            `json:"in_reply_to,omitempty"`
}

// MarshalJSON writes the keys of the writer the email's entry comes from:
// the outbox's when OutboxID is set, else the mail sync's.
func (e EmailData) MarshalJSON() ([]byte, error) {
	atts := e.Attachments
	if atts == nil {
		atts = []EntryAttachment{}
	}
	if e.OutboxID != 0 {
		return json.Marshal(outEntryData{EmailID: e.EmailID, OutboxID: e.OutboxID, From: e.From, To: nonNilStrings(e.To), Cc: e.Cc,
			Subject: e.Subject, MessageID: e.MessageID, Text: e.Text, Attachments: atts, State: e.State, Error: e.Error, InReplyTo: e.InReplyTo})
	}
	return json.Marshal(emailEntryData{EmailID: e.EmailID, From: e.From, To: nonNilStrings(e.To), Subject: e.Subject,
		MessageID: e.MessageID, Text: e.Text, Attachments: atts, LinkedBecause: e.LinkedBecause, LinkedReason: string(e.LinkedReason)})
}

// NoteCause is what a note records.
type NoteCause string

// Note causes.
const (
	NoteAutoReply NoteCause = "auto_reply" // an automatic reply in a conversation of the deal
	NoteBounce    NoteCause = "bounce"     // a delivery failure report of an email of the deal
	NoteNotSent   NoteCause = "not_sent"   // the server refused an email of the deal for good
)

// NoteData is the data of a "note" entry, a quiet note of the system: an
// automatic reply or a bounce received (EmailID set: the email, as its entry
// would hold it), or an email of the deal the server refused for good
// (OutboxID, MessageID, Subject, State failed and Error, the server's
// words; notes written before the subject was kept have none).
type NoteData struct {
	EmailData
}

// Cause says what the note records; "" when it cannot tell.
func (n NoteData) Cause() NoteCause {
	switch {
	case n.EmailID != 0 && n.LinkedReason == ReasonBounce:
		return NoteBounce
	case n.EmailID != 0:
		return NoteAutoReply
	case n.OutboxID != 0:
		return NoteNotSent
	}
	return ""
}

// MarshalJSON writes a quiet email's note as its email's entry, and a
// refused email's note with its own keys.
func (n NoteData) MarshalJSON() ([]byte, error) {
	if n.EmailID != 0 {
		return n.EmailData.MarshalJSON()
	}
	return json.Marshal(struct {
		OutboxID  int64    `json:"outbox_id"`
		MessageID string   `json:"message_id"`
		Subject   string   `json:"subject,omitempty"`
		State     OutState `json:"state"`
		Error     string   `json:"error"`
	}{n.OutboxID, n.MessageID, n.Subject, n.State, n.Error})
}

// UnknownData is the data of an entry of a kind this version does not know
// (written by a newer one), kept as stored.
type UnknownData struct {
	JSON json.RawMessage
}

// MarshalJSON writes the data as stored.
func (u UnknownData) MarshalJSON() ([]byte, error) {
	if len(u.JSON) == 0 || !json.Valid(u.JSON) {
		return []byte("{}"), nil
	}
	return u.JSON, nil
}

func (CreatedData) fits(k EntryKind) bool { return k == EntryCreated }
func (StageData) fits(k EntryKind) bool {
	return k == EntryStage || k == EntryWon || k == EntryLost || k == EntryReopened
}
func (FieldData) fits(k EntryKind) bool    { return k == EntryField }
func (ProductsData) fits(k EntryKind) bool { return k == EntryProducts }
func (CommentData) fits(k EntryKind) bool  { return k == EntryComment }
func (CallData) fits(k EntryKind) bool     { return k == EntryCall }
func (PaymentData) fits(k EntryKind) bool  { return k == EntryPayment }
func (DeliveryData) fits(k EntryKind) bool { return k == EntryDelivery }
func (ActivityData) fits(k EntryKind) bool { return k == EntryActivity }
func (EmailData) fits(k EntryKind) bool    { return k == EntryEmailIn || k == EntryEmailOut }
func (NoteData) fits(k EntryKind) bool     { return k == EntryNote }
func (DocumentData) fits(k EntryKind) bool { return k == EntryDocument }
func (UnknownData) fits(k EntryKind) bool  { return !k.known() }

// known reports whether this version knows the kind.
func (k EntryKind) known() bool {
	_, ok := decoders[k]
	return ok
}

// decoders read each kind's payload.
var decoders = map[EntryKind]func([]byte) Payload{
	EntryCreated:  decodeAs[CreatedData],
	EntryStage:    decodeAs[StageData],
	EntryWon:      decodeAs[StageData],
	EntryLost:     decodeAs[StageData],
	EntryReopened: decodeAs[StageData],
	EntryField:    decodeAs[FieldData],
	EntryProducts: decodeAs[ProductsData],
	EntryComment:  decodeAs[CommentData],
	EntryCall:     decodeAs[CallData],
	EntryPayment:  decodeAs[PaymentData],
	EntryDelivery: decodeAs[DeliveryData],
	EntryActivity: decodeAs[ActivityData],
	EntryEmailIn:  decodeAs[EmailData],
	EntryEmailOut: decodeAs[EmailData],
	EntryNote:     decodeAs[NoteData],
	EntryDocument: decodeAs[DocumentData],
	// a deal's life (files.go, trash.go, duplicate.go)
	EntryFile:     decodeAs[FileData],
	EntryDeleted:  decodeAs[DeletedData],
	EntryRestored: decodeAs[RestoredData],
	EntryCopied:   decodeAs[CopiedData],
}

// decodeAs reads a payload as well as it goes: a value that does not fit
// its field leaves that field zero and the others read (encoding/json goes
// on past it), so one odd key never hides an entry.
func decodeAs[T Payload](raw []byte) Payload {
	var v T
	_ = json.Unmarshal(raw, &v)
	return v
}

// DecodePayload reads the stored JSON of an entry of kind k.
func DecodePayload(k EntryKind, raw []byte) Payload {
	if dec, ok := decoders[k]; ok {
		return dec(raw)
	}
	return UnknownData{JSON: append(json.RawMessage(nil), raw...)}
}

// encodePayload is the stored JSON of an entry of kind k: p's, or {} for
// none. A payload of another kind is refused.
func encodePayload(k EntryKind, p Payload) ([]byte, error) {
	if p == nil {
		return []byte("{}"), nil
	}
	if !p.fits(k) {
		return nil, fmt.Errorf("a %T is not the data of a %s entry", p, k)
	}
	return json.Marshal(p)
}
