package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// fixture is a small database: deals of several employees, with a client,
// product lines, custom fields, a won and a lost deal and a comment.
type fixture struct {
	*datatest.DB
	mine      data.Deal // the sales employee is responsible
	observed  data.Deal // the sales employee observes it
	others    data.Deal // the sales employee has nothing to do with it
	won, lost data.Deal
	contact   data.Contact
	company   data.Company
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := datatest.Open(t)
	f := &fixture{DB: db}
	admin := db.Admin.ID
	var err error
	if _, err = db.SaveFieldDef(ctx, admin, data.FieldDef{Entity: data.EntityDeal, Key: "region", Label: "Region", Type: data.FieldText}); err != nil {
		t.Fatal(err)
	}
	if f.company, err = db.CreateCompany(ctx, admin, data.CompanyInput{Name: "Société Générale des Eaux", Emails: []string{"contact@sge.test"},
		Phones: []string{"+33 1 23 45 67 89"}, VATNumber: "FR123"}); err != nil {
		t.Fatal(err)
	}
	if f.contact, err = db.CreateContact(ctx, admin, data.ContactInput{Name: "Élise Durand", CompanyID: f.company.ID,
		Emails: []string{"elise@sge.test", "e.durand@example.test"}, Phones: []string{"06 12 34 56 78"}}); err != nil {
		t.Fatal(err)
	}
	if _, err = db.CreateContact(ctx, admin, data.ContactInput{Name: "John Smith", Emails: []string{"john@example.test"}}); err != nil {
		t.Fatal(err)
	}
	prob := 35
	if f.mine, err = db.CreateDeal(ctx, admin, data.DealInput{Title: "Pumps for <Lyon> & co", ContactID: f.contact.ID, CompanyID: f.company.ID,
		ResponsibleID: db.Sales.ID, Observers: []int64{db.Manager.ID}, Amount: 123450, Probability: &prob, CloseDate: "2026-12-31",
		Source: data.SourceEmail, Custom: map[string]string{"region": "Rhône"}}); err != nil {
		t.Fatal(err)
	}
	if _, err = db.SetLines(ctx, admin, f.mine.ID, []data.LineInput{
		{Name: "Pump P-100", Unit: "pc", Price: 19990, Quantity: 2500, DiscountKind: data.DiscountPercent, Discount: 1000, TaxRate: 2000},
		{Name: "Installation", Price: 50000, Quantity: 1000, DiscountKind: data.DiscountAmount, Discount: 5000, TaxRate: 550, TaxIncluded: true},
	}); err != nil {
		t.Fatal(err)
	}
	db.Clock.Advance(time.Hour)
	if _, err = db.AddComment(ctx, db.Sales.ID, f.mine.ID, "Called, they want a quote"); err != nil {
		t.Fatal(err)
	}
	if f.observed, err = db.CreateDeal(ctx, admin, data.DealInput{Title: "Observed deal", ResponsibleID: db.Sales2.ID,
		Observers: []int64{db.Sales.ID}, CompanyID: f.company.ID, Amount: 1000, Currency: "JPY"}); err != nil {
		t.Fatal(err)
	}
	if f.others, err = db.CreateDeal(ctx, admin, data.DealInput{Title: "Someone else's deal", ResponsibleID: db.Sales2.ID, Amount: 99}); err != nil {
		t.Fatal(err)
	}
	p := db.Pipeline(t)
	wonStage, _ := p.FinalStage(data.StatusWon)
	lostStage, _ := p.FinalStage(data.StatusLost)
	f.won = db.Deal(t, db.Manager.ID, "Won deal")
	if f.won, err = db.MoveDeal(ctx, db.Manager.ID, f.won.ID, wonStage.ID, ""); err != nil {
		t.Fatal(err)
	}
	f.lost = db.Deal(t, admin, "Lost deal")
	if f.lost, err = db.MoveDeal(ctx, admin, f.lost.ID, lostStage.ID, "too expensive"); err != nil {
		t.Fatal(err)
	}
	return f
}

