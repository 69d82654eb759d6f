package document

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"comptoir/data/locale"
)

// Options are what a rendering takes besides the snapshot.
type Options struct {
	// Logo is a PNG or JPEG image printed in the header band; nil for none.
	Logo []byte
}

// Page geometry, in millimetres (A4).
const (
	pageW    = 210.0
	pageH    = 297.0
	margin   = 15.0
	contentW = pageW - 2*margin
	bottom   = 22.0 // room kept for the footer
)

// Colours.
var (
	accent    = [3]int{31, 58, 96}    // header band, table head
	accentFg  = [3]int{255, 255, 255} // text on the accent
	zebra     = [3]int{244, 246, 249} // alternate table rows
	panel     = [3]int{238, 241, 246} // the buyer's box, totals
	rule      = [3]int{200, 205, 214}
	textMain  = [3]int{30, 30, 30}
	textMuted = [3]int{100, 106, 116}
)

// table columns: description, quantity, unit price, discount, VAT, total.
var colW = [6]float64{76, 18, 26, 18, 16, 26}

// ErrRender marks an error of the renderer itself: a document it could not
// draw. No text causes one (text that no font prints shows as U+FFFD); it
// is a bug, reported in words rather than a crash.
var ErrRender = errors.New("the document could not be drawn")

// Render writes the snapshot as a PDF document. It never panics: a panic
// while drawing comes back as an error wrapping ErrRender.
func Render(s Snapshot, opt Options) (pdf []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			pdf, err = nil, fmt.Errorf("render %s: %w: %v", s.Number, ErrRender, p)
			renderPanicked(p, debug.Stack())
		}
	}()
	if renderHook != nil {
		renderHook(s)
	}
	if s.Digits < 0 || s.Digits > 9 {
		return nil, fmt.Errorf("render %s: %w: %d currency digits", s.Number, ErrRender, s.Digits)
	}
	r := &renderer{s: s.plain(), l: labelsFor(s.Language), fonts: map[*face]bool{}}
	return r.render(opt)
}

// plain removes the noncharacters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF) from
// the snapshot's text: the renderer's isolate marks are among them.
func (s Snapshot) plain() Snapshot {
	strip := func(v *string) {
		if strings.IndexFunc(*v, nonchar) >= 0 {
			*v = strings.Map(func(c rune) rune {
				if nonchar(c) {
					return -1
				}
				return c
			}, *v)
		}
	}
	party := func(p *Party) {
		for _, v := range []*string{&p.Name, &p.Contact, &p.Address, &p.Registration, &p.VATNumber, &p.Email, &p.Phone} {
			strip(v)
		}
	}
	for _, v := range []*string{&s.Number, &s.SourceNumber, &s.Title, &s.Currency, &s.IBAN, &s.BIC, &s.PaymentNote,
		&s.LatePenalty, &s.LegalNote, &s.IssueDate, &s.DueDate, &s.ValidUntil} {
		strip(v)
	}
	party(&s.Seller)
	party(&s.Buyer)
	s.Lines = slices.Clone(s.Lines)
	for i := range s.Lines {
		strip(&s.Lines[i].Name)
		strip(&s.Lines[i].Unit)
	}
	return s
}

func nonchar(c rune) bool { return c >= 0xFDD0 && c <= 0xFDEF || c&0xFFFE == 0xFFFE }

// renderHook, when set (tests), is called with every snapshot before it
// is drawn: a test makes it panic.
var renderHook func(Snapshot)

// renderPanicked is told of every recovered panic (tests read the stack).
var renderPanicked = func(any, []byte) {}

type renderer struct {
	s     Snapshot
	l     *labels
	f     *fpdf.Fpdf
	fonts map[*face]bool // faces registered with f

	style string  // of the text that follows: "", "B" or "I"
	size  float64 // points
}

