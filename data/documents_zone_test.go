package data_test

import (
	"testing"
	"time"

	"comptoir/data"
)

// newYearInParis is 00:30 on 1 January 2027 in Paris, still 2026 in UTC.
var newYearInParis = time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)

func TestDocumentsAreDatedInTheBusinessZone(t *testing.T) {
	f := newDocFixture(t)
	f.Clock.Set(newYearInParis)

	inv := f.create(t, data.DocInvoice)
	if inv.Number != "FAC-2027-0001" || inv.Year != 2027 || inv.IssueDate != "2027-01-01" || inv.DueDate != "2027-01-31" {
		t.Errorf("invoice made at 00:30 in Paris on 1 January: %s year %d, issued %s, due %s",
			inv.Number, inv.Year, inv.IssueDate, inv.DueDate)
	}
	if !inv.CreatedAt.Equal(newYearInParis) || inv.CreatedAt.Location() != time.UTC {
		t.Errorf("created at %v, want the UTC instant %v", inv.CreatedAt, newYearInParis)
	}
	q := f.create(t, data.DocQuote)
	if q.Number != "DEV-2027-0001" || q.IssueDate != "2027-01-01" || q.Snapshot.ValidUntil != "2027-01-31" {
		t.Errorf("quote %s issued %s valid until %s", q.Number, q.IssueDate, q.Snapshot.ValidUntil)
	}

	// An invoice marked paid with no date is paid "today" in Paris.
	if _, err := f.SetDocumentStatus(f.ctx, f.Sales.ID, inv.ID, data.DocSent); err != nil {
		t.Fatal(err)
	}
	if _, err := f.SetDocumentStatus(f.ctx, f.Sales.ID, inv.ID, data.DocPaid); err != nil {
		t.Fatal(err)
	}
	es, err := f.Timeline(f.ctx, f.Sales.ID, f.deal.ID, data.TimelineCursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if pd, _ := es[0].Data.(data.PaymentData); pd.Date != "2027-01-01" {
		t.Errorf("payment of the invoice %s dated %v, want 2027-01-01", es[0].Kind, es[0].Data)
	}

	// Payments and deliveries without a date are today in Paris too.
	p, err := f.LogPayment(f.ctx, f.Sales.ID, f.deal.ID, data.PaymentInput{Amount: 500})
	if err != nil {
		t.Fatal(err)
	}
	if pd, _ := p.Data.(data.PaymentData); pd.Date != "2027-01-01" {
		t.Errorf("payment dated %v, want 2027-01-01", p.Data)
	}
	d, err := f.LogDelivery(f.ctx, f.Sales.ID, f.deal.ID, data.DeliveryInput{Carrier: "La Poste"})
	if err != nil {
		t.Fatal(err)
	}
	if dd, _ := d.Data.(data.DeliveryData); dd.Date != "2027-01-01" {
		t.Errorf("delivery dated %v, want 2027-01-01", d.Data)
	}
}

func TestSellerTimeZone(t *testing.T) {
	f := newDocFixture(t)
	f.Clock.Set(newYearInParis)
	seller, err := f.Seller(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if seller.TimeZone != data.DefaultTimeZone || data.DefaultTimeZone != "Europe/Paris" {
		t.Errorf("default zone %q", seller.TimeZone)
	}

	bad := seller
	bad.TimeZone = "Europe/Atlantis"
	wantField(t, f.SetSeller(f.ctx, f.Admin.ID, bad), "time_zone")
	bad.TimeZone = "Local"
	wantField(t, f.SetSeller(f.ctx, f.Admin.ID, bad), "time_zone")

	// A business in New York is still on 31 December.
	seller.TimeZone = "America/New_York"
	if err := f.SetSeller(f.ctx, f.Admin.ID, seller); err != nil {
		t.Fatal(err)
	}
	// A form that does not show the zone (empty) keeps the stored one.
	seller.TimeZone = ""
	if err := f.SetSeller(f.ctx, f.Admin.ID, seller); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Seller(f.ctx); got.TimeZone != "America/New_York" {
		t.Fatalf("zone after saving without one: %q", got.TimeZone)
	}
	inv := f.create(t, data.DocInvoice)
	if inv.Number != "FAC-2026-0001" || inv.IssueDate != "2026-12-31" {
		t.Errorf("invoice in New York: %s issued %s", inv.Number, inv.IssueDate)
	}
	p, err := f.LogPayment(f.ctx, f.Sales.ID, f.deal.ID, data.PaymentInput{Amount: 500})
	if err != nil {
		t.Fatal(err)
	}
	if pd, _ := p.Data.(data.PaymentData); pd.Date != "2026-12-31" {
		t.Errorf("payment in New York dated %v", p.Data)
	}
}