func exportJSON(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	code, out, errOut := run(t, args...)
	if code != 0 {
		t.Fatalf("%q: exit %d: %s", args, code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%q: output is not a JSON array of objects: %v\n%s", args, err, out)
	}
	return got
}

var decimalRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// need asserts that m[key] exists and has the JSON type want ("string",
// "number", "bool", "object", "array", "null", "string|null", …).
func need(t *testing.T, where string, m map[string]any, key, want string) any {
	t.Helper()
	v, ok := m[key]
	if !ok {
		t.Errorf("%s: no %q key in %v", where, key, m)
		return nil
	}
	var got string
	switch v.(type) {
	case string:
		got = "string"
	case float64:
		got = "number"
	case bool:
		got = "bool"
	case map[string]any:
		got = "object"
	case []any:
		got = "array"
	case nil:
		got = "null"
	}
	for _, w := range strings.Split(want, "|") {
		if w == got {
			return v
		}
	}
	t.Errorf("%s: %q is %s (%v), want %s", where, key, got, v, want)
	return v
}

func TestExportDealsJSONShape(t *testing.T) {
	f := newFixture(t)
	deals := exportJSON(t, "export", "deals", "--db", f.Path)
	if len(deals) != 5 {
		t.Fatalf("admin exports %d deals, want 5", len(deals))
	}
	byID := map[int64]map[string]any{}
	statuses := map[string]int{}
	for _, d := range deals {
		where := fmt.Sprintf("deal %v", d["id"])
		need(t, where, d, "id", "number")
		byID[int64(d["id"].(float64))] = d
		for _, k := range []string{"title", "pipeline", "stage", "currency", "source", "lost_reason"} {
			need(t, where, d, k, "string")
		}
		need(t, where, d, "probability", "number")
		need(t, where, d, "close_date", "string|null")
		need(t, where, d, "closed_at", "string|null")
		status := need(t, where, d, "status", "string")
		statuses[fmt.Sprint(status)]++
		if amount, _ := need(t, where, d, "amount", "string").(string); !decimalRE.MatchString(amount) {
			t.Errorf("%s: amount %q is not a decimal string", where, amount)
		}
		for _, k := range []string{"created_at", "updated_at"} {
			s, _ := need(t, where, d, k, "string").(string)
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				t.Errorf("%s: %s %q is not RFC 3339: %v", where, k, s, err)
			}
		}
		client, _ := need(t, where, d, "client", "object").(map[string]any)
		if client != nil {
			need(t, where+" client", client, "contact", "object|null")
			need(t, where+" client", client, "company", "object|null")
		}
		resp, _ := need(t, where, d, "responsible", "object").(map[string]any)
		if resp != nil {
			need(t, where+" responsible", resp, "name", "string")
			need(t, where+" responsible", resp, "email", "string")
		}
		need(t, where, d, "observers", "array")
		need(t, where, d, "custom", "object")
		need(t, where, d, "products", "array")
		tl, _ := need(t, where, d, "timeline", "array").([]any)
		if len(tl) == 0 {
			t.Errorf("%s: empty timeline; the creation at least is in it", where)
		}
		for _, e := range tl {
			em := e.(map[string]any)
			need(t, where+" timeline", em, "kind", "string")
			need(t, where+" timeline", em, "text", "string")
			need(t, where+" timeline", em, "author", "string")
			at, _ := need(t, where+" timeline", em, "at", "string").(string)
			if _, err := time.Parse(time.RFC3339, at); err != nil {
				t.Errorf("%s: timeline at %q: %v", where, at, err)
			}
		}
	}
	if statuses["open"] != 3 || statuses["won"] != 1 || statuses["lost"] != 1 {
		t.Errorf("statuses %v, want 3 open, 1 won, 1 lost", statuses)
	}

	d := byID[f.mine.ID]
	if d["title"] != "Pumps for <Lyon> & co" || d["currency"] != "EUR" {
		t.Errorf("title/currency: %v %v", d["title"], d["currency"])
	}
	// 2.5 × 199.90 − 10 % = 449.78 (+20 % tax = 539.74); 500 − 50 = 450 tax included: total 989.74
	if d["amount"] != "989.74" {
		t.Errorf("amount %v, want the lines' total 989.74", d["amount"])
	}
	if d["probability"] != 35.0 || d["close_date"] != "2026-12-31" || d["source"] != "email" || d["status"] != "open" || d["closed_at"] != nil {
		t.Errorf("probability/close_date/source/status/closed_at: %v %v %v %v %v", d["probability"], d["close_date"], d["source"], d["status"], d["closed_at"])
	}
	contact := d["client"].(map[string]any)["contact"].(map[string]any)
	if contact["name"] != "Élise Durand" || fmt.Sprint(contact["emails"]) != "[elise@sge.test e.durand@example.test]" ||
		fmt.Sprint(contact["phones"]) != "[06 12 34 56 78]" || contact["id"] != float64(f.contact.ID) {
		t.Errorf("client contact %v", contact)
	}
	company := d["client"].(map[string]any)["company"].(map[string]any)
	if company["name"] != "Société Générale des Eaux" || company["id"] != float64(f.company.ID) {
		t.Errorf("client company %v", company)
	}
	if resp := d["responsible"].(map[string]any); resp["email"] != "sales@comptoir.test" || resp["name"] != "Sophie Vente" {
		t.Errorf("responsible %v", resp)
	}
	if obs := d["observers"].([]any); len(obs) != 1 || obs[0].(map[string]any)["email"] != "manager@comptoir.test" {
		t.Errorf("observers %v", obs)
	}
	if d["custom"].(map[string]any)["region"] != "Rhône" {
		t.Errorf("custom %v", d["custom"])
	}
	prods := d["products"].([]any)
	if len(prods) != 2 {
		t.Fatalf("products %v", prods)
	}
	p0 := prods[0].(map[string]any)
	want0 := map[string]any{"name": "Pump P-100", "quantity": "2.5", "unit_price": "199.90", "discount_kind": "percent", "discount": "10",
		"tax_rate": "20", "tax_included": false, "net": "449.78", "tax": "89.96", "gross": "539.74", "unit": "pc"}
	for k, v := range want0 {
		if p0[k] != v {
			t.Errorf("product line 0 %s = %v, want %v", k, p0[k], v)
		}
	}
	p1 := prods[1].(map[string]any)
	if p1["discount_kind"] != "amount" || p1["discount"] != "50.00" || p1["gross"] != "450.00" || p1["tax_included"] != true || p1["tax_rate"] != "5.5" {
		t.Errorf("product line 1 %v", p1)
	}
	tl := d["timeline"].([]any)
	first, last := tl[0].(map[string]any), tl[len(tl)-1].(map[string]any)
	if first["kind"] != "created" || first["source"] != "email" {
		t.Errorf("first timeline entry %v, want the creation with its data flattened", first)
	}
	if last["kind"] != "comment" || last["text"] != "Called, they want a quote" || last["author"] != "Sophie Vente" {
		t.Errorf("last timeline entry %v, want the comment", last)
	}
	foundProducts := false
	for _, e := range tl {
		if em := e.(map[string]any); em["kind"] == "products" {
			foundProducts = em["new"] == "989.74 EUR" && em["lines"] == 2.0
		}
	}
	if !foundProducts {
		t.Errorf("no products entry with new=989.74 EUR and lines=2 in %v", tl)
	}

	if jp := byID[f.observed.ID]; jp["amount"] != "1000" || jp["currency"] != "JPY" || jp["client"].(map[string]any)["contact"] != nil {
		t.Errorf("JPY deal: amount %v currency %v client %v", jp["amount"], jp["currency"], jp["client"])
	}
	lost := byID[f.lost.ID]
	closed, _ := lost["closed_at"].(string)
	if _, err := time.Parse(time.RFC3339, closed); err != nil || lost["lost_reason"] != "too expensive" || lost["status"] != "lost" {
		t.Errorf("lost deal: closed_at %v, reason %v, status %v", lost["closed_at"], lost["lost_reason"], lost["status"])
	}
	if byID[f.won.ID]["status"] != "won" || byID[f.won.ID]["probability"] != 100.0 {
		t.Errorf("won deal: %v %v", byID[f.won.ID]["status"], byID[f.won.ID]["probability"])
	}
}