// loc writes amounts, numbers and dates in the document's language, as the
// screens do (data/locale): an amount reads the same on both.
func (r *renderer) loc() locale.Locale { return locale.New(r.s.Language, time.UTC) }

func (r *renderer) money(v int64) string { return r.loc().Money(v, r.s.Currency) }

func (r *renderer) date(ymd string) string { return r.loc().FormalDate(ymd) }

func (r *renderer) title() string {
	if r.s.Kind == Quote {
		return r.l.quote
	}
	return r.l.invoice
}

func (r *renderer) render(opt Options) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	r.f = f
	f.SetCompression(true)
	f.SetCatalogSort(true)
	if t, err := time.Parse(time.DateOnly, r.s.IssueDate); err == nil {
		f.SetCreationDate(t)
		f.SetModificationDate(t)
	}
	f.SetTitle(meta(r.title()+" "+r.s.Number), true)
	f.SetAuthor(meta(r.s.Seller.Name), true)
	f.SetCreator("Comptoir", true)
	f.SetLang(r.s.Language)
	r.use(goRegular, 10)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(false, bottom)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(r.footer)
	f.AddPage()

	r.header(opt.Logo)
	r.parties()
	r.facts()
	r.table()
	r.totals()
	r.terms()

	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("render %s: %w", r.s.Number, err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("render %s: %w", r.s.Number, err)
	}
	return buf.Bytes(), nil
}

func (r *renderer) color(c [3]int)  { r.f.SetTextColor(c[0], c[1], c[2]) }
func (r *renderer) fill(c [3]int)   { r.f.SetFillColor(c[0], c[1], c[2]) }
func (r *renderer) stroke(c [3]int) { r.f.SetDrawColor(c[0], c[1], c[2]) }

// meta is text for the document's properties: no control characters, and
// U+FFFD for what the writer cannot encode there (past U+FFFF).
func meta(s string) string {
	rs := clean(s)
	for i, c := range rs {
		if c > 0xFFFF {
			rs[i] = replacement
		}
	}
	return string(rs)
}

// setFont sets the style and size (points) of the text that follows.
func (r *renderer) setFont(style string, size float64) { r.style, r.size = style, size }

// cell prints text on one line of a w×h box at the current position, cut
// with an ellipsis when it does not fit, and moves on as fpdf's CellFormat
// does: ln 0 to the right of the box, 1 to the margin below, 2 below.
func (r *renderer) cell(w, h float64, text string, ln int, align string, fill bool) {
	f := r.f
	x, y := f.GetXY()
	if fill {
		f.Rect(x, y, w, h, "F")
	}
	if text != "" {
		r.draw(fit(text, r.style, r.size, w-2*f.GetCellMargin()), x, y, w, h, align)
	}
	switch ln {
	case 0:
		f.SetXY(x+w, y)
	case 1:
		f.SetY(y + h)
	default:
		f.SetXY(x, y+h)
	}
}

// multiCell prints text wrapped to w, h millimetres a line, from the
// current position; past maxLines lines (0: no limit) the text is cut with
// an ellipsis. The position ends at the margin below it, as after fpdf's
// MultiCell.
func (r *renderer) multiCell(w, h float64, text, align string, maxLines int) {
	f := r.f
	x, y := f.GetXY()
	for _, l := range wrapText(text, r.style, r.size, w-2*f.GetCellMargin(), maxLines) {
		r.draw(l, x, y, w, h, align)
		y += h
	}
	f.SetY(y)
}

// ensure starts a new page when h millimetres do not fit on this one. The
// text's colour and font are kept.
func (r *renderer) ensure(h float64) bool {
	if r.f.GetY()+h <= pageH-bottom {
		return false
	}
	f := r.f
	style, size := r.style, r.size
	cr, cg, cb := f.GetTextColor()
	f.AddPage()
	// A running head names the document on every following page.
	r.color(textMuted)
	r.setFont("", 8)
	f.SetXY(margin, margin-5)
	r.cell(contentW, 4, r.title()+" "+iso(r.s.Number)+" — "+iso(r.s.Seller.Name), 1, "R", false)
	f.SetTextColor(cr, cg, cb)
	r.setFont(style, size)
	f.SetY(margin + 2)
	return true
}

