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
	"slices"
	"strconv"
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
	// BatchSize is how many messages one claim takes (32). They are handed
	// over one at a time, each one's fate durable before the next: a crash
	// leaves at most one whose fate is unknown, to be looked for in Sent.
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

// DrainOnce does one pass: messages left claimed by a crash are settled
// (sent if the server had accepted them, back in the queue if they were
// never reached, unknown for the one that may have been handed over),
// unknown ones are looked for in the Sent folder, every due message is sent
// (one connection per account), and copies are filed in Sent. A server that
// cannot be reached leaves the messages queued for later; the error
// returned is only about the database.
func (s *Sender) DrainOnce(ctx context.Context) (Stats, error) {
	var st Stats
	if err := s.abandonDeadClaims(ctx); err != nil {
		return st, err
	}
	if n, err := s.q.StaleSending(ctx, s.opt.StaleAfter); err != nil {
		return st, err
	} else if n.Total() > 0 {
		s.opt.Logger.Warn("outbox: messages claimed too long ago were settled", "sent", n.Sent, "unknown", n.Unknown, "queued", n.Queued)
	}
	if err := s.q.StaleCopies(ctx); err != nil {
		return st, err
	}
	if err := s.checkUnknown(ctx, &st); err != nil {
		return st, err
	}
	d := &drain{s: s, ctx: ctx, st: &st, conns: map[int64]*smtpConn{}, accounts: map[int64]*data.Account{}}
	defer d.closeAll()
	if err := d.run(); err != nil {
		return st, err
	}
	if ctx.Err() != nil {
		return st, ctx.Err()
	}
	if err := s.fileCopies(ctx, &st); err != nil {
		return st, err
	}
	return st, nil
}

// drain is one pass over the due emails.
//
// It reads them ahead, claims them by batches (a transaction that also
// records the results of the batch before) and hands them over one at a
// time, in the order of their ids (see data/mailq's sequence): before an
// email is handed over, the fate of the one before it is durable (Handover).
// A sender killed at any moment thus leaves at most one email whose fate is
// unknown; the emails it accepted are sent, and those it had not reached go
// back to the queue. To keep the pace, that small transaction runs while the
// next email's message is given (DATA): only its end waits for it. It starts
// once the server took the envelope (MAIL FROM, RCPT TO), so an email is
// taken for handed over as late as can be.
type drain struct {
	s        *Sender
	ctx      context.Context
	st       *Stats
	conns    map[int64]*smtpConn     // one SMTP session per account
	accounts map[int64]*data.Account // nil: deleted
	// marked are the batch's accepted emails, marked so (durable) but not
	// yet recorded sent; last is the result of the email just sent, not
	// yet durable.
	marked, last []mailq.SendResult
}

func (d *drain) closeAll() {
	for _, c := range d.conns {
		c.close()
	}
}

// dbCtx is the context of the database work: what was sent is recorded even
// when the pass is cancelled.
func (d *drain) dbCtx() context.Context { return context.WithoutCancel(d.ctx) }

// unrecorded is every result not recorded yet, in one slice.
func (d *drain) unrecorded() []mailq.SendResult {
	return append(slices.Clip(d.marked), d.last...)
}

func (d *drain) run() error {
	s := d.s
	for d.ctx.Err() == nil {
		ahead, err := s.q.DueEnvelopes(d.ctx, s.opt.BatchSize)
		if err != nil {
			return errors.Join(err, d.flush())
		}
		if len(ahead) == 0 {
			break
		}
		// Connect first: an email whose server cannot be reached now is
		// postponed, never claimed.
		var later []mailq.SendResult
		var ids []int64
		for _, e := range ahead {
			acc, err := d.account(e.AccountID)
			if err != nil {
				return errors.Join(err, d.flush())
			}
			if acc != nil {
				if c := d.conn(*acc); c.broken != nil {
					later = append(later, d.temp(*acc, e.ID, e.Attempts+1, c.broken)) // not claimed: this is its next attempt
					d.st.Retried++
					continue
				}
			}
			ids = append(ids, e.ID)
		}
		if len(later) > 0 {
			if err := s.q.Postpone(d.dbCtx(), later); err != nil {
				return errors.Join(err, d.flush())
			}
		}
		if len(ids) == 0 {
			continue
		}
		slices.Sort(ids)
		batch, err := s.q.RecordAndClaim(d.dbCtx(), d.unrecorded(), s.opt.Worker, ids)
		if err != nil {
			// rolled back: the results are recorded on their own
			return errors.Join(err, d.flush())
		}
		d.marked, d.last = nil, nil
		if err := d.batch(batch); err != nil {
			return err
		}
	}
	return d.flush()
}

