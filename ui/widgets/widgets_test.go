package widgets

import (
	"image/color"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// The tests that build widgets share Fyne's current app and its text
// caches, so they do not run in parallel; the colour helpers do.

func TestParseColor(t *testing.T) {
	t.Parallel()
	grey := color.NRGBA{R: 0x8c, G: 0x9a, B: 0xa6, A: 0xff}
	for in, want := range map[string]color.NRGBA{
		"#ff5752": {R: 0xff, G: 0x57, B: 0x52, A: 0xff},
		"#000000": {A: 0xff},
		"ff5752":  grey, // no #
		"#ff575":  grey, // too short
		"#gg0000": grey, // not hex
		"":        grey,
	} {
		if got := ParseColor(in); got != want {
			t.Errorf("ParseColor(%q) = %v, want %v", in, got, want)
		}
	}
	if ReadableOn(color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}) == color.White {
		t.Error("white text on white")
	}
	if ReadableOn(color.NRGBA{A: 0xff}) != color.White {
		t.Error("dark text on black")
	}
	if got := Tint(ParseColor("#ff5752"), 0x24); got.A != 0x24 || got.R != 0xff {
		t.Errorf("Tint = %v", got)
	}
}

// pipeline is New, Proposal, Won, Lost.
func pipeline() []data.Stage {
	return []data.Stage{
		{ID: 1, Name: "New", Color: "#39a8ef", Semantics: data.StatusOpen},
		{ID: 2, Name: "Proposal", Color: "#ffa900", Semantics: data.StatusOpen},
		{ID: 3, Name: "Won", Color: "#7bd500", Semantics: data.StatusWon},
		{ID: 4, Name: "Lost", Color: "#ff5752", Semantics: data.StatusLost},
	}
}

// segmentText is the label a segment draws.
func segmentText(t *testing.T, b *StageBar, i int) *canvas.Text {
	t.Helper()
	var found *canvas.Text
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *canvas.Text:
			found = v
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(b.Segment(i).content)
	if found == nil {
		t.Fatalf("segment %d draws no text", i)
	}
	return found
}

func TestStageBarSegmentsAndTaps(t *testing.T) {
	test.NewTempApp(t)
	b := NewStageBar()
	var tapped []int64
	closed := 0
	b.OnStage = func(st data.Stage) { tapped = append(tapped, st.ID) }
	b.OnClose = func() { closed++ }
	b.Set(pipeline(), 2, "Close deal", "")
	w := test.NewWindow(b)
	defer w.Close()
	w.Resize(fyne.NewSize(600, 60))

	// two open stages, then one closing segment for Won and Lost
	if b.Len() != 3 {
		t.Fatalf("%d segments, want 3", b.Len())
	}
	if got := segmentText(t, b, 2).Text; got != "Close deal" {
		t.Errorf("closing segment reads %q", got)
	}
	if !segmentText(t, b, 1).TextStyle.Bold || segmentText(t, b, 0).TextStyle.Bold {
		t.Error("the deal's stage is not the one in bold")
	}
	test.Tap(b.Segment(0))
	test.Tap(b.Segment(2))
	if !slices.Equal(tapped, []int64{1}) || closed != 1 {
		t.Errorf("taps reported stages %v and %d closings, want [1] and 1", tapped, closed)
	}
	if b.plus != nil {
		t.Error("a + without OnAdd")
	}

	// a lost deal: the closing segment names the stage and the reason; a
	// reader's bar does nothing on a tap
	r := NewStageBar()
	r.Set(pipeline(), 4, "Close deal", "too expensive")
	w2 := test.NewWindow(r)
	defer w2.Close()
	w2.Resize(fyne.NewSize(600, 60))
	if got := segmentText(t, r, 2).Text; got != "Lost · too expensive" {
		t.Errorf("lost segment reads %q", got)
	}
	for i := range r.Len() {
		if r.Segment(i).OnTapped != nil {
			t.Errorf("segment %d of a bar without callbacks is tappable", i)
		}
	}
	added := false
	r.OnAdd = func() { added = true }
	r.Set(pipeline(), 4, "Close deal", "")
	if r.plus == nil {
		t.Fatal("no + with OnAdd")
	}
	test.Tap(r.plus)
	if !added {
		t.Error("+ did not call OnAdd")
	}
}

