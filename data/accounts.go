package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"time"
)

// Security is how a connection to a mail server is protected.
type Security string

// Connection security. None is accepted only for a loopback host.
const (
	SecurityTLS      Security = "tls"      // TLS from the first byte (IMAP 993, SMTP 465)
	SecurityStartTLS Security = "starttls" // plain then STARTTLS (IMAP 143, SMTP 587)
	SecurityNone     Security = "none"     // no encryption: loopback only
)

// Valid reports whether s is a known security mode.
func (s Security) Valid() bool { return s == SecurityTLS || s == SecurityStartTLS || s == SecurityNone }

// Policy is what an account does with mail from an unknown sender.
type Policy string

// Policies for unknown senders.
const (
	PolicyDeal   Policy = "deal"   // create the contact and a deal
	PolicyInbox  Policy = "inbox"  // put the email in the Inbox for a person
	PolicyIgnore Policy = "ignore" // store it, link it nowhere
)

// Valid reports whether p is a known policy.
func (p Policy) Valid() bool { return p == PolicyDeal || p == PolicyInbox || p == PolicyIgnore }

// Account status values.
const (
	AccountOK    = "ok"
	AccountError = "error"
)

// Defaults of a new account.
const (
	DefaultImportDays = 30
	DefaultMaxSize    = 25 << 20
)

// Account is a mailbox Comptoir reads client mail from (and, for the sending
// side, sends through). Its passwords are kept outside the database (see
// mail/secret), under the keys IMAPSecretKey and SMTPSecretKey.
type Account struct {
	ID    int64
	Email string // the main address
	// Addresses are every address the account receives for, Email first.
	// Mail from any of them is our own.
	Addresses    []string
	IMAPHost     string
	IMAPPort     int
	IMAPSecurity Security
	Username     string
	Folders      []string // watched folders; INBOX by default

	SMTPHost     string
	SMTPPort     int
	SMTPSecurity Security // "" when no SMTP server is set
	SMTPUsername string   // "" means Username
	// ServerSavesSent is true when the SMTP server files sent mail in the
	// mailbox itself (Gmail does): the sender must not append a copy.
	ServerSavesSent bool

	Policy        Policy
	PipelineID    int64 // pipeline of new deals; 0: the first
	ResponsibleID int64 // responsible of new deals; 0: the first admin
	// Exclusions are addresses ("x@y.fr") and domains ("y.fr") whose mail
	// never creates a deal.
	Exclusions []string
	ImportDays int   // the first sync imports this many days back
	MaxSize    int64 // bytes; larger messages keep headers and text only
	Active     bool

	// Status of the last sync: "" (never ran), AccountOK or AccountError,
	// with StatusMessage in plain words ("the server refused the password").
	Status        string
	StatusMessage string
	StatusAt      time.Time
	LastSyncAt    time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time

	dbID string // the database's identifier (Store.DatabaseID), for the secret keys
}

// IMAPSecretKey names the IMAP password in the secret store. The key is the
// account's own, "comptoir/<database id>/account/<id>/imap": two accounts
// with the same login, or two databases sharing a keyring or a storage
// folder, never share a password, and removing one keeps the others'.
func (a Account) IMAPSecretKey() string { return a.secretKey("imap") }

// SMTPSecretKey names the SMTP password in the secret store (see
// IMAPSecretKey).
func (a Account) SMTPSecretKey() string { return a.secretKey("smtp") }

func (a Account) secretKey(kind string) string {
	return fmt.Sprintf("comptoir/%s/account/%d/%s", a.dbID, a.ID, kind)
}

// Owns reports whether addr is one of the account's addresses.
func (a Account) Owns(addr string) bool {
	for _, x := range a.Addresses {
		if strings.EqualFold(x, addr) {
			return true
		}
	}
	return strings.EqualFold(a.Email, addr)
}

