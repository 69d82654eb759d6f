package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The outbox: an email written from a deal is stored first, with its
// Message-ID and its exact bytes fixed, as a row of messages (direction out,
// linked to the deal, so that a reply finds the deal even before it is sent)
// and a row of outbox holding its sending state. mail/send delivers it.
//
// States: queued → sending → sent | failed | unknown; a person may cancel a
// queued, failed or unknown message, edit a queued or failed one, and send a
// failed or unknown one again. A row is claimed with a conditional UPDATE so
// that two workers never send it twice.

// OutState is the sending state of an outgoing email.
type OutState string

// Outgoing email states.
const (
	OutQueued    OutState = "queued"    // waiting for the sender
	OutSending   OutState = "sending"   // claimed by a sender
	OutSent      OutState = "sent"      // the server accepted it
	OutFailed    OutState = "failed"    // the server refused it for good: edit and retry, or cancel
	OutUnknown   OutState = "unknown"   // the connection broke after the message was given: maybe sent
	OutCancelled OutState = "cancelled" // a person cancelled it
)

// DefaultSendMaxSize is the default limit of the attachments of one email.
const DefaultSendMaxSize = 20 << 20

// MaxReferences bounds the References header of a reply: the first ID and
// the last ones are kept.
const MaxReferences = 10

// FileInput is one attachment the person chose: a file on disk (Path), a
// document of the deal (DocumentID, attached as its PDF), or bytes already in
// memory (Name and Data).
type FileInput struct {
	Path        string `json:"path,omitempty"`
	DocumentID  int64  `json:"document_id,omitempty"`
	Name        string `json:"name,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Data        []byte `json:"-"`
}

// ComposeInput is what the compose form or `comptoir send` gives.
type ComposeInput struct {
	DealID    int64  `json:"deal_id"`
	AccountID int64  `json:"account_id,omitempty"` // 0: the first active account that can send
	To        string `json:"to"`                   // addresses separated by commas
	Cc        string `json:"cc,omitempty"`
	Bcc       string `json:"bcc,omitempty"`
	Subject   string `json:"subject"`
	Text      string `json:"text"`
	HTML      bool   `json:"html,omitempty"` // also send the text as simple HTML
	// ReplyTo is the stored email (StoredEmail.ID) this one answers: it
	// sets In-Reply-To and References.
	ReplyTo int64       `json:"reply_to,omitempty"`
	Files   []FileInput `json:"files,omitempty"`
	// KeepFiles, when editing a queued message, keeps its attachments and
	// adds Files to them.
	KeepFiles bool `json:"-"`
}

// File is an attachment read and checked, ready to be put in a message.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// Draft is a checked email, with everything mail/ needs to build its bytes.
// The Message-ID and Date are fixed here.
type Draft struct {
	OutboxID   int64 // 0 for a new message; set when editing
	DealID     int64
	AccountID  int64
	AuthorID   int64
	MessageID  string // without angle brackets
	Date       time.Time
	From       Address
	ReplyTo    Address // the address the sync watches
	To, Cc     []Address
	Bcc        []Address
	Subject    string
	Text       string
	HTML       bool
	InReplyTo  string   // without angle brackets
	References []string // oldest first, without angle brackets
	Files      []File
	Input      ComposeInput
}

// Recipients is every envelope recipient: To, Cc and Bcc, each once.
func (d Draft) Recipients() []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range [][]Address{d.To, d.Cc, d.Bcc} {
		for _, a := range l {
			k := strings.ToLower(a.Email)
			if !seen[k] {
				seen[k] = true
				out = append(out, a.Email)
			}
		}
	}
	return out
}

// OutboxItem is one outgoing email as the outbox list shows it.
type OutboxItem struct {
	ID          int64
	EmailID     int64
	MessageID   string
	DealID      int64
	DealTitle   string
	AccountID   int64
	AuthorID    int64
	State       OutState
	To          []Address
	Subject     string
	Attempts    int
	NextAttempt time.Time
	LastError   string
	SentAt      time.Time
	SentCopy    string // none, pending, appending, done
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Input       ComposeInput
}

// Editable reports whether a person may still change the message.
func (o OutboxItem) Editable() bool { return o.State == OutQueued || o.State == OutFailed }

// Outgoing is a claimed message as the sender transmits it.
type Outgoing struct {
	ID         int64
	MessageID  string
	AccountID  int64
	DealID     int64
	From       string // envelope sender
	Recipients []string
	Raw        []byte // the exact bytes to send
	Attempts   int
}

// ParseAddresses reads a list of addresses as typed in a To field: commas
// or semicolons between them, display names allowed.
func ParseAddresses(s string) ([]Address, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ";", ","))
	if s == "" {
		return nil, nil
	}
	list, err := mail.ParseAddressList(s)
	if err != nil {
		// say which one
		for _, part := range strings.Split(s, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			if _, perr := mail.ParseAddress(part); perr != nil {
				return nil, fmt.Errorf("%q is not an email address", part)
			}
		}
		return nil, fmt.Errorf("%q is not a list of email addresses", s)
	}
	out := make([]Address, len(list))
	for i, a := range list {
		if !strings.Contains(a.Address, "@") || strings.HasPrefix(a.Address, "@") || strings.HasSuffix(a.Address, "@") {
			return nil, fmt.Errorf("%q is not an email address", a.Address)
		}
		out[i] = Address{Name: a.Name, Email: a.Address}
	}
	return out, nil
}

// trimReferences keeps the first ID and the last max-1 ones.
func trimReferences(refs []string, max int) []string {
	if len(refs) <= max {
		return refs
	}
	out := append([]string{refs[0]}, refs[len(refs)-(max-1):]...)
	return out
}

// ThreadReferences is the References of a reply: the parent's References
// plus the parent's Message-ID, trimmed to MaxReferences.
func ThreadReferences(parentRefs []string, parentID string) []string {
	refs := make([]string, 0, len(parentRefs)+1)
	for _, r := range parentRefs {
		if r != "" && r != parentID {
			refs = append(refs, r)
		}
	}
	if parentID != "" {
		refs = append(refs, parentID)
	}
	return trimReferences(refs, MaxReferences)
}

// ReplySubject is "Re: " and the subject, unless it already starts so.
func ReplySubject(subject string) string {
	s := strings.TrimSpace(subject)
	if len(s) >= 3 && strings.EqualFold(s[:3], "re:") {
		return s
	}
	return "Re: " + s
}

// QuoteText quotes a message's text for a reply: an attribution line and
// each line prefixed with "> ".
func QuoteText(from Address, date time.Time, text string) string {
	var b strings.Builder
	who := from.Name
	if who == "" {
		who = from.Email
	}
	if date.IsZero() {
		fmt.Fprintf(&b, "%s wrote:\n", who)
	} else {
		fmt.Fprintf(&b, "On %s, %s wrote:\n", date.UTC().Format("2 Jan 2006 15:04"), who)
	}
	for _, l := range strings.Split(strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n"), "\n") {
		if strings.HasPrefix(l, ">") {
			b.WriteString(">" + l + "\n")
		} else {
			b.WriteString("> " + l + "\n")
		}
	}
	return b.String()
}

// SendingAccount returns the account an email of the deal goes through:
// id, or else the first active account with an SMTP server.
func (s *Store) SendingAccount(ctx context.Context, id int64) (Account, error) {
	if id != 0 {
		return s.Account(ctx, id)
	}
	accs, err := s.Accounts(ctx)
	if err != nil {
		return Account{}, err
	}
	for _, a := range accs {
		if a.Active && a.SMTPHost != "" {
			return a, nil
		}
	}
	return Account{}, fmt.Errorf("no mail account that can send: %w", ErrNotFound)
}

// SendMaxSize is the size limit of what one account sends.
func (s *Store) SendMaxSize(ctx context.Context, accountID int64) int64 {
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT send_max_size FROM mail_accounts WHERE id = ?`, accountID).Scan(&n); err != nil || n <= 0 {
		return DefaultSendMaxSize
	}
	return n
}

