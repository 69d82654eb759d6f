package imapsync

import (
	"context"
	"time"

	"github.com/emersion/go-imap/v2"

	"comptoir/data"
	"comptoir/mail/secret"
)

// Check tries an account's IMAP settings with password, without storing
// anything: connect, secure, log in, open each watched folder read-only,
// log out. Settings → "Test connection" calls it off the UI goroutine and
// shows Explain(acc, err). A zero port takes the security's default.
func Check(ctx context.Context, acc data.Account, password string, opt Options) error {
	if acc.IMAPPort == 0 {
		acc.IMAPPort = 143
		if acc.IMAPSecurity == data.SecurityTLS || acc.IMAPSecurity == "" {
			acc.IMAPPort = 993
		}
	}
	if acc.IMAPSecurity == "" {
		acc.IMAPSecurity = data.SecurityTLS
	}
	if acc.Username == "" {
		acc.Username = acc.Email
	}
	if len(acc.Folders) == 0 {
		acc.Folders = []string{"INBOX"}
	}
	opt.Secrets = secret.One(acc.IMAPSecretKey(), password)
	if opt.DialTimeout <= 0 {
		opt.DialTimeout = 15 * time.Second
	}
	if opt.ReadTimeout <= 0 {
		opt.ReadTimeout = 30 * time.Second
	}
	s := New(nil, opt)
	ss, err := s.connect(ctx, acc)
	if err != nil {
		return err
	}
	defer ss.close()
	stop := context.AfterFunc(ctx, ss.close)
	defer stop()
	for _, f := range acc.Folders {
		if _, err := ss.c.Select(f, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return folderError{folder: f, err: err}
		}
	}
	_ = ss.c.Logout().Wait()
	return nil
}
