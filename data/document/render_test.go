package document

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sample is a French invoice with awkward content: accents, a long name,
// two VAT rates, a tax-included line and discounts.
func sample() Snapshot {
	return Snapshot{
		Kind: Invoice, Number: "FAC-2026-0007", Language: "fr",
		IssueDate: "2026-11-12", DueDate: "2026-12-12", SourceNumber: "DEV-2026-0003",
		Title:    "Rénovation de la boutique",
		Currency: "EUR", Digits: 2,
		Seller: Party{Name: "Atelier Dupré & Fils SARL", Address: "12 rue des Forgerons\n69003 Lyon\nFrance",
			Registration: "123 456 789", VATNumber: "FR12123456789", Email: "contact@atelier.example", Phone: "+33 4 72 00 00 00"},
		Buyer: Party{Name: "Société Générale d'Équipement Hôtelier et de Restauration Collective du Sud-Est", Contact: "Élodie Martin",
			Address: "5 avenue de la Gare\n13001 Marseille", VATNumber: "FR98765432109"},
		IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPP",
		Lines: []Line{
			{Name: "Étagère en chêne massif", Unit: "pièce", Quantity: 3000, UnitPrice: 12990, TaxRate: 2000, Net: 38970, Tax: 7794, Gross: 46764},
			{Name: "Livres de cuisine — édition reliée", Quantity: 2500, UnitPrice: 1999, DiscountKind: "percent", Discount: 1000, TaxRate: 550, Net: 4498, Tax: 247, Gross: 4745},
			{Name: "Installation sur site, déplacement compris, avec une description volontairement très longue qui doit passer à la ligne sans déborder de sa colonne", Quantity: 1, UnitPrice: 123456, DiscountKind: "amount", Discount: 6, TaxRate: 2000, TaxIncluded: true, Net: 103, Tax: 20, Gross: 123},
		},
		Net: 43571, Tax: 8061, Gross: 51632,
		ByRate:      []RateTotal{{Rate: 550, Net: 4498, Tax: 247}, {Rate: 2000, Net: 39073, Tax: 7814}},
		PaymentDays: 30, PaymentNote: "par virement bancaire",
		LegalNote: "SARL au capital de 10 000 € — RCS Lyon 123 456 789",
	}
}

// pdfText extracts the text of a PDF with poppler's pdftotext.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils) is needed to read the PDF back: %v", err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, out)
	}
	// Non-breaking spaces come back as they are; fold them for matching.
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(string(out))
}

func mustContain(t *testing.T, text string, wants ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(text), " ")
	for _, w := range wants {
		w = strings.Join(strings.Fields(strings.ReplaceAll(w, "\u00a0", " ")), " ")
		if !strings.Contains(flat, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}

func TestRenderInvoiceFrench(t *testing.T) {
	s := sample()
	pdf, err := Render(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:16])
	}
	if dir := os.Getenv("COMPTOIR_PDF_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "invoice-fr.pdf"), pdf, 0o600)
	}
	text := pdfText(t, pdf)
	mustContain(t, text,
		"FACTURE", "FAC-2026-0007", "12/11/2026", "12/12/2026", "DEV-2026-0003",
		"Atelier Dupré & Fils SARL", "123 456 789", "FR12123456789",
		"Société Générale d'Équipement Hôtelier", "Élodie Martin", "13001 Marseille", "FR98765432109",
		"Étagère en chêne massif (pièce)", "129,90 €", "389,70 €", "20 %",
		"Livres de cuisine — édition reliée", "2,5", "19,99 €", "10 %", "5,5 %", "44,98 €",
		"Installation sur site", "sans déborder de sa colonne", "prix unitaire TTC", "1,03 €",
		"Total HT", "435,71 €", "TVA 5,5 % (base 44,98 €) 2,47 €", "TVA 20 % (base 390,73 €) 78,14 €",
		"Total TTC", "516,32 €", "Net à payer",
		"Paiement à 30 jours", "FR76 3000 6000 0112 3456 7890 189",
		"trois fois le taux d'intérêt légal", "indemnité forfaitaire pour frais de recouvrement de 40 €",
		"Page 1 / 1",
	)
	if strings.Contains(text, "{nb}") {
		t.Error("page count alias left unreplaced")
	}
}

func TestRenderQuoteEnglish(t *testing.T) {
	s := sample()
	s.Kind, s.Number, s.Language = Quote, "DEV-2026-0003", "en"
	s.DueDate, s.ValidUntil, s.SourceNumber = "", "2026-12-12", ""
	pdf, err := Render(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	mustContain(t, text, "QUOTE", "DEV-2026-0003", "Valid until", "12 December 2026", "€1,234.56",
		"€516.32", "VAT 5.5% (on €44.98) €2.47", "Accepted", "fixed indemnity of €40")
	if strings.Contains(text, "Due date") {
		t.Error("a quote shows no due date")
	}
}

func TestRenderManyLinesPaginates(t *testing.T) {
	s := manyLines(100)
	pdf, err := Render(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("COMPTOIR_PDF_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "many.pdf"), pdf, 0o600)
	}
	text := pdfText(t, pdf)
	mustContain(t, text, "Ligne n° 1 ", "Ligne n° 100 ", "Page 1 / 4", "Page 4 / 4")
	// The table head is repeated on every page.
	if n := strings.Count(text, "Désignation"); n < 4 {
		t.Errorf("table head printed %d times, want one per page", n)
	}
}

func manyLines(n int) Snapshot {
	s := sample()
	s.Lines = nil
	for i := range n {
		s.Lines = append(s.Lines, Line{Name: fmt.Sprintf("Ligne n° %d — article de démonstration", i+1),
			Quantity: 1000, UnitPrice: 1000, TaxRate: 2000, Net: 1000, Tax: 200, Gross: 1200})
	}
	s.Net, s.Tax, s.Gross = int64(n)*1000, int64(n)*200, int64(n)*1200
	s.ByRate = []RateTotal{{Rate: 2000, Net: s.Net, Tax: s.Tax}}
	return s
}

// BenchmarkRender100Lines renders a 100-line invoice (target: ≤ 200 ms).
func BenchmarkRender100Lines(b *testing.B) {
	s := manyLines(100)
	for b.Loop() {
		if _, err := Render(s, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// logo draws a small two-colour PNG.
func logo(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 120, 60))
	for y := range 60 {
		for x := range 120 {
			c := color.RGBA{240, 180, 40, 255}
			if (x/20+y/20)%2 == 0 {
				c = color.RGBA{255, 255, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRenderLogo(t *testing.T) {
	pdf, err := Render(sample(), Options{Logo: logo(t)})
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("COMPTOIR_PDF_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "logo.pdf"), pdf, 0o600)
	}
	in := filepath.Join(t.TempDir(), "logo.pdf")
	os.WriteFile(in, pdf, 0o600)
	out, err := exec.Command("pdfimages", "-list", in).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v %s", err, out)
	}
	if !strings.Contains(string(out), " 120    60 ") {
		t.Errorf("the 120×60 logo is not in the PDF:\n%s", out)
	}
	// A broken logo never stops an invoice.
	if _, err := Render(sample(), Options{Logo: []byte("\x89PNG\r\n\x1a\nbroken")}); err != nil {
		t.Errorf("broken logo: %v", err)
	}
}