// SetSendMaxSize changes an account's sending size limit (bytes; 0: the
// default). Only an admin may.
func (s *Store) SetSendMaxSize(ctx context.Context, actor, accountID, size int64) error {
	if size <= 0 {
		size = DefaultSendMaxSize
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE mail_accounts SET send_max_size = ? WHERE id = ?`, size, accountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		tx.changed(KindAccount, accountID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("account %d send size: %w", accountID, err)
	}
	return nil
}

// PrepareEmail checks what the person wrote and fixes the new message's
// Message-ID and Date. Bad input is refused with a ValidationError naming
// the field: to, cc, bcc (an address that does not parse, no recipient),
// files[i] (a file that cannot be read, over the account's size limit),
// account, reply_to.
func (s *Store) PrepareEmail(ctx context.Context, actor int64, in ComposeInput) (Draft, error) {
	d, err := s.prepare(ctx, actor, in, nil)
	if err != nil {
		return Draft{}, fmt.Errorf("email from deal %d: %w", in.DealID, err)
	}
	return d, nil
}

// PrepareEdit is PrepareEmail for a message already queued (or failed): its
// Message-ID stays. With in.KeepFiles its attachments are kept.
func (s *Store) PrepareEdit(ctx context.Context, actor, outboxID int64, in ComposeInput) (Draft, error) {
	it, err := s.OutboxItem(ctx, outboxID)
	if err != nil {
		return Draft{}, err
	}
	if !it.Editable() {
		return Draft{}, fmt.Errorf("edit email %d: it is %s: %w", outboxID, it.State, ErrConflict)
	}
	if in.DealID == 0 {
		in.DealID = it.DealID
	}
	var keep []File
	if in.KeepFiles {
		if keep, err = s.OutboxFiles(ctx, outboxID); err != nil {
			return Draft{}, err
		}
	}
	d, err := s.prepare(ctx, actor, in, keep)
	if err != nil {
		return Draft{}, fmt.Errorf("edit email %d: %w", outboxID, err)
	}
	d.OutboxID, d.MessageID = outboxID, it.MessageID
	return d, nil
}

func (s *Store) prepare(ctx context.Context, actor int64, in ComposeInput, keep []File) (Draft, error) {
	me, err := s.Employee(ctx, actor)
	if err != nil || !me.Active {
		return Draft{}, fmt.Errorf("acting employee: %w", ErrForbidden)
	}
	deal, err := s.Deal(ctx, actor, in.DealID)
	if err != nil {
		return Draft{}, err
	}
	if dealAccess(me, deal.ResponsibleID, deal.Observers) != EditAccess {
		return Draft{}, fmt.Errorf("only who may edit the deal may write to its client: %w", ErrForbidden)
	}
	var v validator
	acc, err := s.SendingAccount(ctx, in.AccountID)
	if err != nil {
		v.add("account", "no_account", "no mail account can send: add one with an SMTP server in Settings")
	} else if acc.SMTPHost == "" {
		v.add("account", "no_smtp", "the account %s has no SMTP server", acc.Email)
	}
	d := Draft{DealID: deal.ID, AccountID: acc.ID, AuthorID: me.ID, Subject: strings.TrimSpace(in.Subject),
		Text: strings.ReplaceAll(in.Text, "\r\n", "\n"), HTML: in.HTML, Input: in}
	d.Input.Files = nil
	d.Input.KeepFiles = false
	for _, f := range []struct {
		name string
		val  string
		dst  *[]Address
	}{{"to", in.To, &d.To}, {"cc", in.Cc, &d.Cc}, {"bcc", in.Bcc, &d.Bcc}} {
		l, err := ParseAddresses(f.val)
		if err != nil {
			v.add(f.name, "invalid_email", "%s", err.Error())
			continue
		}
		*f.dst = l
	}
	if len(d.To)+len(d.Cc)+len(d.Bcc) == 0 && v.errs == nil {
		v.add("to", "required", "the email has no recipient")
	}
	if strings.ContainsAny(d.Subject, "\r\n") {
		d.Subject = strings.Join(strings.Fields(d.Subject), " ")
	}
	if in.ReplyTo != 0 {
		p, err := s.Email(ctx, in.ReplyTo)
		if err != nil || p.DealID != deal.ID {
			v.add("reply_to", "unknown_email", "the email answered is not on this deal")
		} else if !strings.HasPrefix(p.MessageID, "sha256:") {
			d.InReplyTo = p.MessageID
			d.References = ThreadReferences(p.References, p.MessageID)
		}
	}
	limit := int64(DefaultSendMaxSize)
	if acc.ID != 0 {
		limit = s.SendMaxSize(ctx, acc.ID)
	}
	var total int64
	d.Files = append(d.Files, keep...)
	for _, f := range keep {
		total += int64(len(f.Data))
	}
	for i, fi := range in.Files {
		field := fmt.Sprintf("files[%d]", len(keep)+i)
		f, err := s.readFile(ctx, actor, deal.ID, fi, limit)
		if err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				v.add(field, fe.Code, "%s", fe.Message)
			} else {
				v.add(field, "unreadable", "%s", err.Error())
			}
			continue
		}
		total += int64(len(f.Data))
		d.Files = append(d.Files, f)
		rec := FileInput{Path: fi.Path, DocumentID: fi.DocumentID, Name: f.Name, ContentType: f.ContentType}
		d.Input.Files = append(d.Input.Files, rec)
	}
	if total > limit && v.errs == nil {
		v.add("files", "too_large", "the attachments weigh %s together, over the account's limit of %s", byteSize(total), byteSize(limit))
	}
	if err := v.err(); err != nil {
		return Draft{}, err
	}
	d.From = Address{Name: me.Name, Email: acc.Email}
	d.ReplyTo = Address{Name: me.Name, Email: acc.Email}
	d.MessageID = NewMessageID(deal.ID, domainOf(acc.Email))
	d.Date = s.Now().UTC().Truncate(time.Second)
	return d, nil
}

// readFile reads one attachment and checks it against the limit.
func (s *Store) readFile(ctx context.Context, actor, dealID int64, fi FileInput, limit int64) (File, error) {
	switch {
	case fi.DocumentID != 0:
		doc, err := s.Document(ctx, actor, fi.DocumentID)
		if err != nil || doc.DealID != dealID {
			return File{}, &FieldError{Code: "unknown_document", Message: "the document is not one of this deal's"}
		}
		b, err := s.DocumentPDF(ctx, actor, fi.DocumentID)
		if err != nil {
			return File{}, &FieldError{Code: "unreadable", Message: fmt.Sprintf("document %s cannot be printed: %v", doc.Number, err)}
		}
		return File{Name: doc.FileName(), ContentType: "application/pdf", Data: b}, nil
	case fi.Path != "":
		name := filepath.Base(fi.Path)
		st, err := os.Stat(fi.Path)
		if err != nil {
			return File{}, &FieldError{Code: "unreadable", Message: fmt.Sprintf("%s cannot be read: %v", name, plainFileError(err))}
		}
		if st.IsDir() {
			return File{}, &FieldError{Code: "unreadable", Message: fmt.Sprintf("%s is a folder, not a file", name)}
		}
		if st.Size() > limit {
			return File{}, &FieldError{Code: "too_large", Message: fmt.Sprintf("%s weighs %s, over the account's limit of %s", name, byteSize(st.Size()), byteSize(limit))}
		}
		b, err := os.ReadFile(fi.Path)
		if err != nil {
			return File{}, &FieldError{Code: "unreadable", Message: fmt.Sprintf("%s cannot be read: %v", name, plainFileError(err))}
		}
		return File{Name: safeFileName(name), ContentType: contentTypeOf(name, fi.ContentType), Data: b}, nil
	default:
		name := safeFileName(fi.Name)
		if name == "" {
			return File{}, &FieldError{Code: "required", Message: "the attachment has no name"}
		}
		if int64(len(fi.Data)) > limit {
			return File{}, &FieldError{Code: "too_large", Message: fmt.Sprintf("%s weighs %s, over the account's limit of %s", name, byteSize(int64(len(fi.Data))), byteSize(limit))}
		}
		return File{Name: name, ContentType: contentTypeOf(name, fi.ContentType), Data: fi.Data}, nil
	}
}

func plainFileError(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func safeFileName(n string) string {
	n = filepath.Base(strings.ReplaceAll(n, "\\", "/"))
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, n)
	n = strings.TrimLeft(n, ".")
	if n == "/" {
		return ""
	}
	return n
}

func contentTypeOf(name, given string) string {
	if given != "" {
		return given
	}
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); t != "" {
		return t
	}
	return "application/octet-stream"
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// outEntryData is the Data of an outgoing email's timeline entry.
type outEntryData struct {
	EmailID     int64             `json:"email_id"`
	OutboxID    int64             `json:"outbox_id"`
	From        string            `json:"from"`
	To          []string          `json:"to"`
	Cc          []string          `json:"cc,omitempty"`
	Subject     string            `json:"subject"`
	MessageID   string            `json:"message_id"`
	Text        string            `json:"text"`
	Attachments []entryAttachment `json:"attachments"`
	State       OutState          `json:"state"`
	Error       string            `json:"error,omitempty"`
	InReplyTo   string            `json:"in_reply_to,omitempty"`
}

func formatAddresses(l []Address) []string {
	out := make([]string, 0, len(l))
	for _, a := range l {
		out = append(out, formatAddress(a))
	}
	return out
}

// QueueEmail stores a prepared email and its exact bytes (built by mail/
// from the draft) in the outbox: a new message, or an edited one when
// d.OutboxID is set (only while it is queued or failed; an edited failed
// message is queued again). The timeline shows it as queued.
func (s *Store) QueueEmail(ctx context.Context, d Draft, raw []byte) (OutboxItem, error) {
	if len(raw) == 0 || d.MessageID == "" {
		return OutboxItem{}, errors.New("queue email: no message bytes")
	}
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, err := tx.actor(d.AuthorID)
		if err != nil {
			return err
		}
		deal, err := loadDeal(tx.ctx, tx, d.DealID)
		if err != nil {
			return err
		}
		if dealAccess(a, deal.ResponsibleID, deal.Observers) != EditAccess {
			return ErrNotFound
		}
		to, _ := json.Marshal(nonNilAddrs(d.To))
		cc, _ := json.Marshal(nonNilAddrs(d.Cc))
		refs, _ := json.Marshal(nonNilStrings(d.References))
		atts := make([]Attachment, 0, len(d.Files))
		eatts := make([]entryAttachment, 0, len(d.Files))
		for _, f := range d.Files {
			atts = append(atts, Attachment{Name: f.Name, ContentType: f.ContentType, Size: int64(len(f.Data))})
			eatts = append(eatts, entryAttachment{Name: f.Name, Size: int64(len(f.Data))})
		}
		attJSON, _ := json.Marshal(atts)
		rcpts, _ := json.Marshal(d.Recipients())
		// The text is stored once, in the message row; the outbox row stays
		// small, as the sender rewrites it at every state.
		input := d.Input
		input.Text = ""
		compose, _ := json.Marshal(input)
		now := tx.s.now()
		entry := outEntryData{From: formatAddress(d.From), To: formatAddresses(d.To), Cc: formatAddresses(d.Cc),
			Subject: d.Subject, MessageID: d.MessageID, Text: d.Text, Attachments: eatts, State: OutQueued, InReplyTo: d.InReplyTo}
		if d.OutboxID == 0 {
			var emailID int64
			err := tx.queryRow(`INSERT INTO messages (message_id, direction, account_id, from_name, from_email, to_addrs, cc_addrs,
				subject, sent_at, in_reply_to, refs, text, attachments, size, raw, state, reason, reason_text, deal_id, created_at)
				VALUES (?, 'out', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'linked', ?, 'written from this deal', ?, ?) RETURNING id`,
				d.MessageID, nullID(d.AccountID), d.From.Name, strings.ToLower(d.From.Email), string(to), string(cc), d.Subject,
				fmtTime(d.Date), d.InReplyTo, string(refs), d.Text, string(attJSON), len(raw), raw, ReasonByPerson, d.DealID, now).Scan(&emailID)
			if err != nil {
				if isUnique(err) {
					return fmt.Errorf("message id %s: %w", d.MessageID, ErrConflict)
				}
				return err
			}
			if err := tx.queryRow(`INSERT INTO outbox (email_id, message_id, deal_id, account_id, author_id, state, envelope_from,
				recipients, compose, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?) RETURNING id`,
				emailID, d.MessageID, d.DealID, nullID(d.AccountID), a.ID, d.From.Email, string(rcpts), string(compose), now, now, now).Scan(&id); err != nil {
				return err
			}
			entry.EmailID, entry.OutboxID = emailID, id
			b, _ := json.Marshal(entry)
			var entryID int64
			if err := tx.queryRow(`INSERT INTO timeline (deal_id, kind, author_id, at, text, data) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
				d.DealID, EntryEmailOut, a.ID, now, d.Subject, string(b)).Scan(&entryID); err != nil {
				return fmt.Errorf("timeline entry: %w", err)
			}
			if _, err := tx.exec(`UPDATE messages SET entry_id = ? WHERE id = ?`, entryID, emailID); err != nil {
				return err
			}
			if _, err := tx.exec(`UPDATE outbox SET entry_id = ? WHERE id = ?`, entryID, id); err != nil {
				return err
			}
			tx.changed(KindDeal, d.DealID)
		} else {
			id = d.OutboxID
			var emailID int64
			var entryID sql.NullInt64
			err := tx.queryRow(`UPDATE outbox SET state = 'queued', envelope_from = ?, recipients = ?, compose = ?, attempts = 0,
				next_attempt_at = ?, last_error = '', account_id = ?, updated_at = ?
				WHERE id = ? AND state IN ('queued', 'failed') AND message_id = ? RETURNING email_id, entry_id`,
				d.From.Email, string(rcpts), string(compose), now, nullID(d.AccountID), now, id, d.MessageID).Scan(&emailID, &entryID)
			if err == sql.ErrNoRows {
				return fmt.Errorf("it was claimed for sending or is no longer editable: %w", ErrConflict)
			}
			if err != nil {
				return err
			}
			if _, err := tx.exec(`UPDATE messages SET account_id = ?, from_name = ?, from_email = ?, to_addrs = ?, cc_addrs = ?, subject = ?,
				sent_at = ?, in_reply_to = ?, refs = ?, text = ?, attachments = ?, size = ?, raw = ? WHERE id = ?`,
				nullID(d.AccountID), d.From.Name, strings.ToLower(d.From.Email), string(to), string(cc), d.Subject, fmtTime(d.Date),
				d.InReplyTo, string(refs), d.Text, string(attJSON), len(raw), raw, emailID); err != nil {
				return err
			}
			if _, err := tx.exec(`DELETE FROM outbox_files WHERE outbox_id = ?`, id); err != nil {
				return err
			}
			entry.EmailID, entry.OutboxID = emailID, id
			if entryID.Valid {
				b, _ := json.Marshal(entry)
				if _, err := tx.exec(`UPDATE timeline SET text = ?, data = ?, edited_at = ? WHERE id = ?`, d.Subject, string(b), now, entryID.Int64); err != nil {
					return err
				}
			}
			tx.changed(KindDeal, d.DealID)
		}
		for i, f := range d.Files {
			if _, err := tx.exec(`INSERT INTO outbox_files (outbox_id, pos, name, content_type, data) VALUES (?, ?, ?, ?, ?)`,
				id, i, f.Name, f.ContentType, f.Data); err != nil {
				return err
			}
		}
		_, err = tx.exec(`UPDATE deals SET updated_at = ? WHERE id = ?`, now, d.DealID)
		tx.changed(KindOutbox, id)
		return err
	})
	if err != nil {
		return OutboxItem{}, fmt.Errorf("queue email from deal %d: %w", d.DealID, err)
	}
	return s.OutboxItem(ctx, id)
}

