package data

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// The ingest creates up to one contact, one company and one deal per
// message. Through createContact, createCompany and createDeal each of them
// costs a dozen statements parsed anew, the custom field definitions and the
// pipelines read again, and a search row written at once. Within Ingest the
// same records are written here instead, through the transaction's prepared
// statements and with the definitions read once per transaction: the same
// validation (checkFields, checkCustom, the stage and the responsible), the
// same rows, custom values, "created" timeline entry and change events. The
// search rows are written once at the end of the transaction (nothing reads
// them before the commit). TestIngestFastPathSameRecords compares both paths'
// results row by row.

// fastState is what the lean path reads once per transaction.
type fastState struct {
	defs      map[Entity][]FieldDef
	stages    map[int64]Stage
	firstOpen map[int64]int64 // pipeline → first open stage
	pipeline  int64           // the first pipeline
	toIndex   [4][]int64      // records whose search row is written by finish
}

func (tx *itx) fastLoad() (*fastState, error) {
	if tx.fs != nil {
		return tx.fs, nil
	}
	fs := &fastState{defs: map[Entity][]FieldDef{}, stages: map[int64]Stage{}, firstOpen: map[int64]int64{}}
	for _, e := range []Entity{EntityDeal, EntityContact, EntityCompany} {
		defs, err := loadFieldDefs(tx.ctx, tx.wtx, e)
		if err != nil {
			return nil, err
		}
		fs.defs[e] = defs
	}
	if err := tx.queryRow(`SELECT id FROM pipelines ORDER BY position, id LIMIT 1`).Scan(&fs.pipeline); err != nil {
		return nil, fmt.Errorf("no pipeline: %w", err)
	}
	ps, err := loadPipelinesQ(tx.ctx, tx.wtx)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		for _, st := range p.Stages {
			fs.stages[st.ID] = st
		}
		if st, ok := p.FirstOpen(); ok {
			fs.firstOpen[p.ID] = st.ID
		}
	}
	tx.fs = fs
	return fs, nil
}

// fastCustom writes a new record's (validated) custom values.
func (tx *itx) fastCustom(entity Entity, id int64, values map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if _, err := tx.exec(`INSERT INTO custom_values (field_id, record_id, value) SELECT id, ?, ? FROM custom_fields WHERE entity = ? AND key = ?`,
			id, values[k], entity, k); err != nil {
			return err
		}
	}
	return nil
}

