package data_test

import (
	"context"
	"fmt"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// seedContacts imports n contacts spread over n/20 companies (the
// records a CSV file of them would give).
func seedContacts(b *testing.B, db *datatest.DB, n int) {
	b.Helper()
	first := []string{"Anne", "Bruno", "Carla", "Denis", "Élodie", "Farid", "Gaëlle", "Hugo", "Inès", "Jules"}
	last := []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent"}
	recs := make([]data.ImportRecord, 0, n)
	for i := range n {
		recs = append(recs, data.ImportRecord{Line: i + 2, CompanyName: fmt.Sprintf("Company %d", i/20), Contact: data.ContactInput{
			Name:   fmt.Sprintf("%s %s %d", first[i%len(first)], last[(i/len(first))%len(last)], i),
			Emails: []string{fmt.Sprintf("c%d@example.com", i)},
			Phones: []string{fmt.Sprintf("+33 6 %02d %02d %02d %02d", i%100, (i/100)%100, (i/10000)%100, i%97)}}})
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
			if rows, err := db.ContactList(ctx, db.Admin.ID, data.ListCursor{}, 100); err != nil || len(rows) != 100 {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("page after 10000", func(b *testing.B) {
		rows, err := db.ContactList(ctx, db.Admin.ID, data.ListCursor{}, 10000)
		if err != nil {
			b.Fatal(err)
		}
		last := rows[len(rows)-1]
		for b.Loop() {
			if rows, err := db.ContactList(ctx, db.Admin.ID, data.ListCursor{Key: last.Name, ID: last.ID}, 100); err != nil || len(rows) != 100 {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("search keystroke", func(b *testing.B) {
		for b.Loop() {
			if rows, err := db.SearchClients(ctx, db.Admin.ID, data.KindContact, "ber", 300); err != nil || len(rows) == 0 {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("company search", func(b *testing.B) {
		for b.Loop() {
			if rows, err := db.SearchClients(ctx, db.Admin.ID, data.KindCompany, "company 12", 300); err != nil || len(rows) == 0 {
				b.Fatal(len(rows), err)
			}
		}
	})
}

func TestClientDealsAndSearch(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	co, err := db.CreateCompany(ctx, db.Sales.ID, data.CompanyInput{Name: "Roux SARL"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Denis Roux", CompanyID: co.ID, Emails: []string{"denis@roux.test"}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Denise Blanc"})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Oven repair", ContactID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateDeal(ctx, db.Sales2.ID, data.DealInput{Title: "Hidden from Sales", ContactID: c.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Other client", ContactID: other.ID}); err != nil {
		t.Fatal(err)
	}
	deals, err := db.ClientDeals(ctx, db.Sales.ID, data.KindContact, c.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(deals) != 1 || deals[0].ID != mine.ID || deals[0].Stage == "" {
		t.Errorf("sales sees %+v, want only %q", deals, mine.Title)
	}
	deals, err = db.ClientDeals(ctx, db.Manager.ID, data.KindCompany, co.ID, 50)
	if err != nil || len(deals) != 2 {
		t.Errorf("manager sees %d deals of the company (its contact's), want 2: %v", len(deals), err)
	}
	rows, err := db.SearchClients(ctx, db.Admin.ID, data.KindContact, "deni", 10)
	if err != nil || len(rows) != 2 {
		t.Fatalf("search deni = %+v, %v", rows, err)
	}
	rows, err = db.SearchClients(ctx, db.Admin.ID, data.KindContact, "deni roux", 10)
	if err != nil || len(rows) != 1 || rows[0].Email != "denis@roux.test" || rows[0].Company != "Roux SARL" {
		t.Errorf("search deni roux = %+v, %v", rows, err)
	}
	rows, err = db.SearchClients(ctx, db.Admin.ID, data.KindCompany, "roux", 10)
	if err != nil || len(rows) != 1 || rows[0].ID != co.ID {
		t.Errorf("company search = %+v, %v", rows, err)
	}
	people, err := db.CompanyContacts(ctx, db.Admin.ID, co.ID, 10)
	if err != nil || len(people) != 1 || people[0].ID != c.ID || people[0].Email != "denis@roux.test" {
		t.Errorf("company contacts = %+v, %v", people, err)
	}
	names, err := db.CompanyNames(ctx, db.Admin.ID, "ro", 10)
	if err != nil || len(names) != 1 {
		t.Errorf("company names = %+v, %v", names, err)
	}
}
