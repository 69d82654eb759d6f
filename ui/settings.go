package ui

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/ui/widgets"
)

// settingsScreen: pipelines and stages, custom fields, employees, this
// device, the company on documents, mail accounts and email. Only an
// employee who may configure changes the first three; others read them.
type settingsScreen struct {
	a    *App
	root *fyne.Container
	tabs *container.AppTabs

	seller  *sellerForm        // Company & documents (products_seller.go)
	mail    *accountsSection   // Mail accounts (mailaccounts.go)
	mailTab *container.TabItem // its tab
	email   *templatesSettings // Email: signature and templates (compose_templates.go)

	pipelines []data.Pipeline
	pipeIdx   int
	pipeSel   *widget.Select
	stages    *fyne.Container

	entity    data.Entity
	fieldsBox *fyne.Container

	empBox *fyne.Container
}

func newSettingsScreen(a *App) *settingsScreen {
	s := &settingsScreen{a: a, entity: data.EntityDeal}
	// the sections, in order (each is built here, left to right)
	s.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Pipelines"), s.pipelinesTab()),
		container.NewTabItem(lang.L("Custom fields"), s.fieldsTab()),
		container.NewTabItem(lang.L("Employees"), s.employeesTab()),
		container.NewTabItem(lang.L("This device"), s.deviceTab()),
		container.NewTabItem(lang.L("Company & documents"), s.sellerTab()),
		s.mailAccountsTab(),
		container.NewTabItem(lang.L("Email"), s.emailTab()),
	)
	var top fyne.CanvasObject = widget.NewLabel("")
	if !a.Me.CanConfigure() {
		l := widget.NewLabel(lang.L("Only an administrator can change the pipelines, the custom fields and the employees. You see them read-only."))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		top = container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, l)
	} else {
		top = nil
	}
	s.root = container.NewBorder(top, nil, nil, nil, s.tabs)
	s.loadPipelines()
	s.loadFields()
	s.loadEmployees()
	a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindPipeline, 0) {
			s.loadPipelines()
		}
		if cs.Has(data.KindField, 0) {
			s.loadFields()
		}
		if cs.Has(data.KindEmployee, 0) {
			s.loadEmployees()
		}
	})
	return s
}

func (s *settingsScreen) admin() bool { return s.a.Me.CanConfigure() }

// sellerTab is the company printed on quotes and invoices.
func (s *settingsScreen) sellerTab() fyne.CanvasObject {
	s.seller = newSellerForm(s.a)
	return container.NewVScroll(container.NewPadded(s.seller.root))
}

// mailAccountsTab is the mailboxes client mail is read from and sent
// through.
func (s *settingsScreen) mailAccountsTab() *container.TabItem {
	s.mail = newAccountsSection(s.a)
	s.mailTab = container.NewTabItem(lang.L("Mail accounts"), s.mail.root)
	return s.mailTab
}

// emailTab is the employee's signature and the shared email templates.
func (s *settingsScreen) emailTab() fyne.CanvasObject {
	s.email = newTemplatesSettings(s.a)
	return s.email.root
}

// ---- pipelines and stages

func (s *settingsScreen) pipelinesTab() fyne.CanvasObject {
	s.pipeSel = widget.NewSelect(nil, func(string) {
		s.pipeIdx = s.pipeSel.SelectedIndex()
		s.showStages()
	})
	s.stages = container.NewVBox()
	bar := container.NewHBox(s.pipeSel)
	if s.admin() {
		bar.Add(widget.NewButtonWithIcon(lang.L("New pipeline"), theme.ContentAddIcon(), func() {
			s.nameDialog(lang.L("New pipeline"), "", func(ctx context.Context, name string) error {
				_, err := s.a.Store.CreatePipeline(ctx, s.a.Me.ID, name)
				return err
			})
		}))
		bar.Add(widget.NewButtonWithIcon(lang.L("Rename"), theme.DocumentCreateIcon(), func() {
			p, ok := s.pipeline()
			if !ok {
				return
			}
			s.nameDialog(lang.L("Rename the pipeline"), p.Name, func(ctx context.Context, name string) error {
				return s.a.Store.RenamePipeline(ctx, s.a.Me.ID, p.ID, name)
			})
		}))
		bar.Add(widget.NewButtonWithIcon(lang.L("Add stage"), theme.ContentAddIcon(), func() {
			if p, ok := s.pipeline(); ok {
				s.stageDialog(p, data.Stage{Semantics: data.StatusOpen, Color: stagePalette[0]}, len(p.Stages))
			}
		}))
	}
	return container.NewBorder(container.NewPadded(bar), nil, nil, nil, container.NewVScroll(container.NewPadded(s.stages)))
}

