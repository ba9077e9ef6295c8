package disclosureweb

import (
	"net/http"
	"strconv"

	"shequ/internal/disclosure"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

type itemsData struct {
	Unit      orgtree.Unit
	Items     []disclosure.Item
	MayManage bool
}

func (h *handler) items(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, err := h.community(r, rq.Viewer.Scope(disclosure.PermRead), r.URL.Query().Get("org"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := itemsData{Unit: u, MayManage: rq.Viewer.CanAt(disclosure.PermManage, web.UnitPlace(u))}
	if d.Items, err = h.Disclosure.Catalogue(r.Context(), u.ID); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "items", web.NewPage(rq, u.Name+" 居务公开目录", "disclosure", d))
}

var itemFields = []string{"category", "item", "content", "basis", "rule", "days", "responsible", "channel", "computed", "starts_on", "sort"}

type itemData struct {
	ID      int64
	Unit    orgtree.Unit
	D       disclosure.ItemDraft
	Sample  bool
	Errors  map[string]string
	Summary []web.ErrItem
	Message string
}

func (h *handler) itemForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := itemData{ID: pathID(r, "item"), Errors: map[string]string{}}
	org := r.URL.Query().Get("org")
	if d.ID != 0 {
		it, err := h.Disclosure.Item(r.Context(), d.ID)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		d.D, d.Sample, org = disclosure.DraftOf(it), it.Sample, strconv.FormatInt(it.CommunityID, 10)
	} else {
		d.D = disclosure.ItemDraft{Rule: disclosure.RuleMonthly, Active: true, StartsOn: h.today()}
	}
	h.renderItem(w, r, rq, http.StatusOK, org, d)
}

func (h *handler) today() string { return h.Disclosure.Today() }

func (h *handler) renderItem(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, org string, d itemData) {
	if org != "0" {
		u, err := h.community(r, rq.Viewer.Scope(disclosure.PermManage), org)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		d.Unit, d.D.CommunityID = u, u.ID
	} else if !rq.Viewer.Scope(disclosure.PermManage).Whole() {
		h.kit.Fail(w, r, rq, disclosure.ErrNoItem) // the sample is the administrator's
		return
	}
	if len(d.Errors) > 0 {
		d.Summary = web.Summarize(d.Errors, itemFields)
	}
	title := "新增公开事项"
	if d.ID != 0 {
		title = "修改公开事项:" + d.D.Item
	}
	h.tmpl.Render(w, r, status, "item", web.NewPage(rq, title, "disclosure", d))
}

func (h *handler) saveItem(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	r.ParseForm()
	v := r.PostFormValue
	version, _ := strconv.Atoi(v("version"))
	community, _ := strconv.ParseInt(v("org"), 10, 64)
	dr := disclosure.ItemDraft{CommunityID: community, Category: v("category"), Item: v("item"), Content: v("content"),
		Basis: v("basis"), Rule: v("rule"), Days: v("days"), Responsible: v("responsible"), Channel: v("channel"),
		Computed: v("computed"), StartsOn: v("starts_on"), SortText: v("sort"), Active: v("active") == "1", Version: version}
	id := pathID(r, "item")
	it, err := h.Disclosure.SaveItem(r.Context(), staff(rq, disclosure.PermManage), id, dr)
	d := itemData{ID: id, D: dr, Errors: map[string]string{}}
	if fe := fault.FieldsOf(err); fe != nil {
		d.Errors = fe
		h.renderItem(w, r, rq, http.StatusUnprocessableEntity, v("org"), d)
		return
	}
	if fault.Is(err, fault.Conflict) {
		d.Message = fault.Message(err)
		h.renderItem(w, r, rq, http.StatusConflict, v("org"), d)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "disclosure_item", it.ID
	h.kit.SetFlash(w, "disc_item_saved")
	http.Redirect(w, r, "/disclosure-items?org="+strconv.FormatInt(community, 10), http.StatusSeeOther)
}
