// Package imapsync fetches client mail from IMAP servers into Comptoir.
//
// Each watched folder is opened read-only (EXAMINE) and bodies are fetched
// with BODY.PEEK[], so the app never marks a client's mail as read. Per
// folder the store keeps the UIDVALIDITY and the last UID done; a new folder
// (or one whose UIDVALIDITY changed) imports only the account's import
// window. Messages are fetched in batches (one FETCH at a time: pipelined
// FETCHes can deadlock go-imap against Dovecot), parsed by mail/parse, and
// handed to data.Store.Ingest, which routes them and moves the checkpoint in
// the same transaction. The next batch is fetched and parsed while the
// previous one is being stored.
//
// Run keeps every account in sync: IDLE where the server has it (stopped
// every few minutes for a NOOP, since a dead connection is otherwise never
// noticed), polling otherwise, reconnecting with jittered backoff, and
// recording plain-words errors on the account.
package imapsync

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"comptoir/data"
	"comptoir/mail/parse"
	"comptoir/mail/secret"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Options tune a Syncer. Zero values take the defaults noted.
type Options struct {
	// Secrets holds the accounts' passwords (required).
	Secrets secret.Store
	// TLSConfig is a base TLS configuration (tests add their own
	// certificate authority). Certificates are always verified.
	TLSConfig *tls.Config
	// BatchSize is the number of messages per FETCH and per transaction
	// (default 500); BatchBytes caps a batch's total size (default 32 MB).
	BatchSize  int
	BatchBytes int64
	// PollInterval is how often a server without IDLE is polled (60 s).
	PollInterval time.Duration
	// IdleRestart is how long an IDLE lasts before a NOOP checks the
	// connection (4 min).
	IdleRestart time.Duration
	// MinBackoff and MaxBackoff bound the jittered wait between failed
	// attempts (2 s and 5 min).
	MinBackoff, MaxBackoff time.Duration
	// DialTimeout bounds connecting and logging in (20 s); ReadTimeout is
	// the longest silence accepted from a server (the longer of IdleRestart
	// and PollInterval, plus one minute).
	DialTimeout, ReadTimeout time.Duration
	// NetworkCheck is how often Run looks at the network interfaces to
	// retry at once when the network comes back (3 s).
	NetworkCheck time.Duration
	// Logger receives progress and errors (slog.Default()).
	Logger *slog.Logger
	// BeforeCommit, when set, runs after a batch is fetched and parsed and
	// before it is stored. An error stops the sync there, as a crash would:
	// tests use it to prove nothing is lost or duplicated.
	BeforeCommit func(ctx context.Context, acc data.Account, folder string, uids []uint32) error
}

// Stats counts what a sync did.
type Stats struct {
	Folders    int
	Fetched    int
	Bytes      int64
	Stored     int
	Duplicates int
	NewDeals   int
	// StoreTime is the time spent in data.Store.Ingest (routing and
	// writing), FetchTime the time spent fetching and parsing.
	StoreTime, FetchTime time.Duration
}

func (s *Stats) add(o Stats) {
	s.Folders += o.Folders
	s.Fetched += o.Fetched
	s.Bytes += o.Bytes
	s.Stored += o.Stored
	s.Duplicates += o.Duplicates
	s.NewDeals += o.NewDeals
	s.StoreTime += o.StoreTime
	s.FetchTime += o.FetchTime
}

// Syncer syncs the mail accounts of one store.
type Syncer struct {
	st  *data.Store
	opt Options
	// kicks holds one wake-up channel per running account loop.
	kickMu sync.Mutex
	kicks  map[chan struct{}]bool
	// noIdle makes the sync poll even when the server has IDLE (tests).
	noIdle bool
	// netState fingerprints the network (tests replace it).
	netState func() string
	// reconnect asks Run to log every account in again (see Reconnect).
	reconnect chan struct{}
}

