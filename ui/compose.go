package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/data/locale"
	"comptoir/mail/send"
)

// Writing to a client from a deal: the compose dialog. It prefills To with
// the client's addresses, the subject and a quote of the email answered,
// the employee's signature; a template fills the subject and body with the
// deal's values. Sending only queues (send.Queue): the outbox sender
// delivers it when the network allows.
//
// Compose is reached from a deal's Emails and Timeline tabs
// (compose_tab.go), from a contact's email button (compose_contact.go) and
// from the outbox list (to edit a queued message). Each keeps the dialog it
// opened.

type composeForm struct {
	a      *App
	dealID int64
	editID int64 // the outbox row edited; 0 for a new email
	reply  int64 // the stored email answered

	fd        *formDialog
	account   *widget.Select
	to        *widget.Entry
	cc        *widget.Entry
	bcc       *widget.Entry
	subject   *widget.Entry
	template  *widget.Select
	body      *widget.Entry
	html      *widget.Check
	files     *fyne.Container
	addFile   *widget.Button
	addDoc    *widget.Button
	filesErr  *widget.Label
	attach    []data.FileInput
	keepFiles []data.File // the queued message's attachments, when editing

	accounts  []data.Account
	docs      []data.Document
	templates []data.EmailTemplate
	values    data.TemplateValues

	// One of the deal's files (compose_files.go), and its chooser while
	// open (tests).
	addDealFile  *widget.Button
	dealFilePick *widget.Select
}

// composePrefill is what the dialog starts with.
type composePrefill struct {
	in       data.ComposeInput
	keep     []data.File
	accounts []data.Account
	docs     []data.Document
	tpls     []data.EmailTemplate
	values   data.TemplateValues
}

// readComposePrefill reads the deal, its client's addresses, the email
// answered, the accounts, documents and templates.
func readComposePrefill(ctx context.Context, a *App, me data.Employee, dealID, replyTo, editID int64) (composePrefill, error) {
	st, l := a.Store, a.locale()
	var p composePrefill
	var err error
	if p.values, err = st.TemplateValuesFor(ctx, me.ID, dealID); err != nil {
		return p, err
	}
	p.values.DealAmount = l.Money(p.values.Amount.Minor, p.values.Amount.Currency)
	deal, err := st.Deal(ctx, me.ID, dealID)
	if err != nil {
		return p, err
	}
	if p.accounts, err = st.Accounts(ctx, me.ID); err != nil {
		return p, err
	}
	if p.docs, err = st.DealDocuments(ctx, me.ID, dealID); err != nil {
		return p, err
	}
	if p.tpls, err = st.Templates(ctx, me.ID); err != nil {
		return p, err
	}
	if editID != 0 {
		it, err := st.OutboxItem(ctx, me.ID, editID)
		if err != nil {
			return p, err
		}
		p.in = it.Input
		p.in.Files = nil
		if p.keep, err = st.OutboxFiles(ctx, me.ID, editID); err != nil {
			return p, err
		}
		return p, nil
	}
	p.in = data.ComposeInput{DealID: dealID}
	var to []string
	if deal.ContactID != 0 {
		if c, err := st.Contact(ctx, me.ID, deal.ContactID); err == nil {
			for _, e := range c.Emails {
				to = append(to, formatAddr(data.Address{Name: c.Name, Email: e}))
			}
		}
	}
	if len(to) == 0 && deal.CompanyID != 0 {
		if c, err := st.Company(ctx, me.ID, deal.CompanyID); err == nil {
			for _, e := range c.Emails {
				to = append(to, e)
			}
		}
	}
	p.in.To = strings.Join(to, ", ")
	p.in.Text = data.WithSignature("\n", me.Signature)
	if replyTo != 0 {
		m, err := st.Email(ctx, me.ID, replyTo)
		if err != nil {
			return p, err
		}
		p.in.ReplyTo = m.ID
		p.in.Subject = data.ReplySubject(m.Subject)
		if m.Direction == "in" {
			p.in.To = formatAddr(m.From)
		}
		p.in.Text = data.WithSignature("\n", me.Signature) + "\n" + quoteHeader(l, m.From, m.Date) + "\n" + data.Quote(m.VisibleText)
	}
	return p, nil
}