const outboxCols = `o.id, o.email_id, o.message_id, coalesce(o.deal_id, 0), coalesce(d.title, ''), coalesce(o.account_id, 0),
	coalesce(o.author_id, 0), o.state, m.to_addrs, m.subject, o.attempts, o.next_attempt_at, o.last_error, o.sent_at, o.sent_copy,
	o.created_at, o.updated_at, o.compose, m.text`

const outboxFrom = ` FROM outbox o JOIN messages m ON m.id = o.email_id LEFT JOIN deals d ON d.id = o.deal_id `

func scanOutbox(sc interface{ Scan(...any) error }) (OutboxItem, error) {
	var o OutboxItem
	var to, next, created, updated, compose, text string
	var sent sql.NullString
	err := sc.Scan(&o.ID, &o.EmailID, &o.MessageID, &o.DealID, &o.DealTitle, &o.AccountID, &o.AuthorID, &o.State, &to, &o.Subject,
		&o.Attempts, &next, &o.LastError, &sent, &o.SentCopy, &created, &updated, &compose, &text)
	if err != nil {
		return o, err
	}
	_ = json.Unmarshal([]byte(to), &o.To)
	_ = json.Unmarshal([]byte(compose), &o.Input)
	o.Input.Text = text
	o.NextAttempt, o.SentAt, o.CreatedAt, o.UpdatedAt = parseTime(next), nullTime(sent), parseTime(created), parseTime(updated)
	return o, nil
}