// flush records every result not recorded yet.
func (d *drain) flush() error {
	rs := d.unrecorded()
	if len(rs) == 0 {
		return nil
	}
	err := d.s.q.RecordSent(d.dbCtx(), rs)
	d.marked, d.last = nil, nil
	return err
}

// batch hands over the claimed emails, in order.
func (d *drain) batch(batch []mailq.Outgoing) error {
	s := d.s
	// from is the ids of the claims from the i-th on; release gives them
	// back, never handed over.
	from := func(i int) []int64 {
		ids := make([]int64, 0, len(batch)-i)
		for _, o := range batch[i:] {
			ids = append(ids, o.ID)
		}
		return ids
	}
	release := func(i int) error { return s.q.Release(d.dbCtx(), s.opt.Worker, from(i)) }
	renewed := s.st.Now() // the claim's time
	for i, o := range batch {
		if d.ctx.Err() != nil {
			return errors.Join(d.flush(), release(i))
		}
		if now := s.st.Now(); now.Sub(renewed) > s.opt.StaleAfter/3 {
			// a slow server: the claims still ahead must not look stale
			if _, err := s.q.Renew(d.dbCtx(), s.opt.Worker, from(i)); err != nil {
				return errors.Join(err, d.flush(), release(i))
			}
			renewed = now
		}
		acc, err := d.account(o.AccountID) // read ahead, unless a person changed it since
		if err != nil {
			return errors.Join(err, d.flush(), release(i))
		}
		var c *smtpConn
		if acc != nil {
			c = d.conn(*acc)
		}
		usable := c != nil && c.broken == nil
		var env envelope
		if usable {
			env = c.envelope(o.From, o.Recipients, s.opt.Timeout)
		}
		// Once its envelope is given, the email is being handed over: the
		// fate of the one before becomes durable, and this one's claim is
		// renewed, while its message is given — before it ends (gate).
		var h *handover
		if i > 0 {
			h = d.handover(d.last, o.ID)
		}
		var r mailq.SendResult
		switch {
		case acc == nil:
			r = mailq.SendResult{ID: o.ID, State: data.OutFailed, Error: "the mail account of this email was deleted"}
		case !usable:
			// its server failed since the batch was claimed: wait for the backoff
			r = d.temp(*acc, o.ID, o.Attempts, c.broken)
		default:
			r = d.deliver(c, *acc, o, env, h.gate)
		}
		if h != nil {
			ok, err := h.wait()
			if err != nil {
				return errors.Join(err, d.flush(), release(i))
			}
			for _, r := range d.last {
				if r.State == data.OutSent {
					d.marked = append(d.marked, r)
				}
			}
			d.last = nil
			if !ok {
				// no longer this sender's: it was not handed over
				if usable {
					c.reset()
				}
				continue
			}
		}
		switch r.State {
		case data.OutSent:
			d.st.Sent++
		case data.OutQueued:
			d.st.Retried++
		case data.OutFailed:
			d.st.Failed++
		case data.OutUnknown:
			d.st.Unknown++
		}
		d.last = []mailq.SendResult{r}
	}
	return nil
}

// handover is a Handover running while an email is given.
type handover struct {
	done chan struct{}
	ok   bool
	err  error
}

// errNotOurs stops a message that must not end: its claim was taken back.
var errNotOurs = errors.New("this email is no longer this sender's to send")

// handover starts the Handover of the email next, with the results before
// it.
func (d *drain) handover(results []mailq.SendResult, next int64) *handover {
	h := &handover{done: make(chan struct{})}
	go func() {
		defer close(h.done)
		h.ok, h.err = d.s.q.Handover(d.dbCtx(), d.s.opt.Worker, results, next)
	}()
	return h
}

// wait waits for the transaction: ok false when the email is no longer
// this sender's.
func (h *handover) wait() (bool, error) {
	<-h.done
	return h.ok, h.err
}

// gate lets a message end once the Handover is durable; nil (no Handover:
// the first email of a batch, whose claim was just committed) lets it
// through.
func (h *handover) gate() error {
	if h == nil {
		return nil
	}
	ok, err := h.wait()
	if err != nil {
		return err
	}
	if !ok {
		return errNotOurs
	}
	return nil
}

