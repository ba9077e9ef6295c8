package api

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/web"
	"shequ/internal/workaccess"
)

// The burden of a unit's communities (减负) in one month: what is asked of
// them against the staff-hours and money they have for it.

func (h *handler) burdenRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/burden", access.Rule{Perm: access.RegisterRead, Audit: audit.View}, h.burden)
}

// departmentBurdenJSON is one department's month: money due and received
// for its items and the demand score, staff-hours its items imposed against
// those that carry money.
type departmentBurdenJSON struct {
	workaccess.Line
	ArrearsFen        int64   `json:"arrears_fen"`
	StaffHoursImposed float64 `json:"staff_hours_imposed"`
	StaffHoursFunded  float64 `json:"staff_hours_funded"`
}

type burdenJSON struct {
	Org int64 `json:"org"`
	*workaccess.Burden
	StaffHoursDemanded  float64                `json:"staff_hours_demanded"`
	StaffHoursAvailable float64                `json:"staff_hours_available"`
	FundsArrearsFen     int64                  `json:"funds_arrears_fen"`
	Departments         []departmentBurdenJSON `json:"departments"`
	Columns             []communityBurdenJSON  `json:"community_columns"`
}

// communityBurdenJSON is one community's column of the month.
type communityBurdenJSON struct {
	workaccess.Column
	StaffHoursDemanded  float64 `json:"staff_hours_demanded"`
	StaffHoursAvailable float64 `json:"staff_hours_available"`
}

func (h *handler) burden(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	if q.Get("org") == "" {
		h.fail(w, r, http.StatusBadRequest, fieldError("org", "请指定组织单元 org"))
		return
	}
	if _, ok := workaccess.ParsePeriod(q.Get("period")); !ok {
		h.fail(w, r, http.StatusBadRequest, fieldError("period", "period 应为 YYYY-MM"))
		return
	}
	if _, status, err := h.within(r.Context(), c, q.Get("org")); err != nil {
		h.fail(w, r, status, err)
		return
	}
	org, _ := strconv.ParseInt(q.Get("org"), 10, 64)
	b, err := h.Work.Board(r.Context(), org, q.Get("period"))
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	t := b.Total
	out := burdenJSON{Org: org, Burden: t, StaffHoursDemanded: t.HoursDemanded(), StaffHoursAvailable: t.HoursAvailable(),
		FundsArrearsFen: t.FundsDueFen - t.FundsReceivedFen, Departments: []departmentBurdenJSON{},
		Columns: []communityBurdenJSON{}}
	for _, l := range b.Departments {
		out.Departments = append(out.Departments, departmentBurdenJSON{Line: l, ArrearsFen: l.ArrearsFen(),
			StaffHoursImposed: hoursOf(l.ImposedMinutes), StaffHoursFunded: hoursOf(l.FundedMinutes)})
	}
	for _, col := range b.Communities {
		out.Columns = append(out.Columns, communityBurdenJSON{Column: col, StaffHoursDemanded: col.HoursDemanded(),
			StaffHoursAvailable: col.HoursAvailable()})
	}
	writeJSON(w, http.StatusOK, out)
}

func hoursOf(minutes int64) float64 { return float64((minutes*100+30)/60) / 100 }
