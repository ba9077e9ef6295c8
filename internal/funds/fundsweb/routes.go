// Package fundsweb serves 社区经费: the list of a unit's funds with their
// balances and idle flags, a fund's page (entries with vouchers and
// reversals, allocation by its rule, receipts, transfers, budget against
// spending), the expense form, and the monthly or quarterly statement as
// a page and a spreadsheet.
package fundsweb

import (
	"embed"
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/funds"
	"shequ/internal/money"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the pages need besides the kit.
type Deps struct {
	Funds *funds.Service
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the pages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k}
	h.tmpl = k.Templates(templateFS, map[string]any{
		"yuan":         money.Yuan,
		"kinds":        func() []funds.Code { return funds.Kinds },
		"categories":   func() []funds.Code { return funds.Categories },
		"kindName":     funds.KindName,
		"categoryName": funds.CategoryName,
		"neg":          func(n int64) int64 { return -n },
		// pick is v where ok holds: a refused form's value at its own row.
		"pick": func(ok bool, v string) string {
			if ok {
				return v
			}
			return ""
		},
	})
	k.AddFlashes(map[string]string{"fund_saved": "经费已建立", "fund_entry_saved": "已记入台账",
		"fund_reversed": "已冲销", "fund_budget_saved": "预算已保存"})
	k.AddNav("funds", "社区经费", "/funds", funds.PermRead)
	read := access.Rule{Perm: funds.PermRead}
	view := access.Rule{Perm: funds.PermRead, Audit: audit.View}
	manage := access.Rule{Perm: funds.PermManage}
	k.Handle(rt, "GET /funds", read, h.list)
	k.Handle(rt, "POST /funds/new", manage, h.create)
	k.Handle(rt, "GET /funds/statement", view, h.statement)
	k.Handle(rt, "GET /funds/statement.xlsx", access.Rule{Perm: funds.PermRead, Audit: audit.Export}, h.statementSheet)
	k.Handle(rt, "GET /funds/{fund}", view, h.page)
	k.Handle(rt, "POST /funds/{fund}/allocate", manage, h.allocate)
	k.Handle(rt, "POST /funds/{fund}/receipts", manage, h.receive)
	k.Handle(rt, "POST /funds/{fund}/transfer", manage, h.transfer)
	k.Handle(rt, "POST /funds/{fund}/budget", manage, h.budget)
	k.Handle(rt, "GET /funds/{fund}/expense", manage, h.expenseForm)
	k.HandleWithBody(rt, "POST /funds/{fund}/expense", manage, funds.MaxVouchers*funds.MaxVoucherFile+1<<20, h.spend)
	k.Handle(rt, "POST /funds/entries/{entry}/reverse", manage, h.reverse)
	k.Handle(rt, "GET /funds/entries/{entry}/vouchers/{voucher}", view, h.voucher)
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// staff is the viewer acting with perm.
func staff(rq *web.Request, perm string) funds.Staff {
	sc := rq.Viewer.Scope(perm)
	name := rq.User.DisplayName
	if name == "" {
		name = rq.User.Name
	}
	return funds.Staff{UserID: rq.User.ID, Name: name, Source: "web",
		May: func(c int64) bool { return c != 0 && sc.Contains(access.Place{Community: c, Org: c}) }}
}

var errNoUnit = fault.New(fault.NotFound, "没有这个单位,或不在您的管辖范围内")

// unit is ?org= (a unit in the scope of perm, by default the viewer's
// first community) and the communities at or below it the viewer reads.
func (h *handler) unit(r *http.Request, rq *web.Request, perm string) (orgtree.Unit, []orgtree.Unit, error) {
	sc := rq.Viewer.Scope(perm)
	id, _ := strconv.ParseInt(r.URL.Query().Get("org"), 10, 64)
	if id == 0 {
		if cs := sc.Communities(); len(cs) > 0 {
			id = cs[0]
		}
	}
	u, err := h.kit.Org.Get(r.Context(), id)
	if err != nil || !sc.Contains(web.UnitPlace(u)) {
		return u, nil, errNoUnit
	}
	if u.Level == orgtree.LevelCommunity {
		return u, []orgtree.Unit{u}, nil
	}
	under, err := h.kit.Org.Descendants(r.Context(), u.ID, orgtree.LevelCommunity)
	var cs []orgtree.Unit
	for _, c := range under {
		if sc.Contains(web.UnitPlace(c)) {
			cs = append(cs, c)
		}
	}
	return u, cs, err
}
