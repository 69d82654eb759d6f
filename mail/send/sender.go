package send

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/textproto"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"comptoir/data"
	"comptoir/data/mailq"
	"comptoir/mail/secret"
)

// Options tune a Sender. Zero values take the defaults noted.
type Options struct {
	// Secrets holds the accounts' passwords (required to authenticate; an
	// account with no saved password sends without AUTH).
	Secrets secret.Store
	// TLSConfig is a base TLS configuration (tests add their own authority).
	// Certificates are always verified.
	TLSConfig *tls.Config
	// Worker names this sender in the claims: by default "pid-PID-RANDOM",
	// so that a claim left by a process that is gone (a crash) is seen at
	// once rather than after StaleAfter.
	Worker string
	// BatchSize is how many messages one claim takes (32). A crash leaves at
	// most twice that many in "sending", to be looked for in Sent.
	BatchSize int
	// MinBackoff and MaxBackoff bound the wait after a temporary failure
	// (1 min, doubling, up to 1 h).
	MinBackoff, MaxBackoff time.Duration
	// StaleAfter is how long a message may stay claimed before it is taken
	// for the leftover of a crash and becomes unknown (10 min, far above
	// Timeout).
	StaleAfter time.Duration
	// Timeout bounds connecting and each message's exchange (2 min).
	Timeout time.Duration
	// PollInterval is how often Run looks at the outbox when nothing wakes
	// it (1 min).
	PollInterval time.Duration
	// Logger receives progress and errors (slog.Default()).
	Logger *slog.Logger
}

// Sender delivers the outbox of one store.
type Sender struct {
	st   *data.Store
	q    *mailq.Queue // the outbox's worker side
	opt  Options
	kick chan struct{}
}

// New makes a Sender of the store's outbox (it builds the store's mail
// queue: mail/send is the only package that sees it). Check makes one with
// no store, to dial.
func New(st *data.Store, opt Options) *Sender {
	if opt.Worker == "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		opt.Worker = fmt.Sprintf("pid-%d-%s", os.Getpid(), hex.EncodeToString(b))
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 32
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = time.Minute
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = time.Hour
	}
	if opt.StaleAfter <= 0 {
		opt.StaleAfter = 10 * time.Minute
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 2 * time.Minute
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = time.Minute
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Sender{st: st, opt: opt, kick: make(chan struct{}, 1)}
	if st != nil {
		s.q = mailq.New(st)
	}
	return s
}

// Kick makes Run look at the outbox now (a message was queued, the network
// came back).
func (s *Sender) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Stats counts what a pass did.
type Stats struct {
	Sent, Retried, Failed, Unknown int
	Copied                         int // copies appended to Sent
	FoundInSent                    int // unknown messages found in Sent
}

