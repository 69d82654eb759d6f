package data

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ingestBatchMode makes Ingest's transactions read custom field definitions
// once and write new records' search rows at the end (wtx.batchMode); tests
// turn it off to prove it writes the same records.
var ingestBatchMode = true

// Incoming is one message fetched from a folder.
type Incoming struct {
	UID   uint32
	Email *Email
	prep  *prepared // see Prepare
}

// prepared is what storing a message needs that depends on the message
// alone, encoded ahead of the write transaction.
type prepared struct {
	key                string // the dedupe key
	to, cc, refs, atts string // JSON columns of the row
	// entryBody is the middle of its timeline entry's JSON (entryJSON)
	entryBody string
	// textInEntry: the entry's JSON gives the visible text back as it was
	// (valid UTF-8, no NUL), so the row need not keep it.
	textInEntry bool
}

// Prepare encodes, ahead of the write transaction, what storing the
// message needs from the message alone: its dedupe key and the JSON of its
// row and timeline entry (the bulk of it is the visible text). The sync
// calls it on the goroutine that fetches and parses, so that the writer,
// which holds the database's only write lock, does less; Ingest prepares
// the messages given unprepared.
func (m *Incoming) Prepare() {
	if m.prep == nil && m.Email != nil {
		m.prep = prepare(m.Email)
	}
}

func prepare(e *Email) *prepared {
	p := &prepared{key: MessageKey(e)}
	p.to = jsonText(nonNilAddrs(e.To))
	p.cc = jsonText(nonNilAddrs(e.Cc))
	p.refs = jsonText(nonNilStrings(e.References))
	atts := e.Attachments
	if atts == nil {
		atts = []Attachment{}
	}
	p.atts = jsonText(atts)
	f := linkFields{from: Address{Name: e.From.Name, Email: strings.ToLower(e.From.Email)}, to: e.To, subject: e.Subject,
		messageID: p.key, visible: e.VisibleText, attachments: e.Attachments}
	var text string
	p.entryBody, text = f.entryJSON()
	p.textInEntry = entryCanHoldText(e.VisibleText, text)
	return p
}

// jsonText is the JSON of v as a string (v always encodes).
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// IngestResult sums up one Ingest call.
type IngestResult struct {
	Decisions  []Decision // one per message, in order
	Stored     int
	Duplicates int
	NewDeals   int
}

// MessageKey is the dedupe key of a message: its Message-ID, or "sha256:"
// and the hash of its raw bytes when it has none that RFC 5322's grammar
// allows (ValidMessageID). A message whose Message-ID another one already
// holds is stored under a key of its own (see ingestOne).
func MessageKey(e *Email) string {
	if id := strings.TrimSpace(e.MessageID); ValidMessageID(id) {
		return id
	}
	h := sha256.Sum256(e.Raw)
	return "sha256:" + hex.EncodeToString(h[:])
}

// Ingest stores fetched messages of one folder and routes them, and moves the
// folder's checkpoint to (uidValidity, lastUID), all in ONE transaction: a
// crash leaves either all of it or none of it, so a message is never lost
// (the checkpoint does not pass it) nor duplicated (its Message-ID is
// unique). lastUID must cover every message given. Messages already stored
// are skipped (ReasonDuplicate).
func (s *Store) Ingest(ctx context.Context, accountID int64, folder string, uidValidity, lastUID uint32, msgs []Incoming) (IngestResult, error) {
	var res IngestResult
	var size int64
	for _, m := range msgs {
		if m.Email != nil {
			size += int64(len(m.Email.Raw) + len(m.Email.Text))
		}
	}
	err := s.writeTxSized(ctx, size, func(wtx *wtx) error {
		if ingestBatchMode {
			wtx.batchMode()
		}
		tx := newItx(wtx)
		res = IngestResult{}
		acc, err := scanAccount(tx.queryRow(`SELECT `+accountCols+` FROM mail_accounts WHERE id = ?`, accountID))
		if err != nil {
			return notFound(err)
		}
		own, err := tx.ownAddresses()
		if err != nil {
			return err
		}
		preps := make([]*prepared, len(msgs))
		for i, m := range msgs {
			if preps[i] = m.prep; preps[i] == nil {
				preps[i] = prepare(m.Email)
			}
		}
		if err := tx.loadKnown(msgs, preps); err != nil {
			return err
		}
		for i, m := range msgs {
			p := preps[i]
			d, err := tx.ingestOne(&acc, own, folder, m.UID, m.Email, p)
			if err != nil {
				return fmt.Errorf("message uid %d: %w", m.UID, err)
			}
			switch {
			case d.Reason == ReasonDuplicate:
				res.Duplicates++
			default:
				res.Stored++
			}
			if d.NewDeal {
				res.NewDeals++
			}
			res.Decisions = append(res.Decisions, d)
		}
		if err := tx.touchDeals(); err != nil {
			return err
		}
		return tx.setCheckpoint(accountID, folder, uidValidity, lastUID)
	})
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest %s of account %d: %w", folder, accountID, err)
	}
	return res, nil
}

