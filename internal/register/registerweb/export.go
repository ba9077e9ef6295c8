package registerweb

import (
	"encoding/csv"
	"net/http"
	"strings"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/register"
	"shequ/internal/web"
)

// exportLimit bounds one export: a community's register fits, a district's
// does not (departments take theirs through their own export views).
const exportLimit = 5000

// exportPersons downloads the persons a search finds as CSV (台账), with
// the fields the viewer may see, masked as on the page. The export and its
// row count are in the audit log before the file is sent.
func (h *handler) exportPersons(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	query := register.PersonQuery{Text: strings.TrimSpace(q.Get("q")), Residence: q.Get("residence"), Limit: 200}
	if _, ok := register.ResidenceNames[query.Residence]; !ok {
		query.Residence = ""
	}
	scope := rq.Viewer.Scope(access.RegisterExport)
	var persons []register.Person
	for len(persons) < exportLimit {
		query.Offset = len(persons)
		page, more, err := h.Register.SearchPersons(ctx, scope, query)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		persons = append(persons, page...)
		if !more {
			break
		}
	}
	persons = persons[:min(len(persons), exportLimit)]
	var hhIDs, gridIDs []int64
	for _, p := range persons {
		hhIDs = append(hhIDs, p.HouseholdID)
		gridIDs = append(gridIDs, p.GridID)
	}
	hhs, err := h.Register.HouseholdBriefs(ctx, scope, hhIDs)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	grids, err := h.Org.Names(ctx, gridIDs)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if err := h.Audit.RecordNow(ctx, audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name, Addr: web.ClientAddr(r),
		Action: audit.Export, Entity: "person", Route: "GET /search/export", Status: http.StatusOK, Rows: len(persons),
		Detail: web.Truncate("persons: "+query.Text, 200)}); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="persons.csv"`)
	// A byte-order mark, so that Excel opens the Chinese text as UTF-8.
	w.Write([]byte("\uFEFF"))
	cw := csv.NewWriter(w)
	cw.Write([]string{"姓名", "性别", "出生日期", "人口类别", "证件类型", "证件号码", "联系电话", "网格", "户号", "地址", "状态"})
	for _, p := range persons {
		hh := hhs[p.HouseholdID]
		cw.Write([]string{p.Name, h.kit.Label("gender", p.Gender), p.Birth(), h.kit.Label("residence", p.Residence), h.kit.Label("doc", p.DocType),
			p.IDNumber, p.Phone, grids[p.GridID], hh.Number, hh.Address, h.kit.Label("status", p.Status)})
	}
	cw.Flush()
}