// OutboxItem returns one outgoing email.
func (s *Store) OutboxItem(ctx context.Context, id int64) (OutboxItem, error) {
	o, err := scanOutbox(s.r.QueryRowContext(ctx, `SELECT `+outboxCols+outboxFrom+`WHERE o.id = ?`, id))
	if err != nil {
		return o, fmt.Errorf("outgoing email %d: %w", id, notFound(err))
	}
	return o, nil
}

// Outbox lists the outgoing emails that are not sent yet (queued, sending,
// failed, unknown), then the last sent and cancelled ones, newest first,
// up to limit. An employee who does not see every deal sees their own.
func (s *Store) Outbox(ctx context.Context, actor int64, limit int) ([]OutboxItem, error) {
	me, err := s.Employee(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	where := `WHERE 1`
	args := []any{}
	if !me.SeesAll() {
		where = `WHERE o.author_id = ?`
		args = append(args, me.ID)
	}
	args = append(args, limit)
	rows, err := s.r.QueryContext(ctx, `SELECT `+outboxCols+outboxFrom+where+`
		ORDER BY o.state IN ('sent', 'cancelled'), o.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		o, err := scanOutbox(rows)
		if err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OutboxCounts is what the main window's counter shows.
type OutboxCounts struct {
	Waiting  int // queued or sending
	Problems int // failed or unknown: a person must look
}

// OutboxCount counts the outgoing emails not sent yet.
func (s *Store) OutboxCount(ctx context.Context) (OutboxCounts, error) {
	var c OutboxCounts
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE state IN ('queued', 'sending')),
		count(*) FILTER (WHERE state IN ('failed', 'unknown')) FROM outbox WHERE state <> 'sent' AND state <> 'cancelled'`).Scan(&c.Waiting, &c.Problems)
	if err != nil {
		return c, fmt.Errorf("outbox count: %w", err)
	}
	return c, nil
}

// OutboxFiles returns the attachments of a message that can still be edited.
func (s *Store) OutboxFiles(ctx context.Context, id int64) ([]File, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, content_type, data FROM outbox_files WHERE outbox_id = ? ORDER BY pos`, id)
	if err != nil {
		return nil, fmt.Errorf("attachments of email %d: %w", id, err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.Name, &f.ContentType, &f.Data); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// OutgoingRaw returns the stored bytes of an outgoing email.
func (s *Store) OutgoingRaw(ctx context.Context, id int64) ([]byte, error) {
	var raw []byte
	err := s.r.QueryRowContext(ctx, `SELECT m.raw FROM outbox o JOIN messages m ON m.id = o.email_id WHERE o.id = ?`, id).Scan(&raw)
	if err != nil {
		return nil, fmt.Errorf("outgoing email %d: %w", id, notFound(err))
	}
	return raw, nil
}

// outEntryState shows on an email_out entry the state of its outbox row
// (state, "" when it has none). Recording an email sent rewrites only the
// outbox row, so a sent state is read from there: the entry shows state
// "sent" and error "", as if its JSON had been set. Every other state is
// written on the entry by setEntryState and is shown from its JSON.
func outEntryState(e *Entry, state OutState) {
	if state != OutSent || e.Kind != EntryEmailOut {
		return
	}
	if e.Data == nil {
		e.Data = map[string]any{}
	}
	e.Data["state"], e.Data["error"] = string(OutSent), ""
}

// setEntryState records an outgoing email's state on its timeline entry
// (sent is read from the outbox row, see outEntryState).
func (tx *wtx) setEntryState(id int64, state OutState, errText string) error {
	var entryID, dealID sql.NullInt64
	if err := tx.queryRow(`SELECT entry_id, deal_id FROM outbox WHERE id = ?`, id).Scan(&entryID, &dealID); err != nil {
		return notFound(err)
	}
	tx.changed(KindOutbox, id)
	if !entryID.Valid {
		return nil
	}
	if _, err := tx.exec(`UPDATE timeline SET data = json_set(data, '$.state', ?, '$.error', ?) WHERE id = ?`,
		string(state), errText, entryID.Int64); err != nil {
		return err
	}
	if dealID.Valid {
		tx.changed(KindDeal, dealID.Int64)
	}
	return nil
}

// DueOutgoing lists the queued emails whose time has come, oldest first.
func (s *Store) DueOutgoing(ctx context.Context, limit int) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id LIMIT ?`, s.now(), limit)
	if err != nil {
		return nil, fmt.Errorf("due emails: %w", err)
	}
	return scanIDs(rows)
}