func (s *settingsScreen) pipeline() (data.Pipeline, bool) {
	if s.pipeIdx < 0 || s.pipeIdx >= len(s.pipelines) {
		return data.Pipeline{}, false
	}
	return s.pipelines[s.pipeIdx], true
}

func (s *settingsScreen) loadPipelines() {
	st, me := s.a.Store, s.a.Me.ID
	load(s.a, func(ctx context.Context) ([]data.Pipeline, error) { return st.Pipelines(ctx, me) }, func(ps []data.Pipeline) {
		s.pipelines = ps
		names := make([]string, len(ps))
		for i, p := range ps {
			names[i] = p.Name
		}
		s.pipeSel.Options = names
		if s.pipeIdx >= len(ps) || s.pipeIdx < 0 {
			s.pipeIdx = 0
		}
		if len(ps) > 0 {
			s.pipeSel.Selected = names[s.pipeIdx]
		}
		s.pipeSel.Refresh()
		s.showStages()
	})
}

func semanticsLabel(sem data.Semantics) string {
	switch sem {
	case data.StatusWon:
		return lang.L("Won")
	case data.StatusLost:
		return lang.L("Lost")
	}
	return lang.L("Open")
}

func (s *settingsScreen) showStages() {
	s.stages.RemoveAll()
	p, ok := s.pipeline()
	if !ok {
		return
	}
	for i, st := range p.Stages {
		i, st := i, st
		sw := canvas.NewRectangle(widgets.ParseColor(st.Color))
		sw.CornerRadius = 4
		sw.SetMinSize(fyne.NewSize(22, 22))
		info := widget.NewLabel(semanticsLabel(st.Semantics) + " · " + strconv.Itoa(st.Probability) + " %")
		right := container.NewHBox(info)
		if s.admin() {
			up := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { s.moveStage(st, i-1) })
			down := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { s.moveStage(st, i+1) })
			if i == 0 {
				up.Disable()
			}
			if i == len(p.Stages)-1 {
				down.Disable()
			}
			edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { s.stageDialog(p, st, -1) })
			del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
				dialog.ShowConfirm(lang.L("Delete the stage"), lang.L("Delete “{{.Stage}}”? A stage that still holds deals cannot be deleted.", map[string]any{"Stage": st.Name}), func(ok bool) {
					if ok {
						s.a.run(func(ctx context.Context) error { return s.a.Store.DeleteStage(ctx, s.a.Me.ID, st.ID) })
					}
				}, s.a.Win)
			})
			for _, b := range []*widget.Button{up, down, edit, del} {
				b.Importance = widget.LowImportance
				right.Add(b)
			}
		}
		s.stages.Add(container.NewBorder(nil, nil, container.NewCenter(sw), right, heading(st.Name)))
	}
	s.stages.Refresh()
}

func (s *settingsScreen) moveStage(st data.Stage, pos int) {
	s.a.run(func(ctx context.Context) error { return s.a.Store.MoveStage(ctx, s.a.Me.ID, st.ID, pos) })
}

// stageForm is an open stage dialog (tests drive it).
type stageForm struct {
	name *widget.Entry
	save *widget.Button
	errs map[string]*widget.Label
}

