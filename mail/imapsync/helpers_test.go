package imapsync

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/mail/mailtest"
	"comptoir/mail/secret"
)

// fixture is a test database with one account on a real IMAP server.
type fixture struct {
	db   *datatest.DB
	srv  mailtest.IMAP
	acc  data.Account
	sec  secret.Store
	sync *Syncer
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newFixture creates the database, stores the password in a file store and
// adds a loopback account (security none) for srv.
func newFixture(t testing.TB, srv mailtest.IMAP, in data.AccountInput) *fixture {
	t.Helper()
	db := datatest.Open(t)
	// The sync runs in real time: the test clock would make the import
	// window and the loop guard meaningless.
	db.Store.Now = time.Now
	sec := secret.NewFile(t.TempDir())
	if in.Email == "" {
		in.Email = "sales@ourshop.test"
	}
	in.IMAPHost, in.IMAPPort, in.IMAPSecurity, in.Username = srv.Host(), srv.Port(), data.SecurityNone, srv.User()
	if in.ResponsibleID == 0 {
		in.ResponsibleID = db.Sales.ID
	}
	acc, err := db.CreateAccount(context.Background(), db.Admin.ID, in)
	if err != nil {
		t.Fatalf("create account: %v", err)
	}
	if err := sec.Set(acc.IMAPSecretKey(), srv.Password()); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, srv: srv, acc: acc, sec: sec}
	f.sync = New(db.Store, Options{Secrets: sec, Logger: quietLogger(), BatchSize: 3,
		MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, PollInterval: 200 * time.Millisecond})
	return f
}

// syncOnce runs one sync of the account and fails the test on error.
func (f *fixture) syncOnce(t testing.TB) Stats {
	t.Helper()
	acc, err := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.sync.SyncAccount(context.Background(), acc)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return st
}

// count runs a counting query on the database file.
func (f *fixture) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	return countRows(t, f.db.Path, query, args...)
}

func (f *fixture) deals(t testing.TB) int {
	return f.count(t, `SELECT count(*) FROM deals WHERE deleted_at IS NULL`)
}

// msg is a test message.
type msg struct {
	id, from, name, subject, body string
	to                            string
	date                          time.Time
	headers                       []string // extra "Key: value" lines
	contentType                   string   // default text/plain; charset=utf-8
	cte                           string
	raw                           string // a whole message, overriding everything
}

func (m msg) bytes() []byte {
	if m.raw != "" {
		return []byte(strings.ReplaceAll(strings.ReplaceAll(m.raw, "\r\n", "\n"), "\n", "\r\n"))
	}
	var b strings.Builder
	from := m.from
	if m.name != "" {
		from = fmt.Sprintf("%q <%s>", m.name, m.from)
	}
	to := m.to
	if to == "" {
		to = "sales@ourshop.test"
	}
	date := m.date
	if date.IsZero() {
		date = time.Now().Add(-time.Hour)
	}
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n", from, to, m.subject, date.Format(time.RFC1123Z))
	if m.id != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\r\n", m.id)
	}
	for _, h := range m.headers {
		b.WriteString(h + "\r\n")
	}
	ct := m.contentType
	if ct == "" {
		ct = "text/plain; charset=utf-8"
	}
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: %s\r\n", ct)
	if m.cte != "" {
		fmt.Fprintf(&b, "Content-Transfer-Encoding: %s\r\n", m.cte)
	}
	b.WriteString("\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(m.body, "\r\n", "\n"), "\n", "\r\n"))
	return []byte(b.String())
}

func client(id, from, subject string) msg {
	return msg{id: id, from: from, name: "Client " + strings.Split(from, "@")[0], subject: subject,
		body: "Hello,\nplease send a quote for 12 desks.\n\nRegards\n"}
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// countRows runs a counting query on the database file through its own
// read-only connection.
func countRows(t testing.TB, path, query string, args ...any) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
