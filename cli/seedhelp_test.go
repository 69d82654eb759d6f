package cli

import (
	"context"
	"path/filepath"
	"testing"

	"comptoir/data"
	"comptoir/data/seed"
)

// seededDB makes a database of n sample deals and returns its path and the
// id of its richest deal (or of a deal in the middle).
func seededDB(tb testing.TB, n int) (string, int64) {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "seeded.db")
	st, err := data.Open(ctx, path, data.OpenOptions{Language: "fr"})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	sum, err := seed.Fill(ctx, st, seed.Options{Deals: n, Seed: 1, Lang: "fr"})
	if err != nil {
		tb.Fatal(err)
	}
	id := sum.RichDeal
	if id == 0 {
		id = int64(n/2 + 1)
	}
	return path, id
}
