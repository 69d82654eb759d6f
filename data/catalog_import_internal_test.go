package data

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestProductBySKUUsesTheIndex: the import's SKU lookup must search the
// partial index on sku, not read the whole products table once per row.
func TestProductBySKUUsesTheIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"), OpenOptions{Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+productBySKU, "CH-01")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "USING COVERING INDEX products_sku (sku=?)") &&
		!strings.Contains(got, "USING INDEX products_sku (sku=?)") {
		t.Fatalf("plan of %q: %s", productBySKU, got)
	}
}