// Run drains the outbox until ctx ends: at once, then whenever Kick is
// called, a message becomes due or PollInterval passes.
func (s *Sender) Run(ctx context.Context) error {
	for {
		if _, err := s.DrainOnce(ctx); err != nil && ctx.Err() == nil {
			s.opt.Logger.Warn("outbox", "err", err)
		}
		wait := s.opt.PollInterval
		if next, err := s.q.NextDue(ctx); err == nil && !next.IsZero() {
			if d := time.Until(next); d < wait {
				wait = max(d, time.Second)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-s.kick:
		case <-t.C:
		}
		t.Stop()
	}
}

// DrainOnce does one pass: messages left claimed by a crash become
// unknown, unknown ones are looked for in the Sent folder, every due message
// is sent (one connection per account), and copies are filed in Sent. A
// server that cannot be reached leaves the messages queued for later; the
// error returned is only about the database.
func (s *Sender) DrainOnce(ctx context.Context) (Stats, error) {
	var st Stats
	if err := s.abandonDeadClaims(ctx); err != nil {
		return st, err
	}
	if n, err := s.q.StaleSending(ctx, s.opt.StaleAfter); err != nil {
		return st, err
	} else if n > 0 {
		s.opt.Logger.Warn("outbox: messages left in sending by a stopped sender are now unknown", "count", n)
	}
	if err := s.q.StaleCopies(ctx); err != nil {
		return st, err
	}
	if err := s.checkUnknown(ctx, &st); err != nil {
		return st, err
	}
	conns := map[int64]*smtpConn{}
	defer func() {
		for _, c := range conns {
			c.close()
		}
	}()
	// The database work overlaps the network: while a batch is sent, the
	// next one is already claimed; between two batches one transaction
	// records the results of the batch just sent and claims the one after
	// the next.
	type claim struct {
		out []mailq.Outgoing
		err error
	}
	// step records results (nil: none) and claims the next batch, in the
	// background. Results are recorded even when ctx was cancelled: what was
	// sent is sent.
	step := func(results []mailq.SendResult) chan claim {
		ch := make(chan claim, 1)
		go func() {
			dbCtx := context.WithoutCancel(ctx)
			limit := s.opt.BatchSize
			if ctx.Err() != nil {
				limit = 0
			}
			var out []mailq.Outgoing
			var err error
			if limit == 0 {
				if len(results) > 0 {
					err = s.q.RecordSent(dbCtx, results)
				}
			} else {
				out, err = s.q.RecordAndClaim(dbCtx, results, s.opt.Worker, limit)
			}
			ch <- claim{out: out, err: err}
		}()
		return ch
	}
	accounts := map[int64]data.Account{}
	sendBatch := func(batch []mailq.Outgoing) []mailq.SendResult {
		results := make([]mailq.SendResult, 0, len(batch))
		for _, o := range batch {
			acc, ok := accounts[o.AccountID]
			if !ok {
				a, err := s.st.WorkerAccount(ctx, o.AccountID)
				if err != nil {
					results = append(results, mailq.SendResult{ID: o.ID, State: data.OutFailed, Error: "the mail account of this email was deleted"})
					continue
				}
				acc, accounts[o.AccountID] = a, a
			}
			r := s.sendOne(ctx, conns, acc, o)
			switch r.State {
			case data.OutSent:
				st.Sent++
			case data.OutQueued:
				st.Retried++
			case data.OutFailed:
				st.Failed++
			case data.OutUnknown:
				st.Unknown++
			}
			results = append(results, r)
		}
		return results
	}
	first := <-step(nil)
	if first.err != nil {
		return st, first.err
	}
	cur := first.out
	pending := step(nil)
	var inflight []mailq.SendResult // what pending records
	for {
		if len(cur) == 0 {
			// the last step recorded the last results; it may have found
			// emails that became due meanwhile
			c := <-pending
			if c.err != nil {
				return st, c.err
			}
			if len(c.out) == 0 {
				break
			}
			cur, pending, inflight = c.out, step(nil), nil
			continue
		}
		results := sendBatch(cur)
		c := <-pending
		if c.err != nil {
			// that transaction was rolled back: record its results and these
			// on their own
			if err := s.q.RecordSent(context.WithoutCancel(ctx), append(inflight, results...)); err != nil {
				return st, errors.Join(c.err, err)
			}
			return st, c.err
		}
		pending, inflight = step(results), results
		cur = c.out
	}
	if ctx.Err() != nil {
		return st, ctx.Err()
	}
	if err := s.fileCopies(ctx, &st); err != nil {
		return st, err
	}
	return st, nil
}

// abandonDeadClaims turns the claims of processes that no longer run (the
// database is a local file: every sender runs on this machine) into
// unknown, to be looked for in Sent before anything is sent again.
func (s *Sender) abandonDeadClaims(ctx context.Context) error {
	claims, err := s.q.SendingClaims(ctx)
	if err != nil || len(claims) == 0 {
		return err
	}
	dead := map[int64]string{}
	for id, w := range claims {
		var pid int
		if w == s.opt.Worker || !strings.HasPrefix(w, "pid-") {
			continue
		}
		if _, err := fmt.Sscanf(w, "pid-%d-", &pid); err != nil || pid <= 0 {
			continue
		}
		if !processAlive(pid) {
			dead[id] = w
		}
	}
	if len(dead) == 0 {
		return nil
	}
	s.opt.Logger.Warn("outbox: emails left in sending by a stopped program are now unknown", "count", len(dead))
	return s.q.AbandonClaims(ctx, dead)
}

// processAlive reports whether a process with this id runs.
func processAlive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	if runtime.GOOS == "windows" {
		return true // FindProcess fails there for a process that is gone
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EPERM)
}

