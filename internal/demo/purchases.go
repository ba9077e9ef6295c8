package demo

import (
	"context"
	"database/sql"

	"shequ/internal/funds"
	"shequ/internal/procurement"
)

// fundPayer books the demo's purchased-service payments on the community
// accounts, as the server wires them for staff (internal/server).
type fundPayer struct{ fs *funds.Service }

func (p fundPayer) PayFromFund(ctx context.Context, tx *sql.Tx, y procurement.FundPayment) error {
	st := funds.Staff{Name: y.By, Source: "demo", May: func(c int64) bool { return c == y.Community }}
	_, err := p.fs.PayPurchase(ctx, tx, st, y.Community, funds.Purchase{Fund: y.Fund, AmountFen: y.AmountFen,
		OnDate: y.PaidOn, Payee: y.Payee, Description: y.Memo})
	return err
}

func (p fundPayer) PayableFunds(ctx context.Context, community int64, year int) ([]procurement.FundChoice, error) {
	fs, err := p.fs.PayableFunds(ctx, community, year)
	out := make([]procurement.FundChoice, len(fs))
	for i, f := range fs {
		out[i] = procurement.FundChoice{ID: f.ID, Name: f.Name, BalanceFen: f.BalanceFen}
	}
	return out, err
}
