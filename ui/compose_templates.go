package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// The Settings section "Email": the employee's own signature, added to
// every email they write, and the email templates everyone shares, with
// their placeholders.

type templatesSettings struct {
	a         *App
	root      fyne.CanvasObject
	signature *widget.Entry
	saveSig   *widget.Button
	sigStatus *widget.Label
	list      *fyne.Container
	add       *widget.Button
	items     []data.EmailTemplate
	lastForm  *formDialog
	form      struct{ name, subject, body *widget.Entry }
}

func newTemplatesSettings(a *App) *templatesSettings {
	s := &templatesSettings{a: a, list: container.NewVBox()}
	s.signature = widget.NewMultiLineEntry()
	s.signature.SetMinRowsVisible(4)
	s.signature.SetText(a.Me.Signature)
	s.sigStatus = newErrorLabel()
	s.saveSig = widget.NewButtonWithIcon(lang.L("Save my signature"), theme.DocumentSaveIcon(), s.doSaveSignature)
	s.add = widget.NewButtonWithIcon(lang.L("New template"), theme.ContentAddIcon(), func() { s.edit(data.EmailTemplate{}) })
	help := widget.NewLabel(lang.L("Placeholders: {{.List}}", map[string]any{"List": strings.Join(data.TemplatePlaceholders, "  ")}))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	s.root = container.NewVScroll(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("My signature"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.signature, container.NewHBox(s.saveSig), s.sigStatus, widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("Email templates"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		help, s.list, container.NewHBox(s.add))))
	s.reload()
	return s
}

func (s *templatesSettings) doSaveSignature() {
	a, me, sig := s.a, s.a.Me, s.signature.Text
	a.run(func(ctx context.Context) error {
		err := a.Store.SetSignature(ctx, me.ID, sig)
		a.do(func() {
			if err != nil {
				s.sigStatus.Importance = widget.DangerImportance
				setError(s.sigStatus, errorText(err))
				return
			}
			a.Me.Signature = sig
			s.sigStatus.Importance = widget.SuccessImportance
			setError(s.sigStatus, lang.L("Saved."))
		})
		return nil
	})
}

func (s *templatesSettings) reload() {
	a, me := s.a, s.a.Me.ID
	load(a, func(ctx context.Context) ([]data.EmailTemplate, error) { return a.Store.Templates(ctx, me) }, s.show)
}

func (s *templatesSettings) show(ts []data.EmailTemplate) {
	s.items = ts
	s.list.RemoveAll()
	if len(ts) == 0 {
		l := widget.NewLabel(lang.L("No template yet."))
		l.Importance = widget.LowImportance
		s.list.Add(l)
	}
	for _, t := range ts {
		t := t
		edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { s.edit(t) })
		del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			dialog.ShowConfirm(lang.L("Delete this template?"), t.Name, func(ok bool) {
				if ok {
					s.a.run(func(ctx context.Context) error {
						if err := s.a.Store.DeleteTemplate(ctx, s.a.Me.ID, t.ID); err != nil {
							return err
						}
						s.a.do(s.reload)
						return nil
					})
				}
			}, s.a.Win)
		})
		edit.Importance, del.Importance = widget.LowImportance, widget.LowImportance
		s.list.Add(container.NewBorder(nil, nil, nil, container.NewHBox(edit, del), widget.NewLabel(t.Name)))
	}
	s.list.Refresh()
}

// edit opens a template in a dialog (ID 0: a new one).
func (s *templatesSettings) edit(t data.EmailTemplate) {
	name, subject, body := widget.NewEntry(), widget.NewEntry(), widget.NewMultiLineEntry()
	name.SetText(t.Name)
	subject.SetText(t.Subject)
	body.SetText(t.Body)
	body.SetMinRowsVisible(8)
	s.form.name, s.form.subject, s.form.body = name, subject, body
	errs := errLabels("name", "subject", "body")
	content := container.NewVBox(
		fieldRow(lang.L("Name"), name, errs["name"]),
		fieldRow(lang.L("Subject"), subject, errs["subject"]),
		fieldRow(lang.L("Text"), body, errs["body"]))
	title := lang.L("New template")
	if t.ID != 0 {
		title = lang.L("Edit the template")
	}
	s.lastForm = newFormDialog(title, lang.L("Save"), content, s.a.Win, errs, func(fd *formDialog) {
		in := data.EmailTemplate{ID: t.ID, Name: name.Text, Subject: subject.Text, Body: body.Text}
		fd.write(s.a, func(ctx context.Context) error {
			_, err := s.a.Store.SaveTemplate(ctx, s.a.Me.ID, in)
			return err
		}, s.reload)
	})
}