// AccountInput is what Settings or `comptoir account add` gives.
type AccountInput struct {
	Email           string
	Addresses       []string // extra addresses; Email is always included
	IMAPHost        string
	IMAPPort        int // 0: 993 for tls, 143 otherwise
	IMAPSecurity    Security
	Username        string // "": Email
	Folders         []string
	SMTPHost        string
	SMTPPort        int // 0: 465 for tls, 587 otherwise
	SMTPSecurity    Security
	SMTPUsername    string
	ServerSavesSent bool
	Policy          Policy // "": PolicyDeal
	PipelineID      int64
	ResponsibleID   int64
	Exclusions      []string
	ImportDays      int   // 0: DefaultImportDays
	MaxSize         int64 // 0: DefaultMaxSize
	Inactive        bool
}

// Input returns the account's settings as an input, to edit and save back.
func (a Account) Input() AccountInput {
	return AccountInput{
		Email: a.Email, Addresses: append([]string(nil), a.Addresses...), IMAPHost: a.IMAPHost, IMAPPort: a.IMAPPort,
		IMAPSecurity: a.IMAPSecurity, Username: a.Username, Folders: append([]string(nil), a.Folders...),
		SMTPHost: a.SMTPHost, SMTPPort: a.SMTPPort, SMTPSecurity: a.SMTPSecurity, SMTPUsername: a.SMTPUsername,
		ServerSavesSent: a.ServerSavesSent, Policy: a.Policy, PipelineID: a.PipelineID, ResponsibleID: a.ResponsibleID,
		Exclusions: append([]string(nil), a.Exclusions...), ImportDays: a.ImportDays, MaxSize: a.MaxSize, Inactive: !a.Active,
	}
}

