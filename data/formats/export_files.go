package formats

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"comptoir/data"
)

// A deal's files in `comptoir export deals` ("files", newest first): what
// each file is, never its bytes, which the database holds once by content
// and `comptoir deal` or the window saves.
//
//	id         number  the file's id
//	name       string  its name, made safe to save under
//	size       number  in bytes
//	type       string  its media type, from its bytes
//	sha256     string  hex SHA-256 of its bytes: the same bytes, the same hash
//	added_at   string  RFC 3339, UTC
//	added_by   string  the employee's name

// FileExport is one file of a deal in the export.
type FileExport struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Size    int64     `json:"size"`
	Type    string    `json:"type"`
	SHA256  string    `json:"sha256"`
	AddedAt time.Time `json:"added_at"`
	AddedBy string    `json:"added_by"`
}

func (x *exporter) files(dealID int64) ([]FileExport, error) {
	fs, err := x.sn.Files(dealID)
	if err != nil {
		return nil, err
	}
	out := make([]FileExport, 0, len(fs))
	for _, f := range fs {
		out = append(out, FileExport{ID: f.ID, Name: f.Name, Size: f.Size, Type: f.ContentType, SHA256: f.SHA256,
			AddedAt: f.CreatedAt.UTC(), AddedBy: f.Author})
	}
	return out, nil
}

// ExportSelection writes the deals ids names (a selection of the deal
// list), in that order, as Export writes deals (JSON or CSV); a deal the
// actor may not see is left out.
func ExportSelection(ctx context.Context, st *data.Store, actor int64, w io.Writer, ids []int64, format string) error {
	if format != "json" && format != "csv" {
		return fmt.Errorf("export: the format is json or csv, not %q", format)
	}
	sn, err := st.Snapshot(ctx, actor)
	if err != nil {
		return err
	}
	defer sn.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	out := newRecordWriter(bw, format, "deals")
	x := &exporter{sn: sn, people: map[int64]PersonExport{}}
	for _, id := range ids {
		if err := x.deals(id, out); err != nil && !errors.Is(err, data.ErrNotFound) {
			return err
		}
	}
	err = out.close()
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write: %w", ferr)
	}
	return err
}

// WriteDeal writes one deal as a JSON object in the export's format,
// indented: what `comptoir deal` prints of the deal it changed.
func WriteDeal(ctx context.Context, st *data.Store, actor, id int64, w io.Writer) error {
	sn, err := st.Snapshot(ctx, actor)
	if err != nil {
		return err
	}
	defer sn.Close()
	d, err := sn.Deal(id)
	if err != nil {
		return err
	}
	x := &exporter{sn: sn, people: map[int64]PersonExport{}}
	de, err := x.deal(d)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(de)
}
