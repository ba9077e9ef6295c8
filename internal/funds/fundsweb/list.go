package fundsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/funds"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

// communityFunds is one community's funds on the list.
type communityFunds struct {
	Unit  orgtree.Unit
	Funds []funds.Fund
	Total funds.Fund
}

type listData struct {
	Unit        orgtree.Unit
	Year        int
	Years       []int
	Communities []communityFunds
	Idle        int
	Manage      bool // the viewer may open funds in this community
	Rules       []funds.Rule
	Draft       funds.Draft
	Errors      map[string]string
	Summary     []web.ErrItem
}

var fundFields = []string{"kind", "name", "year", "source", "rule", "negative_list", "idle_days", "idle_by"}

func (h *handler) list(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderList(w, r, rq, http.StatusOK, funds.Draft{}, nil)
}

func (h *handler) renderList(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, dr funds.Draft, errs map[string]string) {
	ctx := r.Context()
	u, cs, err := h.unit(r, rq, funds.PermRead)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	now := h.Funds.Now()
	d := listData{Unit: u, Draft: dr, Errors: errs}
	d.Year, _ = strconv.Atoi(r.URL.Query().Get("year"))
	if d.Year == 0 {
		d.Year = now.Year()
	}
	for y := now.Year() + 1; y >= now.Year()-3; y-- {
		d.Years = append(d.Years, y)
	}
	ids := make([]int64, len(cs))
	byID := map[int64]*communityFunds{}
	d.Communities = make([]communityFunds, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
		d.Communities[i].Unit = c
		d.Communities[i].Total.Name = "合计"
		byID[c.ID] = &d.Communities[i]
	}
	fs, err := h.Funds.ListIn(ctx, ids, d.Year)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, f := range fs {
		c := byID[f.CommunityID]
		c.Funds = append(c.Funds, f)
		c.Total.AllocatedFen += f.AllocatedFen
		c.Total.ReceivedFen += f.ReceivedFen
		c.Total.SpentFen += f.SpentFen
		c.Total.BalanceFen += f.BalanceFen
		if f.Idle {
			d.Idle++
		}
	}
	d.Manage = u.Level == orgtree.LevelCommunity && staff(rq, funds.PermManage).May(u.ID)
	if d.Manage {
		if d.Rules, err = h.Funds.Rules(ctx); err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		if d.Draft.Year == 0 {
			d.Draft.Year = d.Year
		}
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	d.Summary = web.Summarize(d.Errors, fundFields)
	h.tmpl.Render(w, r, status, "funds", web.NewPage(rq, u.Name+" 社区经费", "funds", d))
}

func (h *handler) create(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, _, err := h.unit(r, rq, funds.PermManage)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	dr := funds.Draft{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), Year: year,
		Source: r.PostFormValue("source"), RuleCode: r.PostFormValue("rule"), NegativeList: r.PostFormValue("negative_list"),
		IdleDays: r.PostFormValue("idle_days"), IdleBy: r.PostFormValue("idle_by")}
	f, err := h.Funds.Create(r.Context(), staff(rq, funds.PermManage), u.ID, dr)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderList(w, r, rq, http.StatusUnprocessableEntity, dr, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "fund", f.ID
	h.kit.SetFlash(w, "fund_saved")
	http.Redirect(w, r, "/funds/"+itoa(f.ID), http.StatusSeeOther)
}