// stageDialog edits a stage (pos < 0) or adds one at pos.
func (s *settingsScreen) stageDialog(p data.Pipeline, st data.Stage, pos int) *stageForm {
	a := s.a
	name := widget.NewEntry()
	name.SetText(st.Name)
	colour := widget.NewSelectEntry(stagePalette)
	colour.SetText(st.Color)
	sems := []data.Semantics{data.StatusOpen, data.StatusWon, data.StatusLost}
	sem := widget.NewSelect([]string{semanticsLabel(sems[0]), semanticsLabel(sems[1]), semanticsLabel(sems[2])}, nil)
	for i, x := range sems {
		if x == st.Semantics {
			sem.SetSelectedIndex(i)
		}
	}
	prob := widget.NewEntry()
	prob.SetText(strconv.Itoa(st.Probability))
	errs := map[string]*widget.Label{"name": newErrorLabel(), "color": newErrorLabel(), "semantics": newErrorLabel(), "probability": newErrorLabel()}
	title := lang.L("Edit the stage")
	if pos >= 0 {
		title = lang.L("New stage")
	}
	save := settingsForm(a, title, 420, errs, func(dlg dialog.Dialog) {
		pr, err := strconv.Atoi(strings.TrimSpace(prob.Text))
		if err != nil {
			setError(errs["probability"], lang.L("Not a whole number."))
			return
		}
		in := data.StageInput{Name: name.Text, Color: strings.TrimSpace(colour.Text), Probability: pr}
		if i := sem.SelectedIndex(); i >= 0 {
			in.Semantics = sems[i]
		}
		me := a.Me.ID
		saveInDialog(a, dlg, errs, func(ctx context.Context) (err error) {
			if pos < 0 {
				_, err = a.Store.UpdateStage(ctx, me, st.ID, in)
			} else {
				_, err = a.Store.AddStage(ctx, me, p.ID, pos, in)
			}
			return err
		})
	},
		fieldRow(lang.L("Name"), name, errs["name"]),
		fieldRow(lang.L("Colour"), colour, errs["color"]),
		fieldRow(lang.L("Meaning"), sem, errs["semantics"]),
		fieldRow(lang.L("Default probability (%)"), prob, errs["probability"]))
	return &stageForm{name: name, save: save, errs: errs}
}

// settingsForm shows a settings form: its rows, then Cancel and Save. Save
// clears the errors and calls save with the dialog (saveInDialog hides it
// once written). It returns the Save button.
func settingsForm(a *App, title string, width float32, errs map[string]*widget.Label, save func(dlg dialog.Dialog), rows ...fyne.CanvasObject) *widget.Button {
	var dlg dialog.Dialog
	btn := widget.NewButtonWithIcon(lang.L("Save"), theme.ConfirmIcon(), func() {
		for _, l := range errs {
			setError(l, "")
		}
		save(dlg)
	})
	btn.Importance = widget.HighImportance
	rows = append(rows, container.NewGridWithColumns(2, widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() }), btn))
	dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(rows...), a.Win)
	dlg.Resize(dialogSize(a.Win, width))
	dlg.Show()
	return btn
}

// saveInDialog runs a dialog's write off the UI goroutine. Validation errors
// go under their fields, another error under errs[""] (or in an error
// dialog when the form has no general label), and success closes the dialog.
func saveInDialog(a *App, dlg dialog.Dialog, errs map[string]*widget.Label, write func(ctx context.Context) error) {
	a.run(func(ctx context.Context) error {
		err := write(ctx)
		a.do(func() {
			if showFieldErrors(err, errs) {
				return
			}
			if err != nil {
				if l, ok := errs[""]; ok {
					setError(l, errorText(err))
				} else {
					a.showError(err)
				}
				return
			}
			dlg.Hide()
		})
		return nil
	})
}

// showFieldErrors puts validation errors under their fields; it reports
// whether err was a validation error.
func showFieldErrors(err error, errs map[string]*widget.Label) bool {
	v := data.FieldErrors(err)
	if v == nil {
		return false
	}
	for _, fe := range v.Fields {
		if l, ok := errs[fe.Field]; ok {
			setError(l, fieldMessage(fe))
		} else if l, ok := errs[""]; ok {
			setError(l, fieldMessage(fe))
		}
	}
	return true
}

