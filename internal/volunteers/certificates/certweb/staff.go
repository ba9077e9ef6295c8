package certweb

import (
	"fmt"
	"net/http"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/volunteers/certificates"
	"shequ/internal/web"
)

type listData struct {
	List     []certificates.Certificate
	Status   string
	Text     string
	Statuses []web.Option
}

func (h *handler) list(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q := r.URL.Query()
	d := listData{Status: q.Get("status"), Text: web.Truncate(q.Get("q"), 40)}
	for _, s := range []string{certificates.StatusRequested, certificates.StatusNotice, certificates.StatusIssued,
		certificates.StatusRefused, certificates.StatusRevoked} {
		d.Statuses = append(d.Statuses, web.Option{Value: s, Label: certificates.StatusNames[s]})
	}
	var err error
	d.List, err = h.Certificates.List(r.Context(), rq.Viewer.Scope(certificates.PermIssue),
		certificates.Filter{Status: d.Status, Text: d.Text})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Rows = len(d.List)
	h.tmpl.Render(w, r, http.StatusOK, "list", web.NewPage(rq, "志愿服务记录证明", "volcert", d))
}

type newData struct {
	F       certificates.RequestForm
	Errors  map[string]string
	Summary []web.ErrItem
}

var requestFields = []string{"volunteer", "from", "to"}

func (h *handler) newForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := certificates.RequestForm{VolunteerNumber: r.URL.Query().Get("volunteer")}
	h.tmpl.Render(w, r, http.StatusOK, "new", web.NewPage(rq, "申请志愿服务记录证明", "volcert", newData{F: f}))
}

func (h *handler) request(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	pf := r.PostFormValue
	f := certificates.RequestForm{VolunteerNumber: pf("volunteer"), From: pf("from"), To: pf("to")}
	c, err := h.Certificates.Request(r.Context(), rq.Viewer, f)
	if fe := fault.FieldsOf(err); fe != nil {
		d := newData{F: f, Errors: fe, Summary: web.Summarize(fe, requestFields)}
		h.tmpl.Render(w, r, http.StatusUnprocessableEntity, "new", web.NewPage(rq, "申请志愿服务记录证明", "volcert", d))
		return
	} else if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "volcert_requested")
	http.Redirect(w, r, fmt.Sprintf("/volunteer-certificates/%d", c.ID), http.StatusSeeOther)
}

type showData struct {
	certificates.Detail
	Today  string
	Error  string            // a refused step, in words
	Errors map[string]string // a field of a step's form
	// Problems summarises Errors; Summary is the certificate's service.
	Problems []web.ErrItem
}

func (h *handler) show(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.render(w, r, rq, http.StatusOK, pathID(r, "id"), "", nil)
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, id int64, msg string,
	fe map[string]string) {
	d, err := h.Certificates.Open(r.Context(), rq.Viewer.Scope(certificates.PermIssue), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	data := showData{Detail: d, Error: msg, Errors: fe}
	if fe != nil {
		data.Problems = web.Summarize(fe, []string{"reason", "answer"})
	}
	h.tmpl.Render(w, r, status, "certificate", web.NewPage(rq, "志愿服务记录证明 · "+d.Holder, "volcert", data))
}

// step answers a step of the certificate page: back to the page with a
// flash, or the page again with the refusal or the field at fault.
func (h *handler) step(w http.ResponseWriter, r *http.Request, rq *web.Request, flash string, err error) {
	id := pathID(r, "id")
	switch {
	case err == nil:
		h.kit.SetFlash(w, flash)
		http.Redirect(w, r, fmt.Sprintf("/volunteer-certificates/%d", id), http.StatusSeeOther)
	case fault.FieldsOf(err) != nil:
		h.render(w, r, rq, http.StatusUnprocessableEntity, id, "", fault.FieldsOf(err))
	case fault.Is(err, fault.Refused), fault.Is(err, fault.Illegal), fault.Is(err, fault.Conflict):
		h.render(w, r, rq, web.Status(err), id, fault.Message(err), nil)
	default:
		h.kit.Fail(w, r, rq, err)
	}
}

func (h *handler) publish(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	_, err := h.Certificates.Publish(r.Context(), rq.Viewer, pathID(r, "id"), web.FormVersion(r))
	h.step(w, r, rq, "volcert_published", err)
}

func (h *handler) issue(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	_, err := h.Certificates.Issue(r.Context(), rq.Viewer, pathID(r, "id"), web.FormVersion(r))
	h.step(w, r, rq, "volcert_issued", err)
}

func (h *handler) refuse(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	_, err := h.Certificates.Refuse(r.Context(), rq.Viewer, pathID(r, "id"), web.FormVersion(r), r.PostFormValue("reason"))
	h.step(w, r, rq, "volcert_refused", err)
}

func (h *handler) revoke(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	_, err := h.Certificates.Revoke(r.Context(), rq.Viewer, pathID(r, "id"), web.FormVersion(r), r.PostFormValue("reason"))
	h.step(w, r, rq, "volcert_revoked", err)
}

func (h *handler) decide(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	uphold := r.PostFormValue("decision") == "uphold"
	_, err := h.Certificates.Decide(r.Context(), rq.Viewer, pathID(r, "id"), web.FormVersion(r), pathID(r, "objection"),
		uphold, r.PostFormValue("answer"))
	h.step(w, r, rq, "volcert_decided", err)
}

// pdf sends the issued certificate; the download is an audited export.
func (h *handler) pdf(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d, err := h.Certificates.Open(r.Context(), rq.Viewer.Scope(certificates.PermIssue), pathID(r, "id"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	doc, err := h.Certificates.PDF(d)
	if fault.Is(err, fault.Illegal) {
		h.render(w, r, rq, http.StatusConflict, d.ID, fault.Message(err), nil)
		return
	} else if err != nil {
		h.kit.PDFFail(w, r, rq, err)
		return
	}
	body, err := doc.Bytes()
	if err != nil {
		h.kit.PDFFail(w, r, rq, err)
		return
	}
	h.kit.SendPDF(w, r, rq, web.PDF{Route: "GET /volunteer-certificates/{id}/pdf", Entity: "volunteer_certificate",
		ID: d.ID, Community: d.CommunityID, Rows: 1, Detail: d.Number, Filename: "volunteer-certificate-" +
			strconv.FormatInt(d.ID, 10) + ".pdf", Body: body})
}