// header draws the band: logo and seller name on the left, the document's
// title and number on the right.
func (r *renderer) header(logo []byte) {
	f := r.f
	const bandH = 32.0
	r.fill(accent)
	f.Rect(0, 0, pageW, bandH, "F")
	x := margin
	if len(logo) > 0 {
		typ := ""
		switch http.DetectContentType(logo) {
		case "image/png":
			typ = "PNG"
		case "image/jpeg":
			typ = "JPG"
		}
		if typ != "" {
			info := f.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: typ}, bytes.NewReader(logo))
			if f.Ok() && info != nil && info.Height() > 0 {
				h := 20.0
				w := h * info.Width() / info.Height()
				if w > 45 {
					w, h = 45, 45*info.Height()/info.Width()
				}
				f.ImageOptions("logo", x, (bandH-h)/2, w, h, false, fpdf.ImageOptions{ImageType: typ}, 0, "")
				x += w + 5
			} else {
				f.ClearError() // a broken logo never stops an invoice
			}
		}
	}
	r.color(accentFg)
	r.setFont("B", 15)
	f.SetXY(x, 9)
	nameW := pageW - margin - 70 - x
	// The band holds two lines of name and one of address.
	r.multiCell(nameW, 6.5, r.s.Seller.Name, "L", 2)
	r.setFont("", 8.5)
	if a := addressLine(r.s.Seller.Address); a != "" {
		f.SetX(x)
		r.cell(nameW, 4.5, a, 1, "L", false)
	}

	r.setFont("B", 20)
	f.SetXY(pageW-margin-70, 8)
	r.cell(70, 9, r.title(), 2, "R", false)
	r.setFont("", 11)
	r.cell(70, 6, r.l.number+" "+iso(r.s.Number), 2, "R", false)
	r.setFont("", 9)
	r.cell(70, 5, r.date(r.s.IssueDate), 2, "R", false)
	f.SetY(bandH + 8)
	r.color(textMain)
}

// parties prints the seller on the left and the buyer in a box on the right.
func (r *renderer) parties() {
	f := r.f
	top := f.GetY()
	colW := contentW/2 - 5

	// Seller. Each block is cut with an ellipsis past a height no real
	// party reaches, so that the page goes on to the lines.
	r.caption(margin, top, r.l.seller)
	f.SetXY(margin, top+6)
	r.setFont("B", 10)
	r.multiCell(colW, 5, r.s.Seller.Name, "L", 3)
	r.setFont("", 9)
	r.partyDetails(margin, colW, r.s.Seller, partyLines)
	leftEnd := f.GetY()

	// Buyer, in a box.
	bx := margin + contentW/2 + 5
	r.caption(bx, top, r.l.buyer)
	f.SetXY(bx+4, top+8)
	r.setFont("B", 10)
	r.multiCell(colW-8, 5, r.s.Buyer.Name, "L", 3)
	r.setFont("", 9)
	if r.s.Buyer.Contact != "" && r.s.Buyer.Contact != r.s.Buyer.Name {
		f.SetX(bx + 4)
		r.multiCell(colW-8, 4.5, r.l.attn+" "+iso(r.s.Buyer.Contact), "L", 2)
	}
	r.partyDetails(bx+4, colW-8, r.s.Buyer, partyLines)
	rightEnd := f.GetY() + 3
	// A light frame around the buyer, sized to what was printed.
	r.stroke(rule)
	f.SetLineWidth(0.3)
	f.RoundedRect(bx, top+5, colW, rightEnd-top-5, 2, "1234", "D")
	end := max(leftEnd, rightEnd)
	f.SetY(end + 6)
}

