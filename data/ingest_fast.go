package data

import "fmt"

// The ingest creates up to one contact, one company and one deal per
// message. Through createContact, createCompany and createDeal each of them
// costs a dozen statements parsed anew, the custom field definitions read
// again and a search row written at once. Within Ingest, the same records
// are written through the bulk loader's prepared statements instead: the
// same validation (checkCustom, checkFields, the stage and the responsible),
// the same rows, custom values, "created" timeline entry and change events,
// with the search rows written once at the end of the transaction (nothing
// reads them before the commit). TestIngestFastPathSameRecords compares both
// paths' results row by row.

// fastBulk returns the transaction's bulk loader, made on first use.
func (tx *itx) fastBulk(actor int64) (*BulkTx, error) {
	if tx.bulk == nil {
		b := &BulkTx{tx: tx.wtx, actor: actor, stages: map[int64]Stage{}, firstOpen: map[int64]int64{}}
		if err := b.prepare(); err != nil {
			b.close()
			return nil, err
		}
		tx.bulk = b
	}
	tx.bulk.actor = actor
	return tx.bulk, nil
}

// fastCompany writes what createCompany writes.
func (tx *itx) fastCompany(in CompanyInput) (int64, error) {
	b, err := tx.fastBulk(0)
	if err != nil {
		return 0, err
	}
	id, err := b.Company(in, tx.s.Now())
	if err != nil {
		return 0, err
	}
	tx.changed(KindCompany, id)
	return id, nil
}

// fastContact writes what createContact writes. The company must exist.
func (tx *itx) fastContact(in ContactInput) (int64, error) {
	b, err := tx.fastBulk(0)
	if err != nil {
		return 0, err
	}
	id, err := b.Contact(in, tx.s.Now())
	if err != nil {
		return 0, err
	}
	tx.changed(KindContact, id)
	return id, nil
}

// fastDeal writes what createDeal writes, for an active actor (mailActor
// checked it) and a contact and company that exist.
func (tx *itx) fastDeal(actor int64, in DealInput) (int64, error) {
	b, err := tx.fastBulk(actor)
	if err != nil {
		return 0, err
	}
	if in.StageID == 0 && in.PipelineID != 0 {
		if _, ok := b.firstOpen[in.PipelineID]; !ok {
			var v validator
			v.add("pipeline", "unknown_pipeline", "pipeline %d does not exist or has no open stage", in.PipelineID)
			return 0, v.err()
		}
	}
	if in.Custom == nil {
		in.Custom = map[string]string{}
	}
	id, err := b.Deal(BulkDeal{DealInput: in, AuthorID: actor, CreatedAt: tx.s.Now()})
	if err != nil {
		return 0, err
	}
	tx.changed(KindDeal, id)
	return id, nil
}

// finish writes what the transaction deferred (search rows) and releases
// its statements. Every itx in fast mode calls it before the commit.
func (tx *itx) finish() error {
	if tx.bulk == nil {
		return nil
	}
	b := tx.bulk
	tx.bulk = nil
	defer b.close()
	if err := b.flushIndex(); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	return nil
}
