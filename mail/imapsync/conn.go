package imapsync

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"comptoir/data"
	"comptoir/mail/secret"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// deadlineConn fails a read that waits longer than its timeout, so a
// connection that died silently (a laptop lid closed, a NAT forgetting us)
// is noticed instead of blocking forever.
type deadlineConn struct {
	net.Conn
	timeout atomic.Int64 // nanoseconds
}

func (c *deadlineConn) Read(b []byte) (int, error) {
	if t := time.Duration(c.timeout.Load()); t > 0 {
		_ = c.Conn.SetReadDeadline(time.Now().Add(t))
	}
	return c.Conn.Read(b)
}

// session is one logged-in connection to an account's server.
type session struct {
	c       *imapclient.Client
	conn    *deadlineConn
	acc     data.Account
	newMail chan struct{} // signalled when the server announces new messages
	idle    bool          // the server supports IDLE
}

func (ss *session) close() {
	if ss == nil || ss.c == nil {
		return
	}
	_ = ss.c.Close()
}

// loginError is the server refusing the credentials.
type loginError struct{ err error }

func (e loginError) Error() string { return "login: " + e.err.Error() }
func (e loginError) Unwrap() error { return e.err }

// folderError is a watched folder the server cannot open.
type folderError struct {
	folder string
	err    error
}

func (e folderError) Error() string { return fmt.Sprintf("open folder %s: %v", e.folder, e.err) }
func (e folderError) Unwrap() error { return e.err }

// connect dials, secures and logs in.
func (s *Syncer) connect(ctx context.Context, acc data.Account) (*session, error) {
	pass, err := s.opt.Secrets.Get(acc.IMAPSecretKey())
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(acc.IMAPHost, strconv.Itoa(acc.IMAPPort))
	d := &net.Dialer{Timeout: s.opt.DialTimeout, KeepAlive: 30 * time.Second}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	dc := &deadlineConn{Conn: raw}
	dc.timeout.Store(int64(s.opt.DialTimeout))
	ss := &session{acc: acc, conn: dc, newMail: make(chan struct{}, 1)}
	opts := &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(m *imapclient.UnilateralDataMailbox) {
				if m.NumMessages != nil {
					select {
					case ss.newMail <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	tlsConf := s.tlsConfig(acc.IMAPHost)
	switch acc.IMAPSecurity {
	case data.SecurityTLS:
		tc := tls.Client(dc, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		ss.c = imapclient.New(tc, opts)
	case data.SecurityStartTLS:
		opts.TLSConfig = tlsConf
		ss.c, err = imapclient.NewStartTLS(dc, opts)
		if err != nil {
			raw.Close()
			return nil, err
		}
	case data.SecurityNone:
		if !data.IsLoopback(acc.IMAPHost) {
			raw.Close()
			return nil, errors.New("a connection without encryption is allowed only to this computer")
		}
		ss.c = imapclient.New(dc, opts)
	default:
		raw.Close()
		return nil, fmt.Errorf("unknown security %q", acc.IMAPSecurity)
	}
	stop := context.AfterFunc(ctx, ss.close)
	defer stop()
	if err := ss.c.WaitGreeting(); err != nil {
		ss.close()
		return nil, err
	}
	if err := ss.c.Login(acc.Username, pass).Wait(); err != nil {
		ss.close()
		var ie *imap.Error
		if errors.As(err, &ie) {
			return nil, loginError{err}
		}
		return nil, err
	}
	caps := ss.c.Caps()
	ss.idle = caps.Has(imap.CapIdle) || caps.Has(imap.CapIMAP4rev2)
	dc.timeout.Store(int64(s.opt.ReadTimeout))
	return ss, nil
}

// tlsConfig verifies certificates always; tests add their own authority
// through Options.TLSConfig.
func (s *Syncer) tlsConfig(host string) *tls.Config {
	var c *tls.Config
	if s.opt.TLSConfig != nil {
		c = s.opt.TLSConfig.Clone()
	} else {
		c = &tls.Config{}
	}
	if c.ServerName == "" {
		c.ServerName = host
	}
	c.MinVersion = tls.VersionTLS12
	return c
}

// Explain turns a sync error into plain words for the account's status.
func Explain(acc data.Account, err error) string {
	if err == nil {
		return ""
	}
	addr := net.JoinHostPort(acc.IMAPHost, strconv.Itoa(acc.IMAPPort))
	var (
		cve  *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		he   x509.HostnameError
		ci   x509.CertificateInvalidError
		dns  *net.DNSError
		le   loginError
		fe   folderError
		rhe  tls.RecordHeaderError
		oe   *net.OpError
		ierr *imap.Error
	)
	switch {
	case errors.Is(err, secret.ErrNotFound):
		return "No password is saved for this account: enter it in the account's settings."
	case errors.As(err, &cve), errors.As(err, &ua), errors.As(err, &he), errors.As(err, &ci):
		return fmt.Sprintf("The certificate of %s was refused (%v): the connection may not be safe. Check the server name, or ask the mail provider.", acc.IMAPHost, certReason(err))
	case errors.As(err, &rhe):
		return fmt.Sprintf("%s does not speak TLS on port %d: check the port and the security setting.", acc.IMAPHost, acc.IMAPPort)
	case errors.As(err, &le):
		return "The server refused the user name or password."
	case errors.As(err, &fe):
		return fmt.Sprintf("The folder %q cannot be opened on the server: check the watched folders.", fe.folder)
	case errors.As(err, &dns):
		return fmt.Sprintf("The server name %s was not found: check it, and the network.", acc.IMAPHost)
	case errors.As(err, &oe) && oe.Op == "dial":
		return fmt.Sprintf("Cannot reach %s: the server is unreachable or refuses connections (check the network, the server name and the port).", addr)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return fmt.Sprintf("The connection to %s was lost; it will be retried.", addr)
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return fmt.Sprintf("%s stopped answering: the network may be down.", addr)
	case errors.As(err, &ierr):
		return fmt.Sprintf("The server answered: %s", ierr.Text)
	}
	return fmt.Sprintf("The connection to %s failed: %v", addr, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func certReason(err error) string {
	var (
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &ua):
		return "it is not signed by a known authority"
	case errors.As(err, &he):
		return "it is for another server name"
	case errors.As(err, &ci):
		if ci.Reason == x509.Expired {
			return "it has expired or is not yet valid"
		}
		return "it is not valid"
	}
	return "it could not be verified"
}
