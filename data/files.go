package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Files on a deal, a contact or a company: a photo of the site, the signed
// order, a business card, a spreadsheet. A file is added from disk (or a
// phone's gallery or camera, through the window's file dialog) or by
// `comptoir deal attach`; on a deal it is a timeline entry too.
//
// Bytes are stored once by content, in this database (migration 0015 says
// why there rather than in a folder): a blob is named by the SHA-256 of its
// bytes, and the same photo attached twice, or to two deals, is one blob.
// A file's name is made safe before it is stored (SafeFileName), so that
// whatever a screen or a command later does with it as a path is safe; its
// type comes from its bytes (sniffType) before its name. Nothing here ever
// opens a file: a screen shows a preview (a thumbnail made once, here, from
// an image or a scanned PDF) or offers to save it.

// EntryFile is the timeline entry of a file added to a deal: data
// {file_id, name, size, type, sha256, preview}, the file's name as text.
const EntryFile EntryKind = "file"

// DefaultFileMaxSize is the size limit of one file unless an admin sets
// another (SetFileMaxSize).
const DefaultFileMaxSize = 25 << 20

// fileMaxSizeSetting is the key of the limit in settings.
const fileMaxSizeSetting = "file_max_size"

// FileOwner is what a file is attached to: a deal, a contact or a company.
type FileOwner struct {
	Kind Kind  `json:"kind"` // KindDeal, KindContact or KindCompany
	ID   int64 `json:"id"`
}

// PreviewKind says what a file shows before it is opened.
type PreviewKind string

// Preview kinds.
const (
	PreviewNone  PreviewKind = ""      // an icon, its name and size
	PreviewImage PreviewKind = "image" // a thumbnail; the picture itself on tap
	PreviewPDF   PreviewKind = "pdf"   // its pages; a thumbnail of a scanned one
)