func (tx *itx) ingestOne(acc *Account, own ownAddresses, folder string, uid uint32, e *Email, p *prepared) (Decision, error) {
	key := p.key
	// 1. The same message already stored: nothing. Another message with a
	// Message-ID already stored (by mistake, or sent first by someone who
	// wants the real one dropped) is kept too, under a key of its own.
	var kept string
	if _, ok, err := tx.storedMessage(key); err != nil {
		return Decision{}, err
	} else if ok {
		same, next, err := tx.sameMessage(key, e)
		if err != nil {
			return Decision{}, err
		}
		if same != "" {
			return Decision{MessageID: same, Reason: ReasonDuplicate, Because: "already stored"}, nil
		}
		key, kept = next, " (another message already had its Message-ID: kept as a message of its own)"
	}
	d, err := tx.route(acc, own, e)
	if err != nil {
		return d, err
	}
	d.MessageID, d.Because = key, d.Because+kept
	if err := tx.storeMessage(acc, folder, uid, e, p, &d); err != nil {
		return d, err
	}
	k := knownMessage{dealID: d.DealID, direction: d.Direction, sent: e.Date.UTC()}
	if kept != "" {
		// Threading by a Message-ID that messages on different deals
		// share would pick one at random: it is no clue then.
		first := tx.known[p.key]
		first.ambiguous = first.ambiguous || first.dealID != k.dealID
		k = first
		key = p.key
	}
	tx.known[key] = k
	return d, nil
}

// sameMessage finds the message stored under key (or kept apart since
// under a key made from it) that e is a copy of: one with the same sender,
// date, subject and text, the fields a person tells messages apart by. A
// copy fetched from another folder or account, or our own mail read back
// from Sent, differs only by transport headers the server added. same is
// that message's key; when there is none, next is the key to store e under.
func (tx *itx) sameMessage(key string, e *Email) (same, next string, err error) {
	rows, err := tx.query(`SELECT message_id, from_email, sent_at, subject, text, visible_text, `+entryTextCol+`
		FROM messages WHERE message_id = ? OR (message_id >= ? AND message_id < ?)`, key, key+collisionMark, key+collisionEnd)
	if err != nil {
		return "", "", err
	}
	defer rows.Close()
	n := 1
	for rows.Next() {
		var k, from, subject, text, visible string
		var sent, entryText sql.NullString
		if err := rows.Scan(&k, &from, &sent, &subject, &text, &visible, &entryText); err != nil {
			return "", "", err
		}
		n = max(n, collisionNumber(k))
		text, _ = storedText(text, visible, entryText)
		if strings.EqualFold(from, strings.TrimSpace(e.From.Email)) && sameSecond(nullTime(sent), e.Date) &&
			sameWords(subject, e.Subject) && sameWords(text, e.Text) {
			return k, "", nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", "", err
	}
	return "", collisionKey(key, n+1), nil
}

// sameSecond reports whether two dates (either may be missing) are the
// same to the second.
func sameSecond(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() == b.IsZero()
	}
	return a.Truncate(time.Second).Equal(b.Truncate(time.Second))
}

// sameWords reports whether two texts hold the same words: line endings,
// the wrapping and the spaces a transfer encoding may change do not count.
func sameWords(a, b string) bool {
	fa, fb := strings.Fields(a), strings.Fields(b)
	return slices.Equal(fa, fb)
}

// knownMessage is a stored message as threading sees it.
type knownMessage struct {
	dealID    int64 // 0: on no deal (or its deal was erased)
	direction string
	sent      time.Time
	gone      bool // its deal is deleted
	// ambiguous: messages on different deals carry this Message-ID (see
	// collisionKey), so it says nothing of where a reply goes.
	ambiguous bool
}

