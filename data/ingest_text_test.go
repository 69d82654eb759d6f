package data_test

import (
	"context"
	"database/sql"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// rowText reads a message row's own text columns.
func rowText(t *testing.T, db *datatest.DB, id int64) (text, visible string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.QueryRow(`SELECT text, visible_text FROM messages WHERE id = ?`, id).Scan(&text, &visible); err != nil {
		t.Fatal(err)
	}
	return text, visible
}

// rawExec changes the database behind the store's back, as another program
// (or a future feature) deleting rows would.
func rawExec(t *testing.T, db *datatest.DB, q string, args ...any) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestIngestStoresVisibleTextOnce proves that a linked email's visible
// text lives in its timeline entry only, that every reader still gets the
// text and the visible text, and that the text comes back into the row when
// the entry goes (the email moved, the deal deleted).
func TestIngestStoresVisibleTextOnce(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{})

	same := clientMail("t1@acme.test", "jeanne@acme.test", "Jeanne", "Devis")
	same.Text, same.VisibleText = "Bonjour <Paul> & co,\n40 chaises – 3 €.", "Bonjour <Paul> & co,\n40 chaises – 3 €."
	d1 := ingest(t, db, acc, same)
	quoted := clientMail("t2@acme.test", "jeanne@acme.test", "Jeanne", "Re: Devis")
	quoted.InReplyTo = "t1@acme.test"
	quoted.Text, quoted.VisibleText = "Oui.\n\nLe 12 nov. a écrit :\n> Bonjour", "Oui."
	d2 := ingest(t, db, acc, quoted)
	broken := clientMail("t3@acme.test", "jeanne@acme.test", "Jeanne", "Re: Devis")
	broken.Text, broken.VisibleText = "caf\xe9", "caf\xe9" // not UTF-8: JSON would change it
	d3 := ingest(t, db, acc, broken)
	if d1.DealID == 0 || d2.DealID != d1.DealID || d3.DealID != d1.DealID {
		t.Fatalf("decisions: %+v %+v %+v", d1, d2, d3)
	}

	check := func(when string, id int64, text, visible string) {
		t.Helper()
		m, err := db.Email(ctx, db.Admin.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Text != text || m.VisibleText != visible {
			t.Errorf("%s: email %d reads text %q visible %q, want %q %q", when, id, m.Text, m.VisibleText, text, visible)
		}
		list, err := db.DealEmails(ctx, db.Admin.ID, m.DealID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range list {
			if l.ID == id && (l.Text != text || l.VisibleText != visible) {
				t.Errorf("%s: deal list reads email %d as %q %q", when, id, l.Text, l.VisibleText)
			}
		}
	}
	check("stored", d1.EmailID, same.Text, same.VisibleText)
	check("stored", d2.EmailID, quoted.Text, quoted.VisibleText)
	check("stored", d3.EmailID, broken.Text, broken.VisibleText)
	if text, visible := rowText(t, db, d1.EmailID); text != "" || visible != "\x00" {
		t.Errorf("whole text stored again in the row: %q %q", text, visible)
	}
	if text, visible := rowText(t, db, d2.EmailID); text != quoted.Text || visible != "\x00" {
		t.Errorf("quoted mail row: %q %q", text, visible)
	}
	if text, _ := rowText(t, db, d3.EmailID); text != broken.Text {
		t.Errorf("text that is not UTF-8 must stay in the row: %q", text)
	}
	tl, err := db.Timeline(ctx, db.Admin.ID, d1.DealID, data.TimelineCursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, e := range tl {
		if e.Kind == data.EntryEmailIn {
			texts = append(texts, e.Data.(data.EmailData).Text)
		}
	}
	if len(texts) != 3 || texts[1] != "Oui." || texts[2] != same.VisibleText {
		t.Fatalf("timeline texts: %q", texts)
	}

	// Moved to a new deal: the old entry goes, the new one holds the text.
	other, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AttachEmailToDeal(ctx, db.Admin.ID, d2.EmailID, other.ID); err != nil {
		t.Fatal(err)
	}
	check("moved", d2.EmailID, quoted.Text, quoted.VisibleText)

	// The deal itself removed from the file: its entries go by cascade,
	// the texts come back into the rows.
	rawExec(t, db, `DELETE FROM deals WHERE id = ?`, d1.DealID)
	for _, c := range []struct {
		id            int64
		text, visible string
	}{{d1.EmailID, same.Text, same.VisibleText}, {d3.EmailID, broken.Text, broken.VisibleText}} {
		m, err := db.Email(ctx, db.Admin.ID, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Text != c.text || m.VisibleText != c.visible {
			t.Errorf("after the deal was deleted: email %d reads %q %q", c.id, m.Text, m.VisibleText)
		}
	}
	if text, visible := rowText(t, db, d1.EmailID); text != same.Text || visible != "" {
		t.Errorf("row after its entry went: %q %q", text, visible)
	}
	// An entry's text edited: the row keeps the email's own text.
	rawExec(t, db, `UPDATE timeline SET data = json_set(data, '$.text', 'edited') WHERE kind = 'email_in' AND deal_id = ?`, other.ID)
	check("entry edited", d2.EmailID, quoted.Text, quoted.VisibleText)
}
