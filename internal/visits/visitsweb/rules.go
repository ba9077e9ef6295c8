package visitsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/register"
	"shequ/internal/visits"
	"shequ/internal/web"
)

type rulesData struct {
	Rules   []visits.Rule
	MayEdit bool
	Targets map[string]string // household kinds and tag codes in words
}

func (h *handler) rules(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	rs, err := h.Visits.Rules(r.Context(), rq.Viewer.Scope(visits.PermSupervise).Communities())
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := rulesData{Rules: rs, MayEdit: rq.Viewer.Can(visits.PermRules), Targets: map[string]string{}}
	for k, v := range register.HouseholdKindNames {
		d.Targets[k] = v
	}
	tags, err := h.Register.TagKinds(r.Context())
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, t := range tags {
		d.Targets[t.Code] = t.Name
	}
	h.tmpl.Render(w, r, http.StatusOK, "rules", web.NewPage(rq, "走访规则", "visits", d))
}

type ruleFormData struct {
	ID          int64
	D           visits.RuleDraft
	Communities []web.Option
	Kinds       []web.Option
	Tags        []web.Option
	Errors      map[string]string
	Summary     []web.ErrItem
	Stale       string
}

var ruleFields = []string{"community", "name", "applies", "target", "interval", "series", "window", "grace"}

func (h *handler) ruleForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "rule")
	d := visits.RuleDraft{Applies: visits.AppliesAll, Active: true, Window: "7", Grace: "7"}
	if id != 0 {
		rule, err := h.Visits.Rule(r.Context(), id)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		d = visits.DraftOf(rule)
	}
	h.renderRuleForm(w, r, rq, http.StatusOK, id, d, nil, "")
}

func (h *handler) renderRuleForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, id int64,
	d visits.RuleDraft, errs map[string]string, stale string) {
	k := keeper(rq)
	f := ruleFormData{ID: id, D: d, Errors: errs, Stale: stale}
	if errs != nil {
		f.Summary = web.Summarize(errs, ruleFields)
	}
	if k.Shared {
		f.Communities = append(f.Communities, web.Option{Value: "0", Label: "全市通用"})
	}
	for _, c := range rq.Viewer.Scope(visits.PermRules).Communities() {
		if u, err := h.kit.Org.Get(r.Context(), c); err == nil {
			f.Communities = append(f.Communities, web.Option{Value: strconv.FormatInt(c, 10), Label: u.Name})
		}
	}
	for _, kind := range []string{register.HouseholdRegistered, register.HouseholdFloating, register.HouseholdCollective} {
		f.Kinds = append(f.Kinds, web.Option{Value: kind, Label: register.HouseholdKindNames[kind]})
	}
	tags, err := h.Register.TagKinds(r.Context())
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, t := range tags {
		f.Tags = append(f.Tags, web.Option{Value: t.Code, Label: t.Name})
	}
	title := "新增走访规则"
	if id != 0 {
		title = "修改走访规则"
	}
	h.tmpl.Render(w, r, status, "rule_form", web.NewPage(rq, title, "visits", f))
}

func (h *handler) saveRule(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "rule")
	pf := r.PostFormValue
	d := visits.RuleDraft{Name: pf("name"), Applies: pf("applies"), Interval: pf("interval"), Series: pf("series"),
		Window: pf("window"), Grace: pf("grace"), Active: pf("active") == "1"}
	d.CommunityID, _ = strconv.ParseInt(pf("community"), 10, 64)
	d.Version, _ = strconv.Atoi(pf("version"))
	switch d.Applies {
	case visits.AppliesKind:
		d.Target = pf("kind")
	case visits.AppliesTag:
		d.Target = pf("tag")
	}
	_, err := h.Visits.SaveRule(r.Context(), keeper(rq), id, d)
	switch {
	case fault.FieldsOf(err) != nil:
		h.renderRuleForm(w, r, rq, http.StatusUnprocessableEntity, id, d, fault.FieldsOf(err), "")
		return
	case fault.Is(err, fault.Conflict):
		h.renderRuleForm(w, r, rq, http.StatusConflict, id, d, nil, fault.Message(err))
		return
	case err != nil:
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "visit_rule_saved")
	http.Redirect(w, r, "/visit-rules", http.StatusSeeOther)
}