// FileInfo is a file attached to a record, without its bytes.
type FileInfo struct {
	ID          int64       `json:"id"`
	Owner       FileOwner   `json:"owner"`
	Name        string      `json:"name"`
	ContentType string      `json:"type"`
	Size        int64       `json:"size"`
	SHA256      string      `json:"sha256"`
	Preview     PreviewKind `json:"preview,omitempty"`
	Width       int         `json:"width,omitempty"` // an image's (or a scan's), in pixels
	Height      int         `json:"height,omitempty"`
	Pages       int         `json:"pages,omitempty"` // a PDF's
	HasThumb    bool        `json:"-"`
	AuthorID    int64       `json:"author_id,omitempty"`
	Author      string      `json:"author,omitempty"`
	EntryID     int64       `json:"entry_id,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
}

// IsPhoto reports whether the file is a picture (a "photo" to a person).
func (f FileInfo) IsPhoto() bool { return f.Preview == PreviewImage }

// FileData is the data of a file's timeline entry ("file"): what the file
// was when it was added (it may be deleted since).
type FileData struct {
	FileID  int64       `json:"file_id"`
	Name    string      `json:"name"`
	Size    int64       `json:"size"`
	Type    string      `json:"type"`
	SHA256  string      `json:"sha256"`
	Preview PreviewKind `json:"preview,omitempty"`
	// Width and Height are a picture's (or a scan's); Thumb says it has a
	// thumbnail: the timeline lays the entry out before reading it.
	Width  int  `json:"width,omitempty"`
	Height int  `json:"height,omitempty"`
	Thumb  bool `json:"thumb,omitempty"`
}

func (FileData) fits(k EntryKind) bool { return k == EntryFile }

// FileTooLarge is the code of the error a file over the limit gets (field
// "file"); FileLimitError carries the figures.
const FileTooLarge = "too_large"

// FileLimitError says that a file is over the size limit, with both sizes,
// for a screen to say in the person's words. It is inside the
// ValidationError AddFile returns (field "file", code FileTooLarge).
type FileLimitError struct {
	Name  string
	Size  int64 // at least: reading stops past the limit
	Limit int64
}

func (e *FileLimitError) Error() string {
	return fmt.Sprintf("%s weighs more than %s, the limit of one file", e.Name, byteSize(e.Limit))
}

// FileLimit returns the limit error inside err, or nil.
func FileLimit(err error) *FileLimitError {
	var fe *FileLimitError
	if errors.As(err, &fe) {
		return fe
	}
	return nil
}

// fileValidation is a ValidationError on field "file" that also unwraps to
// the FileLimitError, so that errors.As finds either.
type fileValidation struct {
	*ValidationError
	limit *FileLimitError
}

func (e *fileValidation) Unwrap() []error {
	if e.limit == nil {
		return []error{e.ValidationError}
	}
	return []error{e.ValidationError, e.limit}
}

// FileMaxSize is the size limit of one file, in bytes.
func (s *Store) FileMaxSize(ctx context.Context) (int64, error) {
	v, err := s.Setting(ctx, fileMaxSizeSetting)
	if err != nil {
		return 0, err
	}
	return parseMaxSize(v), nil
}

func parseMaxSize(v string) int64 {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		return n
	}
	return DefaultFileMaxSize
}

// SetFileMaxSize changes the size limit of one file; admins only. Files
// already stored stay.
func (s *Store) SetFileMaxSize(ctx context.Context, actor, size int64) error {
	if size < 1<<10 || size > 1<<30 {
		return &ValidationError{Fields: []FieldError{{Field: "file_max_size", Code: "out_of_range",
			Message: "the limit of one file is between 1 KB and 1 GB"}}}
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			fileMaxSizeSetting, strconv.FormatInt(size, 10))
		tx.changed(KindSettings, 0)
		return err
	})
	if err != nil {
		return fmt.Errorf("set file size limit: %w", err)
	}
	return nil
}

// AddFile attaches the bytes r gives, under name, to a deal, a contact or a
// company. The name is made safe (SafeFileName); the bytes are read up to
// the limit (FileMaxSize): a larger file is refused, naming the limit
// (field "file", code FileTooLarge, with a FileLimitError inside). Who may
// edit the deal may attach to it; whoever may read a contact or a company
// may attach to it. On a deal the file is a timeline entry. The same bytes
// attached again to the same record return the file already there.
func (s *Store) AddFile(ctx context.Context, actor int64, owner FileOwner, name string, r io.Reader) (FileInfo, error) {
	limit, err := s.FileMaxSize(ctx)
	if err != nil {
		return FileInfo{}, fmt.Errorf("add file: %w", err)
	}
	safe := SafeFileName(name)
	if safe == "" {
		safe = "file"
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return FileInfo{}, fmt.Errorf("add file %s: %w", safe, err)
	}
	if int64(len(b)) > limit {
		le := &FileLimitError{Name: safe, Size: int64(len(b)), Limit: limit}
		return FileInfo{}, &fileValidation{ValidationError: &ValidationError{Fields: []FieldError{{Field: "file", Code: FileTooLarge,
			Message: le.Error()}}}, limit: le}
	}
	if len(b) == 0 {
		return FileInfo{}, &fileValidation{ValidationError: &ValidationError{Fields: []FieldError{{Field: "file", Code: "empty",
			Message: safe + " is empty"}}}}
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])
	ctype := sniffType(b, safe)
	// The preview is made before the write lock is taken: decoding a photo
	// takes longer than writing it.
	var pv *preview
	known, err := s.blobKnown(ctx, hash)
	if err != nil {
		return FileInfo{}, fmt.Errorf("add file %s: %w", safe, err)
	}
	if !known {
		p := makePreview(b, ctype)
		pv = &p
	}
	var id int64
	err = s.writeTxSized(ctx, int64(len(b)), func(tx *wtx) error {
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		if err := tx.mayAttach(a, owner); err != nil {
			return err
		}
		blob, err := tx.storeBlob(hash, b, pv)
		if err != nil {
			return err
		}
		// the same bytes on the same record: the file already there
		err = tx.queryRow(`SELECT id FROM files WHERE owner_kind = ? AND owner_id = ? AND blob_id = ?`, owner.Kind, owner.ID, blob).Scan(&id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := tx.s.now()
		res, err := tx.exec(`INSERT INTO files (owner_kind, owner_id, blob_id, name, content_type, size, author_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, owner.Kind, owner.ID, blob, safe, ctype, len(b), a.ID, now)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		if owner.Kind == KindDeal {
			fd := FileData{FileID: id, Name: safe, Size: int64(len(b)), Type: ctype, SHA256: hash}
			var kind string
			_ = tx.queryRow(`SELECT kind, width, height, thumb IS NOT NULL FROM blob_previews WHERE blob_id = ?`, blob).
				Scan(&kind, &fd.Width, &fd.Height, &fd.Thumb)
			if kind != "none" {
				fd.Preview = PreviewKind(kind)
			}
			entry, err := tx.addLifeEntry(owner.ID, a.ID, EntryFile, safe, fd)
			if err != nil {
				return err
			}
			if _, err := tx.exec(`UPDATE files SET entry_id = ? WHERE id = ?`, entry, id); err != nil {
				return err
			}
			if _, err := tx.exec(`UPDATE deals SET updated_at = ? WHERE id = ?`, now, owner.ID); err != nil {
				return err
			}
		}
		tx.changed(owner.Kind, owner.ID)
		return nil
	})
	if err != nil {
		return FileInfo{}, fmt.Errorf("add file %s: %w", safe, err)
	}
	return s.fileInfo(ctx, s.r, id)
}

