package ui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/mail/imapsync"
	"comptoir/mail/secret"
	"comptoir/mail/send"
)

// Settings → Mail accounts: the mailboxes client mail is read from and sent
// through. Admins add, edit and remove them; others read them. Passwords go
// to the secret store (mail/secret: the system keyring, else a file only the
// user reads), never to the database, the preferences or the logs; the form
// shows an empty password field, and leaving it empty keeps the saved one.

// checkIMAP tries settings for "Test connection".
func checkIMAP(ctx context.Context, acc data.Account, password string) error {
	return imapsync.Check(ctx, acc, password, imapsync.Options{})
}

// checkSMTP tries the sending settings for "Test connection".
func checkSMTP(ctx context.Context, acc data.Account, password string) error {
	return send.Check(ctx, acc, password, send.Options{})
}

type accountsSection struct {
	a    *App
	root fyne.CanvasObject
	list *fyne.Container
	add  *widget.Button
	accs []data.Account
	rows map[int64]*accountRow
	form *accountForm // the last account form opened
}

type accountRow struct {
	status *widget.Label
	edit   *widget.Button
	remove *widget.Button
}

func newAccountsSection(a *App) *accountsSection {
	s := &accountsSection{a: a, rows: map[int64]*accountRow{}}
	s.list = container.NewVBox()
	s.add = widget.NewButtonWithIcon(lang.L("Add a mail account"), theme.ContentAddIcon(), func() { s.openForm(data.Account{}) })
	s.add.Importance = widget.HighImportance
	intro := widget.NewLabel(lang.L("Client email read from these mailboxes creates and updates deals. Passwords are kept in the system's keyring (or a private file), never in the database."))
	intro.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(intro)
	if a.Me.CanConfigure() {
		top.Add(container.NewHBox(s.add))
	} else {
		l := widget.NewLabel(lang.L("Only an administrator can change the mail accounts."))
		l.Importance = widget.WarningImportance
		top.Add(l)
	}
	s.root = container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewPadded(s.list)))
	s.load()
	unsub := a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindAccount, 0) {
			s.load()
		}
	})
	go func() { <-a.Ctx.Done(); unsub() }()
	return s
}

func (s *accountsSection) load() {
	a, me := s.a, s.a.Me.ID
	load(a, func(ctx context.Context) ([]data.Account, error) { return a.Store.Accounts(ctx, me) }, s.show)
}

func (s *accountsSection) show(accs []data.Account) {
	s.accs = accs
	s.list.RemoveAll()
	s.rows = map[int64]*accountRow{}
	if len(accs) == 0 {
		l := widget.NewLabel(lang.L("No mail account yet."))
		l.Importance = widget.LowImportance
		s.list.Add(l)
	}
	for _, acc := range accs {
		acc := acc
		r := &accountRow{}
		title := widget.NewLabelWithStyle(acc.Email, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		detail := widget.NewLabel(fmt.Sprintf("IMAP %s:%d (%s) · %s", acc.IMAPHost, acc.IMAPPort, securityLabel(acc.IMAPSecurity), policyLabel(acc.Policy)))
		detail.Importance = widget.LowImportance
		detail.Truncation = fyne.TextTruncateEllipsis
		r.status = widget.NewLabel(accountStatusText(acc))
		r.status.Wrapping = fyne.TextWrapWord
		if acc.Status == data.AccountError {
			r.status.Importance = widget.DangerImportance
		}
		var buttons []fyne.CanvasObject
		if s.a.Me.CanConfigure() {
			r.edit = widget.NewButtonWithIcon(lang.L("Edit"), theme.DocumentCreateIcon(), func() { s.openForm(acc) })
			r.remove = widget.NewButtonWithIcon(lang.L("Remove"), theme.DeleteIcon(), func() { s.confirmRemove(acc) })
			buttons = append(buttons, r.edit, r.remove)
		}
		s.rows[acc.ID] = r
		s.list.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.MailComposeIcon()), container.NewVBox(container.NewHBox(buttons...)),
			container.NewVBox(title, detail, r.status)))
		s.list.Add(widget.NewSeparator())
	}
	s.list.Refresh()
}

