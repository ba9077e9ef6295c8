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
	IndicatorsDemanded  int                    `json:"indicators_demanded"`
	IndicatorsComputed  int                    `json:"indicators_computed"`
	FundsArrearsFen     int64                  `json:"funds_arrears_fen"`
	Departments         []departmentBurdenJSON `json:"departments"`
}

func hoursOf(minutes int64) float64 { return float64((minutes*100+30)/60) / 100 }

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
	area, err := h.Work.AreaOf(r.Context(), org)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	b, err := h.Work.Burden(r.Context(), area, q.Get("period"))
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	out := burdenJSON{Org: org, Burden: b, StaffHoursDemanded: b.HoursDemanded(), StaffHoursAvailable: b.HoursAvailable(),
		FundsArrearsFen: b.FundsDueFen - b.FundsReceivedFen, Departments: []departmentBurdenJSON{}}
	for _, l := range b.Ledger.Departments {
		out.Departments = append(out.Departments, departmentBurdenJSON{Line: l, ArrearsFen: l.ArrearsFen(),
			StaffHoursImposed: hoursOf(l.ImposedMinutes), StaffHoursFunded: hoursOf(l.FundedMinutes)})
	}
	// Report indicators: every item of the report templates is asked of each
	// community; those shequ computes from the register ask nothing of it.
	if h.Reports != nil {
		ts, err := h.Reports.Templates(r.Context())
		if err != nil {
			h.fail(w, r, 0, err)
			return
		}
		for _, t := range ts {
			full, err := h.Reports.Template(r.Context(), strconv.FormatInt(t.ID, 10))
			if err != nil {
				h.fail(w, r, 0, err)
				return
			}
			tb, err := h.Reports.TemplateBurden(r.Context(), full)
			if err != nil {
				h.fail(w, r, 0, err)
				return
			}
			out.IndicatorsDemanded += tb.Items * len(area.Communities)
			out.IndicatorsComputed += tb.Computed * len(area.Communities)
		}
	}
	writeJSON(w, http.StatusOK, out)
}