// nameDialog asks for one name.
func (s *settingsScreen) nameDialog(title, value string, save func(ctx context.Context, name string) error) {
	a := s.a
	e := widget.NewEntry()
	e.SetText(value)
	errL := newErrorLabel()
	var dlg dialog.Dialog
	ok := widget.NewButtonWithIcon(lang.L("Save"), theme.ConfirmIcon(), func() {
		name := e.Text
		a.run(func(ctx context.Context) error {
			err := save(ctx, name)
			a.do(func() {
				if v := data.FieldErrors(err); v != nil && len(v.Fields) > 0 {
					setError(errL, fieldMessage(v.Fields[0]))
					return
				}
				if err != nil {
					setError(errL, errorText(err))
					return
				}
				dlg.Hide()
			})
			return nil
		})
	})
	ok.Importance = widget.HighImportance
	dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(fieldRow(lang.L("Name"), e, errL),
		container.NewGridWithColumns(2, widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() }), ok)), a.Win)
	dlg.Resize(dialogSize(a.Win, 380))
	dlg.Show()
}

// ---- custom fields

var entities = []data.Entity{data.EntityDeal, data.EntityContact, data.EntityCompany}
var fieldTypes = []data.FieldType{data.FieldText, data.FieldNumber, data.FieldMoney, data.FieldDate, data.FieldBool, data.FieldList}

func entityLabel(e data.Entity) string {
	switch e {
	case data.EntityContact:
		return lang.L("Contacts")
	case data.EntityCompany:
		return lang.L("Companies")
	}
	return lang.L("Deals")
}

func fieldTypeLabel(t data.FieldType) string {
	switch t {
	case data.FieldNumber:
		return lang.L("Number")
	case data.FieldMoney:
		return lang.L("Money")
	case data.FieldDate:
		return lang.L("Date")
	case data.FieldBool:
		return lang.L("Yes / no")
	case data.FieldList:
		return lang.L("List")
	}
	return lang.L("Text")
}

func (s *settingsScreen) fieldsTab() fyne.CanvasObject {
	labels := make([]string, len(entities))
	for i, e := range entities {
		labels[i] = entityLabel(e)
	}
	sel := widget.NewSelect(labels, func(string) {})
	sel.OnChanged = func(string) {
		s.entity = entities[max(sel.SelectedIndex(), 0)]
		s.loadFields()
	}
	sel.SetSelectedIndex(0)
	s.fieldsBox = container.NewVBox()
	bar := container.NewHBox(sel)
	if s.admin() {
		bar.Add(widget.NewButtonWithIcon(lang.L("Add field"), theme.ContentAddIcon(), func() {
			s.fieldDialog(data.FieldDef{Entity: s.entity, Type: data.FieldText})
		}))
	}
	return container.NewBorder(container.NewPadded(bar), nil, nil, nil, container.NewVScroll(container.NewPadded(s.fieldsBox)))
}

func (s *settingsScreen) loadFields() {
	if s.fieldsBox == nil {
		return
	}
	ent, st, me := s.entity, s.a.Store, s.a.Me.ID
	load(s.a, func(ctx context.Context) ([]data.FieldDef, error) { return st.FieldDefs(ctx, me, ent) }, func(defs []data.FieldDef) {
		s.fieldsBox.RemoveAll()
		if len(defs) == 0 {
			l := widget.NewLabel(lang.L("No custom field yet."))
			l.Importance = widget.LowImportance
			s.fieldsBox.Add(l)
		}
		for _, d := range defs {
			d := d
			info := fieldTypeLabel(d.Type)
			if d.Required {
				info += " · " + lang.L("required")
			}
			if len(d.Options) > 0 {
				info += " · " + strings.Join(d.Options, ", ")
			}
			il := widget.NewLabel(info)
			right := container.NewHBox(il)
			if s.admin() {
				edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { s.fieldDialog(d) })
				del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
					dialog.ShowConfirm(lang.L("Delete the field"), lang.L("Delete “{{.Field}}” and every value stored in it?", map[string]any{"Field": d.Label}), func(ok bool) {
						if ok {
							s.a.run(func(ctx context.Context) error { return s.a.Store.DeleteFieldDef(ctx, s.a.Me.ID, d.ID) })
						}
					}, s.a.Win)
				})
				edit.Importance, del.Importance = widget.LowImportance, widget.LowImportance
				right.Add(edit)
				right.Add(del)
			}
			s.fieldsBox.Add(container.NewBorder(nil, nil, nil, right, heading(d.Label)))
		}
		s.fieldsBox.Refresh()
	})
}

