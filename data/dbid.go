package data

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// dbIDSetting is the settings key of the database's random identifier. It
// tells databases apart where they share something outside themselves: the
// system keyring, or a password file in one folder holding several database
// files.
const dbIDSetting = "db_id"

// DatabaseID returns the database's random identifier, creating it on first
// use. Mail account passwords are filed under it (Account.IMAPSecretKey).
func (s *Store) DatabaseID(ctx context.Context) (string, error) {
	id, err := s.Setting(ctx, dbIDSetting)
	if err != nil {
		return "", fmt.Errorf("database id: %w", err)
	}
	if id == "" {
		err = s.writeTx(ctx, func(tx *wtx) error {
			var err error
			id, err = tx.databaseID()
			return err
		})
		if err != nil {
			return "", fmt.Errorf("database id: %w", err)
		}
	}
	return id, nil
}

// databaseID returns the database's identifier, creating it when missing.
// Two processes creating it at once agree: the first insert wins.
func (tx *wtx) databaseID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	if _, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
		dbIDSetting, hex.EncodeToString(b[:])); err != nil {
		return "", err
	}
	var id string
	if err := tx.queryRow(`SELECT value FROM settings WHERE key = ?`, dbIDSetting).Scan(&id); err != nil {
		return "", err
	}
	return id, nil
}

// withDatabaseID sets the database identifier the accounts' secret keys
// are filed under. A store that cannot create it (read-only) leaves it
// empty: the keys then name no stored password.
func (s *Store) withDatabaseID(ctx context.Context, accs []Account) {
	id, _ := s.DatabaseID(ctx)
	for i := range accs {
		accs[i].dbID = id
	}
}