// accountStatusText is an account's sync state in words.
func accountStatusText(acc data.Account) string {
	switch {
	case !acc.Active:
		return lang.L("Switched off")
	case acc.Status == data.AccountError:
		return accountMessage(acc.StatusMessage)
	case acc.Status == "":
		return lang.L("Not synced yet")
	case !acc.LastSyncAt.IsZero():
		return lang.L("Up to date (last sync {{.Time}})", map[string]any{"Time": formatClock(acc.LastSyncAt.Local())})
	}
	return lang.L("Up to date")
}

// accountMessages match the plain-words messages mail/ writes (in English,
// stored on the account) to translate them with their server names kept.
// A message that matches none is shown as written.
var accountMessages = []struct {
	re  *regexp.Regexp
	key string // translation key; {{.A}}, {{.B}} are the captured parts
}{
	{regexp.MustCompile(`^The certificate of (.+) was refused \((.+)\): the connection may not be safe\. Check the server name, or ask the mail provider\.$`),
		"The certificate of {{.A}} was refused ({{.B}}): the connection may not be safe. Check the server name, or ask the mail provider."},
	{regexp.MustCompile(`^(.+) does not speak TLS on port (\d+): check the port and the security setting\.$`),
		"{{.A}} does not speak TLS on port {{.B}}: check the port and the security setting."},
	{regexp.MustCompile(`^The folder (.+) cannot be opened on the server: check the watched folders\.$`),
		"The folder {{.A}} cannot be opened on the server: check the watched folders."},
	{regexp.MustCompile(`^The server name (.+) was not found: check it, and the network\.$`),
		"The server name {{.A}} was not found: check it, and the network."},
	{regexp.MustCompile(`^Cannot reach (.+): the server is unreachable or refuses connections \(check the network, the server name and the port\)\.$`),
		"Cannot reach {{.A}}: the server is unreachable or refuses connections (check the network, the server name and the port)."},
	{regexp.MustCompile(`^The connection to (.+) was lost; it will be retried\.$`),
		"The connection to {{.A}} was lost; it will be retried."},
	{regexp.MustCompile(`^(.+) stopped answering: the network may be down\.$`),
		"{{.A}} stopped answering: the network may be down."},
	{regexp.MustCompile(`^The server answered: (.+)$`), "The server answered: {{.A}}"},
	{regexp.MustCompile(`^The server said: (.+)$`), "The server said: {{.A}}"},
	{regexp.MustCompile(`^The connection to (.+?) failed: (.+)$`), "The connection to {{.A}} failed: {{.B}}"},
}

// certReasons are the reasons mail/imapsync gives for a refused certificate.
var certReasons = []string{"it is not signed by a known authority", "it is for another server name",
	"it has expired or is not yet valid", "it is not valid", "it could not be verified"}

// accountMessage translates a sync or send problem written by mail/.
func accountMessage(msg string) string {
	if msg == "" {
		return lang.L("The last sync failed.")
	}
	for _, m := range accountMessages {
		if g := m.re.FindStringSubmatch(msg); g != nil {
			args := map[string]any{"A": g[1], "B": ""}
			if len(g) > 2 {
				args["B"] = g[2]
				for _, r := range certReasons {
					if g[2] == r {
						args["B"] = lang.L(r)
					}
				}
			}
			return lang.L(m.key, args)
		}
	}
	return lang.L(msg)
}

func (s *accountsSection) confirmRemove(acc data.Account) {
	a := s.a
	dialog.ShowConfirm(lang.L("Remove the mail account?"),
		lang.L("{{.Email}} will no longer be synced. Its emails already on deals stay there.", map[string]any{"Email": acc.Email}),
		func(ok bool) {
			if !ok {
				return
			}
			me := a.Me.ID
			a.run(func(ctx context.Context) error {
				if err := a.Store.DeleteAccount(ctx, me, acc.ID); err != nil {
					return err
				}
				return deletePasswords(a.deps.Secrets, acc)
			})
		}, a.Win)
}

var securities = []data.Security{data.SecurityTLS, data.SecurityStartTLS, data.SecurityNone}
var policies = []data.Policy{data.PolicyDeal, data.PolicyInbox, data.PolicyIgnore}

func securityLabel(s data.Security) string {
	switch s {
	case data.SecurityTLS:
		return lang.L("TLS")
	case data.SecurityStartTLS:
		return lang.L("STARTTLS")
	case data.SecurityNone:
		return lang.L("None (this computer only)")
	}
	return string(s)
}

