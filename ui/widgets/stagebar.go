package widgets

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// StageBar is the row of coloured stage segments across the top of a deal
// form: a segment per open stage, filled up to the deal's stage, and one
// last segment shared by the closing stages (won, lost), which shows the
// closed stage or an invitation to close the deal. It draws; what a tap
// does is its owner's. Set the callbacks, then call Set.
type StageBar struct {
	widget.BaseWidget
	// OnStage is called with the open stage whose segment was tapped; nil:
	// those segments do nothing.
	OnStage func(st data.Stage)
	// OnClose is called when the closing segment is tapped; nil: it does
	// nothing.
	OnClose func()
	// OnAdd, when set, shows a "+" button after the segments.
	OnAdd func()
	// Scroll makes the segments at least 88 wide and the bar scroll
	// sideways (phones).
	Scroll bool

	box  *fyne.Container
	segs []*TapBox
	plus *widget.Button
}

// NewStageBar is an empty bar; Set fills it.
func NewStageBar() *StageBar {
	b := &StageBar{box: container.NewStack()}
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer shows the row of segments.
func (b *StageBar) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(b.box) }

// Set draws the stages of a pipeline, in order, with the deal in stage
// current. closeLabel names the closing segment while the deal is open
// ("Close deal"); a lost deal's segment adds lostReason to the stage's name.
func (b *StageBar) Set(stages []data.Stage, current int64, closeLabel, lostReason string) {
	b.segs = b.segs[:0]
	seg := &segmentsLayout{}
	if b.Scroll {
		seg.minSeg = 88 // a phone scrolls the bar sideways
	}
	row := container.New(seg)
	var cur data.Stage
	curIdx := -1
	for i, st := range stages {
		if st.ID == current {
			cur, curIdx = st, i
		}
	}
	finals := false
	for i, st := range stages {
		if st.Semantics != data.StatusOpen {
			finals = true
			continue
		}
		filled := cur.Semantics == data.StatusOpen && i <= curIdx
		box := segment(st.Name, st.Color, filled, st.ID == current)
		if b.OnStage != nil {
			box.OnTapped = func() { b.OnStage(st) }
		}
		b.segs = append(b.segs, box)
		row.Add(box)
	}
	if finals {
		var box *TapBox
		switch cur.Semantics {
		case data.StatusWon, data.StatusLost:
			label := cur.Name
			if cur.Semantics == data.StatusLost && lostReason != "" {
				label += " · " + lostReason
			}
			box = segment(label, cur.Color, true, true)
		default:
			box = segment(closeLabel, "#8c9aa6", false, false)
		}
		if b.OnClose != nil {
			box.OnTapped = b.OnClose
		}
		b.segs = append(b.segs, box)
		row.Add(box)
	}
	var rowObj fyne.CanvasObject = row
	if b.Scroll {
		rowObj = container.NewHScroll(row)
	}
	objs := []fyne.CanvasObject{rowObj}
	b.plus = nil
	if b.OnAdd != nil {
		b.plus = widget.NewButtonWithIcon("", theme.ContentAddIcon(), b.OnAdd)
		b.plus.Importance = widget.LowImportance
		objs = []fyne.CanvasObject{container.NewBorder(nil, nil, nil, b.plus, rowObj)}
	}
	b.box.Objects = objs
	b.box.Refresh()
}

// Len is how many segments the bar shows (the closing one included).
func (b *StageBar) Len() int { return len(b.segs) }

// Segment is the i-th segment, from the left.
func (b *StageBar) Segment(i int) *TapBox { return b.segs[i] }

// segment draws one segment: filled in its colour or greyed, outlined when
// it is the deal's stage.
func segment(label, hex string, filled, current bool) *TapBox {
	base := ParseColor(hex)
	fill := base
	if !filled {
		fill = Lighten(color.NRGBA{R: 0x8c, G: 0x9a, B: 0xa6, A: 0xff}, 0.75)
	}
	bg := canvas.NewRectangle(fill)
	bg.CornerRadius = 4
	if current {
		bg.StrokeColor = theme.Color(theme.ColorNameForeground)
		bg.StrokeWidth = 2
	}
	text := canvas.NewText(label, ReadableOn(fill))
	text.TextStyle = fyne.TextStyle{Bold: current}
	text.Alignment = fyne.TextAlignCenter
	text.TextSize = theme.TextSize() * 0.9
	return NewTapBox(container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(7, 7, 6, 6), container.New(&truncLayout{full: label}, text))), nil)
}

// segmentsLayout shares the width between segments, with a small gap;
// each is at least minSeg wide.
type segmentsLayout struct{ minSeg float32 }

func (l segmentsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 {
		return
	}
	gap := float32(3)
	w := max((size.Width-gap*float32(len(objs)-1))/float32(len(objs)), l.minSeg)
	for i, o := range objs {
		o.Move(fyne.NewPos(float32(i)*(w+gap), 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

func (l segmentsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(len(objs))*max(40, l.minSeg+3), h)
}

// truncLayout sizes one canvas.Text and cuts its text with an ellipsis so
// that it fits the width it is given.
type truncLayout struct{ full string }

func (l *truncLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		t, ok := o.(*canvas.Text)
		if !ok {
			continue
		}
		t.Text = l.full
		rs := []rune(l.full)
		for len(rs) > 1 && fyne.MeasureText(t.Text, t.TextSize, t.TextStyle).Width > size.Width {
			rs = rs[:len(rs)-1]
			t.Text = strings.TrimSpace(string(rs)) + "…"
		}
		t.Move(fyne.NewPos(0, 0))
		t.Resize(size)
	}
}

func (l *truncLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		if t, ok := o.(*canvas.Text); ok {
			h = max(h, fyne.MeasureText("Ag", t.TextSize, t.TextStyle).Height)
		}
	}
	return fyne.NewSize(16, h)
}
