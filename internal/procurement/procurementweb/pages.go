package procurementweb

import (
	"net/http"
	"strings"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/procurement"
	"shequ/internal/web"
	"shequ/internal/workdays"
)

// local writes a stored time as China's "2006-01-02 15:04".
func local(stored string) string {
	if stored == "" {
		return ""
	}
	return database.ParseTime(stored).In(workdays.Shanghai).Format("2006-01-02 15:04")
}

type listData struct {
	Unit     orgtree.Unit
	Stage    string
	Projects []procurement.Project
	Counts   map[string]int
	Manage   bool
}

func (h *handler) list(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq, procurement.PermRead)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	st := staff(rq, procurement.PermRead)
	all, err := h.Projects.List(r.Context(), st, u.ID, "")
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := listData{Unit: u, Stage: r.URL.Query().Get("stage"), Counts: map[string]int{},
		Manage: staff(rq, procurement.PermManage).May(u.ID)}
	for _, p := range all {
		d.Counts[p.Stage]++
		if d.Stage == "" || p.Stage == d.Stage {
			d.Projects = append(d.Projects, p)
		}
	}
	h.tmpl.Render(w, r, http.StatusOK, "projects", web.NewPage(rq, u.Name+" 政府购买服务", "procurement", d))
}

type newData struct {
	Unit      orgtree.Unit
	Draft     procurement.Draft
	Budget    string
	Matters   []procurement.Source
	WorkItems []procurement.Source
	Errors    map[string]string
}

func (h *handler) newForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := procurement.Draft{}
	if id, ok := parseID(r.URL.Query().Get("matter")); ok {
		d.MatterID = id
	}
	h.renderNew(w, r, rq, http.StatusOK, newData{Draft: d})
}

func parseID(s string) (int64, bool) {
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' || n > 1e17 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, n > 0
}

func (h *handler) renderNew(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d newData) {
	u, ok := h.community(r, rq, procurement.PermManage)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	d.Unit = u
	var err error
	if d.Matters, err = h.Projects.Matters(r.Context(), u.ID); err == nil {
		d.WorkItems, err = h.Projects.WorkItems(r.Context())
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	h.tmpl.Render(w, r, status, "project_new", web.NewPage(rq, "购买服务立项", "procurement", d))
}

func (h *handler) create(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq, procurement.PermManage)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	d := procurement.Draft{Title: r.PostFormValue("title"), Category: r.PostFormValue("category"),
		Goals: r.PostFormValue("goals"), Terms: r.PostFormValue("terms"), BudgetFen: formFen(r, "budget")}
	// One select names the source: "m<id>" a decision, "w<id>" a catalogue item.
	src := r.PostFormValue("source")
	if id, ok := parseID(strings.TrimPrefix(src, "m")); ok && strings.HasPrefix(src, "m") {
		d.MatterID = id
	} else if id, ok := parseID(strings.TrimPrefix(src, "w")); ok && strings.HasPrefix(src, "w") {
		d.WorkItemID = id
	}
	p, err := h.Projects.Create(r.Context(), staff(rq, procurement.PermManage), u.ID, d)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderNew(w, r, rq, http.StatusUnprocessableEntity, newData{Draft: d, Budget: r.PostFormValue("budget"), Errors: fe})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "project_saved")
	http.Redirect(w, r, "/projects/"+itoa(p.ID), http.StatusSeeOther)
}

type pageData struct {
	Unit       orgtree.Unit
	P          procurement.Project
	Ev         procurement.Evaluation
	Milestones []procurement.Milestone
	Payments   []procurement.Payment
	Funds      []procurement.FundChoice // what the payment form offers to pay from
	PaidFen    int64
	Bidders    []procurement.Bidder
	Who        string
	Matches    []procurement.Candidate
	Manage     bool
	Today      string
	Form       map[string]string // the posted form, when it comes back with errors
	Errors     map[string]string
}

func (h *handler) page(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderPage(w, r, rq, http.StatusOK, nil, nil)
}

// renderPage shows a project; errs and the posted form when a stage's
// form was refused at a field.
func (h *handler) renderPage(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, errs map[string]string, form map[string]string) {
	ctx := r.Context()
	st := staff(rq, procurement.PermRead)
	p, err := h.Projects.Project(ctx, st, pathID(r, "project"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := pageData{P: p, Manage: staff(rq, procurement.PermManage).May(p.CommunityID), Errors: errs, Form: form,
		Who: r.URL.Query().Get("who"), Today: h.Projects.Now().In(workdays.Shanghai).Format(database.DateLayout)}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if d.Form == nil {
		d.Form = map[string]string{}
	}
	if d.Unit, err = h.kit.Org.Get(ctx, p.CommunityID); err == nil {
		if d.Ev, err = h.Projects.Evaluate(ctx, st, p.ID); err == nil {
			if d.Milestones, err = h.Projects.Milestones(ctx, p.ID); err == nil {
				d.Payments, err = h.Projects.Payments(ctx, p.ID)
			}
		}
	}
	if err == nil && d.Manage && p.Stage == "tender" {
		var cs []orgtree.Unit
		if cs, err = h.kit.Org.CommunitiesUnder(ctx, d.Unit.ParentID); err == nil {
			ids := []int64{p.CommunityID}
			for _, c := range cs {
				if c.ID != p.CommunityID {
					ids = append(ids, c.ID)
				}
			}
			d.Bidders, err = h.Projects.Bidders(ctx, ids)
		}
	}
	if err == nil && d.Manage && p.Stage == "contract" {
		d.Funds, err = h.Projects.PayableFunds(ctx, p.CommunityID, h.Projects.Now().In(workdays.Shanghai).Year())
	}
	if err == nil && d.Manage && d.Who != "" {
		d.Matches, err = h.Projects.FindPersons(ctx, staff(rq, procurement.PermManage), p.CommunityID, d.Who)
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, y := range d.Payments {
		d.PaidFen += y.AmountFen
	}
	h.tmpl.Render(w, r, status, "project", web.NewPage(rq, p.Title, "procurement", d))
}