func (r *renderer) caption(x, y float64, text string) {
	f := r.f
	r.color(textMuted)
	r.setFont("B", 8)
	f.SetXY(x, y)
	r.cell(60, 4, strings.ToUpper(text), 0, "L", false)
	r.color(textMain)
}

// partyLines is the most lines a party's details print: an address, the
// registration, the VAT number and the contact details take nine at most.
const partyLines = 12

// addressLine is a several-line address on one line, each line isolated.
func addressLine(a string) string {
	var parts []string
	for _, l := range strings.Split(a, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, iso(l))
		}
	}
	return strings.Join(parts, ", ")
}

// partyDetails prints a party's address, numbers and contact details, at
// most maxLines lines (the last one cut with an ellipsis when there is
// more).
func (r *renderer) partyDetails(x, w float64, p Party, maxLines int) {
	var lines []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	for _, a := range strings.Split(p.Address, "\n") {
		add(a)
	}
	if p.Registration != "" {
		add(r.l.registration + " : " + iso(p.Registration))
	}
	if p.VATNumber != "" {
		add(r.l.vat + " : " + iso(p.VATNumber))
	}
	switch {
	case p.Email != "" && p.Phone != "":
		add(iso(p.Email) + " · " + iso(p.Phone))
	case p.Email != "" || p.Phone != "":
		add(p.Email + p.Phone)
	}
	if len(lines) == 0 {
		return
	}
	r.f.SetX(x)
	r.multiCell(w, 4.5, strings.Join(lines, "\n"), "L", maxLines)
}

// facts prints the dates and references in a row of small boxes.
func (r *renderer) facts() {
	f := r.f
	type fact struct{ k, v string }
	facts := []fact{{r.l.issueDate, r.date(r.s.IssueDate)}}
	if r.s.Kind == Quote && r.s.ValidUntil != "" {
		facts = append(facts, fact{r.l.validTo, r.date(r.s.ValidUntil)})
	}
	if r.s.Kind == Invoice && r.s.DueDate != "" {
		facts = append(facts, fact{r.l.dueDate, r.date(r.s.DueDate)})
	}
	if r.s.SourceNumber != "" {
		facts = append(facts, fact{r.l.fromQuote, iso(r.s.SourceNumber)})
	}
	facts = append(facts, fact{r.l.payment, r.l.paymentTermsShort(r.s.PaymentDays)})
	y := f.GetY()
	end := y + 10
	w := contentW / float64(len(facts))
	for i, fc := range facts {
		x := margin + float64(i)*w
		r.color(textMuted)
		r.setFont("", 7.5)
		f.SetXY(x, y)
		r.cell(w-2, 4, fc.k, 0, "L", false)
		r.color(textMain)
		r.setFont("B", 9)
		f.SetXY(x, y+4.5)
		r.multiCell(w-2, 4.5, fc.v, "L", 2)
		end = max(end, f.GetY())
	}
	f.SetY(end + 4)
	if r.s.Title != "" {
		r.setFont("", 9)
		f.SetX(margin)
		r.multiCell(contentW, 5, r.l.subject+" : "+iso(r.s.Title), "L", 3)
		f.Ln(2)
	}
}

func (r *renderer) tableHead() {
	f := r.f
	r.fill(accent)
	r.color(accentFg)
	r.setFont("B", 8.5)
	f.SetX(margin)
	heads := [6]string{r.l.description, r.l.qty, r.l.unitPrice, r.l.discount, r.l.vatRate, r.l.lineTotal}
	for i, h := range heads {
		align := "R"
		if i == 0 {
			align = "L"
		}
		r.cell(colW[i], 7, h, 0, align, true)
	}
	f.Ln(7)
	r.color(textMain)
}

// rowLines is the most lines a line's name prints, so that a row always
// fits on a page.
const rowLines = 40