// IsLoopback reports whether host names this machine (localhost, 127.x, ::1).
func IsLoopback(host string) bool {
	host = strings.Trim(strings.TrimSpace(host), "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validHost(h string) bool {
	if h == "" || len(h) > 253 || strings.ContainsAny(h, " /\\@:") && net.ParseIP(strings.Trim(h, "[]")) == nil {
		return false
	}
	return true
}

func (in *AccountInput) validate(tx *wtx) error {
	var v validator
	in.Email = strings.TrimSpace(in.Email)
	if a, err := mail.ParseAddress(in.Email); err != nil || !strings.EqualFold(a.Address, in.Email) {
		v.add("email", "invalid_email", "%q is not an email address", in.Email)
	}
	in.Addresses = cleanList(append([]string{in.Email}, in.Addresses...))
	for i, a := range in.Addresses[1:] {
		if p, err := mail.ParseAddress(a); err != nil || !strings.EqualFold(p.Address, a) {
			v.add(fmt.Sprintf("addresses[%d]", i), "invalid_email", "%q is not an email address", a)
		}
	}
	in.IMAPHost = strings.TrimSpace(in.IMAPHost)
	if !validHost(in.IMAPHost) {
		v.add("imap_host", "required", "the IMAP server's name is required")
	}
	in.IMAPSecurity = Security(strings.ToLower(string(in.IMAPSecurity)))
	if in.IMAPSecurity == "" {
		in.IMAPSecurity = SecurityTLS
	}
	switch {
	case !in.IMAPSecurity.Valid():
		v.add("imap_security", "invalid_security", "security must be tls, starttls or none")
	case in.IMAPSecurity == SecurityNone && in.IMAPHost != "" && !IsLoopback(in.IMAPHost):
		v.add("imap_security", "insecure", "a connection without encryption is allowed only to this computer (localhost); use tls or starttls")
	}
	if in.IMAPPort == 0 {
		in.IMAPPort = 143
		if in.IMAPSecurity == SecurityTLS {
			in.IMAPPort = 993
		}
	}
	if in.IMAPPort < 1 || in.IMAPPort > 65535 {
		v.add("imap_port", "invalid_port", "port must be between 1 and 65535")
	}
	in.Username = strings.TrimSpace(in.Username)
	if in.Username == "" {
		in.Username = in.Email
	}
	in.Folders = cleanList(in.Folders)
	if len(in.Folders) == 0 {
		in.Folders = []string{"INBOX"}
	}
	in.SMTPHost = strings.TrimSpace(in.SMTPHost)
	in.SMTPSecurity = Security(strings.ToLower(string(in.SMTPSecurity)))
	in.SMTPUsername = strings.TrimSpace(in.SMTPUsername)
	if in.SMTPHost != "" {
		if !validHost(in.SMTPHost) {
			v.add("smtp_host", "invalid_host", "%q is not a server name", in.SMTPHost)
		}
		if in.SMTPSecurity == "" {
			in.SMTPSecurity = SecurityStartTLS
		}
		switch {
		case !in.SMTPSecurity.Valid():
			v.add("smtp_security", "invalid_security", "security must be tls, starttls or none")
		case in.SMTPSecurity == SecurityNone && !IsLoopback(in.SMTPHost):
			v.add("smtp_security", "insecure", "a connection without encryption is allowed only to this computer (localhost); use tls or starttls")
		}
		if in.SMTPPort == 0 {
			in.SMTPPort = 587
			if in.SMTPSecurity == SecurityTLS {
				in.SMTPPort = 465
			}
		}
		if in.SMTPPort < 1 || in.SMTPPort > 65535 {
			v.add("smtp_port", "invalid_port", "port must be between 1 and 65535")
		}
	} else {
		in.SMTPPort, in.SMTPSecurity = 0, ""
	}
	if in.Policy == "" {
		in.Policy = PolicyDeal
	}
	if !in.Policy.Valid() {
		v.add("policy", "invalid_policy", "policy must be deal, inbox or ignore")
	}
	if in.PipelineID != 0 {
		var x int
		if err := tx.queryRow(`SELECT 1 FROM pipelines WHERE id = ?`, in.PipelineID).Scan(&x); err != nil {
			v.add("pipeline", "unknown_pipeline", "pipeline %d does not exist", in.PipelineID)
		}
	}
	if in.ResponsibleID != 0 {
		var active bool
		if err := tx.queryRow(`SELECT active FROM employees WHERE id = ?`, in.ResponsibleID).Scan(&active); err != nil || !active {
			v.add("responsible", "unknown_employee", "the responsible must be an active employee")
		}
	}
	ex := cleanList(in.Exclusions)
	in.Exclusions = in.Exclusions[:0]
	for i, e := range ex {
		e = strings.ToLower(strings.TrimPrefix(e, "@"))
		if strings.ContainsAny(e, " ,;<>") || !strings.Contains(e, ".") {
			v.add(fmt.Sprintf("exclusions[%d]", i), "invalid_exclusion", "%q is neither an address nor a domain", e)
		}
		in.Exclusions = append(in.Exclusions, e)
	}
	if in.ImportDays == 0 {
		in.ImportDays = DefaultImportDays
	}
	if in.ImportDays < 0 || in.ImportDays > 3650 {
		v.add("import_days", "out_of_range", "the import window must be between 1 and 3650 days")
	}
	if in.MaxSize == 0 {
		in.MaxSize = DefaultMaxSize
	}
	if in.MaxSize < 1<<16 {
		v.add("max_size", "out_of_range", "the size cap must be at least 64 KB")
	}
	return v.err()
}

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// CreateAccount adds a mail account. Only an admin may. The password is not
// part of it: store it with mail/secret under Account.IMAPSecretKey.
func (s *Store) CreateAccount(ctx context.Context, actor int64, in AccountInput) (Account, error) {
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		if err := in.validate(tx); err != nil {
			return err
		}
		if _, err := tx.databaseID(); err != nil { // the secret keys need it
			return err
		}
		now := tx.s.now()
		res, err := tx.exec(`INSERT INTO mail_accounts (email, addresses, imap_host, imap_port, imap_security, username, folders,
			smtp_host, smtp_port, smtp_security, smtp_username, server_saves_sent, policy, pipeline_id, responsible_id,
			exclusions, import_days, max_size, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Email, jsonList(in.Addresses), in.IMAPHost, in.IMAPPort, in.IMAPSecurity, in.Username, jsonList(in.Folders),
			in.SMTPHost, in.SMTPPort, in.SMTPSecurity, in.SMTPUsername, in.ServerSavesSent, in.Policy, nullID(in.PipelineID),
			nullID(in.ResponsibleID), jsonList(in.Exclusions), in.ImportDays, in.MaxSize, !in.Inactive, now, now)
		if isUnique(err) {
			return &ValidationError{Fields: []FieldError{{Field: "email", Code: "duplicate", Message: "an account with this address already exists"}}}
		}
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		tx.changed(KindAccount, id)
		return nil
	})
	if err != nil {
		return Account{}, fmt.Errorf("create account: %w", err)
	}
	return s.account(ctx, id)
}

// UpdateAccount replaces an account's settings. Only an admin may. Changing
// the server or folders keeps the sync checkpoints of folders still watched.
func (s *Store) UpdateAccount(ctx context.Context, actor, id int64, in AccountInput) (Account, error) {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		if err := in.validate(tx); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE mail_accounts SET email = ?, addresses = ?, imap_host = ?, imap_port = ?, imap_security = ?,
			username = ?, folders = ?, smtp_host = ?, smtp_port = ?, smtp_security = ?, smtp_username = ?, server_saves_sent = ?,
			policy = ?, pipeline_id = ?, responsible_id = ?, exclusions = ?, import_days = ?, max_size = ?, active = ?, updated_at = ?
			WHERE id = ?`,
			in.Email, jsonList(in.Addresses), in.IMAPHost, in.IMAPPort, in.IMAPSecurity, in.Username, jsonList(in.Folders),
			in.SMTPHost, in.SMTPPort, in.SMTPSecurity, in.SMTPUsername, in.ServerSavesSent, in.Policy, nullID(in.PipelineID),
			nullID(in.ResponsibleID), jsonList(in.Exclusions), in.ImportDays, in.MaxSize, !in.Inactive, tx.s.now(), id)
		if isUnique(err) {
			return &ValidationError{Fields: []FieldError{{Field: "email", Code: "duplicate", Message: "an account with this address already exists"}}}
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		tx.changed(KindAccount, id)
		return nil
	})
	if err != nil {
		return Account{}, fmt.Errorf("update account %d: %w", id, err)
	}
	return s.account(ctx, id)
}

