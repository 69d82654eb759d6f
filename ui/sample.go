package ui

import (
	"context"

	"comptoir/data"
	"comptoir/data/seed"
)

// fillSample loads sample data into a fresh database: a living pipeline
// for a newcomer (offered at first start).
func fillSample(ctx context.Context, st *data.Store, language string) error {
	_, err := seed.Fill(ctx, st, seed.Options{Deals: 500, Seed: 1, Lang: language})
	return err
}
