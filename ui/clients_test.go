package ui

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
)

// newClientsTestApp is an App over a real SQLite file, used by the sales
// employee, with a main window whose screens are built as they are shown
// (the employee's work, the board, are not started).
func newClientsTestApp(t *testing.T) (*App, *datatest.DB) {
	t.Helper()
	fa := test.NewTempApp(t)
	db := datatest.Open(t)
	w := fa.NewWindow("Comptoir")
	w.Resize(fyne.NewSize(1100, 760))
	a := newTestApp(t, fa, w, testDeps(db.Store, "en"))
	a.Me = db.Sales
	onUI(a, func() {
		a.main = newMainWindow(a)
		w.SetContent(a.main.root)
	})
	t.Cleanup(func() {
		a.close()
		waitIdle(a)
	})
	return a, db
}

// contactsScreen shows the Contacts screen in the window. It stops the live
// subscription, so that a test's own writes refresh nothing behind its
// back; tests deliver changes themselves with s.changed, as the
// subscription would.
func contactsScreen(t *testing.T, a *App) *clientsScreen {
	t.Helper()
	var s *clientsScreen
	onUI(a, func() {
		a.main.show("contacts")
		s = a.main.contacts
		s.unsubscribe()
	})
	waitIdle(a)
	return s
}

func rowNames(s *clientsScreen) []string {
	var out []string
	for _, r := range s.rows {
		out = append(out, r.Name)
	}
	return out
}

func TestContactFormCreatesWithTwoEmailsAndSearchNarrows(t *testing.T) {
	a, db := newClientsTestApp(t)
	ctx := context.Background()
	if _, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Bruno Petit", Emails: []string{"bruno@example.com"}}); err != nil {
		t.Fatal(err)
	}
	s := contactsScreen(t, a)
	if got := rowNames(s); len(got) != 1 || got[0] != "Bruno Petit" {
		t.Fatalf("list = %q", got)
	}

	onUI(a, func() { test.Tap(s.newBtn) })
	waitIdle(a)
	f := s.form
	if f == nil || f.id != 0 {
		t.Fatal("New contact did not open an empty form")
	}
	onUI(a, func() { test.Type(f.name, "Anne Martin") })
	onUI(a, func() { test.Type(f.emails.rows[0].entry, "anne@example.com") })
	onUI(a, func() { test.Tap(f.emails.add) })
	onUI(a, func() { test.Type(f.emails.rows[1].entry, "anne.perso@example.net") })
	onUI(a, func() { test.Type(f.phones.rows[0].entry, "+33 6 12 34 56 78") })
	if !f.Dirty() || f.saveBtn.Disabled() {
		t.Fatal("typing did not make the form dirty")
	}
	onUI(a, func() { test.Tap(f.saveBtn) })
	waitIdle(a)
	if f.id == 0 || f.Dirty() {
		t.Fatalf("not saved: id %d dirty %v status %q general %q", f.id, f.Dirty(), f.status.Text, f.general.Text)
	}
	c, err := db.Contact(ctx, db.Admin.ID, f.id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Anne Martin" || len(c.Emails) != 2 || c.Emails[1] != "anne.perso@example.net" || len(c.Phones) != 1 {
		t.Errorf("stored contact = %+v", c)
	}
	if got := rowNames(s); len(got) != 2 || got[0] != "Anne Martin" {
		t.Errorf("list after save = %q, want Anne Martin first", got)
	}

	var opened []string
	a.openExternal = func(u *url.URL) error { opened = append(opened, u.String()); return nil }
	// Anne has no deal: her address goes to the system's mail client.
	onUI(a, func() { test.Tap(f.emails.rows[1].open) })
	waitIdle(a)
	onUI(a, func() { test.Tap(f.phones.rows[0].open) })
	if len(opened) != 2 || opened[0] != "mailto:anne.perso@example.net" || opened[1] != "tel:+33612345678" {
		t.Errorf("opened %q", opened)
	}
	// After dialling, "Log a call" is offered for that number.
	if f.callForm == nil || f.callForm.dealID != 0 || f.callForm.phone.Text != c.Phones[0] {
		t.Errorf("no call dialog for %q after the tel: link", c.Phones[0])
	}

	onUI(a, func() { test.Type(s.search, "anne") })
	waitIdle(a)
	if got := rowNames(s); len(got) != 1 || got[0] != "Anne Martin" {
		t.Errorf("search anne = %q", got)
	}
	onUI(a, func() { s.search.SetText("example.com") })
	waitIdle(a)
	if got := rowNames(s); len(got) != 2 {
		t.Errorf("search example.com = %q, want both", got)
	}
	onUI(a, func() { s.search.SetText("") })
	waitIdle(a)
	if got := rowNames(s); len(got) != 2 || s.count.Text != "" {
		t.Errorf("cleared search = %q (%q)", got, s.count.Text)
	}
}