// DeleteAccount removes an account and its checkpoints; its stored messages
// stay (on their deals). Only an admin may. The caller deletes the password.
func (s *Store) DeleteAccount(ctx context.Context, actor, id int64) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		res, err := tx.exec(`DELETE FROM mail_accounts WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		tx.changed(KindAccount, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete account %d: %w", id, err)
	}
	return nil
}

const accountCols = `id, email, addresses, imap_host, imap_port, imap_security, username, folders, smtp_host, smtp_port,
	smtp_security, smtp_username, server_saves_sent, policy, coalesce(pipeline_id, 0), coalesce(responsible_id, 0), exclusions,
	import_days, max_size, active, status, status_message, status_at, last_sync_at, created_at, updated_at`

func scanAccount(sc interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var addrs, folders, excl, created, updated string
	var statusAt, lastSync sql.NullString
	err := sc.Scan(&a.ID, &a.Email, &addrs, &a.IMAPHost, &a.IMAPPort, &a.IMAPSecurity, &a.Username, &folders, &a.SMTPHost,
		&a.SMTPPort, &a.SMTPSecurity, &a.SMTPUsername, &a.ServerSavesSent, &a.Policy, &a.PipelineID, &a.ResponsibleID, &excl,
		&a.ImportDays, &a.MaxSize, &a.Active, &a.Status, &a.StatusMessage, &statusAt, &lastSync, &created, &updated)
	if err != nil {
		return a, err
	}
	_ = json.Unmarshal([]byte(addrs), &a.Addresses)
	_ = json.Unmarshal([]byte(folders), &a.Folders)
	_ = json.Unmarshal([]byte(excl), &a.Exclusions)
	a.StatusAt, a.LastSyncAt = nullTime(statusAt), nullTime(lastSync)
	a.CreatedAt, a.UpdatedAt = parseTime(created), parseTime(updated)
	return a, nil
}

// Account returns one mail account to an active employee.
func (s *Store) Account(ctx context.Context, actor, id int64) (Account, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return Account{}, fmt.Errorf("account %d: %w", id, err)
	}
	return s.account(ctx, id)
}

// Accounts lists the mail accounts by address, to an active employee.
func (s *Store) Accounts(ctx context.Context, actor int64) ([]Account, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	return s.accounts(ctx)
}

// WorkerAccount returns one mail account to the mail workers (mail/send),
// which act for no one.
func (s *Store) WorkerAccount(ctx context.Context, id int64) (Account, error) {
	return s.account(ctx, id)
}

// WorkerAccounts lists the mail accounts for the mail workers
// (mail/imapsync), which act for no one.
func (s *Store) WorkerAccounts(ctx context.Context) ([]Account, error) { return s.accounts(ctx) }

func (s *Store) account(ctx context.Context, id int64) (Account, error) {
	a, err := scanAccount(s.r.QueryRowContext(ctx, `SELECT `+accountCols+` FROM mail_accounts WHERE id = ?`, id))
	if err != nil {
		return a, fmt.Errorf("account %d: %w", id, notFound(err))
	}
	one := []Account{a}
	s.withDatabaseID(ctx, one)
	return one[0], nil
}

func (s *Store) accounts(ctx context.Context) ([]Account, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+accountCols+` FROM mail_accounts ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("accounts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	rows.Close()
	s.withDatabaseID(ctx, out)
	return out, nil
}

// SetAccountStatus records the outcome of a sync attempt: AccountOK with an
// empty message, or AccountError with plain words for the person. A change
// of status or message is published as a KindAccount change; a repeated
// success only moves LastSyncAt.
func (s *Store) SetAccountStatus(ctx context.Context, id int64, status, message string) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		var old, oldMsg string
		if err := tx.queryRow(`SELECT status, status_message FROM mail_accounts WHERE id = ?`, id).Scan(&old, &oldMsg); err != nil {
			return notFound(err)
		}
		now := tx.s.now()
		if status == AccountOK {
			if _, err := tx.exec(`UPDATE mail_accounts SET last_sync_at = ? WHERE id = ?`, now, id); err != nil {
				return err
			}
		}
		if old == status && oldMsg == message {
			return nil
		}
		if _, err := tx.exec(`UPDATE mail_accounts SET status = ?, status_message = ?, status_at = ? WHERE id = ?`,
			status, message, now, id); err != nil {
			return err
		}
		tx.changed(KindAccount, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("account %d status: %w", id, err)
	}
	return nil
}