// backoff is the wait before attempt n+1.
func (s *Sender) backoff(attempts int) time.Duration {
	d := s.opt.MinBackoff
	for i := 1; i < attempts && d < s.opt.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.opt.MaxBackoff)
}

// sendOne transmits one claimed message and says what became of it.
func (s *Sender) sendOne(ctx context.Context, conns map[int64]*smtpConn, acc data.Account, o mailq.Outgoing) mailq.SendResult {
	temp := func(err error) mailq.SendResult {
		return mailq.SendResult{ID: o.ID, State: data.OutQueued, Error: Explain(acc, err), RetryAt: s.st.Now().Add(s.backoff(o.Attempts))}
	}
	if ctx.Err() != nil {
		return temp(ctx.Err())
	}
	c := conns[acc.ID]
	if c != nil && c.broken != nil {
		// the account's server failed earlier in this pass: wait for the backoff
		return temp(c.broken)
	}
	if c == nil {
		var err error
		c, err = s.dial(ctx, acc)
		if err != nil {
			conns[acc.ID] = &smtpConn{broken: err}
			s.opt.Logger.Info("outbox: cannot connect", "account", acc.Email, "err", err)
			return temp(err)
		}
		conns[acc.ID] = c
	}
	outcome, err := c.send(o.From, o.Recipients, o.Raw, s.opt.Timeout)
	switch outcome {
	case outSent:
		s.opt.Logger.Debug("outbox: sent", "id", o.ID, "message_id", o.MessageID)
		return mailq.SendResult{ID: o.ID, State: data.OutSent, NeedCopy: !acc.ServerSavesSent}
	case outPermanent:
		s.opt.Logger.Warn("outbox: refused", "id", o.ID, "err", err)
		return mailq.SendResult{ID: o.ID, State: data.OutFailed, Error: serverWords(err)}
	case outTemporary:
		return temp(err)
	default: // outUnknown: the connection broke after the whole message was given
		c.close()
		delete(conns, acc.ID)
		s.opt.Logger.Warn("outbox: no answer after the message was given", "id", o.ID, "err", err)
		return mailq.SendResult{ID: o.ID, State: data.OutUnknown,
			Error: "the connection broke after the message was given to the server: it may have been sent (" + err.Error() + ")"}
	}
}

// serverWords is the server's reply, as it said it.
func serverWords(err error) string {
	var te *textproto.Error
	if errors.As(err, &te) {
		return fmt.Sprintf("%d %s", te.Code, te.Msg)
	}
	return err.Error()
}

type outcome int

const (
	outSent outcome = iota
	outTemporary
	outPermanent
	outUnknown
)

// smtpConn is one authenticated SMTP session, reused for every message of
// an account in a pass.
type smtpConn struct {
	c      *smtp.Client
	broken error // set when the server could not be reached in this pass
}

func (c *smtpConn) close() {
	if c == nil || c.c == nil {
		return
	}
	_ = c.c.Quit()
	_ = c.c.Close()
	c.c = nil
}