// table prints the lines; a long name wraps inside its cell, and a line
// never splits across pages (the head is repeated on the next page).
func (r *renderer) table() {
	f := r.f
	if len(r.s.Lines) == 0 {
		r.tableHead()
	}
	const lh = 4.6
	for i, l := range r.s.Lines {
		r.setFont("", 9)
		name := iso(l.Name)
		if l.Unit != "" {
			name += " (" + iso(l.Unit) + ")"
		}
		desc := wrapText(strings.ReplaceAll(name, "\n", " "), "", 9, colW[0]-2*f.GetCellMargin(), rowLines)
		var note string
		if l.TaxIncluded {
			note = r.l.taxIncluded
		}
		rows := len(desc)
		if note != "" {
			rows++
		}
		h := float64(rows)*lh + 2.4
		switch {
		case i == 0:
			r.ensure(h + 7) // the head never stands alone at a page's foot
			r.tableHead()
		case r.ensure(h):
			r.tableHead()
		}
		r.setFont("", 9)
		y := f.GetY()
		if i%2 == 1 {
			r.fill(zebra)
			f.Rect(margin, y, contentW, h, "F")
		}
		// Description.
		for j, d := range desc {
			r.draw(d, margin, y+1.2+float64(j)*lh, colW[0], lh, "L")
		}
		if note != "" {
			r.color(textMuted)
			r.setFont("I", 7.5)
			f.SetXY(margin, y+1.2+float64(len(desc))*lh)
			r.cell(colW[0], lh, note, 0, "L", false)
			r.setFont("", 9)
			r.color(textMain)
		}
		// Figures, on the first text row.
		var disc string
		switch {
		case l.Discount == 0:
		case l.DiscountKind == "amount":
			disc = "-" + r.money(l.Discount)
		default:
			disc = r.loc().Percent(l.Discount)
		}
		cells := [5]string{r.loc().Quantity(l.Quantity), r.money(l.UnitPrice), disc,
			r.loc().Percent(l.TaxRate), r.money(l.Net)}
		x := margin + colW[0]
		for k, c := range cells {
			f.SetXY(x, y+1.2)
			if k == 4 {
				r.setFont("B", 9)
			}
			r.cell(colW[k+1], lh, c, 0, "R", false)
			x += colW[k+1]
		}
		f.SetY(y + h)
	}
	r.stroke(rule)
	f.SetLineWidth(0.3)
	f.Line(margin, f.GetY(), pageW-margin, f.GetY())
	f.Ln(5)
}

// totals prints net, VAT per rate and gross in a box on the right.
func (r *renderer) totals() {
	f := r.f
	rows := 2 + len(r.s.ByRate)
	h := float64(rows)*6 + 12
	r.ensure(h)
	const boxW = 88.0
	x := pageW - margin - boxW
	row := func(label, value string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		r.setFont(style, 9.5)
		f.SetX(x)
		r.cell(boxW-32, 6, label, 0, "L", false)
		r.cell(32, 6, value, 1, "R", false)
	}
	row(r.l.totalNet, r.money(r.s.Net), false)
	for _, t := range r.s.ByRate {
		row(fmt.Sprintf("%s %s (%s %s)", r.l.vatAt, r.loc().Percent(t.Rate), r.l.onBase, r.money(t.Net)), r.money(t.Tax), false)
	}
	row(r.l.totalGross, r.money(r.s.Gross), true)
	f.Ln(1.5)
	r.fill(accent)
	r.color(accentFg)
	r.setFont("B", 11)
	f.SetX(x)
	label := r.l.toPay
	if r.s.Kind == Quote {
		label = r.l.totalGross
	}
	r.cell(boxW-38, 9, " "+label, 0, "L", true)
	r.cell(38, 9, r.money(r.s.Gross)+" ", 1, "R", true)
	r.color(textMain)
	f.Ln(6)
}

