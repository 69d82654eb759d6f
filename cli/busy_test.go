package cli

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// TestExportWhileAnotherProgramWrites: a long write of another program (an
// import, a seed, a sync) holds the database's write lock; a read-only
// command opens the file and reads it at once instead of failing after the
// busy timeout.
func TestExportWhileAnotherProgramWrites(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "busy.db")
	if code, _, errOut := run(t, "seed", "--deals", "10", "--db", db); code != 0 {
		t.Fatalf("seed: %s", errOut)
	}
	other, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('being written', 'yes')`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `ROLLBACK`)
	start := time.Now()
	deals := exportJSON(t, "export", "deals", "--db", db)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("export took %v: it waited for the other program's write", took)
	}
	if len(deals) != 10 {
		t.Fatalf("exported %d deals, want 10", len(deals))
	}
}