func TestDealCardShowsAndReports(t *testing.T) {
	test.NewTempApp(t)
	c := NewDragCard()
	v := CardView{DealID: 7, StageID: 2, Color: "#ffa900", Title: "Boiler", Client: "Roux SARL", Amount: "1 250,00 €",
		Responsible: "Sophie", Activity: "12 mars", Overdue: true}
	c.Set(v)
	w := test.NewWindow(c)
	defer w.Close()
	if c.title.Text != "Boiler" || c.client.Text != "Roux SARL" || c.amount.Text != "1 250,00 €" || c.resp.Text != "Sophie" {
		t.Errorf("card shows %q %q %q %q", c.title.Text, c.client.Text, c.amount.Text, c.resp.Text)
	}
	if !c.activity.Visible() || c.actText.Text != "12 mars" || c.stripe.FillColor != ParseColor("#ffa900") {
		t.Error("the next activity or the stage colour is not shown")
	}
	var opened, picked, dropped CardView
	var dragged int
	c.OnTapped = func(v CardView) { opened = v }
	c.OnPick = func(v CardView, anchor fyne.CanvasObject) {
		picked = v
		if anchor != c.picker {
			t.Error("the picker is not anchored on the ⋮ button")
		}
	}
	c.OnDragged = func(CardView, *fyne.DragEvent) { dragged++ }
	c.OnDragEnd = func(v CardView) { dropped = v }
	test.Tap(c)
	test.Tap(c.picker)
	c.Dragged(&fyne.DragEvent{})
	c.DragEnd()
	if opened != v || picked != v || dropped != v || dragged != 1 {
		t.Errorf("reported %v / %v / %v after %d drags, want the card's view", opened, picked, dropped, dragged)
	}
	// no next activity: no badge
	v.Activity = ""
	c.Set(v)
	if c.activity.Visible() {
		t.Error("a badge without a next activity")
	}
	// an empty card opens nothing
	e := NewDealCard()
	e.OnTapped = func(CardView) { t.Error("an empty card opened a deal") }
	test.Tap(e)
}

func TestSwatchesChoose(t *testing.T) {
	test.NewTempApp(t)
	var got []string
	s := NewSwatches([]string{"#39a8ef", "#ff5752", "#7bd500"}, func(c string) { got = append(got, c) })
	if s.Selected() != "#39a8ef" || s.marks[0].StrokeWidth == 0 {
		t.Fatalf("first colour not chosen: %q", s.Selected())
	}
	test.Tap(s.Swatch(1))
	if s.Selected() != "#ff5752" || !slices.Equal(got, []string{"#ff5752"}) {
		t.Errorf("chose %q, reported %v", s.Selected(), got)
	}
	if s.marks[0].StrokeWidth != 0 || s.marks[1].StrokeWidth == 0 {
		t.Error("the outline did not follow the choice")
	}
}

func TestEscEntry(t *testing.T) {
	test.NewTempApp(t)
	escaped := 0
	e := NewEscEntry(func() { escaped++ })
	w := test.NewWindow(e)
	defer w.Close()
	test.Type(e, "abc")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if e.Text != "ab" || escaped != 1 {
		t.Errorf("text %q, %d escapes", e.Text, escaped)
	}
}

func TestCheckGrid(t *testing.T) {
	test.NewTempApp(t)
	g := NewCheckGrid(2)
	g.Set([]string{"Anne", "Bruno", "Carla"}, []string{"Carla"})
	if !slices.Equal(g.Selected(), []string{"Carla"}) || len(g.Objects) != 3 {
		t.Fatalf("selected %v of %d", g.Selected(), len(g.Objects))
	}
	test.Tap(g.Objects[0].(*widget.Check))
	if !slices.Equal(g.Selected(), []string{"Anne", "Carla"}) {
		t.Errorf("selected %v", g.Selected())
	}
	g.Disable()
	g.Set([]string{"Anne", "Bruno"}, nil) // options shown again stay read-only
	if !g.Disabled() || !g.Objects[1].(*widget.Check).Disabled() {
		t.Error("a disabled grid has editable checks")
	}
	g.Enable()
	if g.Objects[1].(*widget.Check).Disabled() {
		t.Error("enabled grid with a read-only check")
	}
}
