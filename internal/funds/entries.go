package funds

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/fault"
	"shequ/internal/money"
)

// Expense is an expense as typed.
type Expense struct {
	AmountYuan  string
	OnDate      string
	Category    string
	Payee       string
	Description string
	Files       []VoucherFile
}

// Receipt is money received as typed (a donation, a special grant …).
type Receipt struct {
	AmountYuan  string
	OnDate      string
	Payer       string
	Description string
}

// Transfer moves money from one fund to another of the same community.
type Transfer struct {
	To          int64
	AmountYuan  string
	OnDate      string
	Description string
}

// checkCommon checks an amount and a day, at their fields.
func (s *Service) checkCommon(fe fault.Fields, f Fund, amount, on string) int64 {
	fen, ok := money.ParseYuan(amount)
	switch {
	case strings.TrimSpace(amount) == "":
		fe.Add("amount", "请填写金额(元)")
	case strings.HasPrefix(strings.TrimSpace(amount), "-"):
		fe.Add("amount", "金额不能为负数;登记错误的记录请冲销")
	case !ok || fen <= 0:
		fe.Add("amount", "金额应为大于 0 的元数,最多两位小数")
	}
	switch {
	case !date(on):
		fe.Add("on_date", "请填写日期,如 2026-05-04")
	case on > s.today():
		fe.Add("on_date", "日期不能晚于今天")
	case yearOf(on) < f.Year:
		fe.Add("on_date", "日期不能早于经费所属年度")
	}
	return fen
}

func text(fe fault.Fields, field, v, missing string, max int) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && missing != "":
		fe.Add(field, missing)
	case utf8.RuneCountInString(v) > max:
		fe.Add(field, "请在"+itoa(int64(max))+"字以内")
	}
	return v
}

// negativeHit is the item of the fund's negative list an expense falls
// on: its category's code or name, or a keyword in what it says.
func negativeHit(f Fund, x Expense) string {
	said := x.Payee + " " + x.Description
	for _, item := range f.NegativeList {
		if item == x.Category || item == CategoryName(x.Category) || strings.Contains(said, item) {
			return item
		}
	}
	return ""
}

// Spend records an expense with its vouchers. It is refused at the field
// when input is wrong, when it falls on the fund's negative list, or when
// it would overdraw the fund; nothing is saved then.
func (s *Service) Spend(ctx context.Context, st Staff, fund int64, x Expense) (Entry, error) {
	f, err := s.managed(ctx, st, fund)
	if err != nil {
		return Entry{}, err
	}
	fe := fault.Fields{}
	fen := s.checkCommon(fe, f, x.AmountYuan, strings.TrimSpace(x.OnDate))
	if name(Categories, x.Category) == "" {
		fe.Add("category", "请选择支出类别")
	}
	x.Payee = text(fe, "payee", x.Payee, "请填写收款方", 60)
	x.Description = text(fe, "description", x.Description, "请写明支出用途", 200)
	if len(x.Files) > MaxVouchers {
		fe.Add("files", "每笔支出最多上传 6 个凭证")
	}
	for i := range x.Files {
		if msg := checkVoucher(&x.Files[i]); msg != "" {
			fe.Add("files", msg)
		}
	}
	if hit := negativeHit(f, x); hit != "" && fe["category"] == "" {
		fe.Add("category", "这笔支出属于本经费的负面清单(“"+hit+"”),不能从"+f.Name+"列支")
	}
	if err := fe.Err(); err != nil {
		return Entry{}, err
	}
	e := Entry{Kind: "expense", Line: "spent", AmountFen: -fen, OnDate: strings.TrimSpace(x.OnDate), Category: x.Category,
		Party: x.Payee, Description: x.Description}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.post(ctx, tx, st, f, &e); err != nil {
			return err
		}
		return s.saveVouchers(ctx, tx, e, x.Files)
	})
	if errors.Is(err, errOverdrawn) {
		return Entry{}, s.overdrawn(ctx, st, f.ID)
	}
	return e, err
}

// overdrawn says at the amount what is left, read after the refusal.
func (s *Service) overdrawn(ctx context.Context, st Staff, fund int64) error {
	f, err := s.Fund(ctx, st, fund)
	if err != nil {
		return err
	}
	return fault.Fields{"amount": "超出" + f.Name + "的余额(现余 " + money.Yuan(f.BalanceFen) + " 元),不能透支"}
}

