package hallweb

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/services"
	"shequ/internal/web"
)

// The catalogue of service items (服务事项目录) for staff: every item with
// its conditions, materials, handling chain and time limits, and the edit
// form for those who keep the catalogue (services.manage). Edits send the
// version they read; a stale save is refused with who changed the item.

func (h *pages) catalogueRoutes(rt *web.Routes) {
	read := access.Rule{Perm: services.PermRead}
	manage := access.Rule{Perm: services.PermManage}
	h.kit.Handle(rt, "GET /services/items", read, h.catalogue)
	h.kit.Handle(rt, "GET /services/items/new", manage, h.newItemForm)
	h.kit.Handle(rt, "POST /services/items/new", manage, h.saveItem(true))
	h.kit.Handle(rt, "GET /services/items/{code}", read, h.catalogueItem)
	h.kit.Handle(rt, "GET /services/items/{code}/edit", manage, h.editItemForm)
	h.kit.Handle(rt, "POST /services/items/{code}/edit", manage, h.saveItem(false))
}

type catalogueData struct {
	Groups    []services.Category
	CanManage bool
}

func (h *pages) catalogue(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	canManage := rq.Viewer.Can(services.PermManage)
	items, err := h.svc.Items(r.Context(), canManage)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "services_catalogue", web.NewPage(rq, "服务事项", "services",
		catalogueData{Groups: services.Categories(items), CanManage: canManage}))
}

type itemData struct {
	It        services.Item
	CanManage bool
	Template  string // the name of the certificate it issues
	Grants    string // the name of the register tag approval gives
}

