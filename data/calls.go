package data

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CallDirection says who called whom.
type CallDirection string

// Call directions.
const (
	CallIn  CallDirection = "in"  // the client called
	CallOut CallDirection = "out" // we called the client
)

// CallOutcome is how a call ended.
type CallOutcome string

// Call outcomes. The empty outcome means "not said".
const (
	OutcomeAnswered  CallOutcome = "answered"
	OutcomeNoAnswer  CallOutcome = "no_answer"
	OutcomeBusy      CallOutcome = "busy"
	OutcomeVoicemail CallOutcome = "voicemail"
	OutcomeWrong     CallOutcome = "wrong_number"
)

// CallOutcomes lists the known outcomes in the order a form offers them.
var CallOutcomes = []CallOutcome{OutcomeAnswered, OutcomeNoAnswer, OutcomeBusy, OutcomeVoicemail, OutcomeWrong}

func (o CallOutcome) valid() bool {
	if o == "" {
		return true
	}
	for _, k := range CallOutcomes {
		if o == k {
			return true
		}
	}
	return false
}

// CallInput is a call to log on a deal's timeline.
type CallInput struct {
	Direction CallDirection
	At        time.Time     // when the call started; zero: now
	Duration  time.Duration // ≥ 0; rounded to the second
	Outcome   CallOutcome
	Notes     string
	Phone     string // the number dialled or shown, optional
}

func (in *CallInput) validate(now time.Time) error {
	var v validator
	in.Notes = strings.TrimSpace(CleanText(in.Notes))
	in.Phone = CleanName(in.Phone)
	if in.Direction != CallIn && in.Direction != CallOut {
		v.add("direction", "invalid_direction", "direction must be in or out")
	}
	if in.Duration < 0 {
		v.add("duration", "negative", "the duration cannot be negative")
	} else if in.Duration > MaxCallDuration {
		v.add("duration", "too_long", "a call lasts at most %v", MaxCallDuration)
	}
	if !in.Outcome.valid() {
		v.add("outcome", "invalid_outcome", "%q is not a call outcome", in.Outcome)
	}
	if in.At.IsZero() {
		in.At = now
	} else if in.At.After(now.Add(5 * time.Minute)) {
		v.add("at", "future", "a call cannot be logged in the future")
	}
	in.At = in.At.UTC()
	in.Duration = in.Duration.Round(time.Second)
	return v.err()
}

// MaxCallDuration is the longest call that can be logged.
const MaxCallDuration = 24 * time.Hour

// ParseCallDuration reads a call's duration as a person types it: minutes
// ("5", "2.5" or "2,5"), "m:ss", "h:mm:ss" or seconds ("90s"). Seconds and
// minutes after a colon are below 60; the result is whole seconds, from 0 to
// MaxCallDuration. Empty is zero.
func ParseCallDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, nil
	}
	bad := fmt.Errorf("%q is not a duration (minutes, m:ss or h:mm:ss)", s)
	var d time.Duration
	switch parts := strings.Split(t, ":"); {
	case len(parts) > 3:
		return 0, bad
	case len(parts) > 1:
		// [h:]m:ss — every part digits; the parts after the first below 60.
		for i, p := range parts {
			if p == "" || len(p) > 4 || !allDigits(p) || i > 0 && (len(p) != 2 || p[0] > '5') {
				return 0, bad
			}
			n, _ := strconv.Atoi(p)
			d = d*60 + time.Duration(n)
		}
		d *= time.Second
	case strings.HasSuffix(t, "s"):
		n := strings.TrimSpace(strings.TrimSuffix(t, "s"))
		if n == "" || len(n) > 6 || !allDigits(n) {
			return 0, bad
		}
		sec, _ := strconv.Atoi(n)
		d = time.Duration(sec) * time.Second
	default:
		whole, frac, _ := strings.Cut(strings.Replace(t, ",", ".", 1), ".")
		if whole == "" && frac == "" || len(whole) > 5 || len(frac) > 3 || !allDigits(whole) || !allDigits(frac) {
			return 0, bad
		}
		m, _ := strconv.Atoi("0" + whole)
		milli, _ := strconv.Atoi((frac + "000")[:3])
		d = (time.Duration(m)*time.Minute + time.Duration(milli)*time.Minute/1000).Round(time.Second)
	}
	if d > MaxCallDuration {
		return 0, fmt.Errorf("%q is longer than %v", s, MaxCallDuration)
	}
	return d, nil
}