func TestContactFormValidationErrorNextToEmailNothingSaved(t *testing.T) {
	a, db := newClientsTestApp(t)
	s := contactsScreen(t, a)
	onUI(a, func() { test.Tap(s.newBtn) })
	waitIdle(a)
	f := s.form
	onUI(a, func() { test.Type(f.emails.rows[0].entry, "anne@example.com") })
	onUI(a, func() { test.Tap(f.emails.add) })
	onUI(a, func() { test.Type(f.emails.rows[1].entry, "not-an-email") })
	onUI(a, func() { test.Tap(f.saveBtn) })
	waitIdle(a)
	if !f.errs["name"].Visible() || f.errs["name"].Text == "" {
		t.Error("no error next to the empty name")
	}
	if f.emails.rows[0].err.Visible() {
		t.Errorf("error under the valid email: %q", f.emails.rows[0].err.Text)
	}
	if e := f.emails.rows[1].err; !e.Visible() || e.Text != "This is not an email address." {
		t.Errorf("error under the bad email = %q (visible %v)", e.Text, e.Visible())
	}
	if f.id != 0 || !f.Dirty() {
		t.Errorf("form state after a refused save: id %d dirty %v", f.id, f.Dirty())
	}
	rows, err := db.ContactList(context.Background(), db.Admin.ID, data.ListCursor{}, 10)
	if err != nil || len(rows) != 0 {
		t.Fatalf("contacts stored after a refused save: %+v %v", rows, err)
	}
	// Fixing the fields saves, and the errors go away.
	onUI(a, func() { test.Type(f.name, "Anne") })
	onUI(a, func() { f.emails.rows[1].entry.SetText("anne@work.example.com") })
	onUI(a, func() { test.Tap(f.saveBtn) })
	waitIdle(a)
	if f.id == 0 || f.emails.rows[1].err.Visible() || f.errs["name"].Visible() {
		t.Errorf("after fixing: id %d, errors still shown", f.id)
	}
}

