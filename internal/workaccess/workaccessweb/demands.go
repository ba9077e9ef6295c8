package workaccessweb

import (
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/web"
	"shequ/internal/workaccess"
)

type demandsData struct {
	Demands []*workaccess.Demand
	Status  string
	CanSend bool
	// Answerable are the demands the viewer's community may answer;
	// Completable those it accepted and may mark done.
	Answerable  map[int64]bool
	Completable map[int64]bool
	Errors      map[int64]string // a refusal refused, by demand
	Reasons     map[int64]string
}

// demands is the inbox: a community's own, the street's communities', a
// department's sent work with the answers.
func (h *handler) demands(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderDemands(w, r, rq, http.StatusOK, demandsData{})
}

func (h *handler) renderDemands(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d demandsData) {
	d.Status = r.URL.Query().Get("status")
	ds, err := h.Work.Demands(r.Context(), rq.Viewer, d.Status)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Demands, d.CanSend, d.Answerable, d.Completable = ds, rq.Viewer.Can(workaccess.PermDemand), map[int64]bool{}, map[int64]bool{}
	for _, x := range ds {
		if !rq.Viewer.CanAt(workaccess.PermAnswer, access.Place{Community: x.CommunityID}) {
			continue
		}
		d.Answerable[x.ID] = x.Status == workaccess.Open
		d.Completable[x.ID] = x.Status == workaccess.Accepted
	}
	h.tmpl.Render(w, r, status, "demands", web.NewPage(rq, "社区收件箱", "workaccess", d))
}

// answer accepts or refuses a demand; a refusal that needs a reason and
// has none comes back at the field.
func (h *handler) answer(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "demand")
	refuse := r.PostFormValue("answer") == "refuse"
	reason := r.PostFormValue("reason")
	_, err := h.Work.Answer(r.Context(), rq.Viewer, id, web.FormVersion(r), refuse, reason)
	if fe := fault.FieldsOf(err); fe != nil || fault.Is(err, fault.Conflict) {
		status := http.StatusUnprocessableEntity
		msg := fe["reason"]
		if fe == nil {
			msg, status = fault.Message(err), http.StatusConflict
		}
		h.renderDemands(w, r, rq, status, demandsData{Errors: map[int64]string{id: msg}, Reasons: map[int64]string{id: reason}})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "demand", id
	h.kit.SetFlash(w, "demand_answered")
	http.Redirect(w, r, "/demands", http.StatusSeeOther)
}

// complete marks accepted work done at the version the page showed; work
// changed meanwhile comes back as a conflict at the demand.
func (h *handler) complete(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "demand")
	_, err := h.Work.Complete(r.Context(), rq.Viewer, id, web.FormVersion(r))
	if k := fault.KindOf(err); k == fault.Conflict || k == fault.Illegal {
		h.renderDemands(w, r, rq, web.Status(err), demandsData{Errors: map[int64]string{id: fault.Message(err)}})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "demand", id
	h.kit.SetFlash(w, "demand_done")
	http.Redirect(w, r, "/demands?status=done", http.StatusSeeOther)
}

type demandFormData struct {
	D           workaccess.DemandDraft
	Kinds       []web.Option
	Departments []web.Option
	Communities []web.Option
	Items       []web.Option
	Errors      map[string]string
	Summary     []web.ErrItem
}

var demandFields = []string{"kind", "title", "department", "community_id", "due_on", "work_item_id"}

func (h *handler) demandForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := workaccess.DemandDraft{Kind: "campaign"}
	if ds := applyDepartments(rq.Viewer); len(ds) == 1 {
		d.Department = ds[0]
	}
	h.renderDemandForm(w, r, rq, http.StatusOK, d, nil)
}

func (h *handler) renderDemandForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d workaccess.DemandDraft,
	errs map[string]string) {
	fd := demandFormData{D: d, Kinds: options(workaccess.DemandKinds), Errors: errs, Summary: web.Summarize(errs, demandFields)}
	depts, err := h.kit.DepartmentOptions(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	own := rq.Viewer.DepartmentScopes(workaccess.PermDemand)
	if len(own) == 0 {
		fd.Departments = append(fd.Departments, web.Option{Value: "", Label: "街道"})
	}
	for _, o := range depts {
		if _, ok := own[o.Value]; ok || len(own) == 0 {
			fd.Departments = append(fd.Departments, o)
		}
	}
	cs, err := h.Work.SendTo(r.Context(), rq.Viewer)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, c := range cs {
		fd.Communities = append(fd.Communities, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
	}
	items, err := h.Work.Items(r.Context(), workaccess.Filter{Status: workaccess.Admitted})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, it := range items {
		fd.Items = append(fd.Items, web.Option{Value: strconv.FormatInt(it.ID, 10),
			Label: workaccess.KindName(it.Kind) + " · " + it.DepartmentName + " · " + it.Title})
	}
	h.tmpl.Render(w, r, status, "demand_form", web.NewPage(rq, "向社区派发工作", "workaccess", fd))
}

func (h *handler) send(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := r.PostFormValue
	community, _ := strconv.ParseInt(strings.TrimSpace(f("community_id")), 10, 64)
	item, _ := strconv.ParseInt(strings.TrimSpace(f("work_item_id")), 10, 64)
	d := workaccess.DemandDraft{Kind: f("kind"), Title: f("title"), Department: f("department"), DueOn: f("due_on"),
		CommunityID: community, WorkItemID: item}
	m, err := h.Work.Send(r.Context(), rq.Viewer, d)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderDemandForm(w, r, rq, http.StatusUnprocessableEntity, d, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "demand", m.ID
	h.kit.SetFlash(w, "demand_sent")
	http.Redirect(w, r, "/demands", http.StatusSeeOther)
}