// fastCompany writes what createCompany writes.
func (tx *itx) fastCompany(in CompanyInput) (int64, error) {
	fs, err := tx.fastLoad()
	if err != nil {
		return 0, err
	}
	in.normalize()
	var v validator
	if in.Name == "" {
		v.add("name", "required", "name is required")
	}
	validateEmails(&v, in.Emails)
	validatePhones(&v, in.Phones)
	checkCustom(&v, fs.defs[EntityCompany], in.Custom)
	if err := v.err(); err != nil {
		return 0, err
	}
	now := tx.s.now()
	emails, _ := json.Marshal(in.Emails)
	phones, _ := json.Marshal(in.Phones)
	res, err := tx.exec(`INSERT INTO companies (name, address, vat_number, registration, emails, phones, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Name, in.Address, in.VATNumber, in.Registration, string(emails), string(phones), in.Notes, now, now)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	if err := tx.fastCustom(EntityCompany, id, in.Custom); err != nil {
		return 0, err
	}
	tx.changed(KindCompany, id)
	fs.toIndex[searchCompany] = append(fs.toIndex[searchCompany], id)
	return id, nil
}

// fastContact writes what createContact writes. Its company exists (the
// ingest found or made it).
func (tx *itx) fastContact(in ContactInput) (int64, error) {
	fs, err := tx.fastLoad()
	if err != nil {
		return 0, err
	}
	in.normalize()
	var v validator
	if in.Name == "" {
		v.add("name", "required", "name is required")
	}
	validateEmails(&v, in.Emails)
	validatePhones(&v, in.Phones)
	checkCustom(&v, fs.defs[EntityContact], in.Custom)
	if err := v.err(); err != nil {
		return 0, err
	}
	now := tx.s.now()
	res, err := tx.exec(`INSERT INTO contacts (name, company_id, address, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		in.Name, nullID(in.CompanyID), in.Address, in.Notes, now, now)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	for i, e := range in.Emails {
		if _, err := tx.exec(`INSERT INTO contact_emails (contact_id, position, email) VALUES (?, ?, ?)`, id, i, e); err != nil {
			return 0, err
		}
	}
	for i, p := range in.Phones {
		if _, err := tx.exec(`INSERT INTO contact_phones (contact_id, position, phone, digits) VALUES (?, ?, ?, ?)`, id, i, p, phoneKey(p)); err != nil {
			return 0, err
		}
	}
	if err := tx.fastCustom(EntityContact, id, in.Custom); err != nil {
		return 0, err
	}
	tx.changed(KindContact, id)
	fs.toIndex[searchContact] = append(fs.toIndex[searchContact], id)
	return id, nil
}

// fastDeal writes what createDeal writes, for an actor mailActor found
// active, with no observers, and a contact and company that exist.
func (tx *itx) fastDeal(actor int64, in DealInput) (int64, error) {
	fs, err := tx.fastLoad()
	if err != nil {
		return 0, err
	}
	var v validator
	in.checkFields(&v)
	if in.PipelineID == 0 {
		in.PipelineID = fs.pipeline
	}
	var stage Stage
	if in.StageID == 0 {
		if in.StageID = fs.firstOpen[in.PipelineID]; in.StageID == 0 {
			v.add("pipeline", "unknown_pipeline", "pipeline %d does not exist or has no open stage", in.PipelineID)
		}
	}
	if in.StageID != 0 {
		st, ok := fs.stages[in.StageID]
		switch {
		case !ok:
			v.add("stage", "unknown_stage", "stage %d does not exist", in.StageID)
		case st.PipelineID != in.PipelineID:
			v.add("stage", "wrong_pipeline", "stage %q belongs to another pipeline", st.Name)
		default:
			stage = st
		}
	}
	in.checkLostReason(&v, stage)
	if in.ResponsibleID == 0 {
		in.ResponsibleID = actor
	}
	var active bool
	if err := tx.queryRow(`SELECT active FROM employees WHERE id = ?`, in.ResponsibleID).Scan(&active); err != nil || !active {
		v.add("responsible", "unknown_employee", "the responsible must be an active employee")
	}
	if len(in.Observers) > 0 {
		return 0, fmt.Errorf("fast deal: observers are not handled here")
	}
	if in.Custom == nil {
		in.Custom = map[string]string{}
	}
	checkCustom(&v, fs.defs[EntityDeal], in.Custom)
	if err := v.err(); err != nil {
		return 0, err
	}
	now := tx.s.now()
	var closed any
	if stage.Final() {
		closed = now
	}
	res, err := tx.exec(`INSERT INTO deals (title, pipeline_id, stage_id, contact_id, company_id, responsible_id, amount, currency,
		probability, close_date, source, closed_at, lost_reason, author_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.Title, in.PipelineID, in.StageID, nullID(in.ContactID), nullID(in.CompanyID), in.ResponsibleID, in.Amount, in.Currency,
		in.Probability, nullString(in.CloseDate), in.Source, closed, in.LostReason, actor, now, now)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	if err := tx.fastCustom(EntityDeal, id, in.Custom); err != nil {
		return 0, err
	}
	// The entry addEntry writes (its data is a map: keys sorted).
	b, _ := json.Marshal(map[string]any{"stage": stage.Name, "source": string(in.Source)})
	if _, err := tx.exec(`INSERT INTO timeline (deal_id, kind, author_id, at, text, data) VALUES (?, ?, ?, ?, ?, ?)`,
		id, EntryCreated, nullID(actor), fmtTime(tx.s.Now()), "", string(b)); err != nil {
		return 0, fmt.Errorf("timeline entry: %w", err)
	}
	tx.changed(KindDeal, id)
	fs.toIndex[searchDeal] = append(fs.toIndex[searchDeal], id)
	return id, nil
}

// finish writes the search rows the transaction deferred, one statement per
// kind. Every itx in fast mode calls it before the commit.
func (tx *itx) finish() error {
	if tx.fs == nil {
		return nil
	}
	for _, k := range []struct {
		kind int64
		sql  string
	}{{searchCompany, indexCompanySQL}, {searchContact, indexContactSQL}, {searchDeal, indexDealSQL}} {
		ids := tx.fs.toIndex[k.kind]
		if len(ids) == 0 {
			continue
		}
		js, _ := json.Marshal(ids)
		// An id freed by a deleted record may come back: its old row goes.
		if _, err := tx.exec(`DELETE FROM search WHERE rowid IN (SELECT value * 4 + ? FROM json_each(?))`, k.kind, string(js)); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if _, err := tx.exec(k.sql+manyIDs, string(js)); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		tx.fs.toIndex[k.kind] = nil
	}
	return nil
}