func TestContactFormCustomFieldAndCompany(t *testing.T) {
	a, db := newClientsTestApp(t)
	ctx := context.Background()
	if _, err := db.SaveFieldDef(ctx, db.Admin.ID, data.FieldDef{Entity: data.EntityContact, Key: "birthday", Label: "Birthday", Type: data.FieldDate}); err != nil {
		t.Fatal(err)
	}
	co, err := db.CreateCompany(ctx, db.Sales.ID, data.CompanyInput{Name: "Boulangerie Martin"})
	if err != nil {
		t.Fatal(err)
	}
	s := contactsScreen(t, a)
	onUI(a, func() { test.Tap(s.newBtn) })
	waitIdle(a)
	f := s.form
	if len(f.custom) != 1 || f.custom[0].entry == nil {
		t.Fatalf("custom inputs = %d", len(f.custom))
	}
	onUI(a, func() { test.Type(f.name, "Anne") })
	onUI(a, func() { test.Type(f.custom[0].entry, "12/03/1980") })
	if !f.custom[0].err.Visible() {
		t.Error("a bad date shows no error as it is typed")
	}
	if got := f.custom[0].err.Text; got != "Not a date." {
		t.Errorf("a bad date shows %q, want the translated message", got)
	}
	onUI(a, func() { f.custom[0].entry.SetText("1980-03-12") })
	if f.custom[0].err.Visible() {
		t.Errorf("a good date shows %q", f.custom[0].err.Text)
	}
	onUI(a, func() { test.Type(f.company, "boulangerie") })
	waitIdle(a)
	if f.companyID != 0 || f.companyNew.Disabled() {
		t.Error("a partial company name picked a company, or + is disabled")
	}
	onUI(a, func() { f.company.SetText("Boulangerie martin") })
	waitIdle(a)
	if f.companyID != co.ID {
		t.Fatalf("company id %d, want %d (exact name, any case)", f.companyID, co.ID)
	}
	onUI(a, func() { test.Tap(f.saveBtn) })
	waitIdle(a)
	c, err := db.Contact(ctx, db.Admin.ID, f.id)
	if err != nil {
		t.Fatal(err)
	}
	if c.CompanyID != co.ID || c.Custom["birthday"] != "1980-03-12" {
		t.Errorf("stored = %+v", c)
	}
	// An unknown company is refused next to the field, then + creates it.
	onUI(a, func() { f.company.SetText("Nouvelle Société") })
	onUI(a, func() { test.Tap(f.saveBtn) })
	waitIdle(a)
	if !f.errs["company"].Visible() {
		t.Error("no error next to an unknown company")
	}
	onUI(a, func() { test.Tap(f.companyNew) })
	waitIdle(a)
	if f.companyID == 0 {
		t.Fatal("+ did not create the company")
	}
	onUI(a, func() { test.Tap(f.saveBtn) })
	waitIdle(a)
	c, _ = db.Contact(ctx, db.Admin.ID, f.id)
	if c.CompanyName != "Nouvelle Société" {
		t.Errorf("company after + = %q", c.CompanyName)
	}
}

func TestContactDealsSection(t *testing.T) {
	a, db := newClientsTestApp(t)
	ctx := context.Background()
	co, err := db.CreateCompany(ctx, db.Sales.ID, data.CompanyInput{Name: "Roux SARL"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Denis Roux", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Oven repair", ContactID: c.ID, Amount: 125000})
	if err != nil {
		t.Fatal(err)
	}
	var s *clientsScreen
	onUI(a, func() {
		a.main.show("contacts")
		s = a.main.contacts // live: follows database changes
	})
	waitIdle(a)
	onUI(a, func() { s.open(c.ID) })
	waitIdle(a)
	f := s.form
	if !f.dealsCard.Visible() || len(f.dealBtns) != 1 || !strings.HasPrefix(f.dealBtns[0].Text, d.Title) {
		t.Fatalf("deals section: visible %v, %d buttons", f.dealsCard.Visible(), len(f.dealBtns))
	}
	if !strings.Contains(f.dealBtns[0].Text, "1,250.00") {
		t.Errorf("deal row %q lacks its amount", f.dealBtns[0].Text)
	}
	if f.Dirty() || f.companyID != co.ID {
		t.Errorf("a freshly opened contact: dirty %v, company %d want %d", f.Dirty(), f.companyID, co.ID)
	}
	d2, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Second oven", ContactID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, a, "the new deal in the open contact", func() bool {
		return len(f.dealBtns) == 2 && strings.HasPrefix(f.dealBtns[0].Text, d2.Title)
	})
	// A contact added elsewhere appears in the open list.
	if _, err := db.CreateContact(ctx, db.Manager.ID, data.ContactInput{Name: "Agnès Blanc"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, a, "the new contact in the list", func() bool { return len(s.rows) == 2 && s.rows[0].Name == "Agnès Blanc" })
	s.unsubscribe()
	// The company's form lists its contact's deals too.
	var cs *clientsScreen
	onUI(a, func() {
		a.main.show("companies")
		cs = a.main.companies
		cs.unsubscribe()
		cs.open(co.ID)
	})
	waitIdle(a)
	if len(cs.form.dealBtns) != 2 || cs.form.vat == nil {
		t.Errorf("company form: %d deals", len(cs.form.dealBtns))
	}
	if len(cs.form.peopleBtns) != 1 || !strings.HasPrefix(cs.form.peopleBtns[0].Text, "Denis Roux") {
		t.Fatalf("company form people = %d", len(cs.form.peopleBtns))
	}
	// New contact from the company's form starts with the company.
	onUI(a, func() { test.Tap(cs.form.newPersonBtn) })
	waitIdle(a)
	nf := a.main.contacts.form
	if nf.id != 0 || nf.companyID != co.ID || nf.company.Text != "Roux SARL" {
		t.Errorf("new contact of the company: id %d company %d %q", nf.id, nf.companyID, nf.company.Text)
	}
}

