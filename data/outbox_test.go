package data_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// outFixture is a database with a sending account and a deal with a client.
type outFixture struct {
	db      *datatest.DB
	acc     data.Account
	deal    data.Deal
	contact data.Contact
}

func newOutFixture(t *testing.T) outFixture { return newOutFixtureB(t) }

func newOutFixtureB(t testing.TB) outFixture {
	t.Helper()
	ctx := context.Background()
	db := datatest.Open(t)
	acc, err := db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "sales@shop.test", IMAPHost: "127.0.0.1",
		IMAPSecurity: data.SecurityNone, SMTPHost: "127.0.0.1", SMTPPort: 2525, SMTPSecurity: data.SecurityNone})
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Claire Client", Emails: []string{"claire@client.test"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Forty chairs", ContactID: c.ID, Amount: 120000, Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	return outFixture{db: db, acc: acc, deal: d, contact: c}
}

// fakeBytes stands for the bytes mail/ builds from a draft.
func fakeBytes(d data.Draft) []byte {
	return []byte("Message-ID: <" + d.MessageID + ">\r\nSubject: " + d.Subject + "\r\n\r\n" + d.Text + "\r\n")
}

func (f outFixture) queue(t *testing.T, in data.ComposeInput) data.OutboxItem {
	t.Helper()
	ctx := context.Background()
	if in.DealID == 0 {
		in.DealID = f.deal.ID
	}
	d, err := f.db.PrepareEmail(ctx, f.db.Sales.ID, in)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	it, err := f.db.QueueEmail(ctx, d, fakeBytes(d))
	if err != nil {
		t.Fatalf("queue: %v", err)
	}
	return it
}

func TestQueueEmailStoresMessageAndTimeline(t *testing.T) {
	f := newOutFixture(t)
	ctx := context.Background()
	it := f.queue(t, data.ComposeInput{To: "Claire Client <claire@client.test>", Subject: "Your quote", Text: "Hello"})
	if it.State != data.OutQueued {
		t.Fatalf("state %s, want queued", it.State)
	}
	if !strings.HasPrefix(it.MessageID, "deal-") || !strings.HasSuffix(it.MessageID, "@shop.test") {
		t.Fatalf("message id %q: want deal-ID.RANDOM@shop.test", it.MessageID)
	}
	m, err := f.db.EmailByMessageID(ctx, f.db.Admin.ID, it.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Direction != "out" || m.DealID != f.deal.ID || m.Subject != "Your quote" {
		t.Fatalf("stored message %+v", m)
	}
	es, err := f.db.Timeline(ctx, f.db.Sales.ID, f.deal.ID, data.TimelineCursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range es {
		if e.Kind == data.EntryEmailOut {
			found = true
			keys := payloadKeys(t, e.Data)
			for _, k := range []string{"from", "to", "subject", "message_id", "text", "attachments", "state"} {
				if _, ok := keys[k]; !ok {
					t.Errorf("entry data lacks %q: %v", k, e.Data)
				}
			}
			if ed := e.Data.(data.EmailData); ed.State != data.OutQueued || ed.MessageID != it.MessageID || ed.OutboxID != it.ID {
				t.Errorf("entry data %v", e.Data)
			}
		}
	}
	if !found {
		t.Fatal("no email_out entry on the timeline")
	}
	c, err := f.db.OutboxCount(ctx, f.db.Admin.ID)
	if err != nil || c.Waiting != 1 {
		t.Fatalf("count %+v %v", c, err)
	}
}

func TestReplyRoutesToDealBeforeSending(t *testing.T) {
	f := newOutFixture(t)
	ctx := context.Background()
	it := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "Chairs", Text: "Hello"})
	// The client answers (some other deal of hers exists, so only threading can route it).
	f.db.Deal(t, f.db.Sales.ID, "Another deal")
	reply := &data.Email{MessageID: "r1@client.test", InReplyTo: it.MessageID, References: []string{it.MessageID},
		From: data.Address{Email: "someone-else@elsewhere.test"}, Subject: "Re: Chairs", Text: "Yes", Raw: []byte("x")}
	res, err := f.db.Ingest(ctx, f.acc.ID, "INBOX", 1, 1, []data.Incoming{{UID: 1, Email: reply}})
	if err != nil {
		t.Fatal(err)
	}
	if d := res.Decisions[0]; d.DealID != f.deal.ID || d.Reason != data.ReasonReply {
		t.Fatalf("decision %+v, want deal %d by reply", d, f.deal.ID)
	}
}

