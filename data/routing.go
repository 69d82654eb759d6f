package data

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Reason is why an email went where it went: a stable code the UI can
// translate, recorded with every routing decision.
type Reason string

// Routing reasons, in the order the rules are tried.
const (
	ReasonDuplicate Reason = "duplicate"  // the same message already stored: nothing done
	ReasonBounce    Reason = "bounce"     // a delivery failure report: never a deal
	ReasonAutoReply Reason = "auto_reply" // an automatic reply: a quiet note if it threads
	// ReasonOwnAddress: from one of our addresses, but not a message
	// Comptoir sent (what it sends comes back as a duplicate of its outbox
	// row): in the Inbox, or on the deal it threads to as an incoming
	// email; never shown as sent by us, never a contact.
	ReasonOwnAddress Reason = "own_address"
	ReasonList       Reason = "list"        // a mailing list or newsletter: no new deal
	ReasonReply      Reason = "reply"       // In-Reply-To or References names a stored message, exactly
	ReasonSubjectTag Reason = "subject_tag" // the subject carries [D-123] and the sender is on that deal
	// ReasonTagStranger: the subject names a deal the sender is not on
	// (senderOnDeal): the Inbox, for a person to check.
	ReasonTagStranger   Reason = "subject_tag_stranger"
	ReasonOnlyOpenDeal  Reason = "only_open_deal"     // a known contact with exactly one open deal
	ReasonSeveralDeals  Reason = "several_open_deals" // a known contact with several open deals: Inbox
	ReasonRepeatDeal    Reason = "repeat_deal"        // a known contact with no open deal: a new deal
	ReasonNewClient     Reason = "new_client"         // an unknown sender: contact and deal created
	ReasonPolicyInbox   Reason = "unknown_sender"     // an unknown sender, account policy Inbox
	ReasonPolicyIgnore  Reason = "unknown_ignored"    // an unknown sender, account policy ignore
	ReasonExcluded      Reason = "excluded"           // address or domain on the account's exclusion list
	ReasonIgnoredSender Reason = "ignored_sender"     // a person chose to ignore this sender
	ReasonLoopGuard     Reason = "loop_guard"         // too many new deals from this sender: stopped, flagged
	ReasonFlagged       Reason = "flagged_sender"     // the sender was flagged by the loop guard
	ReasonUnreadable    Reason = "unreadable"         // no sender could be read: Inbox
	ReasonByPerson      Reason = "by_person"          // a person created, attached or moved it
)

// Reasons routing no longer gives, which databases written by earlier
// versions hold: they stay readable (and translated).
const (
	ReasonOwnMail      Reason = "own_mail"       // from us, threading nowhere: filed
	ReasonOwnReply     Reason = "own_reply"      // from us, threading to a deal: recorded there as outgoing
	ReasonOurMessageID Reason = "our_message_id" // threaded by the shape of our own Message-IDs
)

// Message states.
const (
	StateLinked = "linked" // on a deal's timeline
	StateInbox  = "inbox"  // waiting for a person
	StateFiled  = "filed"  // stored, linked nowhere (own, bounce, list, ignored…)
)

// Decision is what routing did with one email.
type Decision struct {
	EmailID   int64  // the stored message (0 for a duplicate)
	MessageID string // the key it is stored under (a duplicate: that of the message it copies)
	Reason    Reason
	Because   string // plain words, e.g. "reply to your email of 12 Nov"
	State     string
	Direction string // "in" or "out"
	DealID    int64
	NewDeal   bool
	Quiet     bool // recorded as a quiet note rather than an email entry
}

// publicProviders are mail domains shared by the public: their users are not
// a company. Names ending in a dot match any top-level domain.
var publicProviders = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "outlook.fr": true, "live.com": true, "live.fr": true,
	"msn.com": true, "orange.fr": true, "free.fr": true, "wanadoo.fr": true, "laposte.net": true, "sfr.fr": true,
	"neuf.fr": true, "club-internet.fr": true, "aliceadsl.fr": true, "bbox.fr": true, "numericable.fr": true,
	"icloud.com": true, "me.com": true, "mac.com": true, "aol.com": true, "proton.me": true, "protonmail.com": true,
	"pm.me": true, "tutanota.com": true, "yandex.ru": true, "mail.ru": true, "mail.com": true, "zoho.com": true,
	"web.de": true, "t-online.de": true, "libero.it": true, "skynet.be": true, "bluewin.ch": true,
	"hotmail.": true, "yahoo.": true, "ymail.": true, "gmx.": true,
}

