package data

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The search table's rowid encodes the record: id*4 + kind.
const (
	searchDeal    = 1
	searchContact = 2
	searchCompany = 3
)

// The search rows are built in SQL from the stored records, so that the
// API and the bulk loader index exactly the same text. Each statement ends
// with the condition that picks the records; the API indexes one id, the
// bulk loader a JSON array of ids at the end of its transaction (FTS5 then
// writes one segment instead of one per record).
const (
	indexDealSQL = `INSERT INTO search (rowid, title, body)
		SELECT d.id * 4 + 1, d.title,
			concat_ws(' ', c.name, co.name,
				(SELECT group_concat(email, ' ') FROM contact_emails WHERE contact_id = d.contact_id),
				(SELECT group_concat(phone || ' ' || digits, ' ') FROM contact_phones WHERE contact_id = d.contact_id))
		FROM deals d LEFT JOIN contacts c ON c.id = d.contact_id LEFT JOIN companies co ON co.id = d.company_id
		WHERE d.deleted_at IS NULL AND d.id`
	indexContactSQL = `INSERT INTO search (rowid, title, body)
		SELECT c.id * 4 + 2, c.name,
			concat_ws(' ', co.name,
				(SELECT group_concat(email, ' ') FROM contact_emails WHERE contact_id = c.id),
				(SELECT group_concat(phone || ' ' || digits, ' ') FROM contact_phones WHERE contact_id = c.id))
		FROM contacts c LEFT JOIN companies co ON co.id = c.company_id WHERE c.id`
	indexCompanySQL = `INSERT INTO search (rowid, title, body)
		SELECT id * 4 + 3, name, concat_ws(' ', (SELECT group_concat(value, ' ') FROM json_each(emails)),
			(SELECT group_concat(value, ' ') FROM json_each(phones)), vat_number, registration)
		FROM companies WHERE id`
	oneID   = ` = ?`
	manyIDs = ` IN (SELECT value FROM json_each(?))`
)

// indexDeal writes a deal's search row: its title, and its client's names,
// emails and phones.
func (tx *wtx) indexDeal(id int64) error { return tx.index(indexDealSQL, id, searchDeal) }

func (tx *wtx) indexContact(id int64) error { return tx.index(indexContactSQL, id, searchContact) }

func (tx *wtx) indexCompany(id int64) error { return tx.index(indexCompanySQL, id, searchCompany) }

// reindexDealsOf refreshes the search rows of every deal of a client.
func (tx *wtx) reindexDealsOf(column string, id int64) error {
	rows, err := tx.QueryContext(tx.ctx, `SELECT id FROM deals WHERE `+column+` = ? AND deleted_at IS NULL`, id)
	if err != nil {
		return err
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return err
	}
	for _, d := range ids {
		if err := tx.indexDeal(d); err != nil {
			return err
		}
	}
	return nil
}

// Hit is one search result.
type Hit struct {
	Kind  Kind // KindDeal, KindContact or KindCompany
	ID    int64
	Title string
	// Detail is a second line: a deal's client and stage, a contact's company.
	Detail string
}

