package reportsweb

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/indicators"
	"shequ/internal/reports"
	"shequ/internal/web"
)

// reportSignoff confirms (or withdraws the confirmation of) a community's
// report for a period.
func (h *handler) reportSignoff(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, _ := web.PathID(r)
	t, err := h.Reports.Template(ctx, r.PostFormValue("t"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	p, err := indicators.ParsePeriod(r.PostFormValue("period"))
	if err != nil {
		h.kit.ErrorPage(w, r, rq, http.StatusBadRequest)
		return
	}
	back := fmt.Sprintf("/reports/units/%d?%s", id, url.Values{"t": {t.Code}, "period": {p.String()}}.Encode())
	switch r.PostFormValue("action") {
	case "revoke":
		err = h.Reports.Revoke(ctx, rq.Actor.Name, t.ID, id, p)
		if errors.Is(err, reports.ErrNotFound) {
			err = nil // nothing was signed: nothing to withdraw
		}
		if err == nil {
			h.kit.SetFlash(w, "report_revoked")
		}
	default:
		_, err = h.Reports.Sign(ctx, rq.Actor.Name, rq.User.ID, t.Code, id, p, r.PostFormValue("note"))
		// Manual items left empty: the form to enter them, each empty one
		// marked at its field, where each can be given a number or 无.
		if fe := fault.FieldsOf(err); fe != nil && fe["manual"] != "" {
			q, ok := h.reportQueryPost(w, r, rq)
			if !ok {
				return
			}
			errs := map[string]string{}
			for k, m := range fe {
				if code, ok := strings.CutPrefix(k, "manual."); ok {
					errs[code] = m
				}
			}
			h.renderManual(w, r, rq, q, errs, nil, fe["manual"])
			return
		}
		// Only a community signs; a street or district asked for is a bad
		// request, as the page never offers it. Named here because its kind,
		// Forbidden, would answer 403 where this page has always said 400.
		if errors.Is(err, reports.ErrNotCommunity) {
			h.kit.ErrorPage(w, r, rq, http.StatusBadRequest)
			return
		}
		if err == nil {
			h.kit.SetFlash(w, "report_signed")
		}
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