// blobKnown reports whether bytes of this hash are stored already.
func (s *Store) blobKnown(ctx context.Context, hash string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM blobs WHERE sha256 = ?`, hash).Scan(&n)
	return n > 0, err
}

// storeBlob stores bytes once by content and returns their blob's id; pv is
// their preview, made when they were not stored yet (nil: make it now, if
// the blob turns out to be new after all).
func (tx *wtx) storeBlob(hash string, b []byte, pv *preview) (int64, error) {
	var id int64
	err := tx.queryRow(`SELECT id FROM blobs WHERE sha256 = ?`, hash).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	res, err := tx.exec(`INSERT INTO blobs (sha256, size, created_at, data) VALUES (?, ?, ?, ?)`, hash, len(b), tx.s.now(), b)
	if err != nil {
		return 0, err
	}
	id, _ = res.LastInsertId()
	if pv == nil {
		p := makePreview(b, sniffType(b, ""))
		pv = &p
	}
	var thumb any
	if len(pv.thumb) > 0 {
		thumb = pv.thumb
	}
	if _, err := tx.exec(`INSERT INTO blob_previews (blob_id, kind, width, height, pages, thumb) VALUES (?, ?, ?, ?, ?, ?)`,
		id, pv.kindText(), pv.width, pv.height, pv.pages, thumb); err != nil {
		return 0, err
	}
	return id, nil
}

// mayAttach checks that the employee may attach a file to the owner.
func (tx *wtx) mayAttach(a Employee, owner FileOwner) error {
	switch owner.Kind {
	case KindDeal:
		d, err := loadDeal(tx.ctx, tx, owner.ID)
		if err != nil {
			return err
		}
		switch dealAccess(a, d.ResponsibleID, d.Observers) {
		case NoAccess:
			return ErrNotFound
		case ReadAccess:
			return fmt.Errorf("%s observes this deal and cannot add files to it: %w", a.Email, ErrForbidden)
		}
		return nil
	case KindContact, KindCompany:
		return tx.seesClient(a, owner.Kind, owner.ID)
	}
	return fmt.Errorf("files belong to a deal, a contact or a company, not a %s: %w", owner.Kind, ErrNotFound)
}

// seesClient checks that a contact or company exists and the employee may
// read it (ClientScope).
func (tx *wtx) seesClient(a Employee, kind Kind, id int64) error {
	return seesClient(tx.ctx, tx, a, kind, id)
}

func seesClient(ctx context.Context, q querier, a Employee, kind Kind, id int64) error {
	var x int
	if err := q.QueryRowContext(ctx, `SELECT 1 FROM `+clientTable(kind)+` WHERE id = ?`, id).Scan(&x); err != nil {
		return notFound(err)
	}
	f, err := clientFilterFor(ctx, q, a)
	if err != nil {
		return err
	}
	ok, err := f.sees(ctx, q, kind, id)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return nil
}

// mayRead checks that the employee may read the owner's files; edit
// reports whether they may also delete them.
func (s *Store) mayRead(ctx context.Context, me Employee, owner FileOwner) (edit bool, err error) {
	switch owner.Kind {
	case KindDeal:
		d, err := loadDeal(ctx, s.r, owner.ID)
		if err != nil {
			return false, err
		}
		acc := dealAccess(me, d.ResponsibleID, d.Observers)
		if acc == NoAccess {
			return false, ErrNotFound
		}
		return acc == EditAccess, nil
	case KindContact, KindCompany:
		f, err := clientFilterFor(ctx, s.r, me)
		if err != nil {
			return false, err
		}
		ok, err := f.sees(ctx, s.r, owner.Kind, owner.ID)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, ErrNotFound
		}
		return me.SeesAll(), nil
	}
	return false, ErrNotFound
}

const fileSelect = `SELECT f.id, f.owner_kind, f.owner_id, f.name, f.content_type, f.size, b.sha256, coalesce(p.kind, 'none'),
	coalesce(p.width, 0), coalesce(p.height, 0), coalesce(p.pages, 0), coalesce(p.thumb IS NOT NULL, 0),
	coalesce(f.author_id, 0), coalesce(e.name, ''), coalesce(f.entry_id, 0), f.created_at
	FROM files f JOIN blobs b ON b.id = f.blob_id LEFT JOIN blob_previews p ON p.blob_id = f.blob_id
	LEFT JOIN employees e ON e.id = f.author_id`

func scanFile(sc interface{ Scan(...any) error }) (FileInfo, error) {
	var f FileInfo
	var kind, created string
	err := sc.Scan(&f.ID, &f.Owner.Kind, &f.Owner.ID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &kind,
		&f.Width, &f.Height, &f.Pages, &f.HasThumb, &f.AuthorID, &f.Author, &f.EntryID, &created)
	if kind != "none" {
		f.Preview = PreviewKind(kind)
	}
	f.CreatedAt = parseTime(created)
	return f, err
}

func (s *Store) fileInfo(ctx context.Context, q querier, id int64) (FileInfo, error) {
	f, err := scanFile(q.QueryRowContext(ctx, fileSelect+` WHERE f.id = ?`, id))
	if err != nil {
		return f, fmt.Errorf("file %d: %w", id, notFound(err))
	}
	return f, nil
}

// Files lists the files of a deal, a contact or a company, newest first,
// to an employee who may read it.
func (s *Store) Files(ctx context.Context, actor int64, owner FileOwner) ([]FileInfo, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("files of %s %d: %w", owner.Kind, owner.ID, err)
	}
	if _, err := s.mayRead(ctx, me, owner); err != nil {
		return nil, fmt.Errorf("files of %s %d: %w", owner.Kind, owner.ID, err)
	}
	return loadFiles(ctx, s.r, owner)
}

func loadFiles(ctx context.Context, q querier, owner FileOwner) ([]FileInfo, error) {
	rows, err := q.QueryContext(ctx, fileSelect+` WHERE f.owner_kind = ? AND f.owner_id = ? ORDER BY f.id DESC`, owner.Kind, owner.ID)
	if err != nil {
		return nil, fmt.Errorf("files of %s %d: %w", owner.Kind, owner.ID, err)
	}
	defer rows.Close()
	out := []FileInfo{}
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, fmt.Errorf("files of %s %d: %w", owner.Kind, owner.ID, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// File returns one file, to an employee who may read what it is attached
// to (ErrNotFound otherwise).
func (s *Store) File(ctx context.Context, actor, id int64) (FileInfo, error) {
	f, _, err := s.readableFile(ctx, actor, id)
	return f, err
}

// FileOfEntry returns the file a deal's timeline entry shows (ErrNotFound
// when the entry is not a file's, or the file was deleted).
func (s *Store) FileOfEntry(ctx context.Context, actor, entryID int64) (FileInfo, error) {
	var id int64
	if err := s.r.QueryRowContext(ctx, `SELECT id FROM files WHERE entry_id = ?`, entryID).Scan(&id); err != nil {
		return FileInfo{}, fmt.Errorf("file of entry %d: %w", entryID, notFound(err))
	}
	return s.File(ctx, actor, id)
}

// readableFile loads a file and checks the employee may read it; edit says
// whether they may delete it too.
func (s *Store) readableFile(ctx context.Context, actor, id int64) (FileInfo, bool, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return FileInfo{}, false, fmt.Errorf("file %d: %w", id, err)
	}
	f, err := s.fileInfo(ctx, s.r, id)
	if err != nil {
		return f, false, err
	}
	edit, err := s.mayRead(ctx, me, f.Owner)
	if err != nil {
		return FileInfo{}, false, fmt.Errorf("file %d: %w", id, err)
	}
	return f, edit || f.AuthorID == me.ID, nil
}

// FileData returns a file's bytes, to an employee who may read it.
func (s *Store) FileData(ctx context.Context, actor, id int64) ([]byte, error) {
	if _, _, err := s.readableFile(ctx, actor, id); err != nil {
		return nil, err
	}
	var b []byte
	err := s.r.QueryRowContext(ctx, `SELECT b.data FROM files f JOIN blobs b ON b.id = f.blob_id WHERE f.id = ?`, id).Scan(&b)
	if err != nil {
		return nil, fmt.Errorf("file %d: %w", id, notFound(err))
	}
	return b, nil
}

// FileThumb returns a file's thumbnail (a JPEG at most 320 pixels a side),
// or nil when it has none. Thumbnails are made once, when the bytes are
// first stored; a screen reads one only when it shows the file.
func (s *Store) FileThumb(ctx context.Context, actor, id int64) ([]byte, error) {
	if _, _, err := s.readableFile(ctx, actor, id); err != nil {
		return nil, err
	}
	var b []byte
	err := s.r.QueryRowContext(ctx, `SELECT p.thumb FROM files f JOIN blob_previews p ON p.blob_id = f.blob_id WHERE f.id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("thumbnail of file %d: %w", id, err)
	}
	return b, nil
}

