package reportsweb

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/reports"
	"shequ/internal/web"
)

type itemFormData struct {
	T       *reports.Template
	Item    reports.Item
	Section int64
	SubName string
	New     bool
	Errors  map[string]string
	Depts   []reports.Department
	Def     string
	Notice  string
}

// templateItem finds an item (and its 小类) of a template by the path.
func templateItem(t *reports.Template, itemID, sectionID int64) (*reports.Item, *reports.Section) {
	for _, c := range t.Sections {
		for _, sub := range c.Subs {
			if sub.ID == sectionID {
				return nil, sub
			}
			for _, it := range sub.Items {
				if it.ID == itemID {
					return it, sub
				}
			}
		}
	}
	return nil, nil
}

// itemForm shows the editor of one item of a template (or of a new item
// of a 小类).
func (h *handler) itemForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	iid, _ := web.PathInt(r, "iid")
	sid, _ := web.PathInt(r, "sid")
	it, sub := templateItem(t, iid, sid)
	if sub == nil {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	d := itemFormData{T: t, Section: sub.ID, SubName: sub.Name, New: it == nil}
	if it != nil {
		d.Item = *it
	} else {
		d.Item.Frequency = t.Frequency
	}
	h.renderItem(w, r, rq, d, http.StatusOK)
}

func (h *handler) renderItem(w http.ResponseWriter, r *http.Request, rq *web.Request, d itemFormData, status int) {
	var err error
	if d.Depts, err = h.Reports.Departments(r.Context()); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if ind, err := h.Reports.Indicator(r.Context(), d.Item.Indicator); err == nil {
		if reg, err := h.Reports.Registry(r.Context()); err == nil {
			d.Def = ind.Name + ":" + ind.Definition(reg)
		}
	}
	h.tmpl.Render(w, r, status, "reports_item_form", web.NewPage(rq, d.T.Name+" 报表项", "reports", d))
}

// itemSave changes or adds an item.
func (h *handler) itemSave(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	iid, _ := web.PathInt(r, "iid")
	sid, _ := web.PathInt(r, "sid")
	it, sub := templateItem(t, iid, sid)
	if sub == nil {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	f := r.PostFormValue
	version := web.FormVersion(r)
	item := reports.Item{Label: strings.TrimSpace(f("label")), Indicator: strings.TrimSpace(f("indicator")),
		Department: f("department"), Frequency: f("frequency"), Cell: f("cell")}
	if it != nil {
		item.ID = it.ID
	}
	d := itemFormData{T: t, Section: sub.ID, SubName: sub.Name, New: it == nil, Item: item}
	var err error
	if r.PostFormValue("action") == "delete" && it != nil {
		err = h.Reports.DeleteItem(ctx, rq.Actor.Name, t.ID, version, it.ID)
	} else {
		_, err = h.Reports.SaveItem(ctx, rq.Actor.Name, t.ID, version, sub.ID, item)
	}
	var ce *reports.ConflictError
	if fe := fault.FieldsOf(err); fe != nil {
		// The service keys a field by the item's place in the template (items.3.cell).
		d.Errors = map[string]string{}
		for k, v := range fe {
			d.Errors[k[strings.LastIndex(k, ".")+1:]] = v
		}
		d.T.Version = version
		h.renderItem(w, r, rq, d, http.StatusUnprocessableEntity)
		return
	}
	if errors.As(err, &ce) {
		d.Notice = ce.Error()
		h.renderItem(w, r, rq, d, http.StatusConflict)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, fmt.Sprintf("/reports/templates/%d?open=%d#s-%d", t.ID, sub.ID, sub.ID), http.StatusSeeOther)
}
