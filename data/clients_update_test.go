package data_test

import (
	"context"
	"errors"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// UpdateCompany and the import share one update (tx.updateCompany): it keeps
// the not-found check and refreshes the search rows of the company, its
// contacts and its deals.
func TestUpdateCompany(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	co, err := db.CreateCompany(ctx, db.Sales.ID, data.CompanyInput{Name: "Boulangerie Morel"})
	if err != nil {
		t.Fatal(err)
	}
	ct, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Paul Petit", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateCompany(ctx, db.Sales.ID, co.ID+100, data.CompanyInput{Name: "Nobody"}); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("update an unknown company: %v, want ErrNotFound", err)
	}
	_, err = db.UpdateCompany(ctx, db.Sales.ID, co.ID, data.CompanyInput{Name: ""})
	wantField(t, err, "name")

	got, err := db.UpdateCompany(ctx, db.Sales.ID, co.ID, data.CompanyInput{Name: "Pâtisserie Zéphyr", Address: "2 place du Marché",
		Emails: []string{"bonjour@zephyr.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Pâtisserie Zéphyr" || got.Address != "2 place du Marché" || len(got.Emails) != 1 {
		t.Fatalf("updated company %+v", got)
	}
	hits, err := db.Search(ctx, db.Sales.ID, "zephyr", 10)
	if err != nil {
		t.Fatal(err)
	}
	var company, contact bool
	for _, h := range hits {
		company = company || h.Kind == data.KindCompany && h.ID == co.ID
		contact = contact || h.Kind == data.KindContact && h.ID == ct.ID
	}
	if !company || !contact {
		t.Errorf("search for the new name finds company %v, its contact %v: %+v", company, contact, hits)
	}
}
