package imapsync

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/mail/mailtest"
)

// Mail crafted by an outsider (testdata/outsiders) never lands on a deal it
// names by a number or by the shape of our Message-IDs, and is never shown
// as sent by us: the Inbox with its reason, or a stranger's new deal.
// Another company using Comptoir, whose Message-IDs look like ours, is a
// new client. A real reply, by a Message-ID we stored, still lands.
func TestOutsidersCannotWriteIntoDeals(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewIMAPMemServer(t, "seller", "pass-word")
	f := newFixture(t, srv, data.AccountInput{})
	ctx := context.Background()
	srv.Append(t, "INBOX", client("c1@client1.test", "buyer@client1.test", "Chairs").bytes())
	srv.Append(t, "INBOX", client("c2@client2.test", "buyer@client2.test", "Tables").bytes())
	f.syncOnce(t)
	get := func(id string) data.StoredEmail {
		t.Helper()
		m, err := f.db.EmailByMessageID(ctx, f.db.Admin.ID, id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return m
	}
	if get("c1@client1.test").DealID != 1 || get("c2@client2.test").DealID != 2 {
		t.Fatal("the clients' deals are not deals 1 and 2")
	}

	files, err := filepath.Glob(filepath.Join("testdata", "outsiders", "*.eml"))
	if err != nil || len(files) != 5 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		srv.Append(t, "INBOX", msg{raw: string(b)}.bytes())
	}
	// And a real reply of client 2, to the message we stored.
	srv.Append(t, "INBOX", msg{id: "c2-reply@client2.test", from: "buyer@client2.test", subject: "Re: Tables",
		headers: []string{"In-Reply-To: <c2@client2.test>"}, body: "Agreed."}.bytes())
	if st := f.syncOnce(t); st.Stored != 6 {
		t.Fatalf("stats %+v", st)
	}

	want := []struct {
		id     string
		state  string
		reason data.Reason
	}{
		{"bank-details-1@evil.example", data.StateInbox, data.ReasonTagStranger},
		{"reply-shape-1@evil.example", data.StateLinked, data.ReasonNewClient},
		{"deal-2.aa@evil.example", data.StateLinked, data.ReasonNewClient},
		{"forged-1@evil.example", data.StateInbox, data.ReasonOwnAddress},
		{"deal-7.5f1c2a9b0e4d7c3a8b21@othercompany.example", data.StateLinked, data.ReasonNewClient},
	}
	for _, w := range want {
		m := get(w.id)
		if m.DealID == 1 || m.DealID == 2 || m.Direction != "in" || m.State != w.state || m.Reason != w.reason {
			t.Errorf("%s: deal %d, %s, %s (%s), want %s (%s)", w.id, m.DealID, m.Direction, m.State, m.Reason, w.state, w.reason)
		}
	}
	if m := get("c2-reply@client2.test"); m.DealID != 2 || m.Reason != data.ReasonReply {
		t.Errorf("the real reply: deal %d (%s)", m.DealID, m.Reason)
	}
	if m := get("bank-details-1@evil.example"); !strings.Contains(m.Because, "[D-1]") {
		t.Errorf("the Inbox does not say which deal was named: %q", m.Because)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE direction = 'out'`); n != 0 {
		t.Errorf("%d messages recorded as sent by us", n)
	}
	if n := f.count(t, `SELECT count(*) FROM timeline WHERE deal_id IN (1, 2) AND kind <> 'created'`); n != 3 {
		t.Errorf("%d entries on deals 1 and 2, want the two clients' emails and the real reply", n)
	}
	if n := f.count(t, `SELECT count(*) FROM contact_emails WHERE email = 'sales@ourshop.test'`); n != 0 {
		t.Error("a contact was made of our own address")
	}
	if f.deals(t) != 5 {
		t.Errorf("%d deals, want 5 (two clients, two strangers, another Comptoir)", f.deals(t))
	}
}
