package funds

import (
	"context"
	"strings"

	"shequ/internal/money"
)

// Public is a statement in the words a 财务公开 notice uses: the totals
// and what went out by category, then each fund's closing balance. It
// names no payee: the notice board says what the money was for, the
// vouchers stay with the accounts.
func (st Statement) Public() string {
	var b strings.Builder
	t := st.Total
	// A transfer between two of the community's funds is in and out of
	// the total at once: the notice leaves it out of both.
	var moved int64
	var parts []string
	for _, c := range t.ByCategory {
		if c.Category == TransferCategory {
			moved += c.Fen
			continue
		}
		parts = append(parts, c.Name()+" "+money.Yuan(c.Fen)+" 元")
	}
	b.WriteString("期初结余 " + money.Yuan(t.OpeningFen) + " 元;收入 " + money.Yuan(t.InFen()-moved) + " 元")
	if t.AllocatedFen != 0 {
		b.WriteString("(其中拨付 " + money.Yuan(t.AllocatedFen) + " 元)")
	}
	b.WriteString(";支出 " + money.Yuan(t.SpentFen-moved) + " 元")
	if len(parts) > 0 {
		b.WriteString("(" + strings.Join(parts, ",") + ")")
	}
	b.WriteString(";期末结余 " + money.Yuan(t.ClosingFen) + " 元。")
	if len(st.Funds) > 0 {
		parts := make([]string, 0, len(st.Funds))
		for _, f := range st.Funds {
			parts = append(parts, f.Name+" "+money.Yuan(f.ClosingFen)+" 元")
		}
		b.WriteString("\n各项经费期末结余:" + strings.Join(parts, ";"))
	}
	b.WriteString("\n(来自社区经费账,金额精确到分)")
	return b.String()
}

// PublicStatement is a community's statement for a 居务公开 period
// ("2026-03", "2026-Q1") in the notice's words. It is what the community
// publishes to everyone, so no staff scope applies: the publishing staff's
// own rights were checked by 居务公开.
func (s *Service) PublicStatement(ctx context.Context, community int64, period string) (string, error) {
	from, to, err := Period(strings.Replace(period, "-Q", "Q", 1))
	if err != nil {
		return "", err
	}
	sts, err := s.Statements(ctx, []int64{community}, from, to)
	if err != nil || len(sts) == 0 {
		return "", err
	}
	return sts[0].Public(), nil
}
