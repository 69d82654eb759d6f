package formats

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"comptoir/data"
)

// The catalog CSV file: what `comptoir catalog export` writes and
// `comptoir catalog import` (and the catalog screen) reads back.

// CatalogColumns are the columns of a catalog CSV file, in export order.
var CatalogColumns = []string{"name", "sku", "unit", "price", "currency", "tax_rate", "active"}

// ImportCatalogCSV reads a catalog file and creates its products, updating
// those whose SKU already exists. The first line names the columns (any
// order; name and price are required, the others optional: currency
// defaults to EUR, active to true). Commas or semicolons separate fields.
// A file with any bad line imports nothing and the error, a *data.CSVError,
// lists every problem with its line. Managers and admins only.
func ImportCatalogCSV(ctx context.Context, st *data.Store, actor int64, r io.Reader) (data.CatalogImport, error) {
	rows, err := ReadCatalogCSV(r)
	if err != nil {
		return data.CatalogImport{}, err
	}
	return st.ImportCatalog(ctx, actor, rows)
}

// ExportCatalogCSV writes every product (active or not) as CSV, sorted by
// name: name, sku, unit, price, currency, tax_rate, active. Amounts are
// plain decimals ("1234.50"), rates in percent ("5.5"). A cell that would
// start a spreadsheet formula gets a leading "'" (SafeCell), which
// ImportCatalogCSV takes off again.
func ExportCatalogCSV(ctx context.Context, st *data.Store, actor int64, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CatalogColumns); err != nil {
		return fmt.Errorf("export catalog: %w", err)
	}
	var after data.ListCursor
	for {
		page, err := st.Products(ctx, actor, "", false, after, catalogPage)
		if err != nil {
			return fmt.Errorf("export catalog: %w", err)
		}
		for _, p := range page {
			active := "true"
			if !p.Active {
				active = "false"
			}
			if err := cw.Write(safeRow([]string{p.Name, p.SKU, p.Unit, data.FormatMinor(p.Price, p.Currency), p.Currency, data.FormatRate(p.TaxRate), active})); err != nil {
				return fmt.Errorf("export catalog: %w", err)
			}
		}
		if len(page) < catalogPage {
			break
		}
		last := page[len(page)-1]
		after = data.ListCursor{Key: last.Name, ID: last.ID}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export catalog: %w", err)
	}
	return nil
}

// catalogPage is how many products one read of the export takes.
const catalogPage = 500

// ReadCatalogCSV reads and checks every line of a catalog file (see
// ImportCatalogCSV); it returns a *data.CSVError listing all the problems
// found.
func ReadCatalogCSV(r io.Reader) ([]data.CatalogRow, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4096)
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	first, _, _ := bytes.Cut(head, []byte("\n"))
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true

	fail := func(p ...data.CSVProblem) error { return &data.CSVError{Problems: p} }
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fail(data.CSVProblem{Message: "the file is empty"})
	}
	if err != nil {
		return nil, fail(csvReadProblem(err))
	}
	col := map[string]int{}
	var problems []data.CSVProblem
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range CatalogColumns {
			known = known || c == h
		}
		switch {
		case !known:
			problems = append(problems, data.CSVProblem{Line: 1, Field: h, Message: fmt.Sprintf("unknown column %q (columns: %s)", h, strings.Join(CatalogColumns, ", "))})
		case col[h] != 0:
			problems = append(problems, data.CSVProblem{Line: 1, Field: h, Message: "column given twice"})
		default:
			col[h] = i + 1
		}
	}
	for _, req := range []string{"name", "price"} {
		if col[req] == 0 {
			problems = append(problems, data.CSVProblem{Line: 1, Field: req, Message: "required column missing"})
		}
	}
	if len(problems) > 0 {
		return nil, fail(problems...)
	}
	get := func(rec []string, name string) string {
		if i := col[name]; i > 0 && i <= len(rec) {
			return strings.TrimSpace(unsafeCell(rec[i-1]))
		}
		return ""
	}
	var rows []data.CatalogRow
	skus := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			problems = append(problems, csvReadProblem(err))
			break // a broken quote: what follows cannot be trusted
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		add := func(field, format string, args ...any) {
			problems = append(problems, data.CSVProblem{Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
		}
		in := data.ProductInput{Name: get(rec, "name"), SKU: get(rec, "sku"), Unit: get(rec, "unit"),
			Currency: strings.ToUpper(get(rec, "currency")), Active: true}
		if in.Currency == "" {
			in.Currency = data.DefaultCurrency
		}
		if in.Name == "" {
			add("name", "name is required")
		}
		if _, ok := data.CurrencyDigits(in.Currency); !ok {
			add("currency", "%q is not an ISO 4217 currency", in.Currency)
		} else if price, err := data.ParseMinor(get(rec, "price"), in.Currency); err != nil {
			add("price", "%v", err)
		} else if price < 0 {
			add("price", "price cannot be negative")
		} else {
			in.Price = price
		}
		if v := get(rec, "tax_rate"); v != "" {
			rate, err := data.ParseRate(v)
			switch {
			case err != nil:
				add("tax_rate", "%v", err)
			case rate < 0 || rate > 10000:
				add("tax_rate", "tax rate must be between 0 and 100 %%")
			default:
				in.TaxRate = rate
			}
		}
		if v := strings.ToLower(get(rec, "active")); v != "" {
			switch v {
			case "1", "true", "yes", "y", "oui", "o", "vrai":
			case "0", "false", "no", "n", "non", "faux":
				in.Active = false
			default:
				add("active", "%q is not true or false", v)
			}
		}
		if before := len(problems); before == 0 || problems[before-1].Line != line {
			for _, f := range data.ValidateProduct(&in) {
				add(f.Field, "%s", f.Message)
			}
		}
		if in.SKU != "" {
			if prev, dup := skus[in.SKU]; dup {
				add("sku", "SKU %q is already on line %d", in.SKU, prev)
			}
			skus[in.SKU] = line
		}
		rows = append(rows, data.CatalogRow{Line: line, Product: in})
	}
	if len(problems) > 0 {
		return nil, fail(problems...)
	}
	return rows, nil
}

func csvReadProblem(err error) data.CSVProblem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrQuote) {
			// Where the quoted cell began, not the end of the file it ran to.
			return data.CSVProblem{Line: pe.StartLine, Message: "a quote opens a cell that does not close: " + pe.Err.Error()}
		}
		return data.CSVProblem{Line: pe.Line, Message: pe.Err.Error()}
	}
	return data.CSVProblem{Message: err.Error()}
}
