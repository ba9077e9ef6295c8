package reportsweb

import (
	"errors"
	"net/http"
	"sort"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/reports"
	"shequ/internal/web"
)

type rulesData struct {
	Rules  []*reports.Rule
	Edit   reports.Rule
	Errors map[string]string
	Names  map[string]string
}

// ruleList lists the validation rules with a form for a new one.
func (h *handler) ruleList(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderRules(w, r, rq, rulesData{}, http.StatusOK)
}

func (h *handler) renderRules(w http.ResponseWriter, r *http.Request, rq *web.Request, d rulesData, status int) {
	ctx := r.Context()
	var err error
	if d.Rules, err = h.Reports.Rules(ctx); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	inds, err := h.Reports.Indicators(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Names = map[string]string{}
	for _, ind := range inds {
		d.Names[ind.Code] = ind.Name
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil && d.Edit.ID == 0 {
		for _, rl := range d.Rules {
			if rl.ID == id {
				d.Edit = *rl
			}
		}
	}
	sort.SliceStable(d.Rules, func(i, j int) bool { return d.Rules[i].ID < d.Rules[j].ID })
	h.tmpl.Render(w, r, status, "reports_rules", web.NewPage(rq, "校验规则", "reports", d))
}

// ruleSave creates or changes a rule.
func (h *handler) ruleSave(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	rl := reports.Rule{ID: id, Version: web.FormVersion(r), Expr: r.PostFormValue("expr"), Message: r.PostFormValue("message")}
	err := h.Reports.SaveRule(r.Context(), rq.Actor.Name, &rl)
	var ce *reports.ConflictError
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderRules(w, r, rq, rulesData{Edit: rl, Errors: fe}, http.StatusUnprocessableEntity)
		return
	}
	if errors.As(err, &ce) {
		h.renderRules(w, r, rq, rulesData{Edit: rl, Errors: map[string]string{"expr": ce.Error()}}, http.StatusConflict)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "rule_saved")
	http.Redirect(w, r, "/reports/rules", http.StatusSeeOther)
}

// ruleDelete removes a rule.
func (h *handler) ruleDelete(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, err := strconv.ParseInt(r.PathValue("rid"), 10, 64)
	if err != nil {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err := h.Reports.DeleteRule(r.Context(), id); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "rule_deleted")
	http.Redirect(w, r, "/reports/rules", http.StatusSeeOther)
}