// account is an email's account, read once per pass (nil: deleted).
func (d *drain) account(id int64) (*data.Account, error) {
	if a, ok := d.accounts[id]; ok {
		return a, nil
	}
	a, err := d.s.st.WorkerAccount(d.ctx, id)
	if errors.Is(err, data.ErrNotFound) {
		d.accounts[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d.accounts[id] = &a
	return &a, nil
}

// conn is the account's SMTP session, connecting the first time (and again
// after a session was dropped). A server that cannot be reached is
// remembered for the rest of the pass.
func (d *drain) conn(acc data.Account) *smtpConn {
	if c := d.conns[acc.ID]; c != nil && (c.broken != nil || c.c != nil) {
		return c
	}
	c, err := d.s.dial(d.ctx, acc)
	if err != nil {
		d.s.opt.Logger.Info("outbox: cannot connect", "account", acc.Email, "err", err)
		c = &smtpConn{broken: err}
	}
	d.conns[acc.ID] = c
	return c
}

// temp is a temporary failure of an email's attempt, tried again after
// the backoff.
func (d *drain) temp(acc data.Account, id int64, attempts int, err error) mailq.SendResult {
	return mailq.SendResult{ID: id, State: data.OutQueued, Error: Explain(acc, err), RetryAt: d.s.st.Now().Add(d.s.backoff(attempts))}
}

// deliver gives the claimed email o to the server, whose SMTP transaction
// env began, and says what became of it. A server that takes fewer
// recipients per message than o has gets it in parts; each part delivered
// is recorded before the next one is handed over, so that nobody gets it
// twice, whatever happens next.
func (d *drain) deliver(c *smtpConn, acc data.Account, o mailq.Outgoing, env envelope, gate func() error) mailq.SendResult {
	s := d.s
	done := 0 // recipients of o given the message in this attempt
	for {
		out, err := env.outcome, env.err
		if err == nil {
			out, err = c.data(o.Raw, s.opt.Timeout, gate)
			gate = nil // the parts after the first were recorded before they began
		}
		if out == outSent {
			done += env.accepted
			if done == len(o.Recipients) {
				s.opt.Logger.Debug("outbox: sent", "id", o.ID, "message_id", o.MessageID)
				return mailq.SendResult{ID: o.ID, State: data.OutSent, NeedCopy: !acc.ServerSavesSent}
			}
			rest := o.Recipients[done:]
			if err := s.q.RecordPartial(d.dbCtx(), s.opt.Worker, o.ID, rest); err != nil {
				s.opt.Logger.Warn("outbox: cannot record a partial delivery", "id", o.ID, "err", err)
				return mailq.SendResult{ID: o.ID, State: data.OutUnknown,
					Error: fmt.Sprintf("given to %d of its recipients, but that could not be recorded (%v): check with them before sending it again", done, err)}
			}
			s.opt.Logger.Info("outbox: the server takes fewer recipients per message: sent in parts", "id", o.ID, "given", done, "left", len(rest))
			env = c.envelope(o.From, rest, s.opt.Timeout)
			continue
		}
		r := d.outcome(c, acc, o, out, err)
		if done > 0 && r.State != data.OutSent {
			r.Error = fmt.Sprintf("already given to %d of its recipients, who will not get it again; for the %d others: %s", done, len(o.Recipients)-done, r.Error)
		}
		return r
	}
}

// outcome turns a failed SMTP transaction into the email's result.
func (d *drain) outcome(c *smtpConn, acc data.Account, o mailq.Outgoing, out outcome, err error) mailq.SendResult {
	s := d.s
	switch out {
	case outPermanent:
		s.opt.Logger.Warn("outbox: refused", "id", o.ID, "err", err)
		return mailq.SendResult{ID: o.ID, State: data.OutFailed, Error: serverWords(err)}
	case outTemporary, outHeld:
		return d.temp(acc, o.ID, o.Attempts, err)
	default: // outUnknown: the connection broke after the whole message was given
		c.close()
		s.opt.Logger.Warn("outbox: no answer after the message was given", "id", o.ID, "err", err)
		return mailq.SendResult{ID: o.ID, State: data.OutUnknown,
			Error: "the connection broke after the message was given to the server: it may have been sent (" + err.Error() + ")"}
	}
}

// abandonDeadClaims settles the claims of processes that no longer run (the
// database is a local file: every sender runs on this machine): what may
// have been handed over becomes unknown, to be looked for in Sent before
// anything is sent again.
func (s *Sender) abandonDeadClaims(ctx context.Context) error {
	claims, err := s.q.SendingClaims(ctx)
	if err != nil || len(claims) == 0 {
		return err
	}
	dead := map[int64]string{}
	for id, w := range claims {
		var pid int
		if name, _ := mailq.Sequential(w); name == s.opt.Worker || w == s.opt.Worker || !strings.HasPrefix(w, "pid-") {
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
	n, err := s.q.AbandonClaims(ctx, dead)
	if err == nil {
		s.opt.Logger.Warn("outbox: emails left in sending by a stopped program were settled", "sent", n.Sent, "unknown", n.Unknown, "queued", n.Queued)
	}
	return err
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
	outHeld // not ended, on purpose: nothing was handed over
)

// smtpConn is one authenticated SMTP session, reused for every message of
// an account in a pass.
type smtpConn struct {
	c      *smtp.Client
	broken error // set when the server could not be reached in this pass
	// rcptMax is how many recipients the server takes per message: what it
	// advertised (LIMITS RCPTMAX, RFC 9422) or what it took before it said
	// 452 (RFC 5321, 4.5.3.1.10); 0 while no limit is known.
	rcptMax int
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
	return &smtpConn{c: sc, rcptMax: rcptMax(sc)}, nil
}

// rcptMax is the limit of recipients per message the server advertises
// (EHLO LIMITS RCPTMAX=n, RFC 9422), or 0.
func rcptMax(c *smtp.Client) int {
	ok, params := c.Extension("LIMITS")
	if !ok {
		return 0
	}
	for _, p := range strings.Fields(params) {
		if k, v, ok := strings.Cut(p, "="); ok && strings.EqualFold(k, "RCPTMAX") {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
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

// envelope is the beginning of an SMTP transaction: how many of the
// recipients asked the server took (the first ones), or why it failed.
type envelope struct {
	accepted int
	outcome  outcome // when err is set
	err      error
}

// classify sorts a server's refusal: temporary (4xx, or no reply at all:
// nothing was handed over) or permanent (5xx).
func classify(err error) outcome {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return outPermanent
	}
	return outTemporary
}

// tooManyRecipients reports whether a refused RCPT TO says the message
// has as many recipients as the server takes: 452 (RFC 5321, 4.5.3.1.10)
// or an enhanced status x.5.3.
func tooManyRecipients(err error) bool {
	var te *textproto.Error
	if !errors.As(err, &te) {
		return false
	}
	return te.Code == 452 || strings.HasPrefix(te.Msg, "4.5.3") || strings.HasPrefix(te.Msg, "5.5.3")
}

// envelope begins an SMTP transaction: MAIL FROM, then RCPT TO for as many
// of rcpts as the server takes in one message (all when it states no
// limit). A server that refuses a recipient as one too many after it took
// some gets the message for those; the others go in a later transaction.
// Any other refusal of a recipient ends the transaction (RSET).
func (c *smtpConn) envelope(from string, rcpts []string, timeout time.Duration) envelope {
	if c.c == nil {
		return envelope{outcome: outTemporary, err: errors.New("the connection to the server was closed")}
	}
	if err := c.c.UpdateDeadline(timeout); err != nil {
		return envelope{outcome: outTemporary, err: err}
	}
	if err := c.c.Mail(from); err != nil {
		c.abort(err)
		return envelope{outcome: classify(err), err: err}
	}
	n := len(rcpts)
	if c.rcptMax > 0 {
		n = min(n, c.rcptMax)
	}
	for i, r := range rcpts[:n] {
		if err := c.c.Rcpt(r); err != nil {
			if i > 0 && tooManyRecipients(err) {
				c.rcptMax = i
				return envelope{accepted: i}
			}
			c.abort(err)
			return envelope{outcome: classify(err), err: fmt.Errorf("%s: %w", r, err)}
		}
	}
	return envelope{accepted: n}
}

// data gives the message of the transaction envelope began: the stored
// bytes, unchanged. gate (if not nil) is waited for before the message
// ends: if it fails, the connection is dropped instead, which discards the
// message (outHeld).
func (c *smtpConn) data(raw []byte, timeout time.Duration, gate func() error) (outcome, error) {
	if err := c.c.UpdateDeadline(timeout); err != nil {
		return outTemporary, err
	}
	w, err := c.c.Data()
	if err != nil {
		c.abort(err)
		return classify(err), err
	}
	if _, err := w.Write(raw); err != nil {
		// the message did not end: the server cannot have taken it
		c.close()
		return outTemporary, err
	}
	if gate != nil {
		if err := gate(); err != nil {
			c.close()
			return outHeld, err
		}
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

// reset ends a transaction that envelope began and that will not be
// sent.
func (c *smtpConn) reset() {
	if c.c != nil {
		c.abort(nil)
	}
}

// abort ends the transaction after a refusal (RSET). After an error that is
// not a reply (the connection broke), or when RSET fails, the session is
// closed: the next email connects again.
func (c *smtpConn) abort(err error) {
	var te *textproto.Error
	if err != nil && !errors.As(err, &te) {
		c.close()
		return
	}
	if rerr := c.c.Reset(); rerr != nil {
		c.close()
	}
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