// quoteHeader is the line above the email quoted in a reply, in the
// person's language and time zone: "On Nov 12, 2026 at 10:30, Jeanne
// Martin wrote:" / "Le 12 nov. 2026 à 10:30, Jeanne Martin a écrit :".
func quoteHeader(l locale.Locale, from data.Address, sent time.Time) string {
	who := from.Name
	if who == "" {
		who = from.Email
	}
	if sent.IsZero() {
		return lang.L("{{.Who}} wrote:", map[string]any{"Who": who})
	}
	return lang.L("On {{.Date}} at {{.Time}}, {{.Who}} wrote:", map[string]any{"Date": l.Date(sent), "Time": l.Clock(sent), "Who": who})
}

func formatAddr(a data.Address) string {
	if a.Name == "" || strings.ContainsAny(a.Name, `",<>@`) {
		if a.Name != "" {
			return fmt.Sprintf("%q <%s>", a.Name, a.Email)
		}
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

// composeDialog opens the dialog to write to the deal's client; replyTo is
// a stored email of the deal to answer (0: a new email). opened, when set,
// gets the dialog once it is shown.
func composeDialog(a *App, w fyne.Window, dealID, replyTo int64, opened func(*composeForm)) {
	openCompose(a, w, dealID, replyTo, 0, opened)
}

// editQueuedDialog opens a queued (or failed) email to change it; its
// Message-ID stays.
func editQueuedDialog(a *App, w fyne.Window, it data.OutboxItem, opened func(*composeForm)) {
	openCompose(a, w, it.DealID, 0, it.ID, opened)
}

func openCompose(a *App, w fyne.Window, dealID, replyTo, editID int64, opened func(*composeForm)) {
	openComposeWith(a, w, dealID, replyTo, editID, "", opened)
}

// openComposeWith opens the dialog; to, when set, replaces the prefilled
// recipients (an address tapped on a contact).
func openComposeWith(a *App, w fyne.Window, dealID, replyTo, editID int64, to string, opened func(*composeForm)) {
	me := a.Me
	load(a, func(ctx context.Context) (composePrefill, error) {
		p, err := readComposePrefill(ctx, a, me, dealID, replyTo, editID)
		if to != "" {
			p.in.To = to
		}
		return p, err
	}, func(p composePrefill) {
		c := newComposeForm(a, w, dealID, editID, p)
		if opened != nil {
			opened(c)
		}
	})
}

func newComposeForm(a *App, w fyne.Window, dealID, editID int64, p composePrefill) *composeForm {
	c := &composeForm{a: a, dealID: dealID, editID: editID, reply: p.in.ReplyTo, accounts: p.accounts, docs: p.docs,
		templates: p.tpls, values: p.values, keepFiles: p.keep}
	c.to, c.cc, c.bcc, c.subject = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	c.to.SetPlaceHolder(lang.L("name@example.com, …"))
	c.to.SetText(p.in.To)
	c.cc.SetText(p.in.Cc)
	c.bcc.SetText(p.in.Bcc)
	c.subject.SetText(p.in.Subject)
	c.body = widget.NewMultiLineEntry()
	c.body.Wrapping = fyne.TextWrapWord
	c.body.SetMinRowsVisible(10)
	c.body.SetText(p.in.Text)
	c.html = widget.NewCheck(lang.L("Also send as simple HTML"), nil)
	c.html.SetChecked(p.in.HTML)

	var senders []string
	chosen := ""
	for _, acc := range p.accounts {
		if acc.Active && acc.SMTPHost != "" {
			senders = append(senders, acc.Email)
			if acc.ID == p.in.AccountID || chosen == "" {
				chosen = acc.Email
			}
		}
	}
	c.account = widget.NewSelect(senders, nil)
	c.account.SetSelected(chosen)

	names := make([]string, len(p.tpls))
	for i, t := range p.tpls {
		names[i] = t.Name
	}
	c.template = widget.NewSelect(names, c.applyTemplate)
	c.template.PlaceHolder = lang.L("Use a template…")

	c.files = container.NewVBox()
	c.filesErr = newErrorLabel()
	c.addFile = widget.NewButtonWithIcon(lang.L("Attach a file"), theme.FileIcon(), func() { c.pickFile(w) })
	c.addDoc = widget.NewButtonWithIcon(lang.L("Attach a document"), theme.DocumentIcon(), func() { c.pickDocument(w) })
	if len(p.docs) == 0 {
		c.addDoc.Disable()
	}
	c.addDealFile = newDealFileButton(c, w)
	c.showFiles()

	errs := errLabels("account", "to", "cc", "bcc", "subject", "reply_to")
	errs["files"] = c.filesErr
	ccRow := container.NewGridWithColumns(2,
		fieldRow(lang.L("Cc"), c.cc, errs["cc"]), fieldRow(lang.L("Bcc"), c.bcc, errs["bcc"]))
	rows := []fyne.CanvasObject{}
	if len(senders) > 1 {
		rows = append(rows, fieldRow(lang.L("From"), c.account, errs["account"]))
	} else {
		rows = append(rows, errs["account"])
	}
	rows = append(rows,
		fieldRow(lang.L("To"), c.to, errs["to"]), ccRow,
		fieldRow(lang.L("Subject"), c.subject, errs["subject"]), errs["reply_to"])
	if len(p.tpls) > 0 {
		rows = append(rows, c.template)
	}
	rows = append(rows, c.body, c.html,
		widget.NewLabelWithStyle(lang.L("Attachments"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		c.files, container.NewHBox(c.addFile, c.addDoc, c.addDealFile), c.filesErr)
	title, action := lang.L("Write an email"), lang.L("Send")
	if editID != 0 {
		title, action = lang.L("Edit the queued email"), lang.L("Save and send")
	}
	c.fd = newFormDialog(title, action, container.NewVBox(rows...), w, errs, c.submit)
	c.fd.d.Resize(dialogSize(w, 640))
	return c
}

// applyTemplate fills the subject and puts the template's text before the
// signature.
func (c *composeForm) applyTemplate(name string) {
	for _, t := range c.templates {
		if t.Name != name {
			continue
		}
		if s := c.values.Fill(t.Subject); s != "" {
			c.subject.SetText(s)
		}
		body := c.values.Fill(t.Body)
		cur := c.body.Text
		if strings.TrimSpace(cur) == "" || strings.HasPrefix(strings.TrimLeft(cur, "\n"), "-- \n") {
			c.body.SetText(body + cur)
		} else {
			c.body.SetText(body + "\n" + cur)
		}
	}
}

func (c *composeForm) showFiles() {
	c.files.RemoveAll()
	for i, f := range c.keepFiles {
		i := i
		c.files.Add(c.fileRow(f.Name, func() {
			c.keepFiles = append(c.keepFiles[:i:i], c.keepFiles[i+1:]...)
			c.showFiles()
		}))
	}
	for i, f := range c.attach {
		i := i
		name := f.Name
		if f.Path != "" {
			name = f.Path
		}
		for _, d := range c.docs {
			if d.ID == f.DocumentID {
				name = d.FileName()
			}
		}
		c.files.Add(c.fileRow(name, func() {
			c.attach = append(c.attach[:i:i], c.attach[i+1:]...)
			c.showFiles()
		}))
	}
	if len(c.files.Objects) == 0 {
		l := widget.NewLabel(lang.L("No attachment"))
		l.Importance = widget.LowImportance
		c.files.Add(l)
	}
}

func (c *composeForm) fileRow(name string, remove func()) fyne.CanvasObject {
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), remove)
	del.Importance = widget.LowImportance
	l := widget.NewLabel(name)
	l.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), del, l)
}

