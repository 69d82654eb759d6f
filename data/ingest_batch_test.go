package data_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// ingestScenario runs the same mail through a fresh database: new clients
// (a company from the domain, a public provider, an address the validator
// refuses), a colleague of a known company, a reply, a repeat deal after a
// closed one, in batches and one by one.
func ingestScenario(t *testing.T) *datatest.DB {
	t.Helper()
	db := datatest.Open(t)
	ctx := context.Background()
	for _, e := range []data.Entity{data.EntityDeal, data.EntityContact, data.EntityCompany} {
		if _, err := db.SaveFieldDef(ctx, db.Admin.ID, data.FieldDef{Entity: e, Key: "region", Label: "Region", Type: data.FieldText}); err != nil {
			t.Fatal(err)
		}
	}
	acc := mailAccount(t, db, data.AccountInput{ResponsibleID: db.Sales.ID})
	batch := []*data.Email{
		clientMail("f1@acme-industrie.fr", "jeanne@acme-industrie.fr", "Jeanne Martin", "RE: Devis chaises"),
		clientMail("f2@gmail.com", "Paul.Durand@gmail.com", "Paul Durand", "Tables"),
		clientMail("f3@acme-industrie.fr", "marc@acme-industrie.fr", "", "Bureaux"),
		clientMail("f4@odd.test", "a b@odd.test", "Odd Address", "Odd"),
	}
	reply := clientMail("f5@acme-industrie.fr", "jeanne@acme-industrie.fr", "Jeanne Martin", "Re: Devis chaises")
	reply.InReplyTo = "f1@acme-industrie.fr"
	batch = append(batch, reply)
	var in []data.Incoming
	for i, e := range batch {
		e.Raw = []byte("Subject: " + e.Subject + "\r\n\r\n" + e.Text)
		in = append(in, data.Incoming{UID: uint32(i + 1), Email: e})
	}
	res, err := db.Ingest(ctx, acc.ID, "INBOX", 1, uint32(len(in)), in)
	if err != nil {
		t.Fatal(err)
	}
	if res.NewDeals != 4 {
		t.Fatalf("new deals: %+v", res)
	}
	won, _ := db.Pipeline(t).FinalStage(data.StatusWon)
	if _, err := db.MoveDeal(ctx, db.Admin.ID, res.Decisions[1].DealID, won.ID, ""); err != nil {
		t.Fatal(err)
	}
	db.Clock.Advance(time.Minute)
	if d := ingest(t, db, acc, clientMail("f6@gmail.com", "paul.durand@gmail.com", "Paul Durand", "Encore des tables")); d.Reason != data.ReasonRepeatDeal {
		t.Fatalf("repeat deal: %+v", d)
	}
	if d := ingest(t, db, acc, clientMail("f7@new.test", "lea@new-client.co.uk", "Léa", "Chaises")); !d.NewDeal {
		t.Fatalf("new client: %+v", d)
	}
	return db
}

// dumpTables reads every row the ingest may write, in key order.
func dumpTables(t *testing.T, db *datatest.DB) map[string][]string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	out := map[string][]string{}
	for _, q := range []string{
		`SELECT * FROM companies ORDER BY id`,
		`SELECT * FROM contacts ORDER BY id`,
		`SELECT * FROM contact_emails ORDER BY contact_id, position`,
		`SELECT * FROM contact_phones ORDER BY contact_id, position`,
		`SELECT * FROM custom_values ORDER BY field_id, record_id`,
		`SELECT * FROM deals ORDER BY id`,
		`SELECT * FROM deal_observers ORDER BY deal_id, employee_id`,
		`SELECT * FROM timeline ORDER BY id`,
		`SELECT * FROM messages ORDER BY id`,
		`SELECT kind, ref FROM changes ORDER BY seq`,
	} {
		rows, err := conn.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[q] = append(out[q], fmt.Sprintf("%v", vals))
		}
		rows.Close()
	}
	return out
}

