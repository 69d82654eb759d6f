package data_test

import (
	"context"
	"errors"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

func TestSignatureIsItsOwnColumn(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()

	// An admin's form opened before the signature was saved holds the old
	// (empty) copy of the employee.
	stale, err := db.Employee(ctx, db.Sales.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSignature(ctx, db.Sales.ID, "Sophie\nField sales"); err != nil {
		t.Fatal(err)
	}
	// The admin renames the employee from that stale form: the signature stays.
	if _, err := db.UpdateEmployee(ctx, db.Admin.ID, db.Sales.ID, data.EmployeeInput{Name: "Sophie Vente",
		Email: stale.Email, Role: stale.Role, Active: stale.Active, Signature: stale.Signature}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Employee(ctx, db.Sales.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Sophie Vente" || got.Signature != "Sophie\nField sales" {
		t.Fatalf("after a stale update: name %q, signature %q", got.Name, got.Signature)
	}

	// Saving the signature does not revert a rename made meanwhile.
	if _, err := db.UpdateEmployee(ctx, db.Admin.ID, db.Sales.ID, data.EmployeeInput{Name: "Sophie V.",
		Email: stale.Email, Role: stale.Role, Active: stale.Active}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSignature(ctx, db.Sales.ID, "S."); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.Employee(ctx, db.Sales.ID); got.Name != "Sophie V." || got.Signature != "S." {
		t.Fatalf("after saving the signature: name %q, signature %q", got.Name, got.Signature)
	}
	// Another employee's signature is untouched; an inactive one sets none.
	if other, _ := db.Employee(ctx, db.Sales2.ID); other.Signature != "" {
		t.Errorf("other employee's signature %q", other.Signature)
	}
	if _, err := db.UpdateEmployee(ctx, db.Admin.ID, db.Sales2.ID, data.EmployeeInput{Name: db.Sales2.Name,
		Email: db.Sales2.Email, Role: db.Sales2.Role, Active: false}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSignature(ctx, db.Sales2.ID, "x"); !errors.Is(err, data.ErrForbidden) {
		t.Errorf("inactive employee sets a signature: %v", err)
	}
	long := make([]byte, 5000)
	for i := range long {
		long[i] = 'a'
	}
	wantField(t, db.SetSignature(ctx, db.Sales.ID, string(long)), "signature")
}
