package document

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
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
	font     = "go"
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

// Render writes the snapshot as a PDF document.
func Render(s Snapshot, opt Options) ([]byte, error) {
	r := &renderer{s: s, l: labelsFor(s.Language)}
	return r.render(opt)
}

type renderer struct {
	s Snapshot
	l *labels
	f *fpdf.Fpdf
}

func (r *renderer) money(v int64) string { return Money(v, r.s.Digits, r.s.Currency, r.s.Language) }

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
	f.SetTitle(r.title()+" "+r.s.Number, true)
	f.SetAuthor(r.s.Seller.Name, true)
	f.SetCreator("Comptoir", true)
	f.SetLang(r.s.Language)
	f.AddUTF8FontFromBytes(font, "", goregular.TTF)
	f.AddUTF8FontFromBytes(font, "B", gobold.TTF)
	f.AddUTF8FontFromBytes(font, "I", goitalic.TTF)
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

func (r *renderer) color(c [3]int) { r.f.SetTextColor(c[0], c[1], c[2]) }
func (r *renderer) fill(c [3]int)  { r.f.SetFillColor(c[0], c[1], c[2]) }
func (r *renderer) draw(c [3]int)  { r.f.SetDrawColor(c[0], c[1], c[2]) }

// ensure starts a new page when h millimetres do not fit on this one.
func (r *renderer) ensure(h float64) bool {
	if r.f.GetY()+h <= pageH-bottom {
		return false
	}
	f := r.f
	f.AddPage()
	// A running head names the document on every following page.
	r.color(textMuted)
	f.SetFont(font, "", 8)
	f.SetXY(margin, margin-5)
	f.CellFormat(contentW, 4, r.title()+" "+r.s.Number+" — "+r.s.Seller.Name, "", 1, "R", false, 0, "")
	r.color(textMain)
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
	f.SetFont(font, "B", 15)
	f.SetXY(x, 9)
	nameW := pageW - margin - 70 - x
	f.MultiCell(nameW, 6.5, r.s.Seller.Name, "", "L", false)
	f.SetFont(font, "", 8.5)
	if lines := strings.Split(strings.TrimSpace(r.s.Seller.Address), "\n"); len(lines) > 0 && lines[0] != "" {
		f.SetX(x)
		f.CellFormat(nameW, 4.5, strings.Join(lines, ", "), "", 1, "L", false, 0, "")
	}

	f.SetFont(font, "B", 20)
	f.SetXY(pageW-margin-70, 8)
	f.CellFormat(70, 9, r.title(), "", 2, "R", false, 0, "")
	f.SetFont(font, "", 11)
	f.CellFormat(70, 6, r.l.number+" "+r.s.Number, "", 2, "R", false, 0, "")
	f.SetFont(font, "", 9)
	f.CellFormat(70, 5, Date(r.s.IssueDate, r.s.Language), "", 2, "R", false, 0, "")
	f.SetY(bandH + 8)
	r.color(textMain)
}

// parties prints the seller on the left and the buyer in a box on the right.
func (r *renderer) parties() {
	f := r.f
	top := f.GetY()
	colW := contentW/2 - 5

	// Seller.
	r.caption(margin, top, r.l.seller)
	f.SetXY(margin, top+6)
	f.SetFont(font, "B", 10)
	f.MultiCell(colW, 5, r.s.Seller.Name, "", "L", false)
	f.SetFont(font, "", 9)
	r.partyDetails(margin, colW, r.s.Seller)
	leftEnd := f.GetY()

	// Buyer, in a box.
	bx := margin + contentW/2 + 5
	r.caption(bx, top, r.l.buyer)
	f.SetXY(bx+4, top+8)
	f.SetFont(font, "B", 10)
	f.MultiCell(colW-8, 5, r.s.Buyer.Name, "", "L", false)
	f.SetFont(font, "", 9)
	if r.s.Buyer.Contact != "" && r.s.Buyer.Contact != r.s.Buyer.Name {
		f.SetX(bx + 4)
		f.MultiCell(colW-8, 4.5, r.l.attn+" "+r.s.Buyer.Contact, "", "L", false)
	}
	r.partyDetails(bx+4, colW-8, r.s.Buyer)
	rightEnd := f.GetY() + 3
	// A light frame around the buyer, sized to what was printed.
	r.draw(rule)
	f.SetLineWidth(0.3)
	f.RoundedRect(bx, top+5, colW, rightEnd-top-5, 2, "1234", "D")
	end := max(leftEnd, rightEnd)
	f.SetY(end + 6)
}

func (r *renderer) caption(x, y float64, text string) {
	f := r.f
	r.color(textMuted)
	f.SetFont(font, "B", 8)
	f.SetXY(x, y)
	f.CellFormat(60, 4, strings.ToUpper(text), "", 0, "L", false, 0, "")
	r.color(textMain)
}

