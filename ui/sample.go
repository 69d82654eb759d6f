package ui

import (
	"context"

	"comptoir/data"
	"comptoir/data/seed"
)

// Sample data offered at first start: a living pipeline for a newcomer.
func init() {
	fillSample = func(ctx context.Context, st *data.Store, language string) error {
		_, err := seed.Fill(ctx, st, seed.Options{Deals: 500, Seed: 1, Lang: language})
		return err
	}
}