func TestBadInputRefusedWithField(t *testing.T) {
	f := newOutFixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.bin")
	if err := os.WriteFile(big, make([]byte, 70<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetSendMaxSize(ctx, f.db.Admin.ID, f.acc.ID, 64<<10); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		in    data.ComposeInput
		field string
		code  string
	}{
		{data.ComposeInput{To: "not an address", Subject: "s"}, "to", "invalid_email"},
		{data.ComposeInput{To: "claire@client.test", Cc: "a@b.test, @@", Subject: "s"}, "cc", "invalid_email"},
		{data.ComposeInput{Subject: "s"}, "to", "required"},
		{data.ComposeInput{To: "claire@client.test", Files: []data.FileInput{{Path: filepath.Join(dir, "missing.pdf")}}}, "files[0]", "unreadable"},
		{data.ComposeInput{To: "claire@client.test", Files: []data.FileInput{{Path: big}}}, "files[0]", "too_large"},
	}
	for _, c := range cases {
		c.in.DealID = f.deal.ID
		_, err := f.db.PrepareEmail(ctx, f.db.Sales.ID, c.in)
		v := data.FieldErrors(err)
		if v == nil || v.Field(c.field) == nil || v.Field(c.field).Code != c.code {
			t.Errorf("%+v: got %v, want %s/%s", c.in, err, c.field, c.code)
		}
	}
	n, _ := f.db.OutboxCount(ctx, f.db.Admin.ID)
	if n.Waiting != 0 {
		t.Fatalf("something was queued: %+v", n)
	}
}

func TestQueuedBytesUnchangedByDealEdit(t *testing.T) {
	f := newOutFixture(t)
	ctx := context.Background()
	vals, err := f.db.TemplateValuesFor(ctx, f.db.Sales.ID, f.deal.ID)
	if err != nil {
		t.Fatal(err)
	}
	body := vals.Fill("Dear {{client.name}}, about {{deal.title}} ({{deal.amount}}). {{me.name}}")
	if body != "Dear Claire Client, about Forty chairs (1200.00 EUR). Sophie Vente" {
		t.Fatalf("filled %q", body)
	}
	it := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: vals.Fill("{{deal.title}}"), Text: body})
	before, _ := f.db.EmailRaw(ctx, f.db.Admin.ID, it.EmailID)
	in := f.deal.Input()
	in.Title, in.Amount = "Sixty chairs", 999900
	if _, err := f.db.UpdateDeal(ctx, f.db.Sales.ID, f.deal.ID, in); err != nil {
		t.Fatal(err)
	}
	after, _ := f.db.EmailRaw(ctx, f.db.Admin.ID, it.EmailID)
	if !bytes.Equal(before, after) || !bytes.Contains(after, []byte("Forty chairs")) {
		t.Fatalf("bytes changed:\n%s\n%s", before, after)
	}
}

func TestEditKeepsMessageIDAndCancel(t *testing.T) {
	f := newOutFixture(t)
	ctx := context.Background()
	it := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "First", Text: "t",
		Files: []data.FileInput{{Name: "a.txt", Data: []byte("hello")}}})
	d, err := f.db.PrepareEdit(ctx, f.db.Sales.ID, it.ID, data.ComposeInput{To: "claire@client.test", Subject: "Second", Text: "u", KeepFiles: true})
	if err != nil {
		t.Fatal(err)
	}
	if d.MessageID != it.MessageID || len(d.Files) != 1 || string(d.Files[0].Data) != "hello" {
		t.Fatalf("edit draft %+v", d)
	}
	it2, err := f.db.QueueEmail(ctx, d, fakeBytes(d))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := f.db.EmailRaw(ctx, f.db.Admin.ID, it.EmailID)
	if it2.Subject != "Second" || !bytes.Contains(raw, []byte("Subject: Second")) {
		t.Fatalf("edited %+v %s", it2, raw)
	}
	if err := f.db.CancelEmail(ctx, f.db.Sales.ID, it.ID); err != nil {
		t.Fatal(err)
	}
	if it3, _ := f.db.OutboxItem(ctx, f.db.Admin.ID, it.ID); it3.State != data.OutCancelled || it3.Editable() {
		t.Fatalf("cancelled email: %s, editable %v", it3.State, it3.Editable())
	}
	if err := f.db.CancelEmail(ctx, f.db.Sales.ID, it.ID); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("cancel twice: %v, want ErrConflict", err)
	}
}

func TestThreadReferencesTrimmed(t *testing.T) {
	var refs []string
	for i := range 30 {
		refs = append(refs, string(rune('a'+i%26))+"@x")
	}
	got := data.ThreadReferences(refs, "parent@x")
	if len(got) != data.MaxReferences || got[0] != refs[0] || got[len(got)-1] != "parent@x" {
		t.Fatalf("references %v", got)
	}
	if data.ReplySubject("Re: Hi") != "Re: Hi" || data.ReplySubject("Hi") != "Re: Hi" {
		t.Fatal("reply subject")
	}
}

func TestTemplates(t *testing.T) {
	f := newOutFixture(t)
	ctx := context.Background()
	tp, err := f.db.SaveTemplate(ctx, f.db.Sales.ID, data.EmailTemplate{Name: "Follow-up", Subject: "{{deal.title}}", Body: "Hello {{client.name}}"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SaveTemplate(ctx, f.db.Sales.ID, data.EmailTemplate{Name: "follow-up", Body: "x"}); data.FieldErrors(err) == nil {
		t.Fatalf("duplicate name accepted: %v", err)
	}
	ts, _ := f.db.Templates(ctx, f.db.Admin.ID)
	if len(ts) != 1 || ts[0].ID != tp.ID {
		t.Fatalf("templates %v", ts)
	}
	if got := data.WithSignature("Hi\n", "Sophie\nShop"); got != "Hi\n\n-- \nSophie\nShop\n" {
		t.Fatalf("signature %q", got)
	}
}
