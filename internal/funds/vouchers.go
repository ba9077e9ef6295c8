package funds

import (
	"bytes"
	"context"
	"database/sql"
	"errors"

	"shequ/internal/database"
	"shequ/internal/filename"
)

// MaxVoucherFile bounds one voucher (凭证): a page scanned at 300 dpi or a
// phone's photo of an invoice.
const MaxVoucherFile = 5 << 20

// MaxVouchers bounds the files of one entry.
const MaxVouchers = 6

// VoucherFile is a voucher as uploaded.
type VoucherFile struct {
	Name        string
	ContentType string // set from the content when checked
	Data        []byte
}

// Voucher is a stored voucher's description.
type Voucher struct {
	ID          int64
	EntryID     int64
	Name        string
	ContentType string
	Size        int
}

// voucherSignatures are the first bytes of the accepted formats: the
// content decides, not the name or the claimed type.
var voucherSignatures = []struct{ magic, contentType, ext string }{
	{"%PDF-", "application/pdf", ".pdf"},
	{"\xFF\xD8\xFF", "image/jpeg", ".jpg"},
	{"\x89PNG\r\n\x1A\n", "image/png", ".png"},
}

// checkVoucher sets the type from the content and a harmless name; a
// Chinese message when the file is refused.
func checkVoucher(f *VoucherFile) string {
	switch {
	case len(f.Data) == 0:
		return "凭证文件为空"
	case len(f.Data) > MaxVoucherFile:
		return "每个凭证文件不能超过 5 MB"
	}
	for _, s := range voucherSignatures {
		if bytes.HasPrefix(f.Data, []byte(s.magic)) {
			f.ContentType = s.contentType
			f.Name = filename.Stem(f.Name, "凭证") + s.ext
			return ""
		}
	}
	return "凭证文件只能是 PDF、JPG 或 PNG"
}

func (s *Service) saveVouchers(ctx context.Context, tx *sql.Tx, e Entry, files []VoucherFile) error {
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO fund_vouchers (community_id, entry_id, id, name, content_type, size,
			data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.CommunityID, e.ID, database.NewID(), f.Name,
			f.ContentType, len(f.Data), f.Data, e.RecordedAt); err != nil {
			return err
		}
	}
	return nil
}

// voucherList names the vouchers of a fund's entries, by entry.
func (s *Service) voucherList(ctx context.Context, community, fund int64) (map[int64][]Voucher, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT v.entry_id, v.id, v.name, v.content_type, v.size FROM fund_vouchers v
		JOIN fund_entries e ON e.community_id = v.community_id AND e.id = v.entry_id
		WHERE v.community_id = $1 AND e.fund_id = $2 ORDER BY v.id`, community, fund)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]Voucher{}
	for rows.Next() {
		var v Voucher
		if err := rows.Scan(&v.EntryID, &v.ID, &v.Name, &v.ContentType, &v.Size); err != nil {
			return nil, err
		}
		out[v.EntryID] = append(out[v.EntryID], v)
	}
	return out, rows.Err()
}

// VoucherData returns a voucher of an entry the staff may see.
func (s *Service) VoucherData(ctx context.Context, st Staff, entry, id int64) (Voucher, []byte, error) {
	e, err := s.entry(ctx, s.db, st, entry)
	if err != nil {
		return Voucher{}, nil, err
	}
	v := Voucher{ID: id, EntryID: e.ID}
	var data []byte
	err = s.db.QueryRowContext(ctx, `SELECT name, content_type, size, data FROM fund_vouchers
		WHERE community_id = $1 AND entry_id = $2 AND id = $3`, e.CommunityID, e.ID, id).Scan(&v.Name, &v.ContentType, &v.Size, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return Voucher{}, nil, ErrNoEntry
	}
	return v, data, err
}
