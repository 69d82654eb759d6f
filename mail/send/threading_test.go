package send

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/mail/imapsync"
	"comptoir/mail/parse"
)

// checkHeaderLines fails when a line of raw's header is over 998 octets or
// holds a bare CR or LF.
func checkHeaderLines(t *testing.T, raw []byte) {
	t.Helper()
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for i, l := range bytes.Split(head, []byte("\r\n")) {
		if len(l) > 998 {
			t.Errorf("header line %d is %d octets long", i, len(l))
		}
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("header line %d holds a bare line break: %q", i, l)
		}
	}
}

// A Message-ID stored before the grammar was checked (an older database)
// with a bare CR and a Bcc: header, or 5,000 characters long, never
// reaches the headers of our reply: built, then parsed back.
func TestHostileStoredIDsNeverInOurHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t, memIMAP(t), true)
	ctx := context.Background()
	parent := &data.Email{MessageID: "q1@client.test", References: []string{"r0@client.test"}, From: data.Address{Email: "claire@client.test"},
		To: []data.Address{{Email: "sales@ourshop.test"}}, Subject: "Chairs?", Text: "How much?", Date: f.now().Add(-time.Hour), Raw: []byte("x")}
	res, err := f.db.Ingest(ctx, f.acc.ID, "INBOX", 1, 1, []data.Incoming{{UID: 1, Email: parent}})
	if err != nil || res.Decisions[0].DealID != f.deal.ID {
		t.Fatalf("parent: %+v %v", res, err)
	}
	const cr = "x\rBcc: victim@evil.test@evil.test"
	long := strings.Repeat("y", 5000) + "@evil.test"
	refs, _ := json.Marshal([]string{long, "r0@client.test", cr, "a b@evil.test"})
	conn, err := sql.Open("sqlite", "file:"+f.db.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`UPDATE messages SET message_id = ?, refs = ? WHERE message_id = 'q1@client.test'`, cr, string(refs)); err != nil {
		t.Fatal(err)
	}
	pm, err := f.db.Email(ctx, f.db.Admin.ID, res.Decisions[0].EmailID)
	if err != nil || pm.MessageID != cr {
		t.Fatalf("hostile parent not stored: %q %v", pm.MessageID, err)
	}
	it := f.queue(t, data.ComposeInput{Subject: data.ReplySubject(pm.Subject), Text: "Forty euros.", ReplyTo: pm.ID})
	raw, err := f.q.OutgoingRaw(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkHeaderLines(t, raw)
	if bytes.Contains(raw, []byte("victim")) || bytes.Contains(raw, []byte("evil.test")) || header(raw, "Bcc") != "" {
		t.Fatalf("a hostile ID reached our message:\n%s", raw)
	}
	back := parse.Parse(raw, parse.Options{})
	if back.InReplyTo != "" || !slices.Equal(back.References, []string{"r0@client.test"}) || back.MessageID != it.MessageID {
		t.Fatalf("parsed back: In-Reply-To %q References %q Message-ID %q", back.InReplyTo, back.References, back.MessageID)
	}

	// mail/send checks again what it is given, whoever built the draft.
	d := data.Draft{MessageID: "m1@ourshop.test", Date: f.now(), From: data.Address{Email: "sales@ourshop.test"},
		To: []data.Address{{Email: "claire@client.test"}}, Subject: "Hi", Text: "t", InReplyTo: cr, References: []string{cr, long, "ok@client.test"}}
	raw, err = Build(d)
	if err != nil {
		t.Fatal(err)
	}
	checkHeaderLines(t, raw)
	if header(raw, "Bcc") != "" || header(raw, "In-Reply-To") != "" || header(raw, "References") != "<ok@client.test>" {
		t.Fatalf("built from a hostile draft:\n%s", raw)
	}
}

// The longest References we write (ten IDs of the longest length taken)
// is folded: no line over 78 characters, the IDs read back as written.
func TestLongReferencesFolded(t *testing.T) {
	t.Parallel()
	var refs []string
	for i := range data.MaxReferences {
		id := strings.Repeat(string(rune('a'+i)), data.MaxMessageIDLen-len("@client.test")) + "@client.test"
		short := string(rune('a'+i)) + "@c.test"
		refs = append(refs, id, short)
	}
	refs = data.ThreadReferences(refs, "parent@client.test")
	d := data.Draft{MessageID: "m1@ourshop.test", Date: time.Now(), From: data.Address{Email: "sales@ourshop.test"},
		To: []data.Address{{Email: "claire@client.test"}}, Subject: "Hi", Text: "t", InReplyTo: "parent@client.test", References: refs}
	raw, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	checkHeaderLines(t, raw)
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, l := range bytes.Split(head, []byte("\r\n")) {
		if bytes.HasPrefix(l, []byte(" <")) && len(l) > 78 && bytes.Count(l, []byte("<")) > 1 {
			t.Errorf("a References line holds more than one ID past 78 characters: %q", l)
		}
	}
	back := parse.Parse(raw, parse.Options{})
	if !slices.Equal(back.References, refs) || back.InReplyTo != "parent@client.test" {
		t.Fatalf("References read back %q, want %q", back.References, refs)
	}
}

// Our own mail read back from the Sent folder is the outbox row it was sent
// from (a duplicate), not a message from our address to check.
func TestSentCopyReadBackIsADuplicate(t *testing.T) {
	t.Parallel()
	srv := memIMAP(t)
	f := newFixture(t, srv, false)
	ctx := context.Background()
	in := f.acc.Input()
	in.Folders = []string{"INBOX", "Sent"}
	if _, err := f.db.UpdateAccount(ctx, f.db.Admin.ID, f.acc.ID, in); err != nil {
		t.Fatal(err)
	}
	f.queue(t, data.ComposeInput{Subject: "Votre devis — chaises", Text: "Bonjour Claire,\n\nvoici le devis: 40 chaises, livrées lundi.\n", HTML: true,
		Files: []data.FileInput{{Name: "devis.txt", Data: []byte("40 x chaise")}}})
	if st := f.drain(t, f.sender(Options{})); st.Sent != 1 || st.Copied != 1 {
		t.Fatalf("stats %+v", st)
	}
	sy := imapsync.New(f.db.Store, imapsync.Options{Secrets: f.sec, Logger: quietLogger()})
	st, err := sy.SyncOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Fetched != 1 || st.Duplicates != 1 || st.Stored != 0 {
		t.Fatalf("the Sent copy: %+v", st)
	}
	inbox, err := f.db.Inbox(ctx, f.db.Admin.ID, 10)
	if err != nil || len(inbox) != 0 {
		t.Fatalf("Inbox %+v %v", inbox, err)
	}
}
