package workaccess

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/filename"
	"shequ/internal/workdays"
)

// PermFunds records the money departments paid a community (费随事转 到账):
// the community's staff for their community, the street for its
// communities.
const PermFunds = "workaccess.funds"

// MaxVoucherFile bounds a scanned voucher (凭证扫描件): a page scanned at
// 300 dpi or photographed by a phone.
const MaxVoucherFile = 5 << 20

// Payment is money a department paid a community for its work, as typed;
// or, with Reverses set, the reversal (冲销) of an entry recorded wrongly,
// which takes everything else from that entry.
type Payment struct {
	Department string
	Community  int64
	AmountYuan string // as typed, up to two decimals
	ReceivedOn string
	Voucher    string
	File       *VoucherFile // optional scanned voucher
	Reverses   int64
	Note       string // why an entry is reversed
}

// VoucherFile is a scanned voucher as uploaded.
type VoucherFile struct {
	Name        string
	ContentType string // set from the content when checked
	Data        []byte
}

// voucherSignatures are the first bytes of the formats a voucher is
// accepted in: the content decides, not the name or the claimed type.
var voucherSignatures = []struct{ magic, contentType string }{
	{"%PDF-", "application/pdf"},
	{"\xFF\xD8\xFF", "image/jpeg"},
	{"\x89PNG\r\n\x1A\n", "image/png"},
}

// checkVoucherFile reads the file's type from its content; "" and a
// Chinese message when it is refused.
func checkVoucherFile(f *VoucherFile) string {
	switch {
	case len(f.Data) == 0:
		return "凭证文件为空"
	case len(f.Data) > MaxVoucherFile:
		return "凭证文件不能超过 5 MB"
	}
	for _, s := range voucherSignatures {
		if bytes.HasPrefix(f.Data, []byte(s.magic)) {
			f.ContentType = s.contentType
			f.Name = voucherName(f.Name, s.contentType)
			return ""
		}
	}
	return "凭证文件只能是 PDF、JPG 或 PNG"
}

// voucherName keeps a short, harmless file name with the extension of its
// content.
func voucherName(name, contentType string) string {
	return filename.Stem(name, "凭证") + map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[contentType]
}

// Fund is one entry of the funds received: a payment, or the reversal of
// one (negative, naming it).
type Fund struct {
	ID             int64  `json:"id"`
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	Community      int64  `json:"community"`
	CommunityName  string `json:"community_name"`
	AmountFen      int64  `json:"amount_fen"`
	ReceivedOn     string `json:"received_on"`
	Voucher        string `json:"voucher"`
	Reverses       *int64 `json:"reverses"`    // the entry this one cancels
	ReversedBy     *int64 `json:"reversed_by"` // the entry that cancels this one
	Note           string `json:"note,omitempty"`
	HasFile        bool   `json:"has_voucher_file"`
	RecordedAt     string `json:"recorded_at"`
	RecordedBy     string `json:"recorded_by"`
}

// Receive records a payment or a reversal for by, who the caller has
// allowed to; the amount is kept in 分. Fields in error come back in
// Chinese at the field and nothing is saved.
func (s *Service) Receive(ctx context.Context, by string, p Payment) (int64, error) {
	if p.Reverses != 0 {
		return s.reverse(ctx, by, p.Reverses, p.Note)
	}
	fe, err := s.checkPayment(ctx, &p)
	if err != nil {
		return 0, err
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	fen, _ := parseDecimal(p.AmountYuan, 2)
	on, _ := workdays.ParseDate(p.ReceivedOn)
	id := database.NewID()
	now := database.FormatTime(s.now())
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO work_funds (id, department, community_id, amount_fen, received_on,
			voucher, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			id, p.Department, p.Community, fen, dateOf(on), strings.TrimSpace(p.Voucher), now, by); err != nil {
			return err
		}
		if p.File == nil {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO work_fund_vouchers (fund_id, name, content_type, size, data, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, p.File.Name, p.File.ContentType, len(p.File.Data), p.File.Data, now)
		return err
	})
	return id, err
}

