// Package datareqweb serves departments' data requests (一表通): the form,
// the cost shown before submitting, and the request page with the
// subscription's download.
package datareqweb

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/datareq"
	"shequ/internal/fault"
	"shequ/internal/indicators"
	"shequ/internal/sheets"
	"shequ/internal/web"
	"shequ/internal/workaccess"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the pages need besides the kit.
type Deps struct {
	Data *datareq.Service
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the pages. Data requests are the departments' (and the
// review group's): the same permission as applying for work.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, template.FuncMap{"yuan": workaccess.Yuan,
		"hours": workaccess.Hours, "review": datareq.ReviewName})}
	k.AddFlashes(map[string]string{"data_request_sent": "数据需求已提交"})
	apply := access.Rule{Perm: workaccess.PermApply}
	k.Handle(rt, "GET /data-requests", apply, h.list)
	k.Handle(rt, "GET /data-requests/new", apply, h.form)
	k.Handle(rt, "POST /data-requests/new", apply, h.submit)
	k.Handle(rt, "GET /data-requests/{request}", apply, h.request)
	k.Handle(rt, "GET /data-requests/{request}/download", apply, h.download)
}

// departments are those v asks for: nil (any) for the review group.
func departments(v *access.Viewer) []string {
	if v.Can(workaccess.PermManage) {
		return nil
	}
	out := []string{}
	for d := range v.DepartmentScopes(workaccess.PermApply) {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// draftOf reads the form; the unit must lie where v acts for the department.
func draftOf(r *http.Request, v *access.Viewer) datareq.Draft {
	f := r.PostFormValue
	d := datareq.Draft{Department: f("department"), Title: f("title"), Unit: f("unit"), Period: f("period"),
		Lines: f("lines"), FundYuan: f("fund_yuan"), LegalBasis: f("legal_basis"), StartsOn: f("starts_on"),
		SheetTitle: f("sheet_title"), HeadCode: f("head_code"), HeadItem: f("head_item"), HeadValue: f("head_value"),
		HeadNote: f("head_note")}
	if !v.Can(workaccess.PermManage) {
		scope := v.DepartmentScopes(workaccess.PermApply)[d.Department]
		d.Within = scope.Contains
	}
	return d
}

var fields = []string{"department", "title", "unit", "period", "lines", "fund_yuan", "legal_basis", "starts_on",
	"sheet_title", "head_code", "head_item", "head_value", "head_note"}

type formData struct {
	D           datareq.Draft
	Departments []web.Option
	Cost        *datareq.Cost
	Errors      map[string]string
	Summary     []web.ErrItem
}

func (h *handler) form(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := datareq.Draft{}
	if ds := departments(rq.Viewer); len(ds) == 1 {
		d.Department = ds[0]
	}
	h.render(w, r, rq, http.StatusOK, formData{D: d})
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, fd formData) {
	all, err := h.kit.DepartmentOptions(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	only := departments(rq.Viewer)
	for _, o := range all {
		if only == nil || slices.Contains(only, o.Value) {
			fd.Departments = append(fd.Departments, o)
		}
	}
	fd.Summary = web.Summarize(fd.Errors, fields)
	h.tmpl.Render(w, r, status, "datareq_form", web.NewPage(rq, "新的数据需求", "workaccess", fd))
}

// submit shows the cost (预估) or, once seen, submits the request.
func (h *handler) submit(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := draftOf(r, rq.Viewer)
	if r.PostFormValue("action") != "submit" {
		cost, err := h.Data.Preview(r.Context(), d)
		if fe := fault.FieldsOf(err); fe != nil {
			h.render(w, r, rq, http.StatusUnprocessableEntity, formData{D: d, Errors: fe})
			return
		}
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		h.render(w, r, rq, http.StatusOK, formData{D: d, Cost: &cost})
		return
	}
	req, err := h.Data.Submit(r.Context(), rq.User.Name, departments(rq.Viewer), d)
	if fe := fault.FieldsOf(err); fe != nil {
		h.render(w, r, rq, http.StatusUnprocessableEntity, formData{D: d, Errors: fe})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "data_request", req.ID
	h.kit.SetFlash(w, "data_request_sent")
	http.Redirect(w, r, fmt.Sprintf("/data-requests/%d", req.ID), http.StatusSeeOther)
}

// list is the viewer's departments' data requests, each a way back to its
// subscription.
func (h *handler) list(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	list, err := h.Data.List(r.Context(), departments(rq.Viewer))
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "datareq_list", web.NewPage(rq, "数据需求", "workaccess", list))
}

func pathID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("request"), 10, 64)
	return id
}

// requestPage is a data request with the periods its subscription has
// been received for.
type requestPage struct {
	*datareq.Request
	Periods []indicators.Period
}

func (h *handler) request(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	req, err := h.Data.Own(r.Context(), departments(rq.Viewer), pathID(r))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "data_request", req.ID
	h.tmpl.Render(w, r, http.StatusOK, "datareq_request", web.NewPage(rq, req.Title, "workaccess",
		requestPage{Request: req, Periods: h.Data.Periods(req)}))
}

// download is the subscription of one period, xlsx (the default) or csv.
func (h *handler) download(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	var buf bytes.Buffer
	period, format := r.URL.Query().Get("period"), r.URL.Query().Get("format")
	if format == "" {
		format = "xlsx"
	}
	n, err := h.Data.Download(r.Context(), departments(rq.Viewer), pathID(r), period, format, &buf)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID, rq.Audit.Rows, rq.Audit.Detail = "data_request", pathID(r), n, period+" "+format
	w.Header().Set("Content-Type", sheets.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="data.`+format+`"; filename*=UTF-8''`+
		url.PathEscape("数据需求-"+period+"."+format))
	w.Write(buf.Bytes())
}