// loadKnown reads, in one query, the stored messages that a batch names:
// each message's own key (the duplicates) and the Message-IDs it replies
// to, with the messages kept apart under keys made from them. Ingest then
// keeps the map up to date with the messages it stores, so that
// deduplication and threading need no query per message.
func (tx *itx) loadKnown(msgs []Incoming, preps []*prepared) error {
	// Message-IDs travel as a JSON array, which cannot hold invalid UTF-8
	// (encoding/json writes U+FFFD instead); keys and valid Message-IDs
	// are ASCII.
	var ids []string
	for i, m := range msgs {
		ids = append(ids, preps[i].key)
		if m.Email != nil {
			ids = append(ids, threadIDs(m.Email)...)
		}
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return !utf8.ValidString(id) })
	js, _ := json.Marshal(ids)
	rows, err := tx.query(`SELECT m.message_id, 0, coalesce(d.id, 0), m.direction, m.sent_at, coalesce(d.deleted_at IS NOT NULL, 0)
		FROM messages m LEFT JOIN deals d ON d.id = m.deal_id
		WHERE m.message_id IN (SELECT value FROM json_each(?1))
		UNION ALL
		SELECT j.value, 1, coalesce(d.id, 0), m.direction, m.sent_at, coalesce(d.deleted_at IS NOT NULL, 0)
		FROM json_each(?1) j JOIN messages m ON m.message_id >= j.value || '`+collisionMark+`' AND m.message_id < j.value || '`+collisionEnd+`'
		LEFT JOIN deals d ON d.id = m.deal_id`, string(js))
	if err != nil {
		return err
	}
	defer rows.Close()
	tx.known = make(map[string]knownMessage, len(msgs))
	type kept struct {
		id     string
		dealID int64
	}
	var apart []kept
	for rows.Next() {
		var id string
		var isApart bool
		var k knownMessage
		var sent sql.NullString
		if err := rows.Scan(&id, &isApart, &k.dealID, &k.direction, &sent, &k.gone); err != nil {
			return err
		}
		if isApart {
			apart = append(apart, kept{id, k.dealID})
			continue
		}
		k.sent = nullTime(sent)
		tx.known[id] = k
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range apart {
		if k, ok := tx.known[a.id]; ok && k.dealID != a.dealID {
			k.ambiguous = true
			tx.known[a.id] = k
		}
	}
	return nil
}

// itx is the write transaction of a batch of mail, with what routing and
// storing the batch's messages keep between them.
type itx struct {
	*wtx
	// known holds the stored messages a batch names (see loadKnown); nil
	// outside Ingest, where thread queries each Message-ID.
	known   map[string]knownMessage
	nextID  int64          // the next message id, assigned here so the timeline entry can name it
	touched map[int64]bool // deals that received mail in this transaction
}

func newItx(tx *wtx) *itx {
	return &itx{wtx: tx, touched: map[int64]bool{}}
}

// newMessageID assigns the id of the next stored message. The transaction
// holds the database's only write lock, so nobody else takes it meanwhile.
func (tx *itx) newMessageID() (int64, error) {
	if tx.nextID == 0 {
		if err := tx.queryRow(`SELECT coalesce(max(id), 0) + 1 FROM messages`).Scan(&tx.nextID); err != nil {
			return 0, err
		}
	}
	id := tx.nextID
	tx.nextID++
	return id, nil
}

// touchDeals marks the deals that received mail as just updated (they rise
// on the board), once each, in one statement.
func (tx *itx) touchDeals() error {
	if len(tx.touched) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(tx.touched))
	for id := range tx.touched {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	js, _ := json.Marshal(ids)
	if _, err := tx.exec(`UPDATE deals SET updated_at = ? WHERE id IN (SELECT value FROM json_each(?))`, tx.s.now(), string(js)); err != nil {
		return err
	}
	clear(tx.touched)
	return nil
}

// linkFields is what an email's timeline entry shows.
type linkFields struct {
	from        Address
	to          []Address
	subject     string
	messageID   string
	visible     string
	attachments []Attachment
	sent        time.Time
}

