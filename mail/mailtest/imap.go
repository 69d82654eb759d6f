package mailtest

import (
	"bytes"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// IMAPServer is an in-process IMAP server holding one user's mailboxes in
// memory. It listens in plaintext on 127.0.0.1 and allows LOGIN without TLS.
//
// The user starts with an empty INBOX. IDLE is advertised once logged in, and
// messages added with Append are announced to clients that are idling or
// polling the mailbox, as a real server would.
type IMAPServer struct {
	user, password string
	mem            *imapmemserver.User
	server         *imapserver.Server
	ln             net.Listener
	done           chan struct{}
	log            *tbLogger
}

// NewIMAPMemServer starts an in-memory IMAP server with one user and an empty
// INBOX. The server is closed when the test ends.
func NewIMAPMemServer(t testing.TB, user, pass string) *IMAPServer {
	t.Helper()

	mem := imapmemserver.NewUser(user, pass)
	if err := mem.Create("INBOX", nil); err != nil {
		t.Fatalf("mailtest: create INBOX: %v", err)
	}

	logger := &tbLogger{t: t}
	server := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &memSession{user: mem}, nil, nil
		},
		// IMAP4rev1 plus the extensions the memory backend implements, which
		// are also the ones Dovecot advertises. IDLE, UNSELECT and ENABLE
		// come with IMAP4rev1.
		Caps: imap.CapSet{
			imap.CapIMAP4rev1:    {},
			imap.CapNamespace:    {},
			imap.CapUIDPlus:      {},
			imap.CapESearch:      {},
			imap.CapListExtended: {},
			imap.CapListStatus:   {},
			imap.CapMove:         {},
			imap.CapStatusSize:   {},
			imap.CapChildren:     {},
			imap.CapLiteralPlus:  {},
			imap.CapSearchRes:    {},
		},
		Logger:       logger,
		InsecureAuth: true,
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s := &IMAPServer{
		user:     user,
		password: pass,
		mem:      mem,
		server:   server,
		ln:       ln,
		done:     make(chan struct{}),
		log:      logger,
	}
	go func() {
		defer close(s.done)
		if err := server.Serve(ln); err != nil && !errors.Is(err, net.ErrClosed) {
			logger.Printf("mailtest: imap serve: %v", err)
		}
	}()
	t.Cleanup(s.Close)
	return s
}

// Addr returns the server's address as host:port.
func (s *IMAPServer) Addr() string { return s.ln.Addr().String() }

// Host returns the host the server listens on (always 127.0.0.1).
func (s *IMAPServer) Host() string { return s.ln.Addr().(*net.TCPAddr).IP.String() }

// Port returns the TCP port the server listens on.
func (s *IMAPServer) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// User returns the user name accepted by LOGIN.
func (s *IMAPServer) User() string { return s.user }

// Password returns the password accepted by LOGIN.
func (s *IMAPServer) Password() string { return s.password }

// CreateMailbox creates a mailbox for the user. Use "/" as the hierarchy
// delimiter, as in "Archive/2026".
func (s *IMAPServer) CreateMailbox(t testing.TB, name string) {
	t.Helper()
	if err := s.mem.Create(name, nil); err != nil {
		t.Fatalf("mailtest: create mailbox %q: %v", name, err)
	}
}

// Append stores raw (a whole RFC 5322 message, CRLF line endings preferred)
// at the end of mailbox and returns its UID. Connected clients that have the
// mailbox selected are told about it at their next poll or while idling.
func (s *IMAPServer) Append(t testing.TB, mailbox string, raw []byte) uint32 {
	t.Helper()
	return s.AppendWithFlags(t, mailbox, raw, time.Now())
}

// AppendWithFlags is Append with an explicit internal date and flags.
func (s *IMAPServer) AppendWithFlags(t testing.TB, mailbox string, raw []byte, date time.Time, flags ...imap.Flag) uint32 {
	t.Helper()
	data, err := s.mem.Append(mailbox, bytes.NewReader(raw), &imap.AppendOptions{Time: date, Flags: flags})
	if err != nil {
		t.Fatalf("mailtest: append to %q: %v", mailbox, err)
	}
	return uint32(data.UID)
}

// Close stops the server and drops every open connection. It is called
// automatically when the test ends; calling it earlier simulates the server
// going away. Close is idempotent.
func (s *IMAPServer) Close() {
	_ = s.server.Close()
	// Serve may not have registered the listener yet.
	_ = s.ln.Close()
	<-s.done
	s.log.stop()
}

// tbLogger forwards server log lines to the test log until stop is called,
// so that a late line from a closing connection cannot reach a finished test.
type tbLogger struct {
	mu      sync.Mutex
	t       testing.TB
	stopped bool
}

func (l *tbLogger) Printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Logf(format, args...)
	}
}

func (l *tbLogger) stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
}

// idleFlush bounds how long an appended message can wait before an idling
// client hears of it (see memSession.Idle).
const idleFlush = 100 * time.Millisecond

// memSession is the memory backend's session for the server's one user,
// with an IDLE that never misses mail.
type memSession struct {
	*imapmemserver.UserSession // nil until login
	user                       *imapmemserver.User
}

func (s *memSession) Login(username, password string) error {
	if err := s.user.Login(username, password); err != nil {
		return err
	}
	s.UserSession = imapmemserver.NewUserSession(s.user)
	return nil
}

// Idle is the backend's IDLE, restarted every idleFlush after a poll. The
// backend only wakes an IDLE for mail announced after the command has
// registered, and the server answers "+ idling" before it registers: a
// message appended in between would otherwise wait for the next one.
func (s *memSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	for {
		if err := s.Poll(w, true); err != nil {
			return err
		}
		pause := make(chan struct{})
		time.AfterFunc(idleFlush, func() { close(pause) })
		inner := make(chan struct{})
		go func() {
			select {
			case <-stop:
			case <-pause:
			}
			close(inner)
		}()
		err := s.UserSession.Idle(w, inner)
		<-inner // at most idleFlush, also when Idle returned early
		if err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		default:
		}
	}
}