// MayEditFiles reports whether the employee may delete any file of the
// owner (who may edit the deal; a manager or an admin for a contact's or a
// company's); everyone may delete their own files of a record they read.
func (s *Store) MayEditFiles(ctx context.Context, actor int64, owner FileOwner) (bool, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return false, err
	}
	edit, err := s.mayRead(ctx, me, owner)
	if err != nil {
		return false, fmt.Errorf("files of %s %d: %w", owner.Kind, owner.ID, err)
	}
	return edit, nil
}

// MayDeleteFile reports whether the employee may delete the file: its
// author, or who may edit the deal it is on (a manager or an admin for a
// contact's or a company's).
func (s *Store) MayDeleteFile(ctx context.Context, actor, id int64) (bool, error) {
	_, edit, err := s.readableFile(ctx, actor, id)
	return edit, err
}

// DeleteFile removes a file from its record, with its timeline entry. Its
// bytes leave the database when no other file names them.
func (s *Store) DeleteFile(ctx context.Context, actor, id int64) error {
	f, edit, err := s.readableFile(ctx, actor, id)
	if err != nil {
		return fmt.Errorf("delete file %d: %w", id, err)
	}
	if !edit {
		return fmt.Errorf("delete file %d: only its author, or who may edit its %s, may: %w", id, f.Owner.Kind, ErrForbidden)
	}
	err = s.writeTx(ctx, func(tx *wtx) error {
		if _, err := tx.actor(actor); err != nil {
			return err
		}
		var blob int64
		if err := tx.queryRow(`SELECT blob_id FROM files WHERE id = ?`, id).Scan(&blob); err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(`DELETE FROM files WHERE id = ?`, id); err != nil {
			return err
		}
		if f.EntryID != 0 {
			if _, err := tx.exec(`DELETE FROM timeline WHERE id = ?`, f.EntryID); err != nil {
				return err
			}
		}
		if err := tx.dropBlobIfUnused(blob); err != nil {
			return err
		}
		tx.changed(f.Owner.Kind, f.Owner.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete file %d: %w", id, err)
	}
	return nil
}

// dropBlobIfUnused deletes a blob no file names any more.
func (tx *wtx) dropBlobIfUnused(blob int64) error {
	_, err := tx.exec(`DELETE FROM blobs WHERE id = ? AND NOT EXISTS (SELECT 1 FROM files WHERE blob_id = ?)`, blob, blob)
	return err
}

// addLifeEntry appends an entry to a deal's timeline, as addEntry does,
// and returns its id.
func (tx *wtx) addLifeEntry(dealID, author int64, kind EntryKind, text string, p Payload) (int64, error) {
	b, err := encodePayload(kind, p)
	if err != nil {
		return 0, fmt.Errorf("timeline entry: %w", err)
	}
	res, err := tx.exec(`INSERT INTO timeline (deal_id, kind, author_id, at, text, data) VALUES (?, ?, ?, ?, ?, ?)`,
		dealID, kind, nullID(author), tx.s.now(), text, string(b))
	if err != nil {
		return 0, fmt.Errorf("timeline entry: %w", err)
	}
	tx.changed(KindDeal, dealID)
	id, _ := res.LastInsertId()
	return id, nil
}
