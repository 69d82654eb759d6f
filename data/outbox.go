package data

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"comptoir/data/locale"
)

// The outbox: an email written from a deal is stored first, with its
// Message-ID and its exact bytes fixed, as a row of messages (direction out,
// linked to the deal, so that a reply finds the deal even before it is sent)
// and a row of outbox holding its sending state. mail/send delivers it.
//
// The person's side is here: prepare, queue, list, count, edit, retry,
// cancel. The worker's side (claiming due emails, recording what the server
// said, the Sent copies) is data/mailq's, which only mail/send receives. The
// states and their one transition helper are in outbox_state.go.

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
	SentCopy    CopyState
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Input       ComposeInput
}

// Editable reports whether a person may still change the message.
func (o OutboxItem) Editable() bool { return o.State.Editable() }

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
// plus the parent's Message-ID, each once, trimmed to MaxReferences. An ID
// that is not a valid Message-ID (ValidMessageID) is left out: it came from
// outside and is not written into our headers.
func ThreadReferences(parentRefs []string, parentID string) []string {
	refs := make([]string, 0, len(parentRefs)+1)
	seen := map[string]bool{parentID: true}
	for _, r := range parentRefs {
		if ValidMessageID(r) && !seen[r] {
			seen[r] = true
			refs = append(refs, r)
		}
	}
	if ValidMessageID(parentID) {
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

// Quote quotes a message's text for a reply: each line prefixed with "> "
// (">" before a line already quoted). The line above it that says who
// wrote it and when is the person's words, in their language and time
// zone: the UI writes it.
func Quote(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n"), "\n") {
		if strings.HasPrefix(l, ">") {
			b.WriteString(">" + l + "\n")
		} else {
			b.WriteString("> " + l + "\n")
		}
	}
	return b.String()
}

// sendingAccount returns the account an email of the deal goes through:
// id, or else the first active account with an SMTP server.
func (s *Store) sendingAccount(ctx context.Context, id int64) (Account, error) {
	if id != 0 {
		return s.account(ctx, id)
	}
	accs, err := s.accounts(ctx)
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

// sendMaxSize is the size limit of what one account sends.
func (s *Store) sendMaxSize(ctx context.Context, accountID int64) int64 {
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
	it, err := s.OutboxItem(ctx, actor, outboxID)
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
		if keep, err = s.OutboxFiles(ctx, actor, outboxID); err != nil {
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
	me, err := s.reader(ctx, actor)
	if err != nil {
		return Draft{}, err
	}
	deal, err := s.Deal(ctx, actor, in.DealID)
	if err != nil {
		return Draft{}, err
	}
	if dealAccess(me, deal.ResponsibleID, deal.Observers) != EditAccess {
		return Draft{}, fmt.Errorf("only who may edit the deal may write to its client: %w", ErrForbidden)
	}
	var v validator
	acc, err := s.sendingAccount(ctx, in.AccountID)
	if err != nil {
		v.add("account", "no_account", "no mail account can send: add one with an SMTP server in Settings")
	} else if acc.SMTPHost == "" {
		v.add("account", "no_smtp", "the account %s has no SMTP server", acc.Email)
	}
	d := Draft{DealID: deal.ID, AccountID: acc.ID, AuthorID: me.ID, Subject: CleanName(in.Subject),
		Text: CleanText(in.Text), HTML: in.HTML, Input: in}
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
	if in.ReplyTo != 0 {
		p, err := s.email(ctx, in.ReplyTo)
		if err != nil || p.DealID != deal.ID {
			v.add("reply_to", "unknown_email", "the email answered is not on this deal")
		} else {
			// Only valid Message-IDs are answered and referred to: a stored
			// one may predate the grammar check (see msgid.go).
			d.InReplyTo = keyMessageID(p.MessageID)
			d.References = ThreadReferences(p.References, d.InReplyTo)
		}
	}
	limit := int64(DefaultSendMaxSize)
	if acc.ID != 0 {
		limit = s.sendMaxSize(ctx, acc.ID)
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
		return File{Name: cmp.Or(SafeFileName(name), "attachment"), ContentType: contentTypeOf(name, fi.ContentType), Data: b}, nil
	default:
		name := SafeFileName(fi.Name)
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

func contentTypeOf(name, given string) string {
	if given != "" {
		return given
	}
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); t != "" {
		return t
	}
	return "application/octet-stream"
}

// byteSize words a size for a field error's message, in English as the
// messages are (the UI words sizes in the person's language).
func byteSize(n int64) string { return locale.New("en", time.UTC).Size(n) }

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
		eatts := make([]EntryAttachment, 0, len(d.Files))
		for _, f := range d.Files {
			atts = append(atts, Attachment{Name: f.Name, ContentType: f.ContentType, Size: int64(len(f.Data))})
			eatts = append(eatts, EntryAttachment{Name: f.Name, Size: int64(len(f.Data))})
		}
		attJSON, _ := json.Marshal(atts)
		rcpts, _ := json.Marshal(d.Recipients())
		// The text is stored once, in the message row; the outbox row stays
		// small, as the sender rewrites it at every state.
		input := d.Input
		input.Text = ""
		compose, _ := json.Marshal(input)
		at := tx.s.Now()
		now := fmtTime(at)
		entry := EmailData{From: formatAddress(d.From), To: formatAddresses(d.To), Cc: formatAddresses(d.Cc),
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
				recipients, compose, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, `+OutQueued.SQL()+`, ?, ?, ?, ?, ?, ?) RETURNING id`,
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
			// An edit moves the email from an editable state to queued, as
			// long as no sender has claimed it since it was read.
			_, err := OutboxMove{From: outEditable, To: OutQueued,
				Set:   "envelope_from = ?, recipients = ?, compose = ?, attempts = 0, next_attempt_at = ?, last_error = '', account_id = ?",
				Where: "message_id = ?"}.
				Apply(tx.ctx, tx.Tx, at, []int64{id}, d.From.Email, string(rcpts), string(compose), now, nullID(d.AccountID), d.MessageID)
			if errors.Is(err, ErrConflict) {
				return fmt.Errorf("it was claimed for sending or is no longer editable: %w", ErrConflict)
			}
			if err != nil {
				return err
			}
			if err := tx.queryRow(`SELECT email_id, entry_id FROM outbox WHERE id = ?`, id).Scan(&emailID, &entryID); err != nil {
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
	return s.outboxItem(ctx, id)
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

// OutboxItem returns one outgoing email the employee may see: one they
// wrote, or one of a deal they may see (ErrNotFound otherwise).
func (s *Store) OutboxItem(ctx context.Context, actor, id int64) (OutboxItem, error) {
	o, err := s.outboxItem(ctx, id)
	if err != nil {
		return o, err
	}
	if err := s.seesOutbox(ctx, actor, o.AuthorID, o.DealID); err != nil {
		return OutboxItem{}, fmt.Errorf("outgoing email %d: %w", id, err)
	}
	return o, nil
}

func (s *Store) outboxItem(ctx context.Context, id int64) (OutboxItem, error) {
	o, err := scanOutbox(s.r.QueryRowContext(ctx, `SELECT `+outboxCols+outboxFrom+`WHERE o.id = ?`, id))
	if err != nil {
		return o, fmt.Errorf("outgoing email %d: %w", id, notFound(err))
	}
	return o, nil
}

// seesOutbox is the rule of OutboxItem: ErrForbidden for an unknown or
// inactive employee, ErrNotFound for someone else's email on a deal they
// may not see.
func (s *Store) seesOutbox(ctx context.Context, actor, author, dealID int64) error {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return err
	}
	if me.SeesAll() || author == me.ID {
		return nil
	}
	if dealID != 0 {
		if ok, err := s.seesDeal(ctx, me, dealID); err != nil || ok {
			return err
		}
	}
	return ErrNotFound
}

// Outbox lists the outgoing emails that are not sent yet (queued, sending,
// failed, unknown), then the last sent and cancelled ones, newest first,
// up to limit. An employee who does not see every deal sees their own.
func (s *Store) Outbox(ctx context.Context, actor int64, limit int) ([]OutboxItem, error) {
	me, err := s.reader(ctx, actor)
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
		ORDER BY o.state IN (`+statesSQL(outFinal)+`), o.id DESC LIMIT ?`, args...)
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

// outboxCountSQL counts through the partial index outbox_open, whose
// condition it spells.
var outboxCountSQL = `SELECT count(*) FILTER (WHERE state IN (` + statesSQL(outWaiting) + `)),
	count(*) FILTER (WHERE state IN (` + statesSQL(outProblems) + `)) FROM outbox
	WHERE state <> ` + OutSent.SQL() + ` AND state <> ` + OutCancelled.SQL()

// OutboxCount counts the outgoing emails not sent yet that the Outbox list
// shows the employee: every one to an admin or a manager, their own to a
// sales employee.
func (s *Store) OutboxCount(ctx context.Context, actor int64) (OutboxCounts, error) {
	var c OutboxCounts
	me, err := s.reader(ctx, actor)
	if err != nil {
		return c, fmt.Errorf("outbox count: %w", err)
	}
	q, args := outboxCountSQL, []any{}
	if !me.SeesAll() {
		q, args = q+` AND author_id = ?`, append(args, me.ID)
	}
	err = s.r.QueryRowContext(ctx, q, args...).Scan(&c.Waiting, &c.Problems)
	if err != nil {
		return c, fmt.Errorf("outbox count: %w", err)
	}
	return c, nil
}

// OutboxFiles returns the attachments of a message that can still be
// edited, if the employee may see it (see OutboxItem).
func (s *Store) OutboxFiles(ctx context.Context, actor, id int64) ([]File, error) {
	var author, dealID int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(author_id, 0), coalesce(deal_id, 0) FROM outbox WHERE id = ?`, id).
		Scan(&author, &dealID); err != nil {
		return nil, fmt.Errorf("attachments of email %d: %w", id, notFound(err))
	}
	if err := s.seesOutbox(ctx, actor, author, dealID); err != nil {
		return nil, fmt.Errorf("attachments of email %d: %w", id, err)
	}
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

// outEntryState shows on an email_out entry the state of its outbox row
// (state, "" when it has none). Recording an email sent rewrites only the
// outbox row, so a sent state is read from there: the entry shows state
// "sent" and error "", as if its JSON had been set. Every other state is
// written on the entry by setEntryState and is shown from its JSON.
func outEntryState(e *Entry, state OutState) {
	if state != OutSent || e.Kind != EntryEmailOut {
		return
	}
	if d, ok := e.Data.(EmailData); ok {
		d.State, d.Error = OutSent, ""
		e.Data = d
	}
}

// setEntryState records an outgoing email's state on its timeline entry
// (see ShowOutState).
func (tx *wtx) setEntryState(id int64, state OutState, errText string) error {
	return ShowOutState(tx.Tx, id, state, errText)
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
		now := tx.s.Now()
		_, err := OutboxMove{From: outRetryable, To: OutQueued, Set: "attempts = 0, next_attempt_at = ?, last_error = ''"}.
			Apply(tx.ctx, tx.Tx, now, []int64{id}, fmtTime(now))
		if errors.Is(err, ErrConflict) {
			return fmt.Errorf("only a failed or unknown email can be sent again: %w", ErrConflict)
		}
		if err != nil {
			return err
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
		_, err := OutboxMove{From: outCancellable, To: OutCancelled}.Apply(tx.ctx, tx.Tx, tx.s.Now(), []int64{id})
		if errors.Is(err, ErrConflict) {
			return fmt.Errorf("it is being sent or was sent: %w", ErrConflict)
		}
		if err != nil {
			return err
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