func (h *pages) catalogueItem(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	it, err := h.svc.Item(r.Context(), r.PathValue("code"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := itemData{It: it, CanManage: rq.Viewer.Can(services.PermManage)}
	if !it.Active && !d.CanManage {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if it.Certificate != "" {
		ts, err := h.svc.Templates(r.Context())
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		for _, t := range ts {
			if t.Code == it.Certificate {
				d.Template = t.Name
			}
		}
	}
	if it.GrantsTag != "" {
		kinds, err := h.svc.GrantableTags(r.Context())
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		for _, k := range kinds {
			if k.Code == it.GrantsTag {
				d.Grants = k.Name
			}
		}
	}
	h.tmpl.Render(w, r, http.StatusOK, "services_item", web.NewPage(rq, it.Name, "services", d))
}

// materialRow and stageRow are the editable rows of the item form; the
// form always offers a few empty rows to add to the lists.
type materialRow struct {
	services.Material
	Remove bool
}

type stageRow struct {
	services.Stage
	Days string
}

type itemForm struct {
	New       bool
	It        services.Item
	Materials []materialRow
	Stages    []stageRow
	TimeLimit string
	Sort      string
	Errors    fault.Fields
	Summary   []web.ErrItem
	Conflict  string
	Yours     []fieldView // what the user typed that differs from the item now
	Levels    []web.Option
	Registers []web.Option
	Templates []web.Option
	Depts     []web.Option
	Tags      []web.Option // the tags an item may grant
}

var itemFormFields = []string{"code", "name", "category", "department", "conditions", "materials", "chain", "time_limit",
	"fee", "forms", "basis", "certificate", "grants_tag", "sort"}

const spareRows = 3

func formFromItem(it services.Item, isNew bool) itemForm {
	f := itemForm{New: isNew, It: it, TimeLimit: strconv.Itoa(it.TimeLimit), Sort: strconv.Itoa(it.Sort)}
	if isNew {
		f.TimeLimit, f.Sort = "", ""
	}
	for _, m := range it.Materials {
		f.Materials = append(f.Materials, materialRow{Material: m})
	}
	for _, s := range it.Chain {
		f.Stages = append(f.Stages, stageRow{Stage: s, Days: strconv.Itoa(s.Days)})
	}
	return f
}

// readItemForm reads the form as typed. Rows left empty are dropped;
// material codes are made from the row number when left empty.
func readItemForm(r *http.Request) (services.Item, itemForm) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	it := services.Item{Code: v("code"), Name: v("name"), Category: v("category"), Department: v("department"),
		Conditions: v("conditions"), Fee: v("fee"), Forms: v("forms"), Basis: v("basis"), Certificate: v("certificate"),
		GrantsTag: v("grants_tag"), Active: r.PostFormValue("active") != ""}
	it.Version, _ = strconv.Atoi(v("version"))
	f := itemForm{TimeLimit: v("time_limit"), Sort: v("sort")}
	it.TimeLimit, _ = strconv.Atoi(f.TimeLimit)
	it.Sort, _ = strconv.Atoi(f.Sort)
	rows, _ := strconv.Atoi(v("material_rows"))
	for i := 0; i < min(rows, 100); i++ {
		k := func(field string) string { return v(fmt.Sprintf("m%d_%s", i, field)) }
		m := materialRow{Material: services.Material{Code: k("code"), Name: k("name"), Note: k("note"),
			Register: k("register"), Optional: k("optional") != ""}, Remove: k("remove") != ""}
		if m.Name == "" && m.Note == "" {
			continue
		}
		f.Materials = append(f.Materials, m)
		if m.Remove {
			continue
		}
		if m.Code == "" {
			m.Code = fmt.Sprintf("m%d", i+1)
		}
		it.Materials = append(it.Materials, m.Material)
	}
	rows, _ = strconv.Atoi(v("stage_rows"))
	for i := 0; i < min(rows, 20); i++ {
		k := func(field string) string { return v(fmt.Sprintf("s%d_%s", i, field)) }
		s := stageRow{Stage: services.Stage{Level: k("level"), Name: k("name")}, Days: k("days")}
		if s.Name == "" && s.Days == "" {
			continue
		}
		s.Stage.Days, _ = strconv.Atoi(s.Days)
		f.Stages = append(f.Stages, s)
		it.Chain = append(it.Chain, s.Stage)
	}
	f.It = it
	return it, f
}

func (h *pages) renderItemForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, f itemForm) {
	for i := 0; i < spareRows; i++ {
		f.Materials = append(f.Materials, materialRow{})
	}
	for i := 0; i < 2; i++ {
		f.Stages = append(f.Stages, stageRow{})
	}
	f.Levels = []web.Option{{Value: services.LevelCommunity, Label: "社区"}, {Value: services.LevelStreet, Label: "街道"}, {Value: services.LevelDistrict, Label: "区县"}}
	f.Registers = []web.Option{{Value: "person", Label: "基础信息库:身份信息"}, {Value: "household", Label: "基础信息库:户信息"},
		{Value: "tag:dibao", Label: "标签:低保"}, {Value: "tag:tekun", Label: "标签:特困"}, {Value: "tag:disabled", Label: "标签:残疾"},
		{Value: "tag:very_old", Label: "标签:高龄"}, {Value: "tag:veteran", Label: "标签:退役军人"}, {Value: "tag:preferential", Label: "标签:优抚对象"},
		{Value: "tag:unemployed", Label: "标签:失业"}, {Value: "certificate:residence", Label: "社区当场出具:居住证明"}}
	ts, err := h.svc.Templates(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, t := range ts {
		f.Templates = append(f.Templates, web.Option{Value: t.Code, Label: t.Name})
	}
	kinds, err := h.svc.GrantableTags(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, k := range kinds {
		f.Tags = append(f.Tags, web.Option{Value: k.Code, Label: k.Name})
	}
	depts, err := h.access.Departments(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, d := range depts {
		f.Depts = append(f.Depts, web.Option{Value: d.Code, Label: d.Name})
	}
	f.Summary = web.Summarize(f.Errors, itemFormFields)
	title := "修改服务事项"
	if f.New {
		title = "新增服务事项"
	}
	h.tmpl.Render(w, r, status, "services_item_form", web.NewPage(rq, title, "services", f))
}

func (h *pages) newItemForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderItemForm(w, r, rq, http.StatusOK, formFromItem(services.Item{Active: true,
		Chain: []services.Stage{{Level: services.LevelCommunity, Name: "社区受理", Days: 1}}}, true))
}

func (h *pages) editItemForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	it, err := h.svc.Item(r.Context(), r.PathValue("code"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.renderItemForm(w, r, rq, http.StatusOK, formFromItem(it, false))
}

func (h *pages) saveItem(isNew bool) func(http.ResponseWriter, *http.Request, *web.Request) {
	return func(w http.ResponseWriter, r *http.Request, rq *web.Request) {
		ctx := r.Context()
		it, f := readItemForm(r)
		f.New = isNew
		if isNew {
			it.Version = 0
			if _, err := h.svc.Item(ctx, it.Code); err == nil {
				f.Errors = fault.Fields{"code": "该编码已被其他事项使用"}
				h.renderItemForm(w, r, rq, http.StatusUnprocessableEntity, f)
				return
			}
		} else {
			it.Code = r.PathValue("code")
			if _, err := h.svc.Item(ctx, it.Code); err != nil {
				h.kit.Fail(w, r, rq, err)
				return
			}
			if it.Version == 0 {
				it.Version = -1 // an edit without a version is stale, never a new item
			}
		}
		f.It.Code = it.Code
		err := h.svc.SaveItem(ctx, staff(rq), &it)
		var ce *services.ConflictError
		switch fe := fault.FieldsOf(err); {
		case err == nil:
			h.kit.Log.Info("service item saved", "item", it.Code, "user", rq.User.ID)
			h.kit.SetFlash(w, "saved")
			http.Redirect(w, r, "/services/items/"+it.Code, http.StatusSeeOther)
		case fe != nil:
			f.Errors = fe
			h.renderItemForm(w, r, rq, http.StatusUnprocessableEntity, f)
		case errors.As(err, &ce):
			// Load the item as it is now; show what the user typed that
			// differs, so nothing they entered is lost from view.
			now, err := h.svc.Item(ctx, it.Code)
			if err != nil {
				h.kit.Fail(w, r, rq, err)
				return
			}
			nf := formFromItem(now, false)
			nf.Conflict = ce.Text(h.kit.When)
			nf.Yours = itemDifferences(f.It, now)
			h.renderItemForm(w, r, rq, http.StatusConflict, nf)
		default:
			h.kit.Fail(w, r, rq, err)
		}
	}
}

// itemDifferences lists the fields of typed that differ from now.
func itemDifferences(typed, now services.Item) []fieldView {
	var out []fieldView
	add := func(label, a, b string) {
		if a != b {
			out = append(out, fieldView{Label: label, After: a})
		}
	}
	add("名称", typed.Name, now.Name)
	add("类别", typed.Category, now.Category)
	add("申请条件", typed.Conditions, now.Conditions)
	add("材料", materialsText(typed.Materials), materialsText(now.Materials))
	add("办理流程", chainText(typed.Chain), chainText(now.Chain))
	add("法定时限(工作日)", strconv.Itoa(typed.TimeLimit), strconv.Itoa(now.TimeLimit))
	add("收费", typed.Fee, now.Fee)
	add("申请表格", typed.Forms, now.Forms)
	add("设定依据", typed.Basis, now.Basis)
	add("办结后登记标签", typed.GrantsTag, now.GrantsTag)
	return out
}

func materialsText(ms []services.Material) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, m.Name)
	}
	return strings.Join(parts, "、")
}

func chainText(ss []services.Stage) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, fmt.Sprintf("%s(%s,%d个工作日)", s.Name, services.LevelNames[s.Level], s.Days))
	}
	return strings.Join(parts, " → ")
}

// fieldView is a field of the form whose typed value differs from the
// item as it is now.
type fieldView struct {
	Label string
	After string
}
