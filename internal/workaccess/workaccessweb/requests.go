package workaccessweb

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/web"
	"shequ/internal/workaccess"
)

type requestsData struct {
	Requests  []*workaccess.Request
	Status    string
	Late      int
	CanManage bool
	CanApply  bool
	Settings  workaccess.Settings
	Lead      string // as typed, when refused
	Review    string
	Errors    map[string]string
}

// requests lists the requests the caller handles: all for the review
// group, its departments' for a department; pending first by deadline,
// the late ones flagged.
func (h *handler) requests(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderRequests(w, r, rq, http.StatusOK, requestsData{})
}

func (h *handler) renderRequests(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d requestsData) {
	d.Status = r.URL.Query().Get("status")
	if d.Status == "" {
		d.Status = workaccess.Pending
	}
	rs, err := h.Work.Requests(r.Context(), workaccess.RequestFilter{Status: d.Status, Departments: applyDepartments(rq.Viewer)})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.Settings, err = h.Work.Settings(r.Context()); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.Errors == nil {
		d.Lead, d.Review = strconv.Itoa(d.Settings.LeadWorkdays), strconv.Itoa(d.Settings.ReviewWorkdays)
	}
	d.Requests, d.CanManage, d.CanApply = rs, rq.Viewer.Can(workaccess.PermManage), rq.Viewer.Can(workaccess.PermApply)
	for _, x := range rs {
		if x.Late && x.Status == workaccess.Pending {
			d.Late++
		}
	}
	h.tmpl.Render(w, r, status, "requests", web.NewPage(rq, "准入申请", "workaccess", d))
}

// settings changes the two clocks; requests already received keep theirs.
func (h *handler) settings(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	lead, review := r.PostFormValue("lead_workdays"), r.PostFormValue("review_workdays")
	st := workaccess.Settings{LeadWorkdays: -1, ReviewWorkdays: -1}
	if n, err := strconv.Atoi(strings.TrimSpace(lead)); err == nil {
		st.LeadWorkdays = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(review)); err == nil {
		st.ReviewWorkdays = n
	}
	err := h.Work.SetSettings(r.Context(), st)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderRequests(w, r, rq, http.StatusUnprocessableEntity, requestsData{Lead: lead, Review: review, Errors: fe})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "work_settings_saved")
	http.Redirect(w, r, "/work-requests", http.StatusSeeOther)
}

// decisions is the public record of the review group's decisions, for
// every community.
func (h *handler) decisions(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	rs, err := h.Work.Requests(r.Context(), workaccess.RequestFilter{Status: "decided"})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "decisions", web.NewPage(rq, "准入审查决定公开", "workaccess", rs))
}

type requestFormData struct {
	Terms    termsForm
	StartsOn string
	Earliest string
	Due      string
	Summary  []web.ErrItem
}

func (h *handler) requestForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := workaccess.Draft{Kind: workaccess.Assistance, FundingRule: workaccess.PerOccurrence}
	if ds := applyDepartments(rq.Viewer); len(ds) == 1 {
		d.Department = ds[0]
	}
	h.renderRequestForm(w, r, rq, http.StatusOK, d, "", nil)
}

func (h *handler) renderRequestForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d workaccess.Draft,
	startsOn string, errs map[string]string) {
	tf, err := h.termsForm(r, d, errs, applyDepartments(rq.Viewer))
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	earliest, due, err := h.Work.Clocks(r.Context(), h.Work.Now())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.ValidFrom == "" {
		tf.D.ValidFrom = earliest
	}
	h.tmpl.Render(w, r, status, "request_form", web.NewPage(rq, "申请社区工作准入", "workaccess", requestFormData{Terms: tf,
		StartsOn: startsOn, Earliest: earliest, Due: due, Summary: web.Summarize(errs, append(termFields, "starts_on"))}))
}

func (h *handler) submit(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := draftOf(r)
	startsOn := r.PostFormValue("starts_on")
	req, err := h.Work.Submit(r.Context(), rq.User.Name, applyDepartments(rq.Viewer), d, startsOn)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderRequestForm(w, r, rq, http.StatusUnprocessableEntity, d, startsOn, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "work_request", req.ID
	h.kit.SetFlash(w, "work_request_sent")
	http.Redirect(w, r, fmt.Sprintf("/work-requests/%d", req.ID), http.StatusSeeOther)
}

type requestData struct {
	R         *workaccess.Request
	CanDecide bool
	Outcome   string
	Reasons   string
	Changed   termsForm
	Summary   []web.ErrItem
	Errors    map[string]string
}

// request shows one request: to its department and the review group
// always, to everyone else once decided.
func (h *handler) request(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	req, err := h.Work.Request(r.Context(), pathID(r, "request"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if ds := applyDepartments(rq.Viewer); req.Status == workaccess.Pending && ds != nil && !slices.Contains(ds, req.Department) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	h.renderRequest(w, r, rq, http.StatusOK, req, requestData{}, workaccess.DraftOf(req.Terms))
}

func (h *handler) renderRequest(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, req *workaccess.Request,
	d requestData, changed workaccess.Draft) {
	d.R = req
	d.CanDecide = req.Status == workaccess.Pending && rq.Viewer.Can(workaccess.PermManage)
	if d.CanDecide {
		tf, err := h.termsForm(r, changed, d.Errors, nil)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		d.Changed = tf
		d.Summary = web.Summarize(d.Errors, append([]string{"outcome", "reasons"}, termFields...))
	}
	h.tmpl.Render(w, r, status, "request", web.NewPage(rq, req.Title, "workaccess", d))
}

func (h *handler) decide(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "request")
	dec := workaccess.Decision{Outcome: r.PostFormValue("outcome"), Reasons: r.PostFormValue("reasons"), Changed: draftOf(r)}
	_, err := h.Work.Decide(r.Context(), rq.User.Name, id, web.FormVersion(r), dec)
	if fe := fault.FieldsOf(err); fe != nil || fault.Is(err, fault.Conflict) {
		req, rerr := h.Work.Request(r.Context(), id)
		if rerr != nil {
			h.kit.Fail(w, r, rq, rerr)
			return
		}
		status := http.StatusUnprocessableEntity
		if fe == nil {
			fe, status = fault.Fields{"outcome": fault.Message(err)}, http.StatusConflict
		}
		h.renderRequest(w, r, rq, status, req, requestData{Outcome: dec.Outcome, Reasons: dec.Reasons, Errors: fe}, dec.Changed)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "work_request", id
	h.kit.SetFlash(w, "work_request_decided")
	http.Redirect(w, r, fmt.Sprintf("/work-requests/%d", id), http.StatusSeeOther)
}
