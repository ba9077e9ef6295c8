package demo

import (
	"context"
	"database/sql"
	"time"

	"shequ/internal/database"
	"shequ/internal/funds"
	"shequ/internal/procurement"
	"shequ/internal/workdays"
)

// fundPayer books the demo's purchased-service payments on the community
// accounts, as the server wires them for staff (internal/server). Each
// entry is recorded on the day it was paid, as the demo's history is.
type fundPayer struct{ db *database.DB }

func (p fundPayer) PayFromFund(ctx context.Context, tx *sql.Tx, y procurement.FundPayment) error {
	on, err := time.ParseInLocation(database.DateLayout, y.PaidOn, workdays.Shanghai)
	if err != nil {
		return err
	}
	at := on.Add(10 * time.Hour)
	fs := funds.NewService(p.db, func() time.Time { return at })
	st := funds.Staff{Name: y.By, Source: "demo", May: func(c int64) bool { return c == y.Community }}
	_, err = fs.PayPurchase(ctx, tx, st, y.Community, funds.Purchase{Fund: y.Fund, AmountFen: y.AmountFen,
		OnDate: y.PaidOn, Payee: y.Payee, Description: y.Memo})
	return err
}

func (p fundPayer) PayableFunds(ctx context.Context, community int64, year int) ([]procurement.FundChoice, error) {
	fs, err := funds.NewService(p.db, nil).PayableFunds(ctx, community, year)
	out := make([]procurement.FundChoice, len(fs))
	for i, f := range fs {
		out[i] = procurement.FundChoice{ID: f.ID, Name: f.Name, BalanceFen: f.BalanceFen}
	}
	return out, err
}