func (r *renderer) partyDetails(x, w float64, p Party) {
	f := r.f
	line := func(s string) {
		if strings.TrimSpace(s) == "" {
			return
		}
		f.SetX(x)
		f.MultiCell(w, 4.5, s, "", "L", false)
	}
	for _, a := range strings.Split(strings.TrimSpace(p.Address), "\n") {
		line(strings.TrimSpace(a))
	}
	if p.Registration != "" {
		line(r.l.registration + " : " + p.Registration)
	}
	if p.VATNumber != "" {
		line(r.l.vat + " : " + p.VATNumber)
	}
	if p.Email != "" || p.Phone != "" {
		line(strings.Trim(p.Email+" · "+p.Phone, " ·"))
	}
}

// facts prints the dates and references in a row of small boxes.
func (r *renderer) facts() {
	f := r.f
	type fact struct{ k, v string }
	facts := []fact{{r.l.issueDate, Date(r.s.IssueDate, r.s.Language)}}
	if r.s.Kind == Quote && r.s.ValidUntil != "" {
		facts = append(facts, fact{r.l.validTo, Date(r.s.ValidUntil, r.s.Language)})
	}
	if r.s.Kind == Invoice && r.s.DueDate != "" {
		facts = append(facts, fact{r.l.dueDate, Date(r.s.DueDate, r.s.Language)})
	}
	if r.s.SourceNumber != "" {
		facts = append(facts, fact{r.l.fromQuote, r.s.SourceNumber})
	}
	facts = append(facts, fact{r.l.payment, r.l.paymentTermsShort(r.s.PaymentDays)})
	y := f.GetY()
	end := y + 10
	w := contentW / float64(len(facts))
	for i, fc := range facts {
		x := margin + float64(i)*w
		r.color(textMuted)
		f.SetFont(font, "", 7.5)
		f.SetXY(x, y)
		f.CellFormat(w-2, 4, fc.k, "", 0, "L", false, 0, "")
		r.color(textMain)
		f.SetFont(font, "B", 9)
		f.SetXY(x, y+4.5)
		f.MultiCell(w-2, 4.5, fc.v, "", "L", false)
		end = max(end, f.GetY())
	}
	f.SetY(end + 4)
	if r.s.Title != "" {
		f.SetFont(font, "", 9)
		f.SetX(margin)
		f.MultiCell(contentW, 5, r.l.subject+" : "+r.s.Title, "", "L", false)
		f.Ln(2)
	}
}

func (r *renderer) tableHead() {
	f := r.f
	r.fill(accent)
	r.color(accentFg)
	f.SetFont(font, "B", 8.5)
	f.SetX(margin)
	heads := [6]string{r.l.description, r.l.qty, r.l.unitPrice, r.l.discount, r.l.vatRate, r.l.lineTotal}
	for i, h := range heads {
		align := "R"
		if i == 0 {
			align = "L"
		}
		f.CellFormat(colW[i], 7, h, "", 0, align, true, 0, "")
	}
	f.Ln(7)
	r.color(textMain)
}

