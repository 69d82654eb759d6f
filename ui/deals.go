package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// dealsScreen is the Deals destination: a toolbar (pipeline, board or list,
// my deals) over the board or the list.
type dealsScreen struct {
	a    *App
	root *fyne.Container

	pipelines  []data.Pipeline
	pipelineID int64
	pipeSelect *widget.Select
	viewSelect *widget.RadioGroup
	mine       *widget.Check

	board *boardView
	list  *listView
	body  *fyne.Container

	// cond is the filter's conditions both views read; filters are its
	// controls (dealfilter.go).
	cond    data.DealConditions
	filters *filterBar

	refreshTimer *time.Timer
	unsubscribe  func()
}

func newDealsScreen(a *App) *dealsScreen {
	s := &dealsScreen{a: a}
	s.pipeSelect = widget.NewSelect(nil, func(name string) {
		for _, p := range s.pipelines {
			if p.Name == name && p.ID != s.pipelineID {
				s.pipelineID = p.ID
				s.reload()
			}
		}
	})
	s.pipeSelect.Hide()
	s.viewSelect = widget.NewRadioGroup([]string{lang.L("Board"), lang.L("List")}, func(v string) { s.showView(v == lang.L("List")) })
	s.viewSelect.Horizontal = true
	s.viewSelect.Required = true
	s.mine = widget.NewCheck(lang.L("My deals"), func(bool) { s.reload() })
	newBtn := widget.NewButtonWithIcon(lang.L("New deal"), theme.ContentAddIcon(), func() {
		a.newDeal(data.DealInput{PipelineID: s.pipelineID})
	})
	s.board = newBoardView(s)
	s.list = newListView(s)
	s.body = container.NewStack(s.board.root, s.list.root)
	s.list.root.Hide()
	s.filters = newFilterBar(s)
	title := widget.NewLabelWithStyle(lang.L("Deals"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	bar := container.NewHBox(title, s.pipeSelect, s.viewSelect, s.mine)
	if a.Mobile {
		bar = container.NewHBox(s.pipeSelect, s.viewSelect, s.mine)
		newBtn = widget.NewButtonWithIcon("", theme.ContentAddIcon(), newBtn.OnTapped)
	}
	// the filter and its pinned saved filters have a row of their own, read
	// whole on a phone and with room for the pins (dealfilter.go)
	filters := container.NewHScroll(container.NewHBox(s.filters.objects()...))
	s.root = container.NewBorder(container.NewVBox(
		container.NewPadded(container.NewBorder(nil, nil, nil, newBtn, container.NewHScroll(bar))), filters), nil, nil, nil, s.body)
	s.viewSelect.SetSelected(lang.L("Board"))
	s.loadPipelines()
	s.unsubscribe = a.subscribe(s.changed)
	return s
}

// loadPipelines reads the pipelines, then the current view.
func (s *dealsScreen) loadPipelines() {
	st, me := s.a.Store, s.a.Me.ID
	load(s.a, func(ctx context.Context) ([]data.Pipeline, error) { return st.Pipelines(ctx, me) },
		func(ps []data.Pipeline) { s.setPipelines(ps); s.reload() })
}

func (s *dealsScreen) setPipelines(ps []data.Pipeline) {
	s.pipelines = ps
	names := make([]string, len(ps))
	found := false
	for i, p := range ps {
		names[i] = p.Name
		if p.ID == s.pipelineID {
			found = true
		}
	}
	if !found && len(ps) > 0 {
		s.pipelineID = ps[0].ID
	}
	s.pipeSelect.Options = names
	for _, p := range ps {
		if p.ID == s.pipelineID {
			s.pipeSelect.Selected = p.Name
		}
	}
	s.pipeSelect.Refresh()
	if len(ps) > 1 {
		s.pipeSelect.Show()
	} else {
		s.pipeSelect.Hide()
	}
	s.list.setPipelines(ps)
}

// pipeline is the current pipeline.
func (s *dealsScreen) pipeline() data.Pipeline {
	for _, p := range s.pipelines {
		if p.ID == s.pipelineID {
			return p
		}
	}
	return data.Pipeline{}
}

func (s *dealsScreen) showView(list bool) {
	if s.board == nil {
		return
	}
	if list {
		s.board.root.Hide()
		s.list.root.Show()
	} else {
		s.list.root.Hide()
		s.board.root.Show()
	}
	s.reload()
}

// reload refreshes the visible view.
func (s *dealsScreen) reload() {
	if s.board == nil || s.pipelineID == 0 {
		return
	}
	if s.list.root.Visible() {
		s.list.reload()
	} else {
		s.board.reload()
	}
}

// changed follows writes: deals refresh the view (shortly, merging bursts),
// pipelines reload the switcher too.
func (s *dealsScreen) changed(cs data.Changes) {
	if cs.Has(data.KindPipeline, 0) {
		s.loadPipelines()
		return
	}
	if cs.Has(data.KindFilter, 0) {
		s.filters.reloadSaved(false)
	}
	if !cs.Has(data.KindDeal, 0) && !cs.Has(data.KindContact, 0) && !cs.Has(data.KindCompany, 0) && !cs.Has(data.KindEmployee, 0) {
		return
	}
	s.a.stopTimer(s.refreshTimer)
	s.refreshTimer = s.a.after(100*time.Millisecond, s.reload)
}
