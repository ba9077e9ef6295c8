package workaccessweb

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/workaccess"
	"shequ/internal/workdays"
)

type doneData struct {
	Unit   orgtree.Unit
	Period string
	Lines  []workaccess.DoneLine
	Errors map[string]string
}

// doneUnit reads the community of ?org= (or the form's org) the viewer may
// write the register of: the community's staff record its work.
func (h *handler) doneUnit(r *http.Request, rq *web.Request, org string) (orgtree.Unit, error) {
	id, _ := strconv.ParseInt(org, 10, 64)
	if id == 0 {
		if cs := rq.Write().Communities(); len(cs) > 0 {
			id = cs[0]
		}
	}
	u, err := h.kit.Org.Get(r.Context(), id)
	if err != nil || u.Level != orgtree.LevelCommunity ||
		!rq.Write().Contains(access.Place{Community: u.CommunityID, Org: u.ID}) {
		return u, errNoUnit
	}
	return u, nil
}

func periodOr(p string) string {
	if p == "" {
		return time.Now().In(workdays.Shanghai).Format("2006-01")
	}
	return p
}

// done is the form where a community records the work it did in a month,
// item by item, from which the 费随事转 ledger counts what is owed.
func (h *handler) done(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, err := h.doneUnit(r, rq, r.URL.Query().Get("org"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	period := periodOr(r.URL.Query().Get("period"))
	lines, err := h.Work.Done(r.Context(), u.ID, period)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "done", web.NewPage(rq, "工作量登记 "+u.Name+" "+period, "workaccess",
		doneData{Unit: u, Period: period, Lines: lines}))
}

func (h *handler) saveDone(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, err := h.doneUnit(r, rq, r.PostFormValue("org"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	period := r.PostFormValue("period")
	lines, err := h.Work.Done(r.Context(), u.ID, period)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	errs := fault.Fields{}
	counts := map[int64]int{}
	for i, l := range lines {
		v := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("n%d", l.ItemID)))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs[fmt.Sprintf("n%d", l.ItemID)] = "次数应为不小于 0 的整数"
			continue
		}
		counts[l.ItemID] = n
		lines[i].Occurrences, lines[i].Recorded = n, true
	}
	if len(errs) > 0 {
		h.tmpl.Render(w, r, http.StatusUnprocessableEntity, "done", web.NewPage(rq, "工作量登记 "+u.Name+" "+period,
			"workaccess", doneData{Unit: u, Period: period, Lines: lines, Errors: errs}))
		return
	}
	for id, n := range counts {
		if err := h.Work.RecordDone(r.Context(), rq.User.Name, u.ID, id, period, n); err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
	}
	rq.Audit.Entity, rq.Audit.ID = "org_unit", u.ID
	h.kit.SetFlash(w, "work_done_saved")
	http.Redirect(w, r, fmt.Sprintf("/work-done?org=%d&period=%s", u.ID, period), http.StatusSeeOther)
}