func TestImportWizardCSVPreviewMappingAndImport(t *testing.T) {
	a, db := newClientsTestApp(t)
	ctx := context.Background()
	if _, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Anne", Emails: []string{"ANNE@example.fr"}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "contacts.csv")
	csv := "\uFEFFNom;E-mail;Téléphone;Société\r\n" +
		"Anne Martin;anne@example.fr;01 02 03 04 05;Café du Port\r\n" +
		"Bruno Petit;bruno-at-example;;\r\n" +
		"Carla Roux;carla@example.fr;;Café du Port\r\n"
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	var w *importWizard
	onUI(a, func() {
		w = newImportWizard(a, data.ImportContacts)
		w.win = a.Win
	})
	onUI(a, func() { w.loadPath(path) })
	waitIdle(a)
	want := []string{formats.TargetName, formats.TargetEmail, formats.TargetPhone, formats.TargetCompany}
	for i, m := range want {
		if w.mapping[i] != m {
			t.Fatalf("mapping %q, want %q", w.mapping, want)
		}
	}
	if len(w.lines) != 3 || !w.lines[1].bad || w.lines[1].line != 3 || !strings.Contains(w.lines[1].outcome, "E-mail") {
		t.Fatalf("preview lines = %+v", w.lines)
	}
	if w.lines[0].outcome != "Updates an existing one" || w.lines[2].outcome != "New" {
		t.Errorf("outcomes %q / %q", w.lines[0].outcome, w.lines[2].outcome)
	}
	if !w.importBtn.Disabled() {
		t.Error("Import is enabled with a bad line")
	}
	// Ignoring the email column makes every line valid (Bruno no longer
	// has an email; Anne is then new, as nothing matches her).
	onUI(a, func() { w.setTarget(1, formats.TargetIgnore) })
	waitIdle(a)
	if w.importBtn.Disabled() || w.importBtn.Text != "Import 3 contacts" {
		t.Fatalf("import button %q disabled %v; summary %q", w.importBtn.Text, w.importBtn.Disabled(), w.summary.Text)
	}
	rows, _ := db.ContactList(ctx, db.Admin.ID, data.ListCursor{}, 10)
	if len(rows) != 1 {
		t.Fatalf("the preview wrote: %d contacts", len(rows))
	}
	// Put the email column back but as the phone: Bruno's text is no phone.
	onUI(a, func() { w.setTarget(1, formats.TargetEmail) })
	waitIdle(a)
	if !w.importBtn.Disabled() {
		t.Fatal("bad line again, but Import enabled")
	}
	onUI(a, func() { w.setTarget(1, formats.TargetIgnore) })
	waitIdle(a)
	onUI(a, func() { test.Tap(w.importBtn) })
	waitIdle(a)
	if !strings.Contains(w.summary.Text, "3 created") || !strings.Contains(w.summary.Text, "names in the file: 1") {
		t.Errorf("summary %q", w.summary.Text)
	}
	rows, _ = db.ContactList(ctx, db.Admin.ID, data.ListCursor{}, 10)
	if len(rows) != 4 {
		t.Errorf("%d contacts after import, want 4", len(rows))
	}
}