func (in CallInput) data() CallData {
	return CallData{Direction: in.Direction, Seconds: int64(in.Duration / time.Second), Outcome: in.Outcome, Phone: in.Phone}
}

// LogCall writes a call on a deal's timeline, at the time of the call, with
// its CallData and the notes as its text.
// Whoever may edit the deal may.
func (s *Store) LogCall(ctx context.Context, actor, dealID int64, in CallInput) (Entry, error) {
	if err := in.validate(s.Now()); err != nil {
		return Entry{}, err
	}
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, _, err := tx.editableDeal(actor, dealID)
		if err != nil {
			return err
		}
		id, err = tx.logCall(a.ID, dealID, in)
		return err
	})
	if err != nil {
		return Entry{}, fmt.Errorf("log call on deal %d: %w", dealID, err)
	}
	return s.entry(ctx, id)
}

func (tx *wtx) logCall(author, dealID int64, in CallInput) (int64, error) {
	if err := tx.addEntryAt(dealID, author, EntryCall, in.Notes, in.data(), in.At); err != nil {
		return 0, err
	}
	return tx.lastID()
}

func (tx *wtx) lastID() (int64, error) {
	var id int64
	err := tx.queryRow(`SELECT last_insert_rowid()`).Scan(&id)
	return id, err
}

// PaymentInput is a payment received on a deal.
type PaymentInput struct {
	Amount    int64  // minor units, > 0
	Currency  string // "": the deal's currency
	Date      string // YYYY-MM-DD; "": today in the business's zone (Seller.TimeZone)
	Method    string // bank transfer, card, cash, cheque…: free text
	Reference string // the bank's or the invoice's reference
	Note      string
}

// PaymentMethods are the methods a form suggests (free text is accepted).
var PaymentMethods = []string{"bank_transfer", "card", "cash", "cheque", "direct_debit"}

// LogPayment writes a payment on a deal's timeline, with its PaymentData
// and the note as its text.
func (s *Store) LogPayment(ctx context.Context, actor, dealID int64, in PaymentInput) (Entry, error) {
	var v validator
	if in.Amount <= 0 {
		v.add("amount", "required", "the amount must be greater than zero")
	}
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.Currency != "" {
		if _, ok := CurrencyDigits(in.Currency); !ok {
			v.add("currency", "unknown_currency", "%q is not an ISO 4217 currency", in.Currency)
		}
	}
	loc, err := s.location(ctx)
	if err != nil {
		return Entry{}, fmt.Errorf("log payment on deal %d: %w", dealID, err)
	}
	in.Date = checkDate(&v, "date", in.Date, s.Now().In(loc))
	in.Method, in.Reference, in.Note = CleanName(in.Method), CleanName(in.Reference), strings.TrimSpace(CleanText(in.Note))
	if err := v.err(); err != nil {
		return Entry{}, err
	}
	var id int64
	err = s.writeTx(ctx, func(tx *wtx) error {
		a, d, err := tx.editableDeal(actor, dealID)
		if err != nil {
			return err
		}
		if in.Currency == "" {
			in.Currency = d.Currency
		}
		data := PaymentData{Amount: in.Amount, Currency: in.Currency, Date: in.Date, Method: in.Method, Reference: in.Reference}
		if err := tx.addEntry(dealID, a.ID, EntryPayment, in.Note, data); err != nil {
			return err
		}
		id, err = tx.lastID()
		return err
	})
	if err != nil {
		return Entry{}, fmt.Errorf("log payment on deal %d: %w", dealID, err)
	}
	return s.entry(ctx, id)
}

// DeliveryInput is a delivery made for a deal.
type DeliveryInput struct {
	Date     string // YYYY-MM-DD; "": today in the business's zone (Seller.TimeZone)
	Carrier  string
	Tracking string // the carrier's tracking number
	Address  string
	Note     string
}

// LogDelivery writes a delivery on a deal's timeline, with its
// DeliveryData and the note as its text.
func (s *Store) LogDelivery(ctx context.Context, actor, dealID int64, in DeliveryInput) (Entry, error) {
	var v validator
	loc, err := s.location(ctx)
	if err != nil {
		return Entry{}, fmt.Errorf("log delivery on deal %d: %w", dealID, err)
	}
	in.Date = checkDate(&v, "date", in.Date, s.Now().In(loc))
	in.Carrier, in.Tracking = CleanName(in.Carrier), CleanName(in.Tracking)
	in.Address, in.Note = strings.TrimSpace(CleanText(in.Address)), strings.TrimSpace(CleanText(in.Note))
	if err := v.err(); err != nil {
		return Entry{}, err
	}
	var id int64
	err = s.writeTx(ctx, func(tx *wtx) error {
		a, _, err := tx.editableDeal(actor, dealID)
		if err != nil {
			return err
		}
		data := DeliveryData{Date: in.Date, Carrier: in.Carrier, Tracking: in.Tracking, Address: in.Address}
		if err := tx.addEntry(dealID, a.ID, EntryDelivery, in.Note, data); err != nil {
			return err
		}
		id, err = tx.lastID()
		return err
	})
	if err != nil {
		return Entry{}, fmt.Errorf("log delivery on deal %d: %w", dealID, err)
	}
	return s.entry(ctx, id)
}

