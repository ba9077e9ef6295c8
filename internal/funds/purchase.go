package funds

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/fault"
	"shequ/internal/money"
)

// PurchaseCategory is the expense category of 政府购买服务 payments.
const PurchaseCategory = "purchase"

// Purchase is a payment for a purchased service (服务购买) as the
// procurement's milestone payment makes it: already checked against its
// contract, to be booked on a fund.
type Purchase struct {
	Fund        int64
	AmountFen   int64
	OnDate      string
	Payee       string // the supplier; 财务公开 names no payee
	Description string
}

// Payable is a fund a purchased service may be paid from, with what is
// left on it.
type Payable struct {
	ID         int64
	Name       string
	BalanceFen int64
}

// PayableFunds are the community's funds of a year a payment may be
// booked on: those whose negative list does not exclude purchased
// services, most money left first.
func (s *Service) PayableFunds(ctx context.Context, community int64, year int) ([]Payable, error) {
	fs, err := s.ListIn(ctx, []int64{community}, year)
	if err != nil {
		return nil, err
	}
	var out []Payable
	for _, f := range fs {
		if negativeHit(f, Expense{Category: PurchaseCategory}) == "" {
			out = append(out, Payable{ID: f.ID, Name: f.Name, BalanceFen: f.BalanceFen})
		}
	}
	slices.SortStableFunc(out, func(a, b Payable) int { return cmp.Compare(b.BalanceFen, a.BalanceFen) })
	return out, nil
}

// PayPurchase books a purchased service's payment on a fund of the
// community as an expense of category 服务购买, in the caller's
// transaction, so the payment and its entry are saved together or not at
// all. The fund must be the community's, of the payment's year (the
// accounts close by year: an earlier year's money is carried over, not
// spent from the old fund), not exclude purchases by its negative list and
// hold the amount; each refusal is at the field "fund". The entry is an
// ordinary expense: it is reversed on the fund's page like any other.
func (s *Service) PayPurchase(ctx context.Context, tx *sql.Tx, st Staff, community int64, x Purchase) (Entry, error) {
	f, err := s.fund(ctx, tx, x.Fund)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (f.CommunityID != community || !st.May(community))) {
		return Entry{}, fault.Fields{"fund": "请选择本社区的经费"}
	}
	if err != nil {
		return Entry{}, err
	}
	on := strings.TrimSpace(x.OnDate)
	switch {
	case x.AmountFen <= 0:
		return Entry{}, fault.Fields{"amount": "金额应为大于 0 的元数,最多两位小数"}
	case !date(on):
		return Entry{}, fault.Fields{"paid_on": "请填写日期,如 2026-05-04"}
	case f.Year != yearOf(on):
		return Entry{}, fault.Fields{"fund": f.Name + "属于" + strconv.Itoa(f.Year) + "年度,只能支付" + strconv.Itoa(f.Year) + "年的款项;请选择本年度的经费"}
	}
	e := Entry{Kind: "expense", Line: "spent", AmountFen: -x.AmountFen, OnDate: on, Category: PurchaseCategory,
		Party: clip(x.Payee, 60), Description: clip(x.Description, 200)}
	if hit := negativeHit(f, Expense{Category: PurchaseCategory, Payee: e.Party, Description: e.Description}); hit != "" {
		return Entry{}, fault.Fields{"fund": "这笔支出属于" + f.Name + "的负面清单(“" + hit + "”),不能从这项经费支付"}
	}
	err = s.post(ctx, tx, st, f, &e)
	if errors.Is(err, errOverdrawn) {
		// The sums as read before the refused write: the balance it said no to.
		if err := s.addTransfers(ctx, tx, []*Fund{&f}); err != nil {
			return Entry{}, err
		}
		s.finish(&f)
		return Entry{}, fault.Fields{"fund": "超出" + f.Name + "的余额(现余 " + money.Yuan(f.BalanceFen) + " 元),不能透支"}
	}
	return e, err
}

// clip shortens what another capability wrote to a ledger column's size.
func clip(v string, max int) string {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) <= max {
		return v
	}
	return string([]rune(v)[:max])
}
