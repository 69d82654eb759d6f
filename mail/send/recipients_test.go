package send

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"comptoir/data"
)

// manyRecipients queues one email to the client and n other recipients
// (in Bcc) and returns their addresses.
func manyRecipients(t *testing.T, f *fixture, n int) (data.OutboxItem, []string) {
	t.Helper()
	rcpts := make([]string, n)
	for i := range rcpts {
		rcpts[i] = fmt.Sprintf("guest%03d@client.test", i)
	}
	it := f.queue(t, data.ComposeInput{Subject: "Invitation", Text: "Our open day is on Friday.", Bcc: strings.Join(rcpts, ", ")})
	return it, append(rcpts, "claire@client.test")
}

// checkOnce fails unless every address of want got the message exactly
// once over the transactions' envelopes.
func checkOnce(t *testing.T, envelopes [][]string, want []string) {
	t.Helper()
	got := map[string]int{}
	for _, to := range envelopes {
		for _, r := range to {
			got[r]++
		}
	}
	for _, r := range want {
		if got[r] != 1 {
			t.Errorf("%s got the email %d times", r, got[r])
		}
	}
}

// TestRecipientsSplitByTheServersLimit: 501 recipients against a server
// that takes 100 per message (and says so, LIMITS RCPTMAX=100): delivered
// in six transactions, to each recipient once, and sent.
func TestRecipientsSplitByTheServersLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, memIMAP(t), true)
	it, rcpts := manyRecipients(t, f, 500)
	if st := f.drain(t, f.sender(Options{})); st.Sent != 1 {
		t.Fatalf("stats %+v", st)
	}
	var envs [][]string
	for _, m := range f.smtp.Messages() {
		if len(m.To) > 100 {
			t.Errorf("a transaction had %d recipients", len(m.To))
		}
		envs = append(envs, m.To)
	}
	if len(envs) != 6 {
		t.Errorf("%d transactions, want 6", len(envs))
	}
	checkOnce(t, envs, rcpts)
	if got := f.item(t, it.ID); got.State != data.OutSent {
		t.Fatalf("state %s (%s)", got.State, got.LastError)
	}
}

// limitServer is a real SMTP server (go-smtp) that does not announce its
// limit: it refuses the 101st recipient of a message with 452 (RFC 5321,
// 4.5.3.1.10), and can fail the end of one transaction.
type limitServer struct {
	mu       sync.Mutex
	envs     [][]string // recipients of each message accepted
	ends     int        // DATA ends seen
	failEnd  int        // the end (1-based) answered 451; 0: none
	addr     *net.TCPAddr
	closeSrv func()
}

func newLimitServer(t *testing.T) *limitServer {
	t.Helper()
	ls := &limitServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &limitSession{ls: ls}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ls.addr = ln.Addr().(*net.TCPAddr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return ls
}

type limitSession struct {
	ls *limitServer
	to []string
}

func (s *limitSession) Mail(string, *smtp.MailOptions) error { return nil }

func (s *limitSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if len(s.to) == 100 {
		return &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 5, 3}, Message: "Too many recipients"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *limitSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	s.ls.mu.Lock()
	defer s.ls.mu.Unlock()
	s.ls.ends++
	if s.ls.ends == s.ls.failEnd {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	s.ls.envs = append(s.ls.envs, s.to)
	return nil
}

func (s *limitSession) Reset()        { s.to = nil }
func (s *limitSession) Logout() error { return nil }

// TestRecipientsSplitAt452AndNeverResent: 501 recipients; the server
// announces no limit and refuses the 101st recipient with 452: the message goes to the first
// 100, then to the next ones in a new transaction. The third part fails
// for now (451): the email waits, and its retry goes only to those who
// did not get it — nobody gets it twice.
func TestRecipientsSplitAt452AndNeverResent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, memIMAP(t), true)
	ls := newLimitServer(t)
	ls.failEnd = 3
	in := f.acc.Input()
	in.SMTPPort = ls.addr.Port
	if _, err := f.db.UpdateAccount(context.Background(), f.db.Admin.ID, f.acc.ID, in); err != nil {
		t.Fatal(err)
	}
	it, rcpts := manyRecipients(t, f, 500)
	s := f.sender(Options{MinBackoff: time.Minute})
	if st := f.drain(t, s); st.Retried != 1 {
		t.Fatalf("stats %+v", st)
	}
	got := f.item(t, it.ID)
	if got.State != data.OutQueued || !strings.Contains(got.LastError, "already given to 200 of its recipients") || !strings.Contains(got.LastError, "451") {
		t.Fatalf("after the failed part: %s %q", got.State, got.LastError)
	}
	f.advance(2 * time.Minute)
	if st := f.drain(t, s); st.Sent != 1 {
		t.Fatalf("stats %+v", st)
	}
	ls.mu.Lock()
	envs := ls.envs
	ls.mu.Unlock()
	if len(envs) != 6 {
		t.Errorf("%d messages accepted, want 6", len(envs))
	}
	checkOnce(t, envs, rcpts)
	if got := f.item(t, it.ID); got.State != data.OutSent {
		t.Fatalf("state %s (%s)", got.State, got.LastError)
	}
}
