package server

import (
	"context"
	"database/sql"

	"shequ/internal/database"
	"shequ/internal/funds"
	"shequ/internal/procurement"
	"shequ/internal/procurement/procurementweb"
	"shequ/internal/proposals"
	"shequ/internal/web"
)

// procurementApp assembles 政府购买服务 on the server's clock, its
// milestone payments booked on the community accounts.
func procurementApp(db *database.DB, cfg Config, fs *funds.Service) *procurement.Service {
	ps := procurement.NewService(db, cfg.Now)
	ps.UsePayer(fundPayer{fs})
	return ps
}

// fundPayer books procurement's payments as 服务购买 expenses of a fund.
// procurement checked the staff's right to the project's community.
type fundPayer struct{ fs *funds.Service }

func (p fundPayer) PayFromFund(ctx context.Context, tx *sql.Tx, y procurement.FundPayment) error {
	st := funds.Staff{Name: y.By, Source: "web", May: func(c int64) bool { return c == y.Community }}
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

// decisionProjects shows 议事协商's decisions the projects carrying them
// out (procurement reads the decisions, so proposals cannot import it).
type decisionProjects struct{ ps *procurement.Service }

func (d decisionProjects) DecisionProjects(ctx context.Context, community int64) (map[int64][]proposals.Project, error) {
	by, err := d.ps.ByMatter(ctx, community)
	out := make(map[int64][]proposals.Project, len(by))
	for m, ps := range by {
		for _, p := range ps {
			out[m] = append(out[m], proposals.Project{ID: p.ID, Title: p.Title, Stage: p.StageName(), Public: p.Status != "planning"})
		}
	}
	return out, err
}

// procurementRoutes mounts the projects' pages, the public tender and
// award pages and the OCDS packages.
func procurementRoutes(rt *web.Routes, kit *web.Kit, ps *procurement.Service) {
	procurementweb.Routes(rt, kit, procurementweb.Deps{Projects: ps})
}
