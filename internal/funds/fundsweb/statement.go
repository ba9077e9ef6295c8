package fundsweb

import (
	"bytes"
	"net/http"
	"net/url"

	"shequ/internal/funds"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

type statementData struct {
	Unit      orgtree.Unit
	Period    string
	Statement funds.Statement
	Months    []string // the year's months and quarters to choose from
	Errors    map[string]string
}

// period is ?period=, by default the last whole month.
func (h *handler) period(r *http.Request) string {
	if p := r.URL.Query().Get("period"); p != "" {
		return p
	}
	return h.Funds.Now().AddDate(0, -1, 0).Format("2006-01")
}

func (h *handler) statement(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, _, err := h.unit(r, rq, funds.PermRead)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if u.Level != orgtree.LevelCommunity {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	d := statementData{Unit: u, Period: h.period(r), Errors: map[string]string{}}
	now := h.Funds.Now()
	for m := 1; m <= int(now.Month()); m++ {
		d.Months = append(d.Months, now.Format("2006")+"-"+[]string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}[m-1])
	}
	for q := 1; q <= (int(now.Month())+2)/3; q++ {
		d.Months = append(d.Months, now.Format("2006")+"Q"+string(rune('0'+q)))
	}
	from, to, err := funds.Period(d.Period)
	if err == nil {
		d.Statement, err = h.Funds.Statement(r.Context(), staff(rq, funds.PermRead), u.ID, from, to)
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "statement", web.NewPage(rq, u.Name+" 经费收支报表 "+d.Period, "funds", d))
}

func (h *handler) statementSheet(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, _, err := h.unit(r, rq, funds.PermRead)
	if err != nil || u.Level != orgtree.LevelCommunity {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	p := h.period(r)
	from, to, err := funds.Period(p)
	var st funds.Statement
	if err == nil {
		st, err = h.Funds.Statement(r.Context(), staff(rq, funds.PermRead), u.ID, from, to)
	}
	var b bytes.Buffer
	if err == nil {
		err = funds.WriteStatement(&b, u.Name, st)
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	name := u.Name + "经费收支报表" + p + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="statement.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	w.Write(b.Bytes())
}