// checkDate validates a YYYY-MM-DD date, defaulting to now's date in now's
// location (the business's zone).
func checkDate(v *validator, field, date string, now time.Time) string {
	date = strings.TrimSpace(date)
	if date == "" {
		return now.Format("2006-01-02")
	}
	if _, err := time.Parse("2006-01-02", date); err != nil {
		v.add(field, "invalid_date", "%q is not a date (YYYY-MM-DD)", date)
	}
	return date
}

// CallMatch says what a phone number leads to.
type CallMatch int

// What a caller's number matches.
const (
	// CallUnknown: no contact has the number; logging the call creates the
	// contact and a deal with source "call".
	CallUnknown CallMatch = iota
	// CallOneDeal: the number's contacts have exactly one open deal; the call
	// is logged on it.
	CallOneDeal
	// CallNoDeal: exactly one contact has the number and it has no open deal;
	// logging the call creates a deal with source "call" for it.
	CallNoDeal
	// CallSeveral: several open deals (or several contacts without one): the
	// person picks the deal.
	CallSeveral
)

// CallTarget is what a phone number matches.
type CallTarget struct {
	Match    CallMatch
	Phone    string
	Contacts []Contact // the contacts with the number
	DealID   int64     // for CallOneDeal
	Deals    []Card    // the open deals of those contacts the actor may see
}

// ErrAmbiguousCaller is returned when a number matches several deals and the
// call must be logged on one the person picks.
var ErrAmbiguousCaller = errors.New("the number matches several deals")

// CallTarget tells where a call with this number would be logged.
func (s *Store) CallTarget(ctx context.Context, actor int64, phone string) (CallTarget, error) {
	me, f, err := s.clientReader(ctx, actor)
	if err != nil {
		return CallTarget{}, fmt.Errorf("call target: %w", err)
	}
	contacts, err := s.contactsByPhone(ctx, f, phone)
	if err != nil {
		return CallTarget{}, fmt.Errorf("call target: %w", err)
	}
	t := CallTarget{Phone: strings.TrimSpace(phone), Contacts: contacts}
	ids := make([]int64, len(contacts))
	for i, c := range contacts {
		ids[i] = c.ID
	}
	open, err := openDealsOf(ctx, s.r, ids)
	if err != nil {
		return CallTarget{}, fmt.Errorf("call target: %w", err)
	}
	t.Match, t.DealID = classifyCall(len(contacts), open)
	for _, id := range open {
		d, err := loadDeal(ctx, s.r, id)
		if err != nil {
			return CallTarget{}, fmt.Errorf("call target: %w", err)
		}
		if dealAccess(me, d.ResponsibleID, d.Observers) == NoAccess {
			continue
		}
		t.Deals = append(t.Deals, Card{ID: d.ID, Title: d.Title, StageID: d.StageID, Client: d.ClientName(),
			Amount: d.Amount, Currency: d.Currency, Responsible: d.Responsible, UpdatedAt: d.UpdatedAt})
	}
	return t, nil
}

func classifyCall(contacts int, open []int64) (CallMatch, int64) {
	switch {
	case contacts == 0:
		return CallUnknown, 0
	case len(open) == 1:
		return CallOneDeal, open[0]
	case len(open) == 0 && contacts == 1:
		return CallNoDeal, 0
	}
	return CallSeveral, 0
}