// fieldKey makes a key from a label: "Date de livraison" → "date_de_livraison".
func fieldKey(label string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(label) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
		case r == 'é' || r == 'è' || r == 'ê' || r == 'ë':
			b.WriteRune('e')
		case r == 'à' || r == 'â':
			b.WriteRune('a')
		case r == 'ô':
			b.WriteRune('o')
		case r == 'î' || r == 'ï':
			b.WriteRune('i')
		case r == 'ù' || r == 'û' || r == 'ü':
			b.WriteRune('u')
		case r == 'ç':
			b.WriteRune('c')
		case unicode.IsSpace(r) || r == '-' || r == '_':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		}
	}
	k := strings.TrimSuffix(b.String(), "_")
	if len(k) > 40 {
		k = k[:40]
	}
	return k
}

func (s *settingsScreen) fieldDialog(d data.FieldDef) {
	a := s.a
	label := widget.NewEntry()
	label.SetText(d.Label)
	key := widget.NewEntry()
	key.SetText(d.Key)
	if d.ID != 0 {
		key.Disable()
	} else {
		label.OnChanged = func(v string) { key.SetText(fieldKey(v)) }
	}
	tl := make([]string, len(fieldTypes))
	for i, t := range fieldTypes {
		tl[i] = fieldTypeLabel(t)
	}
	typ := widget.NewSelect(tl, nil)
	for i, t := range fieldTypes {
		if t == d.Type {
			typ.SetSelectedIndex(i)
		}
	}
	opts := widget.NewEntry()
	opts.SetPlaceHolder(lang.L("Options, separated by commas"))
	opts.SetText(strings.Join(d.Options, ", "))
	req := widget.NewCheck(lang.L("Required"), nil)
	req.SetChecked(d.Required)
	errs := map[string]*widget.Label{"label": newErrorLabel(), "key": newErrorLabel(), "type": newErrorLabel(), "options": newErrorLabel(), "": newErrorLabel()}
	title := lang.L("New field")
	if d.ID != 0 {
		title = lang.L("Edit the field")
	}
	settingsForm(a, title, 440, errs, func(dlg dialog.Dialog) {
		def := d
		def.Label, def.Key, def.Required = label.Text, key.Text, req.Checked
		if i := typ.SelectedIndex(); i >= 0 {
			def.Type = fieldTypes[i]
		}
		def.Options = nil
		for _, o := range strings.Split(opts.Text, ",") {
			if o = strings.TrimSpace(o); o != "" {
				def.Options = append(def.Options, o)
			}
		}
		me := a.Me.ID
		saveInDialog(a, dlg, errs, func(ctx context.Context) error {
			_, err := a.Store.SaveFieldDef(ctx, me, def)
			return err
		})
	},
		errs[""],
		fieldRow(lang.L("Label"), label, errs["label"]),
		fieldRow(lang.L("Key"), key, errs["key"]),
		fieldRow(lang.L("Type"), typ, errs["type"]),
		fieldRow(lang.L("Options (lists)"), opts, errs["options"]),
		req)
}

// ---- employees

var roles = []data.Role{data.RoleAdmin, data.RoleManager, data.RoleSales}

func roleLabel(r data.Role) string {
	switch r {
	case data.RoleAdmin:
		return lang.L("Administrator")
	case data.RoleManager:
		return lang.L("Manager")
	}
	return lang.L("Salesperson")
}

