package send

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"comptoir/data"
	"comptoir/data/mailq"
)

// sentBox is a logged-in IMAP session on an account, with its Sent folder.
type sentBox struct {
	c       *imapclient.Client
	raw     net.Conn
	timeout time.Duration
	folder  string
}

// deadline gives the next command Timeout to complete.
func (b *sentBox) deadline() { _ = b.raw.SetDeadline(time.Now().Add(b.timeout)) }

func (b *sentBox) close() {
	if b != nil && b.c != nil {
		_ = b.c.Logout().Wait()
		_ = b.c.Close()
	}
}

// sentNames are the usual names of a Sent folder, for a server that does
// not mark it with \Sent.
var sentNames = []string{"Sent", "Sent Items", "Sent Messages", "INBOX.Sent", "INBOX/Sent", "Envoyés", "Éléments envoyés"}

// openSent connects to the account's IMAP server (the same security rules
// as the sync: certificates verified, plaintext only to this computer),
// finds the Sent folder by its \Sent attribute (else by its usual names,
// else creates "Sent") and selects it.
func (s *Sender) openSent(ctx context.Context, acc data.Account) (*sentBox, error) {
	pass := ""
	if s.opt.Secrets != nil {
		p, err := s.opt.Secrets.Get(acc.IMAPSecretKey())
		if err != nil {
			return nil, err
		}
		pass = p
	}
	addr := net.JoinHostPort(acc.IMAPHost, strconv.Itoa(acc.IMAPPort))
	d := &net.Dialer{Timeout: s.opt.Timeout}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	_ = raw.SetDeadline(time.Now().Add(s.opt.Timeout))
	tlsConf := &tls.Config{}
	if s.opt.TLSConfig != nil {
		tlsConf = s.opt.TLSConfig.Clone()
	}
	if tlsConf.ServerName == "" {
		tlsConf.ServerName = acc.IMAPHost
	}
	tlsConf.MinVersion = tls.VersionTLS12
	var c *imapclient.Client
	switch acc.IMAPSecurity {
	case data.SecurityTLS:
		tc := tls.Client(raw, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		c = imapclient.New(tc, nil)
	case data.SecurityStartTLS:
		c, err = imapclient.NewStartTLS(raw, &imapclient.Options{TLSConfig: tlsConf})
		if err != nil {
			raw.Close()
			return nil, err
		}
	case data.SecurityNone:
		if !data.IsLoopback(acc.IMAPHost) {
			raw.Close()
			return nil, errors.New("a connection without encryption is allowed only to this computer")
		}
		c = imapclient.New(raw, nil)
	default:
		raw.Close()
		return nil, fmt.Errorf("unknown IMAP security %q", acc.IMAPSecurity)
	}
	b := &sentBox{c: c, raw: raw, timeout: s.opt.Timeout}
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	if err := c.WaitGreeting(); err != nil {
		b.close()
		return nil, err
	}
	if err := c.Login(acc.Username, pass).Wait(); err != nil {
		b.close()
		return nil, fmt.Errorf("login: %w", err)
	}
	if b.folder, err = findSent(c); err != nil {
		b.close()
		return nil, err
	}
	if _, err := c.Select(b.folder, nil).Wait(); err != nil {
		b.close()
		return nil, fmt.Errorf("open %s: %w", b.folder, err)
	}
	return b, nil
}

// findSent names the Sent folder.
func findSent(c *imapclient.Client) (string, error) {
	var opts *imap.ListOptions
	if c.Caps().Has(imap.CapSpecialUse) {
		opts = &imap.ListOptions{ReturnSpecialUse: true}
	}
	list, err := c.List("", "*", opts).Collect()
	if err != nil {
		return "", fmt.Errorf("list folders: %w", err)
	}
	for _, m := range list {
		for _, a := range m.Attrs {
			if a == imap.MailboxAttrSent {
				return m.Mailbox, nil
			}
		}
	}
	for _, want := range sentNames {
		for _, m := range list {
			if strings.EqualFold(m.Mailbox, want) {
				return m.Mailbox, nil
			}
		}
	}
	opt := &imap.CreateOptions{}
	if c.Caps().Has(imap.CapCreateSpecialUse) {
		opt.SpecialUse = []imap.MailboxAttr{imap.MailboxAttrSent}
	}
	if err := c.Create("Sent", opt).Wait(); err != nil {
		return "", fmt.Errorf("no Sent folder, and it could not be created: %w", err)
	}
	return "Sent", nil
}

// has reports whether the Sent folder holds a message with this Message-ID
// (UID SEARCH HEADER Message-ID).
func (b *sentBox) has(messageID string) (bool, error) {
	b.deadline()
	res, err := b.c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "<" + messageID + ">"}}}, nil).Wait()
	if err != nil {
		return false, fmt.Errorf("search %s: %w", b.folder, err)
	}
	return len(res.AllUIDs()) > 0, nil
}

