package mailtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message accepted by SMTPServer.
type Received struct {
	// Auth is the user name the client authenticated as, or "" if it did not.
	Auth string
	From string
	To   []string
	Data []byte
	// Dropped is true when the server read the whole message and then
	// dropped the connection without replying (see DropAfterData). The
	// client cannot know whether the message was delivered; it was.
	Dropped bool
}

// SMTPServer is an in-process SMTP submission server on 127.0.0.1 that
// records every message it accepts. It offers AUTH PLAIN without TLS. By
// default any user name and password are accepted and AUTH is optional; see
// SetAuth.
//
// FailNext and DropAfterData inject faults into the next transactions, to
// test retries and crash recovery in a sender.
type SMTPServer struct {
	server *smtp.Server
	ln     net.Listener
	done   chan struct{}
	log    *tbLogger
	once   sync.Once

	mu           sync.Mutex
	changed      chan struct{} // closed and replaced when msgs grows
	msgs         []Received
	transactions int
	user, pass   string
	failCode     int
	failN        int
	dropN        int
}

// NewSMTPServer starts an SMTP server that is closed when the test ends.
func NewSMTPServer(t testing.TB) *SMTPServer {
	t.Helper()

	s := &SMTPServer{
		done:    make(chan struct{}),
		log:     &tbLogger{t: t},
		changed: make(chan struct{}),
	}
	s.server = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{srv: s, conn: c}, nil
	}))
	s.server.Domain = "localhost"
	s.server.AllowInsecureAuth = true // loopback only
	s.server.MaxMessageBytes = 64 << 20
	s.server.MaxRecipients = 100
	s.server.ReadTimeout = time.Minute
	s.server.WriteTimeout = time.Minute
	s.server.ErrorLog = smtpLogger{s.log}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.ln = ln
	go func() {
		defer close(s.done)
		if err := s.server.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			s.log.Printf("mailtest: smtp serve: %v", err)
		}
	}()
	t.Cleanup(s.Close)
	return s
}

// Addr returns the server's address as host:port.
func (s *SMTPServer) Addr() string { return s.ln.Addr().String() }

// Host returns the host the server listens on (always 127.0.0.1).
func (s *SMTPServer) Host() string { return s.ln.Addr().(*net.TCPAddr).IP.String() }

// Port returns the TCP port the server listens on.
func (s *SMTPServer) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// SetAuth makes the server require AUTH PLAIN with exactly these
// credentials before MAIL FROM. Wrong credentials get 535; MAIL without
// AUTH gets 530.
func (s *SMTPServer) SetAuth(user, pass string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.pass = user, pass
}

// FailNext makes the next n transactions fail at the end of DATA, after
// the whole message was read, with the given SMTP reply code: a 4xx code
// (such as 451) is a temporary failure the client should retry, a 5xx code
// (such as 550) a permanent one. Failed messages are not recorded.
func (s *SMTPServer) FailNext(code int, n int) {
	if code < 400 || code > 599 {
		panic(fmt.Sprintf("mailtest: FailNext code %d is not a 4xx or 5xx reply", code))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failCode, s.failN = code, n
}

// DropAfterData makes the next n transactions read the whole message,
// record it (with Received.Dropped set) and then close the connection
// without sending the reply to DATA: a server that crashed after storing
// the message, or a network that failed at the worst moment.
func (s *SMTPServer) DropAfterData(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropN = n
}

// Messages returns a copy of the messages received so far, in order.
func (s *SMTPServer) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, len(s.msgs))
	for i, m := range s.msgs {
		m.To = slices.Clone(m.To)
		m.Data = bytes.Clone(m.Data)
		out[i] = m
	}
	return out
}

// Transactions returns how many transactions reached the end of DATA,
// including the ones that were failed or dropped on purpose.
func (s *SMTPServer) Transactions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.transactions
}

// WaitMessages waits until at least n messages were received and returns
// them. It fails the test if that takes longer than timeout.
func (s *SMTPServer) WaitMessages(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := len(s.msgs), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("mailtest: got %d SMTP messages after %v, want %d", got, timeout, n)
			return nil
		}
	}
}

// Close stops the server and drops every open connection. It is called
// automatically when the test ends. Close is idempotent.
func (s *SMTPServer) Close() {
	s.once.Do(func() {
		_ = s.server.Close()
		// Serve may not have registered the listener yet.
		_ = s.ln.Close()
		<-s.done
		s.log.stop()
	})
}

func (s *SMTPServer) record(m Received) {
	s.msgs = append(s.msgs, m)
	close(s.changed)
	s.changed = make(chan struct{})
}

// errAuthRequired is the RFC 4954 reply to MAIL without a required AUTH.
var errAuthRequired = &smtp.SMTPError{
	Code:         530,
	EnhancedCode: smtp.EnhancedCode{5, 7, 0},
	Message:      "Authentication required",
}

type smtpSession struct {
	srv  *SMTPServer
	conn *smtp.Conn

	auth string
	from string
	to   []string
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		ss.srv.mu.Lock()
		user, pass := ss.srv.user, ss.srv.pass
		ss.srv.mu.Unlock()
		if user != "" && (username != user || password != pass) {
			return smtp.ErrAuthFailed
		}
		if identity != "" && identity != username {
			return smtp.ErrAuthFailed
		}
		ss.auth = username
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.srv.mu.Lock()
	required := ss.srv.user != ""
	ss.srv.mu.Unlock()
	if required && ss.auth == "" {
		return errAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg := Received{Auth: ss.auth, From: ss.from, To: slices.Clone(ss.to), Data: data}

	s := ss.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	s.transactions++
	switch {
	case s.failN > 0:
		s.failN--
		return &smtp.SMTPError{
			Code:         s.failCode,
			EnhancedCode: smtp.EnhancedCode{s.failCode / 100, 0, 0},
			Message:      "mailtest: injected failure",
		}
	case s.dropN > 0:
		s.dropN--
		msg.Dropped = true
		s.record(msg)
		// Closing the socket here means the reply to DATA is never sent.
		_ = ss.conn.Conn().Close()
		return nil
	}
	s.record(msg)
	return nil
}

func (ss *smtpSession) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *smtpSession) Logout() error { return nil }

// smtpLogger adapts tbLogger to smtp.Logger.
type smtpLogger struct{ l *tbLogger }

func (s smtpLogger) Printf(format string, v ...any) { s.l.Printf(format, v...) }
func (s smtpLogger) Println(v ...any)               { s.l.Printf("%s", fmt.Sprintln(v...)) }