func (s *settingsScreen) employeesTab() fyne.CanvasObject {
	s.empBox = container.NewVBox()
	var top fyne.CanvasObject
	if s.admin() {
		top = container.NewPadded(container.NewHBox(widget.NewButtonWithIcon(lang.L("Add employee"), theme.ContentAddIcon(), func() {
			s.employeeDialog(data.Employee{Role: data.RoleSales, Active: true})
		})))
	}
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewPadded(s.empBox)))
}

func (s *settingsScreen) loadEmployees() {
	st, me := s.a.Store, s.a.Me.ID
	load(s.a, func(ctx context.Context) ([]data.Employee, error) { return st.Employees(ctx, me) }, func(es []data.Employee) {
		s.empBox.RemoveAll()
		for _, e := range es {
			e := e
			info := e.Email + " · " + roleLabel(e.Role)
			if !e.Active {
				info += " · " + lang.L("inactive")
			}
			il := widget.NewLabel(info)
			right := container.NewHBox(il)
			if s.admin() {
				edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { s.employeeDialog(e) })
				edit.Importance = widget.LowImportance
				right.Add(edit)
			}
			s.empBox.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()), right, heading(e.Name)))
		}
		s.empBox.Refresh()
	})
}

func (s *settingsScreen) employeeDialog(e data.Employee) {
	a := s.a
	name, email := widget.NewEntry(), widget.NewEntry()
	name.SetText(e.Name)
	email.SetText(e.Email)
	rl := make([]string, len(roles))
	for i, r := range roles {
		rl[i] = roleLabel(r)
	}
	role := widget.NewSelect(rl, nil)
	for i, r := range roles {
		if r == e.Role {
			role.SetSelectedIndex(i)
		}
	}
	active := widget.NewCheck(lang.L("Active"), nil)
	active.SetChecked(e.Active)
	errs := map[string]*widget.Label{"name": newErrorLabel(), "email": newErrorLabel(), "role": newErrorLabel(), "": newErrorLabel()}
	title := lang.L("New employee")
	if e.ID != 0 {
		title = lang.L("Edit the employee")
	}
	settingsForm(a, title, 420, errs, func(dlg dialog.Dialog) {
		in := data.EmployeeInput{Name: name.Text, Email: email.Text, Active: active.Checked}
		if i := role.SelectedIndex(); i >= 0 {
			in.Role = roles[i]
		}
		me := a.Me.ID
		saveInDialog(a, dlg, errs, func(ctx context.Context) (err error) {
			if e.ID == 0 {
				_, err = a.Store.CreateEmployee(ctx, me, in)
			} else {
				_, err = a.Store.UpdateEmployee(ctx, me, e.ID, in)
			}
			return err
		})
	},
		errs[""],
		fieldRow(lang.L("Name"), name, errs["name"]),
		fieldRow(lang.L("Email"), email, errs["email"]),
		fieldRow(lang.L("Role"), role, errs["role"]),
		active)
}

// ---- this device

func (s *settingsScreen) deviceTab() fyne.CanvasObject {
	a := s.a
	me := widget.NewLabel(a.Me.Name + " <" + a.Me.Email + ">")
	change := widget.NewButtonWithIcon(lang.L("I am someone else"), theme.AccountIcon(), func() { a.askWhoAmI() })
	prefs := []string{"", "fr", "en"}
	labels := []string{lang.L("The system's language"), "Français", "English"}
	langSel := widget.NewSelect(labels, nil)
	cur := a.FyneApp.Preferences().String(prefLanguage)
	for i, p := range prefs {
		if p == cur {
			langSel.SetSelectedIndex(i)
		}
	}
	note := widget.NewLabel("")
	note.Importance = widget.LowImportance
	langSel.OnChanged = func(string) {
		i := langSel.SelectedIndex()
		if i < 0 {
			return
		}
		a.FyneApp.Preferences().SetString(prefLanguage, prefs[i])
		note.SetText(lang.L("The language changes at the next start of Comptoir."))
	}
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		heading(lang.L("Who uses Comptoir on this device")), me, container.NewHBox(change),
		widget.NewSeparator(),
		heading(lang.L("Language")), langSel, note,
		widget.NewSeparator(),
		heading(lang.L("Database")), widget.NewLabel(a.Store.Path()),
	)))
}