func policyLabel(p data.Policy) string {
	switch p {
	case data.PolicyDeal:
		return lang.L("Create a contact and a deal")
	case data.PolicyInbox:
		return lang.L("Put it in the Inbox")
	case data.PolicyIgnore:
		return lang.L("Ignore it")
	}
	return string(p)
}

// accountForm adds or edits an account.
type accountForm struct {
	a   *App
	acc data.Account // ID 0 for a new one
	dlg dialog.Dialog

	email, addresses                *widget.Entry
	imapHost, imapPort              *widget.Entry
	imapSec                         *widget.Select
	username, password, folders     *widget.Entry
	smtpHost, smtpPort              *widget.Entry
	smtpSec                         *widget.Select
	smtpUser, smtpPass              *widget.Entry
	savesSent, active               *widget.Check
	policy, pipeline, responsible   *widget.Select
	exclusions, importDays, maxSize *widget.Entry
	test, save, cancel              *widget.Button
	testResult                      *widget.Label
	formError                       *widget.Label
	errs                            map[string]*widget.Label
	pipelines                       []data.Pipeline
	employees                       []data.Employee
	saved                           bool // tests
	testing                         bool
}

func (s *accountsSection) openForm(acc data.Account) {
	a := s.a
	f := &accountForm{a: a, acc: acc, errs: map[string]*widget.Label{}}
	s.form = f
	entry := func(ph string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(ph)
		return e
	}
	multi := func(ph string) *widget.Entry {
		e := widget.NewMultiLineEntry()
		e.SetPlaceHolder(ph)
		e.SetMinRowsVisible(2)
		return e
	}
	secLabels := func(withEmpty bool) []string {
		var out []string
		if withEmpty {
			out = append(out, lang.L("No SMTP server"))
		}
		for _, x := range securities {
			out = append(out, securityLabel(x))
		}
		return out
	}
	f.email = entry("sales@example.com")
	f.addresses = multi(lang.L("Other addresses of this mailbox, one per line"))
	f.imapHost = entry("imap.example.com")
	f.imapPort = entry(lang.L("993 for TLS, 143 otherwise"))
	f.imapSec = widget.NewSelect(secLabels(false), nil)
	f.username = entry(lang.L("Empty: the email address"))
	f.password = widget.NewPasswordEntry()
	if acc.ID != 0 {
		f.password.SetPlaceHolder(lang.L("Empty: keep the saved password"))
	}
	f.folders = entry("INBOX")
	f.smtpHost = entry("smtp.example.com")
	f.smtpPort = entry(lang.L("465 for TLS, 587 otherwise"))
	f.smtpSec = widget.NewSelect(secLabels(false), nil)
	f.smtpUser = entry(lang.L("Empty: the IMAP user name"))
	f.smtpPass = widget.NewPasswordEntry()
	f.smtpPass.SetPlaceHolder(lang.L("Empty: the IMAP password"))
	f.savesSent = widget.NewCheck(lang.L("The server files sent mail itself (as Gmail does)"), nil)
	f.active = widget.NewCheck(lang.L("Sync this account"), nil)
	policyLabels := []string{}
	for _, p := range policies {
		policyLabels = append(policyLabels, policyLabel(p))
	}
	f.policy = widget.NewSelect(policyLabels, nil)
	f.pipeline = widget.NewSelect(nil, nil)
	f.responsible = widget.NewSelect(nil, nil)
	f.exclusions = multi(lang.L("Addresses or domains, one per line"))
	f.importDays = entry("30")
	f.maxSize = entry("25")
	f.testResult = widget.NewLabel("")
	f.testResult.Wrapping = fyne.TextWrapWord
	f.testResult.Hide()
	f.formError = newErrorLabel()
	f.test = widget.NewButtonWithIcon(lang.L("Test connection"), theme.MailSendIcon(), f.testConnection)
	f.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), f.submit)
	f.save.Importance = widget.HighImportance
	f.cancel = widget.NewButton(lang.L("Cancel"), func() { f.dlg.Hide() })
	for _, k := range []string{"email", "addresses", "imap_host", "imap_port", "imap_security", "username", "password", "folders",
		"smtp_host", "smtp_port", "smtp_security", "policy", "pipeline", "responsible", "exclusions", "import_days", "max_size"} {
		f.errs[k] = newErrorLabel()
	}
	row := func(label string, o fyne.CanvasObject, key string) fyne.CanvasObject {
		l := f.errs[key]
		if l == nil {
			l = newErrorLabel()
		}
		return fieldRow(label, o, l)
	}
	two := func(x, y fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWithColumns(2, x, y) }
	three := func(x, y, z fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWithColumns(3, x, y, z) }
	heading := func(t string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true, Italic: true})
	}
	form := container.NewVBox(
		row(lang.L("Email address"), f.email, "email"),
		row(lang.L("Other addresses"), f.addresses, "addresses"),
		widget.NewSeparator(), heading(lang.L("Incoming mail (IMAP)")),
		three(row(lang.L("Server"), f.imapHost, "imap_host"), row(lang.L("Port"), f.imapPort, "imap_port"),
			row(lang.L("Security"), f.imapSec, "imap_security")),
		two(row(lang.L("User name"), f.username, "username"), row(lang.L("Password"), f.password, "password")),
		row(lang.L("Folders to watch (comma-separated)"), f.folders, "folders"),
		widget.NewSeparator(), heading(lang.L("Outgoing mail (SMTP, optional)")),
		three(row(lang.L("Server"), f.smtpHost, "smtp_host"), row(lang.L("Port"), f.smtpPort, "smtp_port"),
			row(lang.L("Security"), f.smtpSec, "smtp_security")),
		two(row(lang.L("User name"), f.smtpUser, ""), row(lang.L("Password"), f.smtpPass, "")),
		f.savesSent,
		widget.NewSeparator(), heading(lang.L("Mail from unknown senders")),
		row(lang.L("What to do"), f.policy, "policy"),
		two(row(lang.L("Pipeline of new deals"), f.pipeline, "pipeline"), row(lang.L("Responsible of new deals"), f.responsible, "responsible")),
		row(lang.L("Never create a deal for (exclusions)"), f.exclusions, "exclusions"),
		two(row(lang.L("On the first sync, import the last (days)"), f.importDays, "import_days"),
			row(lang.L("Size cap per message (MB)"), f.maxSize, "max_size")),
		f.active,
	)
	f.fill(acc)
	if !a.Me.CanConfigure() {
		for _, w := range []fyne.Disableable{f.email, f.addresses, f.imapHost, f.imapPort, f.imapSec, f.username, f.password,
			f.folders, f.smtpHost, f.smtpPort, f.smtpSec, f.smtpUser, f.smtpPass, f.savesSent, f.active, f.policy, f.pipeline,
			f.responsible, f.exclusions, f.importDays, f.maxSize, f.save, f.test} {
			w.Disable()
		}
	}
	title := lang.L("New mail account")
	if acc.ID != 0 {
		title = acc.Email
	}
	scroll := container.NewVScroll(container.NewPadded(form))
	scroll.SetMinSize(fyne.NewSize(640, 480))
	bottom := container.NewVBox(f.testResult, f.formError, container.NewGridWithColumns(3, f.test, f.cancel, f.save))
	body := container.NewBorder(nil, bottom, nil, nil, scroll)
	f.dlg = dialog.NewCustomWithoutButtons(title, body, a.Win)
	f.dlg.Resize(dialogSize(a.Win, 720).Max(fyne.NewSize(0, 620)))
	f.dlg.Show()
	type choices struct {
		p []data.Pipeline
		e []data.Employee
	}
	me := a.Me.ID
	load(a, func(ctx context.Context) (choices, error) {
		p, err := a.Store.Pipelines(ctx, me)
		if err != nil {
			return choices{}, err
		}
		e, err := a.Store.Employees(ctx, me)
		return choices{p, e}, err
	}, func(c choices) {
		f.pipelines = c.p
		opts := []string{lang.L("The first pipeline")}
		sel := 0
		for i, p := range c.p {
			opts = append(opts, p.Name)
			if p.ID == acc.PipelineID {
				sel = i + 1
			}
		}
		f.pipeline.SetOptions(opts)
		f.pipeline.SetSelectedIndex(sel)
		f.employees = f.employees[:0]
		opts = []string{lang.L("The first administrator")}
		sel = 0
		for _, e := range c.e {
			if !e.Active {
				continue
			}
			f.employees = append(f.employees, e)
			opts = append(opts, e.Name)
			if e.ID == acc.ResponsibleID {
				sel = len(opts) - 1
			}
		}
		f.responsible.SetOptions(opts)
		f.responsible.SetSelectedIndex(sel)
	})
}