// ftsQuery turns what a person types into an FTS5 prefix query: every word
// must match, the last one as a prefix. Accents and case are folded by the
// tokenizer; punctuation is dropped so input never breaks the query syntax.
func ftsQuery(text string) (all, titleOnly string) {
	// Split where the tokenizer splits (letters and numbers make tokens), so
	// each word is one token: the index keeps no positions for phrases.
	words := strings.FieldsFunc(norm.NFC.String(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	if len(words) == 0 {
		return "", ""
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		alts := phoneForms(w)
		for j, a := range alts {
			alts[j] = `"` + a + `"*`
		}
		quoted[i] = alts[0]
		if len(alts) > 1 {
			quoted[i] = "(" + strings.Join(alts, " OR ") + ")"
		}
	}
	all = strings.Join(quoted, " AND ")
	return all, "title : (" + all + ")"
}

// phoneForms gives the forms a typed word may take in the index. A run of
// digits may be a phone number written nationally (06…, matched without the
// trunk zero) or with its country code (+33 6…, matched by its last nine
// digits, the key the index keeps for every phone).
func phoneForms(w string) []string {
	forms := []string{w}
	if strings.Trim(w, "0123456789") != "" {
		return forms
	}
	if t := strings.TrimLeft(w, "0"); t != w && t != "" {
		forms = append(forms, t)
	}
	if len(w) > 9 {
		forms = append(forms, w[len(w)-9:])
	}
	return forms
}

// Search finds deals, contacts and companies matching what is typed, as you
// type: the last word is a prefix, accents do not matter. Title matches come
// first (deal titles, contact and company names), then matches on emails,
// phones and client names; at most limit hits. A sales employee only finds
// the deals they may see, and the clients they may read (ClientScope).
func (s *Store) Search(ctx context.Context, actor int64, text string, limit int) ([]Hit, error) {
	all, title := ftsQuery(text)
	if all == "" || limit <= 0 {
		return nil, nil
	}
	me, f, err := s.clientReader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	// Title matches first, then the matches on the other text only. FTS5
	// without ORDER BY rank stops after the first matches, which keeps each
	// key stroke cheap whatever the size of the database. For an employee
	// who sees only some deals, the others are filtered out inside the
	// query, so that their own deals are found however many others match.
	filter := ""
	args := []any{nil, me.ID, nil}
	if !me.SeesAll() {
		filter = ` AND (search.rowid % 4 <> 1
			OR EXISTS (SELECT 1 FROM deals d WHERE d.id = search.rowid / 4 AND d.responsible_id = ?2 AND d.deleted_at IS NULL)
			OR EXISTS (SELECT 1 FROM deal_observers o WHERE o.deal_id = search.rowid / 4 AND o.employee_id = ?2))`
	}
	if f.only { // only the clients of their deals (ClientScope); their parameter is the employee, ?2
		contacts, _ := f.contactSet()
		companies, _ := f.companySet()
		filter += ` AND (search.rowid % 4 <> 2 OR search.rowid / 4 IN (` + strings.ReplaceAll(contacts, "?", "?2") + `))
			AND (search.rowid % 4 <> 3 OR search.rowid / 4 IN (` + strings.ReplaceAll(companies, "?", "?2") + `))`
	}
	var hits []Hit
	for _, q := range []string{title, "(" + all + ") NOT " + title} {
		if len(hits) >= limit {
			break
		}
		args[0], args[2] = q, limit-len(hits)
		rows, err := s.r.QueryContext(ctx, `SELECT rowid FROM search WHERE search MATCH ?1`+filter+` LIMIT ?3`, args...)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", text, err)
		}
		rids, err := scanIDs(rows)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", text, err)
		}
		found, err := s.hits(ctx, me, rids)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", text, err)
		}
		for _, rid := range rids {
			if h, ok := found[rid]; ok {
				hits = append(hits, h)
			}
		}
	}
	return hits, nil
}

// hits reads the records behind search rowids, one query per kind, and
// leaves out the deals the employee may not see.
func (s *Store) hits(ctx context.Context, me Employee, rids []int64) (map[int64]Hit, error) {
	var ids [4][]int64
	for _, rid := range rids {
		ids[rid%4] = append(ids[rid%4], rid/4)
	}
	out := make(map[int64]Hit, len(rids))
	read := func(kind int64, query string, args ...any) error {
		if len(ids[kind]) == 0 {
			return nil
		}
		js, _ := json.Marshal(ids[kind])
		rows, err := s.r.QueryContext(ctx, query, append([]any{string(js)}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h Hit
			var client, stage string
			if err := rows.Scan(&h.ID, &h.Title, &client, &stage); err != nil {
				return err
			}
			switch kind {
			case searchDeal:
				h.Kind = KindDeal
				h.Detail = strings.TrimPrefix(client+" · "+stage, " · ")
			case searchContact:
				h.Kind, h.Detail = KindContact, client
			case searchCompany:
				h.Kind = KindCompany
			}
			out[h.ID*4+kind] = h
		}
		return rows.Err()
	}
	vis, vargs := visibility(me, false)
	if err := read(searchDeal, `SELECT d.id, d.title, coalesce(c.name, co.name, ''), s.name
		FROM deals d JOIN stages s ON s.id = d.stage_id LEFT JOIN contacts c ON c.id = d.contact_id
		LEFT JOIN companies co ON co.id = d.company_id
		WHERE d.id IN (SELECT value FROM json_each(?)) AND d.deleted_at IS NULL`+vis, vargs...); err != nil {
		return nil, err
	}
	if err := read(searchContact, `SELECT c.id, c.name, coalesce(co.name, ''), '' FROM contacts c
		LEFT JOIN companies co ON co.id = c.company_id WHERE c.id IN (SELECT value FROM json_each(?))`); err != nil {
		return nil, err
	}
	if err := read(searchCompany, `SELECT id, name, '', '' FROM companies WHERE id IN (SELECT value FROM json_each(?))`); err != nil {
		return nil, err
	}
	return out, nil
}

// searchDealIDs returns up to limit ids of deals the employee may see that
// match the text, for list filters.
func (s *Store) searchDealIDs(ctx context.Context, me Employee, text string, limit int) ([]int64, error) {
	all, _ := ftsQuery(text)
	if all == "" {
		return nil, nil
	}
	filter := ""
	if !me.SeesAll() {
		filter = ` AND rowid / 4 IN (SELECT id FROM deals WHERE responsible_id = ?2 AND deleted_at IS NULL
			UNION ALL SELECT deal_id FROM deal_observers WHERE employee_id = ?2)`
	}
	rows, err := s.r.QueryContext(ctx, `SELECT rowid / 4 FROM search WHERE search MATCH ?1 AND rowid % 4 = 1`+filter+` LIMIT ?3`,
		all, me.ID, limit)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}