// checkPayment says in Chinese what is wrong with each field of a
// payment.
func (s *Service) checkPayment(ctx context.Context, p *Payment) (fault.Fields, error) {
	depts, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	fe := fault.Fields{}
	if _, ok := depts[p.Department]; !ok {
		fe["department"] = "请选择拨付经费的部门"
	}
	if p.Community == 0 {
		fe["community"] = "请选择收到经费的社区"
	}
	switch fen, ok := parseDecimal(p.AmountYuan, 2); {
	case strings.TrimSpace(p.AmountYuan) == "":
		fe["amount"] = "请填写到账金额(元)"
	case strings.HasPrefix(strings.TrimSpace(p.AmountYuan), "-"):
		fe["amount"] = "金额不能为负数;登记错误的到账请冲销原记录"
	case !ok || fen <= 0:
		fe["amount"] = "金额应为大于 0 的元数,最多两位小数"
	}
	if _, err := workdays.ParseDate(p.ReceivedOn); err != nil {
		fe["received_on"] = "请填写到账日期,如 2026-10-01"
	}
	if strings.TrimSpace(p.Voucher) == "" {
		fe["voucher"] = "请填写凭证号或说明"
	} else if utf8.RuneCountInString(p.Voucher) > 100 {
		fe["voucher"] = "凭证号不能超过 100 个字"
	}
	if p.File != nil {
		if msg := checkVoucherFile(p.File); msg != "" {
			fe["file"] = msg
		}
	}
	return fe, nil
}

// errNoFund answers an entry that does not exist or lies outside the
// caller's communities: the two are not told apart.
var errNoFund = fault.New(fault.NotFound, "没有这条到账记录")

// reverse cancels an entry with one of the opposite amount, dated the day
// the entry says the money arrived: the month it was wrongly counted in
// comes out right, and the wrong entry and its reversal both stay on the
// record. A reversal is not reversed (record the payment again instead),
// and an entry is reversed once.
func (s *Service) reverse(ctx context.Context, by string, id int64, note string) (int64, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		return 0, fault.Fields{"note": "请写明冲销原因"}
	}
	rid := database.NewID()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var dept, on, voucher string
		var community, fen int64
		var reverses sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT department, community_id, amount_fen, received_on, voucher, reverses
			FROM work_funds WHERE id = $1`, id).Scan(&dept, &community, &fen, &on, &voucher, &reverses)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.Fields{"reverses": "没有这条到账记录"}
		}
		if err != nil {
			return err
		}
		if reverses.Valid {
			return fault.Fields{"reverses": "冲销记录不能再冲销;请重新登记正确的到账"}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM work_funds WHERE reverses = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errReversed
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO work_funds (id, department, community_id, amount_fen, received_on,
			voucher, recorded_at, recorded_by, reverses, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			rid, dept, community, -fen, on, voucher, database.FormatTime(s.now()), by, id, note)
		return err
	})
	if err != nil && fault.KindOf(err) == fault.Internal {
		// Two people reversing the same entry at once: the unique index
		// lets one through; the other is told, not shown a server error.
		var n int
		if s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM work_funds WHERE reverses = $1`, id).Scan(&n) == nil && n > 0 {
			return 0, errReversed
		}
	}
	return rid, err
}

var errReversed = fault.New(fault.Conflict, "这条到账记录已被冲销,请刷新后查看")

// fundCommunity is the community an entry is for, to check the caller's
// scope before anything is done with it.
func (s *Service) fundCommunity(ctx context.Context, id int64) (int64, error) {
	var c int64
	err := s.db.QueryRowContext(ctx, `SELECT community_id FROM work_funds WHERE id = $1`, id).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNoFund
	}
	return c, err
}

// RecordPayment records a payment, or a reversal, where v may: the
// community's staff for their community, the street for its communities.
// A community outside v's part of the tree is refused at the field.
func (s *Service) RecordPayment(ctx context.Context, v *access.Viewer, p Payment) (*Fund, error) {
	if p.Reverses != 0 {
		c, err := s.fundCommunity(ctx, p.Reverses)
		if err != nil || !v.CanAt(PermFunds, access.Place{Community: c}) {
			if err != nil && !errors.Is(err, errNoFund) {
				return nil, err
			}
			return nil, fault.Fields{"reverses": "没有这条到账记录"}
		}
	} else {
		fe, err := s.checkPayment(ctx, &p)
		if err != nil {
			return nil, err
		}
		if p.Community != 0 {
			var level string
			err := s.db.QueryRowContext(ctx, `SELECT level FROM org_units WHERE id = $1 AND retired_on IS NULL`, p.Community).Scan(&level)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, err
			}
			if level != "community" || !v.CanAt(PermFunds, access.Place{Community: p.Community}) {
				fe["community"] = "只能登记本人负责范围内社区的到账经费"
			}
		}
		// Money is recorded when it has arrived: a date ahead is a typing
		// error. (Loaders of old books call Receive, which does not ask.)
		if d, err := workdays.ParseDate(p.ReceivedOn); err == nil && dateOf(d) > dateOf(s.now()) {
			fe["received_on"] = "到账日期不能晚于今天"
		}
		if err := fe.Err(); err != nil {
			return nil, err
		}
	}
	id, err := s.Receive(ctx, v.Name, p)
	if err != nil {
		return nil, err
	}
	return s.fund(ctx, id)
}