func (c *composeForm) pickFile(w fyne.Window) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		uri := r.URI()
		if uri.Scheme() == "file" {
			c.attach = append(c.attach, data.FileInput{Path: uri.Path()})
		} else {
			// a content URI (phones): read it now; data/ checks its size
			b, err := io.ReadAll(io.LimitReader(r, 1<<30))
			if err != nil {
				setError(c.filesErr, errorText(err))
				return
			}
			c.attach = append(c.attach, data.FileInput{Name: uri.Name(), Data: b})
		}
		c.showFiles()
	}, w)
	d.Show()
}

func (c *composeForm) pickDocument(w fyne.Window) {
	names := make([]string, len(c.docs))
	for i, d := range c.docs {
		names[i] = d.Number
	}
	sel := widget.NewSelect(names, nil)
	dialog.ShowCustomConfirm(lang.L("Attach a document"), lang.L("Attach"), lang.L("Cancel"), sel, func(ok bool) {
		if !ok || sel.SelectedIndex() < 0 {
			return
		}
		c.addDocument(c.docs[sel.SelectedIndex()].ID)
	}, w)
}

// addDocument attaches one of the deal's documents as its PDF.
func (c *composeForm) addDocument(id int64) {
	c.attach = append(c.attach, data.FileInput{DocumentID: id})
	c.showFiles()
}