// storeMessage writes the message row and, when it is linked to a deal, its
// timeline entry.
func (tx *itx) storeMessage(acc *Account, folder string, uid uint32, e *Email, p *prepared, d *Decision) error {
	raw := e.Raw
	truncated := e.Truncated
	if acc != nil && acc.MaxSize > 0 && int64(len(raw)) > acc.MaxSize {
		raw = headerOf(raw)
		if truncated == "" {
			truncated = fmt.Sprintf("message of %d bytes over the %d MB cap", len(e.Raw), acc.MaxSize>>20)
		}
		truncated += "; only its headers and text are kept"
	}
	var accID any
	if acc != nil && acc.ID != 0 {
		accID = acc.ID
	}
	flag := e.ParseError
	if len(e.UnknownCharsets) > 0 {
		flag = strings.TrimPrefix(flag+"; unknown charsets kept as they were: "+strings.Join(e.UnknownCharsets, ", "), "; ")
	}
	// The visible text is most often the whole text: stored once. When the
	// email gets a timeline entry, the entry holds the visible text and the
	// row only a mark (see migration 0005).
	text, visible := e.Text, e.VisibleText
	if visible == e.Text {
		visible = ""
	}
	if d.DealID != 0 && p.textInEntry {
		if e.Text == e.VisibleText {
			text = ""
		}
		visible = textInEntry
	}
	id, err := tx.newMessageID()
	if err != nil {
		return err
	}
	d.EmailID = id
	var entryID any
	if d.DealID != 0 {
		data := entryData(id, p.entryBody, d.Because, d.Reason)
		eid, err := tx.addEmailEntry(d.DealID, d.Direction, d.Quiet, d.Reason, e.Subject, e.Date, data)
		if err != nil {
			return err
		}
		entryID = eid
	}
	if _, err := tx.exec(`INSERT INTO messages (id, message_id, direction, account_id, folder, uid, from_name, from_email, to_addrs,
		cc_addrs, subject, sent_at, in_reply_to, refs, text, visible_text, attachments, size, raw, parse_error, truncated,
		state, reason, reason_text, deal_id, entry_id, created_deal, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, d.MessageID, d.Direction, accID, folder, uid, e.From.Name, strings.ToLower(e.From.Email), p.to, p.cc,
		e.Subject, timeOrNull(e.Date), e.InReplyTo, p.refs, text, visible, p.atts, len(e.Raw), raw,
		flag, truncated, d.State, d.Reason, d.Because, nullID(d.DealID), entryID, d.NewDeal, tx.s.now()); err != nil {
		return fmt.Errorf("store message: %w", err)
	}
	if d.State == StateInbox {
		tx.changed(KindEmail, id)
	}
	return nil
}

// textInEntry is the visible_text of a message whose visible text is held
// by its timeline entry (data.text); its text is empty when the same.
const textInEntry = "\x00"

// entryTextCol reads the visible text a message's timeline entry holds for
// it, or NULL; it follows the message's own columns.
const entryTextCol = `CASE WHEN visible_text = char(0) THEN
	(SELECT json_extract(t.data, '$.text') FROM timeline t WHERE t.id = messages.entry_id) END`

// entryCanHoldText reports whether textJSON, the JSON string of text, gives
// the text back as it was: encoding/json writes invalid UTF-8 as \ufffd and
// NUL as \u0000 (a text holding those six characters itself is only kept
// in its row too).
func entryCanHoldText(text, textJSON string) bool {
	return text != "" && !strings.Contains(textJSON, `\ufffd`) && !strings.Contains(textJSON, `\u0000`)
}

// storedText decodes the text and visible text of a message row.
func storedText(text, visible string, entryText sql.NullString) (string, string) {
	if visible == textInEntry {
		visible = entryText.String
		if text == "" {
			text = visible
		}
	}
	if visible == "" {
		visible = text
	}
	return text, visible
}

// loadLinkFields reads a stored email's fields for its timeline entry.
func (tx *itx) loadLinkFields(emailID int64) (linkFields, error) {
	var f linkFields
	var to, atts, text string
	var sent, entryText sql.NullString
	err := tx.queryRow(`SELECT from_name, from_email, to_addrs, subject, message_id, text, visible_text, attachments, sent_at,
		`+entryTextCol+` FROM messages WHERE id = ?`, emailID).Scan(&f.from.Name, &f.from.Email, &to, &f.subject, &f.messageID,
		&text, &f.visible, &atts, &sent, &entryText)
	if err != nil {
		return f, notFound(err)
	}
	_, f.visible = storedText(text, f.visible, entryText)
	_ = json.Unmarshal([]byte(to), &f.to)
	_ = json.Unmarshal([]byte(atts), &f.attachments)
	f.sent = nullTime(sent)
	return f, nil
}

// linkEntry adds a stored email's timeline entry on a deal and remembers it
// on the message.
func (tx *itx) linkEntry(emailID, dealID int64, direction string, quiet bool, reason Reason, because string, f linkFields) error {
	body, _ := f.entryJSON()
	data := entryData(emailID, body, because, reason)
	entryID, err := tx.addEmailEntry(dealID, direction, quiet, reason, f.subject, f.sent, data)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE messages SET entry_id = ?, deal_id = ? WHERE id = ?`, entryID, dealID, emailID); err != nil {
		return err
	}
	return tx.touchDeals()
}