func TestImportWizardVCard(t *testing.T) {
	a, db := newClientsTestApp(t)
	var w *importWizard
	onUI(a, func() {
		w = newImportWizard(a, data.ImportContacts)
		w.win = a.Win
	})
	vcf := "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:L=C3=A9v=C3=AAque;=C3=89lodie\r\n" +
		"TEL;CELL:+33612345678\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jérôme Durand\r\nEMAIL;TYPE=WORK:jerome@exemple.fr\r\nEMAIL:j@exemple.fr\r\nEND:VCARD\r\n"
	onUI(a, func() { w.loadBytes("phone.vcf", []byte(vcf)) })
	waitIdle(a)
	if len(w.selects) != 0 {
		t.Error("a vCard shows a column mapping")
	}
	if len(w.lines) != 2 || w.lines[0].name != "Élodie Lévêque" || w.lines[1].emails != "jerome@exemple.fr, j@exemple.fr" {
		t.Fatalf("preview = %+v", w.lines)
	}
	if w.importBtn.Text != "Import 2 contacts" {
		t.Fatalf("button %q", w.importBtn.Text)
	}
	onUI(a, func() { test.Tap(w.importBtn) })
	waitIdle(a)
	cs, err := db.ContactsByPhone(context.Background(), db.Admin.ID, "06 12 34 56 78")
	if err != nil || len(cs) != 1 || cs[0].Name != "Élodie Lévêque" {
		t.Errorf("imported = %+v, %v", cs, err)
	}
}

func TestUnsavedChangesAskBeforeLeaving(t *testing.T) {
	a, db := newClientsTestApp(t)
	c, err := db.CreateContact(context.Background(), db.Sales.ID, data.ContactInput{Name: "Anne"})
	if err != nil {
		t.Fatal(err)
	}
	s := contactsScreen(t, a)
	onUI(a, func() { s.open(c.ID) })
	waitIdle(a)
	first := s.form
	onUI(a, func() { test.Type(first.notes, "call back") })
	left := false
	onUI(a, func() { s.confirmLeave(func() { left = true }) })
	if left {
		t.Fatal("left a dirty form without asking")
	}
	if len(a.Win.Canvas().Overlays().List()) == 0 {
		t.Fatal("no confirmation shown")
	}
	onUI(a, func() { test.Tap(first.revertBtn) })
	waitIdle(a)
	if first.Dirty() || first.notes.Text != "" {
		t.Errorf("revert kept %q", first.notes.Text)
	}
	onUI(a, func() { s.confirmLeave(func() { left = true }) })
	if !left {
		t.Error("a clean form asked before leaving")
	}
}

func TestClientURLs(t *testing.T) {
	if got := mailtoURL(" a.b+c@example.com ").String(); got != "mailto:a.b+c@example.com" {
		t.Errorf("mailto = %q", got)
	}
	if got := telURL("+33 (0)6 12-34.56.78").String(); got != "tel:+330612345678" {
		t.Errorf("tel = %q", got)
	}
	if got := telURL("06 12 34 56 78").String(); got != "tel:0612345678" {
		t.Errorf("tel = %q", got)
	}
}

// Every string the clients and import screens show has an English and a
// French entry.
func TestClientsTranslationsComplete(t *testing.T) {
	en, fr := translations(t, "clients.en.json"), translations(t, "clients.fr.json")
	checkTranslated(t, regexp.MustCompile(`lang\.L\("([^"]+)"`), []string{"clients.go", "clients_form.go", "import.go"},
		[]string{"Contacts", "Companies", "New contact", "New company"}, en, fr)
	if fr["Import {{.Count}} contacts"] == "Import {{.Count}} contacts" {
		t.Error("fr: English text left in the French file")
	}
}