// openDealsOf lists the open, not deleted deals of the contacts.
func openDealsOf(ctx context.Context, q querier, contacts []int64) ([]int64, error) {
	if len(contacts) == 0 {
		return nil, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(contacts)), ",")
	args := make([]any, len(contacts))
	for i, id := range contacts {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT d.id FROM deals d JOIN stages s ON s.id = d.stage_id
		WHERE d.contact_id IN (`+ph+`) AND d.deleted_at IS NULL AND s.semantics = 'open' ORDER BY d.updated_at DESC, d.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// NewCaller names the contact and deal created for a call from an unknown
// number (or for a known contact without an open deal).
type NewCaller struct {
	Name      string // the contact's name; "": the number itself
	DealTitle string // "": the contact's name
}

// CallLogged is what LogCallFromNumber did.
type CallLogged struct {
	Entry          Entry
	DealID         int64
	ContactID      int64
	CreatedContact bool
	CreatedDeal    bool
}

// LogCallFromNumber logs a call by the caller's number, in one transaction:
// an unknown number creates the contact and a deal with source "call"; a
// contact without an open deal gets a new deal with source "call"; a number
// whose contacts have exactly one open deal logs the call on it. Several open
// deals return ErrAmbiguousCaller: log on the chosen one with LogCall.
func (s *Store) LogCallFromNumber(ctx context.Context, actor int64, phone string, who NewCaller, in CallInput) (CallLogged, error) {
	in.Phone = phone
	if err := in.validate(s.Now()); err != nil {
		return CallLogged{}, err
	}
	if len(PhoneDigits(in.Phone)) < 3 {
		return CallLogged{}, &ValidationError{Fields: []FieldError{{Field: "phone", Code: "invalid_phone", Message: fmt.Sprintf("%q is not a phone number", in.Phone)}}}
	}
	var out CallLogged
	err := s.writeTx(ctx, func(tx *wtx) error {
		out = CallLogged{}
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		// The contacts the caller may read (see ClientScope), as CallTarget
		// showed them.
		f, err := clientFilterFor(tx.ctx, tx, a)
		if err != nil {
			return err
		}
		cond, args := f.contacts("contact_id")
		rows, err := tx.QueryContext(tx.ctx, `SELECT DISTINCT contact_id FROM contact_phones WHERE digits = ?`+cond+` ORDER BY contact_id`,
			append([]any{phoneKey(in.Phone)}, args...)...)
		if err != nil {
			return err
		}
		contacts, err := scanIDs(rows)
		if err != nil {
			return err
		}
		open, err := openDealsOf(tx.ctx, tx, contacts)
		if err != nil {
			return err
		}
		match, dealID := classifyCall(len(contacts), open)
		name := strings.TrimSpace(who.Name)
		switch match {
		case CallSeveral:
			return ErrAmbiguousCaller
		case CallOneDeal:
			if _, _, err := tx.editableDeal(a.ID, dealID); err != nil {
				return err
			}
			var cid any
			_ = tx.queryRow(`SELECT contact_id FROM deals WHERE id = ?`, dealID).Scan(&cid)
			if c, ok := cid.(int64); ok {
				out.ContactID = c
			}
		case CallUnknown:
			if name == "" {
				name = in.Phone
			}
			out.ContactID, err = tx.createContact(ContactInput{Name: name, Phones: []string{in.Phone}})
			if err != nil {
				return err
			}
			out.CreatedContact = true
		case CallNoDeal:
			out.ContactID = contacts[0]
			if name == "" {
				if err := tx.queryRow(`SELECT name FROM contacts WHERE id = ?`, out.ContactID).Scan(&name); err != nil {
					return err
				}
			}
		}
		if match == CallUnknown || match == CallNoDeal {
			title := strings.TrimSpace(who.DealTitle)
			if title == "" {
				title = name
			}
			dealID, err = tx.createDeal(a.ID, DealInput{Title: title, ContactID: out.ContactID, Source: SourceCall})
			if err != nil {
				return err
			}
			out.CreatedDeal = true
		}
		out.DealID = dealID
		id, err := tx.logCall(a.ID, dealID, in)
		out.Entry.ID = id
		return err
	})
	if err != nil {
		return CallLogged{}, fmt.Errorf("log call from %s: %w", phone, err)
	}
	out.Entry, err = s.entry(ctx, out.Entry.ID)
	return out, err
}

// MayChangeEntry tells whether an employee may edit (comments) or delete
// (comments, calls, payments, deliveries) a timeline entry: only its author,
// and never a history entry, an email, a document or a note. It is the rule
// DeleteEntry and EditComment enforce, for screens to offer the buttons.
func MayChangeEntry(me Employee, e Entry) bool {
	return changeableKind(e.Kind) && me.Active && e.AuthorID != 0 && e.AuthorID == me.ID
}

// changeableKind tells whether entries of a kind are written by hand, so
// that their author may change them: the one list of such kinds.
func changeableKind(k EntryKind) bool {
	switch k {
	case EntryComment, EntryCall, EntryPayment, EntryDelivery:
		return true
	}
	return false
}