// managed is a fund the staff may write to.
func (s *Service) managed(ctx context.Context, st Staff, fund int64) (Fund, error) {
	return s.Fund(ctx, st, fund)
}

// Receive records money received by a fund. 费随事转 money is recorded
// where the departments' payments are (work access), not here.
func (s *Service) Receive(ctx context.Context, st Staff, fund int64, r Receipt) (Entry, error) {
	f, err := s.managed(ctx, st, fund)
	if err != nil {
		return Entry{}, err
	}
	if f.Kind == "transfer" {
		return Entry{}, fault.Fields{"amount": "费随事转到账请在“工作准入 · 费随事转到账”中登记,这里自动汇总"}
	}
	fe := fault.Fields{}
	fen := s.checkCommon(fe, f, r.AmountYuan, strings.TrimSpace(r.OnDate))
	r.Payer = text(fe, "payer", r.Payer, "请填写付款方", 60)
	r.Description = text(fe, "description", r.Description, "", 200)
	if err := fe.Err(); err != nil {
		return Entry{}, err
	}
	e := Entry{Kind: "receipt", Line: "received", AmountFen: fen, OnDate: strings.TrimSpace(r.OnDate), Party: r.Payer,
		Description: r.Description}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error { return s.post(ctx, tx, st, f, &e) })
	return e, err
}

// Move moves money between two funds of one community: out of one as
// spent (line 调出), into the other as received, in one transaction.
func (s *Service) Move(ctx context.Context, st Staff, fund int64, t Transfer) (Entry, error) {
	f, err := s.managed(ctx, st, fund)
	if err != nil {
		return Entry{}, err
	}
	fe := fault.Fields{}
	fen := s.checkCommon(fe, f, t.AmountYuan, strings.TrimSpace(t.OnDate))
	t.Description = text(fe, "description", t.Description, "请写明调拨原因", 200)
	to, err := s.Fund(ctx, st, t.To)
	if err != nil || to.CommunityID != f.CommunityID || to.ID == f.ID {
		fe.Add("to", "请选择本社区的另一项经费")
	}
	if err := fe.Err(); err != nil {
		return Entry{}, err
	}
	on := strings.TrimSpace(t.OnDate)
	out := Entry{Kind: "transfer_out", Line: "spent", AmountFen: -fen, OnDate: on, Category: TransferCategory,
		Party: to.Name, Description: t.Description, OtherFundID: to.ID}
	in := Entry{Kind: "transfer_in", Line: "received", AmountFen: fen, OnDate: on, Party: f.Name,
		Description: t.Description, OtherFundID: f.ID}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.post(ctx, tx, st, f, &out); err != nil {
			return err
		}
		return s.post(ctx, tx, st, to, &in)
	})
	if errors.Is(err, errOverdrawn) {
		return Entry{}, s.overdrawn(ctx, st, f.ID)
	}
	return out, err
}

// Reverse cancels an entry with one of the opposite amount on the same
// line, dated today: statements already published stay true, and the
// entry and its reversal both stay on the record. A reversal is not
// reversed (record the entry again instead), an entry is reversed once,
// and a transfer is undone by a transfer back. Reversing money in is
// refused when it was spent meanwhile.
func (s *Service) Reverse(ctx context.Context, st Staff, entry int64, reason string) (Entry, error) {
	fe := fault.Fields{}
	reason = text(fe, "reason", reason, "请写明冲销原因", 200)
	if err := fe.Err(); err != nil {
		return Entry{}, err
	}
	orig, err := s.entry(ctx, s.db, st, entry)
	if err != nil {
		return Entry{}, err
	}
	switch orig.Kind {
	case "reversal":
		return Entry{}, fault.Fields{"entry": "冲销记录不能再冲销;如需恢复,请重新登记"}
	case "transfer_in", "transfer_out":
		return Entry{}, fault.Fields{"entry": "调拨不能单独冲销,请从对方经费调回"}
	}
	f, err := s.Fund(ctx, st, orig.FundID)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Kind: "reversal", Line: orig.Line, AmountFen: -orig.AmountFen, OnDate: s.today(), Category: orig.Category,
		Party: orig.Party, Description: reason, Reverses: orig.ID}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error { return s.post(ctx, tx, st, f, &e) })
	switch {
	case errors.Is(err, errOverdrawn):
		return Entry{}, fault.Fields{"entry": "这笔钱已经支出,冲销后" + f.Name + "余额将为负数;请先冲销相关支出"}
	case err != nil:
		return Entry{}, err
	}
	return e, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