func (f *accountForm) fill(acc data.Account) {
	if acc.ID == 0 {
		acc = data.Account{IMAPSecurity: data.SecurityTLS, Folders: []string{"INBOX"}, Policy: data.PolicyDeal,
			ImportDays: data.DefaultImportDays, MaxSize: data.DefaultMaxSize, Active: true}
	}
	f.email.SetText(acc.Email)
	var extra []string
	for _, x := range acc.Addresses {
		if !strings.EqualFold(x, acc.Email) {
			extra = append(extra, x)
		}
	}
	f.addresses.SetText(strings.Join(extra, "\n"))
	f.imapHost.SetText(acc.IMAPHost)
	if acc.IMAPPort != 0 {
		f.imapPort.SetText(strconv.Itoa(acc.IMAPPort))
	}
	f.imapSec.SetSelectedIndex(max(0, indexOf(securities, acc.IMAPSecurity)))
	if acc.Username != acc.Email {
		f.username.SetText(acc.Username)
	}
	f.folders.SetText(strings.Join(acc.Folders, ", "))
	f.smtpHost.SetText(acc.SMTPHost)
	if acc.SMTPPort != 0 {
		f.smtpPort.SetText(strconv.Itoa(acc.SMTPPort))
	}
	f.smtpSec.SetSelectedIndex(max(0, indexOf(securities, acc.SMTPSecurity)))
	if acc.SMTPSecurity == "" {
		f.smtpSec.SetSelectedIndex(1) // starttls, the usual submission port
	}
	f.smtpUser.SetText(acc.SMTPUsername)
	f.savesSent.SetChecked(acc.ServerSavesSent)
	f.policy.SetSelectedIndex(max(0, indexOf(policies, acc.Policy)))
	f.exclusions.SetText(strings.Join(acc.Exclusions, "\n"))
	f.importDays.SetText(strconv.Itoa(acc.ImportDays))
	f.maxSize.SetText(strconv.FormatInt((acc.MaxSize+(1<<20)-1)>>20, 10))
	f.active.SetChecked(acc.Active)
}