// TestIngestBatchModeSameRecords proves that the ingest's batch mode
// (custom field definitions read once per transaction, the search rows of
// new records written at its end) writes exactly what writing each record
// at once writes: the same rows, custom values, timeline entries, change
// events and search results.
func TestIngestBatchModeSameRecords(t *testing.T) {
	restore := data.SetIngestBatchMode(false)
	slow := ingestScenario(t)
	restore()
	fast := ingestScenario(t)

	want, got := dumpTables(t, slow), dumpTables(t, fast)
	if len(want[`SELECT * FROM deals ORDER BY id`]) != 6 || len(want[`SELECT kind, ref FROM changes ORDER BY seq`]) == 0 {
		t.Fatalf("scenario wrote too little: %v", want)
	}
	for q, rows := range want {
		if !reflect.DeepEqual(rows, got[q]) {
			t.Errorf("%s\nrecord by record: %v\nbatch mode: %v", q, rows, got[q])
		}
	}
	ctx := context.Background()
	for _, q := range []string{"jeanne", "acme", "paul.durand", "gmail", "chaises", "tables", "marc", "odd", "lea", "new client"} {
		a, err := slow.Search(ctx, slow.Admin.ID, q, 20)
		if err != nil {
			t.Fatal(err)
		}
		b, err := fast.Search(ctx, fast.Admin.ID, q, 20)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("search %q:\nrecord by record: %+v\nbatch mode: %+v", q, a, b)
		}
		if q == "jeanne" && len(a) < 2 {
			t.Errorf("search %q finds too little: %+v", q, a)
		}
	}
}

// TestIngestMessageIDNotUTF8 proves that a Message-ID whose bytes are not
// UTF-8 (headers are kept as they came) counts as no Message-ID, as RFC
// 5322's grammar has it: the message is keyed by the hash of its bytes, so
// that the same bytes again are a duplicate, across batches and within one,
// and a reply naming that ID threads by nothing.
func TestIngestMessageIDNotUTF8(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{ResponsibleID: db.Sales.ID})
	const id = "devis-caf\xe9@client.test"
	first := ingest(t, db, acc, clientMail(id, "jeanne@client.test", "Jeanne", "Devis"))
	if !first.NewDeal || !strings.HasPrefix(first.MessageID, "sha256:") {
		t.Fatalf("first: %+v", first)
	}
	if again := ingest(t, db, acc, clientMail(id, "jeanne@client.test", "Jeanne", "Devis")); again.Reason != data.ReasonDuplicate {
		t.Fatalf("the same message again: %+v", again)
	}
	reply := clientMail("re1@client.test", "paul@other.test", "Paul", "Re: Devis")
	reply.InReplyTo = id
	if d := ingest(t, db, acc, reply); d.Reason != data.ReasonNewClient || d.DealID == first.DealID {
		t.Fatalf("reply: %+v, want a new deal (an invalid Message-ID threads by nothing)", d)
	}
	// Within one batch: a new message, its copy and a reply to it.
	const id2 = "autre-\xff@client.test"
	batch := []*data.Email{clientMail(id2, "lea@third.test", "Léa", "Chaises"), clientMail(id2, "lea@third.test", "Léa", "Chaises"),
		clientMail("re2@third.test", "marc@fourth.test", "Marc", "Re: Chaises")}
	batch[2].References = []string{id2}
	var in []data.Incoming
	for i, e := range batch {
		e.Raw = []byte("Subject: " + e.Subject + "\r\n\r\n" + e.Text)
		in = append(in, data.Incoming{UID: uint32(100 + i), Email: e})
	}
	res, err := db.Ingest(ctx, acc.ID, "INBOX", 1, 102, in)
	if err != nil {
		t.Fatal(err)
	}
	ds := res.Decisions
	if !ds[0].NewDeal || ds[1].Reason != data.ReasonDuplicate || ds[2].Reason != data.ReasonNewClient || ds[2].DealID == ds[0].DealID {
		t.Fatalf("one batch: %+v", ds)
	}
}