// terms prints payment terms, bank details and the legal wording, and for a
// quote the acceptance box.
func (r *renderer) terms() {
	f := r.f
	// A paragraph starts on the next page when it would fit there whole,
	// and one longer than a page goes on from page to page.
	para := func(style string, size float64, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		const lh = 4.2
		r.setFont(style, size)
		lines := wrapText(text, style, size, contentW-2*f.GetCellMargin(), 0)
		if h := float64(len(lines)) * lh; h <= pageH-bottom-margin-2 {
			r.ensure(h)
		}
		for _, l := range lines {
			r.ensure(lh)
			r.draw(l, margin, f.GetY(), contentW, lh, "L")
			f.SetY(f.GetY() + lh)
		}
	}
	r.ensure(12)
	r.color(textMuted)
	r.setFont("B", 8)
	f.SetX(margin)
	r.cell(contentW, 5, strings.ToUpper(r.l.payment), 1, "L", false)
	r.color(textMain)
	terms := r.l.paymentTerms(r.s.PaymentDays)
	if r.s.PaymentNote != "" {
		terms += " — " + iso(r.s.PaymentNote)
	}
	if r.s.Kind == Invoice && r.s.DueDate != "" {
		terms += ". " + r.l.dueDate + " : " + r.date(r.s.DueDate) + "."
	}
	if r.s.Kind == Quote && r.s.ValidUntil != "" {
		terms += ". " + r.l.validTo + " : " + r.date(r.s.ValidUntil) + "."
	}
	para("", 9, terms)
	if r.s.IBAN != "" {
		bank := r.l.iban + " : " + iso(r.s.IBAN)
		if r.s.BIC != "" {
			bank += "    " + r.l.bic + " : " + iso(r.s.BIC)
		}
		para("B", 9, bank)
	}
	f.Ln(2)
	r.color(textMuted)
	penalty := r.s.LatePenalty
	if penalty == "" {
		penalty = r.l.penalty
	}
	para("", 7.8, penalty)
	para("", 7.8, r.l.indemnity)
	para("", 7.8, r.l.noEarlyDiscount)
	para("", 7.8, r.s.LegalNote)
	r.color(textMain)
	if r.s.Kind == Quote {
		f.Ln(4)
		r.ensure(32)
		y := f.GetY()
		x := pageW - margin - 88
		r.setFont("", 9)
		f.SetXY(x, y)
		r.cell(88, 6, r.l.acceptance, 1, "L", false)
		r.stroke(rule)
		f.RoundedRect(x, y+7, 88, 22, 2, "1234", "D")
		f.SetY(y + 30)
	}
}

// footerTop is where the footer's rule is drawn; nothing else prints below.
const footerTop = pageH - 16

// footer prints the seller's identity and the page number on every page;
// the identity takes two lines at most, cut with an ellipsis.
func (r *renderer) footer() {
	f := r.f
	style, size := r.style, r.size
	cr, cg, cb := f.GetTextColor()
	r.stroke(rule)
	f.SetLineWidth(0.2)
	f.Line(margin, footerTop, pageW-margin, footerTop)
	r.color(textMuted)
	r.setFont("", 7)
	parts := []string{iso(r.s.Seller.Name)}
	if a := addressLine(r.s.Seller.Address); a != "" {
		parts = append(parts, a)
	}
	if r.s.Seller.Registration != "" {
		parts = append(parts, r.l.registration+" "+iso(r.s.Seller.Registration))
	}
	if r.s.Seller.VATNumber != "" {
		parts = append(parts, r.l.vatRate+" "+iso(r.s.Seller.VATNumber))
	}
	f.SetXY(margin, footerTop+1)
	r.multiCell(contentW-25, 3.5, strings.Join(parts, " · "), "L", 2)
	f.SetXY(pageW-margin-25, footerTop+1)
	// {nb} is replaced by the page count when the document is closed.
	r.cell(25, 3.5, fmt.Sprintf(r.l.page, f.PageNo()), 0, "R", false)
	f.SetTextColor(cr, cg, cb)
	r.setFont(style, size)
}
