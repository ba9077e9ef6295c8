package reportsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/web"
)

// sectionAdd adds a 大类 (no parent) or a 小类 under the 大类 parent.
func (h *handler) sectionAdd(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	parent, _ := strconv.ParseInt(r.PostFormValue("parent"), 10, 64)
	name := r.PostFormValue("name")
	_, sec, err := h.Reports.AddSection(r.Context(), rq.Actor.Name, t.ID, web.FormVersion(r), parent, name)
	show := int64(0)
	if sec != nil {
		show = sec.ID
	}
	h.templateChanged(w, r, rq, t, err, templatePageData{Form: "add", At: parent, Name: name}, "section_added", show)
}

// sectionRename changes the name of a 大类 or 小类.
func (h *handler) sectionRename(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	sid, _ := web.PathInt(r, "sid")
	name := r.PostFormValue("name")
	_, err := h.Reports.RenameSection(r.Context(), rq.Actor.Name, t.ID, web.FormVersion(r), sid, name)
	h.templateChanged(w, r, rq, t, err, templatePageData{Form: "rename", At: sid, Name: name}, "section_saved", sid)
}

// sectionMove moves a 大类 or 小类 up (step -1) or down (step 1).
func (h *handler) sectionMove(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	step := 1
	if r.PostFormValue("step") == "-1" {
		step = -1
	}
	sid, _ := web.PathInt(r, "sid")
	_, err := h.Reports.MoveSection(r.Context(), rq.Actor.Name, t.ID, web.FormVersion(r), sid, step)
	h.templateChanged(w, r, rq, t, err, templatePageData{At: sid}, "section_moved", sid)
}

// sectionDelete removes an empty 大类 or 小类.
func (h *handler) sectionDelete(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	sid, _ := web.PathInt(r, "sid")
	_, err := h.Reports.DeleteSection(r.Context(), rq.Actor.Name, t.ID, web.FormVersion(r), sid)
	h.templateChanged(w, r, rq, t, err, templatePageData{At: sid}, "section_deleted", categoryOf(t, sid))
}

// itemDelete removes an item, from the template's page.
func (h *handler) itemDelete(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	iid, _ := web.PathInt(r, "iid")
	err := h.Reports.DeleteItem(r.Context(), rq.Actor.Name, t.ID, web.FormVersion(r), iid)
	h.templateChanged(w, r, rq, t, err, templatePageData{At: iid}, "item_deleted", categoryOf(t, iid))
}