// NextDue is when the next queued email becomes due (zero: none queued).
func (s *Store) NextDue(ctx context.Context) (time.Time, error) {
	var v sql.NullString
	if err := s.r.QueryRowContext(ctx, `SELECT min(next_attempt_at) FROM outbox WHERE state = 'queued'`).Scan(&v); err != nil {
		return time.Time{}, err
	}
	return nullTime(v), nil
}

// ClaimOutgoing moves queued emails to sending for one worker with one
// conditional update (… WHERE state = 'queued'): an email another worker
// claimed first, or one a person cancelled or edited into another state, is
// skipped. It returns the claimed emails with their bytes, in the order of
// ids.
func (s *Store) ClaimOutgoing(ctx context.Context, worker string, ids []int64) ([]Outgoing, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return s.claim(ctx, worker, ids, 0)
}

// ClaimDue claims up to limit queued emails whose time has come, oldest
// first, in one conditional update (see ClaimOutgoing).
func (s *Store) ClaimDue(ctx context.Context, worker string, limit int) ([]Outgoing, error) {
	return s.claim(ctx, worker, nil, limit)
}

func (s *Store) claim(ctx context.Context, worker string, ids []int64, limit int) ([]Outgoing, error) {
	var out []Outgoing
	err := s.writeTx(ctx, func(tx *wtx) error {
		var err error
		out, err = tx.claim(worker, ids, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim emails: %w", err)
	}
	return out, nil
}

// RecordAndClaim records the results of one batch and claims the next due
// emails (up to limit) in the same transaction: what a sender does between
// two batches.
func (s *Store) RecordAndClaim(ctx context.Context, results []SendResult, worker string, limit int) ([]Outgoing, error) {
	var out []Outgoing
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.recordSent(results); err != nil {
			return err
		}
		var err error
		out, err = tx.claim(worker, nil, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record and claim emails: %w", err)
	}
	return out, nil
}

func (tx *wtx) claim(worker string, ids []int64, limit int) ([]Outgoing, error) {
	var out []Outgoing
	err := func() error {
		now := tx.s.now()
		in, args := inList(ids)
		if ids == nil {
			in, args = `SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
				[]any{now, limit}
		}
		rows, err := tx.QueryContext(tx.ctx, `UPDATE outbox SET state = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1,
			updated_at = ? WHERE state = 'queued' AND id IN (`+in+`)
			RETURNING id, message_id, coalesce(account_id, 0), coalesce(deal_id, 0), envelope_from, recipients, attempts`,
			append([]any{worker, now, now}, args...)...)
		if err != nil {
			return err
		}
		got := map[int64]*Outgoing{}
		for rows.Next() {
			var o Outgoing
			var rcpts string
			if err := rows.Scan(&o.ID, &o.MessageID, &o.AccountID, &o.DealID, &o.From, &rcpts, &o.Attempts); err != nil {
				rows.Close()
				return err
			}
			_ = json.Unmarshal([]byte(rcpts), &o.Recipients)
			got[o.ID] = &o
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(got) == 0 {
			return nil
		}
		claimed := make([]int64, 0, len(got))
		for _, id := range ids {
			if got[id] != nil {
				claimed = append(claimed, id)
			}
		}
		if ids == nil {
			for id := range got {
				claimed = append(claimed, id)
			}
			slices.Sort(claimed)
		}
		in, args = inList(claimed)
		rows, err = tx.QueryContext(tx.ctx, `SELECT o.id, m.raw FROM outbox o JOIN messages m ON m.id = o.email_id WHERE o.id IN (`+in+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var raw []byte
			if err := rows.Scan(&id, &raw); err != nil {
				return err
			}
			got[id].Raw = raw
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range claimed {
			out = append(out, *got[id])
		}
		tx.changed(KindOutbox, 0)
		return nil
	}()
	return out, err
}

// inList makes "?, ?, ?" and its arguments.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// SendResult is the outcome of one delivery attempt, as the sender reports it.
type SendResult struct {
	ID    int64
	State OutState // OutSent, OutQueued (temporary failure), OutFailed or OutUnknown
	// Error is the server's words (or the network error) for anything but
	// OutSent.
	Error string
	// RetryAt is when a temporary failure is tried again.
	RetryAt time.Time
	// NeedCopy is set on a sent email that must be appended to the Sent
	// folder.
	NeedCopy bool
}

// RecordSent records the outcome of several attempts in one transaction.
// Only emails still in sending are changed (a result for an email that is
// no longer claimed is ignored). A permanent failure adds a note with the
// server's words to the deal's timeline.
func (s *Store) RecordSent(ctx context.Context, results []SendResult) error {
	if err := s.writeTx(ctx, func(tx *wtx) error { return tx.recordSent(results) }); err != nil {
		return fmt.Errorf("record sending: %w", err)
	}
	return nil
}

func (tx *wtx) recordSent(results []SendResult) error {
	return func() error {
		now := tx.s.now()
		// The common case, sent, in a few statements for the whole batch.
		for _, needCopy := range []bool{false, true} {
			var ids []int64
			for _, r := range results {
				if r.State == OutSent && r.NeedCopy == needCopy {
					ids = append(ids, r.ID)
				}
			}
			if len(ids) == 0 {
				continue
			}
			copyState := "none"
			if needCopy {
				copyState = "pending"
			}
			in, args := inList(ids)
			rows, err := tx.QueryContext(tx.ctx, `UPDATE outbox SET state = 'sent', sent_at = ?, last_error = '', sent_copy = ?, updated_at = ?
				WHERE state = 'sending' AND id IN (`+in+`) RETURNING id, coalesce(deal_id, 0)`,
				append([]any{now, copyState, now}, args...)...)
			if err != nil {
				return err
			}
			var done []int64
			deals := map[int64]bool{}
			for rows.Next() {
				var id, deal int64
				if err := rows.Scan(&id, &deal); err != nil {
					rows.Close()
					return err
				}
				done = append(done, id)
				if deal != 0 {
					deals[deal] = true
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(done) == 0 {
				continue
			}
			in, args = inList(done)
			if _, err := tx.exec(`DELETE FROM outbox_files WHERE outbox_id IN (`+in+`)`, args...); err != nil {
				return err
			}
			// The timeline entries are not rewritten: their JSON carries the
			// whole body, and the timeline reads a sent state from the outbox
			// row (outEntryState).
			for d := range deals {
				tx.changed(KindDeal, d)
			}
			tx.changed(KindOutbox, 0)
		}
		for _, r := range results {
			var res sql.Result
			var err error
			switch r.State {
			case OutSent:
				continue
			case OutQueued:
				res, err = tx.exec(`UPDATE outbox SET state = 'queued', last_error = ?, next_attempt_at = ?, updated_at = ?
					WHERE id = ? AND state = 'sending'`, r.Error, fmtTime(r.RetryAt), now, r.ID)
			case OutFailed, OutUnknown:
				res, err = tx.exec(`UPDATE outbox SET state = ?, last_error = ?, sent_checked_at = NULL, updated_at = ?
					WHERE id = ? AND state = 'sending'`, string(r.State), r.Error, now, r.ID)
			default:
				return fmt.Errorf("email %d: unknown result state %q", r.ID, r.State)
			}
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := tx.setEntryState(r.ID, r.State, r.Error); err != nil {
				return err
			}
			if r.State == OutFailed {
				if err := tx.failureNote(r.ID, r.Error); err != nil {
					return err
				}
			}
		}
		return nil
	}()
}

func (tx *wtx) failureNote(id int64, words string) error {
	var dealID sql.NullInt64
	var subject, msgID string
	if err := tx.queryRow(`SELECT o.deal_id, m.subject, o.message_id FROM outbox o JOIN messages m ON m.id = o.email_id WHERE o.id = ?`, id).
		Scan(&dealID, &subject, &msgID); err != nil {
		return err
	}
	if !dealID.Valid {
		return nil
	}
	return tx.addEntry(dealID.Int64, 0, EntryNote, "Email not sent: "+subject+" — the server said: "+words,
		map[string]any{"outbox_id": id, "message_id": msgID, "state": string(OutFailed), "error": words})
}

// StaleSending turns emails left in sending for longer than olderThan (a
// sender that crashed or was killed) into unknown: they may have been sent.
// It returns how many.
func (s *Store) StaleSending(ctx context.Context, olderThan time.Duration) (int, error) {
	n := 0
	err := s.writeTx(ctx, func(tx *wtx) error {
		cut := fmtTime(tx.s.Now().Add(-olderThan))
		ids, err := scanIDsTx(tx, `UPDATE outbox SET state = 'unknown', sent_checked_at = NULL,
			last_error = 'the program stopped while this email was being sent', updated_at = ?
			WHERE state = 'sending' AND claimed_at <= ? RETURNING id`, tx.s.now(), cut)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.setEntryState(id, OutUnknown, "the program stopped while this email was being sent"); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("stale sending emails: %w", err)
	}
	return n, nil
}

// SendingClaims lists the emails in sending with the worker that claimed
// each, so a sender can tell the claims of a process that is gone.
func (s *Store) SendingClaims(ctx context.Context) (map[int64]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, claimed_by FROM outbox WHERE state = 'sending'`)
	if err != nil {
		return nil, fmt.Errorf("sending emails: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var w string
		if err := rows.Scan(&id, &w); err != nil {
			return nil, err
		}
		out[id] = w
	}
	return out, rows.Err()
}

// AbandonClaims turns emails a stopped worker left in sending into unknown
// (only if that worker still holds them).
func (s *Store) AbandonClaims(ctx context.Context, claims map[int64]string) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		const why = "the program stopped while this email was being sent"
		for id, worker := range claims {
			res, err := tx.exec(`UPDATE outbox SET state = 'unknown', sent_checked_at = NULL, last_error = ?, updated_at = ?
				WHERE id = ? AND state = 'sending' AND claimed_by = ?`, why, tx.s.now(), id, worker)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				if err := tx.setEntryState(id, OutUnknown, why); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("abandoned emails: %w", err)
	}
	return nil
}

func scanIDsTx(tx *wtx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(tx.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// UncheckedUnknown lists the unknown emails not yet looked for in the Sent
// folder, with their account and Message-ID.
func (s *Store) UncheckedUnknown(ctx context.Context) ([]Outgoing, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, message_id, coalesce(account_id, 0), coalesce(deal_id, 0) FROM outbox
		WHERE state = 'unknown' AND sent_checked_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("unknown emails: %w", err)
	}
	defer rows.Close()
	var out []Outgoing
	for rows.Next() {
		var o Outgoing
		if err := rows.Scan(&o.ID, &o.MessageID, &o.AccountID, &o.DealID); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ResolveUnknown records what the Sent folder said about an unknown email:
// found, it is sent (and its copy is there already); not found, it stays
// unknown for a person to retry or cancel.
func (s *Store) ResolveUnknown(ctx context.Context, id int64, found bool) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		now := tx.s.now()
		if found {
			res, err := tx.exec(`UPDATE outbox SET state = 'sent', sent_at = coalesce(sent_at, ?), sent_checked_at = ?, sent_copy = 'done',
				sent_copy_at = ?, last_error = '', updated_at = ? WHERE id = ? AND state = 'unknown'`, now, now, now, now, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			if _, err := tx.exec(`DELETE FROM outbox_files WHERE outbox_id = ?`, id); err != nil {
				return err
			}
			return tx.setEntryState(id, OutSent, "")
		}
		const why = "not found in the Sent folder: it may not have left; send it again or cancel it"
		res, err := tx.exec(`UPDATE outbox SET sent_checked_at = ?, last_error = ?, updated_at = ? WHERE id = ? AND state = 'unknown'`,
			now, why, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return tx.setEntryState(id, OutUnknown, why)
	})
	if err != nil {
		return fmt.Errorf("resolve email %d: %w", id, err)
	}
	return nil
}

// ownOutbox loads an outgoing email a person acts on: its author, or whoever
// may edit its deal.
func (tx *wtx) ownOutbox(actor, id int64) (OutState, error) {
	a, err := tx.actor(actor)
	if err != nil {
		return "", err
	}
	var state OutState
	var author, dealID sql.NullInt64
	if err := tx.queryRow(`SELECT state, author_id, deal_id FROM outbox WHERE id = ?`, id).Scan(&state, &author, &dealID); err != nil {
		return "", notFound(err)
	}
	if a.SeesAll() || author.Int64 == a.ID {
		return state, nil
	}
	if dealID.Valid {
		if d, err := loadDeal(tx.ctx, tx, dealID.Int64); err == nil && dealAccess(a, d.ResponsibleID, d.Observers) == EditAccess {
			return state, nil
		}
	}
	return "", ErrNotFound
}

// RetryEmail queues a failed or unknown email again, now.
func (s *Store) RetryEmail(ctx context.Context, actor, id int64) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if _, err := tx.ownOutbox(actor, id); err != nil {
			return err
		}
		now := tx.s.now()
		res, err := tx.exec(`UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = ?, last_error = '', updated_at = ?
			WHERE id = ? AND state IN ('failed', 'unknown')`, now, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("only a failed or unknown email can be sent again: %w", ErrConflict)
		}
		return tx.setEntryState(id, OutQueued, "")
	})
	if err != nil {
		return fmt.Errorf("retry email %d: %w", id, err)
	}
	return nil
}

// CancelEmail cancels an email that was not claimed for sending: queued,
// failed or unknown. A claimed one cannot be cancelled any more.
func (s *Store) CancelEmail(ctx context.Context, actor, id int64) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if _, err := tx.ownOutbox(actor, id); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE outbox SET state = 'cancelled', updated_at = ? WHERE id = ? AND state IN ('queued', 'failed', 'unknown')`,
			tx.s.now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("it is being sent or was sent: %w", ErrConflict)
		}
		if _, err := tx.exec(`DELETE FROM outbox_files WHERE outbox_id = ?`, id); err != nil {
			return err
		}
		// the message stays stored but is no longer one of the deal's emails
		if _, err := tx.exec(`UPDATE messages SET state = 'filed', deal_id = NULL, reason_text = 'cancelled before sending'
			WHERE id = (SELECT email_id FROM outbox WHERE id = ?)`, id); err != nil {
			return err
		}
		return tx.setEntryState(id, OutCancelled, "")
	})
	if err != nil {
		return fmt.Errorf("cancel email %d: %w", id, err)
	}
	return nil
}

// PendingCopies lists sent emails whose copy must still be appended to
// the Sent folder.
func (s *Store) PendingCopies(ctx context.Context) ([]Outgoing, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, message_id, coalesce(account_id, 0) FROM outbox WHERE sent_copy = 'pending' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("pending copies: %w", err)
	}
	defer rows.Close()
	var out []Outgoing
	for rows.Next() {
		var o Outgoing
		if err := rows.Scan(&o.ID, &o.MessageID, &o.AccountID); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ClaimCopy claims the Sent copy of an email for one worker (pending →
// appending); false when another worker has it or it is done.
func (s *Store) ClaimCopy(ctx context.Context, id int64) (bool, error) {
	var ok bool
	err := s.writeTx(ctx, func(tx *wtx) error {
		res, err := tx.exec(`UPDATE outbox SET sent_copy = 'appending', updated_at = ? WHERE id = ? AND sent_copy = 'pending'`, tx.s.now(), id)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("claim copy of email %d: %w", id, err)
	}
	return ok, nil
}

// CopyDone records the Sent copy (done true) or gives it back for a later
// attempt (done false).
func (s *Store) CopyDone(ctx context.Context, id int64, done bool) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		var err error
		if done {
			_, err = tx.exec(`UPDATE outbox SET sent_copy = 'done', sent_copy_at = ?, updated_at = ? WHERE id = ? AND sent_copy = 'appending'`,
				tx.s.now(), tx.s.now(), id)
		} else {
			_, err = tx.exec(`UPDATE outbox SET sent_copy = 'pending', updated_at = ? WHERE id = ? AND sent_copy = 'appending'`, tx.s.now(), id)
		}
		tx.changed(KindOutbox, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("copy of email %d: %w", id, err)
	}
	return nil
}

// StaleCopies gives back copies left appending by a worker that stopped.
// An append that was done but not recorded is found by the Message-ID
// search the sender does first.
func (s *Store) StaleCopies(ctx context.Context) error {
	return s.writeTx(ctx, func(tx *wtx) error {
		_, err := tx.exec(`UPDATE outbox SET sent_copy = 'pending' WHERE sent_copy = 'appending' AND updated_at <= ?`,
			fmtTime(tx.s.Now().Add(-10*time.Minute)))
		return err
	})
}