// table prints the lines; a long name wraps inside its cell, and a line
// never splits across pages (the head is repeated on the next page).
func (r *renderer) table() {
	f := r.f
	r.tableHead()
	const lh = 4.6
	for i, l := range r.s.Lines {
		f.SetFont(font, "", 9)
		name := l.Name
		if l.Unit != "" {
			name += " (" + l.Unit + ")"
		}
		desc := f.SplitText(name, colW[0])
		var note string
		if l.TaxIncluded {
			note = r.l.taxIncluded
		}
		rows := len(desc)
		if note != "" {
			rows++
		}
		h := float64(rows)*lh + 2.4
		if r.ensure(h) {
			r.tableHead()
		}
		f.SetFont(font, "", 9)
		y := f.GetY()
		if i%2 == 1 {
			r.fill(zebra)
			f.Rect(margin, y, contentW, h, "F")
		}
		// Description.
		for j, d := range desc {
			f.SetXY(margin, y+1.2+float64(j)*lh)
			f.CellFormat(colW[0], lh, d, "", 0, "L", false, 0, "")
		}
		if note != "" {
			r.color(textMuted)
			f.SetFont(font, "I", 7.5)
			f.SetXY(margin, y+1.2+float64(len(desc))*lh)
			f.CellFormat(colW[0], lh, note, "", 0, "L", false, 0, "")
			f.SetFont(font, "", 9)
			r.color(textMain)
		}
		// Figures, on the first text row.
		var disc string
		switch {
		case l.Discount == 0:
		case l.DiscountKind == "amount":
			disc = "-" + r.money(l.Discount)
		default:
			disc = Rate(l.Discount, r.s.Language)
		}
		cells := [5]string{Quantity(l.Quantity, r.s.Language), r.money(l.UnitPrice), disc,
			Rate(l.TaxRate, r.s.Language), r.money(l.Net)}
		x := margin + colW[0]
		for k, c := range cells {
			f.SetXY(x, y+1.2)
			if k == 4 {
				f.SetFont(font, "B", 9)
			}
			f.CellFormat(colW[k+1], lh, c, "", 0, "R", false, 0, "")
			x += colW[k+1]
		}
		f.SetY(y + h)
	}
	r.draw(rule)
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
		f.SetFont(font, style, 9.5)
		f.SetX(x)
		f.CellFormat(boxW-32, 6, label, "", 0, "L", false, 0, "")
		f.CellFormat(32, 6, value, "", 1, "R", false, 0, "")
	}
	row(r.l.totalNet, r.money(r.s.Net), false)
	for _, t := range r.s.ByRate {
		row(fmt.Sprintf("%s %s (%s %s)", r.l.vatAt, Rate(t.Rate, r.s.Language), r.l.onBase, r.money(t.Net)), r.money(t.Tax), false)
	}
	row(r.l.totalGross, r.money(r.s.Gross), true)
	f.Ln(1.5)
	r.fill(accent)
	r.color(accentFg)
	f.SetFont(font, "B", 11)
	f.SetX(x)
	label := r.l.toPay
	if r.s.Kind == Quote {
		label = r.l.totalGross
	}
	f.CellFormat(boxW-38, 9, " "+label, "", 0, "L", true, 0, "")
	f.CellFormat(38, 9, r.money(r.s.Gross)+" ", "", 1, "R", true, 0, "")
	r.color(textMain)
	f.Ln(6)
}

// terms prints payment terms, bank details and the legal wording, and for a
// quote the acceptance box.
func (r *renderer) terms() {
	f := r.f
	para := func(style string, size float64, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		f.SetFont(font, style, size)
		lines := f.SplitText(text, contentW)
		r.ensure(float64(len(lines)) * 4.2)
		f.SetX(margin)
		f.MultiCell(contentW, 4.2, text, "", "L", false)
	}
	r.ensure(12)
	r.color(textMuted)
	f.SetFont(font, "B", 8)
	f.SetX(margin)
	f.CellFormat(contentW, 5, strings.ToUpper(r.l.payment), "", 1, "L", false, 0, "")
	r.color(textMain)
	terms := r.l.paymentTerms(r.s.PaymentDays)
	if r.s.PaymentNote != "" {
		terms += " — " + r.s.PaymentNote
	}
	if r.s.Kind == Invoice && r.s.DueDate != "" {
		terms += ". " + r.l.dueDate + " : " + Date(r.s.DueDate, r.s.Language) + "."
	}
	if r.s.Kind == Quote && r.s.ValidUntil != "" {
		terms += ". " + r.l.validTo + " : " + Date(r.s.ValidUntil, r.s.Language) + "."
	}
	para("", 9, terms)
	if r.s.IBAN != "" {
		bank := r.l.iban + " : " + r.s.IBAN
		if r.s.BIC != "" {
			bank += "    " + r.l.bic + " : " + r.s.BIC
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
		f.SetFont(font, "", 9)
		f.SetXY(x, y)
		f.CellFormat(88, 6, r.l.acceptance, "", 1, "L", false, 0, "")
		r.draw(rule)
		f.RoundedRect(x, y+7, 88, 22, 2, "1234", "D")
		f.SetY(y + 30)
	}
}

// footer prints the seller's identity and the page number on every page.
func (r *renderer) footer() {
	f := r.f
	r.draw(rule)
	f.SetLineWidth(0.2)
	f.Line(margin, pageH-16, pageW-margin, pageH-16)
	r.color(textMuted)
	f.SetFont(font, "", 7)
	parts := []string{r.s.Seller.Name}
	if a := strings.TrimSpace(r.s.Seller.Address); a != "" {
		parts = append(parts, strings.Join(strings.Split(a, "\n"), ", "))
	}
	if r.s.Seller.Registration != "" {
		parts = append(parts, r.l.registration+" "+r.s.Seller.Registration)
	}
	if r.s.Seller.VATNumber != "" {
		parts = append(parts, r.l.vatRate+" "+r.s.Seller.VATNumber)
	}
	f.SetXY(margin, pageH-15)
	f.MultiCell(contentW-25, 3.5, strings.Join(parts, " · "), "", "L", false)
	f.SetXY(pageW-margin-25, pageH-15)
	// {nb} is replaced by the page count when the document is closed.
	f.CellFormat(25, 3.5, fmt.Sprintf(r.l.page, f.PageNo()), "", 0, "R", false, 0, "")
	r.color(textMain)
}