func TestExportDealByID(t *testing.T) {
	f := newFixture(t)
	got := exportJSON(t, "export", "deals", "--id", strconv.FormatInt(f.lost.ID, 10), "--db", f.Path)
	if len(got) != 1 || got[0]["id"] != float64(f.lost.ID) || got[0]["title"] != "Lost deal" {
		t.Fatalf("--id %d: %v", f.lost.ID, got)
	}
	code, out, errOut := run(t, "export", "deals", "--id", "999999", "--db", f.Path)
	if code != 1 || out != "" || !strings.Contains(errOut, "deal 999999: not found") {
		t.Errorf("unknown id: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestExportDealsAsSalesEmployee(t *testing.T) {
	f := newFixture(t)
	got := exportJSON(t, "export", "deals", "--db", f.Path, "--as", "SALES@comptoir.test")
	ids := map[int64]bool{}
	for _, d := range got {
		ids[int64(d["id"].(float64))] = true
	}
	if len(ids) != 2 || !ids[f.mine.ID] || !ids[f.observed.ID] {
		t.Fatalf("sales employee exports %v, want only deals %d (responsible) and %d (observer)", ids, f.mine.ID, f.observed.ID)
	}
	code, out, errOut := run(t, "export", "deals", "--id", strconv.FormatInt(f.others.ID, 10), "--db", f.Path, "--as", "sales@comptoir.test")
	if code != 1 || out != "" || !strings.Contains(errOut, "not found") {
		t.Errorf("a deal the employee may not see: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = run(t, "export", "deals", "--format", "csv", "--db", f.Path, "--as", "sales@comptoir.test")
	if rows, err := csv.NewReader(strings.NewReader(out)).ReadAll(); code != 0 || err != nil || len(rows) != 3 {
		t.Errorf("sales CSV: exit %d, %d rows (%v), want header + 2", code, len(rows), err)
	}
	// Managers see everything.
	if got := exportJSON(t, "export", "deals", "--db", f.Path, "--as", "manager@comptoir.test"); len(got) != 5 {
		t.Errorf("manager exports %d deals, want 5", len(got))
	}
}

func TestExportDealsCSV(t *testing.T) {
	f := newFixture(t)
	code, out, errOut := run(t, "export", "deals", "--format", "csv", "--db", f.Path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "id,title,pipeline,stage,status,amount,currency,client,company,responsible,source,created_at,updated_at" {
		t.Fatalf("header %v", rows[0])
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows, want header + 5", len(rows))
	}
	var mine []string
	for _, r := range rows[1:] {
		if r[0] == strconv.FormatInt(f.mine.ID, 10) {
			mine = r
		}
	}
	want := []string{strconv.FormatInt(f.mine.ID, 10), "Pumps for <Lyon> & co", "Sales", "New", "open", "989.74", "EUR", "Élise Durand",
		"Société Générale des Eaux", "Sophie Vente", "email"}
	if mine == nil {
		t.Fatalf("no row for deal %d", f.mine.ID)
	}
	for i, w := range want {
		if i == 2 {
			continue // pipeline name: whatever the default pipeline is called
		}
		if mine[i] != w {
			t.Errorf("column %s = %q, want %q", rows[0][i], mine[i], w)
		}
	}
	if _, err := time.Parse(time.RFC3339, mine[11]); err != nil {
		t.Errorf("created_at %q: %v", mine[11], err)
	}
}

func TestExportContactsAndCompanies(t *testing.T) {
	f := newFixture(t)
	contacts := exportJSON(t, "export", "contacts", "--db", f.Path, "--as", "sales@comptoir.test")
	if len(contacts) != 2 {
		t.Fatalf("%d contacts, want 2", len(contacts))
	}
	for _, c := range contacts {
		for k, typ := range map[string]string{"id": "number", "name": "string", "company": "object|null", "emails": "array",
			"phones": "array", "address": "string", "notes": "string", "custom": "object", "created_at": "string", "updated_at": "string"} {
			need(t, "contact", c, k, typ)
		}
	}
	one := exportJSON(t, "export", "contacts", "--id", strconv.FormatInt(f.contact.ID, 10), "--db", f.Path)
	if len(one) != 1 || one[0]["name"] != "Élise Durand" || one[0]["company"].(map[string]any)["name"] != "Société Générale des Eaux" {
		t.Errorf("contact --id: %v", one)
	}
	companies := exportJSON(t, "export", "companies", "--db", f.Path)
	if len(companies) != 1 || companies[0]["vat_number"] != "FR123" || fmt.Sprint(companies[0]["emails"]) != "[contact@sge.test]" {
		t.Errorf("companies %v", companies)
	}
	for k, typ := range map[string]string{"id": "number", "name": "string", "address": "string", "vat_number": "string", "registration": "string",
		"emails": "array", "phones": "array", "notes": "string", "custom": "object", "created_at": "string", "updated_at": "string"} {
		need(t, "company", companies[0], k, typ)
	}

	code, out, _ := run(t, "export", "contacts", "--format", "csv", "--db", f.Path)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != "id,name,company,emails,phones,created_at,updated_at" {
		t.Fatalf("contacts CSV: exit %d, %v, %v", code, err, rows)
	}
	if rows[1][1] != "Élise Durand" || rows[1][3] != "elise@sge.test; e.durand@example.test" {
		t.Errorf("contact row %v", rows[1])
	}
	code, out, _ = run(t, "export", "companies", "--format", "csv", "--db", f.Path)
	rows, err = csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 2 || strings.Join(rows[0], ",") != "id,name,emails,phones,vat_number,created_at,updated_at" {
		t.Fatalf("companies CSV: exit %d, %v, %v", code, err, rows)
	}
}

func TestExportEmptyDatabase(t *testing.T) {
	db := datatest.Open(t)
	code, out, _ := run(t, "export", "deals", "--db", db.Path)
	var got []any
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got == nil || len(got) != 0 {
		t.Errorf("empty export: exit %d, %q", code, out)
	}
	code, out, _ = run(t, "export", "deals", "--format", "csv", "--db", db.Path)
	if code != 0 || !strings.HasPrefix(out, "id,title,") || strings.Count(out, "\n") != 1 {
		t.Errorf("empty CSV: exit %d, %q", code, out)
	}
}

// TestExportDealListsDocuments: the export of a deal lists its quotes and
// invoices with number, kind, status and totals as decimal strings.
func TestExportDealListsDocuments(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	seller := data.DefaultSeller()
	seller.Name, seller.Address = "Comptoir Test SAS", "1 rue de la Paix\n75002 Paris"
	if err := f.SetSeller(ctx, f.Admin.ID, seller); err != nil {
		t.Fatal(err)
	}
	inv, err := f.CreateDocument(ctx, f.Admin.ID, f.mine.ID, data.DocInvoice)
	if err != nil {
		t.Fatal(err)
	}
	got := exportJSON(t, "export", "deals", "--id", strconv.FormatInt(f.mine.ID, 10), "--db", f.Path)
	docs, _ := need(t, "deal", got[0], "documents", "array").([]any)
	if len(docs) != 1 {
		t.Fatalf("documents = %v, want the one invoice", docs)
	}
	doc, _ := docs[0].(map[string]any)
	if doc["number"] != inv.Number || doc["kind"] != "invoice" || doc["status"] != string(inv.Status) {
		t.Errorf("document = %v, want number %s, kind invoice, status %s", doc, inv.Number, inv.Status)
	}
	if doc["gross"] != data.FormatMinor(inv.Gross, inv.Currency) || !decimalRE.MatchString(fmt.Sprint(doc["net"])) {
		t.Errorf("document totals = net %v gross %v, want gross %s", doc["net"], doc["gross"], data.FormatMinor(inv.Gross, inv.Currency))
	}
	// A deal without documents has an empty array, not null.
	other := exportJSON(t, "export", "deals", "--id", strconv.FormatInt(f.won.ID, 10), "--db", f.Path)
	if d, ok := other[0]["documents"].([]any); !ok || len(d) != 0 {
		t.Errorf("documents of a deal without any = %v, want []", other[0]["documents"])
	}
}
