package data

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// DealListByStageQuery is the statement DealList runs for a client,
// responsible or stage sort without a search, for tests that read its query
// plan; "" when no stage can match.
func (s *Store) DealListByStageQuery(ctx context.Context, actor int64, f DealFilter, after *ListCursorValue, limit int) (string, []any, error) {
	me, err := s.Employee(ctx, actor)
	if err != nil {
		return "", nil, err
	}
	return dealListByStageQuery(ctx, s.r, me, f, after, limit)
}

// TestSortKeysFilledOnUpgrade opens a file made before migration 9, with
// deals of every kind of client, and finds each live deal's client and
// responsible names copied for the list's indexes.
func TestSortKeysFilledOnUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := Open(ctx, path, OpenOptions{Language: "en", migrations: withMigrations(t, 8, nil)})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := old.CreateFirstAdmin(ctx, "Ada Admin", "ada@comptoir.test")
	if err != nil {
		t.Fatal(err)
	}
	sales, err := old.CreateEmployee(ctx, admin.ID, EmployeeInput{Name: "Zoé Vente", Email: "zoe@comptoir.test", Role: RoleSales, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	co, err := old.CreateCompany(ctx, admin.ID, CompanyInput{Name: "Fromagerie"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := old.CreateContact(ctx, admin.ID, ContactInput{Name: "Émile", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][2]string{}
	for i, in := range []DealInput{
		{Title: "Contact and company", ContactID: c.ID, CompanyID: co.ID},
		{Title: "Company", CompanyID: co.ID, ResponsibleID: sales.ID},
		{Title: "Contact", ContactID: c.ID},
		{Title: "Nobody"},
		{Title: "Deleted", ContactID: c.ID},
	} {
		d, err := old.CreateDeal(ctx, admin.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		client, resp := map[int]string{0: "Émile", 1: "Fromagerie", 2: "Émile"}[i], map[int]string{1: "Zoé Vente"}[i]
		if resp == "" {
			resp = "Ada Admin"
		}
		if i == 4 {
			// deleted as this schema's code deleted (before the trash)
			if err := old.writeTx(ctx, func(tx *wtx) error {
				_, err := tx.exec(`UPDATE deals SET deleted_at = ? WHERE id = ?`, tx.s.now(), d.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want[d.ID] = [2]string{client, resp}
	}
	old.Close()

	s, err := Open(ctx, path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.r.QueryContext(ctx, `SELECT id, client_name, responsible_name FROM deals WHERE deleted_at IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[int64][2]string{}
	for rows.Next() {
		var id int64
		var k [2]string
		if err := rows.Scan(&id, &k[0], &k[1]); err != nil {
			t.Fatal(err)
		}
		got[id] = k
	}
	if len(got) != len(want) {
		t.Fatalf("%d live deals after the upgrade, want %d", len(got), len(want))
	}
	for id, k := range want {
		if got[id] != k {
			t.Errorf("deal %d keeps %q, want %q", id, got[id], k)
		}
	}
}

// TestDealListManyStagesSorts: when the filter allows more stages than one
// statement takes arms, the list is sorted instead, in the same order.
func TestDealListManyStagesSorts(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), OpenOptions{Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	admin, err := s.CreateFirstAdmin(ctx, "Ada Admin", "ada@comptoir.test")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.Pipelines(ctx, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"b", "A", "c", "a", "", "B", "b"} {
		in := DealInput{Title: "Deal " + name, StageID: ps[0].Stages[i%3].ID}
		if name != "" {
			co, err := s.CreateCompany(ctx, admin.ID, CompanyInput{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			in.CompanyID = co.ID
		}
		if _, err := s.CreateDeal(ctx, admin.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	read := func(sort DealSort) (ids []int64) {
		var cur *ListCursorValue
		for {
			page, err := s.DealList(ctx, admin.ID, DealFilter{Sort: sort}, cur, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				return ids
			}
			for _, r := range page {
				ids = append(ids, r.ID)
			}
			cur = &ListCursorValue{Key: page[len(page)-1].SortKey, ID: page[len(page)-1].ID}
		}
	}
	for _, sort := range []DealSort{SortClient, SortResponsible, SortStage} {
		merged := read(sort)
		maxStageArms = 1
		sorted := read(sort)
		maxStageArms = 200
		if len(merged) != 7 || !slices.Equal(merged, sorted) {
			t.Fatalf("%s: merged %v, sorted %v", sort, merged, sorted)
		}
	}
}
