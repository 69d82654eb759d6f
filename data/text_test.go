package data_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// The hostile characters of the tests below.
const (
	rlo     = "\u202E" // right-to-left override: "Invoice\u202EFDP.exe" reads "InvoiceEXE.PDF"
	lro     = "\u202D" // left-to-right override
	zws     = "\u200B" // zero-width space
	ansiRed = "\x1b[31m"
)

func TestCleanName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"Eve\r\nBcc: victim@example.com", "Eve Bcc: victim@example.com"},
		{"  Jeanne\tMartin \n", "Jeanne Martin"},
		{"Invoice " + rlo + "FDP.exe", "Invoice FDP.exe"},
		{"a\x00b" + ansiRed + "c", "ab[31mc"},
		{"\u2066x\u2069" + lro + "y\u200E\u200F\u061Cz" + zws + "\u2060\uFEFF", "xyz"},
		{"line\u2028next\u2029end\u0085!", "line next end !"},
		{"Zoë \u200D👩\u200D💻 \u00A0ok", "Zoë \u200D👩\u200D💻 \u00A0ok"}, // joiners and no-break spaces stay
		{"bad\xffutf8", "badutf8"},
		{rlo + "\r\n", ""},
	} {
		if got := data.CleanName(c.in); got != c.want {
			t.Errorf("CleanName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour"},
		{"col1\tcol2", "col1 col2"},
		{"pay " + rlo + "now\x00" + ansiRed + "!" + zws, "pay now[31m!"},
		{"para\u2029next", "para\nnext"},
		{"  kept as it is  ", "  kept as it is  "},
	} {
		if got := data.CleanText(c.in); got != c.want {
			t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSafeFileNameData(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"Invoice" + rlo + "fdp.exe", "Invoicefdp.exe"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\x\evil.exe`, "evil.exe"},
		{"con.txt", "_con.txt"},
		{"CONIN$", "_CONIN$"},
		{"...", ""},
		{"a?b.pdf", "a_b.pdf"},
	} {
		if got := data.SafeFileName(c.in); got != c.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestHostileNamesAreCleanedWhereTheyEnter writes, through every door a
// name, title or free text comes in by, the characters an attacker uses,
// and reads back what was stored.
func TestHostileNamesAreCleanedWhereTheyEnter(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	check := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}

	emp, err := db.CreateEmployee(ctx, db.Admin.ID, data.EmployeeInput{Name: "Eve\r\nBcc: boss@example.com",
		Email: "eve@comptoir.test", Role: data.RoleSales, Active: true, Signature: "Eve" + rlo + "\r\nSales\x00"})
	if err != nil {
		t.Fatal(err)
	}
	check("employee name", emp.Name, "Eve Bcc: boss@example.com")
	check("employee signature", emp.Signature, "Eve\nSales")
	if err := db.SetSignature(ctx, emp.ID, "Regards,"+ansiRed+"\r\nEve"); err != nil {
		t.Fatal(err)
	}
	if e, _ := db.Employee(ctx, emp.ID); e.Signature != "Regards,[31m\nEve" {
		t.Errorf("signature = %q", e.Signature)
	}

	co, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "Acme" + rlo + "\x00 SA", VATNumber: "FR\u202E12",
		Notes: "line 1\r\nline 2" + zws})
	if err != nil {
		t.Fatal(err)
	}
	check("company name", co.Name, "Acme SA")
	check("company VAT", co.VATNumber, "FR12")
	check("company notes", co.Notes, "line 1\nline 2")

	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Jeanne\x1b[2J" + lro + "Martin", CompanyID: co.ID,
		Phones: []string{"06 12" + zws + " 34 56 78"}, Address: "1 rue\u2066 de Paris", Notes: "call\tback\r\n" + rlo + "soon"})
	if err != nil {
		t.Fatal(err)
	}
	check("contact name", c.Name, "Jeanne[2JMartin")
	check("contact phone", c.Phones[0], "06 12 34 56 78")
	check("contact address", c.Address, "1 rue de Paris")
	check("contact notes", c.Notes, "call back\nsoon")

	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Invoice " + rlo + "FDP.exe", ContactID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	check("deal title", d.Title, "Invoice FDP.exe")
	in := d.Input()
	in.Title = "=cmd\r\n|' /C calc'!A0\x07"
	if d, err = db.UpdateDeal(ctx, db.Sales.ID, d.ID, in); err != nil {
		t.Fatal(err)
	}
	check("updated deal title", d.Title, "=cmd |' /C calc'!A0")
	if _, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: rlo + "\x00\r\n"}); data.FieldErrors(err) == nil || data.FieldErrors(err).Field("title") == nil {
		t.Errorf("a title of hidden characters only: err = %v, want a title error", err)
	}

	p, err := db.SaveProduct(ctx, db.Admin.ID, 0, data.ProductInput{Name: "Chair" + rlo + "gpj.exe", SKU: "CH\x00-1", Unit: "pc\u2069", Price: 100, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	check("product name", p.Name, "Chairgpj.exe")
	check("product sku", p.SKU, "CH-1")
	check("product unit", p.Unit, "pc")
	lines, err := db.SetLines(ctx, db.Sales.ID, d.ID, []data.LineInput{{Name: "Line\r\n" + rlo + "one", Unit: "h\x00", Price: 100, Quantity: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	check("line name", lines[0].Name, "Line one")
	check("line unit", lines[0].Unit, "h")

	pl, err := db.CreatePipeline(ctx, db.Admin.ID, "Export"+rlo+"\r\n")
	if err != nil {
		t.Fatal(err)
	}
	check("pipeline name", pl.Name, "Export")
	if err := db.RenamePipeline(ctx, db.Admin.ID, pl.ID, "Ex\x1bport"+zws); err != nil {
		t.Fatal(err)
	}
	if pl, err = db.Store.Pipeline(ctx, db.Admin.ID, pl.ID); err != nil {
		t.Fatal(err)
	}
	check("renamed pipeline", pl.Name, "Export")
	st, err := db.AddStage(ctx, db.Admin.ID, pl.ID, 0, data.StageInput{Name: "Won" + rlo + "\nnot"})
	if err != nil {
		t.Fatal(err)
	}
	check("stage name", st.Name, "Won not")

	fd, err := db.SaveFieldDef(ctx, db.Admin.ID, data.FieldDef{Entity: data.EntityDeal, Key: "size", Label: "Size" + lro + "\r\n",
		Type: data.FieldList, Options: []string{"S" + zws, "M\x00"}})
	if err != nil {
		t.Fatal(err)
	}
	check("field label", fd.Label, "Size")
	check("field options", strings.Join(fd.Options, ","), "S,M")

	a, err := db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityCall, Subject: "Call\r\nBcc: x" + rlo,
		DueAt: datatest.Start.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	check("activity subject", a.Subject, "Call Bcc: x")

	e, err := db.AddComment(ctx, db.Sales.ID, d.ID, "first\r\nsecond"+rlo+"\x00")
	if err != nil {
		t.Fatal(err)
	}
	check("comment", e.Text, "first\nsecond")

	tpl, err := db.SaveTemplate(ctx, db.Sales.ID, data.EmailTemplate{Name: "Quote" + rlo, Subject: "Your quote\r\nBcc: all@example.com",
		Body: "Hello\r\n" + zws + "{{.Name}}"})
	if err != nil {
		t.Fatal(err)
	}
	check("template name", tpl.Name, "Quote")
	check("template subject", tpl.Subject, "Your quote Bcc: all@example.com")
	check("template body", tpl.Body, "Hello\n{{.Name}}")
}

// TestMailCreatedRecordsAreCleaned: a deal, contact and company made from
// an email get the same cleaning as typed ones.
func TestMailCreatedRecordsAreCleaned(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{ResponsibleID: db.Sales.ID})
	dec := ingest(t, db, acc, clientMail("m1@acme.test", "jeanne@acme.test", "Jeanne\r\nBcc: x"+rlo,
		"Invoice "+rlo+"FDP.exe\x00"))
	deal, err := db.Store.Deal(ctx, db.Admin.ID, dec.DealID)
	if err != nil {
		t.Fatal(err)
	}
	if deal.Title != "Invoice FDP.exe" || deal.ContactName != "Jeanne Bcc: x" {
		t.Fatalf("deal from mail: title %q, contact %q", deal.Title, deal.ContactName)
	}
}

// TestOutgoingAttachmentNamesAreCleaned: a file attached to an email keeps
// no bidirectional override in its name, and the subject stays one line.
func TestOutgoingAttachmentNamesAreCleaned(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	d, err := f.db.PrepareEmail(ctx, f.db.Sales.ID, data.ComposeInput{DealID: f.deal.ID, To: "claire@client.test",
		Subject: "Quote" + rlo + "\r\nBcc: all@example.com", Text: "Hi\x00\r\nthere" + zws,
		Files: []data.FileInput{{Name: "Invoice" + rlo + "fdp.exe", Data: []byte("MZ")}, {Name: "con.txt" + zws, Data: []byte("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Subject != "Quote Bcc: all@example.com" || d.Text != "Hi\nthere" {
		t.Errorf("subject %q, text %q", d.Subject, d.Text)
	}
	if len(d.Files) != 2 || d.Files[0].Name != "Invoicefdp.exe" || d.Files[1].Name != "_con.txt" {
		t.Errorf("files %+v", d.Files)
	}
}