// entryJSON encodes the middle of an email's timeline entry, from "from"
// to "attachments" (see entryData), and returns the JSON of the text too.
func (f linkFields) entryJSON() (body, text string) {
	b := make([]byte, 0, len(f.visible)+len(f.subject)+256)
	b = append(b, `,"from":`...)
	b = appendJSONString(b, formatAddress(f.from))
	b = append(b, `,"to":[`...)
	for i, a := range f.to {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, formatAddress(a))
	}
	b = append(b, `],"subject":`...)
	b = appendJSONString(b, f.subject)
	b = append(b, `,"message_id":`...)
	b = appendJSONString(b, f.messageID)
	b = append(b, `,"text":`...)
	start := len(b)
	b = appendJSONString(b, f.visible)
	end := len(b)
	b = append(b, `,"attachments":[`...)
	for i, a := range f.attachments {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendJSONString(b, a.Name)
		b = append(b, `,"size":`...)
		b = strconv.AppendInt(b, a.Size, 10)
		b = append(b, '}')
	}
	b = append(b, ']')
	body = string(b)
	return body, body[start:end]
}

// entryData assembles the Data of an email's timeline entry around its body
// (entryJSON): the bytes json.Marshal writes for its EmailData, in the mail
// sync's keys (emailEntryData; TestEmailEntryDataIsJSONMarshal holds it to
// that).
func entryData(emailID int64, body, because string, reason Reason) string {
	b := make([]byte, 0, len(body)+len(because)+96)
	b = append(b, `{"email_id":`...)
	b = strconv.AppendInt(b, emailID, 10)
	b = append(b, body...)
	b = append(b, `,"linked_because":`...)
	b = appendJSONString(b, because)
	b = append(b, `,"linked_reason":`...)
	b = appendJSONString(b, string(reason))
	b = append(b, '}')
	return string(b)
}

// addEmailEntry writes an email's timeline entry on a deal.
func (tx *itx) addEmailEntry(dealID int64, direction string, quiet bool, reason Reason, subject string, sent time.Time, data string) (int64, error) {
	kind := EntryEmailIn
	if direction == "out" {
		kind = EntryEmailOut
	}
	text := subject
	if quiet {
		kind = EntryNote
		text = "Automatic message: " + subject
		if reason == ReasonBounce {
			text = "Delivery failure: " + subject
		}
	}
	at := tx.s.Now()
	if t := sent; !t.IsZero() && t.Before(at.Add(time.Hour)) {
		at = t
	}
	// The same row addEntry writes, through a prepared statement.
	res, err := tx.exec(`INSERT INTO timeline (deal_id, kind, author_id, at, text, data) VALUES (?, ?, NULL, ?, ?, ?)`,
		dealID, kind, fmtTime(at), text, data)
	if err != nil {
		return 0, fmt.Errorf("timeline entry: %w", err)
	}
	entryID, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("timeline entry: %w", err)
	}
	tx.changed(KindDeal, dealID)
	tx.touched[dealID] = true
	return entryID, nil
}

func formatAddress(a Address) string {
	if a.Name == "" {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

func nonNilAddrs(a []Address) []Address {
	if a == nil {
		return []Address{}
	}
	return a
}

func nonNilStrings(a []string) []string {
	if a == nil {
		return []string{}
	}
	return a
}

// headerOf returns a message's header block (up to the first blank line).
func headerOf(raw []byte) []byte {
	for _, sep := range [][]byte{[]byte("\r\n\r\n"), []byte("\n\n")} {
		if i := bytes.Index(raw, sep); i >= 0 {
			return raw[:i+len(sep)]
		}
	}
	if len(raw) > 64<<10 {
		return raw[:64<<10]
	}
	return raw
}