// input is what the form holds.
func (c *composeForm) input() data.ComposeInput {
	in := data.ComposeInput{DealID: c.dealID, To: c.to.Text, Cc: c.cc.Text, Bcc: c.bcc.Text, Subject: c.subject.Text,
		Text: c.body.Text, HTML: c.html.Checked, ReplyTo: c.reply, Files: append([]data.FileInput(nil), c.attach...)}
	for _, acc := range c.accounts {
		if acc.Email == c.account.Selected {
			in.AccountID = acc.ID
		}
	}
	if c.editID != 0 {
		// kept attachments go back as bytes, in their order
		for _, f := range c.keepFiles {
			in.Files = append([]data.FileInput{{Name: f.Name, ContentType: f.ContentType, Data: f.Data}}, in.Files...)
		}
	}
	return in
}

func (c *composeForm) submit(fd *formDialog) {
	in := c.input()
	a, me, editID := c.a, c.a.Me.ID, c.editID
	fd.write(a, func(ctx context.Context) error {
		var err error
		if editID != 0 {
			_, err = send.Edit(ctx, a.Store, me, editID, in)
		} else {
			_, err = send.Queue(ctx, a.Store, me, in)
		}
		return composeErr(err)
	}, func() { kickOutbox(a) })
}

// composeErr gathers every attachment's error under "files" and words file
// problems for the person.
func composeErr(err error) error {
	v := data.FieldErrors(err)
	if v == nil {
		return err
	}
	out := &data.ValidationError{}
	var files []string
	for _, f := range v.Fields {
		if f.Field == "files" || strings.HasPrefix(f.Field, "files[") {
			files = append(files, lang.L("Cannot attach: {{.Reason}}", map[string]any{"Reason": f.Message}))
			continue
		}
		if f.Code == "invalid_email" {
			f.Code = "invalid_address"
			f.Message = lang.L("Not an email address: {{.Reason}}", map[string]any{"Reason": f.Message})
		}
		if f.Code == "required" && f.Field == "to" {
			f.Code = "no_recipient"
			f.Message = lang.L("The email needs at least one recipient.")
		}
		if f.Code == "no_account" || f.Code == "no_smtp" {
			f.Message = lang.L("No mail account can send: add one with an SMTP server in Settings.")
		}
		out.Fields = append(out.Fields, f)
	}
	if len(files) > 0 {
		out.Fields = append(out.Fields, data.FieldError{Field: "files", Code: "files", Message: strings.Join(files, "\n")})
	}
	return out
}
