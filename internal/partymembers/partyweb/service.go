package partyweb

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/partymembers"
	"shequ/internal/pdfdoc"
	"shequ/internal/sheets"
	"shequ/internal/web"
)

type serviceData struct {
	Unit    orgtree.Unit
	Period  string
	Label   string
	Quarter string // the card's quarter: the period's, or the current one
	Year    string
	Sum     partymembers.Summary
	Errors  map[string]string
	// The cards of the last quarter over: which employers were sent theirs.
	CardQuarter string
	CardLabel   string
	Cards       []partymembers.CardState
	CardsSent   int
	CardsUnsent int
}

// periodOf is ?period= or the current quarter.
func (h *handler) periodOf(r *http.Request) string {
	if p := r.URL.Query().Get("period"); p != "" {
		return p
	}
	t, _ := time.Parse("2006-01-02", h.Party.Today())
	return t.Format("2006") + "Q" + strconv.Itoa((int(t.Month())+2)/3)
}

// service is a unit's members' service in a quarter or year, by
// employer, with each employer's card.
func (h *handler) service(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	scope := rq.Viewer.Scope(partymembers.PermRead)
	u, err := h.unitIn(r, scope, r.URL.Query().Get("org"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := serviceData{Unit: u, Period: h.periodOf(r), Errors: map[string]string{}}
	from, to, label, yearly, err := partymembers.Period(d.Period)
	if fe := fault.FieldsOf(err); fe != nil {
		d.Errors = fe
		d.Period = h.periodOf(&http.Request{URL: &url.URL{}})
		from, to, label, yearly, _ = partymembers.Period(d.Period)
	}
	d.Label, d.Year = label, from[:4]
	d.Quarter = d.Period
	if yearly {
		d.Quarter = d.Year + "Q4"
	}
	units, err := h.kit.Org.CommunitiesUnder(r.Context(), u.ID)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	communities := []int64{}
	for _, c := range units {
		if scope.Contains(web.UnitPlace(c)) {
			communities = append(communities, c.ID)
		}
	}
	if d.Sum, err = h.Party.Figures(r.Context(), communities, from, to); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.CardQuarter = h.Party.LastQuarter()
	_, _, d.CardLabel, _, _ = partymembers.Period(d.CardQuarter)
	if d.Cards, d.CardsSent, err = h.Party.CardsDue(r.Context(), communities, d.CardQuarter); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.CardsUnsent = len(d.Cards) - d.CardsSent
	h.tmpl.Render(w, r, http.StatusOK, "service", web.NewPage(rq, u.Name+" 在职党员服务情况", "party", d))
}

// card is an employer's card of a period in a community, as PDF (the
// default) or xlsx; an export, audited with its rows. The community's
// staff downloading it after the period ended send it (the first time).
func (h *handler) card(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q := r.URL.Query()
	u, err := h.community(r, rq.Viewer.Scope(partymembers.PermRead))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	f, err := h.Party.SendCard(r.Context(), staff(rq, partymembers.PermManage), u.ID, q.Get("employer"), q.Get("period"), q.Get("format"))
	if fe := fault.FieldsOf(err); fe != nil {
		h.kit.ErrorMessage(w, r, rq, http.StatusUnprocessableEntity, "无法生成反馈卡", "party", "无法生成反馈卡", fe.Error())
		return
	}
	if errors.Is(err, pdfdoc.ErrNoFont) {
		h.kit.PDFFail(w, r, rq, err)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	detail := f.Employer + " " + f.Period
	if f.Sent {
		detail += " 送达"
	}
	if f.Format == "xlsx" {
		name := f.Title() + "-" + f.Employer + "-" + f.Period
		rq.Audit.Entity, rq.Audit.ID, rq.Audit.Rows, rq.Audit.Detail = "unit", u.ID, len(f.Figures.People), detail+" xlsx"
		w.Header().Set("Content-Type", sheets.ContentType("xlsx"))
		w.Header().Set("Content-Disposition", `attachment; filename="card.xlsx"; filename*=UTF-8''`+url.PathEscape(name+".xlsx"))
		w.Write(f.Body)
		return
	}
	h.kit.SendPDF(w, r, rq, web.PDF{Route: "GET /party-service/card", Entity: "unit", ID: u.ID, Community: u.ID,
		Rows: len(f.Figures.People), Detail: detail, Filename: "card.pdf", Body: f.Body})
}
