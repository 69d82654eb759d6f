package data

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestDeletedDealsGoToTheTrashOnUpgrade: a deal deleted before the trash
// existed (DeleteDeal only hid it) is in the trash after the upgrade, with
// its 30 days counted from its deletion, and comes back whole.
func TestDeletedDealsGoToTheTrashOnUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	deleted := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	old, err := Open(ctx, path, OpenOptions{Language: "en", migrations: withMigrations(t, 14, nil), Now: func() time.Time { return deleted }})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := old.CreateFirstAdmin(ctx, "Ada Admin", "ada@comptoir.test")
	if err != nil {
		t.Fatal(err)
	}
	d, err := old.CreateDeal(ctx, admin.ID, DealInput{Title: "Gone before the trash", Amount: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if err := old.writeTx(ctx, func(tx *wtx) error {
		_, err := tx.exec(`UPDATE deals SET deleted_at = ? WHERE id = ?`, tx.s.now(), d.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	old.Close()

	s, err := Open(ctx, path, OpenOptions{Now: func() time.Time { return deleted.AddDate(0, 0, 2) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	items, err := s.Trash(ctx, admin.ID, 10)
	if err != nil || len(items) != 1 || items[0].Ref != d.ID || !items[0].PurgeAt.Equal(deleted.AddDate(0, 0, TrashDays)) {
		t.Fatalf("trash after the upgrade %+v, %v", items, err)
	}
	back, err := s.RestoreDeal(ctx, admin.ID, d.ID)
	if err != nil || back.Amount != 5000 {
		t.Fatalf("restored %+v, %v", back, err)
	}
}
