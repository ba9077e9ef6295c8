package disclosureweb

import (
	"net/http"
	"strconv"

	"shequ/internal/disclosure"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

type listData struct {
	Unit      orgtree.Unit
	Overdue   bool
	Rows      []disclosure.Publication
	Late      int
	Open      int // overdue in the list
	Items     []disclosure.Item
	MayManage bool
	F         map[string]string
	Errors    map[string]string
	Summary   []web.ErrItem
}

func (h *handler) list(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderList(w, r, rq, http.StatusOK, r.URL.Query().Get("org"), nil, nil)
}

func (h *handler) renderList(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, org string, f, errs map[string]string) {
	// A street or a district sees the rows of its communities together
	// (the workbench's 督办 link); a community its own, with the forms.
	scope := rq.Viewer.Scope(disclosure.PermRead)
	u, err := h.unit(r, scope, org)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	filter := disclosure.Filter{Overdue: r.URL.Query().Get("overdue") == "1"}
	if u.Level == orgtree.LevelCommunity {
		filter.Community = u.ID
	} else if scope, err = h.kit.Access.Narrow(r.Context(), scope, u.ID); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := listData{Unit: u, Overdue: filter.Overdue, F: f, Errors: errs,
		MayManage: u.Level == orgtree.LevelCommunity && rq.Viewer.CanAt(disclosure.PermManage, web.UnitPlace(u))}
	if d.F == nil {
		d.F = map[string]string{}
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	} else {
		d.Summary = web.Summarize(errs, []string{"item", "title", "decided_on"})
	}
	if d.Rows, err = h.Disclosure.Publications(r.Context(), scope, filter); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, p := range d.Rows {
		if p.Late {
			d.Late++
		}
		if p.Overdue {
			d.Open++
		}
	}
	if d.MayManage {
		all, err := h.Disclosure.Catalogue(r.Context(), u.ID)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		for _, it := range all {
			if it.Active && !it.Periodic() {
				d.Items = append(d.Items, it)
			}
		}
	}
	rq.Audit.Rows, rq.Audit.Entity, rq.Audit.ID = len(d.Rows), "unit", u.ID
	h.tmpl.Render(w, r, status, "list", web.NewPage(rq, u.Name+" 居务公开", "disclosure", d))
}

func (h *handler) decide(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	r.ParseForm()
	f := map[string]string{"item": r.PostFormValue("item"), "title": r.PostFormValue("title"), "decided_on": r.PostFormValue("decided_on")}
	org, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	item, _ := strconv.ParseInt(f["item"], 10, 64)
	p, err := h.Disclosure.RecordDecision(r.Context(), staff(rq, disclosure.PermManage),
		disclosure.DecisionDraft{CommunityID: org, ItemID: item, Title: f["title"], DecidedOn: f["decided_on"]})
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderList(w, r, rq, http.StatusUnprocessableEntity, r.PostFormValue("org"), f, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "disclosure", p.ID
	h.kit.SetFlash(w, "disc_decision")
	http.Redirect(w, r, pubLink(p), http.StatusSeeOther)
}

func pubLink(p disclosure.Publication) string {
	return "/disclosures/" + strconv.FormatInt(p.CommunityID, 10) + "/" + strconv.FormatInt(p.ID, 10)
}

type showData struct {
	P         disclosure.Publication
	Questions []disclosure.Question
	MayManage bool
	Body      string
	Errors    map[string]string
	Message   string
	QErr      map[int64]string
}

func (h *handler) show(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderShow(w, r, rq, http.StatusOK, showData{})
}

func (h *handler) renderShow(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d showData) {
	ctx := r.Context()
	p, err := h.Disclosure.PublicationIn(ctx, rq.Viewer.Scope(disclosure.PermRead), pathID(r, "community"), pathID(r, "pub"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.P = p
	d.MayManage = rq.Viewer.CanAt(disclosure.PermManage, web.UnitPlace(orgtree.Unit{ID: p.CommunityID, CommunityID: p.CommunityID}))
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	// The phone a resident left is for the staff who answer, not for
	// those who only watch.
	if d.Questions, err = h.Disclosure.Questions(ctx, p.CommunityID, p.ID, d.MayManage); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "disclosure", p.ID
	h.tmpl.Render(w, r, status, "show", web.NewPage(rq, p.Item+" "+p.Name(), "disclosure", d))
}

func (h *handler) publish(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	r.ParseForm()
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	body := r.PostFormValue("body")
	p, err := h.Disclosure.Publish(r.Context(), staff(rq, disclosure.PermManage), pathID(r, "community"), pathID(r, "pub"),
		disclosure.PublishDraft{Body: body, Version: version})
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderShow(w, r, rq, http.StatusUnprocessableEntity, showData{Body: body, Errors: fe})
		return
	}
	switch fault.KindOf(err) {
	case fault.Illegal, fault.Conflict:
		h.renderShow(w, r, rq, web.Status(err), showData{Body: body, Message: fault.Message(err)})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "disclosure", p.ID
	h.kit.SetFlash(w, "disc_published")
	http.Redirect(w, r, pubLink(p), http.StatusSeeOther)
}

func (h *handler) answer(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	r.ParseForm()
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	q, err := h.Disclosure.Answer(r.Context(), staff(rq, disclosure.PermManage), pathID(r, "community"), pathID(r, "q"),
		r.PostFormValue("answer"), version)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderShow(w, r, rq, http.StatusUnprocessableEntity, showData{QErr: map[int64]string{pathID(r, "q"): fe["answer"]}})
		return
	}
	if fault.Is(err, fault.Conflict) {
		h.renderShow(w, r, rq, web.Status(err), showData{Message: fault.Message(err)})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "disclosure_question", q.ID
	h.kit.SetFlash(w, "disc_answered")
	http.Redirect(w, r, "/disclosures/"+r.PathValue("community")+"/"+r.PathValue("pub"), http.StatusSeeOther)
}
