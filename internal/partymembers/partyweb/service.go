package partyweb

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/partymembers"
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
	h.tmpl.Render(w, r, http.StatusOK, "service", web.NewPage(rq, u.Name+" 在职党员服务情况", "party", d))
}

// card is an employer's card of a period in a community, as PDF (the
// default) or xlsx; an export, audited with its rows.
func (h *handler) card(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q := r.URL.Query()
	u, err := h.community(r, rq.Viewer.Scope(partymembers.PermRead))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	c, err := h.Party.Card(r.Context(), u.ID, q.Get("employer"), q.Get("period"))
	if fe := fault.FieldsOf(err); fe != nil {
		h.kit.ErrorMessage(w, r, rq, http.StatusUnprocessableEntity, "无法生成反馈卡", "party", "无法生成反馈卡", fe.Error())
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	name := c.Title() + "-" + c.Employer + "-" + c.Period
	if q.Get("format") == "xlsx" {
		var buf bytes.Buffer
		if err := c.XLSX(&buf); err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		rq.Audit.Entity, rq.Audit.ID, rq.Audit.Rows, rq.Audit.Detail = "unit", u.ID, len(c.Figures.People), c.Employer+" "+c.Period+" xlsx"
		w.Header().Set("Content-Type", sheets.ContentType("xlsx"))
		w.Header().Set("Content-Disposition", `attachment; filename="card.xlsx"; filename*=UTF-8''`+url.PathEscape(name+".xlsx"))
		w.Write(buf.Bytes())
		return
	}
	body, err := c.PDF()
	if err != nil {
		h.kit.PDFFail(w, r, rq, err)
		return
	}
	h.kit.SendPDF(w, r, rq, web.PDF{Route: "GET /party-service/card", Entity: "unit", ID: u.ID, Community: u.ID,
		Rows: len(c.Figures.People), Detail: c.Employer + " " + c.Period, Filename: "card.pdf", Body: body})
}