const fundColumns = `f.id, f.department, COALESCE(d.name, f.department), f.community_id, COALESCE(u.name, ''),
	f.amount_fen, f.received_on, f.voucher, f.reverses, (SELECT r.id FROM work_funds r WHERE r.reverses = f.id), f.note,
	CASE WHEN EXISTS (SELECT 1 FROM work_fund_vouchers v WHERE v.fund_id = f.id) THEN 1 ELSE 0 END, f.recorded_at, f.recorded_by
	FROM work_funds f LEFT JOIN departments d ON d.code = f.department LEFT JOIN org_units u ON u.id = f.community_id`

func scanFund(row interface{ Scan(...any) error }) (*Fund, error) {
	var f Fund
	var reverses, reversedBy sql.NullInt64
	var file int
	if err := row.Scan(&f.ID, &f.Department, &f.DepartmentName, &f.Community, &f.CommunityName, &f.AmountFen,
		&f.ReceivedOn, &f.Voucher, &reverses, &reversedBy, &f.Note, &file, &f.RecordedAt, &f.RecordedBy); err != nil {
		return nil, err
	}
	if reverses.Valid {
		f.Reverses = &reverses.Int64
	}
	if reversedBy.Valid {
		f.ReversedBy = &reversedBy.Int64
	}
	f.HasFile = file != 0
	return &f, nil
}

func (s *Service) fund(ctx context.Context, id int64) (*Fund, error) {
	f, err := scanFund(s.db.QueryRowContext(ctx, `SELECT `+fundColumns+` WHERE f.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoFund
	}
	return f, err
}

// FundFilter narrows the funds received: by department, by community, by
// the months the money arrived in (inclusive; "" open).
type FundFilter struct {
	Department string
	Community  int64
	From, To   string // YYYY-MM
}

// FundTotal is what one department paid over the entries listed.
type FundTotal struct {
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	AmountFen      int64  `json:"amount_fen"`
	Entries        int    `json:"entries"`
}

// Funds are the entries of an area's funds received and their sums.
type Funds struct {
	Entries     []*Fund
	Departments []FundTotal // by department, most paid first
	TotalFen    int64
}

// Funds lists the entries of the area's communities the filter keeps, the
// latest money first, with the sums per department. Reversals count
// negative, so a sum is what was received.
func (s *Service) Funds(ctx context.Context, area Area, f FundFilter) (*Funds, error) {
	a := s.db.Args()
	where := []string{"1 = 1"}
	fe := fault.Fields{}
	if f.From != "" {
		if _, ok := ParsePeriod(f.From); !ok {
			fe["from"] = "月份应为 YYYY-MM"
		}
		where = append(where, "f.received_on >= "+a.Arg(f.From+"-01"))
	}
	if f.To != "" {
		t, ok := ParsePeriod(f.To)
		if !ok {
			fe["to"] = "月份应为 YYYY-MM"
		} else {
			where = append(where, "f.received_on <= "+a.Arg(dateOf(t.AddDate(0, 1, -1))))
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if f.Department != "" {
		where = append(where, "f.department = "+a.Arg(f.Department))
	}
	if f.Community != 0 {
		where = append(where, "f.community_id = "+a.Arg(f.Community))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+fundColumns+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY f.received_on DESC, f.recorded_at DESC, f.id DESC`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &Funds{}
	byDept := map[string]*FundTotal{}
	for rows.Next() {
		e, err := scanFund(rows)
		if err != nil {
			return nil, err
		}
		if _, ok := area.Communities[e.Community]; !ok {
			continue
		}
		out.Entries = append(out.Entries, e)
		out.TotalFen += e.AmountFen
		if byDept[e.Department] == nil {
			byDept[e.Department] = &FundTotal{Department: e.Department, DepartmentName: e.DepartmentName}
		}
		byDept[e.Department].AmountFen += e.AmountFen
		byDept[e.Department].Entries++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, t := range byDept {
		out.Departments = append(out.Departments, *t)
	}
	sort.Slice(out.Departments, func(i, j int) bool {
		x, y := out.Departments[i], out.Departments[j]
		return x.AmountFen > y.AmountFen || x.AmountFen == y.AmountFen && x.Department < y.Department
	})
	return out, nil
}

// VoucherOf is the scanned voucher of an entry, for a viewer who may read
// the register of its community.
func (s *Service) VoucherOf(ctx context.Context, read access.Scope, id int64) (*VoucherFile, error) {
	c, err := s.fundCommunity(ctx, id)
	if err != nil {
		return nil, err
	}
	if !read.Contains(access.Place{Community: c}) {
		return nil, errNoFund
	}
	var f VoucherFile
	err = s.db.QueryRowContext(ctx, `SELECT name, content_type, data FROM work_fund_vouchers WHERE fund_id = $1`, id).
		Scan(&f.Name, &f.ContentType, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoFund
	}
	return &f, err
}
