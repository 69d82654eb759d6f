package data_test

import (
	"context"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// Every figure below is worked out by hand from the rule in ComputeLine:
// per line, in minor units, half away from zero.
func TestComputeLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   data.LineInput
		want data.LineTotals
	}{
		{"three-decimal quantity, 20 %: 2.5 × 19.99 = 49.975 → 49.98; tax 9.996 → 10.00",
			data.LineInput{Price: 1999, Quantity: 2500, TaxRate: 2000},
			data.LineTotals{Net: 4998, Tax: 1000, Gross: 5998}},
		{"1.333 × 7.50 = 9.9975 → 10.00; 5.5 % → 0.55",
			data.LineInput{Price: 750, Quantity: 1333, TaxRate: 550},
			data.LineTotals{Net: 1000, Tax: 55, Gross: 1055}},
		{"0.001 × 0.49 = 0.00049 → 0.00",
			data.LineInput{Price: 49, Quantity: 1, TaxRate: 2000},
			data.LineTotals{}},
		{"0.001 × 500.00 = 0.50 exactly; tax 0.10",
			data.LineInput{Price: 50000, Quantity: 1, TaxRate: 2000},
			data.LineTotals{Net: 50, Tax: 10, Gross: 60}},
		{"half away from zero: 0.5 × 0.01 = 0.005 → 0.01",
			data.LineInput{Price: 1, Quantity: 500, TaxRate: 0},
			data.LineTotals{Net: 1, Gross: 1}},
		{"tax half away from zero: 0.25 at 2 % = 0.005 → 0.01",
			data.LineInput{Price: 25, Quantity: 1000, TaxRate: 200},
			data.LineTotals{Net: 25, Tax: 1, Gross: 26}},
		{"tax included 20 %: 12.00 → net 10.00, tax 2.00",
			data.LineInput{Price: 1200, Quantity: 1000, TaxRate: 2000, TaxIncluded: true},
			data.LineTotals{Net: 1000, Tax: 200, Gross: 1200}},
		{"tax included 5.5 %: 10.00 → net 9.478… → 9.48, tax 0.52",
			data.LineInput{Price: 1000, Quantity: 1000, TaxRate: 550, TaxIncluded: true},
			data.LineTotals{Net: 948, Tax: 52, Gross: 1000}},
		{"percent discount 12.5 %: 3 × 100.00 = 300.00 − 37.50 = 262.50; 10 % tax 26.25",
			data.LineInput{Price: 10000, Quantity: 3000, DiscountKind: data.DiscountPercent, Discount: 1250, TaxRate: 1000},
			data.LineTotals{Discount: 3750, Net: 26250, Tax: 2625, Gross: 28875}},
		{"amount discount 1.25 per unit × 2.5: 62.50 → 23.75 × 2.5 = 59.375 → 59.38, discount 3.12",
			data.LineInput{Price: 2500, Quantity: 2500, DiscountKind: data.DiscountAmount, Discount: 125, TaxRate: 2000},
			data.LineTotals{Discount: 312, Net: 5938, Tax: 1188, Gross: 7126}},
		{"percent discount on a fraction: 1.5 × 9.99 at −33.33 % = 9.990… → 9.99",
			data.LineInput{Price: 999, Quantity: 1500, DiscountKind: data.DiscountPercent, Discount: 3333, TaxRate: 550},
			data.LineTotals{Discount: 500, Net: 999, Tax: 55, Gross: 1054}},
		{"100 % discount is zero, never negative",
			data.LineInput{Price: 999, Quantity: 7000, DiscountKind: data.DiscountPercent, Discount: 10000, TaxRate: 2000},
			data.LineTotals{Discount: 6993, Net: 0, Tax: 0, Gross: 0}},
		{"discount of the whole unit price is zero, never negative",
			data.LineInput{Price: 999, Quantity: 3333, DiscountKind: data.DiscountAmount, Discount: 999, TaxRate: 2000, TaxIncluded: true},
			data.LineTotals{Discount: 3330, Net: 0, Tax: 0, Gross: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := data.ComputeLine(tc.in)
			if got != tc.want {
				t.Fatalf("ComputeLine = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestComputeTotalsMixedRates(t *testing.T) {
	lines := []data.LineInput{
		{Price: 1999, Quantity: 2500, TaxRate: 2000},                                                                        // 49.98 + 10.00
		{Price: 750, Quantity: 1333, TaxRate: 550},                                                                          // 10.00 + 0.55
		{Price: 1000, Quantity: 1000, TaxRate: 550, TaxIncluded: true},                                                      // 9.48 + 0.52
		{Price: 1200, Quantity: 1000, TaxRate: 2000, TaxIncluded: true, DiscountKind: data.DiscountPercent, Discount: 5000}, // 6.00: 5.00 + 1.00
	}
	got := data.ComputeTotals(lines)
	want := data.Totals{
		Net: 4998 + 1000 + 948 + 500, Tax: 1000 + 55 + 52 + 100, Gross: 5998 + 1055 + 1000 + 600,
		ByRate: []data.RateTotal{{Rate: 550, Net: 1948, Tax: 107}, {Rate: 2000, Net: 5498, Tax: 1100}},
	}
	if got.Net != want.Net || got.Tax != want.Tax || got.Gross != want.Gross || len(got.ByRate) != 2 ||
		got.ByRate[0] != want.ByRate[0] || got.ByRate[1] != want.ByRate[1] {
		t.Fatalf("ComputeTotals = %+v, want %+v", got, want)
	}
	if got.Net+got.Tax != got.Gross {
		t.Fatalf("net %d + tax %d ≠ gross %d", got.Net, got.Tax, got.Gross)
	}
}

// A validated line never totals below zero, whatever its mix of discount,
// fraction and tax.
func TestLineTotalsNeverNegative(t *testing.T) {
	for _, price := range []int64{0, 1, 3, 99, 12345} {
		for _, qty := range []int64{1, 333, 1000, 2501} {
			for _, disc := range []int64{0, min(1, price), price / 2, price} {
				for _, incl := range []bool{false, true} {
					for _, kind := range []data.DiscountKind{data.DiscountAmount, data.DiscountPercent} {
						in := data.LineInput{Name: "x", Price: price, Quantity: qty, DiscountKind: kind, Discount: disc, TaxRate: 550, TaxIncluded: incl}
						if kind == data.DiscountPercent {
							in.Discount = disc * 10000 / max(price, 1)
						}
						if errs := data.ValidateLine(&in, ""); len(errs) > 0 {
							t.Fatalf("%+v: %v", in, errs)
						}
						lt := data.ComputeLine(in)
						if lt.Net < 0 || lt.Tax < 0 || lt.Gross < 0 || lt.Discount < 0 || lt.Net+lt.Tax != lt.Gross {
							t.Fatalf("%+v → %+v", in, lt)
						}
					}
				}
			}
		}
	}
}

func TestSetLinesOwnsTheAmount(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Desks", Amount: 50000})
	if err != nil {
		t.Fatal(err)
	}
	lines := []data.LineInput{
		{Name: "Desk", Price: 1999, Quantity: 2500, TaxRate: 2000},
		{Name: "Book", Price: 750, Quantity: 1333, TaxRate: 550},
	}
	got, err := db.SetLines(ctx, db.Sales.ID, d.ID, lines)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Totals.Gross != 5998 || got[1].Totals.Gross != 1055 || got[0].Name != "Desk" {
		t.Fatalf("lines: %+v", got)
	}
	d, _ = db.Store.Deal(ctx, db.Sales.ID, d.ID)
	if d.Amount != 7053 || !d.HasLines {
		t.Fatalf("deal amount %d (has lines %v), want the gross total 7053", d.Amount, d.HasLines)
	}
	es := timelineOf(t, db, d.ID)
	if last := es[len(es)-1]; last.Kind != data.EntryProducts ||
		last.Data != (data.ProductsData{Lines: 2, Old: data.Money{Minor: 50000, Currency: "EUR"}, New: data.Money{Minor: 7053, Currency: "EUR"}}) {
		t.Fatalf("products entry: %+v", last)
	}
	// The amount is read-only while there are lines.
	in := d.Input()
	in.Amount, in.Title = 1, "Desks and books"
	d, err = db.UpdateDeal(ctx, db.Sales.ID, d.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if d.Amount != 7053 || d.Title != "Desks and books" {
		t.Fatalf("update with lines: amount %d title %q", d.Amount, d.Title)
	}
	// No lines: the amount stays and is editable again.
	if _, err := db.SetLines(ctx, db.Sales.ID, d.ID, nil); err != nil {
		t.Fatal(err)
	}
	d, _ = db.Store.Deal(ctx, db.Sales.ID, d.ID)
	if d.Amount != 7053 || d.HasLines {
		t.Fatalf("after clearing lines: %d %v", d.Amount, d.HasLines)
	}
	in = d.Input()
	in.Amount = 9900
	if d, err = db.UpdateDeal(ctx, db.Sales.ID, d.ID, in); err != nil || d.Amount != 9900 {
		t.Fatalf("amount editable again: %d, %v", d.Amount, err)
	}
}

func TestHugeLineRefusedByValidation(t *testing.T) {
	ok := data.LineInput{Name: "Big", Price: 1_000_000_000, Quantity: 100_000_000, TaxRate: 10000} // 10^5 units at 10^7 €
	if errs := data.ValidateLine(&ok, ""); len(errs) != 0 {
		t.Fatalf("a large but sane line refused: %v", errs)
	}
	if lt := data.ComputeLine(ok); lt.Gross <= 0 || lt.Gross > data.MaxLineTotal {
		t.Fatalf("totals %+v", lt)
	}
	huge := data.LineInput{Name: "Huge", Price: 100_000_000, Quantity: 1_000_000_000_000_000, TaxRate: 2000}
	errs := data.ValidateLine(&huge, "lines[0].")
	if len(errs) != 1 || errs[0].Field != "lines[0].total" {
		t.Fatalf("overflowing line: %v", errs)
	}
}

// TestLinesWhoseSumOverflowsAreRefused: 10,000 lines, each at the largest
// total a line may have, once added up to a negative deal amount.
func TestLinesWhoseSumOverflowsAreRefused(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Everything", Amount: 500})
	if err != nil {
		t.Fatal(err)
	}
	// One unit at half the bound, taxed at 100 %: the largest line allowed.
	biggest := data.LineInput{Name: "Big", Quantity: 1000, Price: data.MaxLineTotal / 2, TaxRate: 10000}
	if errs := data.ValidateLine(&biggest, ""); len(errs) != 0 {
		t.Fatalf("the largest line is refused: %v", errs)
	}
	lines := make([]data.LineInput, 10_000)
	for i := range lines {
		lines[i] = biggest
	}
	_, err = db.SetLines(ctx, db.Sales.ID, d.ID, lines)
	fe := data.FieldErrors(err)
	if fe == nil || len(fe.Fields) != 1 || fe.Fields[0].Field != "lines[1].total" || fe.Fields[0].Code != "too_large" {
		t.Fatalf("10,000 largest lines: err = %v, want lines[1].total too_large", err)
	}
	if d, _ = db.Store.Deal(ctx, db.Sales.ID, d.ID); d.Amount != 500 || d.HasLines {
		t.Fatalf("after the refusal: amount %d, lines %v", d.Amount, d.HasLines)
	}
	// Up to the bound is fine, to the cent.
	half := data.LineInput{Name: "Half", Quantity: 1000, Price: data.MaxLineTotal / 2}
	if _, err := db.SetLines(ctx, db.Sales.ID, d.ID, []data.LineInput{half, half}); err != nil {
		t.Fatal(err)
	}
	if d, _ = db.Store.Deal(ctx, db.Sales.ID, d.ID); d.Amount != data.MaxLineTotal {
		t.Fatalf("amount %d, want %d", d.Amount, int64(data.MaxLineTotal))
	}
	// The bulk loader (seed, sync) keeps the same rule.
	err = db.Bulk(ctx, db.Admin.ID, func(b *data.BulkTx) error {
		_, err := b.Deal(data.BulkDeal{DealInput: data.DealInput{Title: "Bulk"}, Lines: []data.LineInput{biggest, biggest, biggest}})
		return err
	})
	if fe := data.FieldErrors(err); fe == nil || fe.Field("lines[1].total") == nil {
		t.Fatalf("bulk deal with overflowing lines: %v", err)
	}
}
