package data_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// seedContacts imports n contacts spread over n/20 companies.
func seedContacts(b *testing.B, db *datatest.DB, n int) {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("Name,Email,Phone,Company\n")
	first := []string{"Anne", "Bruno", "Carla", "Denis", "Élodie", "Farid", "Gaëlle", "Hugo", "Inès", "Jules"}
	last := []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent"}
	for i := range n {
		fmt.Fprintf(&sb, "%s %s %d,c%d@example.com,+33 6 %02d %02d %02d %02d,Company %d\n",
			first[i%len(first)], last[(i/len(first))%len(last)], i, i, i%100, (i/100)%100, (i/10000)%100, i%97, i/20)
	}
	tab, err := data.ReadCSV(strings.NewReader(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	recs, err := tab.Records(data.ImportContacts, data.GuessMapping(data.ImportContacts, tab.Header, nil))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Import(context.Background(), db.Admin.ID, data.ImportContacts, recs, data.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkClientReads measures what the Contacts screen asks per page and
// per search keystroke on a database of 20,000 contacts.
func BenchmarkClientReads(b *testing.B) {
	db := datatest.Open(b)
	seedContacts(b, db, 20000)
	ctx := context.Background()
	b.Run("first page", func(b *testing.B) {
		for b.Loop() {
			if rows, err := db.ContactList(ctx, data.ListCursor{}, 100); err != nil || len(rows) != 100 {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("page after 10000", func(b *testing.B) {
		rows, err := db.ContactList(ctx, data.ListCursor{}, 10000)
		if err != nil {
			b.Fatal(err)
		}
		last := rows[len(rows)-1]
		for b.Loop() {
			if rows, err := db.ContactList(ctx, data.ListCursor{Key: last.Name, ID: last.ID}, 100); err != nil || len(rows) != 100 {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("search keystroke", func(b *testing.B) {
		for b.Loop() {
			if rows, err := db.SearchClients(ctx, data.KindContact, "ber", 300); err != nil || len(rows) == 0 {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("company search", func(b *testing.B) {
		for b.Loop() {
			if rows, err := db.SearchClients(ctx, data.KindCompany, "company 12", 300); err != nil || len(rows) == 0 {
				b.Fatal(len(rows), err)
			}
		}
	})
}
