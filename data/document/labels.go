package document

import "fmt"

// labels are the words a document prints, per language.
type labels struct {
	quote, invoice                      string
	number, issueDate, dueDate, validTo string
	fromQuote, subject                  string
	seller, buyer                       string
	registration, vat, attn             string
	description, qty, unitPrice         string
	discount, vatRate, lineTotal        string
	taxIncluded                         string
	totalNet, vatAt, onBase, totalGross string
	toPay                               string
	payment, paymentDays, paymentOnRcpt string
	paymentShort, onReceipt             string
	iban, bic                           string
	penalty, indemnity, noEarlyDiscount string
	acceptance                          string
	page                                string
}

var labelsFR = labels{
	quote: "DEVIS", invoice: "FACTURE",
	number: "N°", issueDate: "Date d'émission", dueDate: "Date d'échéance", validTo: "Valable jusqu'au",
	fromQuote: "Selon devis", subject: "Objet",
	seller: "Émetteur", buyer: "Client",
	registration: "SIREN", vat: "N° TVA intracommunautaire", attn: "À l'attention de",
	description: "Désignation", qty: "Qté", unitPrice: "PU HT",
	discount: "Remise", vatRate: "TVA", lineTotal: "Total HT",
	taxIncluded: "prix unitaire TTC",
	totalNet:    "Total HT", vatAt: "TVA", onBase: "base", totalGross: "Total TTC",
	toPay:   "Net à payer",
	payment: "Conditions de paiement", paymentDays: "Paiement à %d jours à compter de la date d'émission",
	paymentOnRcpt: "Paiement à réception",
	paymentShort:  "%d jours", onReceipt: "À réception",
	iban: "IBAN", bic: "BIC",
	penalty: "En cas de retard de paiement, des pénalités au taux de trois fois le taux d'intérêt légal " +
		"sont exigibles dès le jour suivant la date d'échéance (art. L441-10 du Code de commerce).",
	indemnity: "Tout retard de paiement entraîne de plein droit une indemnité forfaitaire pour frais de " +
		"recouvrement de 40\u00a0€ (art. D441-5 du Code de commerce).",
	noEarlyDiscount: "Pas d'escompte pour paiement anticipé.",
	acceptance:      "Bon pour accord — date et signature du client :",
	page:            "Page %d / {nb}",
}

var labelsEN = labels{
	quote: "QUOTE", invoice: "INVOICE",
	number: "No.", issueDate: "Issue date", dueDate: "Due date", validTo: "Valid until",
	fromQuote: "As per quote", subject: "Subject",
	seller: "From", buyer: "Bill to",
	registration: "Registration", vat: "VAT number", attn: "Attn.",
	description: "Description", qty: "Qty", unitPrice: "Unit price",
	discount: "Discount", vatRate: "VAT", lineTotal: "Net total",
	taxIncluded: "unit price incl. VAT",
	totalNet:    "Total excl. VAT", vatAt: "VAT", onBase: "on", totalGross: "Total incl. VAT",
	toPay:   "Amount due",
	payment: "Payment terms", paymentDays: "Payment within %d days of the issue date",
	paymentOnRcpt: "Payment on receipt",
	paymentShort:  "%d days", onReceipt: "On receipt",
	iban: "IBAN", bic: "BIC",
	penalty: "Late payments bear penalties at three times the French legal interest rate from the day " +
		"after the due date (art. L441-10 of the French Commercial Code).",
	indemnity: "Any late payment also incurs a fixed indemnity of €40 for recovery costs " +
		"(art. D441-5 of the French Commercial Code).",
	noEarlyDiscount: "No discount for early payment.",
	acceptance:      "Accepted — date and client's signature:",
	page:            "Page %d of {nb}",
}

func labelsFor(lang string) *labels {
	if lang == "fr" {
		return &labelsFR
	}
	return &labelsEN
}

func (l *labels) paymentTerms(days int) string {
	if days <= 0 {
		return l.paymentOnRcpt
	}
	return fmt.Sprintf(l.paymentDays, days)
}

func (l *labels) paymentTermsShort(days int) string {
	if days <= 0 {
		return l.onReceipt
	}
	return fmt.Sprintf(l.paymentShort, days)
}
