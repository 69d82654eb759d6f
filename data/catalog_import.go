package data

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CatalogColumns are the columns of a catalog CSV file, in export order.
var CatalogColumns = []string{"name", "sku", "unit", "price", "currency", "tax_rate", "active"}

// CSVProblem is one reason a catalog file was refused.
type CSVProblem struct {
	Line    int    // 1-based line of the file; 0 for the file as a whole
	Field   string // column name, or ""
	Message string
}

func (p CSVProblem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// CSVError lists every problem of a refused file. Nothing was imported.
type CSVError struct {
	Problems []CSVProblem
}

func (e *CSVError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "the file was not imported: " + strings.Join(parts, "; ")
}

// CatalogImport counts what an import did.
type CatalogImport struct {
	Created int
	Updated int
}

// ExportCatalogCSV writes every product (active or not) as CSV, sorted by
// name: name, sku, unit, price, currency, tax_rate, active. Amounts are
// plain decimals ("1234.50"), rates in percent ("5.5").
func (s *Store) ExportCatalogCSV(ctx context.Context, w io.Writer) error {
	rows, err := s.r.QueryContext(ctx, `SELECT `+productCols+` FROM products ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return fmt.Errorf("export catalog: %w", err)
	}
	defer rows.Close()
	cw := csv.NewWriter(w)
	if err := cw.Write(CatalogColumns); err != nil {
		return fmt.Errorf("export catalog: %w", err)
	}
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return fmt.Errorf("export catalog: %w", err)
		}
		active := "true"
		if !p.Active {
			active = "false"
		}
		if err := cw.Write([]string{p.Name, p.SKU, p.Unit, FormatMinor(p.Price, p.Currency), p.Currency, FormatRate(p.TaxRate), active}); err != nil {
			return fmt.Errorf("export catalog: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export catalog: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export catalog: %w", err)
	}
	return nil
}

type catalogRow struct {
	line int
	in   ProductInput
}

// ImportCatalogCSV reads a catalog file and creates its products, updating
// those whose SKU already exists. The first line names the columns (any
// order; name and price are required, the others optional: currency
// defaults to EUR, active to true). Commas or semicolons separate fields.
// A file with any bad line imports nothing and the error, a *CSVError, lists
// every problem with its line. Managers and admins only.
func (s *Store) ImportCatalogCSV(ctx context.Context, actor int64, r io.Reader) (CatalogImport, error) {
	rows, err := parseCatalog(r)
	if err != nil {
		return CatalogImport{}, err
	}
	var res CatalogImport
	err = s.writeTx(ctx, func(tx *wtx) error {
		var problems []CSVProblem
		for _, row := range rows {
			var id int64
			if row.in.SKU != "" {
				err := tx.queryRow(`SELECT id FROM products WHERE sku = ?`, row.in.SKU).Scan(&id)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return err
				}
			}
			_, err := tx.saveProduct(actor, id, row.in)
			if v := FieldErrors(err); v != nil {
				for _, f := range v.Fields {
					problems = append(problems, CSVProblem{Line: row.line, Field: f.Field, Message: f.Message})
				}
				continue
			}
			if err != nil {
				return err
			}
			if id == 0 {
				res.Created++
			} else {
				res.Updated++
			}
		}
		if len(problems) > 0 {
			return &CSVError{Problems: problems}
		}
		return nil
	})
	if err != nil {
		var ce *CSVError
		if errors.As(err, &ce) {
			return CatalogImport{}, ce
		}
		return CatalogImport{}, fmt.Errorf("import catalog: %w", err)
	}
	return res, nil
}

// parseCatalog reads and checks every line; it returns a *CSVError listing
// all the problems found.
func parseCatalog(r io.Reader) ([]catalogRow, error) {
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

	fail := func(p ...CSVProblem) error { return &CSVError{Problems: p} }
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fail(CSVProblem{Message: "the file is empty"})
	}
	if err != nil {
		return nil, fail(csvReadProblem(err))
	}
	col := map[string]int{}
	var problems []CSVProblem
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range CatalogColumns {
			known = known || c == h
		}
		switch {
		case !known:
			problems = append(problems, CSVProblem{Line: 1, Field: h, Message: fmt.Sprintf("unknown column %q (columns: %s)", h, strings.Join(CatalogColumns, ", "))})
		case col[h] != 0:
			problems = append(problems, CSVProblem{Line: 1, Field: h, Message: "column given twice"})
		default:
			col[h] = i + 1
		}
	}
	for _, req := range []string{"name", "price"} {
		if col[req] == 0 {
			problems = append(problems, CSVProblem{Line: 1, Field: req, Message: "required column missing"})
		}
	}
	if len(problems) > 0 {
		return nil, fail(problems...)
	}
	get := func(rec []string, name string) string {
		if i := col[name]; i > 0 && i <= len(rec) {
			return strings.TrimSpace(rec[i-1])
		}
		return ""
	}
	var rows []catalogRow
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
			problems = append(problems, CSVProblem{Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
		}
		in := ProductInput{Name: get(rec, "name"), SKU: get(rec, "sku"), Unit: get(rec, "unit"),
			Currency: strings.ToUpper(get(rec, "currency")), Active: true}
		if in.Currency == "" {
			in.Currency = DefaultCurrency
		}
		if in.Name == "" {
			add("name", "name is required")
		}
		if _, ok := CurrencyDigits(in.Currency); !ok {
			add("currency", "%q is not an ISO 4217 currency", in.Currency)
		} else if price, err := ParseMinor(get(rec, "price"), in.Currency); err != nil {
			add("price", "%v", err)
		} else if price < 0 {
			add("price", "price cannot be negative")
		} else {
			in.Price = price
		}
		if v := get(rec, "tax_rate"); v != "" {
			rate, err := ParseRate(v)
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
			if v := FieldErrors(in.validate()); v != nil {
				for _, f := range v.Fields {
					add(f.Field, "%s", f.Message)
				}
			}
		}
		if in.SKU != "" {
			if prev, dup := skus[in.SKU]; dup {
				add("sku", "SKU %q is already on line %d", in.SKU, prev)
			}
			skus[in.SKU] = line
		}
		rows = append(rows, catalogRow{line: line, in: in})
	}
	if len(problems) > 0 {
		return nil, fail(problems...)
	}
	return rows, nil
}

func csvReadProblem(err error) CSVProblem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return CSVProblem{Line: pe.Line, Message: pe.Err.Error()}
	}
	return CSVProblem{Message: err.Error()}
}