// PublicProvider reports whether domain is a public mail provider (gmail.com,
// hotmail.*, orange.fr…), whose users get no company from their domain.
func PublicProvider(domain string) bool {
	domain = strings.ToLower(strings.TrimSpace(domain))
	if publicProviders[domain] {
		return true
	}
	if i := strings.IndexByte(domain, '.'); i > 0 && publicProviders[domain[:i+1]] {
		return true
	}
	return false
}

// domainOf returns the lower-cased domain of an address.
func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}

// companyName makes a company name from a domain: "acme-industrie.co.uk" →
// "Acme Industrie".
func companyName(domain string) string {
	labels := strings.Split(domain, ".")
	if len(labels) > 1 {
		labels = labels[:len(labels)-1]
	}
	if len(labels) > 1 {
		switch labels[len(labels)-1] {
		case "co", "com", "org", "net", "gouv", "ac", "gov":
			labels = labels[:len(labels)-1]
		}
	}
	words := strings.FieldsFunc(labels[len(labels)-1], func(r rune) bool { return r == '-' || r == '_' })
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

// NewMessageID makes the Message-ID (without angle brackets) of a message
// sent from a deal: deal-ID.RANDOM@domain. A reply finds the deal because
// this exact ID is stored with the message in the outbox, never by its
// shape: anyone can write an ID of this shape (another company using
// Comptoir does).
func NewMessageID(dealID int64, domain string) string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	if domain == "" {
		domain = "comptoir.invalid"
	}
	return fmt.Sprintf("deal-%d.%s@%s", dealID, hex.EncodeToString(b), domain)
}

// subjectTagRE matches a deal tag in a subject: [D-123].
var subjectTagRE = regexp.MustCompile(`\[D-([0-9]+)\]`)

// SubjectTag is the tag put in the subject of mail sent from a deal. Deal
// numbers are small and follow each other, so anyone can write one: a tag
// only counts from a sender already on that deal (senderOnDeal).
func SubjectTag(dealID int64) string { return fmt.Sprintf("[D-%d]", dealID) }

// subjectPrefixRE matches reply and forward prefixes, in several languages.
var subjectPrefixRE = regexp.MustCompile(`(?i)^\s*((re|fw|fwd|tr|aw|wg|sv|vs|rif|r|antw|réf|ref)\s*(\[[0-9]+\])?\s*:\s*)+`)

// DealTitleFromSubject is the title of a deal created from an email.
func DealTitleFromSubject(subject, sender string) string {
	t := strings.TrimSpace(subjectPrefixRE.ReplaceAllString(subject, ""))
	t = strings.TrimSpace(subjectTagRE.ReplaceAllString(t, ""))
	if t == "" {
		t = "Email from " + sender
	}
	if r := []rune(t); len(r) > 200 {
		t = string(r[:200])
	}
	return t
}

// IsBounce reports whether e is a delivery failure report.
func IsBounce(e *Email) bool {
	if e.ContentType == "multipart/report" && (e.ReportType == "delivery-status" || e.ReportType == "") {
		return true
	}
	local := strings.ToLower(e.From.Email)
	if i := strings.IndexByte(local, '@'); i >= 0 {
		local = local[:i]
	}
	if local == "mailer-daemon" || local == "postmaster" {
		return true
	}
	// A null Return-Path is also what RFC 3834 auto-replies carry: those
	// are left to the auto-reply rule.
	return e.ReturnPathNull && !IsAutoReply(e)
}

// IsAutoReply reports whether e was sent by a machine on someone's behalf
// (out of office, vacation, bulk).
func IsAutoReply(e *Email) bool {
	if e.AutoSubmitted != "" && e.AutoSubmitted != "no" {
		return true
	}
	if e.AutoReplyHeaders {
		return true
	}
	switch e.Precedence {
	case "bulk", "junk", "list", "auto_reply":
		return true
	}
	return false
}