// FolderState is where the sync of one folder stands.
type FolderState struct {
	UIDValidity uint32
	LastUID     uint32
	SyncedAt    time.Time
}

// FolderState returns a folder's checkpoint; ok is false before its first sync.
func (s *Store) FolderState(ctx context.Context, accountID int64, folder string) (st FolderState, ok bool, err error) {
	var at string
	err = s.r.QueryRowContext(ctx, `SELECT uidvalidity, last_uid, synced_at FROM mail_folders WHERE account_id = ? AND name = ?`,
		accountID, folder).Scan(&st.UIDValidity, &st.LastUID, &at)
	if err == sql.ErrNoRows {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("folder %s of account %d: %w", folder, accountID, err)
	}
	st.SyncedAt = parseTime(at)
	return st, true, nil
}

// SetFolderState moves a folder's checkpoint on its own, for a folder that
// has nothing to store (an empty import window, a UIDVALIDITY reset).
func (s *Store) SetFolderState(ctx context.Context, accountID int64, folder string, uidValidity, lastUID uint32) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		return tx.setCheckpoint(accountID, folder, uidValidity, lastUID)
	})
	if err != nil {
		return fmt.Errorf("folder %s of account %d: %w", folder, accountID, err)
	}
	return nil
}

func (tx *wtx) setCheckpoint(accountID int64, folder string, uidValidity, lastUID uint32) error {
	_, err := tx.exec(`INSERT INTO mail_folders (account_id, name, uidvalidity, last_uid, synced_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (account_id, name) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid,
		synced_at = excluded.synced_at`, accountID, folder, uidValidity, lastUID, tx.s.now())
	return err
}
