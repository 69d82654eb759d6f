package formats_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
)

func readTable(t *testing.T, text string) *formats.Table {
	t.Helper()
	tab, err := formats.ReadCSV(strings.NewReader(text))
	if err != nil {
		t.Fatalf("read csv: %v", err)
	}
	return tab
}

func contactCount(t *testing.T, db *datatest.DB) int {
	t.Helper()
	rows, err := db.ContactList(context.Background(), db.Admin.ID, data.ListCursor{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(rows)
}

func TestImportCSVBadLineImportsNothing(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	tab := readTable(t, "Name,Email,Phone,Company\n"+
		"Anne Martin,anne@example.com,+33 6 12 34 56 78,Boulangerie Martin\n"+
		"Bruno Petit,not-an-email,01 23 45 67 89,\n"+
		",carla@example.com,,\n"+
		"Denis Roux,denis@example.com,,Roux SARL\n")
	m := formats.GuessMapping(data.ImportContacts, tab.Header, nil)
	if want := []string{formats.TargetName, formats.TargetEmail, formats.TargetPhone, formats.TargetCompany}; !slices.Equal(m, want) {
		t.Fatalf("mapping %q, want %q", m, want)
	}
	recs, err := tab.Records(data.ImportContacts, m)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Import(ctx, db.Sales.ID, data.ImportContacts, recs, data.ImportOptions{})
	var ie *data.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("import error = %v, want *ImportError", err)
	}
	if len(ie.Lines) != 2 || ie.Lines[0].Line != 3 || ie.Lines[1].Line != 4 {
		t.Fatalf("bad lines = %+v, want lines 3 and 4", ie.Lines)
	}
	if f := ie.Lines[0].Fields; len(f) != 1 || f[0].Field != "emails[0]" || f[0].Code != "invalid_email" {
		t.Errorf("line 3 fields = %+v", f)
	}
	if f := ie.Lines[1].Fields; len(f) != 1 || f[0].Field != "name" || f[0].Code != "required" {
		t.Errorf("line 4 fields = %+v", f)
	}
	if col := recs[1].Column["emails[0]"]; col != 1 {
		t.Errorf("emails[0] of line 3 comes from column %d, want 1", col)
	}
	if len(res.Lines) != 4 || res.Lines[0].Errors != nil || res.Lines[1].Errors == nil {
		t.Errorf("outcomes = %+v", res.Lines)
	}
	if n := contactCount(t, db); n != 0 {
		t.Errorf("%d contacts after a refused import, want 0", n)
	}
	cos, _ := db.CompanyList(ctx, db.Admin.ID, data.ListCursor{}, 10)
	if len(cos) != 0 {
		t.Errorf("companies created by a refused import: %+v", cos)
	}
	if !strings.Contains(err.Error(), "line 3: emails[0]") {
		t.Errorf("message %q does not name line and field", err)
	}
}

func TestImportCSVExistingEmailUpdates(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	old, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Anne M.", Emails: []string{"Anne.Martin@Example.com"},
		Phones: []string{"06 12 34 56 78"}, Notes: "met at the fair"})
	if err != nil {
		t.Fatal(err)
	}
	tab := readTable(t, "Name,Email,Phone,Address\n"+
		"Anne Martin,anne.martin@example.COM,+33 6 12 34 56 78,1 rue de la Paix\n"+
		"Bruno Petit,bruno@example.com,,\n"+
		"Bruno P.,BRUNO@example.com,0102030405,\n")
	recs, err := tab.Records(data.ImportContacts, formats.GuessMapping(data.ImportContacts, tab.Header, nil))
	if err != nil {
		t.Fatal(err)
	}
	dry, err := db.Import(ctx, db.Sales.ID, data.ImportContacts, recs, data.ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Created != 1 || dry.Updated != 2 {
		t.Errorf("dry run: created %d updated %d, want 1 and 2", dry.Created, dry.Updated)
	}
	if n := contactCount(t, db); n != 1 {
		t.Fatalf("dry run wrote: %d contacts", n)
	}
	res, err := db.Import(ctx, db.Sales.ID, data.ImportContacts, recs, data.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Updated != 2 {
		t.Errorf("created %d updated %d, want 1 and 2", res.Created, res.Updated)
	}
	if res.Lines[0].ID != old.ID || !res.Lines[0].Updated {
		t.Errorf("line 2 outcome %+v, want an update of contact %d", res.Lines[0], old.ID)
	}
	if n := contactCount(t, db); n != 2 {
		t.Errorf("%d contacts, want 2 (no duplicates)", n)
	}
	got, err := db.Contact(ctx, db.Admin.ID, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Anne Martin" || got.Address != "1 rue de la Paix" || got.Notes != "met at the fair" {
		t.Errorf("updated contact = %+v", got)
	}
	if len(got.Emails) != 1 || len(got.Phones) != 1 {
		t.Errorf("emails %q phones %q: the same address and number must not be added twice", got.Emails, got.Phones)
	}
	bs, err := db.ContactsByEmail(ctx, db.Admin.ID, "bruno@example.com")
	if err != nil || len(bs) != 1 {
		t.Fatalf("bruno: %v %+v", err, bs)
	}
	if bs[0].Name != "Bruno P." || !slices.Equal(bs[0].Phones, []string{"0102030405"}) {
		t.Errorf("bruno after the second line = %+v", bs[0])
	}
}

func TestImportFrenchCSVWithBOM(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	if _, err := db.SaveFieldDef(ctx, db.Admin.ID, data.FieldDef{Entity: data.EntityContact, Key: "vip", Label: "Client VIP", Type: data.FieldBool}); err != nil {
		t.Fatal(err)
	}
	defs, err := db.FieldDefs(ctx, db.Admin.ID, data.EntityContact)
	if err != nil {
		t.Fatal(err)
	}
	text := "\uFEFFPrénom;Nom;E-mail;Téléphone;Société;Adresse;Client VIP;Remarques\r\n" +
		"Élodie;Lefèvre;elodie@exemple.fr;01 02 03 04 05;Café du Port;\"12 quai des Brumes\n76600 Le Havre\";oui;\"appeler le matin; pas le lundi\"\r\n" +
		";;;;;;;\r\n" +
		"Jérôme;Durand;jerome@exemple.fr, j.durand@exemple.fr;\"06 11 22 33 44 ; 02 35 00 00 00\";café du port;;non;\r\n"
	tab := readTable(t, text)
	if tab.Comma != ';' {
		t.Errorf("separator %q, want ';'", tab.Comma)
	}
	if tab.Header[0] != "Prénom" {
		t.Errorf("first header %q: the byte-order mark must go", tab.Header[0])
	}
	if !slices.Equal(tab.Lines, []int{2, 5}) {
		t.Errorf("lines %v, want [2 5] (a quoted cell spans two lines, a blank row is skipped)", tab.Lines)
	}
	m := formats.GuessMapping(data.ImportContacts, tab.Header, defs)
	want := []string{formats.TargetFirstName, formats.TargetLastName, formats.TargetEmail, formats.TargetPhone, formats.TargetCompany,
		formats.TargetAddress, "custom.vip", formats.TargetNotes}
	if !slices.Equal(m, want) {
		t.Fatalf("mapping %q, want %q", m, want)
	}
	recs, err := tab.Records(data.ImportContacts, m)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Import(ctx, db.Sales.ID, data.ImportContacts, recs, data.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || res.CompaniesCreated != 1 {
		t.Errorf("created %d contacts and %d companies, want 2 and 1 (the company name matches whatever its case)", res.Created, res.CompaniesCreated)
	}
	e, err := db.Contact(ctx, db.Admin.ID, res.Lines[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "Élodie Lefèvre" || e.CompanyName != "Café du Port" || e.Custom["vip"] != "true" ||
		e.Notes != "appeler le matin; pas le lundi" || !strings.Contains(e.Address, "Le Havre") {
		t.Errorf("first contact = %+v", e)
	}
	j, err := db.Contact(ctx, db.Admin.ID, res.Lines[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(j.Emails, []string{"jerome@exemple.fr", "j.durand@exemple.fr"}) || len(j.Phones) != 2 || j.CompanyID != e.CompanyID {
		t.Errorf("second contact = %+v", j)
	}
}

func TestReadCSVWindows1252(t *testing.T) {
	tab := readTable(t, "Nom;Ville\nJos\xe9;Orl\xe9ans\n")
	if tab.Rows[0][0] != "José" || tab.Rows[0][1] != "Orléans" {
		t.Errorf("row %q, want Windows-1252 decoded", tab.Rows[0])
	}
}

func TestImportMappingNeedsAName(t *testing.T) {
	tab := readTable(t, "Email\na@example.com\n")
	_, err := tab.Records(data.ImportContacts, []string{formats.TargetEmail})
	ve := data.FieldErrors(err)
	if ve == nil || ve.Field("mapping") == nil {
		t.Fatalf("err = %v, want a validation error on mapping", err)
	}
}

func TestImportCompaniesMatchByEmailThenName(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	a, err := db.CreateCompany(ctx, db.Sales.ID, data.CompanyInput{Name: "Acme", Emails: []string{"hello@acme.test"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.CreateCompany(ctx, db.Sales.ID, data.CompanyInput{Name: "Beta SAS"})
	if err != nil {
		t.Fatal(err)
	}
	tab := readTable(t, "Raison sociale;Courriel;N° TVA;SIRET\n"+
		"ACME Europe;HELLO@acme.test;FR123;\n"+
		"beta sas;;;552 100 554 00025\n"+
		"Gamma;gamma@gamma.test;;\n")
	m := formats.GuessMapping(data.ImportCompanies, tab.Header, nil)
	if want := []string{formats.TargetName, formats.TargetEmail, formats.TargetVAT, formats.TargetRegistration}; !slices.Equal(m, want) {
		t.Fatalf("mapping %q, want %q", m, want)
	}
	recs, err := tab.Records(data.ImportCompanies, m)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Import(ctx, db.Sales.ID, data.ImportCompanies, recs, data.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Updated != 2 || res.Lines[0].ID != a.ID || res.Lines[1].ID != b.ID {
		t.Fatalf("result %+v", res)
	}
	got, _ := db.Company(ctx, db.Admin.ID, a.ID)
	if got.Name != "ACME Europe" || got.VATNumber != "FR123" || len(got.Emails) != 1 {
		t.Errorf("acme = %+v", got)
	}
	got, _ = db.Company(ctx, db.Admin.ID, b.ID)
	if got.Registration != "552 100 554 00025" {
		t.Errorf("beta = %+v", got)
	}
}

const vcard30 = "BEGIN:VCARD\r\n" +
	"VERSION:3.0\r\n" +
	"N:Martin;Anne;;;\r\n" +
	"FN:Anne Martin\r\n" +
	"ORG:Boulangerie Martin;Ventes\r\n" +
	"EMAIL;TYPE=INTERNET,WORK:anne@example.com\r\n" +
	"EMAIL;TYPE=INTERNET,HOME:anne.perso@example.net\r\n" +
	"TEL;TYPE=CELL:+33 6 12 34 56 78\r\n" +
	"TEL;TYPE=WORK:+33 1 23 45 67 89\r\n" +
	"ADR;TYPE=WORK:;;12 rue du Four;Paris;;75006;France\r\n" +
	"NOTE:Prefers mornings\\, not Mondays\\nSecond line\r\n" +
	"PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcp\r\n" +
	" LDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/\r\n" +
	"END:VCARD\r\n" +
	"BEGIN:VCARD\r\n" +
	"VERSION:3.0\r\n" +
	"N:Petit;Bruno;;;\r\n" +
	"EMAIL:bruno@example.com\r\n" +
	"END:VCARD\r\n"

func TestReadVCard30(t *testing.T) {
	recs, err := formats.ReadVCards(strings.NewReader(vcard30))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d cards, want 2", len(recs))
	}
	a := recs[0]
	if a.Line != 1 || a.Contact.Name != "Anne Martin" || a.CompanyName != "Boulangerie Martin" {
		t.Errorf("first card = %+v", a)
	}
	if !slices.Equal(a.Contact.Emails, []string{"anne@example.com", "anne.perso@example.net"}) ||
		!slices.Equal(a.Contact.Phones, []string{"+33 6 12 34 56 78", "+33 1 23 45 67 89"}) {
		t.Errorf("emails %q phones %q", a.Contact.Emails, a.Contact.Phones)
	}
	if a.Contact.Address != "12 rue du Four, 75006 Paris, France" {
		t.Errorf("address %q", a.Contact.Address)
	}
	if a.Contact.Notes != "Prefers mornings, not Mondays\nSecond line" {
		t.Errorf("notes %q", a.Contact.Notes)
	}
	if recs[1].Line != 15 || recs[1].Contact.Name != "Bruno Petit" {
		t.Errorf("second card = %+v (a name from N when FN is missing)", recs[1])
	}
}

// vcard21 is what older phones export: bare TYPE parameters, quoted-printable
// values in UTF-8 and Latin-1 with soft line breaks.
const vcard21 = "BEGIN:VCARD\r\n" +
	"VERSION:2.1\r\n" +
	"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:L=C3=A9v=C3=AAque;=C3=89lodie;;;\r\n" +
	"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=89lodie L=C3=A9v=C3=AAque\r\n" +
	"TEL;CELL;PREF:+33612345678\r\n" +
	"TEL;HOME:02 35 00 00 00\r\n" +
	"EMAIL;INTERNET:elodie@exemple.fr\r\n" +
	"ORG;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Caf=E9 du Port\r\n" +
	"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Rappeler apr=C3=A8s le salon, avant la fin=\r\n" +
	"=20du mois=0D=0AImportant\r\n" +
	"END:VCARD\r\n" +
	"BEGIN:VCARD\r\n" +
	"VERSION:2.1\r\n" +
	"N:Durand;Jérôme\r\n" +
	"TEL;WORK;VOICE:01 23 45 67 89\r\n" +
	"END:VCARD\r\n"

func TestReadVCard21AndImport(t *testing.T) {
	recs, err := formats.ReadVCards(strings.NewReader(vcard21))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d cards, want 2", len(recs))
	}
	e := recs[0]
	if e.Contact.Name != "Élodie Lévêque" || e.CompanyName != "Café du Port" {
		t.Errorf("first card name %q company %q", e.Contact.Name, e.CompanyName)
	}
	if !slices.Equal(e.Contact.Phones, []string{"+33612345678", "02 35 00 00 00"}) || !slices.Equal(e.Contact.Emails, []string{"elodie@exemple.fr"}) {
		t.Errorf("phones %q emails %q", e.Contact.Phones, e.Contact.Emails)
	}
	if e.Contact.Notes != "Rappeler après le salon, avant la fin du mois\r\nImportant" && e.Contact.Notes != "Rappeler après le salon, avant la fin du mois\nImportant" {
		t.Errorf("notes %q", e.Contact.Notes)
	}
	if j := recs[1]; j.Line != 12 || j.Contact.Name != "Jérôme Durand" || !slices.Equal(j.Contact.Phones, []string{"01 23 45 67 89"}) {
		t.Errorf("second card = %+v", j)
	}

	db := datatest.Open(t)
	ctx := context.Background()
	res, err := db.Import(ctx, db.Sales.ID, data.ImportContacts, recs, data.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || res.CompaniesCreated != 1 {
		t.Errorf("result %+v", res)
	}
	hits, err := db.SearchClients(ctx, db.Admin.ID, data.KindContact, "leveque", 10)
	if err != nil || len(hits) != 1 || hits[0].Company != "Café du Port" {
		t.Errorf("search leveque = %+v, %v", hits, err)
	}
}

func TestReadVCardWithoutCards(t *testing.T) {
	if _, err := formats.ReadVCards(strings.NewReader("hello\n")); err == nil {
		t.Error("a file without cards was accepted")
	}
}

func BenchmarkImportCSV1000(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("Nom;E-mail;Téléphone;Société\n")
	for i := range 1000 {
		fmt.Fprintf(&sb, "Client %d;client%d@example.com;06 12 34 %02d %02d;Société %d\n", i, i, i/100, i%100, i%50)
	}
	text := sb.String()
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db := datatest.Open(b)
		b.StartTimer()
		tab, err := formats.ReadCSV(strings.NewReader(text))
		if err != nil {
			b.Fatal(err)
		}
		recs, err := tab.Records(data.ImportContacts, formats.GuessMapping(data.ImportContacts, tab.Header, nil))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Import(ctx, db.Sales.ID, data.ImportContacts, recs, data.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