// dial connects to the account's SMTP server with go-mail: implicit TLS
// (tls, port 465), STARTTLS required (starttls, 587; never opportunistic),
// or plaintext only to this computer. Certificates are verified.
func (s *Sender) dial(ctx context.Context, acc data.Account) (*smtpConn, error) {
	if acc.SMTPHost == "" {
		return nil, errors.New("the account has no SMTP server")
	}
	tlsConf := &tls.Config{}
	if s.opt.TLSConfig != nil {
		tlsConf = s.opt.TLSConfig.Clone()
	}
	if tlsConf.ServerName == "" {
		tlsConf.ServerName = acc.SMTPHost
	}
	tlsConf.MinVersion = tls.VersionTLS12
	tlsConf.InsecureSkipVerify = false
	opts := []mail.Option{mail.WithPort(acc.SMTPPort), mail.WithTimeout(s.opt.Timeout), mail.WithHELO("localhost"),
		mail.WithTLSConfig(tlsConf)}
	encrypted := true
	switch acc.SMTPSecurity {
	case data.SecurityTLS:
		opts = append(opts, mail.WithSSL())
	case data.SecurityStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case data.SecurityNone:
		if !data.IsLoopback(acc.SMTPHost) {
			return nil, errors.New("a connection without encryption is allowed only to this computer")
		}
		encrypted = false
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, fmt.Errorf("unknown SMTP security %q", acc.SMTPSecurity)
	}
	user := acc.SMTPUsername
	if user == "" {
		user = acc.Username
	}
	pass, explicit, err := s.password(acc)
	if err != nil {
		return nil, err
	}
	connect := func(withAuth bool) (*smtp.Client, error) {
		o := opts
		if withAuth {
			auth := mail.SMTPAuthAutoDiscover
			if !encrypted {
				auth = mail.SMTPAuthPlain // loopback only; go-mail allows PLAIN in clear to localhost alone
			}
			o = append(o[:len(o):len(o)], mail.WithSMTPAuth(auth), mail.WithUsername(user), mail.WithPassword(pass))
		}
		client, err := mail.NewClient(acc.SMTPHost, o...)
		if err != nil {
			return nil, err
		}
		return client.DialToSMTPClientWithContext(ctx)
	}
	sc, err := connect(pass != "")
	if err != nil && pass != "" && !explicit && strings.Contains(err.Error(), "does not support SMTP AUTH") {
		// the IMAP password was only a guess; this server takes mail without AUTH
		sc, err = connect(false)
	}
	if err != nil {
		return nil, err
	}
	return &smtpConn{c: sc}, nil
}

// password reads the SMTP password (explicit), or else the IMAP one (most
// providers use the same); "" when neither is saved.
func (s *Sender) password(acc data.Account) (pass string, explicit bool, err error) {
	if s.opt.Secrets == nil {
		return "", false, nil
	}
	p, err := s.opt.Secrets.Get(acc.SMTPSecretKey())
	if err == nil {
		return p, true, nil
	}
	if !errors.Is(err, secret.ErrNotFound) {
		return "", false, err
	}
	p, err = s.opt.Secrets.Get(acc.IMAPSecretKey())
	if errors.Is(err, secret.ErrNotFound) {
		return "", false, nil
	}
	return p, false, err
}

// send runs one SMTP transaction with the stored bytes, unchanged.
func (c *smtpConn) send(from string, rcpts []string, raw []byte, timeout time.Duration) (outcome, error) {
	if err := c.c.UpdateDeadline(timeout); err != nil {
		return outTemporary, err
	}
	classify := func(err error) outcome {
		var te *textproto.Error
		if errors.As(err, &te) {
			if te.Code >= 500 {
				return outPermanent
			}
			return outTemporary
		}
		return outTemporary
	}
	reset := func() { _ = c.c.Reset() }
	if err := c.c.Mail(from); err != nil {
		reset()
		return classify(err), err
	}
	for _, r := range rcpts {
		if err := c.c.Rcpt(r); err != nil {
			reset()
			return classify(err), fmt.Errorf("%s: %w", r, err)
		}
	}
	w, err := c.c.Data()
	if err != nil {
		reset()
		return classify(err), err
	}
	if _, err := w.Write(raw); err != nil {
		// the message did not end: the server cannot have taken it
		c.close()
		return outTemporary, err
	}
	if err := w.Close(); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) {
			return classify(err), err
		}
		return outUnknown, err
	}
	return outSent, nil
}

// Explain turns a sending error into plain words.
func Explain(acc data.Account, err error) string {
	if err == nil {
		return ""
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return "The server said: " + serverWords(err)
	}
	var cve *tls.CertificateVerificationError
	if errors.As(err, &cve) {
		return fmt.Sprintf("The certificate of %s was refused (%v): the connection may not be safe; nothing was sent.", acc.SMTPHost, cve.Err)
	}
	msg := err.Error()
	if strings.Contains(msg, "connection refused") || strings.Contains(msg, "no such host") || strings.Contains(msg, "i/o timeout") {
		return fmt.Sprintf("Cannot reach %s:%d (no network, or the server is down): it will be retried. (%v)", acc.SMTPHost, acc.SMTPPort, err)
	}
	return msg
}
