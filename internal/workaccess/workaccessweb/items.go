package workaccessweb

import (
	"fmt"
	"net/http"

	"shequ/internal/fault"
	"shequ/internal/web"
	"shequ/internal/workaccess"
)

type itemsData struct {
	Items       []*workaccess.Item
	Filter      workaccess.Filter
	Kinds       []web.Option
	Departments []web.Option
	Statuses    []web.Option
	Counts      map[string]int
	CanManage   bool
	CanApply    bool
	CanInbox    bool // sends work to communities or reads their inbox: the inbox and the burden are one click away
}

func (h *handler) items(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q := r.URL.Query()
	f := workaccess.Filter{Kind: q.Get("kind"), Department: q.Get("department"), Status: q.Get("status")}
	items, err := h.Work.Items(r.Context(), f)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	depts, err := h.kit.DepartmentOptions(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d := itemsData{Items: items, Filter: f, Kinds: options(workaccess.Kinds), Departments: depts,
		Statuses: []web.Option{{Value: workaccess.Admitted, Label: "有效"}, {Value: workaccess.Revoked, Label: "已撤销"}},
		Counts:   map[string]int{}, CanManage: rq.Viewer.Can(workaccess.PermManage), CanApply: rq.Viewer.Can(workaccess.PermApply),
		CanInbox: rq.Viewer.Can(workaccess.PermInbox) || rq.Viewer.Can(workaccess.PermDemand)}
	for _, it := range items {
		d.Counts[it.Kind]++
	}
	h.tmpl.Render(w, r, http.StatusOK, "items", web.NewPage(rq, "社区工作事项清单", "workaccess", d))
}

type itemData struct {
	Item      *workaccess.Item
	CanManage bool
	Errors    map[string]string
	Reason    string
}

func (h *handler) item(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	it, err := h.Work.Item(r.Context(), pathID(r, "item"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.renderItem(w, r, rq, http.StatusOK, itemData{Item: it, CanManage: rq.Viewer.Can(workaccess.PermManage)})
}

func (h *handler) renderItem(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d itemData) {
	h.tmpl.Render(w, r, status, "item", web.NewPage(rq, d.Item.Title, "workaccess", d))
}

type itemFormData struct {
	ID      int64
	Version int
	Terms   termsForm
	Summary []web.ErrItem
	Stale   string
}

func (h *handler) itemForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := workaccess.Draft{Kind: workaccess.Assistance, FundingRule: workaccess.PerOccurrence}
	var id int64
	version := 0
	if r.PathValue("item") != "" {
		it, err := h.Work.Item(r.Context(), pathID(r, "item"))
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		id, version, d = it.ID, it.Version, workaccess.DraftOf(it.Terms)
	}
	h.renderItemForm(w, r, rq, http.StatusOK, id, version, d, nil, "")
}

func (h *handler) renderItemForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, id int64, version int,
	d workaccess.Draft, errs map[string]string, stale string) {
	tf, err := h.termsForm(r, d, errs, nil)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	title := "新增事项"
	if id != 0 {
		title = "修改事项"
	}
	h.tmpl.Render(w, r, status, "item_form", web.NewPage(rq, title, "workaccess",
		itemFormData{ID: id, Version: version, Terms: tf, Summary: web.Summarize(errs, termFields), Stale: stale}))
}

func (h *handler) saveItem(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "item")
	version := web.FormVersion(r)
	d := draftOf(r)
	it, err := h.Work.SaveItem(r.Context(), rq.User.Name, id, version, d)
	switch {
	case fault.FieldsOf(err) != nil:
		h.renderItemForm(w, r, rq, http.StatusUnprocessableEntity, id, version, d, fault.FieldsOf(err), "")
		return
	case fault.Is(err, fault.Conflict):
		h.renderItemForm(w, r, rq, http.StatusConflict, id, version, d, nil, fault.Message(err))
		return
	case err != nil:
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "work_item", it.ID
	h.kit.SetFlash(w, "work_item_saved")
	http.Redirect(w, r, fmt.Sprintf("/work-items/%d", it.ID), http.StatusSeeOther)
}

func (h *handler) revoke(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "item")
	reason := r.PostFormValue("reason")
	err := h.Work.Revoke(r.Context(), rq.User.Name, id, web.FormVersion(r), reason)
	if fe := fault.FieldsOf(err); fe != nil || fault.Is(err, fault.Conflict) {
		it, ierr := h.Work.Item(r.Context(), id)
		if ierr != nil {
			h.kit.Fail(w, r, rq, ierr)
			return
		}
		status := http.StatusUnprocessableEntity
		if fe == nil {
			fe, status = fault.Fields{"reason": fault.Message(err)}, http.StatusConflict
		}
		h.renderItem(w, r, rq, status, itemData{Item: it, CanManage: true, Errors: fe, Reason: reason})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "work_item", id
	h.kit.SetFlash(w, "work_item_revoked")
	http.Redirect(w, r, fmt.Sprintf("/work-items/%d", id), http.StatusSeeOther)
}
