package send

import (
	"context"
	"time"

	"comptoir/data"
	"comptoir/mail/secret"
)

// Check tries an account's SMTP settings with password ("" tries without
// AUTH), without sending anything: connect, secure, greet, authenticate,
// quit. Settings → "Test connection" calls it off the UI goroutine and shows
// Explain(acc, err). A zero port takes the security's default.
func Check(ctx context.Context, acc data.Account, password string, opt Options) error {
	if acc.SMTPSecurity == "" {
		acc.SMTPSecurity = data.SecurityStartTLS
	}
	if acc.SMTPPort == 0 {
		acc.SMTPPort = 587
		if acc.SMTPSecurity == data.SecurityTLS {
			acc.SMTPPort = 465
		}
	}
	opt.Secrets = secret.One(acc.SMTPSecretKey(), password)
	if opt.Timeout <= 0 {
		opt.Timeout = 20 * time.Second
	}
	s := New(nil, opt)
	c, err := s.dial(ctx, acc)
	if err != nil {
		return err
	}
	c.close()
	return nil
}