func indexOf[T comparable](l []T, x T) int {
	for i, v := range l {
		if v == x {
			return i
		}
	}
	return -1
}

// lines splits a list typed one per line or separated by commas.
func lines(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// input reads the form; numbers that do not read are reported by field.
func (f *accountForm) input() (data.AccountInput, map[string]string) {
	bad := map[string]string{}
	num := func(e *widget.Entry, key string) int {
		t := strings.TrimSpace(e.Text)
		if t == "" {
			return 0
		}
		n, err := strconv.Atoi(t)
		if err != nil {
			bad[key] = lang.L("Not a number.")
		}
		return n
	}
	in := data.AccountInput{
		Email:           strings.TrimSpace(f.email.Text),
		Addresses:       lines(f.addresses.Text),
		IMAPHost:        strings.TrimSpace(f.imapHost.Text),
		IMAPPort:        num(f.imapPort, "imap_port"),
		Username:        strings.TrimSpace(f.username.Text),
		Folders:         lines(f.folders.Text),
		SMTPHost:        strings.TrimSpace(f.smtpHost.Text),
		SMTPPort:        num(f.smtpPort, "smtp_port"),
		SMTPUsername:    strings.TrimSpace(f.smtpUser.Text),
		ServerSavesSent: f.savesSent.Checked,
		Exclusions:      lines(f.exclusions.Text),
		ImportDays:      num(f.importDays, "import_days"),
		Inactive:        !f.active.Checked,
	}
	if i := f.imapSec.SelectedIndex(); i >= 0 {
		in.IMAPSecurity = securities[i]
	}
	if i := f.smtpSec.SelectedIndex(); i >= 0 && in.SMTPHost != "" {
		in.SMTPSecurity = securities[i]
	}
	if i := f.policy.SelectedIndex(); i >= 0 {
		in.Policy = policies[i]
	}
	if i := f.pipeline.SelectedIndex(); i > 0 && i-1 < len(f.pipelines) {
		in.PipelineID = f.pipelines[i-1].ID
	} else if i < 0 {
		in.PipelineID = f.acc.PipelineID
	}
	if i := f.responsible.SelectedIndex(); i > 0 && i-1 < len(f.employees) {
		in.ResponsibleID = f.employees[i-1].ID
	} else if i < 0 {
		in.ResponsibleID = f.acc.ResponsibleID
	}
	if mb := num(f.maxSize, "max_size"); mb > 0 {
		in.MaxSize = int64(mb) << 20
	} else if mb < 0 {
		bad["max_size"] = lang.L("The size cap must be at least 1 MB.")
	}
	return in, bad
}

// account is the form as an account, for a connection test.
func (f *accountForm) account(in data.AccountInput) data.Account {
	acc := data.Account{ID: f.acc.ID, Email: in.Email, IMAPHost: in.IMAPHost, IMAPPort: in.IMAPPort, IMAPSecurity: in.IMAPSecurity,
		Username: in.Username, Folders: in.Folders, SMTPHost: in.SMTPHost, SMTPPort: in.SMTPPort, SMTPSecurity: in.SMTPSecurity,
		SMTPUsername: in.SMTPUsername}
	if acc.Username == "" {
		acc.Username = acc.Email
	}
	return acc
}

func (f *accountForm) clearErrors() {
	for _, l := range f.errs {
		setError(l, "")
	}
	setError(f.formError, "")
}

// showErrors puts each validation error next to its field.
func (f *accountForm) showErrors(err error) {
	v := data.FieldErrors(err)
	if v == nil {
		setError(f.formError, errorText(err))
		return
	}
	for _, fe := range v.Fields {
		key := fe.Field
		if i := strings.IndexByte(key, '['); i >= 0 {
			key = key[:i]
		}
		if l, ok := f.errs[key]; ok {
			setError(l, accountFieldMessage(fe))
		} else {
			setError(f.formError, accountFieldMessage(fe))
		}
	}
}

// accountFieldMessage translates the account's validation errors by code.
func accountFieldMessage(fe data.FieldError) string {
	switch fe.Code {
	case "insecure":
		return lang.L("A connection without encryption is allowed only to this computer (localhost): choose TLS or STARTTLS.")
	case "invalid_port":
		return lang.L("A port is a number between 1 and 65535.")
	case "invalid_security":
		return lang.L("Choose TLS, STARTTLS or none.")
	case "invalid_host":
		return lang.L("Not a server name.")
	case "required":
		if fe.Field == "imap_host" {
			return lang.L("The IMAP server's name is required.")
		}
	case "unknown_pipeline":
		return lang.L("This pipeline no longer exists.")
	case "unknown_employee":
		return lang.L("The responsible must be an active employee.")
	case "invalid_exclusion":
		return lang.L("Each line must be an address (name@domain.fr) or a domain (domain.fr).")
	case "out_of_range":
		switch fe.Field {
		case "import_days":
			return lang.L("Between 1 and 3650 days.")
		case "max_size":
			return lang.L("The size cap must be at least 1 MB.")
		}
	case "duplicate":
		return lang.L("An account with this address already exists.")
	}
	return fieldMessage(fe)
}

// testConnection tries the IMAP login (and SMTP when set) off the UI
// goroutine and says how it went in plain words.
func (f *accountForm) testConnection() {
	if f.testing {
		return
	}
	in, bad := f.input()
	f.clearErrors()
	if len(bad) > 0 {
		for k, m := range bad {
			setError(f.errs[k], m)
		}
		return
	}
	acc := f.account(in)
	pass, smtpPass := f.password.Text, f.smtpPass.Text
	old := f.acc
	f.testing = true
	f.test.Disable()
	f.testResult.Importance = widget.LowImportance
	f.testResult.SetText(lang.L("Connecting…"))
	f.testResult.Show()
	a := f.a
	a.run(func(ctx context.Context) error {
		sec := a.deps.Secrets
		if pass == "" && old.ID != 0 {
			pass, _ = sec.Get(old.IMAPSecretKey())
		}
		var lines []string
		ok := true
		if pass == "" {
			ok = false
			lines = append(lines, lang.L("IMAP: enter the password."))
		} else if err := checkIMAP(ctx, acc, pass); err != nil {
			ok = false
			lines = append(lines, lang.L("IMAP: {{.Message}}", map[string]any{"Message": accountMessage(imapsync.Explain(acc, err))}))
		} else {
			lines = append(lines, lang.L("IMAP: the server accepted the user name and password."))
		}
		if acc.SMTPHost != "" {
			sp := smtpPass
			if sp == "" && old.ID != 0 && old.SMTPHost != "" {
				sp, _ = sec.Get(old.SMTPSecretKey())
			}
			if sp == "" {
				sp = pass
			}
			if err := checkSMTP(ctx, acc, sp); err != nil {
				ok = false
				lines = append(lines, lang.L("SMTP: {{.Message}}", map[string]any{"Message": accountMessage(send.Explain(acc, err))}))
			} else {
				lines = append(lines, lang.L("SMTP: the server accepted the connection."))
			}
		}
		a.do(func() {
			f.testing = false
			if f.a.Me.CanConfigure() {
				f.test.Enable()
			}
			f.testResult.Importance = widget.SuccessImportance
			if !ok {
				f.testResult.Importance = widget.DangerImportance
			}
			f.testResult.SetText(strings.Join(lines, "\n"))
		})
		return nil
	})
}

// submit saves the account, then its passwords in the secret store.
func (f *accountForm) submit() {
	in, bad := f.input()
	f.clearErrors()
	if f.acc.ID == 0 && f.password.Text == "" {
		bad["password"] = lang.L("This field is required.")
	}
	if len(bad) > 0 {
		for k, m := range bad {
			setError(f.errs[k], m)
		}
		return
	}
	pass, smtpPass := f.password.Text, f.smtpPass.Text
	old := f.acc
	a := f.a
	me := a.Me.ID
	f.save.Disable()
	a.run(func(ctx context.Context) error {
		var acc data.Account
		var err error
		if old.ID == 0 {
			acc, err = a.Store.CreateAccount(ctx, me, in)
		} else {
			acc, err = a.Store.UpdateAccount(ctx, me, old.ID, in)
		}
		if err == nil {
			err = savePasswords(a.deps.Secrets, old, acc, pass, smtpPass)
			if err == nil && old.ID != 0 && pass != "" {
				restartMailSync(a) // a running connection keeps the old password
			}
		}
		a.do(func() {
			f.save.Enable()
			if err != nil {
				if acc.ID != 0 {
					f.acc = acc // saved, but not its password: a second try edits it
				}
				f.showErrors(err)
				return
			}
			f.saved = true
			f.dlg.Hide()
			syncNow(a)
		})
		return nil
	})
}

// deletePasswords forgets a removed account's passwords. They are filed
// under the account's own keys, so no other account loses its password.
func deletePasswords(sec secret.Store, acc data.Account) error {
	err := errors.Join(sec.Delete(acc.IMAPSecretKey()), sec.Delete(acc.SMTPSecretKey()))
	if err != nil {
		return fmt.Errorf("%s: %w", lang.L("The account is removed but its password could not be deleted"), err)
	}
	return nil
}

// savePasswords stores the typed passwords under the account's keys; when a
// key changed (a new user name or server) and no password was typed, the
// saved one follows.
func savePasswords(sec secret.Store, old, acc data.Account, pass, smtpPass string) error {
	move := func(oldKey, newKey, typed string) error {
		if typed != "" {
			if err := sec.Set(newKey, typed); err != nil {
				return err
			}
		} else if old.ID == 0 {
			// A new account: no password may linger under its key from
			// an account removed before (ids can be reused).
			return sec.Delete(newKey)
		} else if oldKey != newKey {
			p, err := sec.Get(oldKey)
			if errors.Is(err, secret.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := sec.Set(newKey, p); err != nil {
				return err
			}
		}
		if old.ID != 0 && oldKey != newKey {
			return sec.Delete(oldKey)
		}
		return nil
	}
	if err := move(old.IMAPSecretKey(), acc.IMAPSecretKey(), pass); err != nil {
		return fmt.Errorf("%s: %w", lang.L("The password could not be saved"), err)
	}
	if acc.SMTPHost == "" {
		if old.SMTPHost != "" {
			if err := sec.Delete(old.SMTPSecretKey()); err != nil {
				return fmt.Errorf("%s: %w", lang.L("The SMTP password could not be deleted"), err)
			}
		}
		return nil
	}
	oldKey := acc.SMTPSecretKey()
	if old.SMTPHost != "" {
		oldKey = old.SMTPSecretKey()
	}
	if err := move(oldKey, acc.SMTPSecretKey(), smtpPass); err != nil {
		return fmt.Errorf("%s: %w", lang.L("The SMTP password could not be saved"), err)
	}
	return nil
}
