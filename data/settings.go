package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Setting returns a stored setting, or "" when it is not set.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores a setting. Settings hold no secrets: passwords live in the
// system keyring.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		tx.changed(KindSettings, 0)
		return err
	})
	if err != nil {
		return fmt.Errorf("set setting %s: %w", key, err)
	}
	return nil
}

func (tx *wtx) setting(key string) string {
	var v string
	_ = tx.queryRow(`SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	return v
}