// IsList reports whether e comes from a mailing list or newsletter.
func IsList(e *Email) bool { return e.ListID != "" || e.ListUnsubscribe != "" }

// ownAddresses is the set of addresses that are ours: every account's and
// every employee's.
type ownAddresses map[string]bool

func (tx *wtx) ownAddresses() (ownAddresses, error) {
	own := ownAddresses{}
	rows, err := tx.QueryContext(tx.ctx, `SELECT lower(email) FROM employees
		UNION SELECT lower(value) FROM mail_accounts, json_each(mail_accounts.addresses)
		UNION SELECT lower(email) FROM mail_accounts`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		own[a] = true
	}
	return own, rows.Err()
}

// threadMatch is a deal an email threads to.
type threadMatch struct {
	dealID  int64
	reason  Reason // ReasonReply (a stored Message-ID) or ReasonSubjectTag
	because string
	// deleted is set when the email replies to a deal that was deleted:
	// it starts a new deal rather than joining another one.
	deleted bool
	// strangerTag is the live deal the subject's tag names when the
	// sender is not on it (the match is then empty); tag is the tag.
	strangerTag int64
	tag         string
}

// liveDeal reports whether a deal exists and is not deleted, and whether it
// exists deleted.
func (tx *itx) liveDeal(id int64) (live, deleted bool, err error) {
	err = tx.queryRow(`SELECT deleted_at IS NOT NULL FROM deals WHERE id = ?`, id).Scan(&deleted)
	if err == sql.ErrNoRows {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return !deleted, deleted, nil
}

// thread finds the deal an email replies to: In-Reply-To, then References
// newest first, each matched exactly against the Message-IDs we stored (in
// or out); then a [D-123] subject tag, which only counts when the sender
// (from, lower-cased) is already on that deal. The shape of an ID counts for
// nothing: anyone can write deal-2.x@anything. A Message-ID that several
// stored messages on different deals share is no clue. A reply to a deleted
// deal threads nowhere (it may start a new deal).
func (tx *itx) thread(e *Email, from string) (threadMatch, error) {
	var deleted bool
	for _, id := range threadIDs(e) {
		k, ok, err := tx.storedMessage(id)
		if err != nil {
			return threadMatch{}, err
		}
		if !ok || k.dealID == 0 || k.ambiguous {
			continue
		}
		if k.gone {
			deleted = true
			continue
		}
		because := "reply to the email"
		if k.direction == "out" {
			because = "reply to your email"
		}
		if !k.sent.IsZero() {
			because += " of " + k.sent.Format("2 Jan 2006")
		}
		return threadMatch{dealID: k.dealID, reason: ReasonReply, because: because}, nil
	}
	if m := subjectTagRE.FindStringSubmatch(e.Subject); m != nil {
		d, _ := strconv.ParseInt(m[1], 10, 64)
		ok, gone, err := tx.liveDeal(d)
		if err != nil {
			return threadMatch{}, err
		}
		if ok || gone {
			on, err := tx.senderOnDeal(d, from)
			if err != nil {
				return threadMatch{}, err
			}
			switch {
			case on && ok:
				return threadMatch{dealID: d, reason: ReasonSubjectTag, because: "the subject names this deal (" + m[0] + ")"}, nil
			case on:
				deleted = true
			case ok:
				return threadMatch{deleted: deleted, strangerTag: d, tag: m[0]}, nil
			}
		}
	}
	return threadMatch{deleted: deleted}, nil
}

// senderOnDeal reports whether addr (lower-cased) is already on a deal: an
// address of the deal's contact, of its company or of a contact of its
// company; the sender of an email stored on the deal; or a recipient of an
// email we sent from it.
func (tx *itx) senderOnDeal(dealID int64, addr string) (bool, error) {
	if addr == "" {
		return false, nil
	}
	var on bool
	err := tx.queryRow(`SELECT EXISTS (SELECT 1 FROM deals d JOIN contacts c ON c.id = d.contact_id OR c.company_id = d.company_id
			JOIN contact_emails ce ON ce.contact_id = c.id WHERE d.id = ?1 AND ce.email = ?2)
		OR EXISTS (SELECT 1 FROM deals d JOIN companies co ON co.id = d.company_id, json_each(co.emails) j
			WHERE d.id = ?1 AND lower(trim(j.value)) = ?2)
		OR EXISTS (SELECT 1 FROM messages WHERE deal_id = ?1 AND direction = 'in' AND from_email = ?2)
		OR EXISTS (SELECT 1 FROM messages m, json_each(m.to_addrs) j WHERE m.deal_id = ?1 AND m.direction = 'out'
			AND lower(json_extract(j.value, '$.email')) = ?2)
		OR EXISTS (SELECT 1 FROM messages m, json_each(m.cc_addrs) j WHERE m.deal_id = ?1 AND m.direction = 'out'
			AND lower(json_extract(j.value, '$.email')) = ?2)`, dealID, addr).Scan(&on)
	if err != nil {
		return false, fmt.Errorf("sender on deal %d: %w", dealID, err)
	}
	return on, nil
}

// threadIDs are the Message-IDs an email replies to, in the order they are
// tried: In-Reply-To, then References newest first. Only valid Message-IDs
// (ValidMessageID) are tried.
func threadIDs(e *Email) []string {
	ids := make([]string, 0, 1+len(e.References))
	if ValidMessageID(e.InReplyTo) {
		ids = append(ids, e.InReplyTo)
	}
	for i := len(e.References) - 1; i >= 0; i-- {
		if r := e.References[i]; r != e.InReplyTo && ValidMessageID(r) {
			ids = append(ids, r)
		}
	}
	return ids
}

// storedMessage finds a stored message by Message-ID (or dedupe key): in
// the batch's map within Ingest, in the database otherwise.
func (tx *itx) storedMessage(id string) (knownMessage, bool, error) {
	if tx.known != nil {
		k, ok := tx.known[id]
		return k, ok, nil
	}
	var k knownMessage
	var sent sql.NullString
	err := tx.queryRow(`SELECT coalesce(d.id, 0), m.direction, m.sent_at, coalesce(d.deleted_at IS NOT NULL, 0)
		FROM messages m LEFT JOIN deals d ON d.id = m.deal_id WHERE m.message_id = ?`, id).Scan(&k.dealID, &k.direction, &sent, &k.gone)
	if err == sql.ErrNoRows {
		return k, false, nil
	}
	if err != nil {
		return k, false, err
	}
	k.sent = nullTime(sent)
	var other bool
	if err := tx.queryRow(`SELECT EXISTS (SELECT 1 FROM messages WHERE message_id >= ? AND message_id < ?
		AND coalesce(deal_id, 0) <> ?)`, id+collisionMark, id+collisionEnd, k.dealID).Scan(&other); err != nil {
		return k, false, err
	}
	k.ambiguous = other
	return k, true, nil
}

// excluded reports whether the account's exclusion list names the address
// or its domain (or a parent domain).
func excluded(acc *Account, addr string) bool {
	addr = strings.ToLower(addr)
	dom := domainOf(addr)
	for _, x := range acc.Exclusions {
		if x == addr || x == dom || strings.HasSuffix(dom, "."+x) {
			return true
		}
	}
	return false
}

// Loop guard: more than LoopGuardMax new deals from one sender within
// LoopGuardWindow stops deal creation and flags the sender.
const (
	LoopGuardMax    = 20
	LoopGuardWindow = 2 * time.Hour
)

// ownAddressBecause is why mail from one of our addresses that Comptoir did
// not send is where it is.
const ownAddressBecause = "from one of our addresses but not sent by Comptoir"

// route applies the routing rules to an email that is not a duplicate. It
// may create a contact, a company and a deal; the caller stores the message
// and its timeline entry.
func (tx *itx) route(acc *Account, own ownAddresses, e *Email) (Decision, error) {
	d := Decision{Direction: "in"}
	from := strings.ToLower(e.From.Email)

	// 2. Bounce.
	if IsBounce(e) {
		d.State, d.Reason, d.Because = StateFiled, ReasonBounce, "delivery failure report"
		dealID, err := tx.bounce(e)
		if err != nil {
			return d, err
		}
		if dealID != 0 {
			d.DealID, d.Quiet = dealID, true
			d.Because = "delivery failure report of an email sent from this deal"
			if e.BouncedRecipient != "" {
				d.Because += ": " + e.BouncedRecipient + " could not be reached"
			}
		}
		return d, nil
	}
	// 3. Auto-reply.
	m, err := tx.thread(e, from)
	if err != nil {
		return d, err
	}
	if IsAutoReply(e) {
		d.State, d.Reason, d.Because = StateFiled, ReasonAutoReply, "automatic reply"
		if m.dealID != 0 {
			d.State, d.DealID, d.Quiet = StateLinked, m.dealID, true
			d.Because = "automatic reply, " + m.because
		}
		return d, nil
	}
	// 4. From one of our addresses. What Comptoir sent is stored with its
	// Message-ID and came back as a duplicate (rule 1): this one was not,
	// whoever wrote it (a colleague's mail program, or a forged From). It is
	// never shown as sent by us nor made a contact: on the deal it replies
	// to (a stored Message-ID) as an incoming email, else in the Inbox.
	if own[from] {
		d.Reason = ReasonOwnAddress
		if m.reason == ReasonReply {
			d.State, d.DealID, d.Because = StateLinked, m.dealID, m.because+", "+ownAddressBecause
			return d, nil
		}
		d.State, d.Because = StateInbox, ownAddressBecause+": check it"
		return d, nil
	}
	// 5. A reply (or a tag from a sender on the deal); 6. a mailing list or
	// newsletter.
	if m.dealID != 0 {
		d.State, d.DealID, d.Reason, d.Because = StateLinked, m.dealID, m.reason, m.because
		return d, nil
	}
	if IsList(e) {
		d.State, d.Reason, d.Because = StateFiled, ReasonList, "mailing list or newsletter"
		return d, nil
	}
	if from == "" {
		d.State, d.Reason, d.Because = StateInbox, ReasonUnreadable, "the sender could not be read"
		return d, nil
	}
	var status string
	err = tx.queryRow(`SELECT status FROM mail_senders WHERE email = ?`, from).Scan(&status)
	if err != nil && err != sql.ErrNoRows {
		return d, err
	}
	switch status {
	case "ignored":
		d.State, d.Reason, d.Because = StateFiled, ReasonIgnoredSender, "this sender is ignored"
		return d, nil
	case "flagged":
		d.State, d.Reason, d.Because = StateInbox, ReasonFlagged, "this sender sent too many new requests: check by hand"
		return d, nil
	}
	// 7. A subject tag from a sender who is not on that deal: a person
	// decides (deal numbers are easy to guess).
	if m.strangerTag != 0 {
		d.State, d.Reason = StateInbox, ReasonTagStranger
		d.Because = "the subject names deal " + m.tag + ", but the sender is not on it: check it"
		return d, nil
	}

	// 8. A known contact.
	contactID, companyID, open, err := tx.contactDeals(from)
	if err != nil {
		return d, err
	}
	if m.deleted {
		open = nil // a reply to a deleted deal starts a new one
	}
	if contactID != 0 {
		switch {
		case len(open) == 1:
			d.State, d.DealID, d.Reason, d.Because = StateLinked, open[0], ReasonOnlyOpenDeal, "only open deal of this contact"
			return d, nil
		case len(open) > 1:
			d.State, d.Reason, d.Because = StateInbox, ReasonSeveralDeals, "this contact has several open deals"
			return d, nil
		}
		if excluded(acc, from) {
			d.State, d.Reason, d.Because = StateFiled, ReasonExcluded, "sender on the account's exclusion list"
			return d, nil
		}
		because := "new request from a known client"
		if m.deleted {
			because = "reply to a deleted deal: a new deal"
		}
		return tx.newDealFromEmail(acc, e, d, contactID, companyID, ReasonRepeatDeal, because)
	}
	// 9. An unknown sender.
	if excluded(acc, from) {
		d.State, d.Reason, d.Because = StateFiled, ReasonExcluded, "sender on the account's exclusion list"
		return d, nil
	}
	switch acc.Policy {
	case PolicyInbox:
		d.State, d.Reason, d.Because = StateInbox, ReasonPolicyInbox, "unknown sender"
		return d, nil
	case PolicyIgnore:
		d.State, d.Reason, d.Because = StateFiled, ReasonPolicyIgnore, "unknown sender, ignored by the account's rule"
		return d, nil
	}
	return tx.newDealFromEmail(acc, e, d, 0, 0, ReasonNewClient, "new client")
}

// contactDeals finds the contact with this address and its open deals. With
// several contacts sharing it, their open deals are pooled.
func (tx *itx) contactDeals(addr string) (contactID, companyID int64, open []int64, err error) {
	rows, err := tx.query(`SELECT c.id, coalesce(c.company_id, 0) FROM contact_emails ce JOIN contacts c ON c.id = ce.contact_id
		WHERE ce.email = ? ORDER BY c.id`, addr)
	if err != nil {
		return 0, 0, nil, err
	}
	var contacts []int64
	for rows.Next() {
		var id, co int64
		if err := rows.Scan(&id, &co); err != nil {
			rows.Close()
			return 0, 0, nil, err
		}
		if contactID == 0 {
			contactID, companyID = id, co
		}
		contacts = append(contacts, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, nil, err
	}
	for _, c := range contacts {
		r, err := tx.query(`SELECT d.id FROM deals d JOIN stages s ON s.id = d.stage_id
			WHERE d.contact_id = ? AND d.deleted_at IS NULL AND s.semantics = 'open' ORDER BY d.id`, c)
		if err != nil {
			return 0, 0, nil, err
		}
		ids, err := scanIDs(r)
		if err != nil {
			return 0, 0, nil, err
		}
		open = append(open, ids...)
	}
	return contactID, companyID, open, nil
}

// newDealFromEmail creates (after the loop guard) a deal for the email,
// creating the contact and company when contactID is 0.
func (tx *itx) newDealFromEmail(acc *Account, e *Email, d Decision, contactID, companyID int64, reason Reason, because string) (Decision, error) {
	from := strings.ToLower(e.From.Email)
	var n int
	since := fmtTime(tx.s.Now().Add(-LoopGuardWindow))
	if err := tx.queryRow(`SELECT count(*) FROM messages WHERE from_email = ? AND created_deal = 1 AND created_at > ?`,
		from, since).Scan(&n); err != nil {
		return d, err
	}
	if n >= LoopGuardMax {
		if _, err := tx.exec(`INSERT INTO mail_senders (email, status, reason, created_at) VALUES (?, 'flagged', ?, ?)
			ON CONFLICT (email) DO NOTHING`, from, fmt.Sprintf("more than %d new deals within %s", LoopGuardMax, LoopGuardWindow), tx.s.now()); err != nil {
			return d, err
		}
		d.State, d.Reason, d.Because = StateInbox, ReasonLoopGuard, fmt.Sprintf("more than %d new deals from this sender within two hours: stopped", LoopGuardMax)
		return d, nil
	}
	actor, err := tx.mailActor(acc)
	if err != nil {
		return d, err
	}
	if contactID == 0 {
		contactID, companyID, err = tx.contactFromAddress(e.From)
		if err != nil {
			return d, err
		}
	}
	in := DealInput{
		Title: DealTitleFromSubject(e.Subject, senderName(e.From)), PipelineID: acc.PipelineID,
		ContactID: contactID, CompanyID: companyID, ResponsibleID: actor, Source: SourceEmail,
	}
	id, err := tx.createDeal(actor, in)
	if err != nil {
		return d, fmt.Errorf("create deal from email: %w", err)
	}
	d.State, d.DealID, d.NewDeal, d.Reason, d.Because = StateLinked, id, true, reason, because
	return d, nil
}

// mailActor is the employee new deals from an account are created by and
// given to: the account's responsible if active, else the first admin.
func (tx *itx) mailActor(acc *Account) (int64, error) {
	if acc != nil && acc.ResponsibleID != 0 {
		var active bool
		if err := tx.queryRow(`SELECT active FROM employees WHERE id = ?`, acc.ResponsibleID).Scan(&active); err == nil && active {
			return acc.ResponsibleID, nil
		}
	}
	var id int64
	if err := tx.queryRow(`SELECT id FROM employees WHERE role = 'admin' AND active = 1 ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		return 0, fmt.Errorf("no active admin to give new deals to: %w", notFound(err))
	}
	return id, nil
}

func senderName(a Address) string {
	if n := strings.TrimSpace(a.Name); n != "" {
		return n
	}
	return a.Email
}

// contactFromAddress finds the contact with this address or creates it, with
// its company from the domain unless it is a public provider.
func (tx *itx) contactFromAddress(a Address) (contactID, companyID int64, err error) {
	addr := strings.TrimSpace(a.Email)
	if err := tx.queryRow(`SELECT c.id, coalesce(c.company_id, 0) FROM contact_emails ce JOIN contacts c ON c.id = ce.contact_id
		WHERE ce.email = ? ORDER BY c.id LIMIT 1`, addr).Scan(&contactID, &companyID); err == nil {
		return contactID, companyID, nil
	} else if err != sql.ErrNoRows {
		return 0, 0, err
	}
	if dom := domainOf(addr); dom != "" && !PublicProvider(dom) {
		name := companyName(dom)
		if name != "" {
			err := tx.queryRow(`SELECT id FROM companies WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1`, name).Scan(&companyID)
			if err == sql.ErrNoRows {
				companyID, err = tx.createCompany(CompanyInput{Name: name})
			}
			if err != nil {
				return 0, 0, fmt.Errorf("company from %s: %w", dom, err)
			}
		}
	}
	name := strings.TrimSpace(a.Name)
	if name == "" || strings.EqualFold(name, addr) {
		name = addr
		if i := strings.IndexByte(addr, '@'); i > 0 {
			name = addr[:i]
		}
	}
	in := ContactInput{Name: name, CompanyID: companyID, Emails: []string{addr}}
	contactID, err = tx.createContact(in)
	if FieldErrors(err) != nil {
		// An address the strict validator refuses: keep the person, without it.
		in.Emails = nil
		in.Notes = "Email: " + addr
		contactID, err = tx.createContact(in)
		if err == nil {
			_, err = tx.exec(`INSERT INTO contact_emails (contact_id, position, email) VALUES (?, 0, ?)`, contactID, addr)
		}
	}
	if err != nil {
		return 0, 0, fmt.Errorf("contact from %s: %w", addr, err)
	}
	return contactID, companyID, nil
}

// bounce marks the outgoing message a delivery failure report is about, and
// returns its deal (0 when it reports none of ours). This is the hook the
// outbox relies on: sent mail stored in messages with direction 'out' is
// marked bounced with the failed address here.
func (tx *itx) bounce(e *Email) (int64, error) {
	ids := []string{}
	if ValidMessageID(e.BouncedMessageID) {
		ids = append(ids, e.BouncedMessageID)
	}
	for _, id := range append(ids, threadIDs(e)...) {
		var msgID int64
		var dealID sql.NullInt64
		err := tx.queryRow(`SELECT id, deal_id FROM messages WHERE message_id = ? AND direction = 'out'`, id).Scan(&msgID, &dealID)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return 0, err
		}
		if err := tx.markBounced(msgID, e.BouncedRecipient); err != nil {
			return 0, err
		}
		if dealID.Valid {
			if ok, _, err := tx.liveDeal(dealID.Int64); err != nil || !ok {
				return 0, err
			}
			return dealID.Int64, nil
		}
		return 0, nil
	}
	return 0, nil
}

// markBounced records that an outgoing message could not be delivered.
func (tx *itx) markBounced(msgID int64, recipient string) error {
	if _, err := tx.exec(`UPDATE messages SET bounced_at = ?, bounced_recipient = ? WHERE id = ?`, tx.s.now(), recipient, msgID); err != nil {
		return fmt.Errorf("mark message %d bounced: %w", msgID, err)
	}
	tx.changed(KindEmail, msgID)
	return nil
}