// New makes a Syncer.
func New(st *data.Store, opt Options) *Syncer {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 500
	}
	if opt.BatchBytes <= 0 {
		opt.BatchBytes = 32 << 20
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = time.Minute
	}
	if opt.IdleRestart <= 0 {
		opt.IdleRestart = 4 * time.Minute
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = 2 * time.Second
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 5 * time.Minute
	}
	if opt.DialTimeout <= 0 {
		opt.DialTimeout = 20 * time.Second
	}
	if opt.ReadTimeout <= 0 {
		opt.ReadTimeout = max(opt.IdleRestart, opt.PollInterval) + time.Minute
	}
	if opt.NetworkCheck <= 0 {
		opt.NetworkCheck = 3 * time.Second
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Syncer{st: st, opt: opt, kicks: map[chan struct{}]bool{}, netState: netAddresses, reconnect: make(chan struct{}, 1)}
}

// Kick makes every waiting account retry or poll at once (the network came
// back, the person pressed "sync now").
func (s *Syncer) Kick() {
	s.kickMu.Lock()
	defer s.kickMu.Unlock()
	for ch := range s.kicks {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Reconnect makes Run log every account in again at once, with the
// passwords stored now: a connection that is up stays logged in with the
// password it started with.
func (s *Syncer) Reconnect() {
	select {
	case s.reconnect <- struct{}{}:
	default:
	}
}

// kickChan registers a wake-up channel for one account loop.
func (s *Syncer) kickChan() (ch chan struct{}, release func()) {
	ch = make(chan struct{}, 1)
	s.kickMu.Lock()
	s.kicks[ch] = true
	s.kickMu.Unlock()
	return ch, func() {
		s.kickMu.Lock()
		delete(s.kicks, ch)
		s.kickMu.Unlock()
	}
}

// SyncOnce runs one full sync of every active account and records each
// account's status. The error joins the accounts' errors.
func (s *Syncer) SyncOnce(ctx context.Context) (Stats, error) {
	accs, err := s.st.WorkerAccounts(ctx)
	if err != nil {
		return Stats{}, err
	}
	var total Stats
	var errs []error
	for _, acc := range accs {
		if !acc.Active {
			continue
		}
		st, err := s.SyncAccount(ctx, acc)
		total.add(st)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s", acc.Email, Explain(acc, err)))
		}
	}
	return total, errors.Join(errs...)
}

// SyncAccount connects to one account, syncs its folders, logs out and
// records the outcome on the account.
func (s *Syncer) SyncAccount(ctx context.Context, acc data.Account) (st Stats, err error) {
	defer recoverErr(&err)
	ss, err := s.connect(ctx, acc)
	if err != nil {
		s.record(ctx, acc, err)
		return Stats{}, err
	}
	defer ss.close()
	st, err = s.syncFolders(ctx, ss)
	if err == nil {
		_ = ss.c.Logout().Wait()
	}
	s.record(ctx, acc, err)
	return st, err
}

// record stores the outcome of an attempt on the account.
func (s *Syncer) record(ctx context.Context, acc data.Account, err error) {
	if ctx.Err() != nil {
		return // stopping is not a failure of the account
	}
	status, msg := data.AccountOK, ""
	if err != nil {
		status, msg = data.AccountError, Explain(acc, err)
		s.opt.Logger.Warn("mail sync failed", "account", acc.Email, "error", err)
	}
	if rerr := s.st.SetAccountStatus(context.WithoutCancel(ctx), acc.ID, status, msg); rerr != nil {
		s.opt.Logger.Error("record account status", "account", acc.Email, "error", rerr)
	}
}

func (s *Syncer) syncFolders(ctx context.Context, ss *session) (Stats, error) {
	stop := context.AfterFunc(ctx, ss.close)
	defer stop()
	var total Stats
	for _, f := range ss.acc.Folders {
		st, err := s.syncFolder(ctx, ss, f)
		total.add(st)
		if err != nil {
			if ctx.Err() != nil {
				return total, ctx.Err()
			}
			return total, err
		}
	}
	return total, nil
}

// batch is fetched and parsed messages waiting to be stored.
type batch struct {
	msgs    []data.Incoming
	uids    []uint32
	lastUID uint32
	bytes   int64
	took    time.Duration
}

// syncFolder brings one folder up to date.
func (s *Syncer) syncFolder(ctx context.Context, ss *session, folder string) (Stats, error) {
	stats := Stats{Folders: 1}
	acc := ss.acc
	sel, err := ss.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) {
			return stats, folderError{folder: folder, err: err}
		}
		return stats, err
	}
	cp, known, err := s.st.FolderState(ctx, acc.ID, folder)
	if err != nil {
		return stats, err
	}
	top := uint32(0)
	if sel.UIDNext > 0 {
		top = uint32(sel.UIDNext) - 1
	}
	var uids []uint32
	after := uint32(0)
	switch {
	case !known || cp.UIDValidity != sel.UIDValidity:
		// A new folder, or the server renumbered it: import the window
		// again (reaching back to the last sync if that is older); the
		// Message-ID dedupe makes the overlap harmless.
		since := time.Now().AddDate(0, 0, -acc.ImportDays)
		if known && !cp.SyncedAt.IsZero() && cp.SyncedAt.Add(-24*time.Hour).Before(since) {
			since = cp.SyncedAt.Add(-24 * time.Hour)
		}
		if known {
			s.opt.Logger.Info("folder renumbered: starting it again", "account", acc.Email, "folder", folder,
				"old_uidvalidity", cp.UIDValidity, "uidvalidity", sel.UIDValidity)
		}
		if sel.NumMessages > 0 {
			uids, err = s.search(ss, &imap.SearchCriteria{Since: since})
			if err != nil {
				return stats, err
			}
		}
	default:
		after = cp.LastUID
		if sel.NumMessages == 0 || (top > 0 && top <= cp.LastUID) {
			return stats, nil // nothing new: no search, no write
		}
		var set imap.UIDSet
		set.AddRange(imap.UID(cp.LastUID+1), 0)
		uids, err = s.search(ss, &imap.SearchCriteria{UID: []imap.UIDSet{set}})
		if err != nil {
			return stats, err
		}
	}
	// UID SEARCH n:* answers the highest UID even when it is below n.
	uids = slices.DeleteFunc(uids, func(u uint32) bool { return u <= after })
	slices.Sort(uids)
	if top == 0 && len(uids) > 0 {
		top = uids[len(uids)-1]
	}

	if len(uids) > 0 {
		st, err := s.fetchAndStore(ctx, ss, folder, sel.UIDValidity, uids)
		stats.add(st)
		stats.Folders = 1
		if err != nil {
			return stats, err
		}
	}
	// Move the checkpoint over what the window skipped, or set it for an
	// empty folder, so the next sync starts from here. Ingest already wrote
	// it up to the last message stored.
	fresh := !known || cp.UIDValidity != sel.UIDValidity
	written := after
	if len(uids) > 0 {
		written, fresh = uids[len(uids)-1], false
	}
	if final := max(top, written); fresh || final > written {
		if err := s.st.SetFolderState(ctx, acc.ID, folder, sel.UIDValidity, final); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

func (s *Syncer) search(ss *session, c *imap.SearchCriteria) ([]uint32, error) {
	res, err := ss.c.UIDSearch(c, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var out []uint32
	for _, u := range res.AllUIDs() {
		out = append(out, uint32(u))
	}
	return out, nil
}

// fetchAndStore fetches uids in batches and stores each batch, fetching and
// parsing the next batch while the previous one is written.
func (s *Syncer) fetchAndStore(ctx context.Context, ss *session, folder string, uidValidity uint32, uids []uint32) (Stats, error) {
	var stats Stats
	sizes, err := s.sizes(ss, uids)
	if err != nil {
		return stats, err
	}
	// Plan batches by count and bytes. The first ones are small and grow
	// (32, 64, 128… messages), so that the writer starts at once instead of
	// waiting for a whole batch to be fetched and parsed.
	var plan [][]uint32
	var cur []uint32
	var curBytes int64
	limit := min(32, s.opt.BatchSize)
	for _, u := range uids {
		sz := sizes[u]
		if len(cur) > 0 && (len(cur) >= limit || curBytes+sz > s.opt.BatchBytes) {
			limit = min(2*limit, s.opt.BatchSize)
			plan = append(plan, cur)
			cur, curBytes = nil, 0
		}
		cur = append(cur, u)
		curBytes += sz
	}
	if len(cur) > 0 {
		plan = append(plan, cur)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *batch, 1)
	var fetchErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(batches)
		for _, p := range plan {
			t0 := time.Now()
			b, err := s.fetchBatch(ss, p)
			if err != nil {
				fetchErr = err
				return
			}
			b.took = time.Since(t0)
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	var storeErr error
	for b := range batches {
		if storeErr != nil {
			continue
		}
		stats.Fetched += len(b.msgs)
		stats.Bytes += b.bytes
		if s.opt.BeforeCommit != nil {
			if err := s.opt.BeforeCommit(ctx, ss.acc, folder, b.uids); err != nil {
				storeErr = err
				cancel()
				continue
			}
		}
		stats.FetchTime += b.took
		t0 := time.Now()
		res, err := s.st.Ingest(ctx, ss.acc.ID, folder, uidValidity, b.lastUID, b.msgs)
		stats.StoreTime += time.Since(t0)
		if err != nil {
			storeErr = err
			cancel()
			continue
		}
		stats.Stored += res.Stored
		stats.Duplicates += res.Duplicates
		stats.NewDeals += res.NewDeals
	}
	wg.Wait()
	if storeErr != nil {
		return stats, storeErr
	}
	if fetchErr != nil {
		return stats, fetchErr
	}
	if err := ctx.Err(); err != nil {
		return stats, err
	}
	s.opt.Logger.Info("mail fetched", "account", ss.acc.Email, "folder", folder, "messages", stats.Fetched,
		"stored", stats.Stored, "new_deals", stats.NewDeals)
	return stats, nil
}

// sizes asks the sizes of the messages, to plan batches.
func (s *Syncer) sizes(ss *session, uids []uint32) (map[uint32]int64, error) {
	out := make(map[uint32]int64, len(uids))
	cmd := ss.c.Fetch(uidSet(uids), &imap.FetchOptions{UID: true, RFC822Size: true})
	for {
		m := cmd.Next()
		if m == nil {
			break
		}
		var uid uint32
		var size int64
		for {
			it := m.Next()
			if it == nil {
				break
			}
			switch it := it.(type) {
			case imapclient.FetchItemDataUID:
				uid = uint32(it.UID)
			case imapclient.FetchItemDataRFC822Size:
				size = it.Size
			}
		}
		if uid != 0 {
			out[uid] = size
		}
	}
	if err := cmd.Close(); err != nil {
		return nil, fmt.Errorf("fetch sizes: %w", err)
	}
	return out, nil
}

func uidSet(uids []uint32) imap.UIDSet {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	return set
}

// fetchBatch fetches and parses one batch. Messages the server no longer has
// (expunged meanwhile) are simply absent; the checkpoint still covers them.
func (s *Syncer) fetchBatch(ss *session, uids []uint32) (*batch, error) {
	b := &batch{uids: uids, lastUID: uids[len(uids)-1]}
	section := &imap.FetchItemBodySection{Peek: true}
	cmd := ss.c.Fetch(uidSet(uids), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	popt := parse.Options{MaxSize: ss.acc.MaxSize}
	for {
		m := cmd.Next()
		if m == nil {
			break
		}
		var uid uint32
		var raw []byte
		var readErr error
		for {
			it := m.Next()
			if it == nil {
				break
			}
			switch it := it.(type) {
			case imapclient.FetchItemDataUID:
				uid = uint32(it.UID)
			case imapclient.FetchItemDataBodySection:
				if it.Literal != nil {
					raw, readErr = readLiteral(it.Literal)
				}
			}
		}
		if readErr != nil {
			_ = cmd.Close()
			return nil, fmt.Errorf("fetch uid %d: %w", uid, readErr)
		}
		if uid == 0 || raw == nil {
			continue
		}
		if _, ok := slices.BinarySearch(uids, uid); !ok {
			continue // unsolicited
		}
		b.bytes += int64(len(raw))
		in := data.Incoming{UID: uid, Email: parse.Parse(raw, popt)}
		in.Prepare() // here, while the previous batch is being written
		b.msgs = append(b.msgs, in)
	}
	if err := cmd.Close(); err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	return b, nil
}

// readLiteral reads a message into a buffer of the size the server
// announced (io.ReadAll would grow one by doubling, copying as it goes).
func readLiteral(l imap.LiteralReader) ([]byte, error) {
	n := l.Size()
	if n <= 0 || n > 1<<30 {
		return io.ReadAll(l)
	}
	buf := make([]byte, n)
	got, err := io.ReadFull(l, buf)
	if err == io.ErrUnexpectedEOF {
		return buf[:got], nil // shorter than announced: what came
	}
	if err != nil {
		return nil, err
	}
	// Longer than announced (a server's mistake): keep the rest too.
	rest, err := io.ReadAll(l)
	if err != nil {
		return nil, err
	}
	return append(buf, rest...), nil
}

// Run keeps every active account in sync until ctx ends: one loop per
// account, started for accounts added while it runs too. Extra workers
// (the outbox sender) are run beside it by the caller.
func (s *Syncer) Run(ctx context.Context) error {
	var mu sync.Mutex
	running := map[int64]context.CancelFunc{}
	var wg sync.WaitGroup
	refresh := func() {
		accs, err := s.st.WorkerAccounts(ctx)
		if err != nil {
			s.opt.Logger.Error("mail accounts", "error", err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		seen := map[int64]bool{}
		for _, a := range accs {
			if !a.Active {
				continue
			}
			seen[a.ID] = true
			if _, ok := running[a.ID]; ok {
				continue
			}
			actx, cancel := context.WithCancel(ctx)
			running[a.ID] = cancel
			wg.Add(1)
			go func(id int64) {
				defer wg.Done()
				s.runAccount(actx, id)
			}(a.ID)
		}
		for id, cancel := range running {
			if !seen[id] {
				cancel()
				delete(running, id)
			}
		}
	}
	changed := make(chan struct{}, 1)
	unsub := s.st.Subscribe(func(cs data.Changes) {
		if cs.Has(data.KindAccount, 0) {
			select {
			case changed <- struct{}{}:
			default:
			}
		}
	})
	defer unsub()
	refresh()
	netTick := time.NewTicker(s.opt.NetworkCheck)
	defer netTick.Stop()
	lastNet := s.netState()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-changed:
			refresh()
		case <-s.reconnect:
			mu.Lock()
			for id, cancel := range running {
				cancel()
				delete(running, id)
			}
			mu.Unlock()
			refresh()
		case <-netTick.C:
			// The network came back or changed (another Wi-Fi, a VPN):
			// every account retries at once instead of waiting its backoff.
			if now := s.netState(); now != lastNet {
				lastNet = now
				s.opt.Logger.Info("network changed: syncing now")
				s.Kick()
			}
		}
	}
}

// netAddresses fingerprints the machine's network: the addresses of its
// interfaces that are up, loopback excluded.
func netAddresses() string {
	ifs, err := net.Interfaces()
	if err != nil {
		return ""
	}
	var parts []string
	for _, i := range ifs {
		if i.Flags&net.FlagUp == 0 || i.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := i.Addrs()
		for _, a := range addrs {
			parts = append(parts, i.Name+"="+a.String())
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// runAccount is one account's loop: connect, sync, wait for news (IDLE or
// poll), sync again; on failure wait a jittered backoff and reconnect.
func (s *Syncer) runAccount(ctx context.Context, id int64) {
	kick, release := s.kickChan()
	defer release()
	failures := 0
	for ctx.Err() == nil {
		acc, err := s.st.WorkerAccount(ctx, id)
		if err != nil || !acc.Active {
			return // deleted or switched off
		}
		synced, err := s.session(ctx, acc, kick)
		if ctx.Err() != nil {
			return
		}
		if synced {
			failures = 0
		}
		if err == nil {
			continue // settings changed: reconnect at once
		}
		s.record(ctx, acc, err)
		failures++
		if !s.wait(ctx, s.backoff(failures), kick) {
			return
		}
	}
}

// session runs one connection until it fails, and says whether it synced
// at least once.
func (s *Syncer) session(ctx context.Context, acc data.Account, kick chan struct{}) (synced bool, err error) {
	defer recoverErr(&err)
	ss, err := s.connect(ctx, acc)
	if err != nil {
		return false, err
	}
	defer ss.close()
	stop := context.AfterFunc(ctx, ss.close)
	defer stop()
	for {
		if _, err := s.syncFolders(ctx, ss); err != nil {
			return synced, err
		}
		synced = true
		s.record(ctx, acc, nil)
		if ss.idle && !s.noIdle && len(acc.Folders) > 0 {
			if err := s.idleOnce(ctx, ss, acc.Folders[0], kick); err != nil {
				return synced, err
			}
		} else {
			if !s.wait(ctx, s.opt.PollInterval, kick) {
				return synced, ctx.Err()
			}
		}
		if err := ss.c.Noop().Wait(); err != nil {
			return synced, err
		}
		// Pick up settings changed meanwhile (folders, policy).
		fresh, err := s.st.WorkerAccount(ctx, acc.ID)
		if err != nil {
			return synced, err
		}
		if fresh.IMAPHost != acc.IMAPHost || fresh.IMAPPort != acc.IMAPPort || fresh.Username != acc.Username ||
			fresh.IMAPSecurity != acc.IMAPSecurity || !fresh.Active {
			return synced, nil // reconnect with the new settings
		}
		acc = fresh
		ss.acc = fresh
	}
}

// idleOnce idles on folder until the server announces mail, IdleRestart
// passes, Kick is called or ctx ends.
func (s *Syncer) idleOnce(ctx context.Context, ss *session, folder string, kick chan struct{}) error {
	sel, err := ss.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return folderError{folder: folder, err: err}
	}
	// Mail that arrived between the sync and now would not be announced
	// by IDLE: sync again at once instead.
	cp, known, err := s.st.FolderState(ctx, ss.acc.ID, folder)
	if err != nil {
		return err
	}
	if !known || cp.UIDValidity != sel.UIDValidity || (sel.UIDNext > 0 && uint32(sel.UIDNext)-1 > cp.LastUID) {
		return nil
	}
	// Drain a stale signal from the sync itself.
	select {
	case <-ss.newMail:
	default:
	}
	cmd, err := ss.c.Idle()
	if err != nil {
		return err
	}
	t := time.NewTimer(s.opt.IdleRestart)
	defer t.Stop()
	select {
	case <-ss.newMail:
	case <-t.C:
	case <-kick:
	case <-ctx.Done():
	case <-ss.c.Closed():
	}
	if err := cmd.Close(); err != nil {
		return err
	}
	if err := cmd.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// recoverErr turns a panic (a bug) into an error, so that the sync records
// it, backs off and goes on instead of taking the app down.
func recoverErr(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("internal error: %v", r)
	}
}

// backoff is the wait after n consecutive failures: exponential, capped,
// with jitter so that many clients do not retry in step.
func (s *Syncer) backoff(n int) time.Duration {
	d := s.opt.MinBackoff
	for i := 1; i < n && d < s.opt.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, s.opt.MaxBackoff)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// wait sleeps d, or less when kicked; false when ctx ended.
func (s *Syncer) wait(ctx context.Context, d time.Duration, kick chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-kick:
		return true
	case <-ctx.Done():
		return false
	}
}
