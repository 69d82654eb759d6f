package imapsync

import (
	"context"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/mail/mailtest"
)

// Check logs in with settings not saved yet and says what went wrong in
// the words the account's status uses.
func TestCheck(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "u@x.test", "pw")
	acc := data.Account{Email: "u@x.test", IMAPHost: srv.Host(), IMAPPort: srv.Port(), IMAPSecurity: data.SecurityNone}
	ctx := context.Background()
	if err := Check(ctx, acc, "pw", Options{}); err != nil {
		t.Fatalf("right password: %v", err)
	}
	cases := []struct {
		name string
		acc  func(a data.Account) data.Account
		pass string
		want string
	}{
		{"wrong password", func(a data.Account) data.Account { return a }, "no", "refused the user name or password"},
		{"no password", func(a data.Account) data.Account { return a }, "", "No password is saved"},
		{"missing folder", func(a data.Account) data.Account { a.Folders = []string{"INBOX", "Nope"}; return a }, "pw", `"Nope" cannot be opened`},
		{"closed port", func(a data.Account) data.Account { a.IMAPPort = 1; return a }, "pw", "Cannot reach"},
		{"tls on a plain port", func(a data.Account) data.Account { a.IMAPSecurity = data.SecurityTLS; return a }, "pw", "does not speak TLS"},
	}
	for _, c := range cases {
		a := c.acc(acc)
		err := Check(ctx, a, c.pass, Options{DialTimeout: 5 * time.Second})
		if err == nil {
			t.Fatalf("%s: no error", c.name)
		}
		if got := Explain(a, err); !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