// appendCopy files the exact bytes, marked seen.
func (b *sentBox) appendCopy(raw []byte, date time.Time) error {
	b.deadline()
	cmd := b.c.Append(b.folder, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: date})
	if _, err := cmd.Write(raw); err != nil {
		_ = cmd.Close()
		return fmt.Errorf("append to %s: %w", b.folder, err)
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("append to %s: %w", b.folder, err)
	}
	if _, err := cmd.Wait(); err != nil {
		return fmt.Errorf("append to %s: %w", b.folder, err)
	}
	return nil
}

// checkUnknown looks for each unknown message in its account's Sent folder:
// found, it was sent; not found, a person decides. An account whose server
// cannot be reached is tried again at the next pass.
func (s *Sender) checkUnknown(ctx context.Context, st *Stats) error {
	unknown, err := s.q.UncheckedUnknown(ctx)
	if err != nil || len(unknown) == 0 {
		return err
	}
	boxes := s.sentBoxes()
	defer boxes.close()
	failed := map[int64]bool{}
	for _, o := range unknown {
		if failed[o.AccountID] {
			continue
		}
		b, err := boxes.get(ctx, o.AccountID)
		if err != nil {
			s.opt.Logger.Info("outbox: cannot look in Sent yet", "account", o.AccountID, "err", err)
			failed[o.AccountID] = true
			continue
		}
		found, err := b.has(o.MessageID)
		if err != nil {
			s.opt.Logger.Info("outbox: search in Sent failed", "id", o.ID, "err", err)
			failed[o.AccountID] = true
			continue
		}
		if found {
			st.FoundInSent++
		}
		if err := s.q.ResolveUnknown(ctx, o.ID, found); err != nil {
			return err
		}
	}
	return nil
}

// fileCopies appends each sent message to its account's Sent folder, once:
// the copy is claimed first, and a message already there (an append whose
// record was lost) is not appended again.
func (s *Sender) fileCopies(ctx context.Context, st *Stats) error {
	pending, err := s.q.PendingCopies(ctx)
	if err != nil || len(pending) == 0 {
		return err
	}
	boxes := s.sentBoxes()
	defer boxes.close()
	failed := map[int64]bool{}
	for _, o := range pending {
		if failed[o.AccountID] {
			continue
		}
		ok, err := s.q.ClaimCopy(ctx, o.ID)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		done, err := s.fileCopy(ctx, boxes, o)
		if err != nil {
			s.opt.Logger.Info("outbox: copy to Sent failed; tried again later", "id", o.ID, "err", err)
			failed[o.AccountID] = true
			boxes.drop(o.AccountID)
		}
		if done {
			st.Copied++
		}
		if err := s.q.CopyDone(context.WithoutCancel(ctx), o.ID, done); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sender) fileCopy(ctx context.Context, boxes *sentBoxes, o mailq.Outgoing) (bool, error) {
	b, err := boxes.get(ctx, o.AccountID)
	if err != nil {
		return false, err
	}
	if found, err := b.has(o.MessageID); err != nil {
		return false, err
	} else if found {
		return true, nil
	}
	raw, err := s.q.OutgoingRaw(ctx, o.ID)
	if err != nil {
		return false, err
	}
	if err := b.appendCopy(raw, s.st.Now()); err != nil {
		return false, err
	}
	return true, nil
}

// sentBoxes keeps one open Sent folder per account during a pass.
type sentBoxes struct {
	s     *Sender
	boxes map[int64]*sentBox
}

func (s *Sender) sentBoxes() *sentBoxes { return &sentBoxes{s: s, boxes: map[int64]*sentBox{}} }

// get returns the account's Sent folder, opening it the first time.
func (bs *sentBoxes) get(ctx context.Context, accountID int64) (*sentBox, error) {
	if b := bs.boxes[accountID]; b != nil {
		return b, nil
	}
	acc, err := bs.s.st.WorkerAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	b, err := bs.s.openSent(ctx, acc)
	if err != nil {
		return nil, err
	}
	bs.boxes[accountID] = b
	return b, nil
}

// drop closes an account's folder after a failure; the next get opens it anew.
func (bs *sentBoxes) drop(accountID int64) {
	if b := bs.boxes[accountID]; b != nil {
		b.close()
		delete(bs.boxes, accountID)
	}
}

func (bs *sentBoxes) close() {
	for _, b := range bs.boxes {
		b.close()
	}
}
