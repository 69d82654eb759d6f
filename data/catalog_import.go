package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

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

// CatalogRow is one product of a catalog file, with the line it came from.
type CatalogRow struct {
	Line    int
	Product ProductInput
}

// ImportCatalog creates the products of a catalog file (read by
// data/formats), updating those whose SKU already exists, in one
// transaction. If any row is refused, nothing is imported and the error, a
// *CSVError, lists every problem with its line. Managers and admins only.
func (s *Store) ImportCatalog(ctx context.Context, actor int64, rows []CatalogRow) (CatalogImport, error) {
	var res CatalogImport
	err := s.writeTx(ctx, func(tx *wtx) error {
		var problems []CSVProblem
		for _, row := range rows {
			var id int64
			if row.Product.SKU != "" {
				err := tx.queryRow(`SELECT id FROM products WHERE sku = ?`, row.Product.SKU).Scan(&id)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return err
				}
			}
			_, err := tx.saveProduct(actor, id, row.Product)
			if v := FieldErrors(err); v != nil {
				for _, f := range v.Fields {
					problems = append(problems, CSVProblem{Line: row.Line, Field: f.Field, Message: f.Message})
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
